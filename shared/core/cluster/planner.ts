/**
 * The cluster planner: from a snapshot and its capacity analysis to an absolute plan for the managed ASG.
 *
 * Order of decisions (docs/cluster-scaler.md "How a decision is made"):
 * 1. housekeeping — protect new members from ASG scale-in; forget draining instances that are gone;
 * 2. scale-out — exact, by first-fit-decreasing (scale-out.ts); reactivate the scaler's own draining
 *    instances before buying new ones; guards: halt, cooldown, backoff, max size, max step;
 * 3. finish scale-ins — terminate the scaler's draining instances that are empty
 *    (TerminateInstanceInAutoScalingGroup, ShouldDecrementDesiredCapacity=true);
 * 4. scale-in — placement-exact, up to max step instances whose tasks and the headroom fit on the rest
 *    (scale-in.ts); guards: enabled, halt, min size, nothing booting/draining/unregistered/disconnected,
 *    cooldown ≥ warm-up + grace, hysteresis.
 *
 * Every decision is an absolute target computed from state (desired capacity, in-flight instances, the
 * scaler's state tags), so a duplicated trigger changes nothing.
 */
import { type CapacityAnalysis, ec2View, headroomTask, type InstanceView } from '../capacity/capacity.js';
import { crashLoopReads } from '../capacity/crash-loop.js';
import { type Resources, subtractResources, ZERO } from '../capacity/resources.js';
import type { AutoScalingGroup, ClusterSnapshot } from '../snapshot/snapshot.js';
import { stampCapacitySince } from './capacity-since.js';
import { CLUSTER_TAG_KEY, readScalingState, type ScalingState, STATE_TAGS } from './config.js';
import { type Conflict, detectConflicts, standAsideConflicts } from './conflicts.js';
import { stuckDrainReasons, withDisplacedTasks } from './displaced.js';
import type { GroupFleet } from './fleet.js';
import { memberWeight, ownWeight } from './fleet.js';
import { fleetPlacement, groupCouldRun, sizeFleetWithModel, withFleetModel } from './fleet-model.js';
import {
  assessClusterScaleOut,
  clusterFleets,
  clusterHeadroom,
  type FleetGroup,
  largestWeight,
  outOfServiceIds,
  refreshReplaces,
  scaleInOrder,
  warmPoolReturns,
  weightOf,
  withModelDeficit,
} from './fleet-plan.js';
import type { FleetScaleOutAssessment, GroupGrowth } from './fleet-scale-out.js';
import {
  type AttributeWrite,
  assessForeignState,
  epochSeconds,
  OWN_DRAIN_ATTRIBUTE,
  type OwnDrains,
  ownDrains,
} from './foreign-state.js';
import { type GroupState, groupState, secs, suspended } from './group-state.js';
import { instanceTasks, isEmpty, runsNonDaemon } from './instance-tasks.js';
import { liftLoweredDesired, settleLoweredDesired } from './lowered-desired.js';
import {
  type ClusterPlacement,
  clusterPlacement,
  placeOnStaying,
  plainRequirements,
} from './placement-context.js';
import type { ClusterPolicy } from './policy.js';
import { predictiveHeadroom } from './predictive.js';
import { countCap, selectScaleIn } from './scale-in.js';
import { drainingMoves, forgetUnneeded, paceScaleIn, replicaDemand } from './scale-in-pacing.js';
import { newInstanceCapacity } from './scale-out.js';
import { shortZones, withoutShortZones } from './short-az.js';
import { headroomArch } from './task-arch.js';
import { assessWaitingTasks, type WaitingTasks } from './waiting-tasks.js';

/** The tag that opts an ASG (and so its cluster) in; its value is the ECS cluster name. */
export const CLUSTER_TAG = CLUSTER_TAG_KEY;

/** A container instance the plan acts on. */
export interface PlannedInstance {
  containerInstanceArn: string;
  ec2InstanceId: string;
}

/** What the planner decided for one cluster. "Do nothing" is an explicit `hold`. */
export interface ClusterPlan {
  cluster: string;
  /** The managed ASG the plan applies to (null: none is tagged for this cluster). */
  autoScalingGroup: string | null;
  action: 'scale-out' | 'scale-in' | 'hold';
  /**
   * `proposed` is where desired capacity ends up: for scale-out the SetDesiredCapacity value; for a
   * scale-in and for terminations, current minus the instances that leave (each termination decrements it;
   * the scaler never lowers desired capacity itself, which would let the ASG pick the instance).
   */
  desiredCapacity: { current: number; proposed: number };
  /** Instances to set DRAINING (scale-in). */
  drain: PlannedInstance[];
  /** EC2 instance ids that are DRAINING and empty: terminate them, decrementing desired capacity. */
  terminate: string[];
  /**
   * Those of `terminate` to terminate without decrementing desired capacity: someone lowered desired below
   * the protected members, and the members left stay at or above it (lowered-desired.ts).
   */
  keepDesired?: string[];
  /**
   * SetDesiredCapacity to this before the terminations (then all made without decrement): a decrement
   * by a member's weight would take desired below MinSize — the ASG overshot with a heavy type
   * (lowered-desired.ts).
   */
  desiredBeforeTerminate?: number;
  /** The scaler's own DRAINING instances to set ACTIVE again (demand came back before they left). */
  activate: PlannedInstance[];
  /** Members not protected from ASG scale-in: SetInstanceProtection ProtectedFromScaleIn=true. */
  protect: string[];
  /** ASG tags to write when the plan is applied (the scaler's memory; empty: none). */
  stateTags: Record<string, string>;
  /** New instances the placement needs beyond current and in-flight capacity, before guards. */
  capacityDeficitInstances: number;
  /** Container instances whose task lists would make this plan precise: read them and plan again. */
  needsTasks: string[];
  /** The group's MinSize / MaxSize (null without a group). */
  limits: { min: number; max: number } | null;
  reasons: string[];
  /** Waiting tasks by what would make them run (waiting-tasks.ts); absent: none waiting. */
  waitingTasks?: WaitingTasks[];
  /** Container-instance attributes to put / delete: the scaler's per-instance memory (foreign-state.ts). */
  attributes?: { put: AttributeWrite[]; delete: AttributeWrite[] };
  /** Members to mark Unhealthy (SetInstanceHealth) so the ASG replaces them (replace-disconnected). */
  markUnhealthy?: string[];
  /** Other controllers found on the group (conflicts.ts); a stand-aside one makes the plan a hold, no writes. */
  conflicts?: Conflict[];
  /** Members an instance refresh replaces that carry scale-in protection: SetInstanceProtection false. */
  unprotect?: string[];
  /** Set NewInstancesProtectedFromScaleIn (UpdateAutoScalingGroup): new instances protected from launch. */
  protectNewInstances?: boolean;
  /** What the group launches and in which unit `desiredCapacity` counts (fleet.ts). */
  fleet?: GroupFleet;
  /**
   * With several managed groups: one plan per group, each applied on its own (the actuator applies these
   * when present). The enclosing plan is the headline: the acting group's figures, every group's lists.
   */
  groupPlans?: ClusterPlan[];
}

