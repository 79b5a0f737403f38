/**
 * The drainer's CloudWatch metrics (EMF, dimension ClusterName). Collected during an invocation and
 * published per cluster, because one sweep can touch several clusters and an EMF document carries one
 * set of dimension values.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '../../shared/runtime/metrics.js';
import type { InstanceResult } from './drain-instance.js';

/** Metric names (namespace from POWERTOOLS_METRICS_NAMESPACE). */
export const DrainMetricNames = {
  /** Seconds from the drain start to the completed lifecycle action. */
  drainDuration: 'DrainDurationSeconds',
  /** Non-daemon tasks on an instance when the drainer set it DRAINING. */
  tasksMoved: 'TasksMoved',
  /** Lifecycle actions completed with tasks still running because the maximum drain time was reached. */
  drainsHitMaxTime: 'DrainsHitMaxTime',
  /** Lifecycle actions this function completed (duplicates that found nothing pending are not counted). */
  lifecycleActionsCompleted: 'LifecycleActionsCompleted',
  /** Events or groups the drainer could not handle (bad event, bad tag, AWS refused). */
  drainErrors: 'DrainErrors',
} as const;

/** Dimension value when no cluster is known (an event that could not be parsed). */
export const UNKNOWN_CLUSTER = 'unknown';

interface Entry {
  name: string;
  unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  value: number;
}

/** Collects the metrics of one invocation. */
export class DrainMetricsRecorder {
  private readonly byCluster = new Map<string, Entry[]>();

  private add(cluster: string, entry: Entry): void {
    const list = this.byCluster.get(cluster) ?? [];
    list.push(entry);
    this.byCluster.set(cluster, list);
  }

  /** Records what one instance's plan did. Dry-run plans write nothing and count nothing. */
  recordInstance({ cluster, plan, outcome }: InstanceResult): void {
    if (outcome.drainingSet) {
      this.add(cluster, {
        name: DrainMetricNames.tasksMoved,
        unit: MetricUnit.Count,
        value: plan.tasksToMove,
      });
    }
    if (outcome.completed) {
      this.add(cluster, {
        name: DrainMetricNames.lifecycleActionsCompleted,
        unit: MetricUnit.Count,
        value: 1,
      });
      if (plan.drainSeconds !== undefined) {
        this.add(cluster, {
          name: DrainMetricNames.drainDuration,
          unit: MetricUnit.Seconds,
          value: plan.drainSeconds,
        });
      }
      if (plan.action === 'force-complete') {
        this.add(cluster, { name: DrainMetricNames.drainsHitMaxTime, unit: MetricUnit.Count, value: 1 });
      }
    }
  }

  /** Records one permanent error. */
  recordError(cluster: string | undefined): void {
    this.add(cluster ?? UNKNOWN_CLUSTER, {
      name: DrainMetricNames.drainErrors,
      unit: MetricUnit.Count,
      value: 1,
    });
  }

  /**
   * Publishes every cluster's metrics but the last, whose metrics stay stored for the `logMetrics`
   * middleware to publish (it warns when it finds nothing to publish).
   */
  flush(metrics: Metrics): void {
    const clusters = [...this.byCluster.keys()];
    clusters.forEach((cluster, index) => {
      metrics.addDimension('ClusterName', cluster);
      for (const e of this.byCluster.get(cluster) ?? []) metrics.addMetric(e.name, e.unit, e.value);
      if (index < clusters.length - 1) metrics.publishStoredMetrics();
    });
    this.byCluster.clear();
  }
}
