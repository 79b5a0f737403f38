import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  effectiveMaxDrainSeconds,
  heartbeatWindowSeconds,
  isHeartbeatDue,
} from '../../../shared/core/drain/timing.js';

describe('heartbeat schedule', () => {
  it.each([
    { h: 3600, window: 120 },
    { h: 600, window: 120 },
    { h: 300, window: 75 },
    { h: 240, window: 60 },
    { h: 120, window: undefined },
    { h: 30, window: undefined },
  ])('heartbeat timeout $h s → window $window s', ({ h, window }) => {
    expect(heartbeatWindowSeconds(h, 60)).toBe(window);
  });

  it('heartbeats on every sweep when the timeout is unknown or too short for windows', () => {
    expect(isHeartbeatDue(1_000, undefined, 60)).toBe(true);
    expect(isHeartbeatDue(1_000, 120, 60)).toBe(true);
  });

  it('never lets the hook time out while sweeps run every interval, whatever the phase (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 121, max: 7200 }), // heartbeat timeout H, seconds
        fc.integer({ min: 0, max: 86_400_000 }), // hook start, ms
        fc.integer({ min: 0, max: 59_999 }), // sweep phase, ms
        (h, hookStartMs, sweepPhaseMs) => {
          let deadline = hookStartMs + h * 1000;
          const firstSweep = Math.ceil((hookStartMs - sweepPhaseMs) / 60_000) * 60_000 + sweepPhaseMs;
          let heartbeats = 0;
          for (let t = firstSweep; t < hookStartMs + 10 * h * 1000; t += 60_000) {
            if (t >= deadline) return false; // the hook timed out before this sweep
            if (isHeartbeatDue(t, h, 60)) {
              deadline = t + h * 1000;
              heartbeats++;
            }
          }
          // Cheap: about two heartbeats per timeout (plus window overlap), not one per sweep.
          const sweeps = Math.ceil((10 * h) / 60);
          return h < 480 || heartbeats <= Math.min(sweeps, 10 * 2 * 3);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sends far fewer heartbeats than sweeps for a one-hour timeout', () => {
    let count = 0;
    for (let t = 0; t < 3600_000; t += 60_000) if (isHeartbeatDue(t, 3600, 60)) count++;
    expect(count).toBe(4); // two windows of two sweeps per hour, instead of 60
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
