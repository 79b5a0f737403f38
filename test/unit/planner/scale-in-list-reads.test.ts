/**
 * Issue 19's task-list reads for scale-in, as the fault suite found them (issue 15): when nothing counts
 * removable, the emptiest candidate whose list is not known is asked for, even when a busy candidate's
 * list is known already and keeps its instance. Before, one known list stopped every later read: two
 * daemon-only instances were never read, never drained (`no-convergence`, ramp-down / throttling / seed 2).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { planCluster } from '../../../shared/core/cluster/planner.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { ciArn, NOW, planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const az = 'us-east-1a';
/** As the handler plans before its list reads: drains wait for their lists, which the plan asks for. */
const planAsking = (snapshot: ClusterSnapshot) =>
  planCluster(
    snapshot,
    analyzeCapacity(snapshot),
    { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0 },
    NOW,
    { drainReadOnly: 'ask' },
  );

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

describe('planCluster — daemon-only instances the sizes cannot tell (random world 326631)', () => {
  // The daemon is as large as `web`'s task, so an unread host running one task of that size may run either:
  // no inference, each such host sized as one `big` task (the largest), which the others must take. Three
  // such hosts (2,816 MiB free each) and two listed busy ones (768 and 1,792 MiB free). Sized so, one can
  // go; read (the daemon alone, which stops with its host), two can — the third stays as the headroom's room.
  const cluster = (listed: boolean, busy4 = false) =>
    snapshotOf({
      instances: [
        { id: id(1), cpu: 2048, mem: 3840, usedCpu: 1280, usedMem: 3072, running: 2, az },
        ...[2, 3, 4].map((n) => ({
          id: id(n),
          cpu: 2048,
          mem: 3840,
          usedCpu: busy4 && n === 4 ? 512 : 256,
          usedMem: busy4 && n === 4 ? 2048 : 1024,
          running: busy4 && n === 4 ? 2 : 1,
          az,
        })),
        { id: id(5), cpu: 2048, mem: 3840, usedCpu: 512, usedMem: 2048, running: 2, az },
      ],
      services: [
        { name: 'big', cpu: 1024, mem: 2048, desired: 1 },
        { name: 'web', cpu: 256, mem: 1024, desired: busy4 ? 2 : 1 },
        { name: 'agent', cpu: 256, mem: 1024, desired: 5, daemon: true },
      ],
      group: { min: 1 },
      tasks: [
        taskOn(id(1), 'big', 1),
        taskOn(id(1), 'agent', 1),
        taskOn(id(5), 'web', 1),
        taskOn(id(5), 'agent', 5),
        ...(listed ? [2, 3, 4].map((n) => taskOn(id(n), 'agent', n)) : []),
      ],
    });
  const plan = (listed: boolean, busy4 = false) => planAsking(cluster(listed, busy4));

  it('does not ask for a kept candidate with more tasks than the cluster has daemon services', () => {
    // The same, with id4 running the daemon and a web task: not a daemon-only host; its list waits until
    // nothing counts (bench:account: asking for every kept candidate slowed its largest decisions 4 ×).
    const p = plan(false, true);
    expect(p.needsTasks).toEqual(expect.arrayContaining([ciArn(id(2)), ciArn(id(3))]));
    expect(p.needsTasks).not.toContain(ciArn(id(4)));
  });

  it('asks for the lists of those the sizing kept, not only of the one about to drain', () => {
    const p = plan(false);
    // Unread: nothing drains yet (drains wait for their lists); one counts, and the other two lists are
    // asked for too (each runs no more tasks than the cluster has daemon services) — else each host
    // waited its own unneeded time after the one before.
    expect(p.drain).toEqual([]);
    expect(p.needsTasks).toEqual(expect.arrayContaining([ciArn(id(2)), ciArn(id(3)), ciArn(id(4))]));
  });

  it('with the lists read, two go in one decision and the third stays for the headroom', () => {
    const p = plan(true);
    expect(p.drain).toHaveLength(2);
    expect(p.drain.map((d) => d.ec2InstanceId).every((i) => [id(2), id(3), id(4)].includes(i))).toBe(true);
  });
});

