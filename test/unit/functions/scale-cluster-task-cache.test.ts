/**
 * Issue 19: the cluster decision with the task-list cache (shared/aws/task-reader.ts) behind its
 * `readTasks` port. A cached list is used only while the instance's version and counts are those it was
 * read at: a job that starts on an instance the previous decision read makes the next decision read that
 * instance again, see the job, and not drain it — while the unchanged instances cost no call.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterPorts, scaleCluster } from '../../../functions/cluster-scaler/scale-cluster.js';
import { InstanceTaskCache, readInstanceTasks } from '../../../shared/aws/task-reader.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import type { ClusterSnapshot, Task } from '../../../shared/core/snapshot/index.js';
import { ciArn, fleet, NOW, snapshotOf, taskOn } from '../planner/builders.js';

const ecs = mockClient(ECSClient);
const clients = {
  ecs: new ECSClient({ region: 'us-east-1' }),
  autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
  applicationAutoScaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
};
afterEach(() => ecs.reset());

const id = (n: number) => `i-${String(n).padStart(17, '0')}`;

/** ECS answers ListTasks / DescribeTasks from `tasks`, each desired RUNNING unless it says otherwise. */
const serve = (tasks: (Task & { desiredStatus?: string })[]) => {
  const desired = (t: Task & { desiredStatus?: string }) => t.desiredStatus ?? 'RUNNING';
  ecs.reset();
  ecs.on(ListTasksCommand).callsFake((input: { containerInstance?: string; desiredStatus?: string }) => ({
    taskArns: tasks
      .filter((t) => t.containerInstanceArn === input.containerInstance && desired(t) === input.desiredStatus)
      .map((t) => t.taskArn),
  }));
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: tasks
      .filter((t) => input.tasks.includes(t.taskArn))
      .map((t) => ({ ...t, desiredStatus: desired(t) })),
  }));
};

/**
 * The snapshot as DescribeContainerInstances shows it (counts and a version per instance, no tasks) and
 * the tasks ECS lists. Before: one `web` task on each of 3 instances. After: on i-1 the `web` task was
 * replaced by a standalone job — same counts and reservations, and ECS bumped i-1's version
 * (ecs-facts §7.5) unless `staleVersion` pretends it did not.
 */
const world = (jobOnFirst: boolean, staleVersion = false): { snapshot: ClusterSnapshot; tasks: Task[] } => {
  const job: Task = {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c1/job-1',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/job:1',
    containerInstanceArn: ciArn(id(1)),
    lastStatus: 'RUNNING',
    group: 'family:job',
    cpu: '512',
    memory: '1024',
  };
  const web = [1, 2, 3].map((n) => taskOn(id(n), 'web', n));
  const tasks = jobOnFirst ? [job, web[1]!, web[2]!] : web;
  const snapshot = snapshotOf({
    instances: fleet(3, { usedCpu: 512, usedMem: 1024, running: 1 }),
    services: [{ name: 'web', cpu: 512, mem: 1024, desired: jobOnFirst ? 2 : 3 }],
    group: { min: 1 },
  });
  delete snapshot.tasks;
  for (const ci of snapshot.containerInstances) {
    ci.version = jobOnFirst && !staleVersion && ci.ec2InstanceId === id(1) ? 8 : 7;
  }
  return { snapshot, tasks };
};

const decide = (
  snapshot: ClusterSnapshot,
  cache: InstanceTaskCache,
  policy: Partial<typeof DEFAULT_CLUSTER_POLICY> = {},
) => {
  const ports: ClusterPorts = {
    readSnapshot: async () => structuredClone(snapshot),
    readTasks: (cluster, arns, stamps) =>
      readInstanceTasks(cluster, arns, { clients, cache, ...(stamps ? { stamps } : {}) }),
    writer: {} as ClusterPorts['writer'],
  };
  return scaleCluster(
    'c1',
    ports,
    { dryRun: true, defaults: { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0, ...policy } },
    () => NOW,
  );
};

const listedInstances = () =>
  new Set(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input.containerInstance));

