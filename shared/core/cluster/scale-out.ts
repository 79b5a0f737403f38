/**
 * Scale-out inputs: what must be placed (the unplaced tasks plus `headroomTasks` copies of the largest
 * task), the size of one new instance, and why capacity is wanted. The sizing — first-fit-decreasing onto
 * the free space of capacity instances, of the scaler's own draining instances when they may be
 * reactivated, of in-flight instances (booting or not yet launched: desired − registered, so a duplicated
 * trigger does not buy them twice), and finally of new instances, per group — is fleet-scale-out.ts.
 * Tasks larger than one new instance are reported, never bought for (no endless scale-out).
 */
import { type CapacityAnalysis, headroomTask, type InstanceView } from '../capacity/capacity.js';
import { type Dimension, type Resources, subtractResources } from '../capacity/resources.js';
import type { PlacementItem } from '../placement/placement.js';
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

/**
 * Why capacity is wanted (empty: demand and headroom fit): waiting tasks, the headroom, the reservation
 * threshold per dimension. The sizing itself is fleet-scale-out.ts {@link assessFleetScaleOut}'s. Pure.
 */
export const scaleOutWants = (
  analysis: CapacityAnalysis,
  policy: Pick<ClusterPolicy, 'headroomTasks'>,
): string[] => {
  const largest = headroomTask(analysis);
  const hasTasks = analysis.dimensionNames.some((d) => largest[d] > 0);
  const wants: string[] = [];
  if (analysis.unplacedCount > 0) {
    wants.push(`${analysis.unplacedCount} desired task(s) are neither running nor pending`);
  }
  if (hasTasks && policy.headroomTasks > 0 && analysis.schedulableTasks < policy.headroomTasks) {
    wants.push(
      `only ${analysis.schedulableTasks} more of the largest task fit on one instance's free space (headroom wants ${policy.headroomTasks})`,
    );
  }
  for (const d of analysis.dimensionNames) {
    const dim = analysis.dimensions[d]!;
    if (dim.largestTask > 0 && dim.reservationPercent > dim.thresholdPercent) {
      wants.push(
        `${d} reservation ${round1(dim.reservationPercent)}% is above the threshold ${round1(dim.thresholdPercent)}%`,
      );
    }
  }
  return wants;
};
