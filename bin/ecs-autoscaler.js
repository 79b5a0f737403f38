#!/usr/bin/env node
// The ecs-autoscaler command in a checkout: no build step. tsx (a devDependency, present after `npm ci`)
// compiles the TypeScript sources on the fly through Node's module hooks.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv);
