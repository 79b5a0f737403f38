/**
 * Pagination and batch-limit helpers shared by the simulated APIs. Tokens are opaque strings (like
 * AWS's) that encode an offset into a stably ordered result list.
 */
import { awsError, type SimServiceName } from './aws-error.js';

/** Error names each service uses for a bad pagination token. */
const badTokenName: Record<SimServiceName, string> = {
  ecs: 'InvalidParameterException',
  autoscaling: 'InvalidNextToken',
  'application-autoscaling': 'InvalidNextTokenException',
  cloudwatch: 'InvalidNextToken',
  events: 'ValidationException',
  ssm: 'InvalidNextToken',
  sqs: 'InvalidParameterValue',
  ec2: 'InvalidParameterValue',
};

/** Error names each service uses for a request that breaks a documented limit. */
export const validationName: Record<SimServiceName, string> = {
  ecs: 'InvalidParameterException',
  autoscaling: 'ValidationError',
  'application-autoscaling': 'ValidationException',
  cloudwatch: 'InvalidParameterValue',
  events: 'ValidationException',
  ssm: 'ValidationException',
  sqs: 'InvalidParameterValue',
  ec2: 'InvalidParameterValue',
};

/** One page of `items` plus the token for the next one (undefined on the last page). */
export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * Slices one page.
 * @param limit requested page size (undefined → `defaultSize`); must be within [1, maxSize].
 * @throws the service's validation error for a bad size, or its bad-token error.
 */
export const paginate = <T>(
  service: SimServiceName,
  scope: string,
  items: readonly T[],
  token: string | undefined,
  limit: number | undefined,
  defaultSize: number,
  maxSize: number,
): Page<T> => {
  const size = limit ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > maxSize) {
    throw awsError(
      service,
      validationName[service],
      `${scope}: page size ${String(limit)} must be between 1 and ${maxSize}.`,
    );
  }
  let offset = 0;
  if (token !== undefined) {
    const decoded = decodeToken(token);
    if (!decoded || decoded.scope !== scope) {
      throw awsError(service, badTokenName[service], `${scope}: the next token '${token}' is invalid.`);
    }
    offset = decoded.offset;
  }
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken(scope, end) : undefined,
  };
};

const encodeToken = (scope: string, offset: number): string =>
  Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64');

const decodeToken = (token: string): { scope: string; offset: number } | undefined => {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; o?: unknown };
    if (typeof v.s === 'string' && typeof v.o === 'number') return { scope: v.s, offset: v.o };
  } catch {
    // fall through: an unparsable token is reported by the caller as the service's error
  }
  return undefined;
};

/**
 * Enforces a batch limit ("DescribeServices accepts up to 10 services").
 * @throws the service's validation error naming the parameter and the limit.
 */
export const checkBatch = (
  service: SimServiceName,
  command: string,
  param: string,
  values: readonly unknown[] | undefined,
  max: number,
  min = 0,
): void => {
  const n = values?.length ?? 0;
  if (n > max || n < min) {
    throw awsError(
      service,
      validationName[service],
      `${command}: ${param} must contain between ${min} and ${max} items; got ${n}.`,
    );
  }
};