describe('cluster decision with the task-list cache', () => {
  it('reads again the instance whose version changed, sees its job and does not drain it', async () => {
    const cache = new InstanceTaskCache();
    const before = world(false);
    serve(before.tasks);
    const first = await decide(before.snapshot, cache);
    expect(first.plan.action).toBe('scale-in');
    expect(first.plan.drain.map((d) => d.ec2InstanceId)).toContain(id(1));
    const readFirst = listedInstances();
    expect(readFirst.has(ciArn(id(1)))).toBe(true);

    const after = world(true);
    serve(after.tasks);
    const second = await decide(after.snapshot, cache);
    // i-1 is read again (new version), the unchanged instances are not; the job is seen, i-1 stays.
    const readSecond = listedInstances();
    expect(readSecond.has(ciArn(id(1)))).toBe(true);
    for (const arn of readFirst) if (arn !== ciArn(id(1))) expect(readSecond.has(arn)).toBe(false);
    expect(second.plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
    expect(second.plan.drain.length).toBeGreaterThan(0);
  });

  it('control: a cache consulted under an unchanged stamp would drain the job host (what the version key prevents)', async () => {
    const cache = new InstanceTaskCache();
    serve(world(false).tasks);
    await decide(world(false).snapshot, cache);
    const stale = world(true, true);
    serve(stale.tasks);
    const second = await decide(stale.snapshot, cache);
    expect(second.plan.drain.map((d) => d.ec2InstanceId)).toContain(id(1));
  });

  it('decides the same with the cache as with fresh reads', async () => {
    const after = world(true);
    serve(after.tasks);
    const fresh = await decide(after.snapshot, new InstanceTaskCache());
    const cache = new InstanceTaskCache();
    await decide(after.snapshot, cache);
    ecs.resetHistory();
    const cached = await decide(after.snapshot, cache);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(0);
    expect(cached.plan.drain).toEqual(fresh.plan.drain);
    expect(cached.plan.desiredCapacity).toEqual(fresh.plan.desiredCapacity);
    expect(cached.plan.action).toBe(fresh.plan.action);
  });

  it('reads a DRAINING instance again: ECS stops its tasks without changing its version (fault matrix seed 17001)', async () => {
    // i-1 is held by the terminate hook and DRAINING; its 2 web tasks move to i-3. At the first decision
    // they still run where they are (desired RUNNING) and fit on i-3. By the second, ECS has started
    // their replacements on i-3 and is stopping them (desired STOPPED, still RUNNING through a long
    // stopTimeout): i-1's version and counts have not changed — a task's desired status is no event of its
    // instance (ecs-facts §7.5) — so a cached list would say they still need room and buy instances.
    const web = (n: number, on: number, desiredStatus = 'RUNNING'): Task & { desiredStatus: string } => ({
      ...taskOn(id(on), 'web', n),
      desiredStatus,
    });
    const snapshotAt = (moved: boolean): ClusterSnapshot => {
      const snapshot = snapshotOf({
        instances: [
          { id: id(1), status: 'DRAINING', usedCpu: 2048, usedMem: 4096, running: 2 },
          { id: id(2), usedCpu: 4096, usedMem: 8192, running: 4 },
          { id: id(3), usedCpu: moved ? 4096 : 2048, usedMem: moved ? 8192 : 4096, running: moved ? 4 : 2 },
        ],
        services: [{ name: 'web', cpu: 1024, mem: 2048, desired: 8 }],
        group: { min: 1, desired: 2 },
      });
      delete snapshot.tasks;
      const g = snapshot.autoScalingGroups[0]!;
      g.Instances!.find((i) => i.InstanceId === id(1))!.LifecycleState = 'Terminating:Wait';
      for (const ci of snapshot.containerInstances) {
        ci.version = moved && ci.ec2InstanceId === id(3) ? 8 : 7;
      }
      return snapshot;
    };
    const tasksAt = (moved: boolean) => [
      web(1, 1, moved ? 'STOPPED' : 'RUNNING'),
      web(2, 1, moved ? 'STOPPED' : 'RUNNING'),
      ...[3, 4, 5, 6].map((n) => web(n, 2)),
      web(7, 3),
      web(8, 3),
      ...(moved ? [web(9, 3), web(10, 3)] : []),
    ];
    const cache = new InstanceTaskCache();
    const decideNoHeadroom = (snapshot: ClusterSnapshot) => decide(snapshot, cache, { headroomTasks: 0 });
    serve(tasksAt(false));
    const first = await decideNoHeadroom(snapshotAt(false));
    expect(listedInstances().has(ciArn(id(1)))).toBe(true);
    expect(first.plan.action).not.toBe('scale-out');

    serve(tasksAt(true));
    const second = await decideNoHeadroom(snapshotAt(true));
    expect(listedInstances().has(ciArn(id(1)))).toBe(true);
    expect(second.plan.desiredCapacity.proposed).toBe(2);
    expect(second.plan.action).not.toBe('scale-out');
    expect(second.plan.reasons.join(' ')).not.toMatch(/fit on no ACTIVE one/);
  });
});
