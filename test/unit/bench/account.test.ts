/**
 * bench:account's JSON contract (issue 19) on a small run: the keys the issue lists, the former design
 * under `before`, and the drain-event target, which the event rules alone decide.
 */
import { describe, expect, it } from 'vitest';
import { accountFigures } from '../../../bench/account.js';
import { tickPeriodMinutes } from '../../../shared/core/cluster/index.js';

describe('bench:account', () => {
  it('prints the issue’s keys beside the former design, and the drainer follows the drains', async () => {
    const r = await accountFigures({ sampled: 1, minutes: 20, seeds: 1 });
    for (const key of [
      'clusters',
      'instances',
      'maxDecisionLatencySeconds',
      'maxInvocationTimeoutShare',
      'drainerInvocationsPerHour',
      'taskStopsPerHour',
      'taskStopsOnDrainingPerHour',
      'apiCallsPerMinute',
    ]) {
      expect(r, key).toHaveProperty(key);
      expect(r.before, `before.${key}`).toHaveProperty(key);
    }
    expect(r).toMatchObject({ clusters: 500, instances: 20_000, tasks: 400_000 });
    expect(r.maxInvocationTimeoutShare).toBeGreaterThanOrEqual(0);
    expect(r.maxInvocationTimeoutShare).toBeLessThanOrEqual(1);
    expect(r.taskStopsOnDrainingPerHour).toBeGreaterThan(0);
    expect(r.taskStopsOnDrainingPerHour).toBeLessThan(r.taskStopsPerHour);
    expect(r.drainerInvocationsPerHour).toBeLessThanOrEqual(2 * r.taskStopsOnDrainingPerHour);
    expect(r.before.drainerInvocationsPerHour).toBeGreaterThan(r.taskStopsPerHour);
    expect(r.method.decisionStatuses).toEqual({ ok: expect.any(Number) });
    // Issue 19: the dispatcher's own pacing for the account, and the decisions of its busiest minute.
    const account = Array.from({ length: 500 }, (_, i) => ({ name: `batch-${i + 1}`, instances: 40 }));
    expect(r.tickPeriodMinutes).toBe(tickPeriodMinutes(account));
    expect(r.clustersPerTick.perMinute.reduce((a, b) => a + b, 0)).toBe(500);
    expect(r.clustersPerTick.busiestMinute).toBe(Math.max(...r.clustersPerTick.perMinute));
  }, 120_000);
});