/** Options of {@link planCluster}. */
export interface PlanOptions {
  /** Policy per group name (several groups); missing groups use the `policy` argument. */
  policies?: ReadonlyMap<string, ClusterPolicy>;
  /** Internal (several groups): plan only this group, with the cluster-wide view computed once. */
  only?: string;
  fleets?: FleetGroup[];
  scaleOut?: FleetScaleOutAssessment;
  /** Internal (several groups): the placement view with every group's types (fleet-model.ts). */
  placement?: ClusterPlacement;
  /** Internal: another group already scales in this decision. */
  scaleInTaken?: boolean;
  /**
   * Drain only instances whose task list the snapshot holds (issue 19). The cluster scaler plans without
   * task lists first, reads those of `needsTasks` (the instances about to drain, the few whose sizing
   * needs one) and plans again: with this set, an instance whose list was not read never drains.
   * `ask`: unread instances rank as if they held no job (their lists are asked for when they would
   * drain); `final` (no more reads): they rank with the job hosts, and the best read ones drain.
   * With it set, an unread instance's tasks are inferred from its task count and reserved resources when
   * only one combination of the cluster's task sizes adds up (infer-tasks.ts): that sizes the count of
   * removable instances, never a drain (which waits for the list).
   * Default off: a snapshot without lists is planned conservatively (each task as large as the largest).
   */
  drainReadOnly?: 'ask' | 'final';
}

/** A plan that changes nothing: hold at `current`, no instance named, no reason yet. */
export const holdPlan = (
  cluster: string,
  autoScalingGroup: string | null,
  current: number,
  limits: ClusterPlan['limits'],
): ClusterPlan => ({
  cluster,
  autoScalingGroup,
  action: 'hold',
  desiredCapacity: { current, proposed: current },
  drain: [],
  terminate: [],
  activate: [],
  protect: [],
  stateTags: {},
  capacityDeficitInstances: 0,
  needsTasks: [],
  limits,
  reasons: [],
});

/** The managed ASGs of a snapshot's cluster (tagged `ecs-autoscaler:cluster=<name>`). */
export const managedGroups = (snapshot: ClusterSnapshot): AutoScalingGroup[] =>
  snapshot.autoScalingGroups.filter((g) =>
    g.Tags.some((t) => t.Key === CLUSTER_TAG && t.Value === snapshot.cluster.clusterName),
  );

/**
 * Free space of one new instance learned from the registered instances (smallest registered capacity,
 * less the daemon reservation); `registered` overrides what one instance registers. Undefined: unknown.
 */
export const newInstanceFree = (
  analysis: CapacityAnalysis,
  registered?: Resources,
): Resources | undefined => {
  const cap = registered ?? {
    CPU: analysis.dimensions.CPU?.instanceCapacity ?? 0,
    MEMORY: analysis.dimensions.MEMORY?.instanceCapacity ?? 0,
    GPU: analysis.dimensions.GPU?.instanceCapacity ?? 0,
  };
  if (cap.CPU === 0 && cap.MEMORY === 0) return undefined;
  return subtractResources(cap, analysis.daemonReservation ?? ZERO);
};

const planned = (ci: InstanceView): PlannedInstance => ({
  containerInstanceArn: ci.containerInstanceArn,
  ec2InstanceId: ci.ec2InstanceId ?? '',
});

/**
 * Plans one cluster. Pure: time is `now`, configuration is `policy`, memory is the ASG's state tags.
 * With predictive headroom (issue 16, off by default; single-group clusters) the headroom grows by what
 * yesterday's demand just ahead was above today's, and the demand history is written back (predictive.ts).
 */
export const planCluster = (
  cluster: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policy: ClusterPolicy,
  now: Date,
  options: PlanOptions = {},
): ClusterPlan => {
  // Fargate and ECS Anywhere services are no demand on the groups (capacity.ts).
  const snapshot = ec2View(cluster);
  // Issue 15: a desired capacity someone lowered below the protected members is counted at what the ASG
  // keeps (lowered-desired.ts); the plan is turned back into AWS's terms at the end. Inner per-group calls
  // (`only`) get the counted snapshot already.
  if (options.only !== undefined) return planCounted(snapshot, analysis, policy, now, options);
  const { snapshot: counted, lowered } = liftLoweredDesired(snapshot, managedGroups(snapshot));
  // An AZ EC2 could not launch in takes no new instance for a while (short-az.ts).
  const short = shortZones(counted, managedGroups(counted), now.getTime());
  const plan = planCounted(
    short.size > 0 ? withoutShortZones(counted, short) : counted,
    analysis,
    policy,
    now,
    options,
  );
  for (const p of plan.groupPlans ?? [plan]) {
    const s = short.get(p.autoScalingGroup ?? '');
    if (!s || standAsideConflicts(p.conflicts ?? []).length > 0) continue;
    if (s.write !== undefined) p.stateTags[STATE_TAGS.shortAz] = s.write;
    const d = p.desiredCapacity;
    // A probe: one round of the ASG's balancing that reaches the AZ (short-az.ts) — in the group's units,
    // launches of the type it launches first (the heaviest when the ASG chooses): a cap of one unit per AZ
    // let a weight-4 group launch once, around the AZ (random world 1092221).
    const f = p.fleet;
    if (s.probe && p.action === 'scale-out')
      d.proposed = Math.min(
        d.proposed,
        d.current +
          s.zones *
            Math.max(
              1,
              ...(f ? (f.orderKnown ? f.options.slice(0, 1) : f.arriving) : []).map((o) => o.weight),
            ),
      );
    if (s.az) {
      const why = `${s.az} could not launch (EC2 capacity: the group launched in another AZ): ${s.probe ? 'one round of launches tries it again' : 'not counted for new instances'} (${STATE_TAGS.shortAz})`;
      p.reasons.push(why);
      if (p !== plan) plan.reasons.push(`${p.autoScalingGroup}: ${why}`);
    }
  }
  if (lowered.size === 0) return plan;
  const weightOf = (id: string): number => {
    const m = snapshot.autoScalingGroups.flatMap((g) => g.Instances).find((i) => i.InstanceId === id);
    return (m && ownWeight(m)) ?? 1;
  };
  for (const p of plan.groupPlans ?? [plan]) {
    const l = p.autoScalingGroup === null ? undefined : lowered.get(p.autoScalingGroup);
    if (l) settleLoweredDesired(p, l, weightOf);
  }
  if (plan.groupPlans) {
    const keep = plan.groupPlans.flatMap((p) => p.keepDesired ?? []);
    if (keep.length > 0) plan.keepDesired = keep;
    for (const p of plan.groupPlans) {
      const l = p.autoScalingGroup === null ? undefined : lowered.get(p.autoScalingGroup);
      if (l) plan.reasons.push(`${p.autoScalingGroup}: ${p.reasons[0]}`);
    }
  }
  return plan;
};

