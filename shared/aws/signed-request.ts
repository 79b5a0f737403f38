/**
 * One SigV4-signed HTTP POST to an AWS service, for the few calls the functions make without the
 * service's SDK client (whose model would be most of the bundle: docs/bundles.md). Endpoint chosen as
 * the SDK does; errors shaped like SDK errors (`name` = AWS error code, `$fault`, `$metadata`, a network
 * error's `code`) so that `translateAwsError` (errors.ts) reads them unchanged.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials as the SDK's providers resolve them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The endpoint of `service` in `region`, as the SDK chooses it: `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL` (both ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the documented
 * regional endpoint `https://<prefix>.<region>.amazonaws.com` (`.amazonaws.com.cn` in the aws-cn
 * partition). Not covered: `endpoint_url` in a shared-config profile, FIPS/dual-stack, ISO partitions.
 * @param envSuffix the service's environment-variable suffix (`EC2`, `SSM`).
 * @param prefix the endpoint prefix (`ec2`, `ssm`).
 */
export const serviceEndpoint = (
  envSuffix: string,
  prefix: string,
  region: string,
  env: Record<string, string | undefined> = process.env,
): URL => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const configured = env[`AWS_ENDPOINT_URL_${envSuffix}`] || env.AWS_ENDPOINT_URL;
    if (configured) return new URL(configured);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw Object.assign(new Error(`region is missing or invalid ('${region}')`), { name: 'ConfigError' });
  }
  return new URL(`https://${prefix}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
};

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) for the signer, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

/** One signed POST. */
export interface SignedPost {
  /** Signing name (`ec2`, `ssm`). */
  service: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** HTTP client. Default: the global `fetch`, looked up at each call. */
  fetch?: typeof fetch;
  /** Milliseconds before the call is abandoned (TimeoutError: transient). Default 10 000. */
  timeoutMs?: number;
}

/**
 * Signs and sends the request; the answer's status, text, and its `x-amzn-ErrorType` and
 * `x-amzn-query-error` headers (the caller reads the protocol's errors).
 * @throws an SDK-shaped network error (`TimeoutError` / `NetworkingError`, `$fault: 'server'`).
 */
export const signedPost = async (
  request: SignedPost,
): Promise<{ status: number; text: string; errorType: string | null; queryError: string | null }> => {
  const { url } = request;
  const signer = new SignatureV4({
    service: request.service,
    region: request.region,
    credentials: request.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname || '/',
    query: {},
    headers: { host: url.host, ...request.headers },
    body: request.body,
  });
  const doFetch = request.fetch ?? globalThis.fetch;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
    return {
      status: response.status,
      text: await response.text(),
      errorType: response.headers.get('x-amzn-errortype'),
      queryError: response.headers.get('x-amzn-query-error'),
    };
  } catch (error) {
    const e = error as { name?: string; message?: string; cause?: { code?: string } };
    throw Object.assign(new Error(`${e.message ?? error} (${url.host})`), {
      name: e.name === 'TimeoutError' || e.name === 'AbortError' ? 'TimeoutError' : 'NetworkingError',
      code: e.cause?.code,
      $fault: 'server',
      cause: error,
    });
  }
};
