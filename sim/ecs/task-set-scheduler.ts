/**
 * The scheduler's pass over a service with task sets (CODE_DEPLOY and EXTERNAL controllers; ECS API
 * reference `TaskSet`, `DeploymentConfiguration`):
 *  - each set is kept at its computedDesiredCount, independently of the others (during a blue/green
 *    deployment both sets are at 100 %: the service runs twice its desired count);
 *  - minimumHealthyPercent and maximumPercent only bound the replacement of tasks on DRAINING container
 *    instances, over the tasks of the whole service as AWS words it ("the number of the tasks in the
 *    service that remain in the RUNNING state while the container instances are in the DRAINING state",
 *    `DeploymentConfiguration`); they never cap a set's size (the ceiling is at least the sets' computed
 *    counts together). While two sets run at 100 % under a 200 % maximum, a task on a DRAINING instance is
 *    stopped first (within minimumHealthyPercent), then replaced;
 *  - a DRAINING set's tasks are stopped (its computed desired count is 0); the set is gone once its last
 *    task is STOPPED;
 *  - a set's tasks carry its id as `startedBy`, `group` `service:<name>`, the service's placement strategy
 *    and constraints, the set's capacity provider strategy / launch type / subnets where given, else the
 *    service's; a task that cannot be placed leaves the service's event and SERVICE_TASK_PLACEMENT_FAILURE
 *    as for any service (replica-step.ts);
 *  - `stabilityStatus` is re-evaluated at each pass (≤ `ecsSchedulerDelaySeconds` after a task changes:
 *    an *approximation* of `stabilityStatusAt`): STEADY_STATE when runningCount = computedDesiredCount,
 *    nothing PENDING and no task on a DRAINING instance (load balancer health is not modelled).
 */
import type { EcsWorld } from './ecs-world.js';
import type { SimService, SimTask, SimTaskSet } from './model.js';
import { keepReplicas, reportUnplaced, servicePlacementRequest } from './replica-step.js';
import { computedDesiredCount, placementTarget, tasksBySet } from './task-sets.js';

/** One pass over `s` (which has task sets). Returns whether a task could not be placed. */
export const reconcileTaskSets = (world: EcsWorld, s: SimService): boolean => {
  // A DRAINING set whose last task has stopped is gone from DescribeServices.
  s.taskSets = (s.taskSets ?? []).filter((set) => set.status !== 'DRAINING' || hasLiveTask(s, set));
  const bySet = tasksBySet(s);
  let unplaced = false;
  let short = false;
  const wanted = s.taskSets.reduce((n, set) => n + computedDesiredCount(s, set), 0);
  const minHealthy = Math.ceil((s.desiredCount * s.minimumHealthyPercent) / 100);
  const maxTotal = Math.max(wanted, Math.floor((s.desiredCount * s.maximumPercent) / 100));
  for (const set of s.taskSets) {
    const desired = computedDesiredCount(s, set);
    // The service's other tasks as they stand now (earlier sets of this pass may have changed them).
    let othersRunning = 0;
    let othersLive = 0;
    for (const t of s.tasks)
      if (t.desiredStatus === 'RUNNING' && t.startedBy !== set.id) {
        othersLive++;
        if (t.lastStatus === 'RUNNING') othersRunning++;
      }
    const result = keepReplicas(world, s, {
      service: { minHealthy, maxTotal, othersRunning, othersLive },
      tasks: (bySet.get(set) ?? []).filter((t) => t.desiredStatus === 'RUNNING'),
      desired,
      outdated: () => false,
      deploymentId: set.id,
      taskDefinition: set.taskDefinition,
      request: () => servicePlacementRequest(s, set.taskDefinition, placementTarget(s, set)),
      place: { service: s, group: `service:${s.name}`, startedBy: set.id },
    });
    if (result.failure) {
      unplaced = true;
      reportUnplaced(world, s, result.failure);
    } else if (result.kept + result.started < desired) short = true;
  }
  const now = world.ctx.clock.nowMs;
  const after = tasksBySet(s);
  for (const set of s.taskSets) recordStability(set, computedDesiredCount(s, set), after.get(set) ?? [], now);
  if (unplaced) s.unplacedSince ??= now;
  else if (!short) s.unplacedSince = undefined;
  return unplaced;
};

/** Whether a task of `set` is not STOPPED yet (a STOPPING one keeps a DRAINING set listed). */
const hasLiveTask = (s: SimService, set: SimTaskSet): boolean => {
  for (const ci of s.cluster.instances.values())
    for (const t of ci.tasks)
      if (t.service === s && t.startedBy === set.id && t.lastStatus !== 'STOPPED') return true;
  return false;
};

const recordStability = (set: SimTaskSet, desired: number, tasks: readonly SimTask[], now: number): void => {
  let running = 0;
  let pending = 0;
  let onDraining = false;
  for (const t of tasks) {
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING') pending++;
    if (t.instance.status !== 'ACTIVE') onDraining = true;
  }
  const status = running === desired && pending === 0 && !onDraining ? 'STEADY_STATE' : 'STABILIZING';
  if (status !== set.stabilityStatus) {
    set.stabilityStatus = status;
    set.stabilityStatusAt = now;
  }
};