const planCounted = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policy: ClusterPolicy,
  now: Date,
  options: PlanOptions = {},
): ClusterPlan => {
  const groups = managedGroups(snapshot);
  if (!policy.predictiveHeadroom || groups.length !== 1) {
    return stampCapacitySince(planClusterNow(snapshot, analysis, policy, now, options), now);
  }
  const p = predictiveHeadroom(snapshot, analysis, groups[0]!.Tags, replicaDemand(snapshot), now);
  // The group's policy everywhere it is read (the handler passes it in `policies` too: there the extra
  // was lost, and scale-out never bought the predicted room that scale-in kept).
  const boosted = { ...policy, headroomTasks: policy.headroomTasks + p.extraTasks };
  const plan = planClusterNow(snapshot, analysis, boosted, now, {
    ...options,
    ...(options.policies
      ? { policies: new Map([...options.policies, [groups[0]!.AutoScalingGroupName, boosted]]) }
      : {}),
  });
  // Never a write to a group the scaler stands aside from (issue 14).
  const aside = standAsideConflicts(plan.conflicts ?? []).length > 0;
  if (plan.autoScalingGroup !== null && !aside) Object.assign(plan.stateTags, p.tags);
  plan.reasons.push(...p.reasons);
  return stampCapacitySince(plan, now);
};

