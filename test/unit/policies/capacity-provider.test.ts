import { describe, expect, it } from 'vitest';
import {
  type CapacityProviderState,
  capacityProviderPolicy,
  capacityProviderReservation,
  capacityProviderStep,
  DEFAULT_CAPACITY_PROVIDER_SETTINGS as S,
} from '../../../sim/policies/capacity-provider.js';
import { instance, LARGE, observation, XLARGE } from './builders.js';

const fresh = (): CapacityProviderState => capacityProviderPolicy().initialState();
const task = (cpu: number, memory: number, count: number) => ({
  label: 'web',
  reservation: { CPU: cpu, MEMORY: memory, GPU: 0 },
  count,
});

describe('CapacityProviderReservation (M / N × 100)', () => {
  it.each([
    { name: 'no instances, no tasks → 100', instances: [], provisioning: [], value: 100 },
    {
      name: 'no instances, provisioning tasks → 200',
      instances: [],
      provisioning: [task(512, 1024, 3)],
      value: 200,
    },
    {
      name: 'every instance runs a task → 100',
      instances: [instance('a', 2), instance('b', 1)],
      provisioning: [],
      value: 100,
    },
    {
      name: 'one of four instances only runs daemons → 75',
      instances: [instance('a', 2), instance('b', 1), instance('c', 1), instance('d', 0)],
      provisioning: [],
      value: 75,
    },
    {
      // 9 tasks of 1024 CPU on 2048-CPU instances: 5 new instances; N = 2 → (2 + 5) / 2.
      name: 'provisioning tasks: N + binpack count on the largest type',
      instances: [instance('a', 2), instance('b', 2)],
      provisioning: [task(1024, 1024, 9)],
      value: 350,
    },
  ])('$name', ({ instances, provisioning, value }) => {
    expect(capacityProviderReservation(observation({ instances, provisioning })).value).toBeCloseTo(value);
  });

  it('counts groups of identical tasks apart and takes the largest count, not the sum', () => {
    const o = observation({
      instances: [instance('a', 1)],
      provisioning: [task(1024, 1024, 4), { ...task(2048, 2048, 1), label: 'batch' }],
    });
    // 4 × 1024 → 2 instances; 1 × 2048 → 1 instance; M = 1 + max(2, 1) = 3.
    expect(capacityProviderReservation(o)).toMatchObject({ m: 3, n: 1 });
  });

  it('uses the largest instance type for the count and excludes tasks larger than the smallest', () => {
    const o = observation({
      instances: [instance('a', 1)],
      instanceTypes: [LARGE, XLARGE],
      provisioning: [task(1024, 1024, 8), { ...task(3000, 1024, 2), label: 'huge' }],
    });
    // 8 × 1024 CPU on 4096-CPU instances → 2; the 3000-CPU tasks do not fit a LARGE: excluded.
    expect(capacityProviderReservation(o)).toMatchObject({ m: 3, incompatibleTasks: 2 });
  });

  it('clamps the added instances between the minimum and maximum scaling step sizes', () => {
    const o = observation({ instances: [instance('a', 1)], provisioning: [task(1024, 1024, 40)] });
    expect(capacityProviderReservation(o, { ...S, maximumScalingStepSize: 5 }).m).toBe(6);
    const small = observation({ instances: [instance('a', 1)], provisioning: [task(256, 256, 1)] });
    expect(capacityProviderReservation(small, { ...S, minimumScalingStepSize: 3 }).m).toBe(4);
  });
});

describe('capacity provider target tracking', () => {
  it('scales out to M on the first datapoint above target', () => {
    const o = observation({ instances: [instance('a', 2)], provisioning: [task(1024, 1024, 4)] });
    const { decision, state } = capacityProviderStep(S, fresh(), o);
    expect(decision.desired).toBe(3);
    expect(state.lastScaleOutAt).toBe(0);
  });

  it('does not scale out again while an instance is inside its warm-up', () => {
    const o = observation({
      now: 200,
      instances: [instance('a', 2), instance('b', 0, {}, { launchedAt: 0 })],
      provisioning: [task(1024, 1024, 4)],
    });
    expect(capacityProviderStep(S, fresh(), o).decision.desired).toBeUndefined();
    expect(capacityProviderStep(S, fresh(), { ...o, now: 301 }).decision.desired).toBe(4);
  });

  it('does not exceed MaxSize', () => {
    const o = observation({
      instances: [instance('a', 2)],
      group: { name: 'asg', min: 0, max: 2, desired: 1 },
      provisioning: [task(1024, 1024, 20)],
    });
    expect(capacityProviderStep(S, fresh(), o).decision.desired).toBe(2);
  });

  it('scales in only after 15 consecutive datapoints below target, and only empty instances', () => {
    const o = observation({
      instances: [instance('a', 2), instance('b', 0), instance('c', 0), instance('d', 1)],
    });
    let state = fresh();
    for (let minute = 0; minute < 14; minute++) {
      const r = capacityProviderStep(S, state, { ...o, now: minute * 60 });
      expect(r.decision.terminate).toEqual([]);
      state = r.state;
    }
    const last = capacityProviderStep(S, state, { ...o, now: 14 * 60 });
    expect(last.decision.terminate).toEqual(['b', 'c']);
  });

  it('removes at most half of the group per minute of scale-in', () => {
    const instances = [instance('a', 1), ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => instance(id, 0))];
    const state = { ...fresh(), low: 14 };
    expect(capacityProviderStep(S, state, observation({ instances })).decision.terminate).toHaveLength(4);
  });

  it('restarts the 15 datapoints when the metric returns to target', () => {
    const empty = observation({ instances: [instance('a', 1), instance('b', 0)] });
    const full = observation({ instances: [instance('a', 1), instance('b', 1)] });
    let state = { ...fresh(), low: 13 };
    state = capacityProviderStep(S, state, full).state;
    expect(state.low).toBe(0);
    expect(capacityProviderStep(S, state, empty).decision.terminate).toEqual([]);
  });

  it('never counts a launching instance as empty', () => {
    const o = observation({
      instances: [instance('a', 1), instance('b', 0, {}, { lifecycle: 'pending', registered: false })],
    });
    expect(capacityProviderReservation(o).value).toBe(100);
  });
});
