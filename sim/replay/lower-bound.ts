/**
 * What the tasks wanted at one moment must cost at least, in cost units per hour (prices.ts), and the
 * packing reference beside it.
 *
 * **Lower bound.** The least-cost multiset of the cluster's instance types — those of every group of the
 * cluster (`clusterTypes`: the first group's and each of `extraGroups`'), in any mix — whose total free
 * CPU and total free memory (registered capacity less what the DAEMON services reserve on every instance) each cover
 * the reservations of every desired REPLICA task (running, pending or not yet placed). Packing is ignored
 * (a task may be split across instances), and so are headroom, boot time and MinSize.
 *
 * Why it is a lower bound: take any moment at which some policy runs every desired task, on some set S
 * of instances, each of some type of some group of the cluster. ECS places a task on an instance only when the instance's remaining
 * CPU and memory cover the task's reservation (and every instance carries one task of each daemon), so
 * on each instance the sum of its REPLICA tasks' reservations is at most its free capacity, per
 * dimension. Summing over S: Σ_S free CPU ≥ Σ_tasks CPU and Σ_S free memory ≥ Σ_tasks memory, so the
 * multiset of types of S is feasible for the covering problem (whose types are the union over the groups,
 * with no limit on any count, so whatever split between groups the policy chose is one of its candidates),
 * and its cost is at least the covering problem's minimum. The prices are on-demand (prices.ts has no Spot
 * prices): a Spot group is priced as on-demand, for the policies and the bound alike. Integrated over time, no schedule that runs the desired tasks can cost less. (A
 * policy that leaves tasks waiting can go under it; pending task-minutes are reported beside the cost.)
 * The minimum is computed exactly, by enumerating the count of every type but the last (whose count is
 * then the smallest that covers the rest), pruned by the best cost found.
 *
 * **Packing reference.** First-fit-decreasing of the same tasks onto empty instances launched in the
 * first group's order of types (m5.large, m5.xlarge, m5.large, …): the smallest N whose N instances take
 * every task, priced (with several groups, still the first group's order: a reference, not a bound). Realistic (a scaler cannot choose the type a mixed group launches), not a bound: FFD is
 * within 11/9 × OPT + 6/9 bins of the best packing, and a run that keeps more of the larger type can go
 * under it. Computed by the simulator itself, never with the core's placement (the referee does not share
 * the player's code).
 */
import type { BenchCluster } from '../traces/builtin.js';
import { costWeights } from './prices.js';

/** CPU units, MiB and GPUs. */
export interface Resources {
  CPU: number;
  MEMORY: number;
  GPU: number;
}

/** One instance type for the covering problem: free capacity and cost units per hour. */
export interface CoverType {
  type: string;
  cpu: number;
  memory: number;
  weight: number;
}

/**
 * The least cost Σ nᵢ × weightᵢ over non-negative integers nᵢ with Σ nᵢ × cpuᵢ ≥ cpu and
 * Σ nᵢ × memoryᵢ ≥ memory (exact). Types without free room in a dimension still count in the other.
 * @returns the cost and the counts per type; Infinity when no multiset covers the demand.
 */
export const leastCostCover = (
  types: readonly CoverType[],
  cpu: number,
  memory: number,
): { cost: number; counts: Record<string, number> } => {
  const usable = types.filter((t) => t.cpu > 0 || t.memory > 0);
  let best = Number.POSITIVE_INFINITY;
  let bestCounts: number[] = [];
  const counts: number[] = usable.map(() => 0);
  const need = (t: CoverType, c: number, m: number): number => {
    const byCpu = c <= 0 ? 0 : t.cpu > 0 ? Math.ceil(c / t.cpu) : Number.POSITIVE_INFINITY;
    const byMem = m <= 0 ? 0 : t.memory > 0 ? Math.ceil(m / t.memory) : Number.POSITIVE_INFINITY;
    return Math.max(byCpu, byMem);
  };
  const search = (i: number, c: number, m: number, cost: number): void => {
    if (cost >= best) return;
    if (c <= 0 && m <= 0) {
      best = cost;
      bestCounts = [...counts];
      return;
    }
    if (i >= usable.length) return;
    const t = usable[i]!;
    const all = need(t, c, m);
    if (i === usable.length - 1) {
      if (Number.isFinite(all)) {
        counts[i] = all;
        search(i + 1, c - all * t.cpu, m - all * t.memory, cost + all * t.weight);
        counts[i] = 0;
      }
      return;
    }
    // More of this type than covers everything alone is never cheaper than exactly that many.
    const most = Number.isFinite(all)
      ? all
      : Math.ceil(Math.max(c / Math.max(t.cpu, 1), m / Math.max(t.memory, 1)));
    for (let n = most; n >= 0; n--) {
      counts[i] = n;
      search(i + 1, c - n * t.cpu, m - n * t.memory, cost + n * t.weight);
    }
    counts[i] = 0;
  };
  search(0, cpu, memory, 0);
  return {
    cost: best,
    counts: Object.fromEntries(usable.map((t, k) => [t.type, bestCounts[k] ?? 0])),
  };
};

/**
 * The instance types of every group of the cluster (the first group's, then each extra group's), each
 * distinct type (name and registered capacity) once.
 */
