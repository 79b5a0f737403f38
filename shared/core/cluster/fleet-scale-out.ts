/**
 * Scale-out sizing for a cluster of one or more groups, in each group's units (issue 13).
 *
 * Waiting tasks and the headroom are placed first-fit-decreasing on the free space of capacity
 * instances and in-flight instances (each of its own type); what does not fit is bought for, per task,
 * from the group whose arriving type runs it at the lowest cost (fleet.ts says what arrives), each
 * group's share placed on new instances of that type. A group at MaxSize or its max step passes the rest
 * to the next group. The number of units is instances × weight: desired capacity counts units.
 */

import {
  type CapacityAnalysis,
  headroomDefinition,
  headroomTask,
  type InstanceView,
} from '../capacity/capacity.js';
import { copiesThatFit, minResources, type Resources, subtractResources } from '../capacity/resources.js';
import {
  type Bin,
  type PlacementItem,
  type PlacementResult,
  placeFirstFitDecreasing,
} from '../placement/placement.js';
import { arrivalOption, type GroupFleet, type LaunchOption } from './fleet.js';
import type { ClusterPolicy } from './policy.js';
import { demandItems, type ScaleOutAssessment, scaleOutWants } from './scale-out.js';
import type { ArchOf } from './task-arch.js';

/** A group scale-out may grow, as the planner sees it this tick. */
export interface GrowableGroup {
  fleet: GroupFleet;
  /** Why it may not grow now (halt, cooldown, backoff, MaxSize), or undefined. */
  blocked: string | undefined;
  /**
   * Another controller drives it (`blocked` says which): tasks only such groups can run are left to
   * them — not counted in the deficit, so they hold neither the other groups' scale-in nor a decision.
   */
  aside?: boolean;
  /** Units it may add: MaxSize − desired. */
  roomUnits: number;
  maxSize: number;
  /** Instances it may add in one decision (the group's max step). */
  maxStep: number;
  /** `ecs-autoscaler:priority` (lower first), or undefined. */
  priority: number | undefined;
  /** The capacity provider whose group this is: tasks of a provider strategy grow only their providers' groups. */
  capacityProvider?: string | undefined;
}

/** What one group should add, and why that group. */
export interface GroupGrowth {
  group: string;
  option: LaunchOption;
  instances: number;
  units: number;
  /** Instances needed before the max step and MaxSize capped them. */
  wantedInstances: number;
  /** At most this many instances this decision (max step, MaxSize). */
  cap: number;
  tasks: number;
  reasons: string[];
}

/** The outcome of {@link assessFleetScaleOut}. */
export interface FleetScaleOutAssessment extends Omit<ScaleOutAssessment, 'deficit'> {
  /** New instances needed beyond current, in-flight and reactivated capacity, before guards. */
  deficit: number;
  growth: GroupGrowth[];
  /** Groups that would have been chosen but may not grow now, with why. */
  blocked: string[];
}

/** Architecture a task needs, if any (placement constraint or runtime platform). */
export type { ArchOf } from './task-arch.js';

const fitsOn = (need: Resources, free: Resources): boolean =>
  need.CPU <= free.CPU && need.MEMORY <= free.MEMORY && need.GPU <= free.GPU;

/** $/h per copy of the task one instance holds: the cost of the scarce dimension for this task. */
export const costPerTask = (option: LaunchOption, task: Resources): number => {
  const copies = option.free ? copiesThatFit(task, option.free) : 0;
  if (copies <= 0 || !Number.isFinite(copies)) return Infinity;
  return (option.priceUsdHour ?? Infinity) / copies;
};

export const fmtCost = (c: number): string =>
  Number.isFinite(c) ? `$${(Math.round(c * 10000) / 10000).toString()}/h per task` : 'price unknown';

/**
 * The order in which groups are offered a task to grow for: the lowest `ecs-autoscaler:priority` first,
 * then the lowest cost per task, then the smaller on-demand share, then the name.
 */
export const growthOrder = (
  a: { g: GrowableGroup; cost: number },
  b: { g: GrowableGroup; cost: number },
): number =>
  (a.g.priority ?? Infinity) - (b.g.priority ?? Infinity) ||
  a.cost - b.cost ||
  a.g.fleet.onDemandPercentAboveBase - b.g.fleet.onDemandPercentAboveBase ||
  a.g.fleet.group.localeCompare(b.g.fleet.group);