describe('planCluster — scale-in task-list reads with placement rules in use', () => {
  // Service `edge` takes static host port 80, so the placement model trusts no sizing of an unlisted task:
  // an unlisted busy instance is removable only once its list is read.
  const cluster = (listed: boolean) => {
    const snapshot = snapshotOf({
      instances: [
        { id: id(1), usedCpu: 256, usedMem: 512, running: 1, az },
        { id: id(2), usedCpu: 512, usedMem: 1024, running: 1, az },
        { id: id(3), running: 0, az },
        { id: id(4), usedCpu: 1024, usedMem: 2048, running: 2, az },
      ],
      services: [
        { name: 'edge', cpu: 256, mem: 512, desired: 1 },
        { name: 'web', cpu: 512, mem: 1024, desired: 3 },
      ],
      group: { min: 1 },
      ...(listed
        ? {
            tasks: [
              taskOn(id(1), 'edge', 1),
              taskOn(id(2), 'web', 1),
              taskOn(id(4), 'web', 2),
              taskOn(id(4), 'web', 3),
            ],
          }
        : {}),
    });
    snapshot.taskDefinitions.find((d) => d.taskDefinitionArn.includes('/edge:'))!.containerDefinitions = [
      { name: 'edge', portMappings: [{ containerPort: 8080, hostPort: 80, protocol: 'tcp' }] },
    ] as never;
    const host = snapshot.containerInstances.find((c) => c.ec2InstanceId === id(1))!;
    host.remainingResources = [
      ...(host.remainingResources ?? []),
      { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '80'] },
    ] as never;
    return snapshot;
  };
  const plan = (listed: boolean) => planAsking(cluster(listed));

  it('asks for the busy candidates the rules leave undecided even when the empty one counts', () => {
    const p = plan(false);
    // The empty instance counts (and drains); the busy ones cannot be sized without their lists.
    expect(p.drain.map((d) => d.ec2InstanceId)).toEqual([id(3)]);
    expect(p.needsTasks).toEqual(expect.arrayContaining([ciArn(id(1)), ciArn(id(2))]));
  });

  it('with those lists read, the count reaches every instance that can go', () => {
    const p = plan(true);
    // Edge and one web move onto id4 (port 80 free there); id4 holds 3 web, edge and the headroom.
    expect(p.drain.map((d) => d.ec2InstanceId).sort()).toEqual([id(1), id(2), id(3)]);
    expect(p.desiredCapacity).toEqual({ current: 4, proposed: 1 });
  });
});

describe('planCluster — which unread list is asked for first', () => {
  // Zone world 245299: two busy instances in the fullest AZ, the daemon alone on one in another AZ, no list
  // read, static host port 80 in use (no sizing trusted), the daemon as large as the service's task (so the
  // sizes cannot tell the idle host: nothing counts removable). The one read of a decision went to a busy host of
  // the fullest AZ (the order candidates are tried in), the next round's to the other: every decision,
  // and the idle host was never read, never drained.
  it('the emptiest unread candidate, whatever its AZ', () => {
    const snapshot = snapshotOf({
      instances: [
        { id: id(1), usedCpu: 1024, usedMem: 2048, running: 2, az: 'us-east-1b' },
        { id: id(2), usedCpu: 1024, usedMem: 2048, running: 2, az: 'us-east-1b' },
        { id: id(3), usedCpu: 512, usedMem: 1024, running: 1, az: 'us-east-1a' },
      ],
      services: [
        { name: 'edge', cpu: 512, mem: 1024, desired: 2 },
        { name: 'agent', cpu: 512, mem: 1024, desired: 3, daemon: true },
      ],
      group: { min: 1 },
    });
    snapshot.taskDefinitions.find((d) => d.taskDefinitionArn.includes('/edge:'))!.containerDefinitions = [
      { name: 'edge', portMappings: [{ containerPort: 8080, hostPort: 80, protocol: 'tcp' }] },
    ] as never;
    const p = planCluster(
      snapshot,
      analyzeCapacity(snapshot),
      { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0 },
      NOW,
      { drainReadOnly: 'ask' },
    );
    expect(p.drain).toEqual([]);
    expect(p.needsTasks).toEqual([ciArn(id(3))]);
  });
});

describe('planCluster — the list of a DRAINING instance whose tasks count as moving', () => {
  // Someone's drained host outside the group runs one `big` task, unlisted: it counts as one of the
  // largest task (2,048 CPU) moving onto the instances that stay. No headroom.
  const cluster = (third: 'idle' | 'busy') =>
    snapshotOf({
      instances: [
        { id: id(1), usedCpu: 3072, usedMem: 3072, running: 3, az },
        { id: id(2), running: 0, az },
        third === 'idle'
          ? { id: id(3), running: 0, az }
          : { id: id(3), usedCpu: 2048, usedMem: 2048, running: 2, az },
        { id: id(4), usedCpu: 2048, usedMem: 2048, running: 1, az, status: 'DRAINING', outsideGroup: true },
      ],
      services: [
        { name: 'web', cpu: 1024, mem: 1024, desired: third === 'idle' ? 3 : 5 },
        { name: 'big', cpu: 2048, mem: 2048, desired: 1 },
      ],
      tasks: [
        ...[1, 2, 3].map((n) => taskOn(id(1), 'web', n)),
        ...(third === 'busy' ? [4, 5].map((n) => taskOn(id(3), 'web', n)) : []),
      ],
    });

  it('is asked for when the next idle instance would go without the task assumed there (world 310268)', () => {
    // One idle instance counts; the other stays only as room for the assumed `big` task.
    const plan = planOf(cluster('idle'), { headroomTasks: 0 });
    expect(plan.drain).toHaveLength(1);
    expect(plan.needsTasks).toContain(ciArn(id(4)));
  });

  it('is not asked for when the instance that stays could not go anyway (its own tasks fit nowhere else)', () => {
    // The busy instance's two web tasks need 2,048 CPU; the other staying instance has 1,024 free.
    const plan = planOf(cluster('busy'), { headroomTasks: 0 });
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(2)]);
    expect(plan.needsTasks).not.toContain(ciArn(id(4)));
  });
});
