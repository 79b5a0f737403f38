/**
 * The cluster-wide side of planning several groups (docs/fleets.md): what each managed group launches
 * and whether it may grow, which instances are out of service, the in-flight capacity of every group,
 * the per-task choice of group for a scale-out, the order in which groups are offered a scale-in, and
 * instance refreshes. Pure; the planner (planner.ts) applies the result to each group's plan.
 */
import { type CapacityAnalysis, headroomDefinition, type InstanceView } from '../capacity/capacity.js';
import type { Resources } from '../capacity/resources.js';
import { accepts, hasPlacementRules } from '../placement/index.js';
import type { Bin } from '../placement/placement.js';
import type {
  AsgInstance,
  AutoScalingGroup,
  ClusterSnapshot,
  InstanceRefresh,
} from '../snapshot/snapshot.js';
import { PRIORITY_TAG_KEY, type ScalingState, tagValue } from './config.js';
import {
  capacityProviderOfGroup,
  detectConflicts,
  providersOfServices,
  standAsideConflicts,
} from './conflicts.js';
import {
  arrivalOption,
  type GroupFleet,
  groupFleet,
  type LaunchOption,
  memberFree,
  memberWeight,
  registeredByType,
} from './fleet.js';
import {
  assessFleetScaleOut,
  type FleetScaleOutAssessment,
  type GrowableGroup,
  growthCap,
  growthUnits,
} from './fleet-scale-out.js';
import { type GroupState, groupState, haltReason, isMember, scaleOutHoldReason } from './group-state.js';
import { instanceTypeFacts } from './instance-types.js';
import { clusterPlacement, MODEL, runsOnNow } from './placement-context.js';
import type { ClusterPolicy } from './policy.js';
import { archOfServices } from './task-arch.js';

/** The tag that ranks groups for scale-out (lower first) and scale-in (higher first). */
export const PRIORITY_TAG = PRIORITY_TAG_KEY;

/** Instance refresh states in which the refresh still replaces instances (DescribeInstanceRefreshes). */
export const ACTIVE_REFRESH_STATES: ReadonlySet<string> = new Set([
  'Pending',
  'InProgress',
  'Cancelling',
  'RollbackInProgress',
  'Baking',
]);

/** One managed group as the cluster-wide planning sees it. */
export interface FleetGroup {
  group: AutoScalingGroup;
  policy: ClusterPolicy;
  fleet: GroupFleet;
  /** Undefined when the group's state tags cannot be read (the group holds). */
  gs: GroupState | undefined;
  halt: string | undefined;
  /** Why the group may not grow now, or undefined. */
  hold: string | undefined;
  /** Another controller drives the group (the scaler stands aside): never grown by the scaler. */
  aside: boolean;
  /** The cluster's capacity provider whose group this is, if any (its tasks run only on such groups). */
  capacityProvider: string | undefined;
  refresh: InstanceRefresh | undefined;
  priority: number | undefined;
}

/** The group's instance refresh that is still replacing instances, if any. */
export const activeRefresh = (snapshot: ClusterSnapshot, group: string): InstanceRefresh | undefined =>
  (snapshot.instanceRefreshes ?? []).find(
    (r) => r.AutoScalingGroupName === group && ACTIVE_REFRESH_STATES.has(r.Status),
  );

const ltKey = (snapshot: ClusterSnapshot, ref: Record<string, unknown> | undefined): string | undefined => {
  if (!ref) return undefined;
  const id = (ref.LaunchTemplateId as string | undefined) ?? (ref.LaunchTemplateName as string | undefined);
  let version = ref.Version as string | undefined;
  if (version === '$Latest' || version === '$Default') {
    const versions = (snapshot.launchTemplateVersions ?? []).filter(
      (v) => v.LaunchTemplateId === ref.LaunchTemplateId || v.LaunchTemplateName === ref.LaunchTemplateName,
    );
    const hit =
      version === '$Latest'
        ? [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0]
        : versions.find((v) => v.DefaultVersion);
    if (hit?.VersionNumber !== undefined) version = String(hit.VersionNumber);
  }
  return `${id ?? ''}:${version ?? ''}`;
};