const planClusterNow = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policy: ClusterPolicy,
  now: Date,
  options: PlanOptions = {},
): ClusterPlan => {
  const groups = managedGroups(snapshot);
  if (groups.length > 1 && options.only === undefined) {
    return planGroups(snapshot, analysis, policy, now, groups, options);
  }
  const group = groups.find((g) => g.AutoScalingGroupName === options.only) ?? groups[0];
  const plan = holdPlan(
    analysis.cluster,
    group?.AutoScalingGroupName ?? null,
    group?.DesiredCapacity ?? analysis.counts.capacity,
    group ? { min: group.MinSize, max: group.MaxSize } : null,
  );
  if (!group) {
    plan.reasons.push(
      `no Auto Scaling group is tagged ${CLUSTER_TAG}=${analysis.cluster}: tag the cluster's ASG to let the scaler manage it`,
    );
    return plan;
  }
  let state: ScalingState;
  try {
    state = readScalingState(group.Tags, group.AutoScalingGroupName);
  } catch (e) {
    plan.reasons.push((e as Error).message);
    return plan;
  }
  // Issue 14: another controller drives the group → hold, write nothing; otherwise coexist notes.
  const conflicts = detectConflicts(snapshot, group);
  plan.conflicts = conflicts;
  const aside = standAsideConflicts(conflicts);
  if (aside.length > 0) {
    plan.reasons.push(
      `standing aside: another controller drives group ${group.AutoScalingGroupName}, so the scaler writes nothing to it`,
      ...aside.map((c) => c.detail),
    );
    return plan;
  }
  plan.reasons.push(...conflicts.map((c) => c.detail));
  const own = ownDrains(snapshot, analysis, group, state.draining, now);
  state = { ...state, draining: freshOwnDrains(group, state, own) };
  plan.attributes = { put: [...own.put], delete: [...own.delete] };
  if (own.clearLegacyTag) plan.stateTags[STATE_TAGS.draining] = '';
  // Issue 13: what every managed group launches, in its units (fleet-plan.ts).
  const ownState = state;
  const fgs =
    options.fleets ??
    clusterFleets(
      snapshot,
      analysis,
      groups,
      (g) => options.policies?.get(g.AutoScalingGroupName) ?? policy,
      (g) => (g === group ? ownState : stateOf(snapshot, analysis, g, now)),
      now,
    );
  const me = fgs.find((f) => f.group.AutoScalingGroupName === group.AutoScalingGroupName)!;
  plan.fleet = me.fleet;
  const gs = me.gs ?? groupState(group, analysis, state, policy, now, me.fleet);
  housekeeping(plan, gs, state, now);
  fleetHousekeeping(plan, snapshot, me);
  const foreign = assessForeignState(snapshot, analysis, gs, own.ids, policy, now);
  plan.attributes.put.push(...foreign.put);
  plan.attributes.delete.push(...foreign.delete);
  plan.markUnhealthy = foreign.markUnhealthy;
  plan.needsTasks.push(...foreign.needsTasks);
  const need = (arn: string) => plan.needsTasks.includes(arn) || plan.needsTasks.push(arn);
  // A crash loop's retries hold room for seconds: their instances' lists show it (capacity/crash-loop.ts).
  for (const arn of crashLoopReads(snapshot)) need(arn);
  // A host a lifecycle action holds (instance refresh, someone's scale-in) runs tasks that wait for room
  // elsewhere (displaced.ts); its list tells which (random world 104459: a refreshed host's task that no
  // ACTIVE host could take held the refresh for an hour, until the drain's maximum time cut it off). Any
  // task: a count of daemon services says nothing of a host a daemon is not bound to (world 350755). So does
  // a member someone else set DRAINING, from the first sight, not once its grace is over (random world
  // 1158722: a drain at 8 min of the one registered host while the scaler's hosts launched; with no ACTIVE
  // host to remove nothing else asked for its list, and the replacement bought at 27 min came after 38).
  for (const i of group.Instances) {
    const ci =
      i.LifecycleState.startsWith('Terminating') || foreign.foreignDraining.includes(i.InstanceId)
        ? analysis.instances.find((c) => c.ec2InstanceId === i.InstanceId)
        : undefined;
    if (
      ci?.status === 'DRAINING' &&
      ci.runningTasks + ci.pendingTasks > 0 &&
      !instanceTasks(snapshot, analysis, ci).complete
    )
      need(ci.containerInstanceArn);
  }
  plan.reasons.push(...foreign.reasons);
  const halt = me.halt;
  const newInstance = newInstanceCapacity(analysis, group, policy);
  // Issue 12: every "does it fit" goes through the placement model (ports, ENIs, attributes, constraints).
  const placement = options.placement ?? clusterPlacement(snapshot, analysis, group, newInstance?.registered);
  // What DRAINING instances hand over: waiting tasks where nothing takes them, moved tasks for scale-in.
  const handedOver = drainingMoves(snapshot, analysis);
  plan.reasons.push(...stuckDrainReasons(snapshot, handedOver));
  const moved = withDisplacedTasks(snapshot, analysis, placement, handedOver);
  if (moved.displaced > 0) {
    plan.reasons.push(
      `${moved.displaced} task(s) on DRAINING instances fit on no ACTIVE one: waiting for room`,
    );
  }
  // Headroom is cluster-wide (docs/fleets.md): scale-out, the waiting tasks and scale-in see one figure.
  const headroomTasks = clusterHeadroom(fgs);
  const waiting = assessWaitingTasks(
    snapshot,
    moved.analysis,
    placement,
    headroomTasks,
    gs.inFlight,
    gs.booting.map((id) => gs.members.find((m) => m.InstanceId === id)?.AvailabilityZone),
  );
  if (waiting.tasks.length > 0) plan.waitingTasks = waiting.tasks;
  plan.reasons.push(...waiting.reasons);
  // Issue 13: sized per group in its units, by the types each will launch; one group grows per task.
  const out =
    options.scaleOut ??
    withModelDeficit(
      assessClusterScaleOut(snapshot, waiting.sizing, fgs),
      waiting.modelDeficit,
      fgs,
      waiting.sizing.unplaced.map((u) => u.reservation),
      waiting.modelIdle,
    );
  const reactivate = out.reactivate.filter((i) => gs.ownDraining.includes(i));
  plan.capacityDeficitInstances = out.deficit;
  plan.reasons.push(...out.problems);
  if (gs.inFlight > 0) {
    plan.reasons.push(
      `${gs.inFlight} instance(s) in flight (booting or not yet launched) are counted as capacity`,
    );
  }

  // Issue 15: a partial answer hides instances or tasks, so free space looks missing that is not: a
  // scale-out for headroom or the reservation threshold alone — buying instances or setting own draining
  // ones ACTIVE again — waits for the next tick's full answer (else it is undone by the next scale-in: a
  // direction reversal, or a drain undone and never converging). Tasks that cannot be placed still scale
  // out now.
  const hidden = snapshot.failures?.length ?? 0;
  const unplaced = analysis.unplacedCount + waiting.tasks.length;
  if (hidden > 0 && (out.deficit > 0 || out.reactivate.length > 0) && unplaced === 0) {
    plan.reasons.push(...out.wants);
    plan.reasons.push(
      `no scale-out for headroom while AWS could not describe ${hidden} item(s) of the cluster (a partial answer hides free space; the next tick re-reads)`,
    );
    return plan;
  }
  if (reactivate.length > 0) {
    plan.activate.push(...reactivate.map(planned));
    setDraining(
      plan,
      state,
      gs,
      reactivate.map((i) => i.ec2InstanceId ?? ''),
    );
    plan.reasons.push(
      `demand came back: set ${reactivate.map((i) => i.ec2InstanceId).join(', ')} ACTIVE again instead of launching`,
    );
  }
  // Nothing is bought for the waiting tasks: the members none of them can ever run on (listed here).
  let waitsHere: Map<string, InstanceView> | undefined;
  if (out.deficit > 0 || out.reactivate.length > 0) {
    plan.reasons.push(...out.wants);
    if (out.deficit > 0) scaleOut(plan, gs, me, out, now);
    // Tasks wait for capacity no group may add this decision (the groups that run them at MaxSize): a
    // group none of them can ever run on (another pool, architecture, AZ) goes on scaling in — it held its
    // idle instances for as long as they waited (a batch pool at MaxSize kept the web pool's). Its
    // scale-in check is the usual one (moved tasks and headroom on the staying instances).
    const needing = waiting.tasks
      .filter((w) => w.kind === 'needs-capacity')
      .map((w) => placement.requirements(w.service, w.taskDefinition));
    // Only the headroom wanted (a GPU task's, on a GPU group that cannot grow): the same for its size.
    // On its architecture (random world 310664: an arm64 headroom on an arm64 group that launched nothing
    // held the x86 group's 6 idle hosts, "able to run" a task of that size).
    if (!needing.length && headroomTasks > 0) {
      needing.push({
        ...plainRequirements('', headroomTask(waiting.sizing)),
        cpuArchitecture: headroomArch(snapshot, waiting.sizing),
      });
    }
    const elsewhere =
      !!options.fleets &&
      out.reactivate.length === 0 &&
      out.growth.length === 0 &&
      needing.length > 0 &&
      !groupCouldRun(placement, me, needing);
    if (elsewhere) {
      plan.reasons.push(
        `none of the waiting tasks can run on ${group.AutoScalingGroupName}'s instances: its scale-in goes on`,
      );
    } else if (plan.action !== 'hold' || reactivate.length > 0) return plan;
    // Else nothing is bought this decision (MaxSize, launches failing, a cooldown): the drains that ended
    // still leave — an empty drained instance takes none of the waiting tasks (it would have been set
    // ACTIVE again) — and so may the members none of the waiting tasks can ever run on (by the rules and
    // by size): they hold units the tasks need below MaxSize (random world 287887: 22 c5.large a first
    // type's shortage brought, at MaxSize, while m5-only tasks waited; the group held them for good).
    else waitsHere = new Map([...gs.registered].filter(([id]) => !groupCouldRun(placement, me, needing, id)));
  }

  // Tasks other drains hand over that ACTIVE instances take one by one (ECS places them soon) take that
  // room together, and the headroom must fit on what they leave: when it does not, an own drain that
  // ended stays DRAINING this decision, to be set ACTIVE again (scale-out, above) once they are placed
  // rather than terminated and bought back (fault matrix long-drain-refresh / none / 20030: four tasks of
  // an operator-terminated host each fitted somewhere; the empty drained host was terminated, and an
  // instance bought a minute later). Tasks ECS cannot move (their deployment configuration) are left out.
  // Standby, Pending and warm-pool instances are neither room for the moved tasks nor for the headroom.
  // A partial answer may hide tasks that would set a drained host ACTIVE again (a service ECS did not
  // describe): it stays DRAINING until the next tick's full answer, as no scale-in starts on one (fault
  // matrix sawtooth / partial-failures / 50005: web, MISSING from the tick's answer as its desired count
  // rose 4 → 12, was not seen; the drained host was terminated and two launched a second later).
  const outOfService = outOfServiceIds(fgs.map((f) => f.group));
  const lacking = hidden
    ? `AWS could not describe ${hidden} item(s): they may hide tasks that need it`
    : moved.movable.length > 0 &&
      gs.ownDraining.length > 0 &&
      placeOnStaying(
        snapshot,
        analysis,
        [
          ...moved.movable,
          { label: 'headroom', reservation: headroomTask(waiting.sizing), count: headroomTasks },
        ],
        analysis.instances.filter((i) => i.isCapacity && !outOfService.has(i.ec2InstanceId ?? '')),
      ).unplaced.length > 0 &&
      'the tasks other drains hand over leave no room for the headroom';
  finishScaleIns(plan, snapshot, analysis, gs, state, own, policy, now, lacking);
  // Someone else's empty drains leave on the same terms as the scaler's own (finishScaleIns): MinSize
  // bounds the units the members hold (an overshooting group holds more than desired: 4 vCPUs desired and
  // MinSize, members of 2 + 4, kept the emptied 2-vCPU one for good — random worlds, seventh stop).
  let unitsLeft = unitsHeldAfter(plan, gs);
  for (const id of foreign.terminate) {
    const w = weightOf(me, id);
    if (unitsLeft - w < group.MinSize) {
      plan.reasons.push(`${id} stays: terminating it would take the group below MinSize ${group.MinSize}`);
      continue;
    }
    unitsLeft -= w;
    plan.terminate.push(id);
    if (plan.desiredCapacity.proposed - w >= group.MinSize) plan.desiredCapacity.proposed -= w;
    else {
      // A decrement would go below MinSize: desired to what stays first, then no decrement (below).
      plan.desiredCapacity.proposed = Math.max(
        group.MinSize,
        Math.min(plan.desiredCapacity.proposed, unitsLeft),
      );
      plan.desiredBeforeTerminate = plan.desiredCapacity.proposed;
    }
  }
  if (plan.desiredBeforeTerminate !== undefined) {
    // The ASG overshot (finishScaleIns): one SetDesiredCapacity to what stays comes before the
    // terminations, so every one of them keeps it — a decrement after it would count twice and go below
    // MinSize (random worlds: two drained instances in one decision, the second one overshooting).
    plan.desiredBeforeTerminate = plan.desiredCapacity.proposed;
    plan.keepDesired = [...plan.terminate];
  }
  if (waitsHere?.size === 0) return plan;
  if (waiting.waitingForEcs > 0) {
    plan.reasons.push(
      `${waiting.waitingForEcs} unplaced task(s) fit on the current free space: waiting for ECS to place them`,
    );
    return plan;
  }
  // Desired capacity and MinSize count units. A group that overshot its desired capacity (a member heavier
  // than what was asked: weights, vCPU units) holds its members' units, and those are what MinSize bounds:
  // 2 vCPUs desired, one 8-vCPU member and MinSize 0 allowed no removal, and the idle member stayed for
  // good (random worlds, sixth stop); desired 4 = MinSize 4 with members of 2 + 8 vCPUs kept the idle
  // 2-vCPU one (seventh stop). Members terminated in this decision hold nothing any more, nor do members
  // DRAINING by someone else: they leave (Capacity Rebalancing's at-risk member, its replacement launched
  // above desired: world 1052594).
  const unitsHeld = unitsHeldAfter(plan, gs, foreign.foreignDraining);
  const fleetBlock = fleetScaleInBlocker(me, fgs, options.scaleInTaken ?? false);
  const blocked = fleetBlock ?? scaleInBlocker(gs, policy, halt, unitsHeld, snapshot.failures?.length ?? 0);
  if (blocked) {
    if (out.wants.length > 0) {
      plan.reasons.push(`${out.wants.join('; ')}; yet the headroom fits on the current free space`);
    }
    plan.reasons.push(blocked);
    // Issue 16: capacity that may not go now has not been unneeded: the pacing starts again. A partial
    // answer only hides part of the cluster for this tick: the pacing pauses (keeps its start), else 30 %
    // partial answers restart a 600 s count every few ticks and it never completes (issue 15).
    const partialOnly = (snapshot.failures?.length ?? 0) > 0 && policy.scaleInEnabled && !halt;
    // Several groups: another group's scale-in this decision only defers this one to the next decision
    // (moved tasks counted once); its capacity is no less unneeded, so the pacing keeps its start too —
    // else each group's removal restarted the others' 600 s (the next count is placement-exact again).
    // So does another group's capacity in flight (counted as capacity, it makes none of this group's
    // needed): an instance refresh launching one host at a time restarted the 600 s at each launch, and
    // with a fallback re-ask every 17 minutes the idle fallback hosts never went (random world 723769).
    // So does a suspended Terminate process: the capacity stays unneeded, and it goes once resumed.
    const deferred = (fleetBlock !== undefined && !me.refresh) || blocked === TERMINATE_SUSPENDED;
    const forget = partialOnly || deferred ? undefined : forgetUnneeded(group.Tags);
    if (forget !== undefined) plan.stateTags[STATE_TAGS.unneeded] = forget;
    return plan;
  }
  // Issue 16: the unneeded time paces scale-in (scale-in-pacing.ts). The placement-exact count of
  // removable instances stops at MAX_COUNTED_PER_DECISION (like cluster-autoscaler's
  // scale-down-non-empty-candidates-count; fewer on large clusters: `countCap`, bounded work on 5,000
  // instances), of which MAX_REMOVALS_PER_DECISION drain; when that count's cap, not MinSize, bounds it
  // the count is "at least the cap" (`saturated`), and draining it, all ripe, does not restart the
  // unneeded time.
  // A removal takes off its own member's weight: as many as the lightest members allow are counted, and
  // the chosen ones are then kept within the units above MinSize (below). Dividing by the heaviest member
  // (8 vCPUs of a c5.2xlarge among 2-vCPU c5.large) let 4 of 7 idle instances go per unneeded time, and the
  // rest waited another 600 s each round (random worlds, seventh stop).
  const budget = unitsHeld - group.MinSize;
  const memberWeights = me ? me.group.Instances.map((m) => memberWeight(me.fleet, m)) : [];
  const lightest = memberWeights.length > 0 ? Math.max(1, Math.min(...memberWeights)) : largestWeight(me);
  const maxRemovals = Math.max(0, Math.floor(budget / lightest));
  const removalCap = Math.min(maxRemovals, countCap(analysis.instances.length));
  // Standby, Pending and warm-pool instances are no destination for the moved tasks (outOfService, above).
  const inService = {
    ...analysis,
    // The headroom scale-out sizes for (none for a task no type can run: waiting-tasks.ts).
    largestTask: waiting.sizing.largestTask,
    instances: analysis.instances.filter((i) => !outOfService.has(i.ec2InstanceId ?? '')),
  };
  // Within the units above MinSize, in ranking order (a subset of a removable set is removable): the
  // selection passes over a member heavier than the units left.
  const sel = selectScaleIn(
    snapshot,
    inService,
    waitsHere ? { ...gs, registered: waitsHere } : gs,
    headroomTasks,
    removalCap,
    handedOver,
    options.drainReadOnly === 'final',
    options.drainReadOnly !== undefined,
    { budget, weightOf: (ci) => memberWeightOf(gs, ci.ec2InstanceId ?? '') },
  );
  for (const a of sel.needsTasks) need(a);
  // Issue 16: per-instance pacing (scale-in-pacing.ts) — how many of the removable ones go now.
  const paceInput = {
    tags: group.Tags,
    removable: sel.drain.length,
    saturated: removalCap < maxRemovals && sel.drain.length === removalCap,
    sinceLastScaleOutSeconds: gs.sinceLastScaleOutSeconds,
    cooldownSeconds: gs.scaleInCooldownSeconds,
    unneededSeconds: policy.scaleInUnneededSeconds,
    lastScaleOutMs: state.lastScaleOutMs,
    demand: replicaDemand(snapshot),
    now,
    unread: sel.needsTasks.length > 0,
  };
  let pace = paceScaleIn(paceInput);
  // Issue 19: the task lists of the instances about to drain, and only theirs, are asked for: standalone
  // jobs and protected tasks rank a host last, so a list may send the choice to the next instance.
  const known = (ci: InstanceView) => instanceTasks(snapshot, analysis, ci).complete;
  let drainNow = sel.drain.slice(0, pace.drain);
  if (options.drainReadOnly) {
    // Only instances whose list was read drain: the first `pace.drain` of them in the ranking; the unread
    // ones ranked before them are asked for (as many as drain now), and may take their place next plan.
    drainNow = [];
    const ask: InstanceView[] = [];
    for (const ci of sel.drain) {
      if (drainNow.length >= pace.drain) break;
      if (known(ci)) drainNow.push(ci);
      else if (ask.length < pace.drain) ask.push(ci);
    }
    for (const ci of ask) {
      need(ci.containerInstanceArn);
    }
    if (drainNow.length < pace.drain) pace = paceScaleIn({ ...paceInput, drainable: drainNow.length });
  } else {
    for (const ci of drainNow.filter((c) => !known(c))) {
      need(ci.containerInstanceArn);
    }
  }
  if (pace.tag !== undefined) plan.stateTags[STATE_TAGS.unneeded] = pace.tag;
  // Reasons for the instances that drain now (or why none can); those that wait are counted by the pace.
  const held = sel.drain
    .filter((ci) => !drainNow.includes(ci))
    .map((ci) => ci.ec2InstanceId ?? ci.containerInstanceArn);
  const selected = sel.reasons.filter((r) => !held.some((w) => r.includes(w)));
  plan.reasons.push(...(pace.drain > 0 || sel.drain.length === 0 ? selected : []), ...pace.reasons);
  sel.drain = drainNow;
  if (sel.drain.length > 0) {
    plan.action = 'scale-in';
    plan.drain = sel.drain.map(planned);
    // Not below MinSize: a group that overshot its desired capacity loses members above it without a
    // decrement (the termination keeps desired; finishScaleIns).
    plan.desiredCapacity.proposed = Math.max(
      group.MinSize,
      plan.desiredCapacity.proposed -
        sel.drain.reduce((u, ci) => u + weightOf(me, ci.ec2InstanceId ?? ''), 0),
    );
    plan.stateTags[STATE_TAGS.lastScaleIn] = now.toISOString();
    setDraining(
      plan,
      state,
      gs,
      [],
      plan.drain.map((d) => d.ec2InstanceId),
      now,
    );
  }
  return plan;
};

