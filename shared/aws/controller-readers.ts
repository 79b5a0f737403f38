/**
 * Readers of the other controllers of a cluster's groups (issue 14, core/cluster/conflicts.ts):
 *
 * | call                                        | batch (AWS limit)                   | when                      |
 * |---------------------------------------------|-------------------------------------|---------------------------|
 * | ecs:DescribeCapacityProviders               | ≤ 100 names, pages of ≤ 10          | the cluster names any     |
 * | autoscaling:DescribePolicies                | one group, `MaxRecords` ≤ 100/page  | per managed group         |
 * | autoscaling:DescribeScheduledActions        | one group, `MaxRecords` ≤ 100/page  | per managed group         |
 * | autoscaling:DescribeLifecycleHooks          | one group (≤ 50 hooks, no paging)   | per managed group         |
 *
 * These change rarely and by hand, so answers are cached per warm Lambda container for
 * {@link CONTROLLER_CACHE_SECONDS} (virtual time in the simulator): one tick in five reads them. A new
 * capacity provider is seen at once anyway — ECS tags the group `AmazonECSManaged`, and the group itself is
 * read on every tick. Errors are translated like every other read (shared/aws/errors.ts).
 */

import {
  DescribeLifecycleHooksCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeCapacityProvidersCommand } from '@aws-sdk/client-ecs';
import { now } from '../runtime/clock.js';
import type { ReaderClients } from './clients.js';
import { awsCall, type Ctx } from './errors.js';
import { allPages, chunk, jsonShaped, type Limiter } from './limit.js';

/** How long an answer is reused, seconds. */
export const CONTROLLER_CACHE_SECONDS = 300;

const cache = new Map<string, { atMs: number; value: unknown }>();

/** Empties the cache (tests; a new simulator world). */
export const clearControllerCache = (): void => cache.clear();

const cached = async <T>(key: string, read: () => Promise<T>): Promise<T> => {
  const hit = cache.get(key);
  const t = now().getTime();
  if (hit && t - hit.atMs >= 0 && t - hit.atMs < CONTROLLER_CACHE_SECONDS * 1000) return hit.value as T;
  const value = await read();
  cache.set(key, { atMs: t, value });
  return value;
};

/** The named capacity providers (DescribeCapacityProviders), JSON-shaped. None named: no call. */
export const readCapacityProviders = async (
  clients: ReaderClients,
  names: readonly string[],
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown[]> => {
  // FARGATE and FARGATE_SPOT are built in and drive no Auto Scaling group.
  const wanted = [...new Set(names)].filter((n) => n !== 'FARGATE' && n !== 'FARGATE_SPOT').sort();
  if (wanted.length === 0) return [];
  return cached(`cp|${wanted.join(',')}`, async () => {
    const out: unknown[] = [];
    for (const batch of chunk(wanted, 100)) {
      out.push(
        ...(await allPages(
          (nextToken) =>
            limit(() =>
              awsCall(ctx('ecs:DescribeCapacityProviders'), () =>
                clients.ecs.send(
                  new DescribeCapacityProvidersCommand({
                    capacityProviders: batch,
                    maxResults: 10,
                    nextToken,
                  }),
                ),
              ),
            ),
          (page) => page.capacityProviders,
        )),
      );
    }
    return jsonShaped(out) as unknown[];
  });
};

/** Scaling policies, scheduled actions and lifecycle hooks of one group (GroupControllers shape). */
export const readGroupControllers = async (
  clients: ReaderClients,
  group: string,
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown> =>
  cached(`asg|${group}`, async () => {
    const policies = await allPages(
      (NextToken) =>
        limit(() =>
          awsCall(ctx('autoscaling:DescribePolicies'), () =>
            clients.autoScaling.send(
              new DescribePoliciesCommand({ AutoScalingGroupName: group, MaxRecords: 100, NextToken }),
            ),
          ),
        ),
      (page) => page.ScalingPolicies,
    );
    const scheduled = await allPages(
      (NextToken) =>
        limit(() =>
          awsCall(ctx('autoscaling:DescribeScheduledActions'), () =>
            clients.autoScaling.send(
              new DescribeScheduledActionsCommand({
                AutoScalingGroupName: group,
                MaxRecords: 100,
                NextToken,
              }),
            ),
          ),
        ),
      (page) => page.ScheduledUpdateGroupActions,
    );
    const hooks = await limit(() =>
      awsCall(ctx('autoscaling:DescribeLifecycleHooks'), () =>
        clients.autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: group })),
      ),
    );
    return jsonShaped({
      AutoScalingGroupName: group,
      ScalingPolicies: policies,
      ScheduledActions: scheduled,
      LifecycleHooks: hooks?.LifecycleHooks ?? [],
    });
  });