/**
 * Members an active instance refresh will replace: those whose launch template (id and version) or
 * launch configuration differs from the group's (what the refresh replaces with `SkipMatching` or not,
 * once the group's template has changed). Empty without a refresh or without anything to compare.
 */
export const refreshReplaces = (snapshot: ClusterSnapshot, group: AutoScalingGroup): string[] => {
  if (!activeRefresh(snapshot, group.AutoScalingGroupName)) return [];
  const want = ltKey(
    snapshot,
    (group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification ?? group.LaunchTemplate) as
      | Record<string, unknown>
      | undefined,
  );
  return group.Instances.filter((i: AsgInstance) => {
    if (group.LaunchConfigurationName && i.LaunchConfigurationName) {
      return i.LaunchConfigurationName !== group.LaunchConfigurationName;
    }
    const have = ltKey(snapshot, i.LaunchTemplate as Record<string, unknown> | undefined);
    return want !== undefined && have !== undefined && have !== want;
  }).map((i) => i.InstanceId);
};

/**
 * EC2 ids of the managed groups' instances that are not InService (Standby, warm pool, …; Pending too
 * unless `pendingIn`: ECS places tasks on a launching member whose agent joined, group-state.ts).
 */
export const outOfServiceIds = (groups: readonly AutoScalingGroup[], pendingIn = false): Set<string> =>
  new Set(
    groups.flatMap((g) =>
      g.Instances.filter((i) => !(pendingIn ? isMember(i) : i.LifecycleState === 'InService')).map(
        (i) => i.InstanceId,
      ),
    ),
  );

const priorityOf = (group: AutoScalingGroup): number | undefined => {
  const raw = tagValue(group.Tags, PRIORITY_TAG);
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) ? n : undefined;
};

/** The smallest registered capacity of the cluster's capacity instances (the pre-fleet estimate). */
const smallestRegistered = (analysis: CapacityAnalysis): Resources | undefined => {
  const cpu = analysis.dimensions.CPU?.instanceCapacity ?? 0;
  const mem = analysis.dimensions.MEMORY?.instanceCapacity ?? 0;
  if (cpu > 0 && mem > 0)
    return { CPU: cpu, MEMORY: mem, GPU: analysis.dimensions.GPU?.instanceCapacity ?? 0 };
  const any = analysis.instances.filter((i) => i.registered.CPU > 0 && i.registered.MEMORY > 0);
  if (any.length === 0) return undefined;
  return {
    CPU: Math.min(...any.map((i) => i.registered.CPU)),
    MEMORY: Math.min(...any.map((i) => i.registered.MEMORY)),
    GPU: Math.min(...any.map((i) => i.registered.GPU)),
  };
};

/**
 * Every managed group with what it launches and whether it may grow. `stateOf` reads a group's scaler
 * state (it may throw: the group then has no `gs`).
 */
export const clusterFleets = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  groups: readonly AutoScalingGroup[],
  policyOf: (g: AutoScalingGroup) => ClusterPolicy,
  stateOf: (g: AutoScalingGroup) => ScalingState,
  now: Date,
): FleetGroup[] => {
  const fallback = smallestRegistered(analysis);
  const placement = clusterPlacement(snapshot, analysis, undefined, undefined);
  return groups.map((group) => {
    const policy = policyOf(group);
    const fleet = groupFleet(
      snapshot,
      group,
      (type, registered) => placement.daemonsOn(type, registered, undefined, group.AutoScalingGroupName),
      registeredByType(analysis, group),
      policy,
      fallback,
    );
    const refresh = activeRefresh(snapshot, group.AutoScalingGroupName);
    // A group another controller drives (capacity provider, scaling policy, scheduled desired capacity)
    // is never grown by the scaler (its plan stands aside): its tasks pass to the next group that may.
    const aside = standAsideConflicts(detectConflicts(snapshot, group))[0];
    let gs: GroupState | undefined;
    try {
      gs = groupState(group, analysis, stateOf(group), policy, now, fleet, aside === undefined);
    } catch {
      gs = undefined;
    }
    // A refresh's launches are dated like any the ASG makes on its own (group-state.ts): booting for the
    // boot timeout after the scaler first saw them. (Booting for as long as the refresh ran, a member whose
    // container instance someone deregistered held the refresh's drain and the waiting tasks: world 985021.)
    const back = gs
      ? reconnectingFromPool({ group, gs } as FleetGroup).map((ci) => ci.ec2InstanceId ?? '')
      : [];
    if (gs && back.length > 0) {
      // Started from the warm pool, the agent reconnecting: booting (in flight), like a new instance.
      gs = { ...gs, booting: [...gs.booting, ...back], inFlight: gs.inFlight + back.length };
    }
    const halt = gs ? haltReason(gs, policy) : undefined;
    const hold = aside
      ? `another controller drives it (${aside.kind})`
      : gs
        ? scaleOutHoldReason(gs, policy, halt)
        : 'its state tags cannot be read';
    return {
      group,
      policy,
      fleet,
      gs,
      halt,
      hold,
      aside: aside !== undefined,
      capacityProvider: capacityProviderOfGroup(snapshot, group),
      refresh,
      priority: priorityOf(group),
    };
  });
};

