import { describe, expect, it } from 'vitest';
import { lowerBoundCounter } from '../../../sim/replay/lower-bound.js';
import { RunMetrics, type RunSample } from '../../../sim/replay/run-metrics.js';
import { BENCH_CLUSTER } from '../../../sim/traces/builtin.js';

const sample = (
  t: number,
  instances: number,
  desiredCapacity: number,
  wanted: number,
  running: number,
): RunSample => ({
  t,
  instances,
  desiredCapacity,
  wanted: { web: wanted },
  running: { web: running },
  lowerBound: 1,
});

describe('RunMetrics', () => {
  it('integrates instances, the lower bound and pending tasks over time', () => {
    const m = new RunMetrics();
    m.add(sample(0, 2, 2, 4, 4));
    m.add(sample(1800, 3, 3, 6, 4));
    m.add(sample(3600, 3, 3, 6, 6));
    expect(m.finish()).toMatchObject({
      instanceHours: 2.5,
      lowerBoundInstanceHours: 1,
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
  });

  it('serves waiting tasks first in, first out and counts those still waiting at the end', () => {
    const m = new RunMetrics();
    m.add(sample(0, 1, 1, 2, 0));
    m.add(sample(60, 1, 1, 4, 1));
    m.add(sample(600, 1, 1, 4, 2));
    // The first two tasks waited since 0; one started at 60, one at 600; two still wait at the end.
    expect(m.finish().maxTaskWaitSeconds).toBe(600);
  });

  it('does not count cancelled tasks as waiting', () => {
    const m = new RunMetrics();
    m.add(sample(0, 1, 1, 5, 0));
    m.add(sample(60, 1, 1, 0, 0));
    m.add(sample(3600, 1, 1, 0, 0));
    expect(m.finish()).toMatchObject({ maxTaskWaitSeconds: 0, pendingTaskMinutes: 5 });
  });
});

describe('lower bound', () => {
  it('packs the wanted tasks onto the fewest instances launched in turn, leaving room for the daemon', () => {
    const count = lowerBoundCounter(BENCH_CLUSTER);
    // m5.large less the daemon: 1920 CPU, 7424 MiB (3 web of 512/1024); m5.xlarge: 3968, 15320 (7 web).
    expect(count({ web: 3 })).toBe(1);
    expect(count({ web: 4 })).toBe(2);
    expect(count({ web: 10 })).toBe(2);
    expect(count({ web: 11 })).toBe(3);
    // worker 256/3072: 2 per m5.large and 4 per m5.xlarge by memory.
    expect(count({ worker: 6 })).toBe(2);
    expect(count({})).toBe(0);
  });
});
