/**
 * The 1-minute tick: for every managed cluster (ASGs tagged `ecs-autoscaler:cluster`), decide and act,
 * publish its metrics, then keep the alarms of all of them in line (put missing/different, delete those of
 * clusters no longer tagged). One cluster's failure never stops the others: it is logged, counted
 * (ConfigurationErrors / ClusterScalerErrors) and its alarms are left as they are.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { AlarmStore } from '../../shared/aws/alarm-store.js';
import {
  ALARM_PREFIX,
  type AlarmChanges,
  type AlarmSpec,
  type ReleaseGroup,
  type ReleaseMembership,
  reconcileAlarms,
  wantedAlarms,
} from '../../shared/core/cluster/index.js';
import {
  AutoscalerError,
  AwsRejectedError,
  ConfigurationError,
  describeError,
  InvalidEventError,
  NotFoundError,
  TransientAwsError,
} from '../../shared/core/errors.js';
import type { ClusterScalerConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import { MetricUnit } from '../../shared/runtime/metrics.js';
import { type ClusterDecision, type ClusterPorts, scaleCluster } from './scale-cluster.js';

/** The ports of a tick. */
export interface TickPorts extends ClusterPorts {
  /** Managed cluster names → their tagged group names. */
  listManagedClusters(): Promise<Map<string, string[]>>;
  alarms: AlarmStore;
  /**
   * The Auto Scaling group of each EC2 instance and those groups' tags, for the release of an opted-out
   * cluster (release.ts); absent: a release leaves the group tags alone.
   */
  readReleaseMembership?(
    instanceIds: readonly string[],
  ): Promise<{ membership: ReleaseMembership[]; groups: ReleaseGroup[] }>;
}

/** One cluster's result, as the handler returns it. */
export interface ClusterResult {
  cluster: string;
  status: 'ok' | 'configuration-error' | 'not-found' | 'rejected' | 'failed';
  action?: ClusterDecision['plan']['action'];
  desiredCapacity?: { current: number; proposed: number };
  dryRun?: boolean;
  writes?: string[];
  message?: string;
}

/** instanceof, not error.name: a minified bundle renames classes (and so `name`). */
export const statusOf = (error: unknown): ClusterResult['status'] =>
  error instanceof ConfigurationError || error instanceof InvalidEventError
    ? 'configuration-error'
    : error instanceof NotFoundError
      ? 'not-found'
      : error instanceof AwsRejectedError
        ? 'rejected'
        : 'failed';