/** One in-flight instance of a group: a booting member (`member`), or a unit not yet launched. */
export interface InFlightSlot {
  id: string;
  fleet: GroupFleet;
  /** The booting member (undefined: not launched yet, it arrives as `arrival`). */
  member: AsgInstance | undefined;
  /** What the group launches next (for a slot not launched, or a member of unknown type). */
  arrival: { option: LaunchOption } | undefined;
}

/**
 * The most not-yet-launched instances of one group the plan models as arriving room: ten times the 5,000
 * container instances ECS registers in one cluster by default, far above any real launch.
 */
export const MAX_MODELLED_LAUNCHES = 50_000;

/**
 * In-flight instances of every group: booting members, then the units not launched yet as instances of
 * the type that arrives (when its size is known). The CPU/memory and the placement-model sizings each
 * give them room their own way.
 */
export const inFlightSlots = (fgs: readonly FleetGroup[], analysis: CapacityAnalysis): InFlightSlot[] => {
  const slots: InFlightSlot[] = [];
  for (const fg of fgs) {
    if (!fg.gs) continue;
    const arrival = arrivalOption(fg.fleet, [analysis.largestTask.reservation]);
    const members = new Map(fg.group.Instances.map((m) => [m.InstanceId, m]));
    for (const id of fg.gs.booting) {
      slots.push({ id: `in-flight-${id}`, fleet: fg.fleet, member: members.get(id), arrival });
    }
    // Not a group another controller drives: its unlaunched capacity is not in flight (planner.ts `flight`).
    if (!fg.aside && arrival?.option.free && fg.gs.notLaunchedUnits > 0) {
      // At most MAX_MODELLED_LAUNCHES of them: a desired capacity of millions above the members (API-legal)
      // would otherwise build a slot for each and fill the heap. No cluster waits on more.
      const n = Math.min(Math.ceil(fg.gs.notLaunchedUnits / arrival.option.weight), MAX_MODELLED_LAUNCHES);
      for (let k = 0; k < n; k++) {
        const id = `in-flight-${fg.group.AutoScalingGroupName}-${k + 1}`;
        slots.push({ id, fleet: fg.fleet, member: undefined, arrival });
      }
    }
  }
  return slots;
};

/** Free space of in-flight instances of every group: booting members by type, not-launched units by arrival. */
export const inFlightBins = (
  fgs: readonly FleetGroup[],
  analysis: CapacityAnalysis,
): (Bin & { arch?: 'x86_64' | 'arm64' | undefined })[] =>
  inFlightSlots(fgs, analysis).flatMap(({ id, fleet, member: m, arrival }) => {
    const free = (m && memberFree(fleet, m, analysis.daemonReservation)) ?? arrival?.option.free;
    const arch =
      (m?.InstanceType ? instanceTypeFacts(m.InstanceType)?.arch : undefined) ?? arrival?.option.arch;
    return free ? [{ id, free, arch }] : [];
  });

export { archOfServices } from './task-arch.js';

