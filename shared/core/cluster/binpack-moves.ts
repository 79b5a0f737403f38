/**
 * ECS's `binpack` strategy for tasks that only need CPU/memory/GPU, on thousands of instances: each task
 * goes to the instance left with the least of the field (then the first in order) among those it fits
 * on — what `placeTasks` decides with strategies, without scanning and ranking every node per task.
 * Instances are kept sorted by (free field, order); a task takes the first one it fits on, which then
 * moves earlier (its free field only shrinks). Used by the scale-in check (placement-context.ts), which
 * places up to 200 moved tasks per candidate on up to 5,000 staying instances.
 */
import { DIMENSIONS, fits, type Resources, subtractResources } from '../capacity/resources.js';
import type { Bin } from '../placement/placement.js';

/** `count` tasks of one size, in the order ECS is assumed to place them. */
export interface BinpackDemand {
  label: string;
  reservation: Resources;
  count: number;
}

/** The outcome of {@link binpackPlace}. */
export interface BinpackResult {
  /** Tasks that fit on no instance. */
  unplaced: { label: string; reservation: Resources; count: number }[];
  /** Every bin's free space after placement, in the input order. */
  bins: Bin[];
}

/** The task's largest raw dimension: `placeTasks`'s order without templates (largest first). */
const share = (r: Resources): number => Math.max(...DIMENSIONS.map((d) => r[d]));

/**
 * Places the demands, largest first (ties: input order) — or, `smallestFirst`, the exact reverse — one
 * task at a time by `binpack` on `field`. Pure; does not mutate its inputs.
 */
export const binpackPlace = (
  demands: readonly BinpackDemand[],
  bins: readonly Bin[],
  field: 'CPU' | 'MEMORY',
  smallestFirst = false,
): BinpackResult => {
  const out: Bin[] = bins.map((b) => ({ id: b.id, free: b.free }));
  // Positions into `out`, sorted by (free field, position): the binpack preference order.
  const order = out.map((_, i) => i).sort((a, b) => out[a]!.free[field] - out[b]!.free[field] || a - b);
  const before = (a: number, b: number): boolean =>
    out[a]!.free[field] < out[b]!.free[field] || (out[a]!.free[field] === out[b]!.free[field] && a < b);
  const sorted = demands
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.count > 0)
    .sort((a, b) => (share(b.d.reservation) - share(a.d.reservation) || a.i - b.i) * (smallestFirst ? -1 : 1))
    .map(({ d }) => d);
  const unplaced: BinpackResult['unplaced'] = [];
  for (const d of sorted) {
    let left = d.count;
    while (left > 0) {
      let k = 0;
      while (k < order.length && !fits(d.reservation, out[order[k]!]!.free)) k++;
      if (k === order.length) {
        unplaced.push({ label: d.label, reservation: d.reservation, count: left });
        break;
      }
      const bin = order[k]!;
      out[bin]!.free = subtractResources(out[bin]!.free, d.reservation);
      left--;
      // Its free field shrank: move it earlier until the order holds again.
      while (k > 0 && before(bin, order[k - 1]!)) {
        order[k] = order[k - 1]!;
        k--;
      }
      order[k] = bin;
    }
  }
  return { unplaced, bins: out };
};