/**
 * Instances a group may add in one decision: its max step, and its room to MaxSize in its units. Room for
 * part of an instance still buys the whole one: desired goes to MaxSize, and the ASG launches until
 * desired is met in full, overshooting by less than the weight (ecs-facts §4.2) — with weight 4 and 2
 * units left, the last instance was never bought and its tasks waited for good.
 */
export const growthCap = (
  g: Pick<GrowableGroup, 'maxStep' | 'roomUnits'>,
  option: Pick<LaunchOption, 'weight'>,
): number => Math.max(0, Math.min(g.maxStep, Math.ceil(g.roomUnits / option.weight)));

/** The units `instances` of `weight` add to desired capacity: never past MaxSize ({@link growthCap}). */
export const growthUnits = (roomUnits: number, instances: number, weight: number): number =>
  Math.min(instances * weight, Math.max(0, roomUnits));

/** One group's growth entry; `capped`: the max step or MaxSize left tasks over (said in the reasons). */
export const groupGrowth = (
  g: GrowableGroup,
  option: LaunchOption,
  n: { instances: number; wanted: number; cap: number; tasks: number; reasons: string[]; capped: boolean },
): GroupGrowth => ({
  group: g.fleet.group,
  option,
  instances: n.instances,
  units: growthUnits(g.roomUnits, n.instances, option.weight),
  wantedInstances: n.wanted,
  cap: n.cap,
  tasks: n.tasks,
  reasons: n.capped
    ? [
        ...n.reasons,
        n.cap === g.maxStep && n.cap * option.weight < g.roomUnits
          ? `limited to the maximum step of ${g.maxStep}`
          : `capped at MaxSize ${g.maxSize}`,
      ]
    : n.reasons,
});

/** Tasks only groups another controller drives can run: said, not bought for. */
export const leftToOthers = (count: number, label: string, ranked: readonly { g: GrowableGroup }[]): string =>
  `${count} task(s) of ${label} run only on ${ranked.map((c) => c.g.fleet.group).join(', ')}, which another controller drives: left to it (not counted as a deficit)`;

/** Why a group was chosen for a task, in words (its priority, or its cost against the others'). */
export const choiceWhy = (
  best: { g: GrowableGroup; cost: number; arrival?: { option: LaunchOption } | undefined },
  others: readonly { g: GrowableGroup; cost: number }[],
): string =>
  best.g.priority !== undefined
    ? `priority ${best.g.priority}`
    : others.length > 0
      ? `${fmtCost(best.cost)} on ${best.arrival?.option.instanceType} vs ${others.map((o) => `${o.g.fleet.group} ${o.g.blocked ? `(${o.g.blocked.split(':')[0]})` : fmtCost(o.cost)}`).join(', ')}`
      : `the only group whose types run it`;

const unplacedCount = (unplaced: readonly { count: number }[]): number =>
  unplaced.reduce((n, u) => n + u.count, 0);

/**
 * Sizes the scale-out of a cluster with one or more groups, in each group's units.
 *
 * Waiting tasks and the headroom are first placed (first-fit-decreasing) on the free space of capacity
 * instances and in-flight instances (each of its own type; `inFlight`); what does not fit is bought for:
 * per task, a group whose arriving type can run it (size, GPUs, architecture), preferring the lowest
 * `ecs-autoscaler:priority`, then the lowest cost per task (price ÷ copies of the task one instance holds,
 * i.e. the cost of the task's scarce dimension), then the group with the smaller on-demand share (Spot is
 * cheaper than on-demand for the same type), then the name. Each group's tasks are placed on new instances
 * of the type it will launch; a group that reaches MaxSize or its max step passes the rest to the next.
 */