/** The groups as scale-out may grow them this decision (hold, room to MaxSize, max step, priority). */
export const growableGroups = (fgs: readonly FleetGroup[]): GrowableGroup[] =>
  fgs.map((f) => ({
    fleet: f.fleet,
    blocked: f.hold,
    aside: f.aside,
    capacityProvider: f.capacityProvider,
    roomUnits: Math.max(0, f.group.MaxSize - f.group.DesiredCapacity),
    maxSize: f.group.MaxSize,
    maxStep: f.policy.maxStep,
    priority: f.priority,
  }));

/**
 * The cluster's headroom, in tasks: the largest `ecs-autoscaler:headroom-tasks` of the groups the scaler
 * drives (a group it stands aside from does not impose its value — its default of 1 kept room on the
 * scaler's own group that the group's scale-in, at its own 0, gave back: drained, set ACTIVE again, for
 * good). One figure for scale-out, the waiting tasks and every group's scale-in.
 */
export const clusterHeadroom = (fgs: readonly FleetGroup[]): number =>
  Math.max(0, ...fgs.filter((f) => !f.aside).map((f) => f.policy.headroomTasks));

/**
 * The cluster's scale-out: waiting tasks and headroom on current and in-flight capacity of every group,
 * the rest bought per task from the best group (scale-out.ts {@link assessFleetScaleOut}).
 */
export const assessClusterScaleOut = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  fgs: readonly FleetGroup[],
): FleetScaleOutAssessment => {
  const out = outOfServiceIds(
    fgs.map((f) => f.group),
    true,
  );
  // Instances back from a warm pool: capacity once their agent is back (the plan sets them ACTIVE in the
  // same decision), in flight while it reconnects (they are InService, just started: they are coming).
  const back = fgs.flatMap(warmPoolReturns);
  const ready = new Set(back.filter((ci) => ci.agentConnected));
  const reconnecting = new Set(fgs.flatMap(reconnectingFromPool));
  const capacity = analysis.instances.filter(
    (i) => (i.isCapacity || ready.has(i)) && !out.has(i.ec2InstanceId ?? '') && !reconnecting.has(i),
  );
  const ownDraining: InstanceView[] = fgs
    .flatMap((f) => f.gs?.ownDraining ?? [])
    .filter((i) => !reconnecting.has(i));
  const growable = growableGroups(fgs);
  const headroomTasks = clusterHeadroom(fgs);
  const inFlight = inFlightBins(fgs, analysis);
  // The architecture of each bin: capacity instances by their type, in-flight ones by what arrives.
  const arch = new Map<string, 'x86_64' | 'arm64' | undefined>();
  for (const i of analysis.instances) {
    arch.set(i.containerInstanceArn, i.instanceType ? instanceTypeFacts(i.instanceType)?.arch : undefined);
  }
  for (const b of inFlight) arch.set(b.id, b.arch);
  // An own draining instance, set ACTIVE again, takes only what its type's placement rules accept; a new
  // instance only what its type's do (attributes, memberOf, capacity provider). Other bins: CPU/memory
  // (rules beyond them are the placement model's, fleet-model.ts).
  const draining = new Map(
    fgs.flatMap((f) =>
      (f.gs?.ownDraining ?? []).map(
        (i) => [i.containerInstanceArn, [i, f.group.AutoScalingGroupName]] as const,
      ),
    ),
  );
  const providerOf = new Map(
    snapshot.containerInstances.map((ci) => [ci.containerInstanceArn, ci.capacityProviderName]),
  );
  const placement = clusterPlacement(snapshot, analysis, undefined, undefined);
  const reqOf = (service: string) => {
    // The headroom is one more of the largest task (its definition's rules; no service's).
    const head = service === 'headroom';
    const td = head
      ? headroomDefinition(analysis)
      : analysis.unplaced.find((u) => u.service === service)?.taskDefinition;
    return td ? placement.requirements(head ? undefined : service, td) : undefined;
  };
  const typeTakes = (
    type: string,
    registered: Resources | undefined,
    cp: string | undefined,
    service: string,
    group?: string,
    az?: string,
  ) => {
    const req = registered && reqOf(service);
    const node = req && placement.templateOf(type, registered!, cp, group);
    return !node || accepts(az ? { ...node, availabilityZone: az } : node, req!);
  };
  const nodes = new Map(placement.nodes.map((n) => [n.id, n]));
  return assessFleetScaleOut(
    analysis,
    capacity,
    ownDraining,
    inFlight,
    growable,
    { headroomTasks },
    archOfServices(snapshot),
    (id) => arch.get(id),
    providersOfServices(snapshot),
    (id, service) => {
      const [i, group] = draining.get(id) ?? [];
      if (i)
        return typeTakes(
          i.instanceType ?? '',
          i.registered,
          providerOf.get(id),
          service,
          group,
          i.availabilityZone,
        );
      // A capacity instance takes only the waiting tasks its rules let run there: packed by CPU/memory
      // alone, a task of another pool took the free space the headroom had, and the headroom was bought
      // back from the instances the scale-in check (by the rules) had drained, every 14 minutes (random
      // world 220589). The headroom keeps CPU/memory packing there, as the scale-in check sizes it: by its
      // definition's rules, an unwanted service's c5-only task made the check's drains come back (227967).
      // Nor where a host port it needs is in use, its ENI has no slot or it already runs (distinctInstance):
      // packed there, a host-port service's copies took the c5s' room, so the headroom "needed" the drained
      // m5s, set ACTIVE again a minute after each drain (random world 292267).
      const node = service !== 'headroom' && nodes.get(id);
      const req = node && reqOf(service);
      return !req || !hasPlacementRules(req) || runsOnNow(node!, req);
    },
    (o, g, service) => typeTakes(o.instanceType, o.registered, g.capacityProvider, service, g.fleet.group),
  );
};

