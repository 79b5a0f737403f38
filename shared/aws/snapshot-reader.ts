/**
 * Observe: reads one live cluster into a {@link ClusterSnapshot} with the fewest calls the APIs allow.
 *
 * | call                                   | batch (AWS limit)                 | calls                      |
 * |----------------------------------------|-----------------------------------|----------------------------|
 * | ecs:DescribeClusters                   | 1 cluster                         | 1                          |
 * | ecs:ListContainerInstances             | 100 ARNs per page                 | ⌈instances / 100⌉ (min 1)  |
 * | ecs:DescribeContainerInstances         | ≤ 100 ARNs                        | ⌈instances / 100⌉          |
 * | ecs:ListServices                       | 100 ARNs per page                 | ⌈services / 100⌉ (min 1)   |
 * | ecs:DescribeServices (include TAGS)    | ≤ 10 services                     | ⌈services / 10⌉            |
 * | ecs:DescribeTaskDefinition             | 1; cached across warm invocations | distinct revisions not seen|
 * | autoscaling:DescribeAutoScalingGroups  | tag filter, 100 per page          | 1 per 100 groups           |
 * | application-autoscaling:DescribeScalableTargets | ≤ 50 resource ids        | ⌈services / 50⌉            |
 * | autoscaling:DescribeInstanceRefreshes  | 1 group (fleet-readers.ts)        | 1 per managed group        |
 * | autoscaling:DescribeLaunchConfigurations | ≤ 50 names; cached              | groups with a new LC name  |
 * | ecs:DescribeCapacityProviders, autoscaling:DescribePolicies / DescribeScheduledActions /       |
 * | DescribeLifecycleHooks (other controllers, cached 5 min: controller-readers.ts)                |
 *
 * Independent batches share one small concurrency limit. Task definition revisions are immutable, so
 * each ARN is described once per Lambda container (module-level cache). Describe `failures` are kept in
 * the snapshot (`failures`), never dropped.
 */
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { NotFoundError, TransientAwsError } from '../core/errors.js';
import { type ClusterSnapshot, type DescribeFailure, parseSnapshot } from '../core/snapshot/snapshot.js';
import { now } from '../runtime/clock.js';
import { type ReaderClients, readerClients } from './clients.js';
import { readCapacityProviders, readGroupControllers } from './controller-readers.js';
import { awsCall, type Ctx, translateAwsError } from './errors.js';
import { readInstanceRefreshes, readLaunchConfigurations } from './fleet-readers.js';
import { readInstanceTypeFacts, readSubnetZones } from './instance-types.js';
import { readLaunchTemplateVersions } from './launch-templates.js';
import { allPages, chunk, createLimiter, jsonShaped, type Limiter } from './limit.js';
import { DEFAULT_RETRY, type RetryPolicy, retrying } from './retry.js';
import { readAutoScalingGroups, readScalableTargets } from './scaling-readers.js';

/** Progress of a read, for a terminal progress line. */
export interface ReadProgress {
  phase: 'instances';
  done: number;
  total: number;
}

/** Options of {@link readClusterSnapshot}. */
export interface ReadOptions {
  /** SDK clients (tests inject mocked ones). Default: {@link readerClients}(region). */
  clients?: ReaderClients;
  /** Region for the default clients and the messages. Default: the SDK's resolution (AWS_REGION). */
  region?: string;
  /** Calls in flight at most. Default 4. */
  concurrency?: number;
  /** Called after each DescribeContainerInstances batch. */
  onProgress?: (progress: ReadProgress) => void;
  /**
   * Retries of a call that failed transiently (throttling, 5xx, network), within the read: one failed
   * call among a tick's reads must not drop the cluster's decision for a whole minute. Default
   * {@link DEFAULT_RETRY} (bounded by the invocation's time budget, see retry.ts).
   */
  retry?: RetryPolicy;
}

/** Whether an SDK error is worth asking again (what the reader would translate to TransientAwsError). */
const isTransient = (error: unknown): boolean =>
  translateAwsError(error, { action: 'read' }) instanceof TransientAwsError;

/**
 * The client with a `send` that retries transient errors (full-jitter backoff, within the budget) and
 * then rethrows the SDK's own error, so each reader still translates it with its own context.
 */
