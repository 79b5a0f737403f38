import { describe, expect, it } from 'vitest';
import { checkTargets, type SeedRun, summarize } from '../../../sim/replay/figures-table.js';
import type { RunFigures } from '../../../sim/replay/run-metrics.js';

const figures = (over: Partial<RunFigures> = {}): RunFigures => ({
  costUnitHours: 100,
  lowerBoundCostUnitHours: 95,
  packingReferenceCostUnitHours: 98,
  instanceHours: 60,
  pendingTaskMinutes: 10,
  maxTaskWaitSeconds: 200,
  scalingActions: 4,
  reversals: 1,
  ...over,
});
const run = (seed: number, over: Partial<RunFigures> = {}, reversalTimes: number[] = []): SeedRun => ({
  seed,
  figures: figures(over),
  extras: { meanHeadroom: 1, reversalTimes },
});
const CTX = { bootSeconds: 120, tickSeconds: 60, cooldownSeconds: 900 };

describe('summarize (the JSON of one policy)', () => {
  it('has exactly the issue keys: means over seeds, and every seed with its number', () => {
    const s = summarize([run(1, { costUnitHours: 100 }), run(2, { costUnitHours: 110, reversals: 2 })]);
    expect(Object.keys(s).sort()).toEqual(
      [
        'costUnitHours',
        'instanceHours',
        'lowerBoundCostUnitHours',
        'maxTaskWaitSeconds',
        'packingReferenceCostUnitHours',
        'pendingTaskMinutes',
        'perSeed',
        'reversals',
        'scalingActions',
      ].sort(),
    );
    expect(s.costUnitHours).toBe(105);
    expect(s.reversals).toBe(1.5);
    expect(s.perSeed.map((p) => [p.seed, p.costUnitHours])).toEqual([
      [1, 100],
      [2, 110],
    ]);
    expect(Object.keys(s.perSeed[0]!)).toContain('seed');
  });
});

describe('checkTargets', () => {
  it('checks cost against the bound and the tuned provider, pending, reversals per window and waits', () => {
    const rows = {
      'ecs-autoscaler': [run(1, { costUnitHours: 100, pendingTaskMinutes: 10 }, [1000, 1500])],
      'capacity-provider-tuned': [run(1, { costUnitHours: 120, pendingTaskMinutes: 20 })],
    };
    const checks = Object.fromEntries(checkTargets(rows, CTX).map((c) => [c.target, c.met]));
    expect(checks).toEqual({
      'cost ≤ 1.10 × lower bound': true,
      'cost ≤ 0.85 × capacity-provider-tuned': true,
      'pending task-minutes ≤ capacity-provider-tuned': true,
      '≤ 1 reversal per 900 s window': false,
      'no task waits > boot + 2 ticks (240 s)': true,
    });
  });

  it('misses on the worst seed for waits, on the means for cost', () => {
    const rows = {
      'ecs-autoscaler': [run(1, { maxTaskWaitSeconds: 300 }), run(2, { costUnitHours: 200 })],
      'capacity-provider-tuned': [run(1, { costUnitHours: 150 })],
    };
    const checks = checkTargets(rows, CTX);
    const byName = Object.fromEntries(checks.map((c) => [c.target, c]));
    expect(byName['no task waits > boot + 2 ticks (240 s)']!.met).toBe(false);
    // Mean cost 150 = 1.00 × the tuned provider: missed, and said by how much.
    expect(byName['cost ≤ 0.85 × capacity-provider-tuned']!.met).toBe(false);
    expect(byName['cost ≤ 0.85 × capacity-provider-tuned']!.detail).toMatch(/1\.000 × model/);
  });

  it('has nothing to check without the project row', () => {
    expect(checkTargets({ 'capacity-provider': [run(1)] }, CTX)).toEqual([]);
  });
});
