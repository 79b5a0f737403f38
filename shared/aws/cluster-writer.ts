/**
 * The AWS writes of the cluster scaler, behind a narrow port (tests and the simulator provide their own).
 * Batches follow the API limits; every SDK error is translated at this boundary (shared/aws/errors.ts).
 */
import {
  type AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  SetDesiredCapacityCommand,
  SetInstanceHealthCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DeleteAttributesCommand,
  type ECSClient,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import type { AttributeWrite } from '../core/cluster/foreign-state.js';
import { AwsRejectedError, TransientAwsError } from '../core/errors.js';
import { awsCall } from './errors.js';
import { chunk } from './limit.js';

/** SetInstanceProtection takes up to 50 instance ids (API reference). */
export const PROTECTION_BATCH = 50;
/** UpdateContainerInstancesState takes up to 10 container instances (API reference). */
export const STATE_BATCH = 10;
/** PutAttributes / DeleteAttributes take up to 10 attributes (API reference). */
export const ATTRIBUTE_BATCH = 10;

/** The writes the cluster scaler makes. */
export interface ClusterWriter {
  /** SetDesiredCapacity with HonorCooldown=false: the target is computed, the scaler keeps its own cooldown. */
  setDesiredCapacity(asg: string, desired: number): Promise<void>;
  /** SetInstanceProtection ProtectedFromScaleIn=`protect` (default true), in batches of 50. */
  protectInstances(asg: string, instanceIds: readonly string[], protect?: boolean): Promise<void>;
  /** UpdateAutoScalingGroup NewInstancesProtectedFromScaleIn=true (optional: writers that cannot skip it). */
  protectNewInstances?(asg: string): Promise<void>;
  /**
   * UpdateContainerInstancesState, in batches of 10.
   * @returns the ARNs ECS reported as `failures` (e.g. an instance deregistered meanwhile).
   */
  setContainerInstancesState(
    cluster: string,
    arns: readonly string[],
    status: 'DRAINING' | 'ACTIVE',
  ): Promise<{ arn: string; reason: string }[]>;
  /** TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity=true. */
  terminateInstance(instanceId: string, decrementDesired?: boolean): Promise<void>;
  /** CreateOrUpdateTags on the group, PropagateAtLaunch=false (the scaler's state tags). */
  tagGroup(asg: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** PutAttributes (with value) or DeleteAttributes on container instances, in batches of 10. */
  writeAttributes(cluster: string, writes: readonly AttributeWrite[], remove: boolean): Promise<void>;
  /** SetInstanceHealth Unhealthy, respecting the group's health-check grace period. */
  markUnhealthy(instanceId: string): Promise<void>;
  /** DeleteTags of the scaler's state keys on a group that was opted out (release.ts); optional. */
  deleteGroupTags?(asg: string, keys: readonly string[]): Promise<void>;
}

const ASG_HINT =
  'the deployed IAM policy allows Auto Scaling writes only on groups tagged ecs-autoscaler:cluster (aws:ResourceTag condition)';
/** Auto Scaling answers these while another change of the group is in progress: retry later. */
const BUSY = new Set([
  'ScalingActivityInProgressFault',
  'ScalingActivityInProgress',
  'ResourceContentionFault',
  'ResourceContention',
]);

/** Runs an Auto Scaling write: busy-group answers are transient; access denied names the tag condition. */
const asgWrite = async (action: string, target: string, call: () => Promise<unknown>): Promise<void> => {
  try {
    await awsCall({ action }, call);
  } catch (error) {
    if (error instanceof AwsRejectedError && BUSY.has(error.awsErrorName)) {
      throw new TransientAwsError(
        `${action} on ${target}: the group is busy (${error.awsErrorName}); retry later`,
        {
          cause: error,
        },
      );
    }
    if (error instanceof AwsRejectedError && /denied/i.test(error.awsErrorName + error.message)) {
      throw new AwsRejectedError(`${error.message} (${target}); ${ASG_HINT}`, error.awsErrorName, {
        cause: error.cause,
      });
    }
    if (error instanceof AwsRejectedError) {
      throw new AwsRejectedError(`${error.message} (${target})`, error.awsErrorName, { cause: error.cause });
    }
    throw error;
  }
};

/** {@link ClusterWriter} over the EC2 Auto Scaling and ECS APIs. */
export class AwsClusterWriter implements ClusterWriter {
  constructor(
    private readonly autoScaling: AutoScalingClient,
    private readonly ecs: ECSClient,
  ) {}

  async setDesiredCapacity(asg: string, desired: number): Promise<void> {
    await asgWrite('autoscaling:SetDesiredCapacity', `group ${asg}`, () =>
      this.autoScaling.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: asg,
          DesiredCapacity: desired,
          HonorCooldown: false,
        }),
      ),
    );
  }

  async protectNewInstances(asg: string): Promise<void> {
    await asgWrite('autoscaling:UpdateAutoScalingGroup', `group ${asg}`, () =>
      this.autoScaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: asg,
          NewInstancesProtectedFromScaleIn: true,
        }),
      ),
    );
  }

  async protectInstances(asg: string, instanceIds: readonly string[], protect = true): Promise<void> {
    for (const ids of chunk(instanceIds, PROTECTION_BATCH)) {
      await asgWrite('autoscaling:SetInstanceProtection', `group ${asg}`, () =>
        this.autoScaling.send(
          new SetInstanceProtectionCommand({
            AutoScalingGroupName: asg,
            InstanceIds: ids,
            ProtectedFromScaleIn: protect,
          }),
        ),
      );
    }
  }

  async setContainerInstancesState(
    cluster: string,
    arns: readonly string[],
    status: 'DRAINING' | 'ACTIVE',
  ): Promise<{ arn: string; reason: string }[]> {
    const failures: { arn: string; reason: string }[] = [];
    for (const batch of chunk(arns, STATE_BATCH)) {
      const out = await awsCall({ action: 'ecs:UpdateContainerInstancesState', cluster }, () =>
        this.ecs.send(
          new UpdateContainerInstancesStateCommand({ cluster, containerInstances: batch, status }),
        ),
      );
      for (const f of out.failures ?? []) failures.push({ arn: f.arn ?? '', reason: f.reason ?? 'unknown' });
    }
    return failures;
  }

  async terminateInstance(instanceId: string, decrementDesired = true): Promise<void> {
    await asgWrite('autoscaling:TerminateInstanceInAutoScalingGroup', `instance ${instanceId}`, () =>
      this.autoScaling.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: decrementDesired,
        }),
      ),
    );
  }

  async writeAttributes(cluster: string, writes: readonly AttributeWrite[], remove: boolean): Promise<void> {
    for (const batch of chunk(writes, ATTRIBUTE_BATCH)) {
      const attributes = batch.map((w) => ({
        name: w.name,
        targetType: 'container-instance' as const,
        targetId: w.containerInstanceArn,
        ...(remove || w.value === undefined ? {} : { value: w.value }),
      }));
      await awsCall({ action: remove ? 'ecs:DeleteAttributes' : 'ecs:PutAttributes', cluster }, () =>
        this.ecs.send(
          remove
            ? new DeleteAttributesCommand({ cluster, attributes })
            : new PutAttributesCommand({ cluster, attributes }),
        ),
      );
    }
  }

  async markUnhealthy(instanceId: string): Promise<void> {
    await asgWrite('autoscaling:SetInstanceHealth', `instance ${instanceId}`, () =>
      this.autoScaling.send(
        new SetInstanceHealthCommand({
          InstanceId: instanceId,
          HealthStatus: 'Unhealthy',
          ShouldRespectGracePeriod: true,
        }),
      ),
    );
  }

  async deleteGroupTags(asg: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // The group no longer carries ecs-autoscaler:cluster: the deployed policy allows DeleteTags of the
    // scaler's state keys only (aws:TagKeys condition), on any group.
    await awsCall({ action: 'autoscaling:DeleteTags' }, () =>
      this.autoScaling.send(
        new DeleteTagsCommand({
          Tags: keys.map((Key) => ({ ResourceId: asg, ResourceType: 'auto-scaling-group', Key })),
        }),
      ),
    );
  }

  async tagGroup(asg: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(tags);
    if (entries.length === 0) return;
    await asgWrite('autoscaling:CreateOrUpdateTags', `group ${asg}`, () =>
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