/** $/h per registered CPU unit of what the group launches (Infinity: unknown). */
const costPerUnit = (fg: FleetGroup): number => {
  const o = fg.fleet.options[0];
  return o?.priceUsdHour !== undefined && o.registered
    ? o.priceUsdHour / Math.max(1, o.registered.CPU)
    : Infinity;
};

/**
 * The order in which groups are offered a scale-in: the highest `ecs-autoscaler:priority` number first
 * (the least preferred for growth), then untagged groups, then the most expensive per CPU unit, then
 * the larger on-demand share; one group shrinks per decision.
 */
export const scaleInOrder = (fgs: readonly FleetGroup[]): FleetGroup[] =>
  [...fgs].sort(
    (a, b) =>
      (b.priority ?? Infinity) - (a.priority ?? Infinity) ||
      (Number.isFinite(costPerUnit(b)) ? costPerUnit(b) : -1) -
        (Number.isFinite(costPerUnit(a)) ? costPerUnit(a) : -1) ||
      b.fleet.onDemandPercentAboveBase - a.fleet.onDemandPercentAboveBase ||
      a.group.AutoScalingGroupName.localeCompare(b.group.AutoScalingGroupName),
  );

/** Units a member holds in its group (for desired-capacity arithmetic on terminate). */
export const weightOf = (fg: FleetGroup | undefined, instanceId: string): number => {
  const m = fg?.group.Instances.find((i) => i.InstanceId === instanceId);
  return fg && m ? memberWeight(fg.fleet, m) : 1;
};

/** The largest member weight of a group (a removal may take away that many units). */
export const largestWeight = (fg: FleetGroup | undefined): number =>
  fg
    ? Math.max(
        1,
        // What a removal takes off is a member's weight: the types the group may launch do not count
        // (with an r5.xlarge of weight 2 running and an m5.2xlarge of weight 4 listed, 2 units above
        // MinSize allowed no removal at all). Without members, the launchable weights bound it.
        ...(fg.group.Instances.length > 0
          ? fg.group.Instances.map((m) => memberWeight(fg.fleet, m))
          : fg.fleet.options.map((o) => o.weight)),
      )
    : 1;

/** What one unit of the group holds for tasks (registered − daemons, per unit), of its first type. */
export const unitHolds = (fg: FleetGroup): Resources | undefined => {
  const o = fg.fleet.options[0];
  if (!o?.free) return undefined;
  return {
    CPU: Math.floor(o.free.CPU / o.weight),
    MEMORY: Math.floor(o.free.MEMORY / o.weight),
    GPU: o.free.GPU / o.weight,
  };
};

/**
 * Applies the placement model's deficit (issue 12: ports, ENIs, constraints that CPU/memory packing
 * cannot see; in instances of the one arriving type) to a one-group assessment. Undefined: unchanged.
 */
