import { describe, expect, it } from 'vitest';
import { awsCall, translateAwsError } from '../../../shared/aws/errors.js';
import {
  AwsRejectedError,
  ConfigurationError,
  NotFoundError,
  TransientAwsError,
} from '../../../shared/core/errors.js';

const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: {}, ...extra });
const ctx = { action: 'ecs:DescribeServices', cluster: 'demo', region: 'eu-west-1' };

describe('translateAwsError', () => {
  it.each(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation'])(
    '%s → AwsRejectedError naming the action',
    (name) => {
      const e = translateAwsError(sdkError(name), ctx);
      expect(e).toBeInstanceOf(AwsRejectedError);
      expect(e.message).toMatch(
        /^access denied calling ecs:DescribeServices in region eu-west-1: grant ecs:DescribeServices/,
      );
      expect((e as AwsRejectedError).awsErrorName).toBe(name);
    },
  );

  it.each([
    sdkError('ThrottlingException'),
    sdkError('Throttling'),
    sdkError('RequestLimitExceeded'),
    sdkError('ServerException', { $fault: 'server' }),
    sdkError('SomethingNew', { $metadata: { httpStatusCode: 503 } }),
    Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  ])('throttling, 5xx and network errors are transient (%#)', (error) => {
    const e = translateAwsError(error, ctx);
    expect(e).toBeInstanceOf(TransientAwsError);
    expect(e.retryable).toBe(true);
  });

  it('ClusterNotFoundException → NotFoundError saying what to check', () => {
    const e = translateAwsError(sdkError('ClusterNotFoundException'), ctx);
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.message).toBe('cluster demo not found in region eu-west-1; check --cluster and AWS_REGION');
  });

  it('missing credentials → ConfigurationError saying how to provide them', () => {
    const e = translateAwsError(sdkError('CredentialsProviderError'), ctx);
    expect(e).toBeInstanceOf(ConfigurationError);
    expect(e.message).toMatch(/no AWS credentials found: set AWS_PROFILE/);
  });

  it('expired or invalid credentials → ConfigurationError', () => {
    expect(translateAwsError(sdkError('ExpiredTokenException'), ctx)).toBeInstanceOf(ConfigurationError);
  });

  it('other client errors → AwsRejectedError with the AWS message', () => {
    const e = translateAwsError(sdkError('InvalidParameterException', { $fault: 'client' }), ctx);
    expect(e).toBeInstanceOf(AwsRejectedError);
    expect(e.message).toBe(
      'ecs:DescribeServices was rejected (InvalidParameterException): InvalidParameterException happened',
    );
  });

  it('keeps the SDK error as the cause and passes autoscaler errors through', () => {
    const original = sdkError('Throttling');
    expect(translateAwsError(original, ctx).cause).toBe(original);
    const mine = new NotFoundError('x');
    expect(translateAwsError(mine, ctx)).toBe(mine);
  });

  it('awsCall translates what the call throws', async () => {
    await expect(
      awsCall(ctx, () => Promise.reject(sdkError('AccessDeniedException'))),
    ).rejects.toBeInstanceOf(AwsRejectedError);
    await expect(awsCall(ctx, () => Promise.resolve(7))).resolves.toBe(7);
  });
});
