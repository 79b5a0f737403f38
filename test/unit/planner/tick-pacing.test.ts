import { describe, expect, it } from 'vitest';
import {
  decisionReads,
  MAX_TICK_PERIOD_MINUTES,
  TICK_READ_SHARE,
  tickIsDue,
  tickPeriodMinutes,
  tickSlot,
} from '../../../shared/core/cluster/index.js';

const account = (clusters: number, instances: number) =>
  Array.from({ length: clusters }, (_, i) => ({ name: `c-${i}`, instances }));

describe('tick pacing (issue 19)', () => {
  it('is 1 minute while one minute of ticks asks each read bucket for at most half its refill', () => {
    expect(tickPeriodMinutes(account(1, 5))).toBe(1);
    // 100 clusters × (2 + 4) cluster-resource reads = 600 = 50 % of 1,200 a minute.
    expect(tickPeriodMinutes(account(100, 40))).toBe(1);
    expect(tickPeriodMinutes(account(101, 40))).toBe(2);
  });

  it('grows with the reads: 500 clusters × 40 instances → 5 minutes; 5,000-instance clusters page', () => {
    expect(decisionReads(40).clusterResource).toBe(6);
    expect(decisionReads(5000).clusterResource).toBe(104);
    expect(tickPeriodMinutes(account(500, 40))).toBe(Math.ceil((500 * 6) / (TICK_READ_SHARE * 1200)));
    expect(tickPeriodMinutes(account(500, 40))).toBe(5);
    expect(tickPeriodMinutes(account(5, 5000))).toBe(1);
    expect(tickPeriodMinutes(account(50, 5000))).toBe(9);
    expect(tickPeriodMinutes(account(100, 5000))).toBe(MAX_TICK_PERIOD_MINUTES);
  });

  it('counts busy clusters (an alarm in ALARM) every minute, the quiet ones over the period', () => {
    const some = account(500, 40).map((c, i) => ({ ...c, busy: i < 50 }));
    // 50 busy × 6 = 300 a minute; the other 300 of the 600 budget for 450 quiet × 6 = 2,700 → k = 9.
    expect(tickPeriodMinutes(some)).toBe(9);
    // Busy clusters alone past the budget: the longest period.
    expect(tickPeriodMinutes(account(100, 40).map((c) => ({ ...c, busy: true })))).toBe(1);
    expect(tickPeriodMinutes(account(101, 40).map((c) => ({ ...c, busy: true })))).toBe(1);
    expect(
      tickPeriodMinutes([...account(101, 40).map((c) => ({ ...c, busy: true })), ...account(1, 40)]),
    ).toBe(MAX_TICK_PERIOD_MINUTES);
    expect(tickIsDue('x', 4, new Date('2026-01-01T00:03:00Z'), true)).toBe(true);
  });

  it('gives each cluster one minute per period, stable whatever the other clusters', () => {
    const k = 4;
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    for (const name of ['a', 'web-prod', 'batch-17']) {
      const due = [0, 1, 2, 3].filter((m) => tickIsDue(name, k, new Date(t0 + m * 60_000)));
      expect(due).toEqual([tickSlot(name, k)]);
      expect(tickIsDue(name, k, new Date(t0 + (4 + due[0]!) * 60_000))).toBe(true);
    }
    const slots = account(500, 40).map((c) => tickSlot(c.name, k));
    for (let s = 0; s < k; s++) expect(slots.filter((x) => x === s).length).toBeGreaterThan(90);
    expect(tickIsDue('anything', 1, new Date(t0 + 7 * 60_000))).toBe(true);
  });
});
