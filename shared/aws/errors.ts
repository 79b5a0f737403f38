/**
 * SDK error translation at the adapter boundary (STYLE.md §3): the core and the callers only ever see
 * the classes of shared/core/errors.ts, with a message that says what to do next.
 */
import {
  AutoscalerError,
  AwsRejectedError,
  ConfigurationError,
  NotFoundError,
  TransientAwsError,
} from '../core/errors.js';

/** What the failing call was about, named in the messages. */
export interface AwsCallContext {
  /** IAM action of the call, e.g. `ecs:DescribeServices`. */
  action: string;
  cluster?: string;
  region?: string;
}

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServiceException',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE']);

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an SDK (or network) error into an {@link AutoscalerError}:
 * - access denied → {@link AwsRejectedError} naming the IAM action to grant;
 * - throttling, 5xx, timeouts, connection errors → {@link TransientAwsError} (retry with backoff);
 * - `ClusterNotFoundException` → {@link NotFoundError};
 * - missing or invalid credentials, missing region → {@link ConfigurationError} saying how to provide them;
 * - anything else AWS refused (validation, bad parameter) → {@link AwsRejectedError}.
 * An error that already is an AutoscalerError passes through.
 */
/** Builds the error context of one call (IAM action, cluster, region). */
export type Ctx = (action: string) => { action: string; cluster: string; region: string | undefined };

export const translateAwsError = (error: unknown, ctx: AwsCallContext): AutoscalerError => {
  if (error instanceof AutoscalerError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const name = e.name ?? 'Error';
  const detail = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode;
  const where = ctx.region ? ` in region ${ctx.region}` : '';
  if (ACCESS_DENIED.has(name)) {
    return new AwsRejectedError(
      `access denied calling ${ctx.action}${where}: grant ${ctx.action} to the caller's IAM role or user (${detail})`,
      name,
      { cause: error },
    );
  }
  if (name === 'ClusterNotFoundException') {
    return new NotFoundError(
      `cluster ${ctx.cluster ?? '(unknown)'} not found in region ${ctx.region ?? '(unset)'}; check --cluster and AWS_REGION`,
      { cause: error },
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(detail)) {
    return new ConfigurationError(
      'no AWS credentials found: set AWS_PROFILE (and run `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is attached',
      { cause: error },
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new ConfigurationError(
      `AWS rejected the credentials calling ${ctx.action} (${name}): refresh them (expired session?) or check AWS_PROFILE`,
      { cause: error },
    );
  }
  if (/region is missing/i.test(detail)) {
    return new ConfigurationError('no AWS region set: set AWS_REGION (or pass --region)', { cause: error });
  }
  if (
    THROTTLED.has(name) ||
    e.$fault === 'server' ||
    (status !== undefined && status >= 500) ||
    (e.code !== undefined && NETWORK.has(e.code))
  ) {
    return new TransientAwsError(`${ctx.action} failed temporarily (${name}): retry later. ${detail}`, {
      cause: error,
    });
  }
  return new AwsRejectedError(`${ctx.action} was rejected (${name}): ${detail}`, name, { cause: error });
};

/** Runs one AWS call and translates whatever it throws. */
export const awsCall = async <T>(ctx: AwsCallContext, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, ctx);
  }
};
