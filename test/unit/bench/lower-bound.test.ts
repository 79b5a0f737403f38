import { describe, expect, it } from 'vitest';
import {
  boundsCounter,
  type CoverType,
  ffdInstances,
  firstFitDecreasing,
  launchedInstanceFree,
  leastCostCover,
  type Resources,
} from '../../../sim/replay/lower-bound.js';
import { costWeights } from '../../../sim/replay/prices.js';
import { BENCH_CLUSTER, type BenchCluster } from '../../../sim/traces/builtin.js';

const LARGE: CoverType = { type: 'm5.large', cpu: 1920, memory: 7424, weight: 1 };
const XLARGE: CoverType = { type: 'm5.xlarge', cpu: 3968, memory: 15_320, weight: 2 };

/** Every multiset up to `max` of each type, cheapest that covers: the definition, by brute force. */
const bruteForce = (types: readonly CoverType[], cpu: number, memory: number, max = 12): number => {
  let best = Number.POSITIVE_INFINITY;
  const walk = (i: number, c: number, m: number, cost: number): void => {
    if (i === types.length) {
      if (c >= cpu && m >= memory) best = Math.min(best, cost);
      return;
    }
    for (let n = 0; n <= max; n++)
      walk(i + 1, c + n * types[i]!.cpu, m + n * types[i]!.memory, cost + n * types[i]!.weight);
  };
  walk(0, 0, 0, 0);
  return best;
};

describe('cost weights', () => {
  it('weighs each type by its on-demand price relative to the cheapest type of the group', () => {
    const { weights, notes } = costWeights(BENCH_CLUSTER.instanceTypes);
    expect(weights.get('m5.large')).toBe(1);
    expect(weights.get('m5.xlarge')).toBe(2);
    expect(notes).toEqual([]);
  });

  it('prices a type missing from the table by its CPU, and says so', () => {
    const { weights, notes } = costWeights([
      { type: 'm5.large', cpu: 2048, memory: 7680 },
      { type: 'x9.huge', cpu: 8192, memory: 30_000 },
    ]);
    expect(weights.get('x9.huge')).toBeCloseTo(4, 5);
    expect(notes[0]).toMatch(/x9.huge: not in the price table/);
  });
});

describe('leastCostCover (the lower bound of one moment)', () => {
  it('covers CPU and memory with the cheapest multiset', () => {
    expect(leastCostCover([LARGE, XLARGE], 0, 0).cost).toBe(0);
    expect(leastCostCover([LARGE, XLARGE], 1920, 7424)).toEqual({
      cost: 1,
      counts: { 'm5.large': 1, 'm5.xlarge': 0 },
    });
    // A c-type (cheap CPU) and an r-type (cheap memory): a mix beats either alone.
    const c: CoverType = { type: 'c', cpu: 4000, memory: 4000, weight: 1 };
    const r: CoverType = { type: 'r', cpu: 1000, memory: 16_000, weight: 1.3 };
    const mix = leastCostCover([c, r], 8000, 32_000);
    expect(mix.cost).toBeCloseTo(bruteForce([c, r], 8000, 32_000), 9);
    expect(mix.counts.c).toBeGreaterThan(0);
    expect(mix.counts.r).toBeGreaterThan(0);
  });

  it('equals the brute-force minimum on a grid of demands', () => {
    const odd: CoverType = { type: 'odd', cpu: 2500, memory: 5000, weight: 1.4 };
    for (let cpu = 0; cpu <= 16_000; cpu += 1700) {
      for (let memory = 0; memory <= 60_000; memory += 7100) {
        expect(leastCostCover([LARGE, XLARGE, odd], cpu, memory).cost).toBeCloseTo(
          bruteForce([LARGE, XLARGE, odd], cpu, memory),
          9,
        );
      }
    }
  });

  it('is never above the cost of any set of instances that holds the tasks', () => {
    // 3 web (512/1024) fill an m5.large less the daemon to 1536 CPU; 7 fit an m5.xlarge.
    const count = boundsCounter(BENCH_CLUSTER);
    for (const web of [1, 3, 4, 7, 10, 11, 25, 48]) {
      const { lowerBound, packingReference } = count({ web });
      expect(lowerBound).toBeLessThanOrEqual(packingReference);
    }
  });
});

