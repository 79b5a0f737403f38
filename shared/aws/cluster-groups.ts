/**
 * Which clusters the scaler manages: the values of the `ecs-autoscaler:cluster` tag over every ASG
 * (DescribeAutoScalingGroups with a `tag-key` filter, 100 groups per page).
 */
import { type AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CLUSTER_TAG } from '../core/cluster/planner.js';
import { awsCall } from './errors.js';
import { allPages } from './limit.js';

/** A managed cluster's tagged groups and their instances (issue 19: the dispatcher's tick pacing). */
export interface ManagedCluster {
  groups: string[];
  /** Instances of those groups (DescribeAutoScalingGroups `Instances`), any lifecycle state. */
  instances: number;
}

/**
 * Managed cluster names (sorted) with their tagged group names. A tag value that is empty is skipped (the
 * group opts in nothing); validation of the value happens with the other tags (cluster-config.ts).
 */
export const listManagedClusters = async (
  autoScaling: AutoScalingClient,
  region?: string,
): Promise<Map<string, string[]>> =>
  new Map(
    [...(await listManagedClusterGroups(autoScaling, region)).entries()].map(([c, m]) => [c, m.groups]),
  );

/** {@link listManagedClusters} with each cluster's instance count, from the same calls. */
export const listManagedClusterGroups = async (
  autoScaling: AutoScalingClient,
  region?: string,
): Promise<Map<string, ManagedCluster>> => {
  const clusters = new Map<string, ManagedCluster>();
  const groups = await allPages(
    (NextToken) =>
      awsCall({ action: 'autoscaling:DescribeAutoScalingGroups', region }, () =>
        autoScaling.send(
          new DescribeAutoScalingGroupsCommand({
            Filters: [{ Name: 'tag-key', Values: [CLUSTER_TAG] }],
            MaxRecords: 100,
            NextToken,
          }),
        ),
      ),
    (page) => page.AutoScalingGroups,
  );
  for (const g of groups) {
    const value = g.Tags?.find((t) => t.Key === CLUSTER_TAG)?.Value?.trim();
    if (!value || !g.AutoScalingGroupName) continue;
    const m = clusters.get(value) ?? { groups: [], instances: 0 };
    clusters.set(value, {
      groups: [...m.groups, g.AutoScalingGroupName],
      instances: m.instances + (g.Instances?.length ?? 0),
    });
  }
  return new Map([...clusters.entries()].sort(([a], [b]) => a.localeCompare(b)));
};
