/**
 * Cluster-aware scale-out: before a service's desired count is raised, the new tasks are placed on a copy
 * of the cluster snapshot. When they do not all fit on the free space of the registered instances and of
 * the instances still booting, the cluster planner (the same one the cluster scaler uses) is asked for the
 * instances they need, so the service scaler can grow the Auto Scaling group in the same invocation and
 * the tasks wait for boot time only — not for a reservation alarm to notice them later.
 */
import { analyzeCapacity, type CapacityAnalysis } from '../capacity/capacity.js';
import { ZERO } from '../capacity/resources.js';
import { readScalingState } from '../cluster/config.js';
import { detectConflicts, standAsideConflicts } from '../cluster/conflicts.js';
import { groupFleet } from '../cluster/fleet.js';
import { groupState } from '../cluster/group-state.js';
import { clusterPlacement } from '../cluster/placement-context.js';
import { type ClusterPlan, managedGroups, newInstanceFree, planCluster } from '../cluster/planner.js';
import type { ClusterPolicy } from '../cluster/policy.js';
import { hasPlacementRules } from '../placement/index.js';
import { type Bin, type PlacementItem, placeFirstFitDecreasing } from '../placement/placement.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';

/** The ASG change that makes room for a service's new tasks. */
export interface ClusterGrowth {
  autoScalingGroup: string;
  /** Absolute desired capacity (instances): current → proposed. */
  desiredCapacity: { current: number; proposed: number };
  /**
   * The cluster planner's whole plan for the grown demand, applied by the cluster scaler's own actuator
   * (applyClusterPlan): desired capacity, its state tags (`last-scale-out`, so the cluster scaler's
   * cooldown and boot backoff count this scale-out) and its housekeeping (scale-in protection).
   */
  clusterPlan: ClusterPlan;
  reasons: string[];
}

/** The outcome of {@link planClusterGrowth}: growth when needed, and the reasons either way. */
export interface GrowthCheck {
  growth: ClusterGrowth | undefined;
  reasons: string[];
  /**
   * The cluster planner classifies the service's waiting tasks as unplaceable (no current instance and no
   * type any managed group launches meets their requirements): more of them would never run.
   */
  unplaceable?: string | undefined;
}

/**
 * Instances in flight that have not registered with ECS yet, every managed group's, as the cluster
 * planner counts them (group-state.ts): members booting within the boot timeout after the last scale-out,
 * and desired capacity not yet launched — unless it has been missing past the launch timeout (the
 * `unlaunched-since` tag: launches failing, not coming). Not-launched capacity is in the group's units
 * (`WeightedCapacity`, or vCPUs / MiB with a `DesiredCapacityType`), so it is divided by the largest
 * weight the group launches (the fewest instances it can be: this check may only under-count room, then
 * the planner decides).
 */
export const bootingInstances = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policyOf: (group: string) => ClusterPolicy,
  now: Date,
): number =>
  managedGroups(snapshot).reduce((n, group) => {
    const name = group.AutoScalingGroupName;
    // Only the weights are read: they do not depend on what daemons reserve.
    const fleet = groupFleet(snapshot, group, ZERO, new Map());
    const aside = standAsideConflicts(detectConflicts(snapshot, group)).length > 0;
    const state = readScalingState(group.Tags, name);
    const gs = groupState(group, analysis, state, policyOf(name), now, fleet, !aside);
    const largest = Math.max(1, ...fleet.options.map((o) => o.weight));
    return n + gs.booting.length + Math.floor(gs.notLaunchedUnits / largest);
  }, 0);

/** A copy of the snapshot where the service wants `newTasks` more tasks (its PRIMARY deployment too). */
export const withExtraTasks = (
  snapshot: ClusterSnapshot,
  service: string,
  newTasks: number,
): ClusterSnapshot => {
  const copy = structuredClone(snapshot);
  const svc = copy.services.find((s) => s.serviceName === service);
  if (svc) {
    svc.desiredCount += newTasks;
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    if (primary) primary.desiredCount += newTasks;
    // Task sets (CodeDeploy blue/green, EXTERNAL) follow the service: ⌈desired × scale %⌉ each.
    for (const t of svc.taskSets ?? [])
      if (t.status !== 'DRAINING')
        t.computedDesiredCount = Math.ceil((svc.desiredCount * (t.scale?.value ?? 100)) / 100);
  }
  return copy;
};

