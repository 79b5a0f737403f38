/**
 * The scaling side of a cluster snapshot: the ASGs tagged for the cluster and the services' scalable
 * targets. Used by the snapshot reader; same call rules (shared limiter, errors translated).
 */
import {
  DescribeScalableTargetsCommand,
  type DescribeScalableTargetsCommandOutput,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import * as z from 'zod/mini';
import { CLUSTER_TAG } from '../core/cluster/planner.js';
import {
  type AutoScalingGroup,
  AutoScalingGroupSchema,
  type ClusterSnapshot,
} from '../core/snapshot/snapshot.js';
import type { ReaderClients } from './clients.js';
import { awsCall, type Ctx } from './errors.js';
import { allPages, chunk, jsonShaped, type Limiter } from './limit.js';

/** Every page of one DescribeAutoScalingGroups query (100 groups per page). */
const describeGroups = async (
  clients: ReaderClients,
  ctx: Ctx,
  query: { Filters?: { Name: string; Values: string[] }[]; AutoScalingGroupNames?: string[] },
  limit: Limiter = (call) => call(),
): Promise<unknown[]> =>
  allPages(
    (NextToken) =>
      limit(() =>
        awsCall(ctx('autoscaling:DescribeAutoScalingGroups'), () =>
          clients.autoScaling.send(
            new DescribeAutoScalingGroupsCommand({ ...query, MaxRecords: 100, NextToken }),
          ),
        ),
      ),
    (page) => page.AutoScalingGroups,
  );

/** The Auto Scaling groups tagged `ecs-autoscaler:cluster=<cluster>` (tag filter, 100 per page). */
export const readAutoScalingGroups = (
  clients: ReaderClients,
  cluster: string,
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown[]> =>
  describeGroups(clients, ctx, { Filters: [{ Name: `tag:${CLUSTER_TAG}`, Values: [cluster] }] }, limit);

/**
 * The Auto Scaling groups of the cluster's capacity providers that the snapshot does not hold (they are
 * not tagged for the scaler): DescribeAutoScalingGroups by name, 100 per call. `snapshot` (the command
 * line) records them so `simulate` can replay the services on those providers; the scaler never reads them.
 */
export const readProviderGroups = async (
  clients: ReaderClients,
  snapshot: ClusterSnapshot,
  ctx: Ctx,
): Promise<AutoScalingGroup[]> => {
  const held = new Set(snapshot.autoScalingGroups.map((g) => g.AutoScalingGroupName));
  const names = [
    ...new Set(
      (snapshot.capacityProviders ?? []).flatMap((p) => {
        const arn = p.autoScalingGroupProvider?.autoScalingGroupArn ?? '';
        const name = arn.includes(':autoScalingGroupName/') ? arn.split(':autoScalingGroupName/')[1]! : arn;
        return name && !held.has(name) ? [name] : [];
      }),
    ),
  ];
  const groups: unknown[] = [];
  for (const batch of chunk(names, 100)) {
    groups.push(...(await describeGroups(clients, ctx, { AutoScalingGroupNames: batch })));
  }
  // Dates to ISO strings, as in a snapshot file; checked as the snapshot's own groups are (its read
  // already checked the rest: only what is added here is).
  return z.array(AutoScalingGroupSchema).parse(jsonShaped(groups));
};

/**
 * The Application Auto Scaling targets of the cluster's services (`service/<cluster>/<service>`, desired
 * count), 50 resource ids per call (the API's limit), each call paginated.
 */
export const readScalableTargets = async (
  clients: ReaderClients,
  cluster: string,
  serviceNames: readonly string[],
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown[]> => {
  const aas = clients.applicationAutoScaling;
  if (!aas) return [];
  const batches = chunk(
    serviceNames.filter((s) => s !== '').map((s) => `service/${cluster}/${s}`),
    50,
  );
  const pages = await Promise.all(
    batches.map((ids) =>
      allPages(
        (NextToken): Promise<DescribeScalableTargetsCommandOutput> =>
          limit(() =>
            awsCall(ctx('application-autoscaling:DescribeScalableTargets'), () =>
              aas.send(
                new DescribeScalableTargetsCommand({
                  ServiceNamespace: 'ecs',
                  ScalableDimension: 'ecs:service:DesiredCount',
                  ResourceIds: ids,
                  MaxResults: 50,
                  NextToken,
                }),
              ),
            ),
          ),
        (page) => page.ScalableTargets,
      ),
    ),
  );
  return pages.flat();
};
