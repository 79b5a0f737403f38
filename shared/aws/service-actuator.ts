/**
 * Act, for the service scaler: applies a {@link ServicePlan} in the order that keeps retries safe.
 *
 * 1. ask the cluster scaler to grow the cluster: a `grow` request on the cluster queue (SQS FIFO, message
 *    group = cluster) carrying the service's new desired count. The service scaler never writes the
 *    group's desired capacity or the scaler's state itself (issue 14, "one writer per group"): the cluster
 *    scaler decides on the grown demand, in turn with the tick and the alarms of that cluster, so no two
 *    writers interleave. The request is absolute (the desired count), so a retried or duplicated request
 *    adds nothing;
 * 2. record the intent in the service's `ecs-autoscaler:last-scaling` tag (ecs:TagResource) — the cooldown's
 *    clock and what lets a retry re-apply the same target rather than step again;
 * 3. UpdateService with the absolute desired count.
 *
 * Step 1 only happens for a service that carries the opt-in tag itself (the planner skips any other), and
 * never for a group in dry run (the planner leaves `clusterGrowth` unset). Dry run writes nothing. Each
 * write is logged with its outcome; errors are translated (AccessDenied → AwsRejectedError naming the
 * action and the tag condition the policy checks).
 */
import { type ECSClient, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CLUSTER_REQUEST_VERSION, type ClusterRequest } from '../core/cluster/request.js';
import { AwsRejectedError } from '../core/errors.js';
import type { ServicePlan } from '../core/service/planner.js';
import { SERVICE_TAGS } from '../core/service/policy.js';
import { now as clockNow } from '../runtime/clock.js';
import { logger } from '../runtime/logger.js';
import { ecsClient } from './clients.js';
import { type ClusterQueue, defaultClusterQueue } from './cluster-queue.js';
import { awsCall } from './errors.js';

/** A request to grow a cluster for a service's new desired count. */
export type ClusterGrowthRequest = Extract<ClusterRequest, { kind: 'grow' }>;

/** The writes the service scaler makes (a narrow port: tests and the simulator provide their own). */
export interface ServiceWriter {
  /** ECS UpdateService with only `desiredCount`. */
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void>;
  /** ECS TagResource on the service. */
  tagService(serviceArn: string, key: string, value: string): Promise<void>;
  /** Asks the cluster scaler, through the cluster queue, to grow the cluster (it decides and writes). */
  requestClusterGrowth(request: ClusterGrowthRequest): Promise<void>;
}

const OPT_IN_HINT = `the deployed IAM policy allows it only on services tagged ${SERVICE_TAGS.scaling}=enabled (on the service itself)`;

/** Runs a write; an access-denied answer also says which tag condition the policy checks. */
const write = async (action: string, cluster: string | undefined, call: () => Promise<unknown>) => {
  try {
    await awsCall(cluster ? { action, cluster } : { action }, call);
  } catch (error) {
    if (error instanceof AwsRejectedError && /denied/i.test(error.awsErrorName + error.message)) {
      throw new AwsRejectedError(`${error.message}; ${OPT_IN_HINT}`, error.awsErrorName, {
        cause: error.cause,
      });
    }
    throw error;
  }
};

/** {@link ServiceWriter} over the ECS API, and the cluster queue for growth requests. */
export class AwsServiceWriter implements ServiceWriter {
  /** @param queue the cluster queue, resolved on the first growth request only. */
  constructor(
    private readonly ecs: ECSClient,
    private readonly queue: () => ClusterQueue,
  ) {}

  /** @throws AwsRejectedError (AccessDenied names ecs:UpdateService); TransientAwsError. */
  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void> {
    await write('ecs:UpdateService', cluster, () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
  }

  /** @throws AwsRejectedError (AccessDenied names ecs:TagResource); TransientAwsError. */
  async tagService(serviceArn: string, key: string, value: string): Promise<void> {
    await write('ecs:TagResource', undefined, () =>
      this.ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key, value }] })),
    );
  }

  /** @throws ConfigurationError when CLUSTER_QUEUE_URL is unset; the queue's translated SQS errors. */
  async requestClusterGrowth(request: ClusterGrowthRequest): Promise<void> {
    await this.queue().send([request]);
  }
}

/** The writer over the default clients (created once per module). */
export const defaultServiceWriter = (): ServiceWriter => {
  return new AwsServiceWriter(ecsClient(), () => defaultClusterQueue());
};

/** What {@link applyServicePlan} did. */
export interface ServiceActOutcome {
  /** The cluster scaler was asked to grow the cluster (it decides within seconds, in turn with the cluster's other requests). */
  clusterGrown: boolean;
  serviceUpdated: boolean;
}

/**
 * Applies a plan. `hold`/`skip` and dry-run plans write nothing.
 * @param serviceArn the service's ARN (for TagResource).
 * @param at the time of the plan (the growth request's trigger time and deduplication key).
 */
export const applyServicePlan = async (
  plan: ServicePlan,
  serviceArn: string,
  writer: ServiceWriter,
  at: Date = clockNow(),
): Promise<ServiceActOutcome> => {
  const outcome: ServiceActOutcome = { clusterGrown: false, serviceUpdated: false };
  if ((plan.action !== 'scale-out' && plan.action !== 'scale-in') || plan.dryRun) return outcome;
  const facts = { cluster: plan.cluster, service: plan.service, action: plan.action };
  const growth = plan.clusterGrowth;
  if (growth) {
    await writer.requestClusterGrowth({
      v: CLUSTER_REQUEST_VERSION,
      kind: 'grow',
      cluster: plan.cluster,
      service: plan.service,
      desiredCount: plan.desiredCount.proposed,
      at: at.toISOString(),
    });
    outcome.clusterGrown = true;
    logger.info('cluster growth requested for the service', {
      ...facts,
      asg: growth.autoScalingGroup,
      from: growth.desiredCapacity.current,
      to: growth.desiredCapacity.proposed,
    });
  }
  if (plan.record) await writer.tagService(serviceArn, SERVICE_TAGS.lastScaling, plan.record);
  await writer.setDesiredCount(plan.cluster, plan.service, plan.desiredCount.proposed);
  outcome.serviceUpdated = true;
  logger.info('service desired count set', {
    ...facts,
    from: plan.desiredCount.current,
    to: plan.desiredCount.proposed,
  });
  return outcome;
};
