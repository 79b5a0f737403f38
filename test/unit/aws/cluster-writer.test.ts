import {
  AutoScalingClient,
  AutoScalingServiceException,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { ECSClient, ECSServiceException, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyClusterPlan } from '../../../shared/aws/cluster-actuator.js';
import { listManagedClusters } from '../../../shared/aws/cluster-groups.js';
import { AwsClusterWriter, type ClusterWriter } from '../../../shared/aws/cluster-writer.js';
import type { ClusterPlan } from '../../../shared/core/cluster/planner.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import { emptyPlan } from '../planner/builders.js';

const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
const ids = (n: number) => Array.from({ length: n }, (_, k) => `i-${String(k).padStart(17, '0')}`);

const asgError = (name: string, status: number, message = name) =>
  new AutoScalingServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

beforeEach(() => {
  ecs.reset();
  asg.reset();
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(SetInstanceProtectionCommand).resolves({});
  asg.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
  asg.on(CreateOrUpdateTagsCommand).resolves({});
  ecs.on(UpdateContainerInstancesStateCommand).resolves({ failures: [] });
});

describe('AwsClusterWriter', () => {
  it('sets an absolute desired capacity without honouring the ASG cooldown', async () => {
    await writer.setDesiredCapacity('asg-web', 7);
    expect(asg).toHaveReceivedCommandWith(SetDesiredCapacityCommand, {
      AutoScalingGroupName: 'asg-web',
      DesiredCapacity: 7,
      HonorCooldown: false,
    });
  });

  it('protects instances in batches of 50 (SetInstanceProtection limit)', async () => {
    await writer.protectInstances('asg-web', ids(120));
    expect(asg).toHaveReceivedCommandTimes(SetInstanceProtectionCommand, 3);
    const sizes = asg
      .commandCalls(SetInstanceProtectionCommand)
      .map((c) => c.args[0].input.InstanceIds?.length);
    expect(sizes).toEqual([50, 50, 20]);
    expect(asg).toHaveReceivedCommandWith(SetInstanceProtectionCommand, {
      AutoScalingGroupName: 'asg-web',
      ProtectedFromScaleIn: true,
    });
  });

  it('changes container instance state in batches of 10 and returns ECS failures', async () => {
    ecs
      .on(UpdateContainerInstancesStateCommand)
      .resolvesOnce({ failures: [{ arn: 'arn:ci/3', reason: 'MISSING' }] })
      .resolves({ failures: [] });
    const arns = Array.from({ length: 23 }, (_, k) => `arn:ci/${k}`);
    const failed = await writer.setContainerInstancesState('web', arns, 'DRAINING');
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 3);
    expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      cluster: 'web',
      containerInstances: arns.slice(20),
      status: 'DRAINING',
    });
    expect(failed).toEqual([{ arn: 'arn:ci/3', reason: 'MISSING' }]);
  });

  it('terminates decrementing the desired capacity', async () => {
    await writer.terminateInstance('i-00000000000000001');
    expect(asg).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: 'i-00000000000000001',
      ShouldDecrementDesiredCapacity: true,
    });
  });

  it('writes state tags without propagating them to instances', async () => {
    await writer.tagGroup('asg-web', { 'ecs-autoscaler:last-scale-out': '2026-11-22T12:00:00.000Z' });
    expect(asg).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [
        {
          ResourceId: 'asg-web',
          ResourceType: 'auto-scaling-group',
          Key: 'ecs-autoscaler:last-scale-out',
          Value: '2026-11-22T12:00:00.000Z',
          PropagateAtLaunch: false,
        },
      ],
    });
    await writer.tagGroup('asg-web', {});
    expect(asg).toHaveReceivedCommandTimes(CreateOrUpdateTagsCommand, 1);
  });

  it.each([
    ['ScalingActivityInProgressFault', 400, TransientAwsError, /busy/],
    ['ResourceContentionFault', 500, TransientAwsError, /retry/],
    ['Throttling', 400, TransientAwsError, /temporarily/],
    [
      'AccessDenied',
      403,
      AwsRejectedError,
      /grant autoscaling:SetDesiredCapacity.*tagged ecs-autoscaler:cluster/,
    ],
    [
      'ValidationError',
      400,
      AwsRejectedError,
      /autoscaling:SetDesiredCapacity was rejected \(ValidationError\).*asg-web/,
    ],
  ])('translates %s', async (name, status, type, message) => {
    asg.on(SetDesiredCapacityCommand).rejects(asgError(name, status));
    const run = writer.setDesiredCapacity('asg-web', 3);
    await expect(run).rejects.toBeInstanceOf(type);
    await expect(writer.setDesiredCapacity('asg-web', 3)).rejects.toThrow(message);
  });

  it('reports a termination below MinSize as rejected, naming the instance', async () => {
    asg
      .on(TerminateInstanceInAutoScalingGroupCommand)
      .rejects(
        asgError(
          'ValidationError',
          400,
          "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint.",
        ),
      );
    await expect(writer.terminateInstance('i-00000000000000001')).rejects.toThrow(
      /min size constraint.*i-00000000000000001/,
    );
  });

  it('translates an ECS access denial naming the action', async () => {
    ecs.on(UpdateContainerInstancesStateCommand).rejects(
      new ECSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'no',
      }),
    );
    await expect(writer.setContainerInstancesState('web', ['arn:ci/1'], 'DRAINING')).rejects.toThrow(
      /grant ecs:UpdateContainerInstancesState/,
    );
  });
});

