/**
 * A crash loop's retry (a task of a service with failed tasks, not started yet) holds its instance's room
 * for seconds: the analysis counts that room free, and the planner asks for the task lists that show it.
 * Before, a retry PENDING at a tick looked like missing headroom: an instance bought, drained, bought
 * again (random world 72, wave 2 sixth stop).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { crashLoopReads, crashLoopRoom } from '../../../shared/core/capacity/crash-loop.js';
import { instanceTasks, isEmpty } from '../../../shared/core/cluster/instance-tasks.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { ciArn, planOf, snapshotOf, taskOn } from '../planner/builders.js';

/** Two 2048-CPU instances: one runs web (2048), the other holds a retry of `crash` (512) — PENDING. */
const cluster = (failedTasks: number, listed: boolean): ClusterSnapshot => {
  const s = snapshotOf({
    instances: [
      { id: 'i-00000000000000001', cpu: 2048, mem: 7680, usedCpu: 2048, usedMem: 1024, running: 1 },
      { id: 'i-00000000000000002', cpu: 2048, mem: 7680, usedCpu: 512, usedMem: 512, pending: 1 },
    ],
    services: [
      { name: 'web', cpu: 2048, mem: 1024, desired: 1, running: 1 },
      { name: 'crash', cpu: 512, mem: 512, desired: 1, running: 0, pending: 1 },
    ],
    group: { desired: 2, min: 1, max: 10, instanceType: 'm5.large' },
    tasks: listed
      ? [taskOn('i-00000000000000001', 'web', 1), taskOn('i-00000000000000002', 'crash', 1, 'PENDING')]
      : [],
  });
  const crash = s.services.find((x) => x.serviceName === 'crash')!;
  crash.deployments[0]!.failedTasks = failedTasks;
  return s;
};

describe('crash loops hold no room', () => {
  it("counts a crash loop's pending retry as free room", () => {
    const s = cluster(6, true);
    expect(crashLoopRoom(s).get(ciArn('i-00000000000000002'))).toMatchObject({ CPU: 512, MEMORY: 512 });
    const second = analyzeCapacity(s).instances.find((i) => i.ec2InstanceId === 'i-00000000000000002')!;
    expect(second.remaining.CPU).toBe(2048);
    // Headroom (one more web task, 2048 CPU) fits on it: no scale-out.
    expect(planOf(s).action).not.toBe('scale-out');
  });

  it.each([
    { failedTasks: 6, empty: true },
    { failedTasks: 0, empty: false },
  ])(
    'an instance holding only a retry is empty (failed tasks $failedTasks): $empty',
    ({ failedTasks, empty }) => {
      // Random world 991266: the last idle host held a retry at the decision that drained the others; its
      // unneeded time started again, and it stayed 10 minutes more.
      const s = cluster(failedTasks, true);
      const a = analyzeCapacity(s);
      const ci = a.instances.find((i) => i.ec2InstanceId === 'i-00000000000000002')!;
      expect(isEmpty(instanceTasks(s, a, ci))).toBe(empty);
    },
  );

  it("leaves a healthy service's pending task's room taken", () => {
    const s = cluster(0, true);
    expect(crashLoopRoom(s).size).toBe(0);
    const second = analyzeCapacity(s).instances.find((i) => i.ec2InstanceId === 'i-00000000000000002')!;
    expect(second.remaining.CPU).toBe(1536);
    expect(planOf(s).action).toBe('scale-out');
  });

  it('asks for the task list of the instance with the retry when it is not listed', () => {
    expect(crashLoopReads(cluster(6, false))).toEqual([ciArn('i-00000000000000002')]);
    expect(planOf(cluster(6, false)).needsTasks).toContain(ciArn('i-00000000000000002'));
    expect(crashLoopReads(cluster(6, true))).toEqual([]);
    expect(crashLoopReads(cluster(0, false))).toEqual([]);
  });

  it("asks for it too while the retry is being stopped (no longer the service's pending task)", () => {
    // Random world 15601 (tenth stop): at the tick the retry was PENDING with desired STOPPED; the service
    // counted no pending task, the list was not read, the room looked taken, and an instance was bought.
    const s = cluster(6, false);
    s.services.find((x) => x.serviceName === 'crash')!.pendingCount = 0;
    expect(crashLoopReads(s)).toEqual([ciArn('i-00000000000000002')]);
    expect(planOf(s).needsTasks).toContain(ciArn('i-00000000000000002'));
  });
});
