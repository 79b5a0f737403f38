/**
 * The cluster scaler as the consumer of the cluster queue (SQS FIFO, message group = cluster): one
 * decision per request, with Powertools' FIFO-aware partial batch processor.
 *
 * - Per-cluster serialisation is SQS's: a group with a message in flight is not handed out again, so two
 *   decisions for one cluster never run at once — across the tick, the alarms and the service scaler's
 *   grow requests — and the deployment has no lock of its own.
 * - `skipGroupOnError`: when a cluster's request fails, only the later messages of that cluster in the
 *   batch are reported failed (and retried in order); other clusters in the same batch are decided.
 * - Requests older than REQUEST_MAX_AGE_SECONDS are answered without a decision (the next tick decides).
 * - A `tick` or `alarm` for a cluster already decided in this batch is coalesced: the decision just made
 *   read the cluster afresh. A `grow` request is never coalesced: it carries demand the cluster does not
 *   show yet.
 * - Failures: a bad body (InvalidEventError) and transient AWS errors of `alarm` / `grow` requests are
 *   reported, so SQS redelivers them after the visibility timeout and, past the queue's receive limit,
 *   moves them to the dead-letter queue. A `tick` that fails transiently is answered: the next tick is a
 *   minute away (as the former in-process tick did). Permanent per-cluster errors (bad tags, cluster gone)
 *   are logged and counted by decideOne and answered.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { applyRelease } from '../../shared/aws/cluster-release.js';
import {
  type ClusterRequest,
  parseClusterRequest,
  planRelease,
  REQUEST_MAX_AGE_SECONDS,
  reconcileAlarms,
  releaseInstanceIds,
  requestAgeSeconds,
  wantedAlarms,
} from '../../shared/core/cluster/index.js';
import { describeError, TransientAwsError } from '../../shared/core/errors.js';
import { withExtraTasks } from '../../shared/core/service/index.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import type { ClusterScalerConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { MetricUnit } from '../../shared/runtime/metrics.js';
import {
  type ClusterResult,
  decideOne,
  publishClusterMetrics,
  statusOf,
  type TickPorts,
} from './run-tick.js';

/** Whether an event is an SQS batch (Lambda's SQS event source). */
export const isSqsEvent = (event: unknown): event is SQSEvent => {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    (records[0] as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs'
  );
};

/** The snapshot as if `service` already wanted `desiredCount` tasks (no change when it does). */
const withRequestedDemand = (
  snapshot: ClusterSnapshot,
  service: string,
  desiredCount: number,
): ClusterSnapshot => {
  const svc = snapshot.services.find((s) => s.serviceName === service);
  const extra = svc ? desiredCount - svc.desiredCount : 0;
  return extra > 0 ? withExtraTasks(snapshot, service, extra) : snapshot;
};

/** One request's outcome (logged; the queue only learns success or failure). */
export interface RequestOutcome {
  cluster: string;
  kind: ClusterRequest['kind'];
  status: ClusterResult['status'] | 'expired' | 'coalesced' | 'released';
  action?: ClusterResult['action'];
  dryRun?: boolean;
  /** Why a decision was skipped (configuration error, cluster gone, AWS said no). */
  message?: string;
  /** Seconds from the trigger to the end of the decision (writes included). */
  latencySeconds?: number;
}

/**
 * Processes one SQS batch. Returns the partial batch response Lambda expects
 * (`FunctionResponseTypes: [ReportBatchItemFailures]`).
 */