/**
 * Decides whether `newTasks` more tasks of `service` need more instances, and how many.
 * Pure; `now` is passed through to the cluster planner.
 */
export const planClusterGrowth = (
  snapshot: ClusterSnapshot,
  service: string,
  newTasks: number,
  policy: ClusterPolicy,
  now: Date,
  policies?: ReadonlyMap<string, ClusterPolicy>,
): GrowthCheck => {
  const group = managedGroups(snapshot)[0];
  if (!group) {
    return {
      growth: undefined,
      reasons: [
        `no Auto Scaling group is tagged ecs-autoscaler:cluster=${snapshot.cluster.clusterName}: the new tasks wait for whatever adds capacity to this cluster`,
      ],
    };
  }
  const grown = withExtraTasks(snapshot, service, newTasks);
  const analysis = analyzeCapacity(grown);
  const dims = analysis.dimensionNames;
  const booting = bootingInstances(snapshot, analysis, (g) => policies?.get(g) ?? policy, now);
  const newInstance = newInstanceFree(analysis);
  const bins: Bin[] = analysis.instances
    .filter((i) => i.isCapacity)
    .map((i) => ({ id: i.containerInstanceArn, free: i.remaining }));
  const items: PlacementItem[] = analysis.unplaced.map((u) => ({
    label: u.service,
    reservation: u.reservation,
    count: u.count,
  }));
  // No more booting bins than tasks to place (each takes at most one; a desired capacity of millions
  // above the members would otherwise build a bin for each).
  const tasks = items.reduce((n, it) => n + it.count, 0);
  if (newInstance) {
    for (let b = 0; b < Math.min(booting, tasks); b++)
      bins.push({ id: `booting-${b + 1}`, free: newInstance });
  }
  const fit = placeFirstFitDecreasing(items, bins, { dimensions: dims });
  const left = fit.unplaced.reduce((s, u) => s + u.count, 0);
  const bootingNote = booting > 0 ? ` (counting ${booting} instance(s) still booting)` : '';
  // CPU/memory packing cannot see a static host port, a task ENI, an attribute or a constraint: with such
  // a rule the planner's placement model decides (the tasks may fit on CPU and still need instances).
  const placement = clusterPlacement(grown, analysis, undefined, undefined);
  const ruled = analysis.unplaced.some((u) => {
    const req = placement.requirements(u.service, u.taskDefinition);
    return req !== undefined && hasPlacementRules(req);
  });
  if (left === 0 && !ruled) {
    return {
      growth: undefined,
      reasons: [
        `the ${newTasks} new task(s) fit on the cluster's free space${bootingNote}: no instance to add`,
      ],
    };
  }
  // The planner counts instances in flight itself and applies the cluster's guards (cooldown, boot
  // backoff, halt, MaxSize, max step): the service scaler never grows a cluster its own scaler would not.
  const plan = planCluster(grown, analysis, policy, now, policies ? { policies } : {});
  // Several groups: the plan is the acting group's (the one that grows), not necessarily the first.
  const current = plan.desiredCapacity.current;
  const reasons = [
    left > 0
      ? `${left} of the desired tasks do not fit on the free space${bootingNote}`
      : `the new tasks fit on CPU and memory${bootingNote}; their placement rules (host ports, task ENIs, attributes, constraints) are checked by the cluster planner`,
    ...plan.reasons,
  ];
  const never = (plan.waitingTasks ?? []).find((w) => w.service === service && w.kind === 'unplaceable');
  if (never) return { growth: undefined, reasons, unplaceable: never.reason };
  if (plan.action !== 'scale-out' || plan.desiredCapacity.proposed <= current) {
    return {
      growth: undefined,
      reasons: [
        ...reasons,
        left > 0
          ? 'the cluster does not grow now: the new tasks wait for capacity'
          : 'the cluster does not grow now',
      ],
    };
  }
  const proposed = plan.desiredCapacity.proposed;
  return {
    growth: {
      autoScalingGroup: plan.autoScalingGroup ?? group.AutoScalingGroupName,
      desiredCapacity: { current, proposed },
      clusterPlan: plan,
      reasons,
    },
    reasons: [
      `grow ${plan.autoScalingGroup ?? group.AutoScalingGroupName} from ${current} to ${proposed} (desired capacity) for the new tasks`,
    ],
  };
};
