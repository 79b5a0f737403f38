/**
 * Issue 15: a cluster opted out mid-scale-in (someone removed the `ecs-autoscaler:cluster` tag while the
 * scaler was draining instances). Nothing of the scaler may outlive the opt-out: its DRAINING instances
 * would stay DRAINING for good (no one terminates them: they are not the operator's drains and the scaler
 * no longer looks at the group), their own-drain marks would make them look like the scaler's again after
 * a re-opt-in, and its state tags (last scale-out/in, pacing, demand history) would carry stale clocks.
 *
 * The release, decided once the dispatcher sees the cluster's alarms without a managed group:
 * - every container instance the scaler was draining (its own-drain mark) that is still DRAINING and whose
 *   EC2 instance is InService in its group (not Terminating: the drainer's hook is finishing it) is set
 *   ACTIVE again — the scale-in is abandoned, as `scale-in=disabled` would not do for a running one;
 * - the scaler's container-instance attributes (own-drain mark, foreign-state clocks) are deleted;
 * - the scaler's state tags are deleted from every group of the cluster's instances that no longer carries
 *   the cluster tag. The operator's own settings tags (`ecs-autoscaler:headroom-tasks`, …) stay: they are
 *   the operator's, and keep their meaning if the cluster is opted in again.
 * Scale-in protection of the instances is left as it is: it is what the next controller (capacity provider
 * managed termination protection, the operator) decides; docs/coexistence.md says how to clear it.
 *
 * Pure: the snapshot (read without a managed group), the ASG membership of its instances and their groups.
 */
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import { CLUSTER_TAG_KEY, STATE_TAGS } from './config.js';
import {
  type AttributeWrite,
  DISCONNECTED_SEEN_ATTRIBUTE,
  FOREIGN_DRAIN_SEEN_ATTRIBUTE,
  OWN_DRAIN_ATTRIBUTE,
} from './foreign-state.js';
import { managedGroups, type PlannedInstance } from './planner.js';

/** The scaler's container-instance attributes a release deletes. */
export const RELEASED_ATTRIBUTES: readonly string[] = [
  OWN_DRAIN_ATTRIBUTE,
  FOREIGN_DRAIN_SEEN_ATTRIBUTE,
  DISCONNECTED_SEEN_ATTRIBUTE,
];

/** An EC2 instance's place in Auto Scaling (DescribeAutoScalingInstances). */
export interface ReleaseMembership {
  instanceId: string;
  group: string;
  lifecycleState: string;
}

/** A group of the cluster's instances with its tags (DescribeAutoScalingGroups). */
export interface ReleaseGroup {
  name: string;
  tags: Readonly<Record<string, string>>;
}

/** What releasing an opted-out cluster writes. */
export interface ReleasePlan {
  cluster: string;
  /** The cluster is managed again (a group carries its tag): nothing to release. */
  managed: boolean;
  /** Own drains to set ACTIVE again. */
  activate: PlannedInstance[];
  /** The scaler's attributes to delete. */
  deleteAttributes: AttributeWrite[];
  /** State tag keys to delete per group. */
  deleteTags: { group: string; keys: string[] }[];
  reasons: string[];
}

const STATE_KEYS: readonly string[] = Object.values(STATE_TAGS);

/** EC2 instance ids of the snapshot's container instances (what to ask Auto Scaling about). */
export const releaseInstanceIds = (snapshot: ClusterSnapshot): string[] =>
  snapshot.containerInstances
    .filter((ci) => ci.status !== 'INACTIVE' && ci.ec2InstanceId)
    .map((ci) => ci.ec2InstanceId!);

/** Decides the release of `snapshot`'s cluster. */
export const planRelease = (
  snapshot: ClusterSnapshot,
  membership: readonly ReleaseMembership[],
  groups: readonly ReleaseGroup[],
): ReleasePlan => {
  const cluster = snapshot.cluster.clusterName;
  const plan: ReleasePlan = {
    cluster,
    managed: false,
    activate: [],
    deleteAttributes: [],
    deleteTags: [],
    reasons: [],
  };
  if (managedGroups(snapshot).length > 0) {
    plan.managed = true;
    plan.reasons.push(
      `cluster ${cluster} is managed again (a group carries ${CLUSTER_TAG_KEY}): nothing released`,
    );
    return plan;
  }
  const member = new Map(membership.map((m) => [m.instanceId, m]));
  for (const ci of snapshot.containerInstances) {
    if (ci.status === 'INACTIVE') continue;
    const attrs = ci.attributes ?? [];
    const own = attrs.some((a) => a.name === OWN_DRAIN_ATTRIBUTE);
    const id = ci.ec2InstanceId ?? ci.containerInstanceArn;
    const m = ci.ec2InstanceId ? member.get(ci.ec2InstanceId) : undefined;
    if (own && ci.status === 'DRAINING') {
      if (m && m.lifecycleState !== 'InService') {
        plan.reasons.push(`${id} is ${m.lifecycleState} in ${m.group}: left to finish`);
      } else {
        plan.activate.push({
          containerInstanceArn: ci.containerInstanceArn,
          ec2InstanceId: ci.ec2InstanceId ?? '',
        });
        plan.reasons.push(
          `${id} was being drained by the scaler: set ACTIVE again (the cluster was opted out)`,
        );
      }
    }
    for (const a of attrs) {
      if (RELEASED_ATTRIBUTES.includes(a.name)) {
        plan.deleteAttributes.push({ containerInstanceArn: ci.containerInstanceArn, name: a.name });
      }
    }
  }
  const used = new Set(membership.map((m) => m.group));
  for (const g of groups) {
    if (!used.has(g.name) || g.tags[CLUSTER_TAG_KEY] !== undefined) continue;
    const keys = STATE_KEYS.filter((k) => g.tags[k] !== undefined);
    if (keys.length > 0) {
      plan.deleteTags.push({ group: g.name, keys });
      plan.reasons.push(
        `group ${g.name} no longer carries ${CLUSTER_TAG_KEY}: the scaler's state tags are deleted (${keys.join(', ')})`,
      );
    }
  }
  if (plan.activate.length + plan.deleteAttributes.length + plan.deleteTags.length === 0) {
    plan.reasons.push(`cluster ${cluster} was opted out: the scaler left nothing behind`);
  }
  return plan;
};
