/**
 * The fleet side of a cluster snapshot (issue 13): the managed groups' instance refreshes and launch
 * configurations. Same call rules as the other readers (shared limiter, errors translated).
 *
 * | call                                    | batch (AWS limit)            | calls                         |
 * |-----------------------------------------|------------------------------|-------------------------------|
 * | autoscaling:DescribeInstanceRefreshes   | 1 group, newest first        | 1 per managed group           |
 * | autoscaling:DescribeLaunchConfigurations| ≤ 50 names                   | ⌈names not cached / 50⌉       |
 *
 * Launch configurations are immutable, so each name is described once per Lambda container.
 */
import {
  DescribeInstanceRefreshesCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import type { ReaderClients } from './clients.js';
import { awsCall, type Ctx } from './errors.js';
import { chunk, type Limiter } from './limit.js';

/** DescribeInstanceRefreshes: the newest few are enough to know whether one is running. */
const REFRESHES_PER_GROUP = 5;
/** DescribeLaunchConfigurations takes up to 50 names (API reference). */
export const LAUNCH_CONFIGURATION_BATCH = 50;

const launchConfigurationCache = new Map<string, unknown>();

/** Empties the launch configuration cache (tests). */
export const clearLaunchConfigurationCache = (): void => launchConfigurationCache.clear();

interface GroupRef {
  AutoScalingGroupName?: string;
  LaunchConfigurationName?: string;
}

/** The newest instance refreshes of each group, with `AutoScalingGroupName` on every item. */
export const readInstanceRefreshes = async (
  clients: ReaderClients,
  groups: readonly unknown[],
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown[]> => {
  const names = groups.map((g) => (g as GroupRef).AutoScalingGroupName).filter((n): n is string => !!n);
  const pages = await Promise.all(
    names.map((name) =>
      limit(() =>
        awsCall(ctx('autoscaling:DescribeInstanceRefreshes'), () =>
          clients.autoScaling.send(
            new DescribeInstanceRefreshesCommand({
              AutoScalingGroupName: name,
              MaxRecords: REFRESHES_PER_GROUP,
            }),
          ),
        ),
      ).then((page) => (page?.InstanceRefreshes ?? []).map((r) => ({ AutoScalingGroupName: name, ...r }))),
    ),
  );
  return pages.flat();
};

/** The launch configurations the groups name (cached: a launch configuration never changes). */
export const readLaunchConfigurations = async (
  clients: ReaderClients,
  groups: readonly unknown[],
  limit: Limiter,
  ctx: Ctx,
): Promise<unknown[]> => {
  const names = [
    ...new Set(groups.map((g) => (g as GroupRef).LaunchConfigurationName).filter((n): n is string => !!n)),
  ];
  const missing = names.filter((n) => !launchConfigurationCache.has(n));
  await Promise.all(
    chunk(missing, LAUNCH_CONFIGURATION_BATCH).map((batch) =>
      limit(() =>
        awsCall(ctx('autoscaling:DescribeLaunchConfigurations'), () =>
          clients.autoScaling.send(
            new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: batch }),
          ),
        ),
      ).then((page) => {
        // Only what the fleet model reads: the rest (UserData, which may hold secrets, key names,
        // security groups) stays out of the cache and of snapshot files.
        for (const { LaunchConfigurationName: name, InstanceType } of page?.LaunchConfigurations ?? []) {
          if (name) launchConfigurationCache.set(name, { LaunchConfigurationName: name, InstanceType });
        }
      }),
    ),
  );
  return names.map((n) => launchConfigurationCache.get(n)).filter((lc) => lc !== undefined);
};
