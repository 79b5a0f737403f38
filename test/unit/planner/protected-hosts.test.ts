/**
 * Issue 14: a host running a task with ECS task scale-in protection on is not drained while the protection
 * lasts (a drain would stop and replace the task); it stays a destination. Standalone jobs only rank their
 * host last.
 */
import { describe, expect, it } from 'vitest';
import { ciArn, planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const web = (n: number, k: number) => ({ id: id(n), usedCpu: 512 * k, usedMem: 1024 * k, running: k });
const T = 1_795_348_800;

const cluster = (protectedOn: boolean) => {
  const snap = snapshotOf({
    // i1 runs one web task (the emptiest, first in line), i2–i4 two each: two instances are not needed.
    instances: [web(1, 1), web(2, 2), web(3, 2), web(4, 2)],
    services: [{ name: 'web', cpu: 512, mem: 1024, desired: 7 }],
    group: { tags: { 'ecs-autoscaler:unneeded': `7:3@${T - 600}` } },
    tasks: [
      taskOn(id(1), 'web', 1),
      taskOn(id(2), 'web', 2),
      taskOn(id(3), 'web', 2),
      taskOn(id(4), 'web', 2),
    ],
  });
  const first = snap.tasks!.find((t) => t.containerInstanceArn === ciArn(id(1)))!;
  if (protectedOn) {
    snap.protectedTasks = [
      { taskArn: first.taskArn, protectionEnabled: true, expirationDate: '2026-11-23T12:00:00.000Z' },
    ];
  }
  return snap;
};

describe('scale-in and ECS task scale-in protection', () => {
  it('without protection the emptiest instance drains first', () => {
    const plan = planOf(cluster(false), { scaleInUnneededSeconds: 600 });
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toContain(id(1));
  });

  it('a host with a protected task is not drained; another one is, and the plan says why', () => {
    const plan = planOf(cluster(true), { scaleInUnneededSeconds: 600 });
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.length).toBeGreaterThan(0);
    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
    expect(plan.reasons.join('\n')).toMatch(
      new RegExp(`${id(1)} runs task\\(s\\) with ECS task scale-in protection: not drained`),
    );
  });
});
