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
 *    maximumPercent 100 replaces nothing, as in ECS;
 *  - DAEMON deployments: each old daemon task stops, then the new one starts on its instance;
 *  - more tasks than desired → stop the surplus (placement-strategy order), never a task with task
 *    scale-in protection on (task-protection.ts);
 *  - fewer → place; what cannot be placed stays unplaced (no task object) and the service reports
 *    "unable to place a task" and emits SERVICE_TASK_PLACEMENT_FAILURE (at most once per
 *    `placementFailureEventIntervalSeconds` per service: an assumption, AWS does not document the rate).
 * Standalone tasks are never touched by draining.
 */

import { simSubnetZone } from '../core/subnets.js';
import { eligibleProviders } from './capacity-providers.js';
import { placementFailureEvent } from './ecs-events.js';
import type { EcsWorld } from './ecs-world.js';
import type { SimCluster, SimContainerInstance, SimService, SimTask } from './model.js';
import { chooseInstance, chooseTasksToStop, type PlacementChoice, type PlacementMemo } from './placement.js';
import { isTaskProtected } from './task-protection.js';

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
      unplaced = reconcileReplica(world, s) || unplaced;
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
      if (choice.ok) world.placeTask(ci, s.taskDefinition, placeOpts(s));
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

/**
 * The AZs of an awsvpc service's subnets (the simulator's own, or those a seeded snapshot's instances
 * registered); a subnet the simulator does not know leaves the service unbound.
 */
const subnetZones = (s: SimService): ReadonlySet<string> | undefined => {
  const known = new Map<string, string>();
  for (const ci of s.cluster.instances.values()) {
    const subnet = ci.attributes.find((a) => a.name === 'ecs.subnet-id')?.value;
    if (subnet) known.set(subnet, ci.az);
  }
  const region = s.arn.split(':')[3] ?? '';
  const zones = (s.subnets ?? []).map((id) => simSubnetZone(region, id, known));
  return zones.every((z) => z !== undefined) ? new Set(zones as string[]) : undefined;
};

const request = (s: SimService) => {
  const td = s.taskDefinition;
  const zones = s.subnets ? subnetZones(s) : undefined;
  return {
    reservation: td.reservation,
    hostPorts: td.hostPorts,
    hostPortsUdp: td.hostPortsUdp,
    awsvpc: td.awsvpc,
    requiresAttributes: td.requiresAttributes,
    ...(td.cpuArchitecture ? { cpuArchitecture: td.cpuArchitecture } : {}),
    ...(zones ? { zones } : {}),
    group: `service:${s.name}`,
    strategy: s.placementStrategy,
    constraints: [...s.placementConstraints, ...td.placementConstraints],
    ...(s.capacityProviderStrategy.length > 0
      ? { capacityProviders: eligibleProviders(s.capacityProviderStrategy) }
      : {}),
  };
};

const placeOpts = (s: SimService) => ({ service: s, group: `service:${s.name}`, startedBy: s.deploymentId });

const reconcileReplica = (world: EcsWorld, s: SimService): boolean => {
  const { rng } = world.ctx;
  const desired = s.desiredCount;
  const active = [...s.tasks].filter((t) => t.desiredStatus === 'RUNNING');
  // Tasks to replace: those on a DRAINING instance, then those of an earlier deployment (a rolling
  // update). Both are bounded alike by minimumHealthyPercent and maximumPercent.
  const old = new Set(s.previousDeployments.map((d) => d.id));
  const outdated = (t: SimTask) => t.startedBy !== undefined && old.has(t.startedBy);
  const draining = [
    ...active.filter((t) => t.instance.status !== 'ACTIVE'),
    ...active.filter((t) => t.instance.status === 'ACTIVE' && outdated(t)),
  ];
  let good = active.filter((t) => t.instance.status === 'ACTIVE' && !outdated(t));
  const reasonFor = (t: SimTask) =>
    t.instance.status !== 'ACTIVE'
      ? 'Service is draining this container instance.'
      : `Scaling activity initiated by (deployment ${s.deploymentId})`;

  // PENDING tasks to replace are stopped immediately.
  for (const t of draining.filter((t) => t.lastStatus !== 'RUNNING'))
    world.stopTask(t, reasonFor(t), 'ServiceSchedulerInitiated');
  const drainingRunning = draining.filter((t) => t.lastStatus === 'RUNNING');

  // Scale in: surplus of good tasks.
  // Protected tasks (task scale-in protection) are never stopped by a scale-in (task-protection.ts).
  const stoppable = good.filter((t) => !isTaskProtected(t, world.ctx.clock.nowMs));
  if (good.length > desired && stoppable.length > 0) {
    const surplus = Math.min(stoppable.length, good.length - desired);
    const stop = chooseTasksToStop(stoppable, surplus, s.placementStrategy, rng);
    for (const t of stop)
      world.stopTask(
        t,
        `Scaling activity initiated by (deployment ${s.deploymentId})`,
        'ServiceSchedulerInitiated',
      );
    const stopped = new Set(stop);
    good = good.filter((t) => !stopped.has(t));
  }

  // Stop draining RUNNING tasks while the healthy (RUNNING) count stays at or above the minimum.
  const minHealthy = Math.ceil((desired * s.minimumHealthyPercent) / 100);
  let healthy = good.filter((t) => t.lastStatus === 'RUNNING').length + drainingRunning.length;
  let remainingDraining = drainingRunning.length;
  for (const t of drainingRunning) {
    if (healthy - 1 >= minHealthy) {
      world.stopTask(t, reasonFor(t), 'ServiceSchedulerInitiated');
      healthy--;
      remainingDraining--;
    }
  }

  // Start tasks: up to desired on ACTIVE instances, within maximumPercent while draining ones remain.
  const maxTotal = Math.max(desired, Math.floor((desired * s.maximumPercent) / 100));
  let toStart = Math.max(0, Math.min(desired - good.length, maxTotal - good.length - remainingDraining));
  toStart = throttle(world, s, toStart);
  let failure: PlacementChoice | undefined;
  // The service's tasks per instance and the instances' buckets, looked up once for the whole loop:
  // only the tasks it places change (and each adds one to its instance's count).
  const memo: PlacementMemo = { groupCounts: new Map(), buckets: new Map() };
  const counts = memo.groupCounts;
  for (let i = 0; i < toStart; i++) {
    const choice = chooseInstance(s.cluster.instances.values(), request(s), rng, memo);
    if (!choice.ok) {
      failure = choice;
      break;
    }
    world.placeTask(choice.instance, s.taskDefinition, placeOpts(s));
    const placed = counts.get(choice.instance);
    if (placed !== undefined) counts.set(choice.instance, placed + 1);
  }
  const now = world.ctx.clock.nowMs;
  if (failure && !failure.ok) {
    s.unplacedSince ??= now;
    reportUnplaced(world, s, failure);
    return true;
  }
  if (good.length + toStart >= desired) s.unplacedSince = undefined;
  return false;
};