export const clusterTypes = (cluster: BenchCluster): BenchCluster['instanceTypes'] => {
  const seen = new Set<string>();
  return [...cluster.instanceTypes, ...(cluster.extraGroups ?? []).flatMap((g) => g.instanceTypes)].filter(
    (t) => {
      const key = `${t.type}/${t.cpu}/${t.memory}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  );
};

/**
 * Free capacity of one instance of each of the cluster's types, over all its groups (daemons deducted),
 * with its weight (relative to the cheapest type of the whole cluster).
 */
export const coverTypes = (cluster: BenchCluster): CoverType[] => {
  const types = clusterTypes(cluster);
  const { weights } = costWeights(types);
  const daemons = cluster.services.filter((s) => s.daemon);
  const dCpu = daemons.reduce((s, d) => s + d.cpu, 0);
  const dMem = daemons.reduce((s, d) => s + d.memory, 0);
  return types.map((t) => ({
    type: t.type,
    cpu: Math.max(0, t.cpu - dCpu),
    memory: Math.max(0, t.memory - dMem),
    weight: weights.get(t.type) ?? 1,
  }));
};

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
 * First-fit-decreasing of `count` copies of each item into `bins` (largest item first by CPU then
 * memory); returns how many copies found a bin. The reference definition: {@link ffdInstances} computes
 * the smallest N it places everything into without trying every N.
 */
export const firstFitDecreasing = (
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

/** Beyond this many instances the packing reference gives up (the demand does not fit the types). */
const MAX_PACKING = 10_000;

/**
 * The smallest N such that first-fit-decreasing places every copy into the first N launched instances
 * (`launchedInstanceFree(cluster, 0…N-1)`): `MAX_PACKING + 1` when there is none up to MAX_PACKING.
 * The definition tries N = 0, 1, 2, … (O(N² × tasks)); this runs FFD once over an unbounded row of
 * launched instances, opening the next one only when no open one fits. The same N: with N bins or more,
 * the first N bins see the same items in the same states (an item goes to the first bin that fits, and a
 * later bin only takes what none of the first N took), so FFD over N bins places everything exactly when
 * the unbounded run never opens bin N+1. Copies of one item are placed a bin at a time (as many as fit):
 * one copy after another would go to the same bin until it is full, the bins before it fitting none.
 * (test/unit/bench/lower-bound.test.ts checks it against the definition.)
 */
export const ffdInstances = (
  cluster: BenchCluster,
  items: readonly { reservation: Resources; count: number }[],
): number => {
  const order = items
    .filter((i) => i.count > 0)
    .sort((a, b) => b.reservation.CPU - a.reservation.CPU || b.reservation.MEMORY - a.reservation.MEMORY);
  const cpu: number[] = [];
  const mem: number[] = [];
  const kinds = cluster.instanceTypes.length;
  const fits = (k: number, rc: number, rm: number): number => {
    const c = cpu[k]!;
    const m = mem[k]!;
    if (c < rc || m < rm) return 0;
    return Math.min(
      rc > 0 ? Math.floor(c / rc) : Number.POSITIVE_INFINITY,
      rm > 0 ? Math.floor(m / rm) : Number.POSITIVE_INFINITY,
    );
  };
  for (const item of order) {
    const rc = item.reservation.CPU;
    const rm = item.reservation.MEMORY;
    let left = item.count;
    let k = 0;
    let freshMisses = 0;
    while (left > 0) {
      if (k === cpu.length) {
        if (k >= MAX_PACKING || freshMisses >= kinds) return MAX_PACKING + 1;
        const free = launchedInstanceFree(cluster, k);
        cpu.push(free.CPU);
        mem.push(free.MEMORY);
        const n = fits(k, rc, rm);
        if (n === 0) {
          freshMisses++;
          k++;
          continue;
        }
        freshMisses = 0;
      }
      const n = Math.min(left, fits(k, rc, rm));
      if (n > 0) {
        cpu[k]! -= n * rc;
        mem[k]! -= n * rm;
        left -= n;
      }
      if (left > 0) k++;
    }
  }
  return cpu.length;
};

/** The two figures of one moment, cost units per hour. */
export interface MomentBounds {
  /** The least-cost cover (a true lower bound). */
  lowerBound: number;
  /** FFD onto instances launched in the group's order, priced (a reference, not a bound). */
  packingReference: number;
  /** Instances of the packing reference. */
  packingInstances: number;
}

/**
 * Both figures for the desired counts of the REPLICA services, memoised per distinct demand (a trace
 * repeats the same counts many times).
 */
export const boundsCounter = (cluster: BenchCluster): ((desired: Record<string, number>) => MomentBounds) => {
  const replicas = cluster.services.filter((s) => !s.daemon);
  const types = coverTypes(cluster);
  const weightOf = new Map(types.map((t) => [t.type, t.weight]));
  const memo = new Map<string, MomentBounds>();
  return (desired) => {
    const key = replicas.map((s) => desired[s.name] ?? 0).join(',');
    const hit = memo.get(key);
    if (hit) return hit;
    const items = replicas.map((s) => ({
      reservation: { CPU: s.cpu, MEMORY: s.memory, GPU: 0 },
      count: desired[s.name] ?? 0,
    }));
    const cpu = items.reduce((s, i) => s + i.reservation.CPU * i.count, 0);
    const memory = items.reduce((s, i) => s + i.reservation.MEMORY * i.count, 0);
    const total = items.reduce((s, i) => s + i.count, 0);
    const n = total === 0 ? 0 : ffdInstances(cluster, items);
    let packing = 0;
    for (let k = 0; k < n; k++) {
      packing += weightOf.get(cluster.instanceTypes[k % cluster.instanceTypes.length]!.type) ?? 1;
    }
    const r: MomentBounds = {
      lowerBound: leastCostCover(types, cpu, memory).cost,
      packingReference: packing,
      packingInstances: n,
    };
    memo.set(key, r);
    return r;
  };
};
