import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingDrainAdapter } from '../../../shared/aws/drain-autoscaling.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

const asgMock = mockClient(AutoScalingClient);
const adapter = new AutoScalingDrainAdapter(new AutoScalingClient({}));
const ID = 'i-0a1b2c3d4e5f67890';

const sdkError = (name: string, status: number, message = name) =>
  new AutoScalingServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

beforeEach(() => {
  asgMock.reset();
});

describe('AutoScalingDrainAdapter reads', () => {
  it('finds the group and lifecycle state of an instance', async () => {
    asgMock.on(DescribeAutoScalingInstancesCommand).resolves({
      AutoScalingInstances: [
        {
          InstanceId: ID,
          AutoScalingGroupName: 'web-prod-asg',
          LifecycleState: 'Terminating:Wait',
          AvailabilityZone: 'us-east-1b',
          HealthStatus: 'HEALTHY',
          ProtectedFromScaleIn: false,
        },
      ],
    });
    expect(await adapter.describeInstance(ID)).toEqual({
      instanceId: ID,
      asgName: 'web-prod-asg',
      lifecycleState: 'Terminating:Wait',
    });
    expect(asgMock).toHaveReceivedCommandWith(DescribeAutoScalingInstancesCommand, { InstanceIds: [ID] });
  });

  it('returns undefined for an instance outside any group', async () => {
    asgMock.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
    expect(await adapter.describeInstance(ID)).toBeUndefined();
  });

  it('describes one group with tags, capacity rebalancing and instances', async () => {
    asgMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'web-prod-asg',
          MinSize: 1,
          MaxSize: 10,
          DesiredCapacity: 3,
          DefaultCooldown: 300,
          AvailabilityZones: ['us-east-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(0),
          CapacityRebalance: true,
          Tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'web-prod' }],
          Instances: [
            {
              InstanceId: ID,
              LifecycleState: 'InService',
              AvailabilityZone: 'us-east-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
            },
          ],
        },
      ],
    });
    expect(await adapter.describeGroup('web-prod-asg')).toEqual({
      name: 'web-prod-asg',
      tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'web-prod' }],
      capacityRebalance: true,
      instances: [{ instanceId: ID, lifecycleState: 'InService' }],
    });
    expect(asgMock).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      AutoScalingGroupNames: ['web-prod-asg'],
    });
  });

  it('lists managed groups by tag key, following NextToken', async () => {
    const group = (name: string) => ({
      AutoScalingGroupName: name,
      MinSize: 0,
      MaxSize: 1,
      DesiredCapacity: 0,
      DefaultCooldown: 300,
      AvailabilityZones: [],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(0),
    });
    asgMock
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group('a')], NextToken: 't2' })
      .resolvesOnce({ AutoScalingGroups: [group('b')] });
    const groups = await adapter.listManagedGroups();
    expect(groups.map((g) => g.name)).toEqual(['a', 'b']);
    expect(asgMock).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag-key', Values: ['ecs-autoscaler:cluster'] }],
      MaxRecords: 100,
    });
    expect(asgMock).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, { NextToken: 't2' });
  });

  it('keeps only terminate hooks, with their timeouts in seconds', async () => {
    asgMock.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [
        {
          LifecycleHookName: 'ecs-launch',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          HeartbeatTimeout: 300,
        },
        {
          LifecycleHookName: 'ecs-drain',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          HeartbeatTimeout: 900,
          GlobalTimeout: 90_000,
          DefaultResult: 'CONTINUE',
        },
      ],
    });
    expect(await adapter.listTerminateHooks('web-prod-asg')).toEqual([
      {
        name: 'ecs-drain',
        transition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        heartbeatTimeoutSeconds: 900,
        globalTimeoutSeconds: 90_000,
        defaultResult: 'CONTINUE',
      },
    ]);
    expect(asgMock).toHaveReceivedCommandWith(DescribeLifecycleHooksCommand, {
      AutoScalingGroupName: 'web-prod-asg',
    });
  });
});

