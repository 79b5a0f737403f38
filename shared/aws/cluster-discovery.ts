/**
 * Which clusters to report when none is named: every cluster with an ASG tagged
 * `ecs-autoscaler:cluster`, else every cluster in the region.
 */
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { type ReaderClients, readerClients } from './clients.js';
import { listManagedClusters } from './cluster-groups.js';
import { awsCall } from './errors.js';

/** Options of {@link listReportClusters}. */
export interface DiscoveryOptions {
  clients?: ReaderClients;
  region?: string;
}

/**
 * Cluster names to report, sorted: the values of the `ecs-autoscaler:cluster` tag over every ASG
 * (DescribeAutoScalingGroups with a `tag-key` filter, 100 groups per page); when no ASG carries the tag,
 * every cluster ListClusters returns (100 per page).
 */
export const listReportClusters = async (options: DiscoveryOptions = {}): Promise<string[]> => {
  const clients = options.clients ?? readerClients(options.region);
  const tagged = [...(await listManagedClusters(clients.autoScaling, options.region)).keys()];
  if (tagged.length > 0) return tagged;

  let token: string | undefined;
  const names: string[] = [];
  do {
    const next = token;
    const page = await awsCall({ action: 'ecs:ListClusters', region: options.region }, () =>
      clients.ecs.send(new ListClustersCommand({ maxResults: 100, nextToken: next })),
    );
    // arn:aws:ecs:<region>:<account>:cluster/<name>
    for (const arn of page.clusterArns ?? []) names.push(arn.slice(arn.lastIndexOf('/') + 1));
    token = page.nextToken;
  } while (token);
  return names.sort();
};
