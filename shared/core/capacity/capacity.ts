/**
 * The capacity model: the reservation threshold rule, per dimension, over one cluster snapshot.
 *
 * Definitions (README "How capacity is computed"):
 * - Capacity instances: `status == ACTIVE` and `agentConnected == true`. DRAINING, INACTIVE and
 *   disconnected instances are counted but give no capacity.
 * - registered = Σ registeredResources, reserved = Σ (registered − remaining), over capacity instances;
 *   reservationPercent = 100 × reserved / registered (0 when nothing is registered).
 * - Largest task, per dimension: the maximum task reservation over the task definitions that ACTIVE
 *   REPLICA services run, every deployment of each (a rollout counts both revisions). DAEMON services are
 *   left out: ECS places a daemon task on every instance as it joins, so it never needs free room.
 * - Instance capacity, per dimension: the smallest registered value among capacity instances
 *   (conservative for mixed instance types).
 * - thresholdPercent = max(0, 100 × (1 − largestTask / instanceCapacity)).
 * - schedulableTasks = Σ over capacity instances of min over dimensions with largestTask > 0 of
 *   floor(remaining / largestTask).
 */

import { AZ_ATTR, attributeOf, TYPE_ATTR } from '../attributes.js';
import type { ClusterSnapshot, ContainerInstance, Service, TaskDefinition } from '../snapshot/snapshot.js';
import { crashLoopRoom } from './crash-loop.js';
import {
  addResources,
  copiesThatFit,
  DIMENSIONS,
  type Dimension,
  maxResources,
  minResources,
  type Resources,
  registeredOf,
  remainingOf,
  subtractResources,
  taskReservation,
  ZERO,
} from './resources.js';

/** The threshold-rule figures of one dimension. Units: CPU units, MiB or GPUs; percentages 0..100. */
export interface DimensionCapacity {
  registered: number;
  reserved: number;
  reservationPercent: number;
  instanceCapacity: number;
  largestTask: number;
  thresholdPercent: number;
}

/** One container instance as the model sees it. */
export interface InstanceView {
  containerInstanceArn: string;
  ec2InstanceId: string | undefined;
  status: string;
  agentConnected: boolean;
  /** ACTIVE and agent connected: gives capacity. */
  isCapacity: boolean;
  runningTasks: number;
  pendingTasks: number;
  registered: Resources;
  remaining: Resources;
  /** registered − remaining. */
  reserved: Resources;
  availabilityZone: string | undefined;
  instanceType: string | undefined;
  registeredAt: string | undefined;
}

/** Desired tasks of a service deployment that are neither running nor pending: ECS could not place them. */
export interface UnplacedTasks {
  service: string;
  taskDefinition: string;
  count: number;
  /** The reservation of one such task. */
  reservation: Resources;
}

/** The result of {@link analyzeCapacity}. */
export interface CapacityAnalysis {
  cluster: string;
  /** Dimensions that count: CPU and MEMORY always, GPU when any instance registers it. */
  dimensionNames: Dimension[];
  dimensions: Partial<Record<Dimension, DimensionCapacity>>;
  largestTask: {
    /** The task definition that is largest relative to an instance (null: no REPLICA service). */
    taskDefinition: string | null;
    /** Which task definition is largest, per dimension. */
    byDimension: Partial<Record<Dimension, string>>;
    reservation: Resources;
    /**
     * The largest task of the services that want tasks (desired count > 0), per dimension: what headroom
     * is kept for. A service at 0 desired (a batch between bursts) does not reserve an instance-sized hole
     * all day; when it wants tasks again they are unplaced and bought for. Absent: same as `reservation`.
     */
    live?: Resources;
    /**
     * The headroom's task definition: the largest by CPU of the services that want tasks (`live`). Its
     * architecture and rules place the headroom — not `taskDefinition`'s, which may be a service at 0.
     */
    liveTaskDefinition?: string | undefined;
  };
  instances: InstanceView[];
  counts: { total: number; active: number; draining: number; capacity: number };
  schedulableTasks: number;
  /** Tasks placed but not yet running (Σ pendingTasksCount over instances). */
  pendingTasks: number;
  unplaced: UnplacedTasks[];
  unplacedCount: number;
  /** What each DAEMON service reserves on every instance, summed: a new instance has that much less room. */
  daemonReservation: Resources;
  /** Daemon service names (their tasks never block a drain). */
  daemonServices: string[];
  /** Problems an operator must see (oversized tasks, missing task definitions). */
  findings: string[];
}