describe('AutoScalingDrainAdapter lifecycle actions', () => {
  it('completes with CONTINUE by instance ID (no token needed)', async () => {
    asgMock.on(CompleteLifecycleActionCommand).resolves({});
    expect(await adapter.completeLifecycleAction('web-prod-asg', 'ecs-drain', ID)).toBe('done');
    expect(asgMock).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      AutoScalingGroupName: 'web-prod-asg',
      LifecycleHookName: 'ecs-drain',
      InstanceId: ID,
      LifecycleActionResult: 'CONTINUE',
    });
  });

  it('treats "No active Lifecycle Action found" as already completed', async () => {
    asgMock
      .on(CompleteLifecycleActionCommand)
      .rejects(sdkError('ValidationError', 400, `No active Lifecycle Action found with instance ID ${ID}`));
    expect(await adapter.completeLifecycleAction('web-prod-asg', 'ecs-drain', ID)).toBe('not-pending');
  });

  it('records a heartbeat', async () => {
    asgMock.on(RecordLifecycleActionHeartbeatCommand).resolves({});
    expect(await adapter.recordHeartbeat('web-prod-asg', 'ecs-drain', ID)).toBe('done');
    expect(asgMock).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, {
      AutoScalingGroupName: 'web-prod-asg',
      LifecycleHookName: 'ecs-drain',
      InstanceId: ID,
    });
  });

  it('treats a heartbeat for a finished action as not pending', async () => {
    asgMock
      .on(RecordLifecycleActionHeartbeatCommand)
      .rejects(sdkError('ValidationError', 400, `No active Lifecycle Action found with instance ID ${ID}`));
    expect(await adapter.recordHeartbeat('web-prod-asg', 'ecs-drain', ID)).toBe('not-pending');
  });

  it('rejects any other ValidationError (e.g. an unknown hook)', async () => {
    asgMock
      .on(CompleteLifecycleActionCommand)
      .rejects(sdkError('ValidationError', 400, "LifecycleHook 'nope' not found"));
    await expect(adapter.completeLifecycleAction('web-prod-asg', 'nope', ID)).rejects.toBeInstanceOf(
      AwsRejectedError,
    );
  });
});

describe('AutoScalingDrainAdapter error translation', () => {
  const calls = [
    [
      'CompleteLifecycleAction',
      () => adapter.completeLifecycleAction('g', 'h', ID),
      CompleteLifecycleActionCommand,
    ],
    [
      'RecordLifecycleActionHeartbeat',
      () => adapter.recordHeartbeat('g', 'h', ID),
      RecordLifecycleActionHeartbeatCommand,
    ],
    ['DescribeAutoScalingInstances', () => adapter.describeInstance(ID), DescribeAutoScalingInstancesCommand],
    ['DescribeAutoScalingGroups', () => adapter.listManagedGroups(), DescribeAutoScalingGroupsCommand],
    ['DescribeLifecycleHooks', () => adapter.listTerminateHooks('g'), DescribeLifecycleHooksCommand],
  ] as const;

  it.each(calls)('%s: AccessDenied → AwsRejectedError naming autoscaling:%s', async (name, call, command) => {
    asgMock.on(command as never).rejects(sdkError('AccessDenied', 403, 'User is not authorized'));
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsRejectedError);
    expect((error as Error).message).toContain(`autoscaling:${name}`);
  });

  it.each(calls)(
    '%s: Throttling and ResourceContentionFault → TransientAwsError',
    async (_name, call, command) => {
      asgMock.on(command as never).rejects(sdkError('Throttling', 400, 'Rate exceeded'));
      await expect(call()).rejects.toBeInstanceOf(TransientAwsError);
      asgMock.reset();
      asgMock.on(command as never).rejects(sdkError('ResourceContentionFault', 500, 'pending update'));
      await expect(call()).rejects.toBeInstanceOf(TransientAwsError);
    },
  );
});
