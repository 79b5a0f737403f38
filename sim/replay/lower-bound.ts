/**
 * The bin-packing lower bound of a moment: the fewest instances, launched in the group's order of
 * instance types (m5.large, m5.xlarge, m5.large, …), that hold every task wanted (running + pending + not
 * yet placed), each instance also carrying one task of every daemon.
 *
 * Computed with first-fit-decreasing onto empty instances (the simulator's own, below — never the
 * core's placement, so the referee does not share the player's code): the smallest N
 * whose N empty instances take every task. FFD is within 11/9 × OPT + 6/9 of the optimum, so this is a
 * tight reference rather than a proof that nothing can do better; a run that happens to keep more of the
 * larger type can go under it.
 */
import type { BenchCluster } from '../traces/builtin.js';

/** Free space of the k-th launched instance (types in turn), daemons deducted. */
/** CPU units, MiB and GPUs. */
export interface Resources {
  CPU: number;
  MEMORY: number;
  GPU: number;
}

/**
 * First-fit-decreasing of `count` copies of each item into `bins` (largest item first by CPU then
 * memory); returns how many copies found a bin.
 */
const firstFitDecreasing = (
  items: readonly { reservation: Resources; count: number }[],
  bins: Resources[],
): number => {
  const order = [...items].sort(
    (a, b) => b.reservation.CPU - a.reservation.CPU || b.reservation.MEMORY - a.reservation.MEMORY,
  );
  let placed = 0;
  for (const item of order) {
    for (let c = 0; c < item.count; c++) {
      const bin = bins.find((f) => f.CPU >= item.reservation.CPU && f.MEMORY >= item.reservation.MEMORY);
      if (!bin) continue;
      bin.CPU -= item.reservation.CPU;
      bin.MEMORY -= item.reservation.MEMORY;
      placed++;
    }
  }
  return placed;
};

export const launchedInstanceFree = (cluster: BenchCluster, k: number): Resources => {
  const type = cluster.instanceTypes[k % cluster.instanceTypes.length]!;
  const daemons = cluster.services.filter((s) => s.daemon);
  return {
    CPU: type.cpu - daemons.reduce((s, d) => s + d.cpu, 0),
    MEMORY: type.memory - daemons.reduce((s, d) => s + d.memory, 0),
    GPU: 0,
  };
};

/**
 * Minimum instances (by FFD) for the desired counts of the REPLICA services. Memoised per distinct
 * demand, since a trace repeats the same counts many times.
 */
export const lowerBoundCounter = (cluster: BenchCluster): ((desired: Record<string, number>) => number) => {
  const replicas = cluster.services.filter((s) => !s.daemon);
  const memo = new Map<string, number>();
  return (desired) => {
    const key = replicas.map((s) => desired[s.name] ?? 0).join(',');
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const items = replicas.map((s) => ({
      reservation: { CPU: s.cpu, MEMORY: s.memory, GPU: 0 },
      count: desired[s.name] ?? 0,
    }));
    const total = items.reduce((s, i) => s + i.count, 0);
    let n = 0;
    for (;;) {
      const bins = Array.from({ length: n }, (_, k) => launchedInstanceFree(cluster, k));
      if (firstFitDecreasing(items, bins) === total || n > 10_000) break;
      n++;
    }
    memo.set(key, n);
    return n;
  };
};
