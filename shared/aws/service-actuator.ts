/**
 * Act, for the service scaler: applies a {@link ServicePlan} in the order that keeps retries safe.
 *
 * 1. grow the cluster: the cluster planner's plan for the grown demand, through the cluster scaler's own
 *    actuator (applyClusterPlan: SetDesiredCapacity, then its state tags, so the cluster scaler's cooldown
 *    and boot backoff count this scale-out) — instances start booting before the tasks are asked for;
 * 2. record the intent in the service's `ecs-autoscaler:last-scaling` tag (ecs:TagResource) — the cooldown's
 *    clock and what lets a retry re-apply the same target rather than step again;
 * 3. UpdateService with the absolute desired count.
 *
 * Step 1 only happens for a service that carries the opt-in tag itself (the planner skips any other), so
 * the IAM condition on steps 2 and 3 cannot deny them after the group has grown; and never for a group in
 * dry run (the planner leaves `clusterGrowth` unset).
 *
 * A retry after a failure at 2 or 3 re-plans: the cluster planner counts the instances now in flight, so
 * the group is not grown twice. Dry run writes nothing. Each write is logged with its outcome; errors are
 * translated (AccessDenied → AwsRejectedError naming the action and the tag condition the policy checks).
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { type ECSClient, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { ClusterPlan } from '../core/cluster/planner.js';
import { AwsRejectedError } from '../core/errors.js';
import type { ServicePlan } from '../core/service/planner.js';
import { SERVICE_TAGS } from '../core/service/policy.js';
import { logger } from '../runtime/logger.js';
import { readerClients } from './clients.js';
import { applyClusterPlan } from './cluster-actuator.js';
import { AwsClusterWriter } from './cluster-writer.js';
import { awsCall } from './errors.js';

/** The writes the service scaler makes (a narrow port: tests and the simulator provide their own). */
export interface ServiceWriter {
  /** ECS UpdateService with only `desiredCount`. */
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void>;
  /** ECS TagResource on the service. */
  tagService(serviceArn: string, key: string, value: string): Promise<void>;
  /** Applies a cluster plan with the cluster scaler's actuator. */
  growCluster(plan: ClusterPlan): Promise<void>;
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

/** {@link ServiceWriter} over the ECS API, and the cluster scaler's writer for the Auto Scaling group. */
export class AwsServiceWriter implements ServiceWriter {
  private readonly cluster: AwsClusterWriter;

  constructor(
    private readonly ecs: ECSClient,
    autoScaling: AutoScalingClient,
  ) {
    this.cluster = new AwsClusterWriter(autoScaling, ecs);
  }

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

  /**
   * Writes for real: the service planner sets `clusterGrowth` only when the group may be written (never
   * when its policy is dry-run, from the ASG tag `ecs-autoscaler:dry-run=true`), and applyServicePlan
   * writes nothing for a dry-run service plan.
   * @throws what the cluster writer throws (translated errors naming autoscaling:* actions).
   */
  async growCluster(plan: ClusterPlan): Promise<void> {
    await applyClusterPlan(plan, this.cluster, { dryRun: false });
  }
}

/** The writer over the default clients (created once per module). */
export const defaultServiceWriter = (): ServiceWriter => {
  const c = readerClients();
  return new AwsServiceWriter(c.ecs, c.autoScaling);
};

/** What {@link applyServicePlan} did. */
export interface ServiceActOutcome {
  clusterGrown: boolean;
  serviceUpdated: boolean;
}

/**
 * Applies a plan. `hold`/`skip` and dry-run plans write nothing.
 * @param serviceArn the service's ARN (for TagResource).
 */
export const applyServicePlan = async (
  plan: ServicePlan,
  serviceArn: string,
  writer: ServiceWriter,
): Promise<ServiceActOutcome> => {
  const outcome: ServiceActOutcome = { clusterGrown: false, serviceUpdated: false };
  if ((plan.action !== 'scale-out' && plan.action !== 'scale-in') || plan.dryRun) return outcome;
  const facts = { cluster: plan.cluster, service: plan.service, action: plan.action };
  const growth = plan.clusterGrowth;
  if (growth) {
    await writer.growCluster(growth.clusterPlan);
    outcome.clusterGrown = true;
    logger.info('cluster grown for the service', {
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
