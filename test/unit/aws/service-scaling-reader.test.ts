import {
  ApplicationAutoScalingClient,
  ApplicationAutoScalingServiceException,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AasServiceScalingReader } from '../../../shared/aws/service-scaling-reader.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

const aas = mockClient(ApplicationAutoScalingClient);
const reader = new AasServiceScalingReader(new ApplicationAutoScalingClient({}));
const TARGET_ARN = 'arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5abc';

const sdkError = (name: string, status: number) =>
  new ApplicationAutoScalingServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });

const target = {
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/web/api',
  ScalableDimension: 'ecs:service:DesiredCount' as const,
  MinCapacity: 2,
  MaxCapacity: 12,
  RoleARN: 'arn:aws:iam::123456789012:role/aas',
  CreationTime: new Date('2024-01-01T00:00:00Z'),
  SuspendedState: { DynamicScalingOutSuspended: true },
  ScalableTargetARN: TARGET_ARN,
};
const policy = (name: string) => ({
  PolicyName: name,
  PolicyARN: `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:resource/ecs/service/web/api:policyName/${name}`,
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/web/api',
  ScalableDimension: 'ecs:service:DesiredCount' as const,
  PolicyType: 'TargetTrackingScaling' as const,
  CreationTime: new Date('2024-01-01T00:00:00Z'),
});

beforeEach(() => {
  aas.reset();
});

describe('AasServiceScalingReader', () => {
  it('reads the target, every page of its policies and, when asked, its tags, with exact inputs', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target] });
    aas
      .on(DescribeScalingPoliciesCommand)
      .resolvesOnce({ ScalingPolicies: [policy('a')], NextToken: 'p2' })
      .resolvesOnce({ ScalingPolicies: [policy('b')] });
    aas.on(ListTagsForResourceCommand).resolves({ Tags: { 'ecs-autoscaler:service-scaling': 'enabled' } });

    const state = await reader.read('web', 'api', { targetTags: true });

    expect(state.target).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 12,
      SuspendedState: { DynamicScalingOutSuspended: true },
      CreationTime: '2024-01-01T00:00:00.000Z',
    });
    expect(state.policies.map((p) => p.PolicyName)).toEqual(['a', 'b']);
    expect(state.targetTags).toEqual({ 'ecs-autoscaler:service-scaling': 'enabled' });
    expect(aas).toHaveReceivedCommandWith(DescribeScalableTargetsCommand, {
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceIds: ['service/web/api'],
    });
    expect(aas).toHaveReceivedCommandTimes(DescribeScalingPoliciesCommand, 2);
    expect(aas).toHaveReceivedNthCommandWith(DescribeScalingPoliciesCommand, 2, {
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: 'service/web/api',
      MaxResults: 10,
      NextToken: 'p2',
    });
    expect(aas).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceARN: TARGET_ARN });
  });

  it('makes one call and returns no target when the service is not registered', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
    expect(await reader.read('web', 'api', { targetTags: true })).toEqual({
      target: undefined,
      policies: [],
      targetTags: {},
    });
    expect(aas).toHaveReceivedCommandTimes(DescribeScalingPoliciesCommand, 0);
    expect(aas).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
  });

  it('skips the tag read when the target has no ARN (older targets)', async () => {
    const { ScalableTargetARN: _, ...old } = target;
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [old] });
    aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    expect((await reader.read('web', 'api', { targetTags: true })).targetTags).toEqual({});
    expect(aas).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
  });

  it('names the tags action when only that is denied', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target] });
    aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    aas.on(ListTagsForResourceCommand).rejects(sdkError('AccessDeniedException', 400));
    await expect(reader.read('web', 'api', { targetTags: true })).rejects.toThrow(
      'grant application-autoscaling:ListTagsForResource',
    );
  });

  it.each([
    ['AccessDeniedException', 400, AwsRejectedError, 'grant application-autoscaling:DescribeScalableTargets'],
    ['ThrottlingException', 400, TransientAwsError, 'retry later'],
    ['InternalServiceException', 500, TransientAwsError, 'retry later'],
    ['ValidationException', 400, AwsRejectedError, 'was rejected'],
  ])('translates %s', async (name, status, type, message) => {
    aas.on(DescribeScalableTargetsCommand).rejects(sdkError(name, status));
    const call = reader.read('web', 'api');
    await expect(call).rejects.toBeInstanceOf(type);
    await expect(call).rejects.toThrow(message);
  });

  it('names the policies action when only that is denied', async () => {
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target] });
    aas.on(DescribeScalingPoliciesCommand).rejects(sdkError('AccessDeniedException', 400));
    await expect(reader.read('web', 'api')).rejects.toThrow(
      'grant application-autoscaling:DescribeScalingPolicies',
    );
  });
});

describe('AasServiceScalingReader without target tags', () => {
  it.each([
    ['by default', undefined],
    ['when told not to', { targetTags: false }],
  ])('does not call ListTagsForResource %s', async (_name, options) => {
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [target] });
    aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
    aas.on(ListTagsForResourceCommand).resolves({ Tags: { 'ecs-autoscaler:service-scaling': 'enabled' } });
    const state = await reader.read('web', 'api', options);
    expect(state.target?.MaxCapacity).toBe(12);
    expect(state.targetTags).toEqual({});
    expect(aas).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
  });
});
