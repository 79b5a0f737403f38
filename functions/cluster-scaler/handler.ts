/**
 * Lambda entry of the cluster scaler (issue #4): scales each managed cluster's Auto Scaling group out
 * exactly and in by draining the emptiest instance (docs/cluster-scaler.md).
 *
 * Deployed trigger (issue #19): the cluster queue (SQS FIFO, message group = cluster), fed by the
 * cluster-dispatcher (the 1-minute tick: one request per managed cluster, carrying its alarms; the scaler's
 * own alarms: one request for that cluster) and by the service scaler (grow requests). queue-worker.ts
 * decides one request at a time per cluster, clusters in parallel (docs/account-scale.md).
 *
 * Direct invocation (tests, a manual invoke): the 1-minute "Scheduled Event" (every managed cluster in turn;
 * publishes the metrics and keeps the alarms) and "CloudWatch Alarm State Change" of the scaler's own alarms
 * (that cluster only; ALARM only — OK and INSUFFICIENT_DATA are acknowledged without any AWS call).
 *
 * Errors: a malformed event or bad configuration is permanent — logged at ERROR, counted, answered with a
 * result (no retry) and nothing is written. On an alarm event a TransientAwsError is rethrown so Lambda's
 * asynchronous retry runs it again; the tick never throws for one cluster (the next tick is a minute away).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure } from 'aws-lambda';
import { CloudWatchAlarmStore } from '../../shared/aws/alarm-store.js';
import { clusterScalerClients } from '../../shared/aws/cluster-clients.js';
import { listManagedClusters } from '../../shared/aws/cluster-groups.js';
import { readReleaseMembership } from '../../shared/aws/cluster-release.js';
import { AwsClusterWriter } from '../../shared/aws/cluster-writer.js';
import { readClusterForScaling, withRetries } from '../../shared/aws/snapshot-reader.js';
import { readTaskProtection } from '../../shared/aws/task-protection-reader.js';
import { defaultInstanceTaskCache, readInstanceTasks } from '../../shared/aws/task-reader.js';
import type { AlarmChanges } from '../../shared/core/cluster/index.js';
import { AutoscalerError, describeError, InvalidEventError } from '../../shared/core/errors.js';
import { now } from '../../shared/runtime/clock.js';
import { type ClusterScalerConfig, loadClusterScalerConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { createMetrics, MetricUnit, publishMetricSet } from '../../shared/runtime/metrics.js';
import { isSqsEvent, processClusterQueue, type RequestOutcome } from './queue-worker.js';
import { type ClusterResult, decideOne, runTick, type TickPorts } from './run-tick.js';
import { parseTrigger } from './trigger.js';

/** Metrics of this function, created once per module. Dimensions are exactly ClusterName (+ Resource). */
export const metrics = createMetrics('cluster-scaler');
metrics.clearDefaultDimensions();

/** What the handler returns (visible in the Lambda console and to tests; EventBridge ignores it). */
export interface ClusterScalerResult {
  status: 'ok' | 'ignored' | 'invalid-event' | 'configuration-error';
  trigger?: 'tick' | 'alarm' | 'queue';
  clusters: ClusterResult[];
  /** SQS batch (trigger `queue`): each request's outcome, and the messages to redeliver. */
  requests?: RequestOutcome[];
  batchItemFailures?: SQSBatchItemFailure[];
  alarms?: AlarmChanges | { error: string };
  message?: string;
}

let portsOverride: TickPorts | undefined;
/** Replaces the AWS ports (tests, simulator). `undefined` restores the real adapters. */
export const setClusterScalerPorts = (ports: TickPorts | undefined): void => {
  portsOverride = ports;
};

const defaultPorts = (): TickPorts => {
  const clients = clusterScalerClients();
  // Task lists and protection are read with the snapshot's retries within the invocation: one throttled
  // call must not leave a drain past its maximum time, or a drained host's end, for another minute.
  const readers = withRetries(clients);
  return {
    listManagedClusters: () => listManagedClusters(clients.autoScaling),
    readSnapshot: (cluster) => readClusterForScaling(cluster, { clients }),
    readTasks: (cluster, arns, stamps) =>
      readInstanceTasks(cluster, arns, {
        clients: readers,
        cache: defaultInstanceTaskCache,
        ...(stamps ? { stamps } : {}),
      }),
    readTaskProtection: (cluster, tasks) => readTaskProtection(cluster, tasks, { clients: readers }),
    writer: new AwsClusterWriter(clients.autoScaling, clients.ecs),
    alarms: new CloudWatchAlarmStore(clients.cloudWatch),
    readReleaseMembership: (ids) => readReleaseMembership(clients.autoScaling, ids),
  };
};

/**
 * The handler without middleware (exported for tests and the simulator). An SQS batch from the cluster
 * queue (the deployed path, queue-worker.ts) is answered with a partial batch response; a tick or alarm
 * event invoked directly (tests, a manual invoke) is decided in this invocation, cluster after cluster.
 * @throws ConfigurationError for an SQS batch when the deployment's settings are invalid: the whole batch
 *   is retried and reaches the dead-letter queue rather than being dropped.
 */
export const clusterScalerHandler = async (event: unknown): Promise<ClusterScalerResult> => {
  if (isSqsEvent(event)) {
    const requests: RequestOutcome[] = [];
    const config = loadClusterScalerConfig();
    const response = await processClusterQueue(
      event,
      portsOverride ?? defaultPorts(),
      config,
      metrics,
      now,
      requests,
    );
    // Lambda reads `batchItemFailures` only; the other keys are for logs, tests and the simulator.
    return { status: 'ok', trigger: 'queue', clusters: [], requests, ...response };
  }
  let config: ClusterScalerConfig;
  let trigger: ReturnType<typeof parseTrigger>;
  try {
    trigger = parseTrigger(event);
    config = loadClusterScalerConfig();
  } catch (error) {
    if (!(error instanceof AutoscalerError)) throw error;
    logger.error('event not handled', { error: error.message });
    // No cluster is known yet: dimension ClusterName=unknown (metric-names.ts).
    publishMetricSet(metrics, { ClusterName: 'unknown' }, [['ClusterScalerErrors', MetricUnit.Count, 1]]);
    // instanceof, not error.name: a minified bundle renames classes (and so `name`).
    const status = error instanceof InvalidEventError ? 'invalid-event' : 'configuration-error';
    return { status, clusters: [], message: describeError(error) };
  }
  const ports = portsOverride ?? defaultPorts();
  if (trigger.kind === 'tick') {
    const { clusters, alarms } = await runTick(ports, config, metrics, now);
    return { status: 'ok', trigger: 'tick', clusters, alarms };
  }
  if (trigger.state !== 'ALARM') {
    logger.info('alarm state ignored', { alarm: trigger.alarmName, state: trigger.state });
    return { status: 'ignored', trigger: 'alarm', clusters: [] };
  }
  const { result } = await decideOne(trigger.cluster, ports, config, metrics, now, true);
  return { status: 'ok', trigger: 'alarm', clusters: [result] };
};

/** The Lambda handler: middy + Powertools logger context (metrics are published by the handler itself). */
export const handler = middy<unknown, ClusterScalerResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(clusterScalerHandler);