/** Protect unprotected members (own drains are tracked per instance: nothing to drop here). */
const housekeeping = (plan: ClusterPlan, gs: GroupState, state: ScalingState, now: Date): void => {
  // The clock of launches failing (group-state.ts): set when units go missing, cleared when none are.
  const missing = gs.notLaunchedUnits + gs.unlaunched > 0;
  if (missing !== (state.unlaunchedMs !== undefined)) {
    plan.stateTags[STATE_TAGS.unlaunchedSince] = missing ? now.toISOString() : '';
  }
  // The date of the unregistered members (group-state.ts), kept when it changed.
  const u = gs.unregistered;
  if (u?.count !== state.unregistered?.count || u?.ms !== state.unregistered?.ms) {
    plan.stateTags[STATE_TAGS.unregistered] = u ? `${u.count}@${Math.floor(u.ms / 1000)}` : '';
  }
  plan.protect = gs.members
    .filter((m) => m.LifecycleState === 'InService' && m.ProtectedFromScaleIn !== true)
    .map((m) => m.InstanceId);
  if (plan.protect.length > 0) {
    plan.reasons.push(
      `protect ${plan.protect.length} new instance(s) from ASG scale-in (the scaler picks what leaves)`,
    );
  }
};

/**
 * Records which instances are the scaler's own drains: `add` get the container-instance attribute
 * {@link OWN_DRAIN_ATTRIBUTE} (the drain start), `remove` (set ACTIVE again) lose it. Per-instance state,
 * never a list in an ASG tag (256 characters, ecs-facts §4.8; issue 14).
 */