/** Builds the model's view of one container instance. */
export const instanceView = (ci: ContainerInstance): InstanceView => {
  const registered = registeredOf(ci);
  const remaining = remainingOf(ci);
  return {
    containerInstanceArn: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    status: ci.status,
    agentConnected: ci.agentConnected,
    isCapacity: ci.status === 'ACTIVE' && ci.agentConnected,
    runningTasks: ci.runningTasksCount,
    pendingTasks: ci.pendingTasksCount,
    registered,
    remaining,
    reserved: subtractResources(registered, remaining),
    availabilityZone: attributeOf(ci, AZ_ATTR),
    instanceType: attributeOf(ci, TYPE_ATTR),
    registeredAt: ci.registeredAt,
  };
};

/** Whether a service is a DAEMON service. */
export const isDaemon = (s: Service): boolean => s.schedulingStrategy === 'DAEMON';

/** The task definitions an ACTIVE service runs now: every deployment's, else its own. */
export const serviceTaskDefinitions = (s: Service): string[] => {
  const arns = s.deployments.map((d) => d.taskDefinition);
  if (arns.length === 0 && s.taskDefinition) arns.push(s.taskDefinition);
  return [...new Set(arns)];
};

/**
 * The task definition whose architecture and rules the headroom takes (random world 302709: an arm64
 * service at 0 desired had the largest definition; the x86 headroom was wanted on arm64 hosts, bought for
 * on a group that could launch none, and held the x86 group's idle hosts for good).
 */
export const headroomDefinition = (analysis: Pick<CapacityAnalysis, 'largestTask'>): string =>
  analysis.largestTask.liveTaskDefinition ?? analysis.largestTask.taskDefinition ?? '';

/** The task headroom is kept for: the largest task of the services that want tasks (see `largestTask.live`). */
export const headroomTask = (analysis: Pick<CapacityAnalysis, 'largestTask'>): Resources =>
  analysis.largestTask.live ?? analysis.largestTask.reservation;

/**
 * The largest reservation, per dimension, of the REPLICA services that want tasks (ACTIVE, desired > 0),
 * leaving out the services named in `excluded`, and the task definition largest by CPU among them (the
 * headroom's task: `largestTask.live`). Task definitions missing from the snapshot are skipped.
 */
export const liveLargestTask = (
  snapshot: Pick<ClusterSnapshot, 'services' | 'taskDefinitions'>,
  excluded: ReadonlySet<string> = new Set(),
): { live: Resources; taskDefinition: string | undefined } => {
  const defs = new Map(snapshot.taskDefinitions.map((t) => [t.taskDefinitionArn, t]));
  let live: Resources = ZERO;
  let largest: { arn: string; cpu: number } | undefined;
  for (const s of snapshot.services) {
    if (s.status !== 'ACTIVE' || isDaemon(s) || s.desiredCount <= 0 || excluded.has(s.serviceName)) continue;
    for (const arn of serviceTaskDefinitions(s)) {
      const td = defs.get(arn);
      if (!td) continue;
      const r = taskReservation(td);
      live = maxResources(live, r);
      if (!largest || r.CPU > largest.cpu) largest = { arn, cpu: r.CPU };
    }
  }
  return { live, taskDefinition: largest?.arn };
};

/**
 * The cluster as its EC2 container instances see it: without the services whose tasks never run on one —
 * launch type FARGATE or EXTERNAL (ECS Anywhere), or a strategy of Fargate providers only (its own, or the
 * cluster's default when it names no launch type). A mixed EC2 and Fargate cluster is common: a Fargate
 * service's 4 vCPU task became the largest task (threshold 0 %, headroom for it) and its pending task
 * "could never be placed". The same snapshot when there is none.
 */
