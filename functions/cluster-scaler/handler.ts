/**
 * Lambda entry of the cluster scaler (issue #4): scales each managed cluster's Auto Scaling group out
 * exactly and in by draining the emptiest instance (docs/cluster-scaler.md).
 *
 * Triggers: the 1-minute EventBridge schedule (every managed cluster; publishes the metrics and keeps the
 * alarms) and "CloudWatch Alarm State Change" of the scaler's own alarms (that cluster only; ALARM only —
 * OK and INSUFFICIENT_DATA are acknowledged without any AWS call).
 *
 * Errors: a malformed event or bad configuration is permanent — logged at ERROR, counted, answered with a
 * result (no retry) and nothing is written. On an alarm event a TransientAwsError is rethrown so Lambda's
 * asynchronous retry runs it again; the tick never throws for one cluster (the next tick is a minute away).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { CloudWatchAlarmStore } from '../../shared/aws/alarm-store.js';
import { clusterScalerClients } from '../../shared/aws/cluster-clients.js';
import { listManagedClusters } from '../../shared/aws/cluster-groups.js';
import { AwsClusterWriter } from '../../shared/aws/cluster-writer.js';
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import { readTaskProtection } from '../../shared/aws/task-protection-reader.js';
import { readInstanceTasks } from '../../shared/aws/task-reader.js';
import type { AlarmChanges } from '../../shared/core/cluster/index.js';
import { AutoscalerError, describeError, InvalidEventError } from '../../shared/core/errors.js';
import { now } from '../../shared/runtime/clock.js';
import { type ClusterScalerConfig, loadClusterScalerConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { createMetrics, MetricUnit, publishMetricSet } from '../../shared/runtime/metrics.js';
import { type ClusterResult, decideOne, runTick, type TickPorts } from './run-tick.js';
import { parseTrigger } from './trigger.js';

/** Metrics of this function, created once per module. Dimensions are exactly ClusterName (+ Resource). */
export const metrics = createMetrics('cluster-scaler');
metrics.clearDefaultDimensions();

/** What the handler returns (visible in the Lambda console and to tests; EventBridge ignores it). */
export interface ClusterScalerResult {
  status: 'ok' | 'ignored' | 'invalid-event' | 'configuration-error';
  trigger?: 'tick' | 'alarm';
  clusters: ClusterResult[];
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
  return {
    listManagedClusters: () => listManagedClusters(clients.autoScaling),
    readSnapshot: (cluster) => readClusterSnapshot(cluster, { clients }),
    readTasks: (cluster, arns) => readInstanceTasks(cluster, arns, { clients }),
    readTaskProtection: (cluster, tasks) => readTaskProtection(cluster, tasks, { clients }),
    writer: new AwsClusterWriter(clients.autoScaling, clients.ecs),
    alarms: new CloudWatchAlarmStore(clients.cloudWatch),
  };
};

/** The handler without middleware (exported for tests and the simulator). */
export const clusterScalerHandler = async (event: unknown): Promise<ClusterScalerResult> => {
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