export const withModelDeficit = (
  out: FleetScaleOutAssessment,
  modelDeficit: number | undefined,
  fgs: readonly FleetGroup[] = [],
  needs: readonly Resources[] = [],
  idle: readonly string[] = [],
): FleetScaleOutAssessment => {
  if (modelDeficit === undefined) return out;
  // CPU/memory packing found room the placement model does not (a port, an ENI, a constraint): grow the
  // one group by the model's count, in the units of the type that arrives for the waiting tasks (random
  // world 5076, ninth stop: counted as the first type, c5.large, 2 host-port tasks too large for it were
  // bought 4 vCPUs — one host at best — tick after tick).
  const fg = fgs.length === 1 ? fgs[0]! : undefined;
  const first = fg && (arrivalOption(fg.fleet, needs)?.option ?? fg.fleet.options[0]);
  if (out.growth.length === 0 && modelDeficit > 0 && fg && first && !fg.hold) {
    const roomUnits = fg.group.MaxSize - fg.group.DesiredCapacity;
    const cap = growthCap({ maxStep: fg.policy.maxStep, roomUnits }, first);
    const instances = Math.min(cap, modelDeficit);
    return {
      ...out,
      deficit: modelDeficit,
      growth:
        instances > 0
          ? [
              {
                group: fg.group.AutoScalingGroupName,
                option: first,
                instances,
                units: growthUnits(roomUnits, instances, first.weight),
                wantedInstances: modelDeficit,
                cap,
                tasks: 0,
                reasons: [
                  `${MODEL} needs ${modelDeficit} new instance(s)${instances < modelDeficit ? `; capped at ${instances}` : ''}`,
                  ...idle,
                ],
              },
            ]
          : [],
    };
  }
  const only = out.growth.length === 1 ? out.growth[0]! : undefined;
  if (!only || modelDeficit <= only.wantedInstances)
    return { ...out, deficit: Math.max(out.deficit, modelDeficit) };
  const instances = Math.min(only.cap, modelDeficit);
  const grows = fgs.find((f) => f.group.AutoScalingGroupName === only.group)?.group;
  const roomUnits = grows ? grows.MaxSize - grows.DesiredCapacity : instances * only.option.weight;
  return {
    ...out,
    deficit: modelDeficit,
    growth: [
      {
        ...only,
        instances,
        units: growthUnits(roomUnits, instances, only.option.weight),
        wantedInstances: modelDeficit,
        reasons: [...only.reasons, ...idle],
      },
    ],
  };
};

/**
 * Members back from a warm pool that reuses instances on scale-in (ReuseOnScaleIn): the drainer drained
 * them on their way into the pool, so their container instances come back DRAINING (InService, empty,
 * not drained by the scaler; the agent reconnecting). They are in service again: set them ACTIVE.
 */
export const warmPoolReturns = (fg: FleetGroup): InstanceView[] => {
  const reuse = (
    fg.group.WarmPoolConfiguration as { InstanceReusePolicy?: { ReuseOnScaleIn?: boolean } } | undefined
  )?.InstanceReusePolicy?.ReuseOnScaleIn;
  if (!reuse || !fg.gs) return [];
  const own = new Set(fg.gs.ownDraining);
  return [...fg.gs.registered.values()].filter(
    // The agent may still be reconnecting (the instance was stopped): it is InService, so it is coming.
    (ci) => ci.status === 'DRAINING' && !own.has(ci) && ci.runningTasks + ci.pendingTasks === 0,
  );
};

/**
 * Members of a group that reuses warm-pool instances whose ECS agent is not connected: started from the
 * pool, InService, the agent polling for it (ECS_WARM_POOLS_CHECK, about a minute). In flight, not lost.
 */
export const reconnectingFromPool = (fg: FleetGroup): InstanceView[] => {
  const reuse = (
    fg.group.WarmPoolConfiguration as { InstanceReusePolicy?: { ReuseOnScaleIn?: boolean } } | undefined
  )?.InstanceReusePolicy?.ReuseOnScaleIn;
  if (!reuse || !fg.gs) return [];
  return [...fg.gs.registered.values()].filter((ci) => !ci.agentConnected && ci.status !== 'INACTIVE');
};
