/**
 * One scheduler step for one group of a REPLICA service's tasks kept at a desired count: the service's
 * PRIMARY deployment (rolling updates, service-scheduler.ts) or one of its task sets (CODE_DEPLOY and
 * EXTERNAL controllers, task-set-scheduler.ts). Rules (ECS developer guide, "Draining Amazon ECS container
 * instances", "Deploy Amazon ECS services by replacing tasks", "Service throttle logic"):
 *  - tasks to replace (on a DRAINING instance, or of an earlier deployment) are stopped at once while
 *    PENDING; RUNNING ones only while the group's RUNNING count stays ≥ minimumHealthyPercent of its
 *    desired count (rounded up); replacements start only while its total stays ≤ maximumPercent of it
 *    (rounded down). A task counts as healthy once RUNNING (the 40 s without a health check: not modelled);
 *  - more tasks than desired → the surplus stops (placement-strategy order), never a task with task
 *    scale-in protection on (task-protection.ts);
 *  - fewer → place; what cannot be placed stays unplaced (no task object): the caller reports it with
 *    {@link reportUnplaced}.
 */
import { simSubnetZone } from '../core/subnets.js';
import { eligibleProviders } from './capacity-providers.js';
import { placementFailureEvent } from './ecs-events.js';
import type { EcsWorld, PlaceOptions } from './ecs-world.js';
import type { CapacityProviderStrategyItem, SimService, SimTask, SimTaskDefinition } from './model.js';
import {
  chooseInstance,
  chooseTasksToStop,
  type PlacementChoice,
  type PlacementMemo,
  type PlacementRequest,
  taskNeeds,
} from './placement.js';
import { isTaskProtected } from './task-protection.js';

/** A placement that found no instance. */
export type PlacementFailure = Extract<PlacementChoice, { ok: false }>;

/** A group of a service's tasks that the scheduler keeps at `desired`. */
export interface ReplicaGroup {
  /** The group's tasks ECS keeps (desiredStatus RUNNING). */
  tasks: readonly SimTask[];
  desired: number;
  /** Tasks of an earlier deployment: replaced like those on a DRAINING instance. */
  outdated: (t: SimTask) => boolean;
  /** The deployment (or task set) id its stop reasons name. */
  deploymentId: string;
  taskDefinition: SimTaskDefinition;
  /** What each new task needs (asked once per task placed). */
  request: () => PlacementRequest;
  place: PlaceOptions;
  /**
   * A task set's step: minimumHealthyPercent and maximumPercent bound the tasks of the whole service
   * ("the number of the tasks in the service that remain in the RUNNING state while the container
   * instances are in the DRAINING state", ECS API reference `DeploymentConfiguration`), not the set's:
   * `minHealthy` and `maxTotal` for the service, and its tasks outside this group (other sets).
   */
  service?: { minHealthy: number; maxTotal: number; othersRunning: number; othersLive: number };
}

/** What {@link keepReplicas} did: the tasks it kept and started, and why it stopped placing, if it did. */
export interface ReplicaStepResult {
  /** Tasks of the group on ACTIVE instances, not outdated, still kept after the step (before starts). */
  kept: number;
  started: number;
  failure?: PlacementFailure;
}

