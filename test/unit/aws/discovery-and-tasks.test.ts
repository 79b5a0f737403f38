import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { listReportClusters } from '../../../shared/aws/cluster-discovery.js';
import { readInstanceTasks } from '../../../shared/aws/task-reader.js';
import { AutoscalerError, TransientAwsError } from '../../../shared/core/errors.js';

const group = (name: string, cluster: string): AutoScalingGroup => ({
  AutoScalingGroupName: name,
  MinSize: 0,
  MaxSize: 1,
  DesiredCapacity: 0,
  DefaultCooldown: 300,
  AvailabilityZones: ['us-east-1a'],
  HealthCheckType: 'EC2',
  CreatedTime: new Date(),
  Tags: [{ Key: 'ecs-autoscaler:cluster', Value: cluster }],
});
const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
const clients = {
  ecs: new ECSClient({ region: 'us-east-1' }),
  autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
  applicationAutoScaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
};
afterEach(() => {
  ecs.reset();
  asg.reset();
});

describe('listReportClusters', () => {
  it('returns the clusters named by tagged ASGs, over every page, without listing clusters', async () => {
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({
        AutoScalingGroups: [group('a', 'web')],
        NextToken: 't',
      })
      .resolvesOnce({
        AutoScalingGroups: [group('b', 'batch'), group('c', 'web')],
      });
    expect(await listReportClusters({ clients })).toEqual(['batch', 'web']);
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag-key', Values: ['ecs-autoscaler:cluster'] }],
      MaxRecords: 100,
    });
    expect(asg).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 2);
    expect(ecs).toHaveReceivedCommandTimes(ListClustersCommand, 0);
  });

  it('falls back to every cluster when no ASG is tagged', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    ecs
      .on(ListClustersCommand)
      .resolvesOnce({ clusterArns: ['arn:aws:ecs:us-east-1:1:cluster/zeta'], nextToken: 'n' })
      .resolvesOnce({ clusterArns: ['arn:aws:ecs:us-east-1:1:cluster/alpha'] });
    expect(await listReportClusters({ clients })).toEqual(['alpha', 'zeta']);
    expect(ecs).toHaveReceivedCommandWith(ListClustersCommand, { maxResults: 100, nextToken: 'n' });
  });
});

describe('readInstanceTasks', () => {
  const arns = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `arn:aws:ecs:us-east-1:1:task/c/${prefix}${i}`);

  it('lists tasks per instance and desired status, and describes them in batches of 100', async () => {
    ecs
      .on(ListTasksCommand, { containerInstance: 'ci-1', desiredStatus: 'RUNNING' })
      .resolvesOnce({ taskArns: arns('a', 100), nextToken: 'more' })
      .resolvesOnce({ taskArns: arns('b', 20) })
      .on(ListTasksCommand, { containerInstance: 'ci-2', desiredStatus: 'RUNNING' })
      .resolves({ taskArns: arns('c', 5) })
      .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolves({ taskArns: [] });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ({
        taskArn,
        taskDefinitionArn: 'td',
        lastStatus: 'RUNNING',
        createdAt: new Date('2026-11-22T00:00:00Z'),
      })),
    }));
    const tasks = await readInstanceTasks('c', ['ci-1', 'ci-2'], { clients });
    expect(tasks).toHaveLength(125);
    expect(tasks[0]!.createdAt).toBe('2026-11-22T00:00:00.000Z');
    expect(ecs).toHaveReceivedCommandTimes(ListTasksCommand, 5);
    expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 2);
    expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'c',
      containerInstance: 'ci-1',
      desiredStatus: 'RUNNING',
      maxResults: 100,
      nextToken: 'more',
    });
  });

  it('keeps tasks that are stopping and drops those already STOPPED', async () => {
    ecs
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: arns('run', 1) })
      .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolves({ taskArns: [...arns('stopping', 1), ...arns('gone', 1)] });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ({
        taskArn,
        taskDefinitionArn: 'td',
        desiredStatus: taskArn.includes('run') ? 'RUNNING' : 'STOPPED',
        lastStatus: taskArn.includes('gone')
          ? 'STOPPED'
          : taskArn.includes('stopping')
            ? 'DEACTIVATING'
            : 'RUNNING',
      })),
    }));
    const tasks = await readInstanceTasks('c', ['ci-1'], { clients });
    expect(tasks.map((t) => [t.taskArn.split('/').pop(), t.lastStatus])).toEqual([
      ['run0', 'RUNNING'],
      ['stopping0', 'DEACTIVATING'],
    ]);
  });
  describe('fails closed on a partial or malformed DescribeTasks answer', () => {
    const listTwo = () =>
      ecs
        .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
        .resolves({ taskArns: arns('t', 2) })
        .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
        .resolves({ taskArns: [] });
    const task = (taskArn: string) => ({ taskArn, taskDefinitionArn: 'td', lastStatus: 'RUNNING' });
    const [first, second] = arns('t', 2) as [string, string];

    it.each([
      ['MISSING', { tasks: [task(first)], failures: [{ arn: second, reason: 'MISSING' }] }, 'MISSING'],
      [
        'another reason',
        { tasks: [task(first)], failures: [{ arn: second, reason: 'UNAVAILABLE', detail: 'later' }] },
        'UNAVAILABLE (later)',
      ],
      ['absent from the answer', { tasks: [task(first)] }, 'absent from the answer'],
    ])('throws TransientAwsError naming the task that stays unread (%s)', async (_c, answer, why) => {
      listTwo();
      ecs.on(DescribeTasksCommand).resolves(answer);
      const error = await readInstanceTasks('c', ['ci-1'], { clients }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientAwsError);
      expect((error as Error).message).toContain(`${second}: ${why}`);
      expect((error as Error).message).toContain('never judged empty');
      expect(ecs).toHaveReceivedCommandTimes(DescribeTasksCommand, 3);
    });

    it('asks again only for the tasks it could not read, and returns them all', async () => {
      listTwo();
      ecs
        .on(DescribeTasksCommand)
        .resolvesOnce({ tasks: [task(first)], failures: [{ arn: second, reason: 'UNAVAILABLE' }] })
        .resolves({ tasks: [task(second)] });
      const tasks = await readInstanceTasks('c', ['ci-1'], { clients });
      expect(tasks.map((t) => t.taskArn)).toEqual([first, second]);
      expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks)).toEqual([
        [first, second],
        [second],
      ]);
    });

    it('throws an AutoscalerError naming the field, not a ZodError, for a task without taskDefinitionArn', async () => {
      listTwo();
      ecs
        .on(DescribeTasksCommand)
        .resolves({ tasks: [task(first), { taskArn: second, lastStatus: 'RUNNING' }] });
      const error = await readInstanceTasks('c', ['ci-1'], { clients }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AutoscalerError);
      expect(error).toBeInstanceOf(TransientAwsError);
      expect((error as Error).message).toContain(`task ${second}`);
      expect((error as Error).message).toContain('taskDefinitionArn');
    });

    it('reads the same task once when both listings name it (it stopped between the two calls)', async () => {
      ecs.on(ListTasksCommand).resolves({ taskArns: [first] });
      ecs.on(DescribeTasksCommand).resolves({ tasks: [task(first)] });
      expect(await readInstanceTasks('c', ['ci-1'], { clients })).toHaveLength(1);
      expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { cluster: 'c', tasks: [first] });
    });
  });
});
