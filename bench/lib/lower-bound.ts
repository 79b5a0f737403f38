/**
 * The bin-packing lower bound of a moment: the fewest instances, launched in the group's order of
 * instance types (m5.large, m5.xlarge, m5.large, …), that hold every task wanted (running + pending + not
 * yet placed), each instance also carrying one task of every daemon.
 *
 * Computed with first-fit-decreasing onto empty instances (shared/core/placement.ts): the smallest N
 * whose N empty instances take every task. FFD is within 11/9 × OPT + 6/9 of the optimum, so this is a
 * tight reference rather than a proof that nothing can do better; a run that happens to keep more of the
 * larger type can go under it.
 */
import { type Bin, type PlacementItem, placeFirstFitDecreasing } from '../../shared/core/placement.js';
import type { Resources } from '../../shared/core/resources.js';
import type { BenchCluster } from '../../sim/traces/builtin.js';

/** Free space of the k-th launched instance (types in turn), daemons deducted. */
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
    const items: PlacementItem[] = replicas.map((s) => ({
      label: s.name,
      reservation: { CPU: s.cpu, MEMORY: s.memory, GPU: 0 },
      count: desired[s.name] ?? 0,
    }));
    const total = items.reduce((s, i) => s + i.count, 0);
    let n = 0;
    for (;;) {
      const bins: Bin[] = Array.from({ length: n }, (_, k) => ({
        id: `b${k}`,
        free: launchedInstanceFree(cluster, k),
      }));
      const r = placeFirstFitDecreasing(items, bins, { dimensions: ['CPU', 'MEMORY'] });
      if (r.placedOnExisting === total || n > 10_000) break;
      n++;
    }
    memo.set(key, n);
    return n;
  };
};
