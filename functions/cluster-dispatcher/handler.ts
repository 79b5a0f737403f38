/**
 * Lambda entry of the cluster dispatcher (issue #19): turns the 1-minute tick and the cluster scaler's
 * alarms into one request per cluster on the cluster queue (SQS FIFO, message group = cluster). The
 * cluster scaler consumes the queue; this function never reads a cluster or writes a group.
 *
 * - tick ("Scheduled Event"): lists the managed clusters (ASGs tagged `ecs-autoscaler:cluster`) and the
 *   scaler's alarms (DescribeAlarms by prefix, paged), deletes the alarms of clusters no longer managed,
 *   and sends one `tick` request per cluster due this minute carrying that cluster's alarms (so the worker
 *   reconciles them without listing again); every cluster is due every minute, except in accounts whose
 *   ticks would ask ECS for more than half its read rate (tick-pacing.ts: then every k minutes);
 * - alarm ("CloudWatch Alarm State Change" of `ecs-autoscaler-cluster-*`, ALARM only): one `alarm`
 *   request for that cluster;
 * - placement failure (ECS's "ECS Service Action" SERVICE_TASK_PLACEMENT_FAILURE, placement-failure.ts):
 *   one `placement` request for that cluster when it is managed (one listing of the managed groups),
 *   never paced — tasks that start waiting in a quiet cluster are decided at once, not at its next tick.
 *
 * Both keep the trigger's own time in the request (`at`), so a retried dispatcher sends the same
 * deduplication ids and SQS drops the copies; and the worker measures decision latency from the trigger.
 *
 * Errors: a malformed event or missing CLUSTER_QUEUE_URL is permanent (logged, counted, no retry, nothing
 * sent); a TransientAwsError is rethrown so Lambda's asynchronous retry runs the event again.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type AlarmStore, CloudWatchAlarmStore } from '../../shared/aws/alarm-store.js';
import { listManagedClusterGroups, type ManagedCluster } from '../../shared/aws/cluster-groups.js';
import { type ClusterQueue, defaultClusterQueue } from '../../shared/aws/cluster-queue.js';
import {
  ALARM_PREFIX,
  CLUSTER_REQUEST_VERSION,
  type ClusterRequest,
  MAX_TICK_PERIOD_MINUTES,
  parseAlarmName,
  tickIsDue,
  tickPeriodMinutes,
} from '../../shared/core/cluster/index.js';
import {
  AutoscalerError,
  ConfigurationError,
  describeError,
  InvalidEventError,
  TransientAwsError,
} from '../../shared/core/errors.js';
import { now } from '../../shared/runtime/clock.js';
import { logger } from '../../shared/runtime/logger.js';
import { createMetrics, MetricUnit } from '../../shared/runtime/metrics.js';
import { parseTrigger } from '../cluster-scaler/trigger.js';
import { isEcsEvent, parseServiceAction, type ServiceAction } from './placement-failure.js';

/** Metrics of this function, created once per module. */
export const metrics = createMetrics('cluster-dispatcher');

/** The ports of the dispatcher. */
export interface DispatcherPorts {
  /** Managed clusters with their groups and instance count (the tick pacing's read estimate). */
  listManagedClusters(): Promise<Map<string, ManagedCluster>>;
  alarms: AlarmStore;
  queue: ClusterQueue;
}

/** What the handler returns. */
export interface DispatcherResult {
  status: 'ok' | 'ignored' | 'invalid-event' | 'configuration-error';
  trigger?: 'tick' | 'alarm' | 'placement-failure';
  /** Requests queued (one per cluster due this minute). */
  queued: number;
  /**
   * Tick only: managed clusters, the tick period in minutes (issue 19: each is ticked every k), and the
   * busy clusters (an alarm of the scaler in ALARM: ticked every minute).
   */
  clusters?: number;
  periodMinutes?: number;
  busy?: number;
  /** Alarms deleted because their cluster is no longer managed (tick only). */
  alarmsDeleted?: string[];
  message?: string;
}

let portsOverride: DispatcherPorts | undefined;
/** Replaces the AWS ports (tests). `undefined` restores the real adapters. */
export const setDispatcherPorts = (ports: DispatcherPorts | undefined): void => {
  portsOverride = ports;
};

/** Only the clients the dispatcher calls (no ECS client: it never reads a cluster), once per container. */
let clients: { autoScaling: AutoScalingClient; cloudWatch: CloudWatchClient } | undefined;