/** The result of one cluster's decision, or of its failure (logged and counted). */
export const decideOne = async (
  cluster: string,
  ports: ClusterPorts,
  config: ClusterScalerConfig,
  metrics: Metrics,
  clock: () => Date,
  rethrowTransient = false,
): Promise<{ result: ClusterResult; decision?: ClusterDecision }> => {
  try {
    const decision = await scaleCluster(cluster, ports, config, clock);
    const { plan, dryRun, outcome } = decision;
    if (!dryRun) publishActionMetrics(metrics, plan);
    return {
      decision,
      result: {
        cluster,
        status: 'ok',
        action: plan.action,
        desiredCapacity: plan.desiredCapacity,
        dryRun,
        writes: dryRun ? [] : outcome.writes,
      },
    };
  } catch (error) {
    if (rethrowTransient && (error instanceof TransientAwsError || !(error instanceof AutoscalerError))) {
      logger.warn('cluster scaling failed; Lambda will retry the event', {
        cluster,
        error: describeError(error),
      });
      throw error;
    }
    const status = statusOf(error);
    const metric = error instanceof ConfigurationError ? 'ConfigurationErrors' : 'ClusterScalerErrors';
    logger.error('cluster skipped', {
      cluster,
      error: describeError(error),
      status,
    });
    metrics.addDimensions({ ClusterName: cluster });
    metrics.addMetric(metric, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    return { result: { cluster, status, message: describeError(error) } };
  }
};

/**
 * Counts the scaling actions a (non-dry-run) plan applied, for the dashboard's "scaling actions" graph:
 * ScaleOutInstances (desired capacity added), ScaleInInstances (instances set DRAINING to be removed),
 * InstancesTerminated (drained instances terminated). Nothing is published for a plan that changes nothing.
 */
export const publishActionMetrics = (metrics: Metrics, plan: ClusterDecision['plan']): void => {
  const added =
    plan.action === 'scale-out' ? plan.desiredCapacity.proposed - plan.desiredCapacity.current : 0;
  const counts: [string, number][] = [
    ['ScaleOutInstances', Math.max(0, added)],
    ['ScaleInInstances', plan.drain.length],
    ['InstancesTerminated', plan.terminate.length],
  ];
  const done = counts.filter(([, n]) => n > 0);
  if (done.length === 0) return;
  metrics.addDimensions({ ClusterName: plan.cluster });
  for (const [name, n] of done) metrics.addMetric(name, MetricUnit.Count, n);
  metrics.publishStoredMetrics();
};

/** Publishes one cluster's capacity metrics (dimension ClusterName; Resource for the per-dimension ones). */
export const publishClusterMetrics = (metrics: Metrics, d: ClusterDecision): void => {
  const cluster = d.plan.cluster;
  for (const resource of d.analysis.dimensionNames) {
    const dim = d.analysis.dimensions[resource]!;
    metrics.addDimensions({ ClusterName: cluster, Resource: resource });
    metrics.addMetric('ReservationPercent', MetricUnit.Percent, dim.reservationPercent);
    metrics.addMetric('ThresholdPercent', MetricUnit.Percent, dim.thresholdPercent);
    metrics.publishStoredMetrics();
  }
  metrics.addDimensions({ ClusterName: cluster });
  metrics.addMetric('SchedulableTasks', MetricUnit.Count, d.analysis.schedulableTasks);
  metrics.addMetric('PendingTasks', MetricUnit.Count, d.analysis.pendingTasks);
  metrics.addMetric('UnplacedTasks', MetricUnit.Count, d.analysis.unplacedCount);
  // Issue 12: waiting tasks capacity cannot help (waiting-tasks.ts): never scaled for, never block scale-in.
  const waiting = d.plan.waitingTasks ?? [];
  const unplaceable = waiting.filter((w) => w.kind === 'unplaceable').reduce((s, w) => s + w.count, 0);
  metrics.addMetric('UnplaceableTasks', MetricUnit.Count, unplaceable);
  const crashing = new Set(waiting.filter((w) => w.kind === 'crash-loop').map((w) => w.service));
  metrics.addMetric('CrashLoops', MetricUnit.Count, crashing.size);
  metrics.addMetric('CapacityDeficitInstances', MetricUnit.Count, d.plan.capacityDeficitInstances);
  metrics.addMetric('DesiredCapacity', MetricUnit.Count, d.plan.desiredCapacity.proposed);
  // Issue 14: another controller drives the group (the scaler stands aside); alarmed.
  metrics.addMetric(
    'Conflicts',
    MetricUnit.Count,
    (d.plan.conflicts ?? []).filter((c) => c.standAside).length,
  );
  metrics.publishStoredMetrics();
};

/** Runs the tick. Returns every cluster's result and the alarm changes made (or, in dry run, due). */
export const runTick = async (
  ports: TickPorts,
  config: ClusterScalerConfig,
  metrics: Metrics,
  clock: () => Date,
): Promise<{ clusters: ClusterResult[]; alarms: AlarmChanges | { error: string } }> => {
  const managed = await ports.listManagedClusters();
  const clusters: ClusterResult[] = [];
  const wanted: AlarmSpec[] = [];
  const keep = new Set<string>();
  for (const cluster of managed.keys()) {
    const { result, decision } = await decideOne(cluster, ports, config, metrics, clock);
    clusters.push(result);
    if (!decision) {
      keep.add(cluster);
      continue;
    }
    publishClusterMetrics(metrics, decision);
    // "Write nothing" in dry run covers the alarms too: a dry-run cluster's alarms are left as they are.
    if (decision.dryRun) keep.add(cluster);
    else wanted.push(...wantedAlarms(cluster, decision.analysis, decision.policy, config.namespace));
  }
  return { clusters, alarms: await syncAlarms(ports.alarms, wanted, keep, config.dryRun) };
};

const syncAlarms = async (
  store: AlarmStore,
  wanted: AlarmSpec[],
  keep: Set<string>,
  dryRun: boolean,
): Promise<AlarmChanges | { error: string }> => {
  try {
    const changes = reconcileAlarms(wanted, await store.list(ALARM_PREFIX), keep);
    if (dryRun) {
      logger.info('dry run: alarm changes skipped', {
        put: changes.put.map((a) => a.AlarmName),
        delete: changes.delete,
      });
      return changes;
    }
    for (const spec of changes.put) {
      await store.put(spec);
      logger.info('alarm put', { alarm: spec.AlarmName, threshold: spec.Threshold });
    }
    if (changes.delete.length > 0) {
      await store.delete(changes.delete);
      logger.info('alarms deleted', { alarms: changes.delete });
    }
    return changes;
  } catch (error) {
    logger.error('alarm sync failed; the next tick retries', { error: describeError(error) });
    return { error: describeError(error) };
  }
};
