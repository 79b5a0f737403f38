/**
 * The managed ASG as the planner sees it: which members are registered with ECS, which are still
 * booting (in-flight capacity), which are stuck or unhealthy, and the scaler's own memory (state tags).
 */
import type { CapacityAnalysis, InstanceView } from '../capacity/capacity.js';
import type { AsgInstance, AutoScalingGroup } from '../snapshot/snapshot.js';
import type { ScalingState } from './config.js';
import type { ClusterPolicy } from './policy.js';

/**
 * ASG lifecycle states that count toward desired capacity (EC2 Auto Scaling instance lifecycle):
 * Pending, Pending:Wait, Pending:Proceed and InService. Terminating*, Detaching, Standby and warm-pool
 * states do not.
 */
export const isMember = (i: AsgInstance): boolean =>
  i.LifecycleState === 'InService' || i.LifecycleState.startsWith('Pending');

/** The derived state of one managed group at `now`. */
export interface GroupState {
  group: AutoScalingGroup;
  /** Members (see {@link isMember}). */
  members: AsgInstance[];
  /** Container instance of each registered member, by EC2 instance id. */
  registered: Map<string, InstanceView>;
  /** Members not (yet) registered with ECS and launched recently enough to still be booting. */
  booting: string[];
  /** Members not registered although the last scale-out is older than the boot timeout. */
  stuck: string[];
  /** Desired capacity the ASG has not launched yet (desired − members, ≥ 0): in flight too. */
  notLaunched: number;
  /** Members whose ASG health status is Unhealthy. */
  unhealthy: string[];
  /** In-flight instances: booting members + not yet launched. Their capacity is counted, not re-bought. */
  inFlight: number;
  /** The scaler's own draining instances that are still members and DRAINING in ECS. */
  ownDraining: InstanceView[];
  /** Seconds since the last scaling action of either direction (Infinity: none recorded). */
  sinceLastActionSeconds: number;
  sinceLastScaleOutSeconds: number;
  /** max(scale-in cooldown, instance warm-up + health-check grace period), seconds. */
  scaleInCooldownSeconds: number;
}

const since = (nowMs: number, thenMs: number | undefined): number =>
  thenMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, (nowMs - thenMs) / 1000);

/** Derives the group's state from the snapshot's view and the scaler's state tags. */
export const groupState = (
  group: AutoScalingGroup,
  analysis: CapacityAnalysis,
  state: ScalingState,
  policy: ClusterPolicy,
  now: Date,
): GroupState => {
  const nowMs = now.getTime();
  const members = group.Instances.filter(isMember);
  const byEc2 = new Map<string, InstanceView>();
  for (const i of analysis.instances) if (i.ec2InstanceId) byEc2.set(i.ec2InstanceId, i);
  const registered = new Map<string, InstanceView>();
  const unregistered: string[] = [];
  for (const m of members) {
    const ci = byEc2.get(m.InstanceId);
    if (ci) registered.set(m.InstanceId, ci);
    else unregistered.push(m.InstanceId);
  }
  const sinceLastScaleOutSeconds = since(nowMs, state.lastScaleOutMs);
  // An instance has no launch time in DescribeAutoScalingGroups; the scaler's own last scale-out is the
  // clock: unregistered members are booting until the boot timeout after it, stuck afterwards.
  const stillBooting = sinceLastScaleOutSeconds <= policy.bootTimeoutSeconds;
  const booting = stillBooting ? unregistered : [];
  const stuck = stillBooting ? [] : unregistered;
  const notLaunched = Math.max(0, group.DesiredCapacity - members.length);
  const ownDraining = state.draining
    .map((id) => registered.get(id))
    .filter((ci): ci is InstanceView => ci?.status === 'DRAINING');
  const lastAction = Math.max(state.lastScaleOutMs ?? -Infinity, state.lastScaleInMs ?? -Infinity);
  return {
    group,
    members,
    registered,
    booting,
    stuck,
    notLaunched,
    unhealthy: members.filter((m) => m.HealthStatus === 'Unhealthy').map((m) => m.InstanceId),
    inFlight: booting.length + notLaunched,
    ownDraining,
    sinceLastActionSeconds: since(nowMs, Number.isFinite(lastAction) ? lastAction : undefined),
    sinceLastScaleOutSeconds,
    scaleInCooldownSeconds: Math.max(
      policy.scaleInCooldownSeconds,
      (group.DefaultInstanceWarmup ?? 0) + (group.HealthCheckGracePeriod ?? 0),
    ),
  };
};
