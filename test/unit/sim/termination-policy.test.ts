/** The default termination policy and the event queue of the simulator. */
import { describe, expect, it } from 'vitest';
import { chooseVictims } from '../../../sim/asg/termination-policy.js';
import { Rng } from '../../../sim/core/random.js';
import { Scheduler } from '../../../sim/core/scheduler.js';
import { createSim } from '../../../sim/index.js';

const groupWith = (
  layout: Array<{ az: string; version?: string; ageSeconds?: number; protected?: boolean }>,
) => {
  const sim = createSim({ seed: 1 });
  const group = sim.createAutoScalingGroup({ name: 'g', min: 0, max: 20, desired: 0, azs: ['a', 'b', 'c'] });
  layout.forEach((l, k) => {
    group.instances.set(`i-${k}`, {
      id: `i-${k}`,
      weight: 1,
      group,
      az: l.az,
      type: group.instanceTypes[0]!,
      lifecycleState: 'InService',
      health: 'Healthy',
      protectedFromScaleIn: l.protected ?? false,
      launchedAt: sim.nowMs - (l.ageSeconds ?? 100) * 1000,
      launchTemplateVersion: l.version ?? '1',
      spot: false,
      ec2State: 'running',
      willRegister: false,
    });
  });
  return { sim, group };
};

describe('default termination policy', () => {
  it('takes from the AZ with the most instances first', () => {
    const { sim, group } = groupWith([{ az: 'a' }, { az: 'a' }, { az: 'a' }, { az: 'b' }, { az: 'c' }]);
    expect(chooseVictims(group, 1, sim.nowMs, new Rng(1)).map((i) => i.az)).toEqual(['a']);
  });

  it('skips protected instances, then prefers the oldest launch template version', () => {
    const { sim, group } = groupWith([
      { az: 'a', protected: true },
      { az: 'a', protected: true },
      { az: 'b', version: '2' },
      { az: 'b', version: '1' },
    ]);
    const victims = chooseVictims(group, 3, sim.nowMs, new Rng(1));
    expect(victims.map((i) => i.id)).toEqual(['i-3', 'i-2']);
  });

  it('prefers the instance closest to the next billing hour', () => {
    const { sim, group } = groupWith([
      { az: 'a', ageSeconds: 600 },
      { az: 'a', ageSeconds: 3500 },
      { az: 'a', ageSeconds: 3700 },
    ]);
    expect(chooseVictims(group, 1, sim.nowMs, new Rng(1)).map((i) => i.id)).toEqual(['i-1']);
  });
});

describe('Scheduler', () => {
  it('runs events in time order, same-time events in scheduling order, and cancels', async () => {
    const s = new Scheduler(0);
    const seen: string[] = [];
    s.at(2000, 'x', () => void seen.push('b'));
    s.at(1000, 'x', () => void seen.push('a'));
    s.at(2000, 'x', () => void seen.push('c'));
    s.at(1500, 'x', () => void seen.push('never')).cancel();
    await s.runUntil(5000);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(s.nowMs).toBe(5000);
  });

  it('repeats every period until cancelled', async () => {
    const s = new Scheduler(0);
    let n = 0;
    const h = s.every(60, 'tick', () => void n++);
    await s.runUntil(600_000);
    h.cancel();
    await s.runUntil(1_200_000);
    expect(n).toBe(10);
  });
});