const defaultPorts = (): DispatcherPorts => {
  clients ??= { autoScaling: new AutoScalingClient({}), cloudWatch: new CloudWatchClient({}) };
  return {
    listManagedClusters: () => listManagedClusterGroups(clients!.autoScaling),
    alarms: new CloudWatchAlarmStore(clients.cloudWatch),
    queue: defaultClusterQueue(),
  };
};

/** The trigger's time as ISO-8601 (the event's `time`, else now). */
const triggerTime = (event: unknown, fallback: Date): string => {
  const t = (event as { time?: unknown } | null)?.time;
  return typeof t === 'string' && !Number.isNaN(Date.parse(t))
    ? new Date(t).toISOString()
    : fallback.toISOString();
};

/**
 * `TICK_PERIOD_MINUTES`: a fixed tick period (1..{@link MAX_TICK_PERIOD_MINUTES}) instead of the one
 * computed from the account's clusters; undefined when unset.
 * @throws ConfigurationError when set to anything else.
 */
export const tickPeriodSetting = (raw = process.env.TICK_PERIOD_MINUTES): number | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > MAX_TICK_PERIOD_MINUTES) {
    throw new ConfigurationError(
      `TICK_PERIOD_MINUTES must be an integer from 1 to ${MAX_TICK_PERIOD_MINUTES}, got '${raw}'`,
    );
  }
  return k;
};

/**
 * The tick: one request per managed cluster due this minute, with its alarms; alarms of unmanaged
 * clusters deleted (not in dry run). Issue 19: in a large account each cluster is due every k minutes
 * (tick-pacing.ts: k from the clusters' expected ECS reads against half the read buckets' refill, or
 * `TICK_PERIOD_MINUTES`), in the minute its name's hash picks; k = 1 for small accounts. A failure to
 * list or delete alarms does not stop the requests: they go out without `alarms` and the worker leaves
 * the alarms alone this minute.
 */
const dispatchTick = async (
  ports: DispatcherPorts,
  at: string,
  dryRun: boolean,
): Promise<DispatcherResult> => {
  const managed = await ports.listManagedClusters();
  const byCluster = new Map<string, { AlarmName: string }[]>();
  // Issue 19: a cluster with one of the scaler's alarms in ALARM is not quiet: ticked every minute.
  const busy = new Set<string>();
  let alarmsDeleted: string[] = [];
  let released: string[] = [];
  let alarmsKnown = true;
  try {
    for (const a of await ports.alarms.list(ALARM_PREFIX)) {
      const parsed = a.AlarmName ? parseAlarmName(a.AlarmName) : undefined;
      if (!parsed) continue;
      if (a.StateValue === 'ALARM') busy.add(parsed.cluster);
      const list = byCluster.get(parsed.cluster) ?? [];
      // The state fields are not compared by the reconciliation and would only grow the message.
      const kept = Object.fromEntries(Object.entries(a).filter(([k]) => !/^State|Timestamp$/.test(k)));
      list.push(kept as { AlarmName: string });
      byCluster.set(parsed.cluster, list);
    }
    const unmanaged = [...byCluster.entries()].filter(([cluster]) => !managed.has(cluster));
    alarmsDeleted = unmanaged.flatMap(([, alarms]) => alarms.map((a) => a.AlarmName)).sort();
    // Issue 15: a cluster opted out (its alarms remain, no group carries its tag) is released once: the
    // worker returns the scaler's drains to ACTIVE and deletes its state (release.ts). Its alarms are the
    // marker that outlives the tag; they go now, so the release is asked for once (SQS retries it).
    released = unmanaged.map(([cluster]) => cluster).sort();
    if (alarmsDeleted.length > 0 && !dryRun) {
      await ports.alarms.delete(alarmsDeleted);
      logger.info('alarms deleted', { alarms: alarmsDeleted, reason: 'cluster no longer managed' });
    }
  } catch (error) {
    alarmsKnown = false;
    logger.error('alarm listing failed; clusters are decided, alarms left alone this minute', {
      error: describeError(error),
    });
  }
  const k =
    tickPeriodSetting() ??
    tickPeriodMinutes(
      [...managed.entries()].map(([name, m]) => ({ name, instances: m.instances, busy: busy.has(name) })),
    );
  const due = [...managed.keys()]
    .sort()
    .filter((cluster) => tickIsDue(cluster, k, new Date(at), busy.has(cluster)));
  const requests: ClusterRequest[] = due.map((cluster) => ({
    v: CLUSTER_REQUEST_VERSION,
    kind: 'tick',
    cluster,
    at,
    ...(alarmsKnown ? { alarms: byCluster.get(cluster) ?? [] } : {}),
  }));
  // Not in dry run: the release writes (and the alarms that mark the cluster are kept in dry run).
  if (!dryRun) {
    for (const cluster of released)
      requests.push({ v: CLUSTER_REQUEST_VERSION, kind: 'release', cluster, at });
  }
  await ports.queue.send(requests);
  logger.info('tick dispatched', { requests: requests.length, clusters: managed.size, periodMinutes: k, at });
  return {
    status: 'ok',
    trigger: 'tick',
    queued: requests.length,
    clusters: managed.size,
    periodMinutes: k,
    busy: [...busy].filter((c) => managed.has(c)).length,
    alarmsDeleted: dryRun ? [] : alarmsDeleted,
  };
};

