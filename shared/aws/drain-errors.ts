/**
 * Translation of AWS SDK errors into the project's error classes (STYLE.md §3), for the drainer's
 * adapters. The core and the handler never see an SDK error.
 */
import { AwsRejectedError, TransientAwsError } from '../runtime/errors.js';

/** Error names AWS uses for throttling and server-side trouble (ECS JSON and Auto Scaling query protocols). */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServiceError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  // Auto Scaling: "You already have a pending update to an Auto Scaling resource" — retry later.
  'ResourceContentionFault',
]);

const ACCESS_DENIED_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);

/** Network-level failures (no HTTP response): retrying can succeed. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const asSdkError = (error: unknown): SdkErrorLike =>
  typeof error === 'object' && error !== null ? (error as SdkErrorLike) : { message: String(error) };

/**
 * Whether `error` is Auto Scaling's answer to completing (or heartbeating) a lifecycle action that is no
 * longer pending: `ValidationError: No active Lifecycle Action found with instance ID i-…`. For the
 * drainer that means "already done" (a duplicate or late event), not a failure.
 */
export const isNoActiveLifecycleAction = (error: unknown): boolean => {
  const e = asSdkError(error);
  return e.name === 'ValidationError' && /no active lifecycle action/i.test(e.message ?? '');
};

/**
 * Turns an SDK error into a TransientAwsError (throttling, 5xx, network: retry) or an AwsRejectedError
 * (access denied names the IAM action to grant; anything else names the call and AWS's message).
 *
 * @param action the IAM action of the failed call, e.g. `ecs:UpdateContainerInstancesState`.
 * @param target what the call was about (cluster, group, instance), for the message.
 */
export const translateAwsError = (error: unknown, action: string, target: string): Error => {
  const e = asSdkError(error);
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail = e.message ?? name;
  if (
    TRANSIENT_NAMES.has(name) ||
    e.$fault === 'server' ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    (e.code !== undefined && NETWORK_CODES.has(e.code))
  ) {
    return new TransientAwsError(`${action} on ${target} failed temporarily (${name}): ${detail}`, {
      cause: error,
    });
  }
  if (ACCESS_DENIED_NAMES.has(name) || status === 403) {
    return new AwsRejectedError(
      `${action} on ${target} was denied: grant the function's role '${action}' (${detail})`,
      name,
      { cause: error },
    );
  }
  return new AwsRejectedError(`${action} on ${target} was rejected (${name}): ${detail}`, name, {
    cause: error,
  });
};

/** Runs one SDK call and translates its errors. */
export const callAws = async <T>(action: string, target: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, action, target);
  }
};
