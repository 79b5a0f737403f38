/**
 * The common part of the function bundles' stand-ins for the SDK clients of AWS JSON services (SSM,
 * EventBridge, SQS, CloudWatch, Application Auto Scaling: docs/bundles.md). scripts/build.mjs aliases each
 * `@aws-sdk/client-<service>` to its stand-in (`shared/aws/lambda/<service>-json.ts`) in the Lambda bundles
 * only; the CLI, the tests and the simulator use the real clients.
 *
 * What a stand-in does, as the SDK does it:
 * - `new XClient(config)`, `client.send(new XCommand(input))` → the operation's output (`$metadata` too);
 * - the AWS JSON 1.0 / 1.1 protocol: `POST /`, `X-Amz-Target: <service target>.<Operation>`,
 *   `Content-Type: application/x-amz-json-1.x`, the input as JSON (a Date as epoch seconds, bytes as
 *   base64), `x-amzn-query-mode: true` for the services that keep their Query error codes
 *   (awsQueryCompatible: SQS, CloudWatch); the output's timestamp members (epoch seconds) become Dates;
 * - SigV4 (signed-request.ts), the endpoint from `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` / the
 *   regional default, credentials from the config or the environment (Lambda puts the role's there),
 *   the region from the config, `AWS_REGION` or `AWS_DEFAULT_REGION`;
 * - errors named by their AWS code (`__type`, `x-amzn-ErrorType`, or for the Query-compatible services the
 *   `x-amzn-query-error` code first, as the SDK reads them), with `$fault` and `$metadata.httpStatusCode`,
 *   so `translateAwsError` (shared/aws/errors.ts) reads them unchanged;
 * - retries: throttling codes, HTTP 429, 5xx and network errors/timeouts, `maxAttempts` in all (default 3,
 *   the SDK's), exponential backoff with full jitter (100 ms base, ≤ 20 s). The SDK's `adaptive` mode
 *   also rate-limits the client after throttling; the stand-ins do not (one function makes at most a
 *   few calls per service per invocation).
 */
import { type AwsCredentials, serviceEndpoint, signedPost } from '../signed-request.js';

/** One AWS JSON service as the stand-in needs it. */
export interface JsonServiceSpec {
  /** SigV4 signing name (`ssm`, `events`, `sqs`, `monitoring`, `application-autoscaling`). */
  signingName: string;
  /** Endpoint prefix (`https://<prefix>.<region>.amazonaws.com`). */
  endpointPrefix: string;
  /** Suffix of the service-specific endpoint variable `AWS_ENDPOINT_URL_<SUFFIX>`. */
  envSuffix: string;
  /** `X-Amz-Target` prefix (`AmazonSSM`, `AWSEvents`, …). */
  target: string;
  jsonVersion: '1.0' | '1.1';
  /** The service keeps its Query-protocol error codes (`x-amzn-query-error`). */
  queryCompatible?: boolean;
  /** Output members that are timestamps (epoch seconds on the wire, Dates in the SDK's output). */
  timestamps?: readonly string[];
  /** Error codes retried besides the common throttling ones. */
  retryable?: readonly string[];
}

/** The client settings a stand-in honours (the SDK's names; `fetch`, `env`, `retryBaseMs` for tests). */
export interface JsonClientConfig {
  region?: string;
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  maxAttempts?: number;
  retryMode?: string;
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
  /** Backoff base in milliseconds (default 100). */
  retryBaseMs?: number;
}

/** A command: the operation's name and its input (the SDK's input type; the output type is carried for `send`). */
export abstract class JsonCommand<I, O> {
  abstract readonly operation: string;
  /** Type-level only: the operation's output. */
  declare readonly __output: O;
  constructor(readonly input: I) {}
}

/** The SDK's throttling codes (@smithy/service-error-classification), retried like 5xx. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const clean = (code: string): string => code.split(',')[0]!.split(':')[0]!.split('#').pop()!;

/**
 * The SDK-shaped error of a non-2xx answer. The code comes, as the SDK reads it, from the
 * `x-amzn-query-error` header (`Code;Sender`) for Query-compatible services, else the body's `__type`,
 * else `x-amzn-ErrorType`; an answer without any (a proxy's page) is named after its status.
 */
