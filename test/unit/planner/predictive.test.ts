import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { planCluster } from '../../../shared/core/cluster/planner.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import {
  type DemandHistory,
  forecastDemand,
  formatHistory,
  HISTORY_TAGS,
  parseHistory,
  recordDemand,
  SLOTS,
  slotOf,
} from '../../../shared/core/cluster/predictive.js';
import { NOW, planOf, snapshotOf } from './builders.js';

const empty = (): DemandHistory => ({ lastSlot: undefined, values: Array(SLOTS).fill(undefined) });
const tagsOf = (h: DemandHistory): Record<string, string> => {
  const [a, b] = formatHistory(h);
  return { [HISTORY_TAGS[0]]: a, [HISTORY_TAGS[1]]: b };
};
const asTags = (r: Record<string, string>) => Object.entries(r).map(([Key, Value]) => ({ Key, Value }));

describe('demand history (predictive headroom)', () => {
  it('overwrites yesterday on the first decision of a slot, keeps the max after', () => {
    const slot = slotOf(NOW);
    const yesterday = { ...empty(), values: empty().values.map(() => 40) };
    const a = recordDemand(yesterday, NOW, 10);
    expect(a.values[slot]).toBe(10);
    const b = recordDemand(a, new Date(NOW.getTime() + 60_000), 12);
    expect(b.values[slot]).toBe(12);
    expect(recordDemand(b, new Date(NOW.getTime() + 120_000), 5).values[slot]).toBe(12);
  });

  it('forecasts the peak of the slots just ahead, which still hold yesterday', () => {
    const h = empty();
    const slot = slotOf(NOW);
    h.values[(slot + 1) % SLOTS] = 30;
    h.values[(slot + 2) % SLOTS] = 45;
    h.values[(slot + 3) % SLOTS] = 99;
    expect(forecastDemand(h, NOW)).toBe(45);
    expect(forecastDemand(empty(), NOW)).toBeUndefined();
  });

  it('fits in two tags of at most 256 characters and reads back; garbage reads as unknown', () => {
    const h = recordDemand(empty(), NOW, 1234);
    const [a, b] = formatHistory(h);
    expect(a.length).toBeLessThanOrEqual(256);
    expect(b.length).toBeLessThanOrEqual(256);
    expect(parseHistory(asTags(tagsOf(h)))).toEqual(h);
    expect(parseHistory(asTags({ [HISTORY_TAGS[0]]: 'junk' })).values.every((v) => v === undefined)).toBe(
      true,
    );
  });
});

describe('planCluster — predictive headroom', () => {
  const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
  // One 4,096 / 8,192 instance with 6 web tasks (512 / 1024): room for 2 more, headroom 1 holds.
  const spec = (tags: Record<string, string>) =>
    snapshotOf({
      instances: [{ id: id(1), usedCpu: 3072, usedMem: 6144, running: 6 }],
      services: [{ name: 'web', cpu: 512, mem: 1024, desired: 6 }],
      group: { desired: 1, tags },
    });
  const yesterday = (): Record<string, string> => {
    const h = empty();
    h.values[(slotOf(NOW) + 1) % SLOTS] = 14;
    return tagsOf(h);
  };

  it('is off by default: the same cluster holds, and no history is written', () => {
    const plan = planOf(spec(yesterday()));
    expect(plan.action).toBe('hold');
    expect(plan.stateTags[HISTORY_TAGS[0]]).toBeUndefined();
  });

  it('when enabled, pre-warms for the ramp seen yesterday just ahead, and records today', () => {
    const plan = planOf(spec(yesterday()), { predictiveHeadroom: true });
    // Yesterday 14 tasks were wanted in the next slot, 6 now: 8 more web tasks kept free → buy.
    expect(plan.action).toBe('scale-out');
    expect(plan.reasons.join('\n')).toMatch(/predictive headroom: yesterday 14 tasks .* 6 now: keep 8 more/);
    expect(parseHistory(asTags({ ...yesterday(), ...plan.stateTags })).values[slotOf(NOW)]).toBe(6);
  });

  it('pre-warms as the handler plans too (each group policy also in `policies`)', () => {
    // Before (ninth stop): the extra reached scale-in only; scale-out read the group's policy from the
    // map without it and held, so predictive headroom never bought anything as deployed.
    const snapshot = spec(yesterday());
    const policy = { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0, predictiveHeadroom: true };
    const policies = new Map([[snapshot.autoScalingGroups[0]!.AutoScalingGroupName, policy]]);
    const plan = planCluster(snapshot, analyzeCapacity(snapshot), policy, NOW, { policies });
    expect(plan.action).toBe('scale-out');
    expect(plan.reasons.join('\n')).toMatch(/headroom wants 9/);
  });

  it('adds nothing without history', () => {
    const plan = planOf(spec({}), { predictiveHeadroom: true });
    expect(plan.action).toBe('hold');
    expect(plan.stateTags[HISTORY_TAGS[0]]).toMatch(/^\d+\|/);
  });
});
