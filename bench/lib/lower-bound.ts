/**
 * The bin-packing lower bound of a moment: the fewest instances of the launched type that hold every
 * task wanted (running + pending + not yet placed), each instance also carrying one task of every daemon.
 *
 * Computed with first-fit-decreasing onto empty instances (shared/core/placement.ts). FFD is within
 * 11/9 × OPT + 6/9 of the optimum, so this is a tight reference, not a proof that nothing can do better;
 * an instance of a larger type (the cluster starts with some) can also hold more than one of these.
 */
import { type PlacementItem, placeFirstFitDecreasing } from '../../shared/core/placement.js';
import type { Resources } from '../../shared/core/resources.js';
import type { BenchCluster } from '../../sim/traces/builtin.js';

/** Free space of one new instance of the launched type, daemons deducted. */
export const launchedInstanceFree = (cluster: BenchCluster): Resources => {
  const type = cluster.instanceTypes[0]!;
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
  const free = launchedInstanceFree(cluster);
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
    const n = placeFirstFitDecreasing(items, [], {
      newInstance: free,
      dimensions: ['CPU', 'MEMORY'],
    }).newInstances;
    memo.set(key, n);
    return n;
  };
};
