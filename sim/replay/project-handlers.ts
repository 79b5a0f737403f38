/**
 * Registers the project's real cluster-scaler and instance-drainer with a simulator, with the triggers,
 * timeouts and retry counts serverless.yml gives them (read from serverless.yml itself; the TypeScript
 * sources, not the bundles, so the simulator's SDK interception and virtual clock reach them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sim } from '../index.js';

/** Whether the project's handlers this policy needs exist in this checkout. */
export const projectHandlersPresent = (): boolean =>
  ['cluster-scaler', 'instance-drainer'].every((n) => existsSync(join('functions', n, 'handler.ts')));

/**
 * Registers both functions exactly as serverless.yml deploys them — EventBridge patterns, schedules,
 * timeouts, retry attempts — loading the TypeScript sources (see sim/events/serverless.ts).
 */
export const registerProjectHandlers = async (sim: Sim): Promise<void> => {
  await sim.loadServerless('serverless.yml', { only: ['cluster-scaler', 'instance-drainer'] });
};
