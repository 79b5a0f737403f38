/**
 * The ECS service scheduler, one pass per cluster. Rules (ECS developer guide, "Draining Amazon ECS
 * container instances", "Daemon" scheduling, "Task placement strategies"):
 *  - DAEMON services first: one task per ACTIVE instance; on a DRAINING instance the daemon task is
 *    stopped only once every other task on that instance has stopped (daemons stop last);
 *  - REPLICA services: service tasks on DRAINING instances, and those of an earlier deployment (a
 *    rolling update, "Deploy Amazon ECS services by replacing tasks"), are replaced on ACTIVE instances;
 *    PENDING ones are stopped at once, RUNNING ones only while the RUNNING count stays ≥
 *    minimumHealthyPercent of desired (rounded up), and replacements are started only while the total
 *    stays ≤ maximumPercent of desired (rounded down). A task counts as healthy once RUNNING (AWS waits
 *    40 s more without a container health check: not modelled). minimumHealthyPercent 100 with
 *    maximumPercent 100 replaces nothing, as in ECS (replica-step.ts);
 *  - REPLICA services of the CODE_DEPLOY and EXTERNAL controllers: each task set kept at its own
 *    computed desired count (task-set-scheduler.ts);
 *  - DAEMON deployments: each old daemon task stops, then the new one starts on its instance;
 *  - more tasks than desired → stop the surplus (placement-strategy order), never a task with task
 *    scale-in protection on (task-protection.ts);
 *  - fewer → place; what cannot be placed stays unplaced (no task object) and the service reports
 *    "unable to place a task" and emits SERVICE_TASK_PLACEMENT_FAILURE (at most once per
 *    `placementFailureEventIntervalSeconds` per service: an assumption, AWS does not document the rate).
 * Standalone tasks are never touched by draining.
 */

import type { EcsWorld } from './ecs-world.js';
import type { SimCluster, SimContainerInstance, SimService, SimTask } from './model.js';
import { chooseInstance, type PlacementChoice } from './placement.js';
import { keepReplicas, reportUnplaced, servicePlacementRequest } from './replica-step.js';
import { reconcileTaskSets } from './task-set-scheduler.js';

/** Runs one scheduler pass over every ACTIVE service of the cluster. */
export const reconcileCluster = (world: EcsWorld, cluster: SimCluster): void => {
  let unplaced = false;
  // A deployment none of whose tasks is left is INACTIVE: DescribeServices no longer lists it.
  for (const s of cluster.services.values())
    if (s.previousDeployments.length > 0)
      s.previousDeployments = s.previousDeployments.filter((d) =>
        [...s.tasks].some((t) => t.startedBy === d.id),
      );
  for (const s of cluster.services.values())
    if (s.status === 'ACTIVE' && s.schedulingStrategy === 'DAEMON')
      unplaced = reconcileDaemon(world, s) || unplaced;
  for (const s of cluster.services.values())
    if (s.status === 'ACTIVE' && s.schedulingStrategy === 'REPLICA')
      unplaced = (s.taskSets ? reconcileTaskSets(world, s) : reconcileReplica(world, s)) || unplaced;
  // Capacity may appear without an ECS trigger (nothing else retries): look again later.
  if (unplaced && world.ctx.started) {
    world.ctx.clock.after(world.ctx.settings.placementFailureEventIntervalSeconds, 'ecs:retry', () =>
      world.requestReconcile(cluster),
    );
  }
};

const daemonTaskOn = (s: SimService, ci: SimContainerInstance): SimTask | undefined => {
  for (const t of ci.tasks) if (t.service === s && t.desiredStatus === 'RUNNING') return t;
  return undefined;
};

const reconcileDaemon = (world: EcsWorld, s: SimService): boolean => {
  let failed: PlacementChoice | undefined;
  const old = new Set(s.previousDeployments.map((d) => d.id));
  for (const ci of s.cluster.instances.values()) {
    const task = daemonTaskOn(s, ci);
    if (task?.startedBy !== undefined && old.has(task.startedBy) && ci.status === 'ACTIVE') {
      // A daemon deployment (maximumPercent 100): the old task stops, the new one starts once it has.
      world.stopTask(
        task,
        `Scaling activity initiated by (deployment ${s.deploymentId})`,
        'ServiceSchedulerInitiated',
      );
      continue;
    }
    if (ci.status === 'ACTIVE' && ci.agentConnected && !task) {
      const choice = chooseInstance([ci], request(s), world.ctx.rng);
      if (choice.ok) world.placeTask(ci, s.taskDefinition!, placeOpts(s));
      else failed ??= choice;
    } else if (ci.status === 'DRAINING' && task) {
      const others = [...ci.tasks].some(
        (t) => t.service?.schedulingStrategy !== 'DAEMON' && t.lastStatus !== 'STOPPED',
      );
      if (!others)
        world.stopTask(task, 'Service is draining this container instance.', 'ServiceSchedulerInitiated');
    }
  }
  if (failed && !failed.ok) reportUnplaced(world, s, failed);
  return failed !== undefined;
};

/** What a task of the service's PRIMARY deployment needs from an instance. */
const request = (s: SimService) => servicePlacementRequest(s, s.taskDefinition!);

const placeOpts = (s: SimService) => ({ service: s, group: `service:${s.name}`, startedBy: s.deploymentId });

const reconcileReplica = (world: EcsWorld, s: SimService): boolean => {
  const desired = s.desiredCount;
  // Tasks to replace: those on a DRAINING instance, then those of an earlier deployment (a rolling
  // update). Both are bounded alike by minimumHealthyPercent and maximumPercent (replica-step.ts).
  const old = new Set(s.previousDeployments.map((d) => d.id));
  const result = keepReplicas(world, s, {
    tasks: [...s.tasks].filter((t) => t.desiredStatus === 'RUNNING'),
    desired,
    outdated: (t) => t.startedBy !== undefined && old.has(t.startedBy),
    deploymentId: s.deploymentId,
    taskDefinition: s.taskDefinition!,
    request: () => request(s),
    place: placeOpts(s),
  });
  const now = world.ctx.clock.nowMs;
  if (result.failure) {
    s.unplacedSince ??= now;
    reportUnplaced(world, s, result.failure);
    return true;
  }
  if (result.kept + result.started >= desired) s.unplacedSince = undefined;
  return false;
};