const setDraining = (
  plan: ClusterPlan,
  _state: ScalingState,
  gs: GroupState,
  remove: readonly string[],
  add: readonly string[] = [],
  now?: Date,
): void => {
  plan.attributes ??= { put: [], delete: [] };
  for (const id of remove) {
    const ci = gs.registered.get(id);
    if (ci)
      plan.attributes.delete.push({
        containerInstanceArn: ci.containerInstanceArn,
        name: OWN_DRAIN_ATTRIBUTE,
      });
  }
  for (const id of add) {
    const ci = gs.registered.get(id);
    if (ci && now) {
      // An ACTIVE instance may still carry the mark of an earlier own drain, which ownDrains plans to
      // delete; the new mark replaces it. Both in one plan, the delete (written after the put) left the
      // new drain unmarked: read as someone else's drain, the instance sat DRAINING (issue 15's
      // `draining-without-owner`, ramp-down / everything / seed 3).
      plan.attributes.delete = plan.attributes.delete.filter(
        (d) => d.containerInstanceArn !== ci.containerInstanceArn || d.name !== OWN_DRAIN_ATTRIBUTE,
      );
      plan.attributes.put.push({
        containerInstanceArn: ci.containerInstanceArn,
        name: OWN_DRAIN_ATTRIBUTE,
        value: epochSeconds(now),
      });
    }
  }
};

const scaleOut = (
  plan: ClusterPlan,
  gs: GroupState,
  me: FleetGroup,
  out: FleetScaleOutAssessment,
  now: Date,
): void => {
  const { group } = gs;
  const growth: GroupGrowth | undefined = out.growth.find((g) => g.group === group.AutoScalingGroupName);
  const need = `first-fit placement needs ${out.deficit} more instance(s)`;
  if (!growth) {
    const others = out.growth.map((g) => `${g.group} (+${g.units} unit(s))`);
    if (others.length > 0) {
      plan.reasons.push(`${need}: ${others.join(', ')} grow(s) instead of ${group.AutoScalingGroupName}`);
    } else plan.reasons.push(need, ...(me.hold ? [me.hold] : out.blocked));
    return;
  }
  const { option } = growth;
  plan.action = 'scale-out';
  // From the units the members hold: above desired when the ASG overshot (a heavier member than asked),
  // desired + growth launched nothing (random world 986991: 24 → 26 vCPUs with 28 running).
  plan.desiredCapacity.proposed = Math.max(
    group.MinSize,
    Math.min(group.MaxSize, Math.max(group.DesiredCapacity, gs.memberUnits) + growth.units),
  );
  plan.stateTags[STATE_TAGS.lastScaleOut] = now.toISOString();
  // The members this launches are dated now (group-state.ts): not taken for the ASG's own launches.
  // (At most 6 digits, as the tag is read: no real scale-out comes near.)
  const launching = Math.min(999_999, (gs.unregistered?.count ?? 0) + growth.instances);
  plan.stateTags[STATE_TAGS.unregistered] = `${launching}@${Math.floor(now.getTime() / 1000)}`;
  const what =
    me.fleet.unit === 'instances'
      ? `${growth.instances} instance(s)${option.instanceType ? ` of ${option.instanceType}` : ''}`
      : `${growth.units} ${me.fleet.unit} (${growth.instances} × ${option.instanceType}, weight ${option.weight})`;
  plan.reasons.push(
    `${need}: ${group.AutoScalingGroupName} adds ${what} (instance size from ${option.source})`,
    ...growth.reasons,
  );
};