/** Runs one step for `g`, a group of the REPLICA service `s` (see the module comment for the rules). */
export const keepReplicas = (world: EcsWorld, s: SimService, g: ReplicaGroup): ReplicaStepResult => {
  const { rng } = world.ctx;
  const desired = g.desired;
  const active = g.tasks;
  const { outdated } = g;
  const draining = [
    ...active.filter((t) => t.instance.status !== 'ACTIVE'),
    ...active.filter((t) => t.instance.status === 'ACTIVE' && outdated(t)),
  ];
  let good = active.filter((t) => t.instance.status === 'ACTIVE' && !outdated(t));
  const scaling = `Scaling activity initiated by (deployment ${g.deploymentId})`;
  const reasonFor = (t: SimTask) =>
    t.instance.status !== 'ACTIVE' ? 'Service is draining this container instance.' : scaling;

  // PENDING tasks to replace are stopped immediately.
  for (const t of draining.filter((t) => t.lastStatus !== 'RUNNING'))
    world.stopTask(t, reasonFor(t), 'ServiceSchedulerInitiated');
  const drainingRunning = draining.filter((t) => t.lastStatus === 'RUNNING');

  // Scale in: surplus of good tasks. Protected tasks (task scale-in protection) are never stopped.
  const stoppable = good.filter((t) => !isTaskProtected(t, world.ctx.clock.nowMs));
  if (good.length > desired && stoppable.length > 0) {
    const surplus = Math.min(stoppable.length, good.length - desired);
    const stop = chooseTasksToStop(stoppable, surplus, s.placementStrategy, rng);
    for (const t of stop) world.stopTask(t, scaling, 'ServiceSchedulerInitiated');
    const stopped = new Set(stop);
    good = good.filter((t) => !stopped.has(t));
  }

  // Stop draining RUNNING tasks while the healthy (RUNNING) count stays at or above the minimum.
  const sv = g.service;
  const minHealthy = sv ? sv.minHealthy : Math.ceil((desired * s.minimumHealthyPercent) / 100);
  let healthy =
    (sv?.othersRunning ?? 0) + good.filter((t) => t.lastStatus === 'RUNNING').length + drainingRunning.length;
  let remainingDraining = drainingRunning.length;
  for (const t of drainingRunning) {
    if (healthy - 1 >= minHealthy) {
      world.stopTask(t, reasonFor(t), 'ServiceSchedulerInitiated');
      healthy--;
      remainingDraining--;
    }
  }

  // Start tasks: up to desired on ACTIVE instances, within maximumPercent while draining ones remain.
  const maxTotal = sv
    ? sv.maxTotal - sv.othersLive
    : Math.max(desired, Math.floor((desired * s.maximumPercent) / 100));
  let toStart = Math.max(0, Math.min(desired - good.length, maxTotal - good.length - remainingDraining));
  toStart = throttle(world, s, toStart);
  // The group's tasks per instance and the instances' buckets, looked up once for the whole loop:
  // only the tasks it places change (and each adds one to its instance's count).
  const memo: PlacementMemo = { groupCounts: new Map(), buckets: new Map() };
  const counts = memo.groupCounts;
  for (let i = 0; i < toStart; i++) {
    const choice = chooseInstance(s.cluster.instances.values(), g.request(), rng, memo);
    if (!choice.ok) return { kept: good.length, started: i, failure: choice };
    world.placeTask(choice.instance, g.taskDefinition, g.place);
    const placed = counts.get(choice.instance);
    if (placed !== undefined) counts.set(choice.instance, placed + 1);
  }
  return { kept: good.length, started: toStart };
};

/**
 * The AZs of an awsvpc service's subnets (the simulator's own, or those a seeded snapshot's instances
 * registered); a subnet the simulator does not know leaves the service unbound.
 */
const subnetZones = (s: SimService, subnets: readonly string[]): ReadonlySet<string> | undefined => {
  const known = new Map<string, string>();
  for (const ci of s.cluster.instances.values()) {
    const subnet = ci.attributes.find((a) => a.name === 'ecs.subnet-id')?.value;
    if (subnet) known.set(subnet, ci.az);
  }
  const region = s.arn.split(':')[3] ?? '';
  const zones = subnets.map((id) => simSubnetZone(region, id, known));
  return zones.every((z) => z !== undefined) ? new Set(zones as string[]) : undefined;
};

/**
 * What a task of service `s` running `td` needs from an instance: the service's placement strategy and
 * constraints (with the task definition's), spread over its group `service:<name>`, in the AZs of
 * `target.subnets` and on the providers of `target.capacityProviderStrategy` (default: the service's own;
 * a task set may name its own, ECS API reference `CreateTaskSet`).
 */
export const servicePlacementRequest = (
  s: SimService,
  td: SimTaskDefinition,
  target: {
    subnets?: readonly string[];
    capacityProviderStrategy: readonly CapacityProviderStrategyItem[];
  } = s,
): PlacementRequest => {
  const zones = target.subnets ? subnetZones(s, target.subnets) : undefined;
  return {
    ...taskNeeds(td),
    ...(zones ? { zones } : {}),
    group: `service:${s.name}`,
    strategy: s.placementStrategy,
    constraints: [...s.placementConstraints, ...td.placementConstraints],
    ...(target.capacityProviderStrategy.length > 0
      ? { capacityProviders: eligibleProviders(target.capacityProviderStrategy) }
      : {}),
  };
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

/**
 * Adds the service event message "unable to place a task" and emits SERVICE_TASK_PLACEMENT_FAILURE, at
 * most once per `placementFailureEventIntervalSeconds` per service (an assumption: AWS does not document
 * the rate).
 */
export const reportUnplaced = (world: EcsWorld, s: SimService, failure: PlacementFailure): void => {
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
 * tasks successfully". Returns how many tasks may start now (per service, whichever group asks).
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
