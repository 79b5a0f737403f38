/**
 * Issue 19: the scale-in candidates' task lists are kept across decisions in a warm container, keyed by
 * cluster + container instance and stamped with the snapshot's `version` and task counts. Call counts
 * with aws-sdk-client-mock: an unchanged instance is not read again; any change is.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstanceTaskCache, instanceStamp, readInstanceTasks } from '../../../shared/aws/task-reader.js';

const ecs = mockClient(ECSClient);
const clients = {
  ecs: new ECSClient({ region: 'us-east-1' }),
  autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
  applicationAutoScaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
};
const CI = (n: number) => `arn:aws:ecs:us-east-1:123456789012:container-instance/web/ci-${n}`;
const TASK = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/web/t-${n}`;

/** The world ECS answers from: task numbers per instance (all RUNNING, desired RUNNING). */
let world: Map<string, number[]>;
beforeEach(() => {
  world = new Map([
    [CI(1), [1]],
    [CI(2), []],
  ]);
  ecs.on(ListTasksCommand).callsFake((input: { containerInstance?: string; desiredStatus?: string }) => ({
    taskArns: input.desiredStatus === 'RUNNING' ? (world.get(input.containerInstance!) ?? []).map(TASK) : [],
  }));
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: input.tasks.map((arn) => {
      const ci = [...world.entries()].find(([, ts]) => ts.map(TASK).includes(arn))![0];
      return {
        taskArn: arn,
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/job:1',
        containerInstanceArn: ci,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
      };
    }),
  }));
});
afterEach(() => ecs.reset());

const stampsOf = (v: Record<number, { version?: number; running: number }>) =>
  new Map(
    Object.entries(v).map(([n, s]) => [
      CI(Number(n)),
      instanceStamp({ version: s.version, runningTasksCount: s.running, pendingTasksCount: 0 }),
    ]),
  );

describe('InstanceTaskCache with readInstanceTasks', () => {
  it('reads an instance once while its version and counts stay the same', async () => {
    const cache = new InstanceTaskCache();
    const stamps = stampsOf({ 1: { version: 7, running: 1 }, 2: { version: 3, running: 0 } });
    const first = await readInstanceTasks('web', [CI(1), CI(2)], { clients, cache, stamps });
    expect(first.map((t) => t.taskArn)).toEqual([TASK(1)]);
    const listsFirst = ecs.commandCalls(ListTasksCommand).length;
    expect(listsFirst).toBe(4); // 2 instances × desired RUNNING and STOPPED
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(1);

    const second = await readInstanceTasks('web', [CI(1), CI(2)], { clients, cache, stamps });
    expect(second.map((t) => t.taskArn)).toEqual([TASK(1)]);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(listsFirst);
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(1);
  });

  it('reads again the instance whose version changed and sees the task that started there', async () => {
    const cache = new InstanceTaskCache();
    await readInstanceTasks('web', [CI(1), CI(2)], {
      clients,
      cache,
      stamps: stampsOf({ 1: { version: 7, running: 1 }, 2: { version: 3, running: 0 } }),
    });
    ecs.resetHistory();
    world.set(CI(2), [2]); // a job started on the empty instance: ECS bumps its version
    const tasks = await readInstanceTasks('web', [CI(1), CI(2)], {
      clients,
      cache,
      stamps: stampsOf({ 1: { version: 7, running: 1 }, 2: { version: 4, running: 1 } }),
    });
    expect(tasks.map((t) => t.taskArn).sort()).toEqual([TASK(1), TASK(2)]);
    const listed = ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input.containerInstance);
    expect(new Set(listed)).toEqual(new Set([CI(2)]));
  });

  it('reads again when only the counts changed (same version), and never caches an instance without a version', async () => {
    const cache = new InstanceTaskCache();
    await readInstanceTasks('web', [CI(2)], {
      clients,
      cache,
      stamps: stampsOf({ 2: { version: 3, running: 0 } }),
    });
    world.set(CI(2), [3]);
    ecs.resetHistory();
    const tasks = await readInstanceTasks('web', [CI(2)], {
      clients,
      cache,
      stamps: stampsOf({ 2: { version: 3, running: 1 } }),
    });
    expect(tasks.map((t) => t.taskArn)).toEqual([TASK(3)]);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(2);

    const noVersion = stampsOf({ 1: { running: 1 } });
    await readInstanceTasks('web', [CI(1)], { clients, cache, stamps: noVersion });
    ecs.resetHistory();
    await readInstanceTasks('web', [CI(1)], { clients, cache, stamps: noVersion });
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(2);
  });

  it('keys by cluster: the same instance ARN in another cluster is read', async () => {
    const cache = new InstanceTaskCache();
    const stamps = stampsOf({ 1: { version: 7, running: 1 } });
    await readInstanceTasks('web', [CI(1)], { clients, cache, stamps });
    ecs.resetHistory();
    await readInstanceTasks('batch', [CI(1)], { clients, cache, stamps });
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(2);
  });

  it('forgets the oldest entries beyond its size', () => {
    const cache = new InstanceTaskCache(2);
    cache.set('web', CI(1), '1|0|0', []);
    cache.set('web', CI(2), '1|0|0', []);
    cache.set('web', CI(3), '1|0|0', []);
    expect(cache.size).toBe(2);
    expect(cache.get('web', CI(1), '1|0|0')).toBeUndefined();
    expect(cache.get('web', CI(3), '1|0|0')).toEqual([]);
  });
});