export const processClusterQueue = async (
  event: SQSEvent,
  ports: TickPorts,
  config: ClusterScalerConfig,
  metrics: Metrics,
  clock: () => Date,
  outcomes: RequestOutcome[] = [],
): Promise<SQSBatchResponse> => {
  const decided = new Set<string>();
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let request: ClusterRequest;
    try {
      request = parseClusterRequest(record.body);
    } catch (error) {
      // Reported failed: redelivered, then moved to the dead-letter queue by the redrive policy.
      logger.error('cluster request rejected; it goes to the dead-letter queue after its receive limit', {
        messageId: record.messageId,
        receiveCount: record.attributes?.ApproximateReceiveCount,
        error: describeError(error),
      });
      throw error;
    }
    const { cluster, kind } = request;
    const age = requestAgeSeconds(request, clock());
    if (age > REQUEST_MAX_AGE_SECONDS) {
      logger.warn('request expired; the next tick decides', { cluster, kind, ageSeconds: Math.round(age) });
      outcomes.push({ cluster, kind, status: 'expired' });
      return;
    }
    if (kind === 'release') {
      outcomes.push(await releaseCluster(cluster, ports, config.dryRun));
      return;
    }
    if (kind !== 'grow' && decided.has(cluster)) {
      logger.info('request coalesced with the decision just made', { cluster, kind });
      outcomes.push({ cluster, kind, status: 'coalesced' });
      return;
    }
    const clusterPorts =
      kind === 'grow'
        ? {
            ...ports,
            readSnapshot: async (c: string) =>
              withRequestedDemand(await ports.readSnapshot(c), request.service, request.desiredCount),
          }
        : ports;
    // A failing tick is answered (the next one is a minute away); alarms and grow requests are retried.
    const { result, decision } = await decideOne(
      cluster,
      clusterPorts,
      config,
      metrics,
      clock,
      kind !== 'tick',
    );
    // Only a decision that was made covers the cluster's other requests of the batch.
    if (result.status === 'ok') decided.add(cluster);
    const latencySeconds = requestAgeSeconds(request, clock());
    outcomes.push({
      cluster,
      kind,
      status: result.status,
      ...(result.action ? { action: result.action } : {}),
      ...(result.dryRun ? { dryRun: true } : {}),
      ...(result.message ? { message: result.message } : {}),
      latencySeconds,
    });
    metrics.addDimensions({ ClusterName: cluster });
    metrics.addMetric('DecisionLatency', MetricUnit.Seconds, latencySeconds);
    metrics.publishStoredMetrics();
    logger.info('request decided', {
      cluster,
      kind,
      status: result.status,
      action: result.action,
      latencySeconds,
      ...(kind === 'grow' ? { service: request.service, desiredCount: request.desiredCount } : {}),
    });
    if (kind === 'tick' && decision) {
      publishClusterMetrics(metrics, decision);
      if (request.alarms && !decision.dryRun) {
        const wanted = wantedAlarms(cluster, decision.analysis, decision.policy, config.namespace);
        await syncClusterAlarms(ports, wanted, request.alarms);
      }
    }
  };
  const processor = new SqsFifoPartialProcessorAsync();
  return processPartialResponse(event, handleRecord, processor, {
    skipGroupOnError: true,
    throwOnFullBatchFailure: false,
  });
};

/** Puts the cluster's missing or changed alarms, deletes its unwanted ones; a failure waits for the next tick. */
const syncClusterAlarms = async (
  ports: TickPorts,
  wanted: ReturnType<typeof wantedAlarms>,
  existing: NonNullable<Extract<ClusterRequest, { kind: 'tick' }>['alarms']>,
): Promise<void> => {
  try {
    const changes = reconcileAlarms(wanted, existing, new Set());
    for (const spec of changes.put) {
      await ports.alarms.put(spec);
      logger.info('alarm put', { alarm: spec.AlarmName, threshold: spec.Threshold });
    }
    if (changes.delete.length > 0) {
      await ports.alarms.delete(changes.delete);
      logger.info('alarms deleted', { alarms: changes.delete });
    }
  } catch (error) {
    logger.error('alarm sync failed; the next tick retries', { error: describeError(error) });
  }
};

/**
 * Releases a cluster that was opted out (release.ts): its own drains set ACTIVE again, its attributes and
 * the group's state tags deleted. A transient error is rethrown (the request is retried, then dead-lettered);
 * a cluster that no longer exists has nothing to release; other errors are logged and answered.
 */
const releaseCluster = async (
  cluster: string,
  ports: TickPorts,
  dryRun: boolean,
): Promise<RequestOutcome> => {
  try {
    const snapshot = await ports.readSnapshot(cluster);
    const read = ports.readReleaseMembership
      ? await ports.readReleaseMembership(releaseInstanceIds(snapshot))
      : { membership: [], groups: [] };
    const plan = planRelease(snapshot, read.membership, read.groups);
    const writes = plan.managed ? [] : await applyRelease(plan, ports.writer, { dryRun });
    logger.info('cluster released', {
      cluster,
      managed: plan.managed,
      writes,
      reasons: plan.reasons,
      dryRun,
    });
    return {
      cluster,
      kind: 'release',
      status: 'released',
      message: plan.reasons.join('; '),
      ...(dryRun ? { dryRun } : {}),
    };
  } catch (error) {
    if (error instanceof TransientAwsError) throw error;
    const status = statusOf(error);
    logger.error('cluster release failed', { cluster, error: describeError(error) });
    return { cluster, kind: 'release', status, message: describeError(error) };
  }
};
