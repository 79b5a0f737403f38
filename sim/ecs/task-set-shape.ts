/**
 * The ECS `TaskSet` shape (DescribeServices `taskSets[]`, DescribeTaskSets, and the answers of the task
 * set commands), from the ECS API reference. Built fresh for each call, without undefined members.
 */
import type { SimService, SimTaskSet } from './model.js';
import { computedDesiredCount, placementTarget, tasksBySet } from './task-sets.js';

const statusOrder = { PRIMARY: 0, ACTIVE: 1, DRAINING: 2 } as const;

/** A service's task sets, PRIMARY first, then ACTIVE, then DRAINING (each in creation order). */
export const orderedTaskSets = (s: SimService): SimTaskSet[] =>
  [...(s.taskSets ?? [])].sort((a, b) => statusOrder[a.status] - statusOrder[b.status]);

/**
 * One `TaskSet` (with `tags` when `withTags`). Its counts are of the service's tasks it holds, so a
 * service's runningCount / pendingCount are the sums over its sets.
 */
export const taskSetShape = (
  set: SimTaskSet,
  withTags = false,
  bySet = tasksBySet(set.service),
): Record<string, unknown> => {
  const s = set.service;
  let running = 0;
  let pending = 0;
  for (const t of bySet.get(set) ?? []) {
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING') pending++;
  }
  const target = placementTarget(s, set);
  const o: Record<string, unknown> = {
    id: set.id,
    taskSetArn: set.arn,
    serviceArn: s.arn,
    clusterArn: s.cluster.arn,
  };
  if (set.startedBy) o.startedBy = set.startedBy;
  if (set.externalId) o.externalId = set.externalId;
  o.status = set.status;
  o.taskDefinition = set.taskDefinition.arn;
  o.computedDesiredCount = computedDesiredCount(s, set);
  o.pendingCount = pending;
  o.runningCount = running;
  o.createdAt = new Date(set.createdAt);
  o.updatedAt = new Date(set.updatedAt);
  if (target.capacityProviderStrategy.length > 0)
    o.capacityProviderStrategy = target.capacityProviderStrategy.map((i) => ({ ...i }));
  else o.launchType = 'EC2';
  if (target.subnets) {
    o.networkConfiguration = {
      awsvpcConfiguration: { subnets: [...target.subnets], securityGroups: [], assignPublicIp: 'DISABLED' },
    };
  }
  o.loadBalancers = [];
  o.serviceRegistries = [];
  o.scale = { value: set.scale, unit: 'PERCENT' };
  o.stabilityStatus = set.stabilityStatus;
  o.stabilityStatusAt = new Date(set.stabilityStatusAt);
  if (withTags) o.tags = Object.entries(set.tags).map(([key, value]) => ({ key, value }));
  return o;
};
