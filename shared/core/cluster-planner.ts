/**
 * The cluster planner: from a snapshot and its capacity analysis to an absolute desired capacity.
 *
 * - scale-out: first-fit-decreasing placement of the unplaced tasks plus the headroom (copies of the
 *   largest task) onto the free space of capacity instances, then of instances still booting, then of
 *   new instances of this cluster's instance capacity (less what daemon services reserve on each).
 * - scale-in: only when the emptiest instance's tasks fit on the others with the threshold still respected.
 * - hold: otherwise, with reasons.
 *
 * Decisions are absolute targets computed from the state, so a duplicated trigger changes nothing.
 */
import type { CapacityAnalysis, InstanceView } from './capacity.js';
import type { ClusterPolicy } from './cluster-policy.js';
import { type Bin, type PlacementItem, placeFirstFitDecreasing } from './placement.js';
import { type Resources, subtractResources, ZERO } from './resources.js';
import type { AutoScalingGroup, ClusterSnapshot } from './snapshot.js';

/** The tag that opts an ASG (and so its cluster) in. */
export const CLUSTER_TAG = 'ecs-autoscaler:cluster';

/** What the planner decided for one cluster. "Do nothing" is an explicit `hold`. */
export interface ClusterPlan {
  cluster: string;
  /** The managed ASG the plan applies to (null: none is tagged for this cluster). */
  autoScalingGroup: string | null;
  action: 'scale-out' | 'scale-in' | 'hold';
  desiredCapacity: { current: number; proposed: number };
  /** Instances to set DRAINING (scale-in). */
  drain: { containerInstanceArn: string; ec2InstanceId: string }[];
  /** EC2 instance ids that are DRAINING and empty: terminate them, decrementing desired capacity. */
  terminate: string[];
  reasons: string[];
}

/** The managed ASGs of a snapshot's cluster (tagged `ecs-autoscaler:cluster=<name>`). */
export const managedGroups = (snapshot: ClusterSnapshot): AutoScalingGroup[] =>
  snapshot.autoScalingGroups.filter((g) =>
    g.Tags.some((t) => t.Key === CLUSTER_TAG && t.Value === snapshot.cluster.clusterName),
  );

const round1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/**
 * Plans one cluster. Pure: `now` is unused by this first version's rules but part of the contract
 * (cooldowns are computed from it).
 */
export const planCluster = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policy: ClusterPolicy,
  _now: Date,
): ClusterPlan => {
  const group = managedGroups(snapshot)[0];
  const current = group?.DesiredCapacity ?? analysis.counts.capacity;
  const plan: ClusterPlan = {
    cluster: analysis.cluster,
    autoScalingGroup: group?.AutoScalingGroupName ?? null,
    action: 'hold',
    desiredCapacity: { current, proposed: current },
    drain: [],
    terminate: [],
    reasons: [],
  };
  const dims = analysis.dimensionNames;
  const largest = analysis.largestTask.reservation;
  const hasTasks = dims.some((d) => largest[d] > 0);
  const capacity = analysis.instances.filter((i) => i.isCapacity);

  const over = dims.filter((d) => {
    const dim = analysis.dimensions[d]!;
    return dim.largestTask > 0 && dim.reservationPercent > dim.thresholdPercent;
  });
  const needOut: string[] = [];
  for (const d of over) {
    const dim = analysis.dimensions[d]!;
    needOut.push(
      `${d} reservation ${round1(dim.reservationPercent)}% is above the threshold ${round1(dim.thresholdPercent)}%`,
    );
  }
  if (hasTasks && analysis.schedulableTasks < policy.headroomTasks) {
    needOut.push(
      `only ${analysis.schedulableTasks} more of the largest task fit (headroom wants ${policy.headroomTasks})`,
    );
  }
  if (analysis.unplacedCount > 0) {
    needOut.push(`${analysis.unplacedCount} desired tasks are neither running nor pending`);
  }

  if (needOut.length > 0) {
    const newInstance = newInstanceFree(analysis);
    const items: PlacementItem[] = analysis.unplaced.map((u) => ({
      label: u.service,
      reservation: u.reservation,
      count: u.count,
    }));
    if (hasTasks) items.push({ label: 'headroom', reservation: largest, count: policy.headroomTasks });
    const bins: Bin[] = capacity.map((i) => ({ id: i.containerInstanceArn, free: i.remaining }));
    const placement = placeFirstFitDecreasing(items, bins, { newInstance, dimensions: dims });
    const add = Math.min(placement.newInstances, policy.maxStep);
    plan.reasons.push(...needOut);
    for (const u of placement.unplaced.filter((x) => x.reason === 'too-large')) {
      plan.reasons.push(
        `${u.count} task(s) of ${u.label} are larger than one instance: adding instances cannot place them`,
      );
    }
    if (add > 0) {
      plan.action = 'scale-out';
      plan.desiredCapacity.proposed = current + add;
      plan.reasons.push(`first-fit placement needs ${placement.newInstances} more instance(s)`);
    } else {
      plan.reasons.push('the pending tasks and headroom fit on the current free space: no instance to add');
    }
    return plan;
  }

  const candidate = scaleInCandidate(capacity);
  if (policy.scaleInEnabled && candidate && capacity.length > 1 && fitsElsewhere(analysis, candidate)) {
    plan.action = 'scale-in';
    plan.desiredCapacity.proposed = Math.max(0, current - 1);
    plan.drain.push({
      containerInstanceArn: candidate.containerInstanceArn,
      ec2InstanceId: candidate.ec2InstanceId ?? '',
    });
    plan.reasons.push(
      `the tasks of ${candidate.ec2InstanceId ?? candidate.containerInstanceArn} (${candidate.runningTasks} running) fit on the other instances with reservation staying under the threshold`,
    );
    return plan;
  }
  plan.reasons.push(
    hasTasks
      ? 'reservation is under the threshold and the headroom fits; no instance can be removed without crossing it'
      : 'no REPLICA service runs in this cluster: nothing to size for',
  );
  return plan;
};

/** Free space of one new instance: the smallest registered capacity, less the daemon reservation. */
export const newInstanceFree = (analysis: CapacityAnalysis): Resources | undefined => {
  const cap: Resources = {
    CPU: analysis.dimensions.CPU?.instanceCapacity ?? 0,
    MEMORY: analysis.dimensions.MEMORY?.instanceCapacity ?? 0,
    GPU: analysis.dimensions.GPU?.instanceCapacity ?? 0,
  };
  if (cap.CPU === 0 && cap.MEMORY === 0) return undefined;
  return subtractResources(cap, analysis.daemonReservation ?? ZERO);
};

/** The instance with the fewest tasks, then the least reserved memory. */
export const scaleInCandidate = (capacity: readonly InstanceView[]): InstanceView | undefined =>
  [...capacity].sort(
    (a, b) =>
      a.runningTasks + a.pendingTasks - (b.runningTasks + b.pendingTasks) ||
      a.reserved.MEMORY - b.reserved.MEMORY ||
      a.reserved.CPU - b.reserved.CPU,
  )[0];

/**
 * Whether the candidate's reservation fits on the other capacity instances with every dimension's
 * reservation staying at or under its threshold afterwards.
 */
const fitsElsewhere = (analysis: CapacityAnalysis, candidate: InstanceView): boolean => {
  for (const d of analysis.dimensionNames) {
    const dim = analysis.dimensions[d]!;
    const registered = dim.registered - candidate.registered[d];
    if (registered <= 0) return false;
    const reservationAfter = (100 * dim.reserved) / registered;
    if (dim.largestTask > 0 && reservationAfter > dim.thresholdPercent) return false;
  }
  return true;
};
