/**
 * Default SDK clients, created once per region and module so warm Lambda invocations reuse their
 * connections (STYLE.md §2). No endpoint is set here: the SDK honours AWS_ENDPOINT_URL /
 * AWS_ENDPOINT_URL_<SERVICE>, which is how the simulator and local tools redirect calls.
 *
 * One accessor per client (ecsClient, autoScalingClient, …): a function bundle only contains the SDK
 * clients whose accessor it calls (esbuild drops the others), so the drainer, which needs ECS and Auto
 * Scaling, does not carry Application Auto Scaling (docs/bundles.md).
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ec2QueryInstanceTypesClient, type InstanceTypesClient } from './instance-types.js';
import { ec2QueryLaunchTemplatesClient, type LaunchTemplatesClient } from './launch-templates.js';

/** The SDK clients the snapshot reader uses. */
export interface ReaderClients {
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
  /** Absent: nothing reads scalable targets (the cluster scaler: `readClusterForScaling`). */
  applicationAutoScaling?: ApplicationAutoScalingClient;
  /**
   * DescribeInstanceTypes (issue 12; a signed EC2 Query request, not the EC2 SDK client: instance-types.ts);
   * absent: the placement model's built-in table.
   */
  instanceTypes?: InstanceTypesClient;
  /**
   * DescribeLaunchTemplateVersions (a signed EC2 Query request: launch-templates.ts): what a group's launch
   * template launches; absent: such a group is sized from its instances or its tags.
   */
  launchTemplates?: LaunchTemplatesClient;
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

/**
 * One client per region (key '' = the SDK's own region resolution). The calls below are marked pure so
 * that a bundle that never calls an accessor leaves its SDK client out.
 */
const perRegion = <C>(create: (config: object) => C): ((region?: string) => C) => {
  const made = new Map<string, C>();
  return (region) => {
    const key = region ?? '';
    let client = made.get(key);
    if (!client) {
      client = create({ ...SDK_RETRY_SETTINGS, ...(region ? { region } : {}) });
      made.set(key, client);
    }
    return client;
  };
};

/** The ECS client of a region (default: AWS_REGION / profile). */
export const ecsClient = /* @__PURE__ */ perRegion((c) => new ECSClient(c));
/** The Auto Scaling client of a region. */
export const autoScalingClient = /* @__PURE__ */ perRegion((c) => new AutoScalingClient(c));
/** The Application Auto Scaling client of a region. */
export const applicationAutoScalingClient = /* @__PURE__ */ perRegion(
  (c) => new ApplicationAutoScalingClient(c),
);
/**
 * The DescribeInstanceTypes port of a region: the ECS client's region and credential providers (so the
 * same credentials as every other call: the function role's on Lambda, the SDK chain in the CLI).
 */
export const instanceTypesClient = /* @__PURE__ */ perRegion((c) => {
  const ecs = ecsClient((c as { region?: string }).region);
  return ec2QueryInstanceTypesClient({
    region: () => ecs.config.region(),
    credentials: () => ecs.config.credentials(),
  });
});

/** The DescribeLaunchTemplateVersions port of a region (same providers as {@link instanceTypesClient}). */
export const launchTemplatesClient = /* @__PURE__ */ perRegion((c) => {
  const ecs = ecsClient((c as { region?: string }).region);
  return ec2QueryLaunchTemplatesClient({
    region: () => ecs.config.region(),
    credentials: () => ecs.config.credentials(),
  });
});

const cache = new Map<string, ReaderClients>();

/**
 * The reader's clients for a region (default: the SDK's own resolution, AWS_REGION / profile).
 * The same object is returned on every call with the same region.
 */
export const readerClients = (region?: string): ReaderClients => {
  const key = region ?? '';
  let clients = cache.get(key);
  if (!clients) {
    clients = {
      ecs: ecsClient(region),
      autoScaling: autoScalingClient(region),
      applicationAutoScaling: applicationAutoScalingClient(region),
      instanceTypes: instanceTypesClient(region),
      launchTemplates: launchTemplatesClient(region),
    };
    cache.set(key, clients);
  }
  return clients;
};
