/**
 * Tasks on DRAINING instances that no ACTIVE instance takes wait for room (shared/core/cluster/displaced.ts):
 * ECS replaces them only where the replacement fits and keeps the old task running meanwhile, so nothing
 * else counts them (desired = running). Random world 471, eighth stop.
 */
import { describe, expect, it } from 'vitest';
import { OWN_DRAIN_ATTRIBUTE } from '../../../shared/core/cluster/index.js';
import type { ClusterSnapshot, Task } from '../../../shared/core/snapshot/snapshot.js';
import { ciArn, planOf, snapshotOf, taskOn, tdArn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const WAIT = /task\(s\) on DRAINING instances fit on no ACTIVE one/;

/** Two m5.xlarge: i1 DRAINING (someone else's drain) and i2 ACTIVE, each running one task of `one`. */
const cluster = (opts: { distinct: boolean; running?: number; extra?: Task[] }): ClusterSnapshot => {
  const snapshot = snapshotOf({
    instances: [
      { id: id(1), usedCpu: 1024, usedMem: 2048, running: 1 + (opts.extra?.length ?? 0), status: 'DRAINING' },
      { id: id(2), usedCpu: 1024, usedMem: 2048, running: 1 },
    ],
    services: [{ name: 'one', cpu: 1024, mem: 2048, desired: 2, running: opts.running ?? 2 }],
    tasks: [taskOn(id(1), 'one', 1), taskOn(id(2), 'one', 2), ...(opts.extra ?? [])],
  });
  if (opts.distinct) snapshot.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
  return snapshot;
};

describe('planCluster — tasks on DRAINING instances that fit on no ACTIVE one', () => {
  it('buys room for a drained task only a new instance can take', () => {
    const plan = planOf(cluster({ distinct: true }), { headroomTasks: 0 });
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBe(3);
    expect(plan.reasons.join('\n')).toMatch(/^1 task\(s\) on DRAINING instances fit on no ACTIVE one/m);
  });

  it('not when an ACTIVE instance takes it (ECS moves it there)', () => {
    const plan = planOf(cluster({ distinct: false }), { headroomTasks: 0 });
    expect(plan.action).not.toBe('scale-out');
    expect(plan.reasons.join('\n')).not.toMatch(WAIT);
  });

  it('not when ECS has started its replacement already (running above desired)', () => {
    const plan = planOf(cluster({ distinct: true, running: 3 }), { headroomTasks: 0 });
    expect(plan.action).not.toBe('scale-out');
    expect(plan.reasons.join('\n')).not.toMatch(WAIT);
  });

  it('not for a task ECS is already stopping (its replacement runs on another instance)', () => {
    // Random world 625269: a drain's old task, STOPPING (desired STOPPED) beside its RUNNING replacement,
    // was counted as needing room again, and the drained host was set ACTIVE "as demand came back".
    // `stopping`: i1's task is STOPPING (desired STOPPED), so the service runs 2 of 2 on i2 and i3; else it
    // still runs there (desired RUNNING), a third task of 3 that no ACTIVE instance takes (distinctInstance).
    const snapshot = (stopping: boolean): ClusterSnapshot => {
      const desired = stopping ? 2 : 3;
      const s = snapshotOf({
        instances: [
          { id: id(1), usedCpu: 1024, usedMem: 2048, running: 1, status: 'DRAINING' },
          { id: id(2), usedCpu: 1024, usedMem: 2048, running: 1 },
          { id: id(3), usedCpu: 1024, usedMem: 2048, running: 1 },
        ],
        services: [{ name: 'one', cpu: 1024, mem: 2048, desired, running: desired }],
        tasks: [
          stopping
            ? { ...taskOn(id(1), 'one', 1, 'STOPPING'), desiredStatus: 'STOPPED' }
            : { ...taskOn(id(1), 'one', 1), desiredStatus: 'RUNNING' },
          taskOn(id(2), 'one', 2),
          taskOn(id(3), 'one', 3),
        ],
      });
      s.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
      return s;
    };
    const stopping = planOf(snapshot(true), { headroomTasks: 0 });
    expect(stopping.action).not.toBe('scale-out');
    expect(stopping.reasons.join('\n')).not.toMatch(WAIT);
    // The same cluster with that task still wanted: it needs a new instance.
    const wanted = planOf(snapshot(false), { headroomTasks: 0 });
    expect(wanted.reasons.join('\n')).toMatch(/^1 task\(s\) on DRAINING instances fit on no ACTIVE one/m);
    expect(wanted.desiredCapacity.proposed).toBe(4);
  });

  it('not for a standalone task (a drain does not move it)', () => {
    const job: Task = {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c1/job-1',
      taskDefinitionArn: tdArn('one'),
      containerInstanceArn: ciArn(id(1)),
      lastStatus: 'RUNNING',
      group: 'family:one',
      startedBy: 'nightly',
    };
    // Both on i1: the service task counts, the job does not (one task, not two).
    const plan = planOf(cluster({ distinct: true, extra: [job] }), { headroomTasks: 0 });
    expect(plan.reasons.join('\n')).toMatch(/^1 task\(s\) on DRAINING instances fit on no ACTIVE one/m);
    expect(plan.desiredCapacity.proposed).toBe(3);
  });
});

/**
 * A host a lifecycle action holds (Terminating:Wait: an instance refresh, someone's scale-in), DRAINING by
 * the drainer: not a member of its group, so no other rule reads its tasks. Random world 104459: a
 * refreshed host's task that no ACTIVE host could take held the refresh for an hour, until the drain's
 * maximum time completed the action with the task still on it.
 */
describe('planCluster — a terminating host the drainer holds', () => {
  /** i1 Terminating:Wait and DRAINING with one task of `one` (distinctInstance); i2 its replacement, taken. */
  const terminating = (listed: boolean): ClusterSnapshot => {
    const s = cluster({ distinct: true });
    const g = s.autoScalingGroups[0]!;
    g.Instances = g.Instances.map((i) =>
      i.InstanceId === id(1) ? { ...i, LifecycleState: 'Terminating:Wait' } : i,
    );
    g.DesiredCapacity = 1;
    // An instance refresh replaces i1 (no scale-in selection runs meanwhile, so nothing else reads it).
    s.instanceRefreshes = [{ AutoScalingGroupName: g.AutoScalingGroupName, Status: 'InProgress' }];
    if (!listed) s.tasks = s.tasks?.filter((t) => t.containerInstanceArn !== ciArn(id(1)));
    return s;
  };

  it('asks for its task list while it runs more tasks than the daemons', () => {
    const plan = planOf(terminating(false), { headroomTasks: 0 });
    expect(plan.needsTasks).toContain(ciArn(id(1)));
    expect(plan.action).not.toBe('scale-out');
  });

  it('asks for it when a daemon runs elsewhere only (the host runs as many tasks as there are daemons)', () => {
    // Random world 350755: a GPU agent daemon bound to g4dn hosts ran on none of the c5 hosts; the refreshed
    // host ran one task of `one` and no daemon, and "1 task, 1 daemon service" read as daemons only. Its
    // list was never read, and the drain's maximum time terminated it with the task an hour later.
    const s = terminating(false);
    s.services.push({
      ...s.services[0]!,
      serviceName: 'gpu-agent',
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/c1/gpu-agent',
      schedulingStrategy: 'DAEMON',
      desiredCount: 0,
      runningCount: 0,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ g4dn.*' }],
    });
    const plan = planOf(s, { headroomTasks: 0 });
    expect(plan.needsTasks).toContain(ciArn(id(1)));
  });

  it('with its list read, buys room for the task no ACTIVE host takes', () => {
    const plan = planOf(terminating(true), { headroomTasks: 0 });
    expect(plan.needsTasks).not.toContain(ciArn(id(1)));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBe(2);
    expect(plan.reasons.join('\n')).toMatch(/^1 task\(s\) on DRAINING instances fit on no ACTIVE one/m);
  });

  it('not once it runs no task (nothing left to place)', () => {
    const s = terminating(false);
    const ci = s.containerInstances.find((c) => c.ec2InstanceId === id(1))!;
    ci.runningTasksCount = 0;
    expect(planOf(s, { headroomTasks: 0 }).needsTasks).not.toContain(ciArn(id(1)));
  });
});

/**
 * Tasks on a DRAINING host that ACTIVE hosts take one by one still take that room together, and the
 * headroom must fit on what they leave (fault matrix long-drain-refresh / none / 20030: four tasks of an
 * operator-terminated host each fitted somewhere, not all of them with the headroom; the decision ended an
 * own drain — terminated the empty host — and bought an instance a minute later).
 */
describe('planCluster — an own drain that ended, while another drain hands tasks over', () => {
  /**
   * i1 DRAINING (someone's) with 2 web tasks, or (`moved`) empty, ECS having placed them on i2 and i3;
   * i2, i3 ACTIVE with 1,024 CPU free each before; i4 the scaler's own drain, empty.
   */
  const snapshot = (moved: boolean): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [
        {
          id: id(1),
          usedCpu: moved ? 0 : 2048,
          usedMem: moved ? 0 : 4096,
          running: moved ? 0 : 2,
          status: 'DRAINING',
        },
        { id: id(2), usedCpu: moved ? 4096 : 3072, usedMem: moved ? 8192 : 6144, running: moved ? 4 : 3 },
        { id: id(3), usedCpu: moved ? 4096 : 3072, usedMem: moved ? 8192 : 6144, running: moved ? 4 : 3 },
        { id: id(4), usedCpu: 0, usedMem: 0, running: 0, status: 'DRAINING' },
      ],
      services: [{ name: 'web', cpu: 1024, mem: 2048, desired: 8 }],
      tasks: [
        ...(moved
          ? [taskOn(id(2), 'web', 1), taskOn(id(3), 'web', 2)]
          : [taskOn(id(1), 'web', 1), taskOn(id(1), 'web', 2)]),
        ...[3, 4, 5].map((n) => taskOn(id(2), 'web', n)),
        ...[6, 7, 8].map((n) => taskOn(id(3), 'web', n)),
      ],
    });
    const i4 = s.containerInstances.find((c) => c.ec2InstanceId === id(4))!;
    i4.attributes = [...(i4.attributes ?? []), { name: OWN_DRAIN_ATTRIBUTE, value: '1795340000' }];
    return s;
  };

  it('keeps the empty own drain while the moved tasks leave no headroom, then sets it ACTIVE again', () => {
    const first = planOf(snapshot(false), { headroomTasks: 1 });
    expect(first.terminate).not.toContain(id(4));
    expect(first.desiredCapacity.proposed).toBe(first.desiredCapacity.current);
    expect(first.reasons.join('\n')).toMatch(/i-0+4 is drained and empty, kept/);
    // Each moved task fits on an ACTIVE host: none is named as fitting nowhere.
    expect(first.reasons.join('\n')).not.toMatch(WAIT);
    // ECS has placed them: the headroom has no room left but the drained host's.
    const second = planOf(snapshot(true), { headroomTasks: 1 });
    expect(second.activate.map((a) => a.ec2InstanceId)).toEqual([id(4)]);
    expect(second.terminate).not.toContain(id(4));
    expect(second.desiredCapacity.proposed).toBe(second.desiredCapacity.current);
  });

  it('terminates it when the moved tasks and the headroom fit on the ACTIVE hosts', () => {
    const plan = planOf(snapshot(false), { headroomTasks: 0 });
    expect(plan.activate).toEqual([]);
    expect(plan.terminate).toContain(id(4));
  });
});