describe('packing reference beside the bound', () => {
  it('packs first-fit-decreasing onto instances launched in turn, priced, leaving room for the daemon', () => {
    const count = boundsCounter(BENCH_CLUSTER);
    // m5.large less the daemon: 1920 CPU, 7424 MiB (3 web); m5.xlarge: 3968, 15 320 (7 web).
    expect(count({ web: 3 })).toMatchObject({ packingInstances: 1, packingReference: 1 });
    expect(count({ web: 4 })).toMatchObject({ packingInstances: 2, packingReference: 3 });
    expect(count({ web: 11 })).toMatchObject({ packingInstances: 3, packingReference: 4 });
    expect(count({})).toEqual({ lowerBound: 0, packingReference: 0, packingInstances: 0 });
  });

  it('the bound beats FFD where packing wastes room (split of a task across instances is allowed)', () => {
    // One type registering 2048/8192 with no daemon; tasks of 1100 CPU: one per instance by packing,
    // but CPU alone needs only ceil(3 × 1100 / 2048) = 2 instances in the cover.
    const cluster: BenchCluster = {
      ...BENCH_CLUSTER,
      instanceTypes: [{ type: 'm5.large', cpu: 2048, memory: 8192 }],
      services: [{ name: 'big', cpu: 1100, memory: 1024, daemon: false, initial: 0 }],
    };
    const r = boundsCounter(cluster)({ big: 3 });
    expect(r.packingReference).toBe(3);
    expect(r.lowerBound).toBe(2);
  });

  it('the bound beats FFD in launch order when a cheaper mix of types exists', () => {
    // 4 web: FFD in launch order opens an m5.large (3 web) and an m5.xlarge (cost 3); the cover takes two
    // m5.large (cost 2): 4 × 512 = 2048 CPU ≤ 2 × 1920.
    const r = boundsCounter(BENCH_CLUSTER)({ web: 4 });
    expect(r.packingReference).toBe(3);
    expect(r.lowerBound).toBe(2);
  });
});

describe('ffdInstances (the packing reference without trying every N)', () => {
  /** The definition: the smallest N whose N launched instances take every copy, N = 0, 1, 2, … */
  const byDefinition = (cluster: BenchCluster, items: { reservation: Resources; count: number }[]) => {
    const total = items.reduce((s, i) => s + i.count, 0);
    for (let n = 0; n <= 400; n++) {
      const bins = Array.from({ length: n }, (_, k) => launchedInstanceFree(cluster, k));
      if (firstFitDecreasing(items, bins) === total) return n;
    }
    return Number.NaN;
  };

  it('finds the same N as the definition on random demands over one, two and three types', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const typeSets = [
      [{ type: 'm5.large', cpu: 2048, memory: 7680 }],
      BENCH_CLUSTER.instanceTypes,
      [
        { type: 'c5.large', cpu: 2048, memory: 3700 },
        { type: 'r5.xlarge', cpu: 4096, memory: 31_000 },
        { type: 'm5.2xlarge', cpu: 8192, memory: 31_000 },
      ],
    ];
    let compared = 0;
    for (let round = 0; round < 150; round++) {
      const cluster: BenchCluster = {
        ...BENCH_CLUSTER,
        instanceTypes: typeSets[round % typeSets.length]!,
        services: [{ name: 'daemon', cpu: 64 * rnd(3), memory: 128 * rnd(3), daemon: true, initial: 0 }],
      };
      const items = Array.from({ length: 1 + rnd(6) }, () => ({
        reservation: { CPU: 128 * rnd(12), MEMORY: 256 * rnd(14), GPU: 0 },
        count: rnd(25),
      }));
      const expected = byDefinition(cluster, items);
      if (Number.isNaN(expected)) continue;
      expect(ffdInstances(cluster, items)).toBe(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('gives up past 10,000 instances when a task fits no type, like the definition', () => {
    const items = [{ reservation: { CPU: 1_000_000, MEMORY: 1, GPU: 0 }, count: 1 }];
    expect(ffdInstances(BENCH_CLUSTER, items)).toBe(10_001);
  });
});