export const ec2View = (snapshot: ClusterSnapshot): ClusterSnapshot => {
  let changed = false;
  const services = snapshot.services.flatMap((s) => {
    // A service of the CodeDeploy blue/green or EXTERNAL deployment controller: its task sets are its
    // deployments (DescribeServices leaves `deployments` empty), each kept at its computed desired count
    // (none for a DRAINING set, being deleted); an EXTERNAL service may name no task definition of its
    // own. Otherwise its pending green set was invisible (the scaler held while it waited) and its
    // size unknown. docs/placement.md "Task sets". A view already carries them as deployments: viewed
    // again (the planner's per-group plans) it is the same object, and their placement memo holds.
    const sets = s.taskSets;
    if (sets?.length && !s.deployments.length) {
      changed = true;
      s = {
        ...s,
        taskDefinition: s.taskDefinition ?? sets[0]!.taskDefinition,
        deployments: sets.map((t) => ({
          ...t,
          desiredCount: t.status === 'DRAINING' ? 0 : t.computedDesiredCount,
        })),
      };
    }
    // Where its tasks go: its launch type, else its strategy's providers, else the cluster's default's.
    const on = s.launchType
      ? [s.launchType]
      : (s.capacityProviderStrategy?.length
          ? s.capacityProviderStrategy
          : (snapshot.cluster.defaultCapacityProviderStrategy ?? [])
        ).map((i) => i.capacityProvider);
    if (!on.length || !on.every((x) => /^(FARGATE|EXTERNAL)/.test(x))) return [s];
    changed = true;
    return [];
  });
  return changed ? { ...snapshot, services } : snapshot;
};

/** 100 × part / whole, 0 when whole is 0 (never NaN). */
export const percent = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);

/**
 * Applies the threshold rule to one snapshot.
 * Never throws and never returns NaN: empty clusters, clusters without services and zero registered
 * capacity give defined results, with findings where an operator must act.
 */