const retryingClient = <C extends object>(client: C, policy: RetryPolicy, method = 'send'): C =>
  new Proxy(client, {
    get(target, property, receiver) {
      if (property !== method) return Reflect.get(target, property, receiver);
      const call = Reflect.get(target, property, receiver) as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        let last: unknown;
        try {
          return await retrying(policy, async () => {
            try {
              return await call.apply(target, args);
            } catch (error) {
              last = error;
              throw isTransient(error) ? new TransientAwsError('transient', { cause: error }) : error;
            }
          });
        } catch (error) {
          throw error instanceof TransientAwsError && error.cause === last ? last : error;
        }
      };
    },
  });

/** The clients with {@link retryingClient}'s retries (also the cluster scaler's task-list reads). */
export const withRetries = (clients: ReaderClients, policy: RetryPolicy = DEFAULT_RETRY): ReaderClients => ({
  ecs: retryingClient(clients.ecs, policy),
  autoScaling: retryingClient(clients.autoScaling, policy),
  ...(clients.applicationAutoScaling
    ? { applicationAutoScaling: retryingClient(clients.applicationAutoScaling, policy) }
    : {}),
  ...(clients.instanceTypes
    ? { instanceTypes: retryingClient(clients.instanceTypes, policy, 'describeInstanceTypes') }
    : {}),
  ...(clients.launchTemplates
    ? {
        launchTemplates: retryingClient(clients.launchTemplates, policy, 'describeLaunchTemplateVersions'),
      }
    : {}),
});

/**
 * DescribeClusters answers a cluster it could not describe under `failures`, with reason MISSING when
 * the cluster does not exist — and a partial answer looks the same. Asked again this many times in all
 * before MISSING is taken as "not found"; any other failure, or an answer about nothing, is partial
 * (TransientAwsError), never "not found".
 */
const DESCRIBE_CLUSTER_ATTEMPTS = 2;

/** Task definitions by ARN; revisions are immutable, so entries never go stale. */
const taskDefinitionCache = new Map<string, unknown>();

/** Empties the task definition cache (tests and benchmarks measure cold reads with it). */
export const clearTaskDefinitionCache = (): void => taskDefinitionCache.clear();

/** How many task definitions the cache holds. */
export const taskDefinitionCacheSize = (): number => taskDefinitionCache.size;

/** The region the client resolves to, or undefined when none is configured (named in messages only). */
export const clientRegion = async (clients: ReaderClients): Promise<string | undefined> => {
  try {
    return await clients.ecs.config.region();
  } catch {
    return undefined;
  }
};

/**
 * Reads one cluster. `cluster` is a name or ARN.
 * @throws NotFoundError when the cluster does not exist (or is INACTIVE) in the region.
 * @throws AwsRejectedError naming the IAM action when access is denied; TransientAwsError on throttling/5xx;
 *   ConfigurationError when credentials or region are missing.
 */
export const readClusterSnapshot = (cluster: string, options: ReadOptions = {}): Promise<ClusterSnapshot> =>
  readClusterWith(
    cluster,
    { ...options, clients: options.clients ?? readerClients(options.region) },
    readScalableTargets,
  );

/**
 * {@link readClusterSnapshot} without DescribeScalableTargets (`scalableTargets` empty): the cluster
 * scaler's read. Services' scalable targets bound the service scaler and show in the report; no cluster
 * decision uses them, and each tick saved ⌈services / 50⌉ calls (docs/performance.md).
 */
export const readClusterForScaling = (
  cluster: string,
  options: ReadOptions & { clients: ReaderClients },
): Promise<ClusterSnapshot> => readClusterWith(cluster, options);

