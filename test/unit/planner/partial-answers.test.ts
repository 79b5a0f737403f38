import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/index.js';
import { type ClusterSpec, ciArn, fleet, type InstanceSpec, NOW, planOf, snapshotOf } from './builders.js';

/**
 * Issue 15: a partial answer (an item under `failures`) hides part of the cluster for one tick. It blocks
 * scale-in (a hidden task may live on a candidate), but it must neither restart the scale-in pacing nor
 * buy capacity for headroom that the hidden instances may well have.
 */
const T = Math.floor(NOW.getTime() / 1000);
const partial = (snapshot: ClusterSnapshot): ClusterSnapshot => ({
  ...snapshot,
  failures: [{ arn: ciArn('hidden'), reason: 'MISSING' }],
});

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const web = (n: number, k: number): InstanceSpec => ({
  id: id(n),
  usedCpu: 512 * k,
  usedMem: 1024 * k,
  running: k,
});
/** Five 4,096 / 8,192 instances, 6 web tasks: four can go. */
const idle = (tags: Record<string, string> = {}): ClusterSnapshot =>
  snapshotOf({
    instances: [web(1, 2), web(2, 1), web(3, 1), web(4, 1), web(5, 1)],
    services: [{ name: 'web', cpu: 512, mem: 1024, desired: 6 }],
    group: { tags },
  });
const PACED = { scaleInUnneededSeconds: 600 };

describe('planCluster — a partial answer pauses the scale-in pacing', () => {
  it('keeps the unneeded tag (its start) on a partial answer, and drains on the next full one', () => {
    const tags = { 'ecs-autoscaler:unneeded': `6:4@${T - 300}` };
    const blocked = planOf(partial(idle(tags)), PACED);
    expect(blocked.action).toBe('hold');
    expect(blocked.drain).toEqual([]);
    expect(blocked.reasons.join('\n')).toMatch(/no scale-in while AWS could not describe 1 item/);
    // Not '' (forgotten): the count keeps running from T - 300.
    expect(blocked.stateTags['ecs-autoscaler:unneeded']).toBeUndefined();
    const later = planOf(idle(tags), PACED, new Date(NOW.getTime() + 300_000));
    expect(later.action).toBe('scale-in');
    expect(later.drain).toHaveLength(4);
  });

  it('still forgets it when scale-in is blocked for a reason that is not the partial answer', () => {
    const plan = planOf(partial(idle({ 'ecs-autoscaler:unneeded': `6:4@${T - 300}` })), {
      ...PACED,
      scaleInEnabled: false,
    });
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe('');
  });
});

/** Two instances: one out of CPU, one out of memory; no 1024/1024 task fits anywhere (headroom only). */
const fragmented: ClusterSpec = {
  instances: [
    { id: id(1), usedCpu: 4096, usedMem: 1024, running: 4 },
    { id: id(2), usedCpu: 1024, usedMem: 8192, running: 1 },
  ],
  services: [{ name: 'web', cpu: 1024, mem: 1024, desired: 5 }],
};
const FULL = { usedCpu: 4096, usedMem: 8192, running: 2 };

describe('planCluster — no headroom-only scale-out on a partial answer', () => {
  it('holds a scale-out wanted only for headroom while part of the cluster is hidden', () => {
    expect(planOf(snapshotOf(fragmented)).action).toBe('scale-out');
    const plan = planOf(partial(snapshotOf(fragmented)));
    expect(plan.action).toBe('hold');
    expect(plan.desiredCapacity.proposed).toBe(plan.desiredCapacity.current);
    expect(plan.reasons.join('\n')).toMatch(/no scale-out for headroom while AWS could not describe 1 item/);
  });

  it('does not set its own draining instance ACTIVE again for headroom while part of the cluster is hidden', () => {
    // long-drain-refresh / partial-failures / seed 6: the answer hid an empty m5.xlarge; the tick saw
    // 87.5 % CPU reserved and no room for the largest task, reactivated the instance it had just drained
    // and bought one more. The next full answer showed the room (no-convergence at the end of the run).
    const spec: ClusterSpec = {
      instances: [
        { id: id(1), ...FULL },
        { id: id(2), status: 'DRAINING', usedCpu: 1024, usedMem: 1024, running: 1 },
      ],
      services: [{ name: 'web', cpu: 1024, mem: 1024, desired: 9 }],
      group: { tags: { 'ecs-autoscaler:draining': id(2) } },
    };
    expect(planOf(snapshotOf(spec)).activate.map((a) => a.ec2InstanceId)).toEqual([id(2)]);
    const plan = planOf(partial(snapshotOf(spec)));
    expect(plan.activate).toEqual([]);
    expect(plan.desiredCapacity.proposed).toBe(plan.desiredCapacity.current);
    expect(plan.reasons.join('\n')).toMatch(/no scale-out for headroom while AWS could not describe 1 item/);
  });

  it('keeps its own drained, empty host DRAINING while part of the cluster is hidden; it goes on the next full answer', () => {
    // sawtooth / partial-failures / 50005: web, MISSING from the tick's answer just as its desired count
    // rose 4 -> 12, was not seen; the drained host that its tasks would have set ACTIVE again was
    // terminated, and two instances were launched a second later (a direction reversal).
    const spec: ClusterSpec = {
      instances: [web(1, 2), { id: id(2), status: 'DRAINING', usedCpu: 0, usedMem: 0, running: 0 }],
      services: [{ name: 'web', cpu: 512, mem: 1024, desired: 2 }],
      group: { tags: { 'ecs-autoscaler:draining': id(2) } },
    };
    const full = planOf(snapshotOf(spec));
    expect(full.terminate).toEqual([id(2)]);
    expect(full.desiredCapacity).toEqual({ current: 2, proposed: 1 });
    const plan = planOf(partial(snapshotOf(spec)));
    expect(plan.terminate).toEqual([]);
    expect(plan.activate).toEqual([]);
    expect(plan.desiredCapacity).toEqual({ current: 2, proposed: 2 });
    expect(plan.reasons.join('\n')).toMatch(
      /i-0+2 is drained and empty, kept: AWS could not describe 1 item\(s\): they may hide tasks that need it/,
    );
  });

  it('still scales out at once for tasks that cannot be placed', () => {
    const spec: ClusterSpec = {
      instances: fleet(2, FULL),
      services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 10, running: 7 }],
    };
    const plan = planOf(partial(snapshotOf(spec)));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBeGreaterThan(plan.desiredCapacity.current);
  });
});
