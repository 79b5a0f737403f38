/**
 * A `distinctInstance` service whose tasks are not all listed: the model marks unlisted instances as
 * holding the rest (ECS puts each task on its own instance). It must mark instances that can hold one
 * (their reserved resources), not merely the emptiest by memory: random world 2230 (eighth stop) drained
 * the instance of one task while the model had put the other task on an r5 reserving 128 CPU units, so the
 * c5 that ran it looked free — the drained task could go nowhere (its drain never ended, then was bought
 * back for).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;

/** i1 and i2 (8 vCPU) each run one `one` task (2,048 CPU units), only i1's listed; i3 is a 2-vCPU instance. */
const cluster = (): ClusterSnapshot => {
  const snapshot = snapshotOf({
    instances: [
      { id: id(1), cpu: 8192, mem: 16384, usedCpu: 2048, usedMem: 1024, running: 1 },
      { id: id(2), cpu: 8192, mem: 16384, usedCpu: 2048, usedMem: 1024, running: 1 },
      // More free memory than i2, too little free CPU for a task of `one`, and reserving less than one.
      { id: id(3), cpu: 2048, mem: 16384, usedCpu: 128, usedMem: 128, running: 1 },
    ],
    services: [
      { name: 'one', cpu: 2048, mem: 1024, desired: 2 },
      { name: 'tiny', cpu: 128, mem: 128, desired: 1 },
    ],
    tasks: [taskOn(id(1), 'one', 1)],
  });
  snapshot.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
  return snapshot;
};

describe('planCluster — distinctInstance tasks that are not listed', () => {
  it('keeps the instance whose task has no other instance to go to', () => {
    const plan = planOf(cluster(), { headroomTasks: 0 });
    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
  });
});
