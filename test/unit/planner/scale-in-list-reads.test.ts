/**
 * Issue 19's task-list reads for scale-in, as the fault suite found them (issue 15): when nothing counts
 * removable, the emptiest candidate whose list is not known is asked for, even when a busy candidate's
 * list is known already and keeps its instance. Before, one known list stopped every later read: two
 * daemon-only instances were never read, never drained (`no-convergence`, ramp-down / throttling / seed 2).
 */
import { describe, expect, it } from 'vitest';
import { ciArn, planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const az = 'us-east-1a';

describe('planCluster — scale-in task-list reads', () => {
  it('asks for an unread candidate when the known lists keep their instances', () => {
    const snapshot = snapshotOf({
      instances: [
        // 3 web + the daemon, list known; 1 api + the daemon, list known; the daemon alone, list not read.
        { id: id(1), cpu: 2048, usedCpu: 1664, usedMem: 3328, running: 4, az },
        { id: id(2), cpu: 2048, usedCpu: 1152, usedMem: 2304, running: 2, az },
        { id: id(3), cpu: 2048, usedCpu: 128, usedMem: 256, running: 1, az },
      ],
      services: [
        { name: 'web', cpu: 512, mem: 1024, desired: 3 },
        { name: 'api', cpu: 1024, mem: 2048, desired: 1 },
        { name: 'agent', cpu: 128, mem: 256, desired: 3, daemon: true },
      ],
      tasks: [
        taskOn(id(1), 'web', 1),
        taskOn(id(1), 'web', 2),
        taskOn(id(1), 'web', 3),
        taskOn(id(1), 'agent', 1),
        taskOn(id(2), 'api', 1),
        taskOn(id(2), 'agent', 1),
      ],
    });
    const plan = planOf(snapshot);
    expect(plan.drain).toEqual([]);
    expect(plan.needsTasks).toContain(ciArn(id(3)));
  });
});
