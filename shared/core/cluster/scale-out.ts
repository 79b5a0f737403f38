/**
 * Scale-out sizing: how many instances to add so that every unplaced task plus the headroom fits.
 *
 * First-fit-decreasing placement of the unplaced tasks and `headroomTasks` copies of the largest task onto,
 * in order: the free space of capacity instances, of the scaler's own draining instances when they may be
 * reactivated, of in-flight instances (booting or not yet launched: desired − registered, so a duplicated
 * trigger does not buy them twice), and finally of new instances. The number of new instances opened is
 * the deficit. Tasks larger than one new instance are reported, never bought for (no endless scale-out).
 */
import { type CapacityAnalysis, headroomTask, type InstanceView } from '../capacity/capacity.js';
import { type Dimension, minResources, type Resources, subtractResources } from '../capacity/resources.js';
import { type Bin, type PlacementItem, placeFirstFitDecreasing } from '../placement/placement.js';
import type { AutoScalingGroup } from '../snapshot/snapshot.js';
import { tableCapacity } from './instance-types.js';
import type { ClusterPolicy } from './policy.js';

/** The registered capacity of one new instance and where that figure came from. */
export interface NewInstanceCapacity {
  registered: Resources;
  /** Free space for tasks: registered − what DAEMON services reserve on every instance. */
  free: Resources;
  source: string;
}

const learned = (analysis: CapacityAnalysis, d: Dimension): number => {
  const fromCapacity = analysis.dimensions[d]?.instanceCapacity ?? 0;
  if (fromCapacity > 0) return fromCapacity;
  const any = analysis.instances.map((i) => i.registered[d]).filter((v) => v > 0);
  return any.length > 0 ? Math.min(...any) : 0;
};

/**
 * What scale-out must place: the unplaced tasks of each service, plus `headroomTasks` copies of the
 * largest task (headroom; 0 for none).
 */
export const demandItems = (
  analysis: CapacityAnalysis,
  largest: Resources,
  headroomTasks: number,
): PlacementItem[] => {
  const items: PlacementItem[] = analysis.unplaced.map((u) => ({
    label: u.service,
    reservation: u.reservation,
    count: u.count,
  }));
  if (headroomTasks > 0) items.push({ label: 'headroom', reservation: largest, count: headroomTasks });
  return items;
};

/**
 * The capacity of one new instance, per dimension: the instance-cpu / instance-memory tags, else the
 * smallest registered instance of the cluster (ECS's own figure), else the instance-type table for the
 * ASG's instance type. Undefined when none is known (the plan then says which tags to set).
 */
export const newInstanceCapacity = (
  analysis: CapacityAnalysis,
  group: AutoScalingGroup | undefined,
  policy: Pick<ClusterPolicy, 'instanceCpu' | 'instanceMemory'>,
): NewInstanceCapacity | undefined => {
  const table = group ? tableCapacity(group) : undefined;
  const sources = new Set<string>();
  const pick = (tag: number | undefined, d: 'CPU' | 'MEMORY'): number => {
    const l = learned(analysis, d);
    const [value, source] =
      tag !== undefined
        ? [tag, 'tags']
        : l > 0
          ? [l, 'registered instances']
          : table
            ? [table.capacity[d], `instance type ${table.instanceTypes.join('/')}`]
            : [0, 'nothing'];
    sources.add(source);
    return value;
  };
  const registered: Resources = {
    CPU: pick(policy.instanceCpu, 'CPU'),
    MEMORY: pick(policy.instanceMemory, 'MEMORY'),
    GPU: learned(analysis, 'GPU'),
  };
  if (registered.CPU <= 0 || registered.MEMORY <= 0) return undefined;
  return {
    registered,
    free: subtractResources(registered, analysis.daemonReservation),
    source: [...sources].join(' + '),
  };
};

