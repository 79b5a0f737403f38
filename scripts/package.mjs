#!/usr/bin/env node
// `npm run package`: `serverless package` offline (osls; dummy credentials when none are set: packaging
// never calls AWS) — which bundles every function first (scripts/build-plugin.cjs) — then cfn-lint on the
// generated template when it is on PATH.
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'AKIAPACKAGEONLY0000',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'package-only',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};
run('npx', ['--no-install', 'sls', 'package', ...process.argv.slice(2)], env);

const template = '.serverless/cloudformation-template-update-stack.json';
const which = spawnSync('sh', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' });
if (which.status === 0 && which.stdout.trim()) {
  // W3005 (redundant DependsOn) is emitted by the Serverless Framework's own generated resources.
  run('cfn-lint', ['--ignore-checks', 'W3005', '--', template]);
  console.log(`cfn-lint: ${template} clean`);
} else {
  console.log('cfn-lint: not on PATH, skipped (pip install cfn-lint to run it)');
}
