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
import { arm64, planOf, snapshotOf, taskOn } from './builders.js';

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

/**
 * Random world 26402 (eleventh stop): both unlisted instances reserve enough for a task of `one`; the one
 * marked as running it must be the one whose free room could otherwise take the moved task (i2), not the
 * one with the most free memory and no CPU left (i3). Marked the other way, i1's task "moved" to i2, waited
 * ("fit on no ACTIVE one") and an instance was bought for it.
 */
describe('planCluster — which unlisted instance runs the distinctInstance task', () => {
  /** i3 runs `full` of `fullCpu` CPU units: 2,048 leaves it no room for a task of `one`. */
  const snapshot = (fullCpu: number): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [
        { id: id(1), cpu: 2048, mem: 3840, usedCpu: 256, usedMem: 256, running: 1 },
        { id: id(2), cpu: 2048, mem: 3840, usedCpu: 1280, usedMem: 3328, running: 2 },
        { id: id(3), cpu: 2048, mem: 3840, usedCpu: fullCpu, usedMem: 256, running: 1 },
      ],
      group: { min: 0, desired: 3 },
      services: [
        { name: 'one', cpu: 256, mem: 256, desired: 2 },
        { name: 'heavy', cpu: 1024, mem: 3072, desired: 1 },
        { name: 'full', cpu: fullCpu, mem: 256, desired: 1 },
      ],
      tasks: [taskOn(id(1), 'one', 1)],
    });
    s.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
    return s;
  };

  it('keeps the instance when the one instance with room runs the other task', () => {
    const plan = planOf(snapshot(2048), { headroomTasks: 0 });
    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
  });

  it('drains it when both have room: whichever runs the other task, the moved one has a host', () => {
    const plan = planOf(snapshot(1024), { headroomTasks: 0 });
    expect(plan.drain.map((d) => d.ec2InstanceId)).toContain(id(1));
  });
});

/**
 * Random world 113171 (thirteenth stop): only an instance where the service's tasks can run at all is
 * marked. `one` (arm64, distinctInstance) runs on i1 (listed) and i2 (arm64, unlisted); i3 (x86, unlisted)
 * reserves enough for a task of `one` and has the most free memory. Marked as running it, i3 left i2 looking
 * free: the drain of i1 counted its task as moving to i2, which ran the other one.
 */
describe('planCluster — an unlisted instance of another architecture runs none of them', () => {
  const snapshot = (): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [
        { id: id(1), cpu: 2048, mem: 7680, usedCpu: 1024, usedMem: 2048, running: 1 },
        { id: id(2), cpu: 2048, mem: 7680, usedCpu: 1024, usedMem: 2048, running: 1 },
        { id: id(3), cpu: 4096, mem: 30720, usedCpu: 2048, usedMem: 3072, running: 1 },
      ],
      group: { min: 0, desired: 3 },
      services: [
        { name: 'one', cpu: 1024, mem: 2048, desired: 2 },
        { name: 'other', cpu: 2048, mem: 3072, desired: 1 },
      ],
      tasks: [taskOn(id(1), 'one', 1)],
    });
    s.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
    return arm64(s, [id(3)], ['one']);
  };

  it('keeps the instance: its task has no arm64 host without one', () => {
    const plan = planOf(snapshot(), { headroomTasks: 0 });
    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
  });
});
