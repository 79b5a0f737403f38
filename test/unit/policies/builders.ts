/** Small builders of policy observations for the policy unit tests. */
import type { Resources } from '../../../shared/core/capacity/resources.js';
import type { ObservedInstance, PolicyObservation } from '../../../sim/policies/types.js';

/** An m5.large-like instance: 2048 CPU units, 7680 MiB. */
export const LARGE: Resources = { CPU: 2048, MEMORY: 7680, GPU: 0 };
/** An m5.xlarge-like instance: 4096 CPU units, 15_360 MiB. */
export const XLARGE: Resources = { CPU: 4096, MEMORY: 15_360, GPU: 0 };

/** A registered in-service instance with `tasks` non-daemon tasks reserving `reserved`. */
export const instance = (
  id: string,
  tasks: number,
  reserved: Partial<Resources> = {},
  over: Partial<ObservedInstance> = {},
): ObservedInstance => ({
  id,
  lifecycle: 'in-service',
  registered: true,
  ecsStatus: 'ACTIVE',
  nonDaemonTasks: tasks,
  capacity: LARGE,
  reserved: { CPU: 0, MEMORY: 0, GPU: 0, ...reserved },
  launchedAt: -3600,
  ...over,
});

/** An observation at `now` (default 0) of a group with the given instances. */
export const observation = (over: Partial<PolicyObservation> = {}): PolicyObservation => {
  const instances = over.instances ?? [];
  return {
    now: 0,
    group: { name: 'asg', min: 0, max: 100, desired: instances.length },
    instances,
    provisioning: [],
    largestTask: { CPU: 512, MEMORY: 1024, GPU: 0 },
    instanceTypes: [LARGE],
    daemonReservation: { CPU: 0, MEMORY: 0, GPU: 0 },
    ...over,
  };
};