/** Terminate the scaler's own draining instances that are empty; re-activate those MinSize would keep. */
const finishScaleIns = (
  plan: ClusterPlan,
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  gs: GroupState,
  state: ScalingState,
  own: OwnDrains,
  policy: ClusterPolicy,
  now: Date,
  /** Why drained, empty hosts stay DRAINING this decision (false: they go). */
  lacking: string | false,
): void => {
  let desired = gs.group.DesiredCapacity;
  // The units the members hold: above desired when the ASG overshot (a member heavier than asked).
  let held = Math.max(desired, gs.memberUnits);
  for (const ci of gs.ownDraining) {
    const tasks = instanceTasks(snapshot, analysis, ci);
    const id = ci.ec2InstanceId ?? '';
    const drainedFor = Math.floor(now.getTime() / 1000) - (own.startedAt.get(id) ?? Infinity);
    if (!tasks.complete && runsNonDaemon(ci, analysis) && drainedFor < policy.maxDrainSeconds) {
      // Issue 19: a task a drain waits for: not empty, no list needed to know it.
      plan.reasons.push(`${id} is draining: ${ci.runningTasks + ci.pendingTasks} task(s) not yet STOPPED`);
    } else if (!tasks.complete) {
      plan.needsTasks.push(ci.containerInstanceArn);
      plan.reasons.push(`${id} is draining; its task list is needed to know whether it is empty`);
    } else if (!isEmpty(tasks) && drainedFor >= policy.maxDrainSeconds) {
      // Issue 14: the scaler's own drain has a maximum time; a job still running is never killed.
      plan.activate.push(planned(ci));
      setDraining(plan, state, gs, [id]);
      plan.reasons.push(
        `${id} has drained for ${secs(drainedFor)} (max-drain-time ${secs(policy.maxDrainSeconds)}) and still runs ${tasks.nonDaemon.length} task(s) (${tasks.nonDaemon.map((t) => t.group ?? t.taskArn).join(', ')}): set it ACTIVE again, never terminated with a job`,
      );
    } else if (!isEmpty(tasks)) {
      plan.reasons.push(`${id} is draining: ${tasks.nonDaemon.length} non-daemon task(s) not yet STOPPED`);
    } else if (lacking) {
      plan.reasons.push(`${id} is drained and empty, kept: ${lacking}`);
    } else if (held - memberWeightOf(gs, id) < gs.group.MinSize) {
      // TerminateInstanceInAutoScalingGroup with decrement fails below MinSize (MinSize was raised).
      plan.activate.push(planned(ci));
      setDraining(plan, state, gs, [id]);
      plan.reasons.push(
        `${id} is drained but the group is at MinSize ${gs.group.MinSize}: set it ACTIVE again`,
      );
    } else if (desired - memberWeightOf(gs, id) >= gs.group.MinSize) {
      desired -= memberWeightOf(gs, id);
      held -= memberWeightOf(gs, id);
      plan.terminate.push(id);
      plan.reasons.push(`${id} is drained and empty: terminate it and decrement desired capacity`);
    } else {
      // The ASG overshot: a decrement by the member's weight would take desired below MinSize, which AWS
      // rejects. Desired goes first to what stays (not below MinSize), then the member is terminated
      // without decrement: the members left are at or above it, so the ASG launches no replacement.
      held -= memberWeightOf(gs, id);
      desired = Math.max(gs.group.MinSize, Math.min(desired, held));
      plan.desiredBeforeTerminate = desired;
      plan.keepDesired = [...(plan.keepDesired ?? []), id];
      plan.terminate.push(id);
      plan.reasons.push(
        `${id} is drained and empty; the ASG overshot: desired to ${desired} first, then terminated without decrement`,
      );
    }
  }
  plan.desiredCapacity.proposed = desired;
};

const TERMINATE_SUSPENDED = "no scale-in: the group's Terminate process is suspended";
const inFlightBlock = (gs: GroupState) =>
  `no scale-in while ${gs.inFlight} instance(s) are booting or not yet launched`;

const scaleInBlocker = (
  gs: GroupState,
  policy: ClusterPolicy,
  halt: string | undefined,
  unitsHeld: number,
  describeFailures: number,
): string | undefined => {
  if (!policy.scaleInEnabled) return 'scale-in is disabled (tag ecs-autoscaler:scale-in=disabled)';
  if (halt) return halt;
  // The operator stopped the group's scale-in (SuspendProcesses Terminate): a drained instance would stay.
  if (suspended(gs.group, 'Terminate')) return TERMINATE_SUSPENDED;
  // A partial answer may hide tasks or instances: never remove capacity on it (the next tick re-reads).
  if (describeFailures > 0) {
    return `no scale-in while AWS could not describe ${describeFailures} item(s) of the cluster (a partial answer may hide tasks)`;
  }
  if (unitsHeld <= gs.group.MinSize) {
    return `no scale-in: desired capacity is at MinSize ${gs.group.MinSize}`;
  }
  if (ownLaunches(gs, policy)) return inFlightBlock(gs);
  // Issue 14: foreign DRAINING, disconnected and unregistered instances never block (foreign-state.ts).
  // Issue 16: neither do the scaler's own drains: the tasks they still move count as moved when the next
  // instances are chosen (scale-in-pacing.ts drainingMoves), and the scale-in cooldown, counted from the
  // last scale-out only, is applied by the pacing.
  return undefined;
};

/** A member's weight in its group's units (1 without a fleet). */
/**
 * The units a group's members hold once this decision's terminations are done: the members' own weights
 * (above desired when the ASG overshot), never less than the desired capacity planned.
 */
const unitsHeldAfter = (
  plan: { terminate: string[]; desiredCapacity: { proposed: number } },
  gs: GroupState,
  leaving: readonly string[] = [],
): number =>
  Math.max(
    plan.desiredCapacity.proposed,
    gs.memberUnits -
      [...new Set([...plan.terminate, ...leaving])].reduce((u, id) => u + memberWeightOf(gs, id), 0),
  );

const memberWeightOf = (gs: GroupState, id: string): number => {
  const m = gs.members.find((i) => i.InstanceId === id);
  return gs.fleet && m ? memberWeight(gs.fleet, m) : 1;
};

/** A group's scaler state as the single-group path reads it (state tags, then own drains). */
const stateOf = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  group: AutoScalingGroup,
  now: Date,
): ScalingState => {
  const state = readScalingState(group.Tags, group.AutoScalingGroupName);
  return {
    ...state,
    draining: freshOwnDrains(group, state, ownDrains(snapshot, analysis, group, state.draining, now)),
  };
};

/**
 * Instance refresh and new-instance protection (issue 13): members an active refresh replaces are not
 * protected (and lose the scaler's protection, so the refresh does not wait an hour on it and fail);
 * the group protects new instances from launch on (NewInstancesProtectedFromScaleIn).
 */
const fleetHousekeeping = (plan: ClusterPlan, snapshot: ClusterSnapshot, me: FleetGroup): void => {
  if (me.refresh) {
    const replaced = new Set(refreshReplaces(snapshot, me.group));
    plan.protect = plan.protect.filter((id) => !replaced.has(id));
    plan.unprotect = me.group.Instances.filter(
      (i) => replaced.has(i.InstanceId) && i.ProtectedFromScaleIn === true,
    ).map((i) => i.InstanceId);
    plan.reasons.push(
      `instance refresh ${me.refresh.InstanceRefreshId ?? ''} is ${me.refresh.Status}: ${replaced.size} instance(s) on the old launch template are left to it${plan.unprotect.length > 0 ? ` (scale-in protection removed from ${plan.unprotect.length})` : ''}; its launches count as in flight`,
    );
  }
  // Back from a warm pool that reuses instances on scale-in (ReuseOnScaleIn): the drainer drained it on
  // its way into the pool, so its container instance comes back DRAINING; it is in service again.
  const back = warmPoolReturns(me).filter((ci) => ci.agentConnected);
  if (back.length > 0) {
    plan.activate.push(...back.map(planned));
    // Its scale-in attribute (if the scaler drained it before it went to the pool) is stale now.
    if (me.gs)
      setDraining(
        plan,
        {} as ScalingState,
        me.gs,
        back.map((ci) => ci.ec2InstanceId ?? ''),
      );
    plan.reasons.push(
      `${back.map((ci) => ci.ec2InstanceId).join(', ')} came back from the warm pool DRAINING: set ACTIVE again`,
    );
  }
  // Written once (UpdateAutoScalingGroup); the actuator logs it, no reason line on every plan.
  if (me.group.NewInstancesProtectedFromScaleIn !== true) plan.protectNewInstances = true;
};

