/**
 * Auto Scaling adapter of the drainer: which group an instance is in and its lifecycle state, managed
 * groups (by tag), terminate lifecycle hooks, completing / heartbeating a lifecycle action, and the
 * group's Spot-warning tag (issue 19).
 */

import type { AutoScalingClient, AutoScalingGroup as SdkGroup } from '@aws-sdk/client-auto-scaling';
import {
  CompleteLifecycleActionCommand,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DrainTags,
  formatSpotWarned,
  parseSpotWarned,
  type SpotWarned,
  type TagLike,
} from '../core/drain/config.js';
import { autoScalingClient } from './clients.js';
import { callAws, isNoActiveLifecycleAction, translateDrainError } from './drain-errors.js';
import { DEFAULT_RETRY, NO_RETRY, type RetryPolicy, retrying } from './retry.js';

/** The lifecycle transition of terminate hooks. */
export const TERMINATING_TRANSITION = 'autoscaling:EC2_INSTANCE_TERMINATING';

/** An instance as DescribeAutoScalingInstances / DescribeAutoScalingGroups report it. */
export interface GroupInstance {
  instanceId: string;
  lifecycleState: string;
}

/** What the drainer reads of an Auto Scaling group. */
export interface GroupInfo {
  name: string;
  tags: readonly TagLike[];
  capacityRebalance: boolean;
  instances: readonly GroupInstance[];
}

/** A lifecycle hook as DescribeLifecycleHooks reports it. Times in seconds. */
export interface LifecycleHookInfo {
  name: string;
  transition: string;
  heartbeatTimeoutSeconds?: number;
  globalTimeoutSeconds?: number;
  defaultResult?: string;
}

/** Outcome of completing or heartbeating a lifecycle action. `not-pending`: no action was waiting. */
export type LifecycleCallOutcome = 'done' | 'not-pending';

/** The Auto Scaling operations the drainer needs. */
export interface DrainAutoScalingPort {
  /** The group and lifecycle state of an instance, or undefined when no group holds it. */
  describeInstance(instanceId: string): Promise<(GroupInstance & { asgName: string }) | undefined>;
  /** One group, or undefined when it does not exist (any more). */
  describeGroup(asgName: string): Promise<GroupInfo | undefined>;
  /** Every group with the `ecs-autoscaler:cluster` tag key. */
  listManagedGroups(): Promise<GroupInfo[]>;
  /** The group's terminate lifecycle hooks. */
  listTerminateHooks(asgName: string): Promise<LifecycleHookInfo[]>;
  /** CompleteLifecycleAction CONTINUE; "No active Lifecycle Action found" is `not-pending`, not an error. */
  completeLifecycleAction(
    asgName: string,
    hookName: string,
    instanceId: string,
  ): Promise<LifecycleCallOutcome>;
  /** RecordLifecycleActionHeartbeat; "No active Lifecycle Action found" is `not-pending`. */
  recordHeartbeat(asgName: string, hookName: string, instanceId: string): Promise<LifecycleCallOutcome>;
  /**
   * Records a member's Spot interruption warning on its group (tag {@link DrainTags.spotWarnedAt}, epoch
   * seconds): the sweeper's Spot watch lists that cluster only while the tag is there (issue 19).
   * Optional: ports without it leave the Spot watch to groups tagged otherwise.
   */
  recordSpotWarning?(asgName: string, at: Date, pendingInstanceId?: string): Promise<void>;
  /** Rewrites the tag with what the sweeper still waits for ({@link formatSpotWarned}). */
  setSpotWarned?(asgName: string, warned: SpotWarned): Promise<void>;
  /** Removes {@link DrainTags.spotWarnedAt} from the group (no warned container instance is left). */
  clearSpotWarning?(asgName: string): Promise<void>;
}

const toGroup = (g: SdkGroup): GroupInfo => ({
  name: g.AutoScalingGroupName ?? '',
  tags: (g.Tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value })),
  capacityRebalance: g.CapacityRebalance === true,
  instances: (g.Instances ?? [])
    .filter((i) => i.InstanceId && i.LifecycleState)
    .map((i) => ({ instanceId: i.InstanceId!, lifecycleState: i.LifecycleState! })),
});

/** {@link DrainAutoScalingPort} over the EC2 Auto Scaling API. */
export class AutoScalingDrainAdapter implements DrainAutoScalingPort {
  /**
   * @param retry In-invocation retries of transient errors (none by default; the Lambda's default adapter
   *   uses {@link DEFAULT_RETRY}, bounded by the invocation's time budget).
   */
  constructor(
    private readonly autoscaling: AutoScalingClient,
    private readonly retry: RetryPolicy = NO_RETRY,
  ) {}

  private aws<T>(action: string, target: string, call: () => Promise<T>): Promise<T> {
    return retrying(this.retry, () => callAws(action, target, call));
  }

