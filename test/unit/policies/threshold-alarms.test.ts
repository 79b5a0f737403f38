import { describe, expect, it } from 'vitest';
import {
  reservationFigures,
  DEFAULT_THRESHOLD_ALARM_SETTINGS as S,
  type ThresholdAlarmState,
  thresholdAlarmStep,
} from '../../../sim/policies/threshold-alarms.js';
import { instance, observation } from './builders.js';

const fresh = (): ThresholdAlarmState => ({ high: 0, low: 0, lastActivityAt: undefined });

describe('threshold alarms', () => {
  it('computes the threshold rule from the largest task and the smallest instance', () => {
    const o = observation({ instances: [instance('a', 1, { CPU: 1024, MEMORY: 1024 })] });
    const [cpu, memory] = reservationFigures(o);
    expect(cpu).toMatchObject({ dimension: 'CPU', reservation: 50, threshold: 75 });
    expect(memory!.threshold).toBeCloseTo(100 * (1 - 1024 / 7680));
  });

  it('adds one instance when a reservation crosses its threshold', () => {
    const o = observation({ instances: [instance('a', 4, { CPU: 1600, MEMORY: 2048 })] });
    expect(thresholdAlarmStep(S, fresh(), o).decision.desired).toBe(2);
  });

  it('holds during the cooldown of the previous activity, then adds again', () => {
    const o = observation({ now: 100, instances: [instance('a', 4, { CPU: 1600, MEMORY: 2048 })] });
    const state = { ...fresh(), lastActivityAt: 0 };
    expect(thresholdAlarmStep(S, state, o).decision.desired).toBeUndefined();
    expect(thresholdAlarmStep(S, state, { ...o, now: 300 }).decision.desired).toBe(2);
  });

  it('removes one instance after 15 datapoints under the scale-in line', () => {
    const instances = [
      instance('a', 1, { CPU: 256, MEMORY: 512 }),
      instance('b', 1, { CPU: 256, MEMORY: 512 }),
    ];
    let state = fresh();
    for (let minute = 0; minute < 14; minute++) {
      const r = thresholdAlarmStep(S, state, observation({ now: minute * 60, instances }));
      expect(r.decision.desired).toBeUndefined();
      state = r.state;
    }
    expect(thresholdAlarmStep(S, state, observation({ now: 900, instances })).decision.desired).toBe(1);
  });

  it('does not scale in when one instance fewer would cross the threshold', () => {
    // CPU (2 × 800) / 4096 = 39 %, above the scale-in line 75 % × (2 − 1) / 2 = 37.5 %: on one instance
    // the same tasks would reserve 78 %, over the 75 % threshold.
    const instances = [instance('a', 1, { CPU: 800 }), instance('b', 1, { CPU: 800 })];
    const state = { ...fresh(), low: 20 };
    expect(thresholdAlarmStep(S, state, observation({ instances })).decision.desired).toBeUndefined();
  });

  it('respects MinSize and MaxSize', () => {
    const busy = observation({
      instances: [instance('a', 4, { CPU: 2000 })],
      group: { name: 'asg', min: 1, max: 1, desired: 1 },
    });
    expect(thresholdAlarmStep(S, fresh(), busy).decision.desired).toBeUndefined();
    const idle = observation({
      instances: [instance('a', 0), instance('b', 0)],
      group: { name: 'asg', min: 2, max: 5, desired: 2 },
    });
    expect(thresholdAlarmStep(S, { ...fresh(), low: 30 }, idle).decision.desired).toBeUndefined();
  });
});