const readClusterWith = async (
  cluster: string,
  options: ReadOptions & { clients: ReaderClients },
  targets?: typeof readScalableTargets,
): Promise<ClusterSnapshot> => {
  const clients = withRetries(options.clients, options.retry ?? DEFAULT_RETRY);
  const region = options.region ?? (await clientRegion(clients));
  const limit = createLimiter(options.concurrency ?? 4);
  const ctx = (action: string) => ({ action, cluster, region });
  const capturedAt = now().toISOString();

  let clusterItem: Awaited<ReturnType<typeof describeCluster>>['item'];
  for (let attempt = 1; !clusterItem; attempt++) {
    const { item, failure } = await describeCluster(clients, cluster, ctx);
    clusterItem = item;
    if (item || attempt < DESCRIBE_CLUSTER_ATTEMPTS) continue;
    if (failure?.reason === 'MISSING') break;
    const why = failure ? `failure ${failure.reason ?? 'with no reason'}` : 'no cluster and no failure';
    throw new TransientAwsError(
      `ecs:DescribeClusters answered cluster ${cluster} only partially (${why}) ${attempt} times; ` +
        'retry later: this is not "cluster not found"',
    );
  }
  if (!clusterItem || clusterItem.status === 'INACTIVE') {
    throw new NotFoundError(
      `cluster ${cluster} not found in region ${region ?? '(unset)'}; check --cluster and AWS_REGION`,
    );
  }
  const clusterName = clusterItem.clusterName ?? cluster;
  const failures: DescribeFailure[] = [];

  const [containerInstances, { services, taskDefinitions }, autoScalingGroups] = await Promise.all([
    readContainerInstances(clients, clusterName, limit, ctx, failures, options.onProgress),
    readServices(clients, clusterName, limit, ctx, failures),
    readAutoScalingGroups(clients, clusterName, limit, ctx),
  ]);
  // Issue 14: the other controllers of the groups (conflicts.ts decides whether to stand aside).
  const [capacityProviders, groupControllers] = await Promise.all([
    readCapacityProviders(clients, clusterItem.capacityProviders ?? [], limit, ctx),
    Promise.all(
      autoScalingGroups.map((g) =>
        readGroupControllers(
          clients,
          (g as { AutoScalingGroupName?: string }).AutoScalingGroupName ?? '',
          limit,
          ctx,
        ),
      ),
    ),
  ]);
  // Issue 13: instance refreshes in progress and launch configurations (what a group launches).
  const [instanceRefreshes, launchConfigurations] = await Promise.all([
    readInstanceRefreshes(clients, autoScalingGroups, limit, ctx),
    readLaunchConfigurations(clients, autoScalingGroups, limit, ctx),
  ]);
  // What a launch template launches, for groups that name no type themselves (scale from zero).
  const launchTemplateVersions = await readLaunchTemplateVersions(clients.launchTemplates, autoScalingGroups);
  // Issue 12: facts of the instance types in use and launchable, for the placement model.
  const instanceTypes = await readInstanceTypeFacts(
    clients.instanceTypes,
    containerInstances,
    autoScalingGroups,
    launchTemplateVersions.flatMap((v) => v.LaunchTemplateData?.InstanceType ?? []),
  );
  // The AZs of the awsvpc services' subnets (a task ENI goes in a subnet of its host's AZ).
  const subnets = await readSubnetZones(clients.instanceTypes, services);
  const scalableTargets = targets
    ? await targets(
        clients,
        clusterName,
        services.map((s) => (s as { serviceName?: string }).serviceName ?? ''),
        limit,
        ctx,
      )
    : [];

  return parseSnapshot(
    jsonShaped({
      version: 1,
      capturedAt,
      region,
      cluster: clusterItem,
      containerInstances,
      services,
      taskDefinitions,
      autoScalingGroups,
      scalableTargets,
      ...(instanceRefreshes.length > 0 ? { instanceRefreshes } : {}),
      ...(launchConfigurations.length > 0 ? { launchConfigurations } : {}),
      ...(launchTemplateVersions.length > 0 ? { launchTemplateVersions } : {}),
      ...(instanceTypes.length > 0 ? { instanceTypes } : {}),
      ...(subnets.length > 0 ? { subnets } : {}),
      capacityProviders,
      groupControllers,
      ...(failures.length > 0 ? { failures } : {}),
    }),
    `cluster ${clusterName} as read from AWS`,
  );
};

/** One DescribeClusters call: the cluster, or the failure ECS gave instead. */
const describeCluster = async (clients: ReaderClients, cluster: string, ctx: Ctx) => {
  const described = await awsCall(ctx('ecs:DescribeClusters'), () =>
    clients.ecs.send(new DescribeClustersCommand({ clusters: [cluster] })),
  );
  return { item: described.clusters?.[0], failure: described.failures?.[0] };
};

/**
 * Runs one Describe call and, when ECS answers part of the batch with `failures`, asks once more for just
 * those items. The reader only describes ARNs it has just listed, so even MISSING contradicts the listing
 * (a race or a partial answer), not a settled fact. What still fails is recorded in `failures` (the
 * planner then never removes capacity on the partial answer).
 */