  async describeInstance(instanceId: string) {
    const out = await this.aws('autoscaling:DescribeAutoScalingInstances', `instance ${instanceId}`, () =>
      this.autoscaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [instanceId] })),
    );
    const found = out.AutoScalingInstances?.find((i) => i.InstanceId === instanceId);
    if (!found?.AutoScalingGroupName || !found.LifecycleState) return undefined;
    return { instanceId, asgName: found.AutoScalingGroupName, lifecycleState: found.LifecycleState };
  }

  async describeGroup(asgName: string) {
    const out = await this.aws('autoscaling:DescribeAutoScalingGroups', `group '${asgName}'`, () =>
      this.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [asgName] })),
    );
    const found = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === asgName);
    return found ? toGroup(found) : undefined;
  }

  async listManagedGroups() {
    const groups: GroupInfo[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.aws('autoscaling:DescribeAutoScalingGroups', 'managed groups', () =>
        this.autoscaling.send(
          new DescribeAutoScalingGroupsCommand({
            Filters: [{ Name: 'tag-key', Values: [DrainTags.cluster] }],
            MaxRecords: 100,
            NextToken,
          }),
        ),
      );
      groups.push(...(page.AutoScalingGroups ?? []).map(toGroup));
      NextToken = page.NextToken;
    } while (NextToken);
    return groups;
  }

  async recordSpotWarning(asgName: string, at: Date, pendingInstanceId?: string) {
    // The ids the tag already waits for are kept (Spot reclaims come in bursts): read, merge, write.
    const current = (await this.describeGroup(asgName))?.tags.find((t) => t.Key === DrainTags.spotWarnedAt);
    const { pending } = parseSpotWarned(current?.Value);
    await this.setSpotWarned(asgName, {
      since: Math.floor(at.getTime() / 1000),
      pending: pendingInstanceId ? [...pending, pendingInstanceId] : pending,
    });
  }

  async setSpotWarned(asgName: string, warned: SpotWarned) {
    await this.aws('autoscaling:CreateOrUpdateTags', `group '${asgName}'`, () =>
      this.autoscaling.send(
        new CreateOrUpdateTagsCommand({
          Tags: [
            {
              ResourceId: asgName,
              ResourceType: 'auto-scaling-group',
              Key: DrainTags.spotWarnedAt,
              Value: formatSpotWarned(warned),
              PropagateAtLaunch: false,
            },
          ],
        }),
      ),
    );
  }

  async clearSpotWarning(asgName: string) {
    await this.aws('autoscaling:DeleteTags', `group '${asgName}'`, () =>
      this.autoscaling.send(
        new DeleteTagsCommand({
          Tags: [{ ResourceId: asgName, ResourceType: 'auto-scaling-group', Key: DrainTags.spotWarnedAt }],
        }),
      ),
    );
  }

  async listTerminateHooks(asgName: string) {
    const out = await this.aws('autoscaling:DescribeLifecycleHooks', `group '${asgName}'`, () =>
      this.autoscaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: asgName })),
    );
    return (out.LifecycleHooks ?? [])
      .filter((h) => h.LifecycleHookName && h.LifecycleTransition === TERMINATING_TRANSITION)
      .map((h) => ({
        name: h.LifecycleHookName!,
        transition: TERMINATING_TRANSITION,
        ...(h.HeartbeatTimeout !== undefined ? { heartbeatTimeoutSeconds: h.HeartbeatTimeout } : {}),
        ...(h.GlobalTimeout !== undefined ? { globalTimeoutSeconds: h.GlobalTimeout } : {}),
        ...(h.DefaultResult ? { defaultResult: h.DefaultResult } : {}),
      }));
  }

  async completeLifecycleAction(asgName: string, hookName: string, instanceId: string) {
    // The token is optional when InstanceId is given, so the sweeper and ECS events can complete too.
    return this.lifecycleCall('autoscaling:CompleteLifecycleAction', asgName, instanceId, () =>
      this.autoscaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: asgName,
          LifecycleHookName: hookName,
          InstanceId: instanceId,
          LifecycleActionResult: 'CONTINUE',
        }),
      ),
    );
  }

  async recordHeartbeat(asgName: string, hookName: string, instanceId: string) {
    return this.lifecycleCall('autoscaling:RecordLifecycleActionHeartbeat', asgName, instanceId, () =>
      this.autoscaling.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: asgName,
          LifecycleHookName: hookName,
          InstanceId: instanceId,
        }),
      ),
    );
  }

  private async lifecycleCall(
    action: string,
    asgName: string,
    instanceId: string,
    call: () => Promise<unknown>,
  ): Promise<LifecycleCallOutcome> {
    // Retried within the invocation: a heartbeat that fails once must not wait for the next sweep.
    return retrying(this.retry, async () => {
      try {
        await call();
        return 'done' as const;
      } catch (error) {
        // A duplicate or late event, or a hook that already timed out: the action is over. Success.
        if (isNoActiveLifecycleAction(error)) return 'not-pending' as const;
        throw translateDrainError(error, action, `instance ${instanceId} of group '${asgName}'`);
      }
    });
  }
}

let defaultAdapter: AutoScalingDrainAdapter | undefined;
/** The adapter over the shared default Auto Scaling client, created once per module. */
export const defaultAutoScalingDrainAdapter = (): AutoScalingDrainAdapter => {
  defaultAdapter ??= new AutoScalingDrainAdapter(autoScalingClient(), DEFAULT_RETRY);
  return defaultAdapter;
};