const ANOTHER_GROUP_SCALES_IN =
  'another group scales in this decision (one group at a time, so moved tasks are counted once)';

/** Reasons a group may not scale in this decision: its refresh, another group's, in-flight capacity elsewhere. */
const fleetScaleInBlocker = (
  me: FleetGroup,
  fgs: readonly FleetGroup[],
  taken: boolean,
): string | undefined => {
  if (me.refresh) {
    return `no scale-in of ${me.group.AutoScalingGroupName} while its instance refresh is ${me.refresh.Status}`;
  }
  if (taken) return ANOTHER_GROUP_SCALES_IN;
  const busy = fgs.filter((f) => f !== me && (f.aside ? flight(f) : ownLaunches(f.gs, f.policy)));
  if (busy.length > 0) {
    return `no scale-in while ${busy.map((f) => `${f.group.AutoScalingGroupName} has ${flight(f)} instance(s) in flight`).join(', ')}`;
  }
  return undefined;
};

/**
 * A group's instances in flight. One another controller drives counts its booting members (group-state.ts),
 * not the desired capacity its ASG has not launched: the scaler writes no `unlaunched-since` there, so
 * capacity EC2 cannot give it would be "in flight" for good — freezing every group's scale-in (random
 * world 269660: a provider's group whose Spot instance was reclaimed while EC2 had no t3.medium), and
 * taking the waiting tasks the scaler's own groups should grow for (world 384767: a provider group's
 * m5.xlarge, short for good, held the last task of a blue/green set off g1 for good).
 */
const flight = (f: FleetGroup) => (f.aside ? f.gs?.booting.length : f.gs?.inFlight) ?? 0;

/**
 * In flight within the scaler's own boot window: what holds scale-in. The ASG's own launches later on (a
 * replacement after a Spot reclaim, a failed health check or an abandoned launch hook, capacity
 * rebalancing, a refresh's) bring back capacity the group lost, not demand, and hold nothing: a bootstrap
 * hook abandoning one launch after another froze every group's scale-in while each replacement was in
 * flight (random world 1079110: 10 idle hosts 40 min on; before, world 321335's Spot replacement had
 * restarted the idle hosts' 600 s). The moved tasks never count on in-flight room (selectScaleIn).
 */
const ownLaunches = (gs: GroupState | undefined, policy: ClusterPolicy) =>
  !!gs?.inFlight && gs.sinceLastScaleOutSeconds <= policy.bootTimeoutSeconds;

/**
 * Several managed groups: each is planned with the cluster-wide view computed once (what each launches,
 * in-flight capacity of all, the per-task choice of group for growth), and offered scale-in one at a time
 * in {@link scaleInOrder}. The headline is the acting group's plan; `groupPlans` holds every group's.
 */
const planGroups = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  policy: ClusterPolicy,
  now: Date,
  groups: AutoScalingGroup[],
  options: PlanOptions,
): ClusterPlan => {
  const policyOf = (g: AutoScalingGroup): ClusterPolicy =>
    options.policies?.get(g.AutoScalingGroupName) ?? policy;
  const fleets = clusterFleets(
    snapshot,
    analysis,
    groups,
    policyOf,
    (g) => stateOf(snapshot, analysis, g, now),
    now,
  );
  const headroom = clusterHeadroom(fleets);
  const inFlight = fleets.reduce((n, f) => n + flight(f), 0);
  // The waiting tasks are classified against every type any group launches (a task only the arm64 group
  // runs is not unplaceable), and with placement rules in play each group's growth is sized by the
  // placement model (fleet-model.ts): CPU/memory packing alone would see room where ECS finds none.
  const placement = fleetPlacement(clusterPlacement(snapshot, analysis, undefined, undefined), fleets);
  const waiting = assessWaitingTasks(
    snapshot,
    withDisplacedTasks(snapshot, analysis, placement).analysis,
    placement,
    headroom,
    inFlight,
  );
  const cpuMemory = assessClusterScaleOut(snapshot, waiting.sizing, fleets);
  const scaleOut =
    waiting.modelDeficit === undefined
      ? cpuMemory
      : withFleetModel(
          cpuMemory,
          sizeFleetWithModel(placement, waiting.tasks, waiting.modelHeadroom, fleets, analysis),
        );
  const byName = new Map<string, ClusterPlan>();
  let taken = false;
  for (const fg of scaleInOrder(fleets)) {
    const name = fg.group.AutoScalingGroupName;
    const p = planCluster(snapshot, analysis, policyOf(fg.group), now, {
      ...options,
      only: name,
      fleets,
      scaleOut,
      placement,
      scaleInTaken: taken,
    });
    if (p.action === 'scale-in') taken = true;
    byName.set(name, p);
  }
  const plans = groups.map((g) => byName.get(g.AutoScalingGroupName)!);
  const acting =
    plans.find((p) => p.action === 'scale-out') ?? plans.find((p) => p.action !== 'hold') ?? plans[0]!;
  const verdict =
    acting.action === 'hold'
      ? 'every group holds'
      : `${acting.autoScalingGroup} ${acting.action === 'scale-out' ? 'grows' : 'shrinks'}`;
  return {
    ...acting,
    drain: plans.flatMap((p) => p.drain),
    terminate: plans.flatMap((p) => p.terminate),
    activate: plans.flatMap((p) => p.activate),
    protect: plans.flatMap((p) => p.protect),
    unprotect: plans.flatMap((p) => p.unprotect ?? []),
    needsTasks: [...new Set(plans.flatMap((p) => p.needsTasks))],
    // Issue 14: every group's per-instance marks, replacements and conflicts (not only the acting one's).
    attributes: {
      put: plans.flatMap((p) => p.attributes?.put ?? []),
      delete: plans.flatMap((p) => p.attributes?.delete ?? []),
    },
    markUnhealthy: plans.flatMap((p) => p.markUnhealthy ?? []),
    conflicts: plans.flatMap((p) => p.conflicts ?? []),
    capacityDeficitInstances: scaleOut.deficit,
    reasons: [
      `${groups.length} Auto Scaling groups are tagged ${CLUSTER_TAG}=${analysis.cluster} (${groups.map((g) => g.AutoScalingGroupName).join(', ')}): ${verdict}`,
      ...plans.flatMap((p) => p.reasons.map((r) => `${p.autoScalingGroup}: ${r}`)),
    ],
    groupPlans: plans,
  };
};

/**
 * The scaler's own drains that are still its own: in a group that reuses warm-pool instances on scale-in,
 * an instance the scaler drained before its last scale-out went to the pool and came back (its drain
 * attribute travels with its container instance); it is not being drained now (warmPoolReturns).
 */
const freshOwnDrains = (group: AutoScalingGroup, state: ScalingState, own: OwnDrains): string[] => {
  const reuse = (
    group.WarmPoolConfiguration as { InstanceReusePolicy?: { ReuseOnScaleIn?: boolean } } | undefined
  )?.InstanceReusePolicy?.ReuseOnScaleIn;
  if (!reuse || state.lastScaleOutMs === undefined) return own.ids;
  const lastOut = state.lastScaleOutMs / 1000;
  return own.ids.filter((id) => (own.startedAt.get(id) ?? Infinity) >= lastOut);
};
