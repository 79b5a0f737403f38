/**
 * The function bundles' stand-in for `@aws-sdk/client-ssm` (scripts/build.mjs aliases the package to this
 * module for the Lambda bundles only; the CLI, the tests and the simulator use the real client). The
 * functions make two SSM calls, GetParameter and PutParameter (the last-decision record,
 * decision-events.ts); the SDK client's model and ~500 error classes were 83 KiB of four bundles.
 *
 * Same surface as the SDK for those two calls: `new SSMClient(config)`, `send(new GetParameterCommand(
 * input))`, the AWS JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.<Operation>`), SigV4, the endpoint from
 * `AWS_ENDPOINT_URL_SSM` / `AWS_ENDPOINT_URL` / the regional default, credentials from the environment
 * (Lambda puts the role's there). Errors are SDK-shaped (`name` = the AWS code, e.g. ParameterNotFound,
 * `$fault`, `$metadata`); throttling, 5xx and network errors are retried (3 attempts in all, as the SDK's
 * default), the rest thrown.
 */
import { type AwsCredentials, serviceEndpoint, signedPost } from '../signed-request.js';

/** The client's settings (the SDK's names; `fetch` and `env` for tests). */
export interface SsmJsonConfig {
  region?: string;
  credentials?: AwsCredentials | (() => Promise<AwsCredentials>);
  maxAttempts?: number;
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
}

/** A command: the operation name and its input (the SDK's input shape). */
abstract class JsonCommand<I> {
  abstract readonly operation: string;
  constructor(readonly input: I) {}
}

export class GetParameterCommand extends JsonCommand<{ Name: string; WithDecryption?: boolean }> {
  readonly operation = 'GetParameter';
}
export class PutParameterCommand extends JsonCommand<
  Record<string, unknown> & { Name: string; Value: string }
> {
  readonly operation = 'PutParameter';
}

const RETRYABLE = /Throttl|TooManyUpdates|InternalServerError|ServiceUnavailable|RequestLimitExceeded/;

/** The error of a non-2xx answer: `__type` (`com.amazonaws.ssm#ParameterNotFound` or bare) and `message`. */
export const ssmError = (status: number, text: string, header?: string | null): Error => {
  let body: { __type?: string; message?: string; Message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON (a proxy's page): named from the header or the status below.
  }
  const type = (header ?? body.__type ?? '').split(':')[0]!.split('#').pop() || undefined;
  const name = type ?? (status >= 500 ? 'InternalServerError' : `HTTP${status}`);
  return Object.assign(new Error(body.message ?? body.Message ?? `SSM answered HTTP ${status}`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
};

export class SSMClient {
  readonly config: { region: () => Promise<string> };
  constructor(private readonly settings: SsmJsonConfig = {}) {
    const env = settings.env ?? process.env;
    this.config = { region: async () => settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '' };
  }

  private credentials = async (): Promise<AwsCredentials> => {
    const c = this.settings.credentials;
    if (typeof c === 'function') return c();
    if (c) return c;
    const env = this.settings.env ?? process.env;
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
  };

  /** Sends one command; resolves with the operation's JSON output. */
  async send(command: GetParameterCommand | PutParameterCommand): Promise<Record<string, never>> {
    // An SDK command (a test handing the real GetParameterCommand) is named by its class.
    const operation =
      (command as { operation?: string }).operation ?? command.constructor.name.replace(/Command$/, '');
    const region = await this.config.region();
    const url = serviceEndpoint('SSM', 'ssm', region, this.settings.env ?? process.env);
    const attempts = this.settings.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const { status, text, errorType } = await signedPost({
          service: 'ssm',
          region,
          credentials: this.credentials,
          url,
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `AmazonSSM.${operation}`,
          },
          body: JSON.stringify(command.input),
          ...(this.settings.fetch ? { fetch: this.settings.fetch } : {}),
        });
        if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as Record<string, never>;
        throw ssmError(status, text, errorType);
      } catch (error) {
        const e = error as { name?: string; $fault?: string };
        const retry = e.$fault === 'server' || RETRYABLE.test(e.name ?? '');
        if (!retry || attempt >= attempts) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
      }
    }
  }
}