/** A SERVICE_TASK_PLACEMENT_FAILURE of a managed cluster becomes one `placement` request, sent at once. */
const dispatchPlacementFailure = async (
  ports: DispatcherPorts,
  action: ServiceAction,
  at: string,
): Promise<DispatcherResult> => {
  if (action.kind === 'ignored') {
    logger.info('service action ignored', { why: action.why });
    return { status: 'ignored', trigger: 'placement-failure', queued: 0 };
  }
  const { cluster, service, reason } = action;
  // Every cluster of the account sends these: only the managed ones are decided (no request, no read of
  // the cluster, for the others).
  if (!(await ports.listManagedClusters()).has(cluster)) {
    logger.info('placement failure of an unmanaged cluster ignored', { cluster, service, reason });
    return { status: 'ignored', trigger: 'placement-failure', queued: 0 };
  }
  await ports.queue.send([
    {
      v: CLUSTER_REQUEST_VERSION,
      kind: 'placement',
      cluster,
      at,
      ...(service ? { service } : {}),
      ...(reason ? { reason } : {}),
    },
  ]);
  logger.info('placement failure dispatched', { cluster, service, reason, at });
  return { status: 'ok', trigger: 'placement-failure', queued: 1 };
};

/** The handler without middleware (exported for tests and the simulator). */
export const dispatcherHandler = async (event: unknown): Promise<DispatcherResult> => {
  try {
    if (isEcsEvent(event)) {
      const action = parseServiceAction(event);
      const at = triggerTime(event, now());
      return await dispatchPlacementFailure(portsOverride ?? defaultPorts(), action, at);
    }
    const trigger = parseTrigger(event);
    const ports = portsOverride ?? defaultPorts();
    const at = triggerTime(event, now());
    const dryRun = process.env.DRY_RUN?.trim().toLowerCase() === 'true';
    if (trigger.kind === 'tick') return await dispatchTick(ports, at, dryRun);
    if (trigger.state !== 'ALARM') {
      logger.info('alarm state ignored', { alarm: trigger.alarmName, state: trigger.state });
      return { status: 'ignored', trigger: 'alarm', queued: 0 };
    }
    await ports.queue.send([
      { v: CLUSTER_REQUEST_VERSION, kind: 'alarm', cluster: trigger.cluster, alarm: trigger.alarmName, at },
    ]);
    logger.info('alarm dispatched', { cluster: trigger.cluster, alarm: trigger.alarmName, at });
    return { status: 'ok', trigger: 'alarm', queued: 1 };
  } catch (error) {
    if (error instanceof TransientAwsError || !(error instanceof AutoscalerError)) {
      logger.warn('dispatch failed; Lambda will retry the event', { error: describeError(error) });
      throw error;
    }
    logger.error('event not handled', { error: error.message });
    metrics.addDimensions({ ClusterName: 'unknown' });
    metrics.addMetric('ClusterScalerErrors', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    // instanceof, not error.name: a minified bundle renames classes (and so `name`).
    const status = error instanceof InvalidEventError ? 'invalid-event' : 'configuration-error';
    return { status, queued: 0, message: describeError(error) };
  }
};

/** The Lambda handler: middy + Powertools logger context. */
export const handler = middy<unknown, DispatcherResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(dispatcherHandler);
