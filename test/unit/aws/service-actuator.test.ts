import {
  ECSClient,
  ECSServiceException,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ClusterQueue } from '../../../shared/aws/cluster-queue.js';
import { AwsServiceWriter, applyServicePlan } from '../../../shared/aws/service-actuator.js';
import type { ClusterRequest } from '../../../shared/core/cluster/index.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import type { ServicePlan } from '../../../shared/core/service/planner.js';

const ecs = mockClient(ECSClient);
const sent: ClusterRequest[][] = [];
const queue: ClusterQueue = { send: async (r) => void sent.push([...r]) };
const writer = new AwsServiceWriter(new ECSClient({}), () => queue);
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
  sent.length = 0;
  ecs.on(UpdateServiceCommand).resolves({});
  ecs.on(TagResourceCommand).resolves({});
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
  it('asks the cluster scaler for the growth (absolute desired count), records the intent, then updates the service', async () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    const outcome = await applyServicePlan(scaleOut(), ARN, writer, at);
    expect(outcome).toEqual({ clusterGrown: true, serviceUpdated: true });
    expect(sent).toEqual([
      [
        {
          v: 1,
          kind: 'grow',
          cluster: 'web',
          service: 'api',
          desiredCount: 6,
          at: '2024-05-01T10:00:00.000Z',
        },
      ],
    ]);
    expect(ecs).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: ARN,
      tags: [{ key: 'ecs-autoscaler:last-scaling', value: 'scale-out 4 to 6 at 2024-05-01T10:00:00.000Z' }],
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 6 });
  });

  it('writes in the order that keeps retries safe: group, intent, service', async () => {
    const calls: string[] = [];
    const recorder = {
      requestClusterGrowth: async (r: { cluster: string; desiredCount: number }) =>
        void calls.push(`grow ${r.cluster} ${r.desiredCount}`),
      tagService: async (_arn: string, key: string) => void calls.push(`tag ${key}`),
      setDesiredCount: async (_c: string, s: string, n: number) => void calls.push(`service ${s} ${n}`),
    };
    await applyServicePlan(scaleOut(), ARN, recorder);
    expect(calls).toEqual(['grow web 6', 'tag ecs-autoscaler:last-scaling', 'service api 6']);
  });

  it.each([
    ['dry run', { ...scaleOut(), dryRun: true }],
    ['hold', { ...scaleOut(), action: 'hold' as const }],
    ['skip', { ...scaleOut(), action: 'skip' as const }],
  ])('writes nothing for a %s plan', async (_name, plan) => {
    expect(await applyServicePlan(plan, ARN, writer)).toEqual({ clusterGrown: false, serviceUpdated: false });
    expect(ecs.calls()).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it('does not touch the service when the growth request cannot be queued', async () => {
    const refusing = new AwsServiceWriter(new ECSClient({}), () => ({
      send: async () => {
        throw new TransientAwsError('sqs:SendMessage: throttled; retry later');
      },
    }));
    await expect(applyServicePlan(scaleOut(), ARN, refusing)).rejects.toThrow('sqs:SendMessage');
    expect(ecs.calls()).toHaveLength(0);
  });

  it('does not update the service when recording the intent fails', async () => {
    ecs.on(TagResourceCommand).rejects(ecsError('ThrottlingException', 400));
    await expect(applyServicePlan(scaleOut(), ARN, writer)).rejects.toBeInstanceOf(TransientAwsError);
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 0);
  });
});