export const analyzeCapacity = (cluster: ClusterSnapshot): CapacityAnalysis => {
  const snapshot = ec2View(cluster);
  const findings: string[] = [];
  const taskDefs = new Map<string, TaskDefinition>(
    snapshot.taskDefinitions.map((t) => [t.taskDefinitionArn, t]),
  );
  // Room held by a crash loop's retry (not started, stopping within seconds) is free (crash-loop.ts).
  const crashRoom = crashLoopRoom(snapshot);
  const instances = snapshot.containerInstances.map((ci) => {
    const v = instanceView(ci);
    const back = crashRoom.get(ci.containerInstanceArn);
    if (!back) return v;
    const remaining = minResources(addResources(v.remaining, back), v.registered);
    return { ...v, remaining, reserved: subtractResources(v.registered, remaining) };
  });
  const capacity = instances.filter((i) => i.isCapacity);
  const activeServices = snapshot.services.filter((s) => s.status === 'ACTIVE');

  const reservationOf = (arn: string, service: string): Resources | undefined => {
    const td = taskDefs.get(arn);
    if (!td) {
      findings.push(
        `task definition ${arn} of service ${service} is not in the snapshot: its size is unknown`,
      );
      return undefined;
    }
    return taskReservation(td);
  };

  // Largest task per dimension over REPLICA services (all deployments).
  let largest: Resources = ZERO;
  const { live, taskDefinition: liveTaskDefinition } = liveLargestTask(snapshot);
  const byDimension: Partial<Record<Dimension, string>> = {};
  let daemonReservation: Resources = ZERO;
  const daemonServices: string[] = [];
  const unplaced: UnplacedTasks[] = [];
  for (const s of activeServices) {
    if (isDaemon(s)) {
      daemonServices.push(s.serviceName);
      const arn = s.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? s.taskDefinition;
      const r = arn ? reservationOf(arn, s.serviceName) : undefined;
      if (r) daemonReservation = addResources(daemonReservation, r);
      continue;
    }
    for (const arn of serviceTaskDefinitions(s)) {
      const r = reservationOf(arn, s.serviceName);
      if (!r) continue;
      for (const d of DIMENSIONS) {
        if (r[d] > largest[d]) byDimension[d] = arn;
      }
      largest = maxResources(largest, r);
    }
    const deployments =
      s.deployments.length > 0
        ? s.deployments
        : [
            {
              status: 'PRIMARY',
              taskDefinition: s.taskDefinition ?? '',
              desiredCount: s.desiredCount,
              runningCount: s.runningCount,
              pendingCount: s.pendingCount,
            },
          ];
    // A rolling deployment may hold new tasks back for its own reasons: ECS starts at most
    // desiredCount × maximumPercent / 100 tasks of the service at once (default 200 %). Shortfalls beyond
    // that ceiling wait for old tasks to stop, not for capacity, so they are not counted as unplaced.
    // Not for task sets: ECS keeps each at its computed count, whatever the service runs in all.
    const maximumPercent = s.deploymentConfiguration?.maximumPercent ?? 200;
    let allowance = s.taskSets?.length
      ? 1 / 0
      : Math.max(0, Math.floor((s.desiredCount * maximumPercent) / 100) - s.runningCount - s.pendingCount);
    const ordered = [...deployments].sort(
      (a, b) => Number(b.status === 'PRIMARY') - Number(a.status === 'PRIMARY'),
    );
    for (const d of ordered) {
      const missing = Math.min(allowance, d.desiredCount - d.runningCount - d.pendingCount);
      if (missing <= 0) continue;
      const td = taskDefs.get(d.taskDefinition);
      if (!td) continue;
      allowance -= missing;
      unplaced.push({
        service: s.serviceName,
        taskDefinition: d.taskDefinition,
        count: missing,
        reservation: taskReservation(td),
      });
    }
  }

  const hasGpu = instances.some((i) => i.registered.GPU > 0) || largest.GPU > 0;
  const dimensionNames: Dimension[] = hasGpu ? ['CPU', 'MEMORY', 'GPU'] : ['CPU', 'MEMORY'];
  const dimensions: Partial<Record<Dimension, DimensionCapacity>> = {};
  for (const d of dimensionNames) {
    const registered = capacity.reduce((s, i) => s + i.registered[d], 0);
    const reserved = capacity.reduce((s, i) => s + i.reserved[d], 0);
    const instanceCapacity = capacity.length > 0 ? Math.min(...capacity.map((i) => i.registered[d])) : 0;
    const largestTask = largest[d];
    const thresholdPercent =
      largestTask === 0
        ? 100
        : instanceCapacity > 0
          ? Math.max(0, 100 * (1 - largestTask / instanceCapacity))
          : 0;
    dimensions[d] = {
      registered,
      reserved,
      reservationPercent: Math.min(100, Math.max(0, percent(reserved, registered))),
      instanceCapacity,
      largestTask,
      thresholdPercent,
    };
    if (largestTask > 0 && capacity.length > 0) {
      const biggest = Math.max(...capacity.map((i) => i.registered[d]));
      const arn = byDimension[d];
      if (largestTask > biggest) {
        findings.push(
          `task definition ${arn} reserves ${largestTask} ${d} but the largest instance registers ${biggest}: it will never be placed; use a larger instance type or a smaller task`,
        );
      } else if (largestTask > instanceCapacity) {
        findings.push(
          `task definition ${arn} reserves ${largestTask} ${d}, more than the smallest instance registers (${instanceCapacity}): it fits only on larger instances`,
        );
      }
    }
  }

  const schedulableTasks = capacity.reduce((sum, i) => {
    const n = copiesThatFit(largest, i.remaining, dimensionNames);
    return sum + (Number.isFinite(n) ? n : 0);
  }, 0);

  // Report the task definition that is largest relative to one instance.
  let taskDefinition: string | null = null;
  let worst = -1;
  for (const d of dimensionNames) {
    const dim = dimensions[d]!;
    const arn = byDimension[d];
    if (!arn) continue;
    const ratio = dim.instanceCapacity > 0 ? dim.largestTask / dim.instanceCapacity : dim.largestTask;
    if (ratio > worst) {
      worst = ratio;
      taskDefinition = arn;
    }
  }

  return {
    cluster: snapshot.cluster.clusterName,
    dimensionNames,
    dimensions,
    largestTask: { taskDefinition, byDimension, reservation: largest, live, liveTaskDefinition },
    instances,
    counts: {
      total: instances.length,
      active: instances.filter((i) => i.status === 'ACTIVE').length,
      draining: instances.filter((i) => i.status === 'DRAINING').length,
      capacity: capacity.length,
    },
    schedulableTasks,
    pendingTasks: capacity.reduce((s, i) => s + i.pendingTasks, 0),
    unplaced,
    unplacedCount: unplaced.reduce((s, u) => s + u.count, 0),
    daemonReservation,
    daemonServices,
    findings: [...new Set(findings)],
  };
};