export const assessFleetScaleOut = (
  analysis: CapacityAnalysis,
  capacity: readonly InstanceView[],
  ownDraining: readonly InstanceView[],
  inFlight: readonly Bin[],
  groups: readonly GrowableGroup[],
  policy: Pick<ClusterPolicy, 'headroomTasks'>,
  archOf: ArchOf = () => undefined,
  binArch: (binId: string) => 'x86_64' | 'arm64' | undefined = () => undefined,
  providersOf: (service: string) => readonly string[] | undefined = () => undefined,
  binTakes: (binId: string, service: string) => boolean = () => true,
  typeTakes: (option: LaunchOption, group: GrowableGroup, service: string) => boolean = () => true,
): FleetScaleOutAssessment => {
  const wants = scaleOutWants(analysis, policy);
  const problems: string[] = [];
  // Headroom is kept for the largest task of the services that want tasks (capacity.ts).
  const largest = headroomTask(analysis);
  const dims = analysis.dimensionNames;
  const hasTasks = dims.some((d) => largest[d] > 0);
  const items = demandItems(analysis, largest, hasTasks ? policy.headroomTasks : 0);
  const bins = (withDraining: boolean): Bin[] => [
    ...capacity.map((i) => ({ id: i.containerInstanceArn, free: i.remaining })),
    // An own draining instance set ACTIVE again gets its daemon tasks back (they stop last on a drain,
    // so an emptied one shows their room free): counted without it.
    ...(withDraining
      ? ownDraining.map((i) => ({
          id: i.containerInstanceArn,
          free: minResources(i.remaining, subtractResources(i.registered, analysis.daemonReservation)),
        }))
      : []),
    ...inFlight,
  ];
  const archOfItem = (it: PlacementItem) =>
    it.label === 'headroom' ? archOf(headroomDefinition(analysis)) : archOf(it.label);
  // Tasks that need one architecture go first, on instances of that architecture only; the rest on any.
  // Within each, the tasks some bin refuses (`binTakes`: an own draining instance whose type's placement
  // rules refuse them) go first, each on the bins that take it. Random world 3710 (ninth stop): a task
  // only another controller's r5 group runs "fitted" on the scaler's drained t3 by CPU and memory, which
  // was set ACTIVE again a minute after each drain, for good.
  const place = (all: Bin[]) => {
    let free = all;
    const unplaced: PlacementResult['unplaced'] = [];
    const run = (part: PlacementItem[], usable: Bin[]) => {
      const r = placeFirstFitDecreasing(part, usable, { dimensions: dims });
      const after = new Map(r.bins.map((b) => [b.id, b.free]));
      free = free.map((b) => ({ id: b.id, free: after.get(b.id) ?? b.free }));
      unplaced.push(...r.unplaced);
    };
    for (const arch of ['arm64', 'x86_64', undefined] as const) {
      const mine = items.filter((it) => archOfItem(it) === arch);
      const archBins = () => free.filter((b) => arch === undefined || (binArch(b.id) ?? arch) === arch);
      const picky = new Set(
        mine.filter((it) => archBins().some((b) => !binTakes(b.id, it.label))).map((it) => it.label),
      );
      for (const label of picky) {
        run(
          mine.filter((it) => it.label === label),
          archBins().filter((b) => binTakes(b.id, label)),
        );
      }
      const rest = mine.filter((it) => !picky.has(it.label));
      if (rest.length > 0) run(rest, archBins());
    }
    return { unplaced, free };
  };
  let placement = place(bins(false));
  let reactivate: InstanceView[] = [];
  if (placement.unplaced.length > 0 && ownDraining.length > 0) {
    // Own draining instances come back only when they take something: a task (or the headroom) none of
    // them can run — another architecture, a GPU — would otherwise undo every drain, for good. And only
    // those that take something: one task ECS placed otherwise than the scale-in check assumed set a
    // drain of five ACTIVE again, for good (random world 1056470: drained and set ACTIVE every 22 min).
    const start = bins(true);
    const withDraining = place(start);
    if (unplacedCount(withDraining.unplaced) < unplacedCount(placement.unplaced)) {
      placement = withDraining;
      reactivate = ownDraining.filter((_, k) => {
        const was = start[capacity.length + k]!.free;
        const now = withDraining.free[capacity.length + k]!.free;
        return dims.some((d) => now[d] < was[d]);
      });
    }
  }
  const leftover = placement.unplaced.map((u) => ({
    label: u.label,
    reservation: u.reservation,
    count: u.count,
  }));
  const growth: GroupGrowth[] = [];
  const blocked = new Set<string>();
  const full = new Set<string>();
  let tooLarge = 0;
  let deficit = 0;
  // Assign each leftover item to the best group; re-assign what a full group could not take.
  let pending = leftover;
  if (leftover.length > 0 && groups.every((g) => g.fleet.options.every((o) => !o.free))) {
    problems.push(
      'the size of a new instance is unknown: set the ASG tags ecs-autoscaler:instance-cpu and ecs-autoscaler:instance-memory',
    );
    pending = [];
  }
  for (let round = 0; round <= groups.length && pending.length > 0; round++) {
    const byGroup = new Map<GrowableGroup, { items: PlacementItem[]; option: LaunchOption; why: string }>();
    const next: PlacementItem[] = [];
    for (const item of pending) {
      const arch = item.label === 'headroom' ? archOf(headroomDefinition(analysis)) : archOf(item.label);
      // A task of a capacity provider strategy runs only on its providers' instances (ecs-facts §1.1).
      const providers = item.label === 'headroom' ? undefined : providersOf(item.label);
      const ranked = groups
        .filter((g) => !full.has(g.fleet.group))
        .filter((g) => providers === undefined || providers.includes(g.capacityProvider ?? ''))
        .map((g) => ({ g, arrival: arrivalOption(g.fleet, [item.reservation]) }))
        .filter(
          (c) =>
            c.arrival?.option.free &&
            fitsOn(item.reservation, c.arrival.option.free) &&
            (arch === undefined || c.arrival.option.arch === undefined || c.arrival.option.arch === arch) &&
            // Its placement rules (attributes, memberOf): a t3 was bought for a task bound to r5.* (3710).
            typeTakes(c.arrival.option, c.g, item.label),
        )
        .map((c) => ({ ...c, cost: costPerTask(c.arrival!.option, item.reservation) }))
        .sort(growthOrder);
      if (ranked.length === 0) {
        if (item.label !== 'headroom') tooLarge += item.count;
        problems.push(
          item.label === 'headroom'
            ? `the largest task (CPU ${largest.CPU}, MEMORY ${largest.MEMORY}, GPU ${largest.GPU}) fits no type a managed group launches: no headroom bought`
            : `${item.count} task(s) of ${item.label} (CPU ${item.reservation.CPU}, MEMORY ${item.reservation.MEMORY}, GPU ${item.reservation.GPU}${arch ? `, ${arch}` : ''}) fit no type a managed group launches (${groups.map((g) => `${g.fleet.group}: ${g.fleet.options.map((o) => o.instanceType).join('/') || 'unknown'}`).join('; ')}): adding instances cannot place them`,
        );
        continue;
      }
      const free = ranked.filter((c) => !c.g.blocked);
      if (ranked.every((c) => c.g.aside)) {
        problems.push(leftToOthers(item.count, item.label, ranked));
        continue;
      }
      if (free.length === 0) {
        for (const c of ranked) blocked.add(`${c.g.fleet.group}: ${c.g.blocked}`);
        const best = ranked[0]!;
        const entry = byGroup.get(best.g) ?? {
          items: [],
          option: best.arrival!.option,
          why: best.arrival!.why,
        };
        entry.items.push(item);
        byGroup.set(best.g, entry);
        continue;
      }
      const best = free[0]!;
      const why = choiceWhy(
        best,
        ranked.filter((c) => c !== best),
      );
      const entry = byGroup.get(best.g) ?? {
        items: [],
        option: best.arrival!.option,
        why: `${best.arrival!.why}; chosen for ${item.label}: ${why}`,
      };
      entry.items.push(item);
      byGroup.set(best.g, entry);
    }
    for (const [g, { items: gi, option, why }] of byGroup) {
      const want = placeFirstFitDecreasing(gi, [], { newInstance: option.free!, dimensions: dims });
      if (g.blocked) {
        if (round === 0) deficit += want.newInstances;
        continue;
      }
      const cap = growthCap(g, option);
      const got = placeFirstFitDecreasing(gi, [], {
        newInstance: option.free!,
        dimensions: dims,
        maxNewInstances: cap,
      });
      // The deficit is before guards: what the tasks need, counted once (first round).
      if (round === 0) deficit += want.newInstances;
      const overflow = got.unplaced.filter((u) => u.reason === 'max-instances');
      if (got.newInstances > 0) {
        growth.push(
          groupGrowth(g, option, {
            instances: got.newInstances,
            wanted: want.newInstances,
            cap,
            tasks: got.placedOnNew,
            reasons: [why],
            capped: overflow.length > 0,
          }),
        );
      }
      if (overflow.length > 0) {
        full.add(g.fleet.group);
        next.push(...overflow.map((u) => ({ label: u.label, reservation: u.reservation, count: u.count })));
      }
    }
    pending = next;
  }
  return {
    deficit,
    reactivate,
    placeableUnplaced: analysis.unplacedCount - tooLarge,
    wants,
    problems,
    growth,
    blocked: [...blocked],
  };
};
