/**
 * Registers the project's real cluster-dispatcher, cluster-scaler and instance-drainer with a simulator,
 * with the triggers, timeouts and retry counts serverless.yml gives them (read from serverless.yml itself):
 * the dispatcher's tick and alarm rules, the cluster queue (SQS FIFO) the cluster scaler consumes.
 *
 * Where the handlers come from: by default the TypeScript sources of the checkout in the current
 * directory (`functions/<name>/handler.ts`, imported when registered), which is what benches and tests
 * use. A bundled program (the compiled CLI) has no sources: it imports the handlers statically and
 * hands them over with {@link useProjectFunctions}, with the serverless.yml shipped beside it. Either
 * way the handlers share the program's SDK modules, so the simulator's interception reaches them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionRegistration } from '../events/lambdas.js';
import type { Sim } from '../index.js';

const NAMES = ['cluster-dispatcher', 'cluster-scaler', 'instance-drainer'];

/** Where the project's functions are read from. */
export interface ProjectFunctions {
  /** Path of the serverless.yml giving triggers, timeouts and retries. */
  serverlessFile: string;
  /** The handlers by function name; absent: import `functions/<name>/handler.ts` from the checkout. */
  handlers?: Record<string, FunctionRegistration['handler']>;
}

let source: ProjectFunctions = { serverlessFile: 'serverless.yml' };

/** Sets where {@link registerProjectHandlers} takes the functions from (process-wide). */
export const useProjectFunctions = (functions: ProjectFunctions): void => {
  source = functions;
};

/** Whether the project's handlers this policy needs are available. */
export const projectHandlersPresent = (): boolean => {
  const { handlers } = source;
  if (handlers) return NAMES.every((n) => typeof handlers[n] === 'function');
  return NAMES.every((n) => existsSync(join('functions', n, 'handler.ts')));
};

/**
 * Registers the functions exactly as serverless.yml deploys them — EventBridge patterns, schedules,
 * timeouts, retry attempts (see sim/events/serverless.ts).
 */
export const registerProjectHandlers = async (sim: Sim): Promise<void> => {
  await sim.loadServerless(source.serverlessFile, {
    only: NAMES,
    ...(source.handlers ? { handlers: source.handlers } : {}),
  });
};
