/**
 * Observe for the capacity report: which clusters, and one snapshot each. Shared by the capacity-report
 * Lambda and the CLI so both report the same clusters the same way.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod/mini';
import { analyzeCapacity } from '../core/capacity/capacity.js';
import { planCluster } from '../core/cluster/planner.js';
import type { LastDecisionRecord } from '../core/decision/index.js';
import { AwsRejectedError } from '../core/errors.js';
import { type ReportInput, resolveReportPolicy } from '../core/report/report.js';
import { MetricAlarmSchema } from '../core/snapshot/alarm-schema.js';
import type { ClusterSnapshot } from '../core/snapshot/snapshot.js';
import { now } from '../runtime/clock.js';
import { type ReaderClients, readerClients } from './clients.js';
import { listReportClusters } from './cluster-discovery.js';
import { readLastDecision } from './decision-events.js';
import { jsonShaped } from './limit.js';
import { type ServiceAlarmLister, serviceAlarmLister } from './service-alarm-reader.js';
import { type ReadProgress, readClusterSnapshot } from './snapshot-reader.js';
import { readInstanceTasks } from './task-reader.js';

/** Options of {@link readReportInputs}. */
export interface ReportReadOptions {
  clients?: ReaderClients;
  region?: string;
  /** Progress of each cluster's instance read. */
  onProgress?: (cluster: string, progress: ReadProgress) => void;
  /** Where the service alarms come from. Default: {@link serviceAlarmLister}(region). */
  alarms?: ServiceAlarmLister;
  /** Reads each cluster's last recorded decision (SSM GetParameter) when given. */
  lastDecisions?: Pick<SSMClient, 'send'>;
}

/**
 * A cluster's last decision for the report: the record, null when none was recorded, undefined when it
 * could not be read (the report's figures never depend on it).
 */
const lastDecisionOf = async (
  ssm: Pick<SSMClient, 'send'>,
  cluster: string,
): Promise<LastDecisionRecord | null | undefined> => {
  try {
    return (await readLastDecision(ssm, { cluster })) ?? null;
  } catch {
    return undefined;
  }
};

/**
 * Sets `alarms` on each snapshot: the metric alarms that name one of its services, from one paginated
 * DescribeAlarms listing for all the snapshots (no call per alarm or per cluster). When CloudWatch refuses
 * (the role lacks cloudwatch:DescribeAlarms), the capacity figures still stand: each snapshot records the
 * refusal in `failures` (the report shows it as a finding) and gets no alarms.
 * @throws TransientAwsError on throttling/5xx (a retry may pass).
 */
export const readSnapshotAlarms = async (
  snapshots: readonly ClusterSnapshot[],
  lister: ServiceAlarmLister,
): Promise<void> => {
  if (snapshots.length === 0) return;
  let byCluster: Map<string, unknown[]>;
  try {
    byCluster = await lister.serviceAlarms(snapshots.map((s) => s.cluster.clusterName));
  } catch (error) {
    if (!(error instanceof AwsRejectedError)) throw error;
    for (const s of snapshots) {
      s.failures = [
        ...(s.failures ?? []),
        { arn: 'CloudWatch metric alarms', reason: 'ALARMS_UNREADABLE', detail: error.message },
      ];
    }
    return;
  }
  for (const s of snapshots) {
    // Dates to ISO strings, as in a snapshot file; the schema checks what the preview reads.
    s.alarms = z.array(MetricAlarmSchema).parse(jsonShaped(byCluster.get(s.cluster.clusterName) ?? []));
  }
};

/**
 * Reads a snapshot of each cluster (plus the tasks of the instances the planner asks about, and the service
 * alarms of all the clusters in one listing: {@link readSnapshotAlarms}), one cluster at a time (each read already runs its batches
 * concurrently; reading clusters in parallel would only multiply the burst against shared API limits).
 * @param clusters names or ARNs; undefined or empty: every cluster with a tagged ASG, else every cluster.
 * @throws NotFoundError for an unknown cluster; the reader's translated AWS errors otherwise.
 */
export const readReportInputs = async (
  clusters: readonly string[] | undefined,
  options: ReportReadOptions = {},
): Promise<ReportInput[]> => {
  const names =
    clusters && clusters.length > 0
      ? [...new Set(clusters)]
      : await listReportClusters({ clients: options.clients, region: options.region });
  const inputs: ReportInput[] = [];
  for (const cluster of names) {
    const snapshot = await readClusterSnapshot(cluster, {
      clients: options.clients,
      region: options.region,
      onProgress: options.onProgress ? (p) => options.onProgress?.(cluster, p) : undefined,
    });
    // As the cluster scaler does: when the plan depends on which tasks run on a few instances (scale-in
    // candidates), read just those instances' tasks and let the report plan with them.
    const { policy } = resolveReportPolicy(snapshot);
    const plan = planCluster(snapshot, analyzeCapacity(snapshot), policy, now());
    if (plan.needsTasks.length > 0) {
      snapshot.tasks = await readInstanceTasks(snapshot.cluster.clusterName, plan.needsTasks, {
        clients: options.clients ?? readerClients(options.region),
        region: options.region,
      });
    }
    const lastDecision = options.lastDecisions
      ? await lastDecisionOf(options.lastDecisions, snapshot.cluster.clusterName)
      : undefined;
    inputs.push({ snapshot, ...(lastDecision !== undefined ? { lastDecision } : {}) });
  }
  await readSnapshotAlarms(
    inputs.map((i) => i.snapshot),
    options.alarms ?? serviceAlarmLister(options.region),
  );
  return inputs;
};
