/**
 * First-fit-decreasing placement of tasks onto free space, then onto new instances.
 *
 * Used by the cluster planner (how many instances to add), the service scaler (will the new tasks fit)
 * and the simulator's lower bound. Pure; O(tasks × bins) in the worst case, with tasks grouped by size.
 */
import {
  DIMENSIONS,
  type Dimension,
  fits,
  type Resources,
  subtractResources,
} from '../capacity/resources.js';

/** Free space on one instance (existing, booting, or new). */
export interface Bin {
  id: string;
  free: Resources;
}

/** `count` tasks of one size. */
export interface PlacementItem {
  label: string;
  reservation: Resources;
  count: number;
}

/** The outcome of {@link placeFirstFitDecreasing}. */
export interface PlacementResult {
  /** Tasks placed on the bins given. */
  placedOnExisting: number;
  /** Instances opened of the new-instance capacity. */
  newInstances: number;
  /** Tasks placed on new instances. */
  placedOnNew: number;
  /** Tasks that fit nowhere: larger than a new instance, or beyond `maxNewInstances`. */
  unplaced: { label: string; reservation: Resources; count: number; reason: 'too-large' | 'max-instances' }[];
  /** Free space of every bin after placement (existing first, then new ones). */
  bins: Bin[];
}

/** Options of {@link placeFirstFitDecreasing}. */
export interface PlacementOptions {
  /** Free space of one new instance (registered capacity minus daemon reservations). Omit: no new instances. */
  newInstance?: Resources;
  /** At most this many new instances. Default: unbounded. */
  maxNewInstances?: number;
  /** Dimensions to compare; default all. */
  dimensions?: readonly Dimension[];
}

/** The task's largest share of an instance: the FFD sort key for several dimensions. */
const dominantShare = (r: Resources, scale: Resources | undefined, dims: readonly Dimension[]): number => {
  let share = 0;
  for (const d of dims) {
    const denominator = scale && scale[d] > 0 ? scale[d] : 1;
    share = Math.max(share, r[d] / denominator);
  }
  return share;
};

const fitsOn = (need: Resources, free: Resources, dims: readonly Dimension[]): boolean =>
  dims.length === DIMENSIONS.length ? fits(need, free) : dims.every((d) => need[d] <= free[d]);

/**
 * Places the items, largest first, each on the first bin with room; when none has room, opens a new
 * instance (if `newInstance` is given and `maxNewInstances` allows). Does not mutate its inputs.
 */
export const placeFirstFitDecreasing = (
  items: readonly PlacementItem[],
  bins: readonly Bin[],
  options: PlacementOptions = {},
): PlacementResult => {
  const dims = options.dimensions ?? DIMENSIONS;
  const scale = options.newInstance;
  const open: Bin[] = [...bins];
  const existing = open.length;
  const maxNew = options.maxNewInstances ?? Infinity;
  const sorted = [...items]
    .filter((i) => i.count > 0)
    .sort((a, b) => dominantShare(b.reservation, scale, dims) - dominantShare(a.reservation, scale, dims));
  const result: PlacementResult = {
    placedOnExisting: 0,
    newInstances: 0,
    placedOnNew: 0,
    unplaced: [],
    bins: open,
  };
  // Where the first fit of each size starts: the bins before it had no room for that size, and free
  // space only shrinks, so they still have none (same result as scanning from the first bin; without
  // it, thousands of one-task items each walked the same full bins).
  const cursors = new Map<string, number>();
  for (const item of sorted) {
    const tooLarge = !options.newInstance || !fitsOn(item.reservation, options.newInstance, dims);
    let left = item.count;
    const size = dims.map((d) => item.reservation[d]).join('/');
    let cursor = cursors.get(size) ?? 0;
    while (left > 0) {
      // First fit: the first bin (from the last one that had room for this size) that still has room.
      while (cursor < open.length && !fitsOn(item.reservation, open[cursor]!.free, dims)) cursor++;
      if (cursor < open.length) {
        const bin = open[cursor]!;
        open[cursor] = { id: bin.id, free: subtractResources(bin.free, item.reservation) };
        if (cursor < existing) result.placedOnExisting++;
        else result.placedOnNew++;
        left--;
        cursors.set(size, cursor);
        continue;
      }
      if (tooLarge || result.newInstances >= maxNew) {
        result.unplaced.push({
          label: item.label,
          reservation: item.reservation,
          count: left,
          reason: tooLarge ? 'too-large' : 'max-instances',
        });
        cursors.set(size, cursor);
        break;
      }
      open.push({ id: `new-${result.newInstances + 1}`, free: options.newInstance! });
      result.newInstances++;
    }
  }
  return result;
};
