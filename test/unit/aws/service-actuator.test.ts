import {
  AutoScalingClient,
  AutoScalingServiceException,
  CreateOrUpdateTagsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  ECSClient,
  ECSServiceException,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceWriter, applyServicePlan } from '../../../shared/aws/service-actuator.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import type { ServicePlan } from '../../../shared/core/service/planner.js';

const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
const writer = new AwsServiceWriter(new ECSClient({}), new AutoScalingClient({}));
const ARN = 'arn:aws:ecs:us-east-1:123456789012:service/web/api';

const ecsError = (name: string, status: number) =>
  new ECSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });

const scaleOut = (): ServicePlan => ({
  action: 'scale-out',
  cluster: 'web',
  service: 'api',
  alarm: 'api-cpu-high',
  desiredCount: { current: 4, proposed: 6 },
  reasons: ['test'],
  dryRun: false,
  record: 'scale-out 4 to 6 at 2024-05-01T10:00:00.000Z',
  clusterGrowth: {
    autoScalingGroup: 'web-asg',
    desiredCapacity: { current: 3, proposed: 4 },
    clusterPlan: {
      cluster: 'web',
      autoScalingGroup: 'web-asg',
      action: 'scale-out',
      desiredCapacity: { current: 3, proposed: 4 },
      drain: [],
      terminate: [],
      activate: [],
      protect: [],
      stateTags: { 'ecs-autoscaler:last-scale-out': '2024-05-01T10:00:00.000Z' },
      capacityDeficitInstances: 1,
      needsTasks: [],
      limits: { min: 1, max: 10 },
      reasons: [],
    },
    reasons: [],
  },
});

beforeEach(() => {
  ecs.reset();
  asg.reset();
  ecs.on(UpdateServiceCommand).resolves({});
  ecs.on(TagResourceCommand).resolves({});
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(CreateOrUpdateTagsCommand).resolves({});
});

describe('AwsServiceWriter', () => {
  it('sends UpdateService with only the desired count', async () => {
    await writer.setDesiredCount('web', 'api', 7);
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
    expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'web',
      service: 'api',
      desiredCount: 7,
    });
  });

  it.each([
    ['AccessDeniedException', 400, AwsRejectedError, 'ecs-autoscaler:service-scaling=enabled'],
    ['ThrottlingException', 400, TransientAwsError, 'retry later'],
    ['ServerException', 500, TransientAwsError, 'retry later'],
    ['ServiceNotActiveException', 400, AwsRejectedError, 'ecs:UpdateService was rejected'],
  ])('translates UpdateService %s', async (name, status, type, message) => {
    ecs.on(UpdateServiceCommand).rejects(ecsError(name, status));
    const call = writer.setDesiredCount('web', 'api', 7);
    await expect(call).rejects.toBeInstanceOf(type);
    await expect(call).rejects.toThrow(message);
  });
});

describe('applyServicePlan', () => {
  it('grows the group through the cluster actuator, records the intent, then updates the service', async () => {
    const outcome = await applyServicePlan(scaleOut(), ARN, writer);
    expect(outcome).toEqual({ clusterGrown: true, serviceUpdated: true });
    expect(asg).toHaveReceivedCommandWith(SetDesiredCapacityCommand, {
      AutoScalingGroupName: 'web-asg',
      DesiredCapacity: 4,
      HonorCooldown: false,
    });
    expect(asg).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [
        {
          ResourceId: 'web-asg',
          ResourceType: 'auto-scaling-group',
          Key: 'ecs-autoscaler:last-scale-out',
          Value: '2024-05-01T10:00:00.000Z',
          PropagateAtLaunch: false,
        },
      ],
    });
    expect(ecs).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: ARN,
      tags: [{ key: 'ecs-autoscaler:last-scaling', value: 'scale-out 4 to 6 at 2024-05-01T10:00:00.000Z' }],
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 6 });
  });

  it('writes in the order that keeps retries safe: group, intent, service', async () => {
    const calls: string[] = [];
    const recorder = {
      growCluster: async (p: { autoScalingGroup: string | null; desiredCapacity: { proposed: number } }) =>
        void calls.push(`asg ${p.autoScalingGroup} ${p.desiredCapacity.proposed}`),
      tagService: async (_arn: string, key: string) => void calls.push(`tag ${key}`),
      setDesiredCount: async (_c: string, s: string, n: number) => void calls.push(`service ${s} ${n}`),
    };
    await applyServicePlan(scaleOut(), ARN, recorder);
    expect(calls).toEqual(['asg web-asg 4', 'tag ecs-autoscaler:last-scaling', 'service api 6']);
  });

  it.each([
    ['dry run', { ...scaleOut(), dryRun: true }],
    ['hold', { ...scaleOut(), action: 'hold' as const }],
    ['skip', { ...scaleOut(), action: 'skip' as const }],
  ])('writes nothing for a %s plan', async (_name, plan) => {
    expect(await applyServicePlan(plan, ARN, writer)).toEqual({ clusterGrown: false, serviceUpdated: false });
    expect(ecs.calls()).toHaveLength(0);
    expect(asg.calls()).toHaveLength(0);
  });

  it('does not touch the service when growing the group is denied', async () => {
    asg.on(SetDesiredCapacityCommand).rejects(
      new AutoScalingServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized',
      }),
    );
    await expect(applyServicePlan(scaleOut(), ARN, writer)).rejects.toThrow('autoscaling:SetDesiredCapacity');
    expect(ecs.calls()).toHaveLength(0);
  });

  it('does not update the service when recording the intent fails', async () => {
    ecs.on(TagResourceCommand).rejects(ecsError('ThrottlingException', 400));
    await expect(applyServicePlan(scaleOut(), ARN, writer)).rejects.toBeInstanceOf(TransientAwsError);
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 0);
  });
});
