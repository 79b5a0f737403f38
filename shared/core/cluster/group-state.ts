/**
 * The managed ASG as the planner sees it: which members are registered with ECS, which are still
 * booting (in-flight capacity), which are stuck or unhealthy, and the scaler's own memory (state tags).
 */
import type { CapacityAnalysis, InstanceView } from '../capacity/capacity.js';
import type { AsgInstance, AutoScalingGroup } from '../snapshot/snapshot.js';
import type { ScalingState, Unregistered } from './config.js';
import { type GroupFleet, unitsOf } from './fleet.js';
import type { ClusterPolicy } from './policy.js';

/**
 * ASG lifecycle states that count toward desired capacity (EC2 Auto Scaling instance lifecycle):
 * Pending, Pending:Wait, Pending:Proceed and InService. Terminating*, Detaching, Standby and warm-pool
 * states do not.
 */
export const isMember = (i: AsgInstance): boolean =>
  i.LifecycleState === 'InService' || i.LifecycleState.startsWith('Pending');

/** Whether the group's `process` (`Launch`, `Terminate`) is suspended (SuspendProcesses; ecs-facts §4.6). */
export const suspended = (g: AutoScalingGroup, process: string): boolean =>
  g.SuspendedProcesses?.some((p) => p.ProcessName === process) === true;

