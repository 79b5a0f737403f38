/**
 * Observe and act for the release of an opted-out cluster (shared/core/cluster/release.ts): which Auto
 * Scaling group each of the cluster's instances belongs to (DescribeAutoScalingInstances, ≤ 50 ids per
 * call) and those groups' tags (DescribeAutoScalingGroups by name, ≤ 100 per call, ecs-facts §4), then the
 * writes in a safe order: ACTIVE first (an instance left DRAINING is the harm), attributes, tags.
 */
import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import type { ReleaseGroup, ReleaseMembership, ReleasePlan } from '../core/cluster/release.js';
import type { ClusterWriter } from './cluster-writer.js';
import { awsCall } from './errors.js';
import { allPages, chunk } from './limit.js';

/** Reads the groups of `instanceIds` and their tags. */
export const readReleaseMembership = async (
  autoScaling: AutoScalingClient,
  instanceIds: readonly string[],
): Promise<{ membership: ReleaseMembership[]; groups: ReleaseGroup[] }> => {
  const membership: ReleaseMembership[] = [];
  for (const ids of chunk(instanceIds, 50)) {
    const out = await awsCall({ action: 'autoscaling:DescribeAutoScalingInstances' }, () =>
      autoScaling.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [...ids], MaxRecords: 50 })),
    );
    for (const i of out.AutoScalingInstances ?? []) {
      if (i.InstanceId && i.AutoScalingGroupName && i.LifecycleState) {
        membership.push({
          instanceId: i.InstanceId,
          group: i.AutoScalingGroupName,
          lifecycleState: i.LifecycleState,
        });
      }
    }
  }
  const groups: ReleaseGroup[] = [];
  for (const names of chunk([...new Set(membership.map((m) => m.group))].sort(), 100)) {
    const found = await allPages(
      (NextToken) =>
        awsCall({ action: 'autoscaling:DescribeAutoScalingGroups' }, () =>
          autoScaling.send(
            new DescribeAutoScalingGroupsCommand({
              AutoScalingGroupNames: [...names],
              MaxRecords: 100,
              NextToken,
            }),
          ),
        ),
      (out) => out.AutoScalingGroups,
    );
    for (const g of found) {
      if (!g.AutoScalingGroupName) continue;
      const tags: Record<string, string> = {};
      for (const t of g.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      groups.push({ name: g.AutoScalingGroupName, tags });
    }
  }
  return { membership, groups };
};

/** Applies a release plan; in dry run only lists the writes. */
export const applyRelease = async (
  plan: ReleasePlan,
  writer: ClusterWriter,
  options: { dryRun: boolean },
): Promise<string[]> => {
  const writes: string[] = [];
  if (plan.activate.length > 0) {
    writes.push(`UpdateContainerInstancesState ACTIVE ${plan.activate.length}`);
    if (!options.dryRun) {
      await writer.setContainerInstancesState(
        plan.cluster,
        plan.activate.map((a) => a.containerInstanceArn),
        'ACTIVE',
      );
    }
  }
  if (plan.deleteAttributes.length > 0) {
    writes.push(`DeleteAttributes ${plan.deleteAttributes.length}`);
    if (!options.dryRun) await writer.writeAttributes(plan.cluster, plan.deleteAttributes, true);
  }
  for (const t of plan.deleteTags) {
    if (!writer.deleteGroupTags) continue;
    writes.push(`DeleteTags ${t.group} ${t.keys.join(',')}`);
    if (!options.dryRun) await writer.deleteGroupTags(t.group, t.keys);
  }
  return writes;
};
