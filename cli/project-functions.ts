/**
 * The project's functions for `simulate`, imported statically so that the compiled CLI (dist/cli.mjs)
 * carries them, with the serverless.yml shipped in the package (one folder above this file, in the
 * checkout and in the package alike). Imported lazily by the simulate command only.
 */
import { fileURLToPath } from 'node:url';
import { handler as clusterDispatcher } from '../functions/cluster-dispatcher/handler.js';
import { handler as clusterScaler } from '../functions/cluster-scaler/handler.js';
import { handler as instanceDrainer } from '../functions/instance-drainer/handler.js';
import type { FunctionRegistration } from '../sim/index.js';
import { useProjectFunctions } from '../sim/replay/project-handlers.js';

/** Points the simulator's project policy at the handlers bundled with this program. */
export const useBundledFunctions = (): void => {
  useProjectFunctions({
    serverlessFile: fileURLToPath(new URL('../serverless.yml', import.meta.url)),
    handlers: {
      'cluster-dispatcher': clusterDispatcher as FunctionRegistration['handler'],
      'cluster-scaler': clusterScaler as FunctionRegistration['handler'],
      'instance-drainer': instanceDrainer as FunctionRegistration['handler'],
    },
  });
};
