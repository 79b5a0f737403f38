import { describe, expect, it } from 'vitest';
import { boundsCounter, clusterTypes, coverTypes, leastCostCover } from '../../../sim/replay/lower-bound.js';
import {
  BENCH_CLUSTER,
  type BenchCluster,
  BUILTIN_TRACES,
  MULTI_GROUP_TRACES,
  SCALING_TRACES,
} from '../../../sim/traces/builtin.js';

describe('bench:scaling default traces', () => {
  it('runs every built-in trace on the benchmark cluster and the two-group trace on its two groups', () => {
    expect(Object.keys(SCALING_TRACES)).toEqual([...Object.keys(BUILTIN_TRACES), 'two-group']);
    for (const name of Object.keys(BUILTIN_TRACES)) expect(SCALING_TRACES[name]!.cluster).toBe(BENCH_CLUSTER);
    const twoGroup = SCALING_TRACES['two-group']!;
    expect(twoGroup).toBe(MULTI_GROUP_TRACES['two-group']);
    expect(twoGroup.cluster.extraGroups?.map((g) => [g.name, g.spot])).toEqual([['bench-spot', true]]);
    expect(twoGroup.trace().name).toBe('two-group');
  });
});

describe('lower bound over several groups', () => {
  // First group: m5.xlarge only; the second group can launch m5.large (half the price).
  const cluster: BenchCluster = {
    ...BENCH_CLUSTER,
    instanceTypes: [{ type: 'm5.xlarge', cpu: 4096, memory: 15_576 }],
    extraGroups: [
      {
        name: 'small',
        instanceTypes: [
          { type: 'm5.large', cpu: 2048, memory: 7680 },
          { type: 'm5.xlarge', cpu: 4096, memory: 15_576 },
        ],
        min: 0,
        max: 10,
        initialInstances: 0,
        spot: false,
      },
    ],
  };

  it('covers with the types of every group, each distinct type once, priced against the cheapest of all', () => {
    expect(clusterTypes(cluster).map((t) => t.type)).toEqual(['m5.xlarge', 'm5.large']);
    expect(coverTypes(cluster).map((t) => [t.type, t.weight])).toEqual([
      ['m5.xlarge', 2],
      ['m5.large', 1],
    ]);
  });

  it('takes the cheaper type of another group when it covers the tasks (a first-group-only cover would cost 2)', () => {
    const bounds = boundsCounter(cluster);
    // One web task (512 / 1024): one m5.large of the second group = 1 unit, not one m5.xlarge = 2.
    expect(bounds({ web: 1 }).lowerBound).toBe(1);
    expect(leastCostCover(coverTypes(cluster), 512, 1024).counts).toEqual({ 'm5.xlarge': 0, 'm5.large': 1 });
    // 7 api tasks (7168 CPU units): 4 m5.large (4 × 1920 free) or 2 m5.xlarge (2 × 3968) = 4 units either
    // way; a mix of the groups' types never beats it.
    expect(bounds({ api: 7 }).lowerBound).toBe(4);
  });

  it('prices the two-group cluster’s Spot m5.xlarge at on-demand (2 × m5.large): no Spot prices in the table', () => {
    const types = coverTypes(MULTI_GROUP_TRACES['two-group']!.cluster);
    expect(types.map((t) => [t.type, t.weight])).toEqual([
      ['m5.large', 1],
      ['m5.xlarge', 2],
    ]);
  });
});