describe('listManagedClusters', () => {
  it('pages through tagged groups and groups them by cluster', async () => {
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({
        AutoScalingGroups: [
          { AutoScalingGroupName: 'b-asg', Tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'b' }] } as never,
          { AutoScalingGroupName: 'empty', Tags: [{ Key: 'ecs-autoscaler:cluster', Value: ' ' }] } as never,
        ],
        NextToken: 't1',
      })
      .resolves({
        AutoScalingGroups: [
          { AutoScalingGroupName: 'a-asg', Tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'a' }] } as never,
          { AutoScalingGroupName: 'b-asg2', Tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'b' }] } as never,
        ],
      });
    const clusters = await listManagedClusters(new AutoScalingClient({}));
    expect([...clusters.entries()]).toEqual([
      ['a', ['a-asg']],
      ['b', ['b-asg', 'b-asg2']],
    ]);
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag-key', Values: ['ecs-autoscaler:cluster'] }],
      MaxRecords: 100,
      NextToken: 't1',
    });
  });
});

describe('applyClusterPlan', () => {
  const plan = (over: Partial<ClusterPlan>): ClusterPlan =>
    emptyPlan({
      cluster: 'web',
      autoScalingGroup: 'asg-web',
      desiredCapacity: { current: 3, proposed: 3 },
      limits: { min: 0, max: 10 },
      reasons: ['test'],
      ...over,
    });
  const recorder = (): { calls: string[]; writer: ClusterWriter } => {
    const calls: string[] = [];
    return {
      calls,
      writer: {
        setDesiredCapacity: async (_a, d) => void calls.push(`desired ${d}`),
        protectInstances: async (_a, i) => void calls.push(`protect ${i.join(',')}`),
        setContainerInstancesState: async (_c, arns, s) => {
          calls.push(`${s} ${arns.join(',')}`);
          return [];
        },
        terminateInstance: async (i) => void calls.push(`terminate ${i}`),
        tagGroup: async (_a, t) => void calls.push(`tags ${Object.keys(t).join(',')}`),
        writeAttributes: async (_c, w, remove) =>
          void calls.push(`${remove ? 'delete' : 'put'} ${w.map((x) => x.name).join(',')}`),
        markUnhealthy: async (i) => void calls.push(`unhealthy ${i}`),
      },
    };
  };

  it('scale-out: protect, then desired capacity, then the state tag', async () => {
    const { calls, writer: w } = recorder();
    await applyClusterPlan(
      plan({
        action: 'scale-out',
        desiredCapacity: { current: 3, proposed: 5 },
        protect: ['i-1'],
        stateTags: { 'ecs-autoscaler:last-scale-out': 'T' },
      }),
      w,
      { dryRun: false },
    );
    expect(calls).toEqual(['protect i-1', 'desired 5', 'tags ecs-autoscaler:last-scale-out']);
  });

  it('scale-in: the instance is set DRAINING before the pacing tags record it, desired is never lowered', async () => {
    const { calls, writer: w } = recorder();
    await applyClusterPlan(
      plan({
        action: 'scale-in',
        desiredCapacity: { current: 3, proposed: 2 },
        drain: [{ containerInstanceArn: 'arn:ci/2', ec2InstanceId: 'i-2' }],
        stateTags: { 'ecs-autoscaler:last-scale-in': 'T', 'ecs-autoscaler:unneeded': '6:1@1' },
      }),
      w,
      { dryRun: false },
    );
    expect(calls).toEqual(['DRAINING arn:ci/2', 'tags ecs-autoscaler:last-scale-in,ecs-autoscaler:unneeded']);
  });

  it('scale-in: a drain that fails leaves the pacing tags as they were (the next decision drains at once)', async () => {
    // Issue 15 (no-convergence under throttling): the tags were written first and recorded a removal that
    // had not happened, so the instances waited the whole unneeded time again.
    const { calls, writer: w } = recorder();
    w.setContainerInstancesState = async () => {
      throw new Error('ThrottlingException: Rate exceeded');
    };
    await expect(
      applyClusterPlan(
        plan({
          action: 'scale-in',
          drain: [{ containerInstanceArn: 'arn:ci/2', ec2InstanceId: 'i-2' }],
          stateTags: { 'ecs-autoscaler:last-scale-in': 'T', 'ecs-autoscaler:unneeded': '6:1@1' },
        }),
        w,
        { dryRun: false },
      ),
    ).rejects.toThrow(/Rate exceeded/);
    expect(calls.filter((c) => c.startsWith('tags'))).toEqual([]);
  });

  it('terminates before dropping the instance from the draining tag; reactivates first', async () => {
    const { calls, writer: w } = recorder();
    await applyClusterPlan(
      plan({
        terminate: ['i-4'],
        activate: [{ containerInstanceArn: 'arn:ci/5', ec2InstanceId: 'i-5' }],
        stateTags: { 'ecs-autoscaler:draining': '' },
      }),
      w,
      { dryRun: false },
    );
    expect(calls).toEqual(['ACTIVE arn:ci/5', 'terminate i-4', 'tags ecs-autoscaler:draining']);
  });

  it('dry run writes nothing but reports what it would write', async () => {
    const { calls, writer: w } = recorder();
    const outcome = await applyClusterPlan(
      plan({ action: 'scale-out', desiredCapacity: { current: 3, proposed: 5 }, protect: ['i-1'] }),
      w,
      { dryRun: true },
    );
    expect(calls).toEqual([]);
    expect(outcome.writes).toEqual(['SetInstanceProtection i-1', 'SetDesiredCapacity 5']);
  });

  it('a hold without housekeeping writes nothing', async () => {
    const { calls, writer: w } = recorder();
    await applyClusterPlan(plan({}), w, { dryRun: false });
    expect(calls).toEqual([]);
  });
});
