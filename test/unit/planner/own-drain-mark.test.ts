/**
 * The scaler's own-drain mark (container-instance attribute, issue 14) when it drains an ACTIVE instance
 * that still carries the mark of an earlier drain: the plan must end with the new mark, never delete it
 * (issue 15: the stale-mark cleanup and the new drain in one plan left the drain unmarked, read as someone
 * else's; the fault suite's `draining-without-owner`, ramp-down / everything / seed 3).
 */
import { describe, expect, it } from 'vitest';
import { OWN_DRAIN_ATTRIBUTE } from '../../../shared/core/cluster/index.js';
import { ciArn, planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const web = (n: number, k: number) => ({ id: id(n), usedCpu: 512 * k, usedMem: 1024 * k, running: k });

describe('planCluster — own-drain mark', () => {
  it('drains an ACTIVE instance with a stale mark by writing a new mark, not deleting it', () => {
    const snapshot = snapshotOf({
      instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1)],
      services: [{ name: 'web', cpu: 512, mem: 1024, desired: 6 }],
      tasks: [taskOn(id(3), 'web', 1), taskOn(id(4), 'web', 1)],
    });
    const i3 = snapshot.containerInstances.find((c) => c.ec2InstanceId === id(3))!;
    i3.attributes = [...(i3.attributes ?? []), { name: OWN_DRAIN_ATTRIBUTE, value: '1795340000' }];

    const plan = planOf(snapshot);

    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toContain(id(3));
    const mine = (a: { containerInstanceArn: string; name: string }) =>
      a.containerInstanceArn === ciArn(id(3)) && a.name === OWN_DRAIN_ATTRIBUTE;
    expect(plan.attributes?.put.filter(mine)).toEqual([
      { containerInstanceArn: ciArn(id(3)), name: OWN_DRAIN_ATTRIBUTE, value: '1795348800' },
    ]);
    expect(plan.attributes?.delete.filter(mine)).toEqual([]);
  });

  it('still deletes the stale mark of an ACTIVE instance it does not drain', () => {
    const snapshot = snapshotOf({
      instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1)],
      services: [{ name: 'web', cpu: 512, mem: 1024, desired: 6 }],
      tasks: [taskOn(id(3), 'web', 1), taskOn(id(4), 'web', 1)],
    });
    // i3, i4 and i1 drain (their tasks and the headroom fit on i2); i2 stays.
    const i2 = snapshot.containerInstances.find((c) => c.ec2InstanceId === id(2))!;
    i2.attributes = [...(i2.attributes ?? []), { name: OWN_DRAIN_ATTRIBUTE, value: '1795340000' }];

    const plan = planOf(snapshot);

    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(2));
    expect(plan.attributes?.delete).toContainEqual({
      containerInstanceArn: ciArn(id(2)),
      name: OWN_DRAIN_ATTRIBUTE,
    });
  });
});
