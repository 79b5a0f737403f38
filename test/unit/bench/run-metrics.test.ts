import { describe, expect, it } from 'vitest';
import { maxReversalsInWindow, RunMetrics, type RunSample } from '../../../sim/replay/run-metrics.js';

const sample = (
  t: number,
  instances: number,
  desiredCapacity: number,
  wanted: number,
  running: number,
): RunSample => ({
  t,
  instances,
  costUnits: 2 * instances,
  desiredCapacity,
  wanted: { web: wanted },
  running: { web: running },
  lowerBound: 1,
  packingReference: 1.5,
  headroom: instances,
});

describe('RunMetrics', () => {
  it('integrates instances, the lower bound and pending tasks over time', () => {
    const m = new RunMetrics();
    m.add(sample(0, 2, 2, 4, 4));
    m.add(sample(1800, 3, 3, 6, 4));
    m.add(sample(3600, 3, 3, 6, 6));
    expect(m.finish()).toEqual({
      instanceHours: 2.5,
      costUnitHours: 5,
      lowerBoundCostUnitHours: 1,
      packingReferenceCostUnitHours: 1.5,
      // 2 tasks short for 30 minutes.
      pendingTaskMinutes: 60,
      maxTaskWaitSeconds: 1800,
      scalingActions: 1,
      reversals: 0,
    });
  });

  it('counts a change of direction as a reversal', () => {
    const m = new RunMetrics();
    for (const [i, d] of [2, 3, 4, 3, 4, 4].entries()) m.add(sample(i * 60, d, d, 1, 1));
    expect(m.finish()).toMatchObject({ scalingActions: 4, reversals: 2 });
    expect(m.extras().reversalTimes).toEqual([180, 240]);
  });

  it('averages the headroom over time', () => {
    const m = new RunMetrics();
    m.add(sample(0, 2, 2, 1, 1));
    m.add(sample(600, 4, 4, 1, 1));
    m.add(sample(1800, 4, 4, 1, 1));
    // 2 for 600 s, 4 for 1200 s.
    expect(m.extras().meanHeadroom).toBeCloseTo(10 / 3, 2);
  });

  it('serves waiting tasks first in, first out and counts those still waiting at the end', () => {
    const m = new RunMetrics();
    m.add(sample(0, 1, 1, 2, 0));
    m.add(sample(60, 1, 1, 4, 1));
    m.add(sample(600, 1, 1, 4, 2));
    // The first two tasks waited since 0; one started at 60, one at 600; two still wait at the end.
    expect(m.finish().maxTaskWaitSeconds).toBe(600);
  });

  it('counts the wait of a cancelled task up to its cancellation, not beyond', () => {
    const m = new RunMetrics();
    m.add(sample(0, 1, 1, 5, 0));
    m.add(sample(60, 1, 1, 0, 0));
    m.add(sample(3600, 1, 1, 0, 0));
    expect(m.finish()).toMatchObject({ maxTaskWaitSeconds: 60, pendingTaskMinutes: 5 });
  });
});

describe('maxReversalsInWindow', () => {
  it('counts the reversals inside the worst sliding window', () => {
    expect(maxReversalsInWindow([], 600)).toBe(0);
    expect(maxReversalsInWindow([0, 700, 1400], 600)).toBe(1);
    expect(maxReversalsInWindow([0, 500, 1400, 1500, 1990], 600)).toBe(3);
  });
});
