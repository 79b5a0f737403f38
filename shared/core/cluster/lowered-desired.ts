/**
 * Issue 15: someone lowers a managed group's desired capacity below the members the ASG cannot remove —
 * a CloudFormation update that re-applies `DesiredCapacity: 1`, a person, a script — while the scaler
 * protects its instances from scale-in. The ASG then keeps every protected instance (scale-in protection,
 * EC2 Auto Scaling user guide) and desired capacity sits below the live members, possibly at MinSize.
 * Planned on the lowered number, the scaler would freeze: "no scale-in: desired capacity is at MinSize"
 * while idle instances run, a termination that decrements desired is rejected by AWS below MinSize, and
 * a scale-out adds its instances to the lowered number (SetDesiredCapacity below the live members
 * launches nothing), taking several ticks to catch up.
 *
 * Rule: the planner counts the group at what the ASG will actually keep — max(desired, the units of the
 * protected members not DRAINING), within MaxSize — so scale-out adds to the live members and scale-in drains what is
 * not needed. Unprotected members above desired are not counted: the ASG is removing them (through the
 * drainer's terminate hook). The scaler never raises desired just to "repair" it: a needed scale-out
 * writes the lifted value plus its growth; a termination of one of its drained instances is made
 * without decrementing desired while the members left stay at or above the lowered desired (the ASG
 * launches no replacement then), which AWS accepts even at MinSize. During an instance refresh the
 * group is planned as it reads (a refresh launches above desired on purpose).
 */
import type { AsgInstance, AutoScalingGroup, ClusterSnapshot } from '../snapshot/snapshot.js';
import { ownWeight } from './fleet.js';
import { activeRefresh } from './fleet-plan.js';
import { isMember } from './group-state.js';

/** A group whose desired capacity was lifted for planning. */
export interface LoweredDesired {
  /** Desired capacity as AWS reports it. */
  desired: number;
  /** What the planner counts instead: max(desired, protected members' units), ≤ MaxSize. */
  counted: number;
  /** Units of the group's members (InService and Pending). */
  memberUnits: number;
  /** The group's MinSize: no decrement may take desired below it. */
  min: number;
}

/** A member's units: its WeightedCapacity, else 1 in a group counted in instances; undefined if unknown. */
const unitsOf = (group: AutoScalingGroup, m: AsgInstance): number | undefined => {
  const own = ownWeight(m);
  if (own !== undefined) return own;
  const typed = group.DesiredCapacityType === 'vcpu' || group.DesiredCapacityType === 'memory-mib';
  const weighted = (group.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).some(
    (o) => o.WeightedCapacity !== undefined,
  );
  return typed || weighted ? undefined : 1;
};

/** How the planner should count `group`, or undefined when its desired capacity is as AWS reports. */
export const loweredDesired = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
): LoweredDesired | undefined => {
  if (activeRefresh(snapshot, group.AutoScalingGroupName)) return undefined;
  const members = group.Instances.filter(isMember);
  // A DRAINING member is leaving, protected or not: no unit the ASG keeps (Capacity Rebalancing terminates
  // the at-risk one, drained by the drainer, once its replacement launched above desired is in service:
  // world 1052594; the scaler's own drains it terminates itself).
  const leaving = new Set(
    snapshot.containerInstances.filter((c) => c.status === 'DRAINING').map((c) => c.ec2InstanceId),
  );
  let memberUnits = 0;
  let protectedUnits = 0;
  for (const m of members) {
    const u = unitsOf(group, m);
    if (u === undefined) return undefined; // weights not known: planned as it reads
    memberUnits += u;
    if (m.ProtectedFromScaleIn === true && !leaving.has(m.InstanceId)) protectedUnits += u;
  }
  const counted = Math.min(group.MaxSize, Math.max(group.DesiredCapacity, protectedUnits));
  if (counted <= group.DesiredCapacity) return undefined;
  return { desired: group.DesiredCapacity, counted, memberUnits, min: group.MinSize };
};

/**
 * The snapshot with every lowered managed group counted at {@link LoweredDesired.counted}, and the
 * lowered groups by name (empty: the snapshot itself is returned).
 */
export const liftLoweredDesired = (
  snapshot: ClusterSnapshot,
  managed: readonly AutoScalingGroup[],
): { snapshot: ClusterSnapshot; lowered: Map<string, LoweredDesired> } => {
  const lowered = new Map<string, LoweredDesired>();
  for (const g of managed) {
    const l = loweredDesired(snapshot, g);
    if (l) lowered.set(g.AutoScalingGroupName, l);
  }
  if (lowered.size === 0) return { snapshot, lowered };
  return {
    snapshot: {
      ...snapshot,
      autoScalingGroups: snapshot.autoScalingGroups.map((g) => {
        const l = lowered.get(g.AutoScalingGroupName);
        return l && managed.includes(g) ? { ...g, DesiredCapacity: l.counted } : g;
      }),
    },
    lowered,
  };
};

/** The part of a plan {@link settleLoweredDesired} rewrites. */
export interface LoweredPlan {
  autoScalingGroup: string | null;
  action: 'scale-out' | 'scale-in' | 'hold';
  desiredCapacity: { current: number; proposed: number };
  terminate: string[];
  keepDesired?: string[];
  desiredBeforeTerminate?: number;
  reasons: string[];
}

/**
 * Turns a plan made on the lifted count back into AWS's terms: `current` is the reported desired
 * capacity; terminations that leave the members at or above it do not decrement it (`keepDesired`);
 * without a scale-out, `proposed` is the reported desired minus the decrements.
 */
export const settleLoweredDesired = (
  plan: LoweredPlan,
  lowered: LoweredDesired,
  weightOf: (instanceId: string) => number,
): void => {
  plan.desiredCapacity.current = lowered.desired;
  // This settles the lowered group's terminations alone (the planner's own overshoot handling is redone).
  delete plan.desiredBeforeTerminate;
  delete plan.keepDesired;
  plan.reasons.unshift(
    `desired capacity ${lowered.desired} is below the ${lowered.counted} unit(s) of members protected from scale-in (someone lowered it; the ASG cannot remove them): planned on ${lowered.counted}`,
  );
  let live = lowered.memberUnits;
  let desired = lowered.desired;
  const keep: string[] = [];
  let belowMin = false;
  for (const id of plan.terminate) {
    const w = weightOf(id);
    if (live - w >= desired) keep.push(id);
    else if (desired - w >= lowered.min) desired -= w;
    else belowMin = true;
    live -= w;
  }
  if (belowMin) {
    // The ASG overshot (desired 1 unit, one member of weight 2): a decrement by the weight would take
    // desired below MinSize, which AWS rejects (and how it rounds is unconfirmed, ecs-facts §4.2). So
    // desired goes first to what stays — the members left, not below MinSize — and every termination
    // keeps it: the members left are at or above it, so the ASG launches no replacement.
    desired = Math.max(lowered.min, Math.min(lowered.desired, live));
    plan.desiredBeforeTerminate = desired;
    keep.splice(0, keep.length, ...plan.terminate);
    plan.reasons.push(
      `terminating ${plan.terminate.join(', ')} with a decrement would go below MinSize ${lowered.min}: desired to ${desired} first, then no decrement`,
    );
  }
  if (keep.length > 0) plan.keepDesired = keep;
  if (plan.action !== 'scale-out') plan.desiredCapacity.proposed = desired;
};