const reasonText: Record<string, string> = {
  'RESOURCE:CPU': 'has insufficient CPU units available',
  'RESOURCE:MEMORY': 'has insufficient memory available',
  'RESOURCE:GPU': 'has insufficient GPU available',
  'RESOURCE:PORTS': 'is already using a port required by your task',
  'RESOURCE:ENI': 'encountered error "RESOURCE:ENI"',
  ATTRIBUTE: 'is missing an attribute required by your task',
  // ecs-facts §3.1 (the texts of public captures; AWS's page does not list these two).
  'MemberOf placement constraint unsatisfied':
    'encountered error "MemberOf placement constraint unsatisfied."',
  'DistinctInstance placement constraint unsatisfied':
    'encountered error "DistinctInstance placement constraint unsatisfied."',
};

/** Adds the service event message and (rate-limited) emits SERVICE_TASK_PLACEMENT_FAILURE. */
const reportUnplaced = (
  world: EcsWorld,
  s: SimService,
  failure: Extract<PlacementChoice, { ok: false }>,
): void => {
  const { ctx } = world;
  // Before the run starts the world is being built: report on the first pass after the start.
  if (!ctx.started) return;
  const now = ctx.clock.nowMs;
  const last = s.lastPlacementFailureAt;
  if (last !== undefined && now - last < ctx.settings.placementFailureEventIntervalSeconds * 1000) return;
  s.lastPlacementFailureAt = now;
  const closest = failure.instances[0];
  const message =
    failure.reason === 'NO_INSTANCES' || !closest
      ? `(service ${s.name}) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.`
      : `(service ${s.name}) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance ${closest.id} ${reasonText[failure.reason] ?? failure.reason}. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`;
  s.events.unshift({ id: ctx.rng.uuid(), createdAt: now, message });
  if (s.events.length > 100) s.events.length = 100;
  ctx.emit('aws.ecs', 'ECS Service Action', [s.arn], () =>
    placementFailureEvent(
      s,
      failure.reason === 'NO_INSTANCES' ? 'NO_CONTAINER_INSTANCES' : failure.reason,
      failure.instances,
      now,
    ),
  );
};

/**
 * ECS's start throttle ("Service throttle logic"): after tasks of a service stop before RUNNING, the
 * scheduler waits longer and longer before it starts more (here 10 s doubling per failure, capped at
 * 15 minutes: AWS documents the cap, not the steps) and reports that it "is unable to consistently start
 * tasks successfully". Returns how many tasks may start now.
 */
const throttle = (world: EcsWorld, s: SimService, toStart: number): number => {
  if (toStart === 0 || s.failedTasks === 0) return toStart;
  const now = world.ctx.clock.nowMs;
  if (s.throttledUntil !== undefined && now < s.throttledUntil) return 0;
  const gap = Math.min(900, 10 * 2 ** Math.min(20, s.failedTasks - 1));
  s.throttledUntil = now + gap * 1000;
  if (world.ctx.started) {
    world.ctx.clock.after(gap, 'ecs:throttle', () => world.requestReconcile(s.cluster));
    if (s.failedTasks >= 3 && !s.events[0]?.message.includes('unable to consistently start tasks')) {
      s.events.unshift({
        id: world.ctx.rng.uuid(),
        createdAt: now,
        message: `(service ${s.name}) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
      });
      if (s.events.length > 100) s.events.length = 100;
    }
  }
  return Math.min(toStart, 1);
};