/** The derived state of one managed group at `now`. */
export interface GroupState {
  group: AutoScalingGroup;
  /** Members (see {@link isMember}). */
  members: AsgInstance[];
  /** Container instance of each registered member, by EC2 instance id. */
  registered: Map<string, InstanceView>;
  /** Members not (yet) registered with ECS and launched recently enough to still be booting. */
  booting: string[];
  /** Members not registered for longer than the boot timeout (dated as `unregistered` says). */
  stuck: string[];
  /**
   * A member registered with ECS after the last scale-out, or the unregistered members dated after it:
   * the group's launches do register, so a stuck member is no sign of a broken launch template (no
   * scale-out backoff for it).
   */
  registeredSince?: boolean;
  /** The `unregistered` record after this look (the plan writes it when it changed). */
  unregistered: Unregistered | undefined;
  /** Instances the ASG has not launched yet (desired − member units, in instances of the arriving type). */
  notLaunched: number;
  /** Desired capacity the ASG has not launched yet, in the group's units (desired − Σ member weights, ≥ 0). */
  notLaunchedUnits: number;
  /**
   * Units the ASG has not launched for longer than the launch timeout (`boot-timeout`, at most 300 s: a
   * launch is a Pending member within seconds) since the scaler first saw
   * them missing (insufficient capacity, a vCPU quota, a broken launch template, a suspended Launch
   * process): not in flight, and the group does not grow while they last. `notLaunched*` are 0 then.
   */
  unlaunched: number;
  /** Σ member weights (group units). */
  memberUnits: number;
  /** What the group launches (undefined: planned as before, one unit per instance). */
  fleet: GroupFleet | undefined;
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
  thenMs === undefined ? Infinity : Math.max(0, (nowMs - thenMs) / 1000);

/**
 * Derives the group's state from the snapshot's view and the scaler's state tags. `dates`: the scaler
 * keeps this group's `unregistered` record (false for a group another controller drives: the scaler
 * writes nothing there, so a member first seen would be new at every decision — booting for good).
 */
export const groupState = (
  group: AutoScalingGroup,
  analysis: CapacityAnalysis,
  state: ScalingState,
  policy: ClusterPolicy,
  now: Date,
  fleet?: GroupFleet,
  dates = true,
): GroupState => {
  const nowMs = now.getTime();
  const members = group.Instances.filter(isMember);
  const byEc2 = new Map<string, InstanceView>();
  for (const i of analysis.instances) if (i.ec2InstanceId) byEc2.set(i.ec2InstanceId, i);
  const registered = new Map<string, InstanceView>();
  const unregistered: string[] = [];
  // Members still Pending (Pending:Wait while a launch hook holds them: EC2 Auto Scaling has not finished
  // the launch, however long; random world 1030051) are booting; one whose agent is connected already is
  // the room ECS fills (the scale-out counts it as it is: random world 1031421), neither booting nor a
  // scale-in candidate. (A warm-pool instance starting has its agent back once InService.)
  const pending: string[] = [];
  for (const m of members) {
    const ci = byEc2.get(m.InstanceId);
    if (m.LifecycleState !== 'InService') {
      if (!ci?.agentConnected) pending.push(m.InstanceId);
    } else if (ci) registered.set(m.InstanceId, ci);
    else unregistered.push(m.InstanceId);
  }
  const sinceLastScaleOutSeconds = since(nowMs, state.lastScaleOutMs);
  // An instance has no launch time in DescribeAutoScalingGroups. Members in service and unregistered are
  // dated by the `unregistered` record: when more are than it counted, the new ones arrived in service
  // since the last look — the scaler's own launches as the ASG's (a replacement after a Spot reclaim or a
  // failed health check, capacity rebalancing, a refresh). Dated at the last scale-out instead, launches
  // EC2's shortage delayed and a launch hook held were stuck at once (random world 1053222). They are
  // booting until the boot timeout after that date (and within the boot timeout of a scale-out), stuck
  // afterwards. (A new arrival dates the older ones too: the record
  // keeps one date, so a member that never registers is stuck one boot timeout after the last arrival.)
  const window = sinceLastScaleOutSeconds <= policy.bootTimeoutSeconds;
  const count = unregistered.length;
  const rec = state.unregistered;
  const unregisteredNow =
    count === 0 || !dates ? undefined : { count, ms: rec && count <= rec.count ? rec.ms : nowMs };
  const stillBooting =
    window ||
    (unregisteredNow !== undefined && nowMs - unregisteredNow.ms <= 1000 * policy.bootTimeoutSeconds);
  // A member still Pending is booting, not a scale-in candidate: it becomes one when InService.
  const booting = [...(stillBooting ? unregistered : []), ...pending];
  const stuck = stillBooting ? [] : unregistered;
  const memberUnits = fleet ? unitsOf(fleet, members) : members.length;
  const missing = Math.max(0, group.DesiredCapacity - memberUnits);
  // The ASG shows a launch as a Pending member within seconds (a replacement too: it launches as it
  // terminates); units missing for longer than the launch timeout since the scaler first saw them
  // missing (its `unlaunched-since` tag, written by the plan) are not coming: the ASG retries them.
  // With Launch suspended nothing is coming until the operator resumes it.
  const unlaunched =
    suspended(group, 'Launch') ||
    (state.unlaunchedMs !== undefined &&
      nowMs - state.unlaunchedMs > 1000 * Math.min(300, policy.bootTimeoutSeconds))
      ? missing
      : 0;
  const notLaunchedUnits = missing - unlaunched;
  const arrivingWeight = fleet?.options[0]?.weight ?? 1;
  const notLaunched = Math.ceil(notLaunchedUnits / arrivingWeight);
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
    // Or the unregistered members were dated after it: every launch of it had registered (the record
    // went to zero), or they arrived since — not its launches (random world 1063575: its one launch
    // registered, then an operator deregistered it; a 25-minute backoff left a task waiting).
    registeredSince:
      (unregisteredNow?.ms ?? 0) > (state.lastScaleOutMs ?? Infinity) ||
      [...registered.values()].some(
        (ci) => Date.parse(ci.registeredAt ?? '') >= (state.lastScaleOutMs ?? Infinity),
      ),
    unregistered: unregisteredNow,
    notLaunched,
    notLaunchedUnits,
    unlaunched,
    memberUnits,
    fleet,
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

/** Whole seconds, for the reasons. */
export const secs = (n: number): string => `${Math.round(n)} s`;

/** Why the group must not change (too many unhealthy or stuck instances), or undefined. */
export const haltReason = (gs: GroupState, policy: ClusterPolicy): string | undefined => {
  // Two at least: the only member of a group of one, its container instance deregistered by someone, froze
  // that group for good (random world 985681); a broken launch template shows on the next launch too.
  const bad = new Set([...gs.unhealthy, ...gs.stuck]);
  if (bad.size < 2 || (100 * bad.size) / gs.members.length <= policy.haltUnhealthyPercent) {
    return undefined;
  }
  return `halted: ${bad.size} of ${gs.members.length} instance(s) are unhealthy or not registered with ECS (${[...bad].join(', ')}), more than ${policy.haltUnhealthyPercent}%: the scaler holds; check the launch template (AMI, user data ECS_CLUSTER, instance profile)`;
};

const LAUNCH_SUSPENDED = "the group's Launch process is suspended (SuspendProcesses): it launches nothing";

/** Why a needed scale-out of the group must wait (halt, cooldown, backoff, max size), or undefined. */
export const scaleOutHoldReason = (
  gs: GroupState,
  policy: ClusterPolicy,
  halt: string | undefined,
): string | undefined => {
  if (halt) return halt;
  if (suspended(gs.group, 'Launch')) return LAUNCH_SUSPENDED;
  if (gs.sinceLastActionSeconds < policy.scaleOutCooldownSeconds) {
    return `cooldown: the last scaling action was ${secs(gs.sinceLastActionSeconds)} ago; scale-out waits ${secs(policy.scaleOutCooldownSeconds)}`;
  }
  // A member whose container instance someone deregistered stays unregistered for good: no backoff once a
  // later launch registered (random world 985161: one scale-out per 25 minutes for the rest of the run).
  // Nor while members are still booting (a launch hook holds the last scale-out's: their fate is unknown,
  // and a stuck member is older; random world 1041385).
  if (
    gs.stuck.length > 0 &&
    !gs.registeredSince &&
    !gs.booting.length &&
    gs.sinceLastScaleOutSeconds < policy.bootTimeoutSeconds + policy.scaleOutBackoffSeconds
  ) {
    return `backoff: ${gs.stuck.length} instance(s) launched by the last scale-out (${secs(gs.sinceLastScaleOutSeconds)} ago) never registered with ECS (${gs.stuck.join(', ')}); next scale-out after ${secs(policy.bootTimeoutSeconds + policy.scaleOutBackoffSeconds)}`;
  }
  if (gs.unlaunched > 0) {
    return `backoff: launches failing, ${gs.unlaunched} unit(s) not launched (EC2 capacity, a quota, the launch template?)`;
  }
  if (gs.group.DesiredCapacity >= gs.group.MaxSize) {
    return `the group is at its MaxSize ${gs.group.MaxSize}: raise MaxSize to add capacity`;
  }
  return undefined;
};