export const jsonServiceError = (
  service: string,
  status: number,
  text: string,
  headers: { errorType?: string | null; queryError?: string | null },
): Error => {
  let body: { __type?: string; message?: string; Message?: string; code?: string } = {};
  try {
    body = (JSON.parse(text) ?? {}) as typeof body;
  } catch {
    // Not JSON: named from the headers or the status below.
  }
  const [queryCode, queryType] = (headers.queryError ?? '').split(';');
  const raw = queryCode || body.__type || headers.errorType || body.code || '';
  const name = raw ? clean(raw) : status >= 500 ? 'InternalServerError' : `HTTP${status}`;
  return Object.assign(new Error(body.message ?? body.Message ?? `${service} answered HTTP ${status}`), {
    name,
    ...(queryCode ? { Code: queryCode, Type: queryType } : {}),
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
};

/** JSON of an input as the protocol wants it: Dates as epoch seconds, bytes as base64. */
const serialize = (input: unknown): string =>
  JSON.stringify(input ?? {}, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return value;
  });

/**
 * The output as the SDK's JSON deserializer returns it: timestamp members (epoch seconds) become Dates,
 * members answered as null are left out.
 */
const withDates = (value: unknown, names: ReadonlySet<string>): unknown => {
  if (Array.isArray(value)) return value.map((v) => withDates(v, names));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    // Numbers only: the JSON protocols send timestamps as epoch-second numbers, and a string under such a
    // key is a tag or map value, which the SDK leaves alone.
    out[k] = names.has(k) && typeof v === 'number' ? new Date(Math.round(v * 1000)) : withDates(v, names);
  }
  return out;
};

/** An SDK-shaped client of one AWS JSON service. */
export class JsonServiceClient {
  readonly config: { region: () => Promise<string>; credentials: () => Promise<AwsCredentials> };
  private readonly timestamps: ReadonlySet<string>;

  constructor(
    readonly spec: JsonServiceSpec,
    private readonly settings: JsonClientConfig = {},
  ) {
    const env = settings.env ?? process.env;
    this.timestamps = new Set(spec.timestamps ?? []);
    this.config = {
      region: async () => settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '',
      credentials: async () => {
        const c = settings.credentials;
        if (typeof c === 'function') return c();
        if (c) return c;
        if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
          throw Object.assign(new Error('Could not load credentials from the environment'), {
            name: 'CredentialsProviderError',
          });
        }
        return {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        };
      },
    };
  }

  private retryable(error: { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } }) {
    const name = error.name ?? '';
    return (
      error.$fault === 'server' ||
      error.$metadata?.httpStatusCode === 429 ||
      THROTTLING.has(name) ||
      (this.spec.retryable ?? []).includes(name)
    );
  }

  /** Sends one command; resolves with the operation's output. */
  async send<I, O>(
    command: JsonCommand<I, O>,
  ): Promise<O & { $metadata: { httpStatusCode: number; attempts: number } }> {
    const { spec, settings } = this;
    const region = await this.config.region();
    const url = serviceEndpoint(spec.envSuffix, spec.endpointPrefix, region, settings.env ?? process.env);
    const attempts = Math.max(1, settings.maxAttempts ?? 3);
    const body = serialize(command.input);
    // A real SDK command (a test mixing the two) is named by its schema: [kind, namespace, operation, …].
    const operation =
      command.operation ?? String((command as { schema?: unknown[] }).schema?.[2] ?? 'UnknownOperation');
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await signedPost({
          service: spec.signingName,
          region,
          credentials: this.config.credentials,
          url,
          headers: {
            'content-type': `application/x-amz-json-${spec.jsonVersion}`,
            'x-amz-target': `${spec.target}.${operation}`,
            ...(spec.queryCompatible ? { 'x-amzn-query-mode': 'true' } : {}),
          },
          body,
          ...(settings.fetch ? { fetch: settings.fetch } : {}),
        });
        const { status, text } = answer;
        if (status >= 200 && status < 300) {
          const out = (text ? withDates(JSON.parse(text), this.timestamps) : {}) as O;
          return Object.assign(out as object, {
            $metadata: { httpStatusCode: status, attempts: attempt },
          }) as O & { $metadata: { httpStatusCode: number; attempts: number } };
        }
        throw jsonServiceError(spec.target, status, text, answer);
      } catch (error) {
        const e = error as Parameters<JsonServiceClient['retryable']>[0];
        if (attempt >= attempts || !this.retryable(e)) throw error;
        const cap = Math.min(20_000, (settings.retryBaseMs ?? 100) * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, Math.random() * cap));
      }
    }
  }

  /** The SDK client's `destroy()`: nothing to release (fetch keeps no per-client sockets). */
  destroy(): void {}
}
