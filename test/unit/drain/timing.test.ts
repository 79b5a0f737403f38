import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  effectiveMaxDrainSeconds,
  heartbeatPeriodSeconds,
  heartbeatProtection,
  isHeartbeatDue,
  maxHeartbeatGapSeconds,
} from '../../../shared/core/drain/timing.js';

/**
 * Replays sweeps every 60 s against a hook with heartbeat timeout h; heartbeat attempts for which
 * `fails(attemptIndex, t)` is true do not reach Auto Scaling. Returns whether the hook survived 10·h.
 */
const survives = (
  h: number,
  hookStartMs: number,
  sweepPhaseMs: number,
  fails: (attempt: number, tMs: number) => boolean,
): boolean => {
  let deadline = hookStartMs + h * 1000;
  const firstSweep = Math.ceil((hookStartMs - sweepPhaseMs) / 60_000) * 60_000 + sweepPhaseMs;
  let attempt = 0;
  for (let t = firstSweep; t < hookStartMs + 10 * h * 1000; t += 60_000) {
    if (t >= deadline) return false;
    if (isHeartbeatDue(t, h, 60) && !fails(attempt++, t)) deadline = t + h * 1000;
  }
  return true;
};

describe('heartbeat schedule (with slack)', () => {
  it.each([
    { h: 3600, period: 900, gap: 780 },
    { h: 1800, period: 450, gap: 330 },
    { h: 900, period: undefined, gap: 60 },
    { h: 600, period: undefined, gap: 60 },
    { h: 120, period: undefined, gap: 60 },
  ])('heartbeat timeout $h s → period $period s, longest gap $gap s (under H/3)', ({ h, period, gap }) => {
    expect(heartbeatPeriodSeconds(h, 60)).toBe(period);
    expect(maxHeartbeatGapSeconds(h, 60)).toBe(gap);
  });

  it('heartbeats on every sweep when the timeout is unknown or shorter than six sweeps', () => {
    expect(isHeartbeatDue(1_000, undefined, 60)).toBe(true);
    expect(isHeartbeatDue(1_000, 300, 60)).toBe(true);
    expect(isHeartbeatDue(1_000, 120, 60)).toBe(true);
  });

  it('survives eight failed heartbeats in a row, whatever the phase, from H = 240 s (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 240, max: 7200 }),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 59_999 }),
        fc.integer({ min: 0, max: 20 }),
        (h, hookStartMs, sweepPhaseMs, firstFailure) =>
          survives(
            h,
            hookStartMs,
            sweepPhaseMs,
            (k) => k >= firstFailure && k < firstFailure + Math.min(8, h / 60 - 2),
          ),
      ),
      { numRuns: 500 },
    );
  });

  it('survives any Auto Scaling outage shorter than the tolerated one, whatever its start (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(240, 300, 600, 900, 1800, 3600),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 59_999 }),
        fc.integer({ min: 0, max: 3_000_000 }),
        (h, hookStartMs, sweepPhaseMs, outageOffsetMs) => {
          const from = hookStartMs + outageOffsetMs;
          const outageMs = heartbeatProtection(h, 60).toleratedOutageSeconds * 1000;
          return survives(h, hookStartMs, sweepPhaseMs, (_k, t) => t >= from && t < from + outageMs);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('survives any single failed heartbeat of a 300 s or 240 s hook (the old H/2 schedule did not)', () => {
    for (const h of [240, 300])
      for (let k = 0; k < 12; k++)
        for (let start = 0; start < 60_000; start += 5_000)
          expect(survives(h, start, 0, (a) => a === k)).toBe(true);
  });

  it('classes hook timeouts by the outage they survive', () => {
    expect(heartbeatProtection(120, 60)).toMatchObject({ level: 'none', toleratedOutageSeconds: 0 });
    expect(heartbeatProtection(180, 60)).toMatchObject({ level: 'weak', toleratedOutageSeconds: 60 });
    expect(heartbeatProtection(300, 60)).toMatchObject({ level: 'ok', toleratedOutageSeconds: 180 });
    expect(heartbeatProtection(600, 60)).toMatchObject({ level: 'ok', toleratedOutageSeconds: 480 });
    expect(heartbeatProtection(3600, 60)).toMatchObject({ level: 'ok', toleratedOutageSeconds: 2460 });
    expect(heartbeatProtection(120, 60).advice).toContain('docs/reliability.md');
  });

  it('sends 12 heartbeats an hour for a one-hour timeout, not one per sweep', () => {
    let count = 0;
    for (let t = 0; t < 3600_000; t += 60_000) if (isHeartbeatDue(t, 3600, 60)) count++;
    expect(count).toBe(12); // four windows of three sweeps, instead of 60
  });
});

describe('effectiveMaxDrainSeconds', () => {
  it.each([
    { max: 3600, global: undefined, expected: 3600 },
    { max: 3600, global: 360_000, expected: 3600 },
    { max: 10_800, global: 6000, expected: 5880 },
  ])('max $max s with global timeout $global s → $expected s', ({ max, global, expected }) => {
    expect(effectiveMaxDrainSeconds(max, global, 60)).toBe(expected);
  });
});