const describeWithRetry = async <T>(
  batch: string[],
  send: (items: string[]) => Promise<{ items: T[]; failures: DescribeFailure[] }>,
  failures: DescribeFailure[],
): Promise<T[]> => {
  const first = await send(batch);
  const retry = first.failures.filter((f) => f.arn && batch.includes(f.arn));
  if (retry.length === 0) {
    failures.push(...first.failures);
    return first.items;
  }
  const second = await send(retry.map((f) => f.arn!));
  failures.push(...first.failures.filter((f) => !retry.includes(f)), ...second.failures);
  return [...first.items, ...second.items];
};

const readContainerInstances = async (
  clients: ReaderClients,
  cluster: string,
  limit: Limiter,
  ctx: Ctx,
  failures: DescribeFailure[],
  onProgress?: (p: ReadProgress) => void,
): Promise<unknown[]> => {
  const arns = await allPages(
    (nextToken) =>
      limit(() =>
        awsCall(ctx('ecs:ListContainerInstances'), () =>
          clients.ecs.send(new ListContainerInstancesCommand({ cluster, maxResults: 100, nextToken })),
        ),
      ),
    (page) => page.containerInstanceArns,
  );
  let done = 0;
  onProgress?.({ phase: 'instances', done, total: arns.length });
  const batches = await Promise.all(
    chunk(arns, 100).map((batch) =>
      limit(async () => {
        const items = await describeWithRetry(
          batch,
          async (containerInstances) => {
            const out = await awsCall(ctx('ecs:DescribeContainerInstances'), () =>
              clients.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances })),
            );
            return {
              items: out.containerInstances ?? [],
              failures: (out.failures ?? []).map((f) => ({ ...f })),
            };
          },
          failures,
        );
        done += items.length;
        onProgress?.({ phase: 'instances', done, total: arns.length });
        return items;
      }),
    ),
  );
  return batches.flat();
};

const readServices = async (
  clients: ReaderClients,
  cluster: string,
  limit: Limiter,
  ctx: Ctx,
  failures: DescribeFailure[],
): Promise<{ services: unknown[]; taskDefinitions: unknown[] }> => {
  const arns = await allPages(
    (nextToken) =>
      limit(() =>
        awsCall(ctx('ecs:ListServices'), () =>
          clients.ecs.send(new ListServicesCommand({ cluster, maxResults: 100, nextToken })),
        ),
      ),
    (page) => page.serviceArns,
  );
  const services = (
    await Promise.all(
      chunk(arns, 10).map((batch) =>
        limit(() =>
          describeWithRetry(
            batch,
            async (items) => {
              const out = await awsCall(ctx('ecs:DescribeServices'), () =>
                clients.ecs.send(
                  new DescribeServicesCommand({ cluster, services: items, include: ['TAGS'] }),
                ),
              );
              return { items: out.services ?? [], failures: (out.failures ?? []).map((f) => ({ ...f })) };
            },
            failures,
          ),
        ),
      ),
    )
  ).flat();
  const wanted = new Set<string>();
  for (const s of services) {
    if (s.taskDefinition) wanted.add(s.taskDefinition);
    // Task sets (CodeDeploy blue/green, EXTERNAL) run theirs: the green set's is in no deployment.
    for (const d of [...(s.deployments ?? []), ...(s.taskSets ?? [])])
      if (d.taskDefinition) wanted.add(d.taskDefinition);
  }
  const missing = [...wanted].filter((arn) => !taskDefinitionCache.has(arn));
  await Promise.all(
    missing.map((arn) =>
      limit(async () => {
        try {
          const out = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
          if (out.taskDefinition) taskDefinitionCache.set(arn, jsonShaped(out.taskDefinition));
        } catch (error) {
          const translated = translateAwsError(error, ctx('ecs:DescribeTaskDefinition'));
          // A deleted revision answers ClientException: report it and carry on (its size is unknown).
          if ((error as { name?: string }).name !== 'ClientException') throw translated;
          failures.push({ arn, reason: 'TASK_DEFINITION_UNREADABLE', detail: translated.message });
        }
      }),
    ),
  );
  return {
    services,
    taskDefinitions: [...wanted].flatMap((arn) => {
      const td = taskDefinitionCache.get(arn);
      return td ? [td] : [];
    }),
  };
};
