/**
 * Act, for the service scaler: applies a {@link ServicePlan} in the order that keeps retries safe.
 *
 * 1. grow the cluster's Auto Scaling group: the absolute SetDesiredCapacity, then the cluster planner's
 *    state tags (CreateOrUpdateTags, so the cluster scaler's cooldown and boot backoff count this scale-out);
 * 2. record the intent in the service's `ecs-autoscaler:last-scaling` tag (ecs:TagResource) — the cooldown's
 *    clock and what lets a retry re-apply the same target rather than step again;
 * 3. UpdateService with the absolute desired count.
 *
 * Dry run writes nothing. Each write is logged with its outcome; errors are translated (AccessDenied →
 * AwsRejectedError naming the action and the condition the IAM policy puts on it).
 */
import {
  type AutoScalingClient,
  CreateOrUpdateTagsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { type ECSClient, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { ServicePlan } from '../core/service-planner.js';
import { SERVICE_TAGS } from '../core/service-policy.js';
import { AwsRejectedError } from '../runtime/errors.js';
import { logger } from '../runtime/logger.js';
import { readerClients } from './clients.js';
import { awsCall } from './errors.js';

/** The writes the service scaler makes (a narrow port: tests and the simulator provide their own). */
export interface ServiceWriter {
  /** ECS UpdateService with only `desiredCount`. */
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void>;
  /** ECS TagResource on the service. */
  tagService(serviceArn: string, key: string, value: string): Promise<void>;
  /** Auto Scaling SetDesiredCapacity (HonorCooldown false: the target is computed, not a nudge). */
  setGroupDesiredCapacity(asg: string, desiredCapacity: number): Promise<void>;
  /** Auto Scaling CreateOrUpdateTags (PropagateAtLaunch false): the cluster planner's state tags. */
  tagGroup(asg: string, tags: Readonly<Record<string, string>>): Promise<void>;
}

const OPT_IN_HINT = `the deployed IAM policy allows it only on services tagged ${SERVICE_TAGS.scaling}=enabled (on the service itself)`;
const ASG_HINT = 'the deployed IAM policy allows it only on groups tagged ecs-autoscaler:cluster';

/** Runs a write; an access-denied answer also says which tag condition the policy checks. */
const write = async (
  action: string,
  hint: string,
  cluster: string | undefined,
  call: () => Promise<unknown>,
) => {
  try {
    await awsCall(cluster ? { action, cluster } : { action }, call);
  } catch (error) {
    if (error instanceof AwsRejectedError && /denied/i.test(error.awsErrorName + error.message)) {
      throw new AwsRejectedError(`${error.message}; ${hint}`, error.awsErrorName, { cause: error.cause });
    }
    throw error;
  }
};

/** {@link ServiceWriter} over the ECS and EC2 Auto Scaling APIs. */
export class AwsServiceWriter implements ServiceWriter {
  constructor(
    private readonly ecs: ECSClient,
    private readonly autoScaling: AutoScalingClient,
  ) {}

  /** @throws AwsRejectedError (AccessDenied names ecs:UpdateService); TransientAwsError. */
  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void> {
    await write('ecs:UpdateService', OPT_IN_HINT, cluster, () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount })),
    );
  }

  /** @throws AwsRejectedError (AccessDenied names ecs:TagResource); TransientAwsError. */
  async tagService(serviceArn: string, key: string, value: string): Promise<void> {
    await write('ecs:TagResource', OPT_IN_HINT, undefined, () =>
      this.ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key, value }] })),
    );
  }

  /** @throws AwsRejectedError (AccessDenied names autoscaling:SetDesiredCapacity); TransientAwsError. */
  async setGroupDesiredCapacity(asg: string, desiredCapacity: number): Promise<void> {
    await write('autoscaling:SetDesiredCapacity', ASG_HINT, undefined, () =>
      this.autoScaling.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: asg,
          DesiredCapacity: desiredCapacity,
          HonorCooldown: false,
        }),
      ),
    );
  }

  /** @throws AwsRejectedError (AccessDenied names autoscaling:CreateOrUpdateTags); TransientAwsError. */
  async tagGroup(asg: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length === 0) return;
    await write('autoscaling:CreateOrUpdateTags', ASG_HINT, undefined, () =>
      this.autoScaling.send(
        new CreateOrUpdateTagsCommand({
          Tags: entries.map(([Key, Value]) => ({
            ResourceId: asg,
            ResourceType: 'auto-scaling-group',
            Key,
            Value,
            PropagateAtLaunch: false,
          })),
        }),
      ),
    );
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
    // Capacity first: a retry after a failed tag write sees the new instances in flight (no double growth),
    // whereas a last-scale-out tag written before a failed SetDesiredCapacity would block the retry's growth
    // behind the cluster's cooldown.
    await writer.setGroupDesiredCapacity(growth.autoScalingGroup, growth.desiredCapacity.proposed);
    await writer.tagGroup(growth.autoScalingGroup, growth.stateTags);
    outcome.clusterGrown = true;
    logger.info('asg desired capacity set', {
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