/** The outcome of {@link assessScaleOut}. */
export interface ScaleOutAssessment {
  /** New instances needed beyond current, in-flight and reactivated capacity (before any guard). */
  deficit: number;
  /** Own draining instances whose reactivation the deficit assumes (all of them when any is needed). */
  reactivate: InstanceView[];
  /** Unplaced tasks that fit on some instance (they block scale-in while they wait). */
  placeableUnplaced: number;
  /** Why capacity is wanted (empty: demand and headroom fit). */
  wants: string[];
  /** Problems adding instances cannot solve (oversized tasks, unknown instance size). */
  problems: string[];
}

const round1 = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Sizes the scale-out of one cluster. Pure. */
export const assessScaleOut = (
  analysis: CapacityAnalysis,
  capacity: readonly InstanceView[],
  ownDraining: readonly InstanceView[],
  inFlight: number,
  newInstance: NewInstanceCapacity | undefined,
  policy: Pick<ClusterPolicy, 'headroomTasks'>,
): ScaleOutAssessment => {
  const dims = analysis.dimensionNames;
  // Headroom is kept for the largest task of the services that want tasks (capacity.ts).
  const largest = headroomTask(analysis);
  const hasTasks = dims.some((d) => largest[d] > 0);
  const wants: string[] = [];
  const problems: string[] = [];
  if (analysis.unplacedCount > 0) {
    wants.push(`${analysis.unplacedCount} desired task(s) are neither running nor pending`);
  }
  if (hasTasks && policy.headroomTasks > 0 && analysis.schedulableTasks < policy.headroomTasks) {
    wants.push(
      `only ${analysis.schedulableTasks} more of the largest task fit on one instance's free space (headroom wants ${policy.headroomTasks})`,
    );
  }
  for (const d of dims) {
    const dim = analysis.dimensions[d]!;
    if (dim.largestTask > 0 && dim.reservationPercent > dim.thresholdPercent) {
      wants.push(
        `${d} reservation ${round1(dim.reservationPercent)}% is above the threshold ${round1(dim.thresholdPercent)}%`,
      );
    }
  }
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
    ...(newInstance
      ? Array.from({ length: inFlight }, (_, k) => ({ id: `in-flight-${k + 1}`, free: newInstance.free }))
      : []),
  ];
  const place = (withDraining: boolean) =>
    placeFirstFitDecreasing(items, bins(withDraining), {
      ...(newInstance ? { newInstance: newInstance.free } : {}),
      dimensions: dims,
    });
  let placement = place(false);
  let reactivate: InstanceView[] = [];
  if (placement.newInstances > 0 && ownDraining.length > 0) {
    // Own draining instances come back only when they spare a new instance (fleet-scale-out.ts alike).
    const withDraining = place(true);
    if (withDraining.newInstances < placement.newInstances) {
      placement = withDraining;
      reactivate = [...ownDraining];
    }
  }
  let tooLarge = 0;
  for (const u of placement.unplaced) {
    if (!newInstance) continue;
    tooLarge += u.label === 'headroom' ? 0 : u.count;
    problems.push(
      u.label === 'headroom'
        ? `the largest task (CPU ${largest.CPU}, MEMORY ${largest.MEMORY}) is larger than one new instance's free space (CPU ${newInstance.free.CPU}, MEMORY ${newInstance.free.MEMORY}): no headroom can be bought; use a larger instance type or a smaller task`
        : `${u.count} task(s) of ${u.label} (CPU ${u.reservation.CPU}, MEMORY ${u.reservation.MEMORY}) are larger than one new instance's free space: adding instances cannot place them; use a larger instance type or a smaller task`,
    );
  }
  if (!newInstance && placement.unplaced.length > 0) {
    problems.push(
      'the size of a new instance is unknown (no registered instance, no type read from the launch template — it needs ec2:DescribeLaunchTemplateVersions — or a type not in the built-in table): set the ASG tags ecs-autoscaler:instance-cpu and ecs-autoscaler:instance-memory',
    );
  }
  return {
    deficit: placement.newInstances,
    reactivate,
    placeableUnplaced: analysis.unplacedCount - tooLarge,
    wants,
    problems,
  };
};
