/**
 * Default SDK clients, created once per module so warm Lambda invocations reuse their connections
 * (STYLE.md §2). No endpoint is set here: the SDK honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>,
 * which is how the simulator and local tools redirect calls.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';

/** The SDK clients the snapshot reader uses. */
export interface ReaderClients {
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
  applicationAutoScaling: ApplicationAutoScalingClient;
  /** DescribeInstanceTypes (issue 12); absent: the placement model's built-in table. */
  ec2?: EC2Client;
}

/**
 * SDK retry settings of every client the project creates (reuse them for new clients).
 *
 * - `adaptive` mode: the standard retry (exponential backoff with full jitter, a retry-token bucket
 *   that stops retrying when most calls fail) plus a client-side rate limiter that slows the client
 *   down after a throttling answer. ECS and Auto Scaling throttle per account and region with buckets
 *   shared with every other tool; a sweeper working on many instances at once, or a tick reading many
 *   clusters, should back off rather than spend its retries against a full bucket.
 * - 3 attempts (the SDK default): a call costs at most ~1 s of backoff before the error reaches the
 *   project's own in-invocation retry (retry.ts), which is bounded by the Lambda's remaining time and
 *   knows which calls are idempotent. More SDK attempts would multiply with it (3 × 4 calls at worst).
 */
export const SDK_RETRY_SETTINGS = { retryMode: 'adaptive', maxAttempts: 3 } as const;

const cache = new Map<string, ReaderClients>();

/**
 * The reader's clients for a region (default: the SDK's own resolution, AWS_REGION / profile).
 * The same object is returned on every call with the same region.
 */
export const readerClients = (region?: string): ReaderClients => {
  const key = region ?? '';
  let clients = cache.get(key);
  if (!clients) {
    const config = { ...SDK_RETRY_SETTINGS, ...(region ? { region } : {}) };
    clients = {
      ecs: new ECSClient(config),
      autoScaling: new AutoScalingClient(config),
      applicationAutoScaling: new ApplicationAutoScalingClient(config),
      ec2: new EC2Client(config),
    };
    cache.set(key, clients);
  }
  return clients;
};
