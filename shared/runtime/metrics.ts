/**
 * Powertools Metrics (EMF) for every function. Metrics are published to stdout as EMF documents, which
 * CloudWatch Logs turns into metrics in the namespace `POWERTOOLS_METRICS_NAMESPACE` (default
 * `EcsAutoscaler`).
 *
 * Dimensions are exactly those of shared/runtime/metric-names.ts (`ClusterName`, + `Resource` or
 * `ServiceName`): Powertools' default `service` dimension is removed, because a CloudWatch metric is
 * identified by its whole dimension set and an alarm on `ClusterName` alone would never see
 * `[service, ClusterName]` datapoints.
 *
 * The simulator (and tests) read what a handler publishes through {@link setEmfSink}: each EMF document
 * goes to the sink instead of stdout, so simulated CloudWatch alarms see the real metrics.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.js';
import type { MetricName } from './metric-names.js';

export { MetricUnit };

/** Receives each EMF document a handler publishes (already parsed). */
export type EmfSink = (document: Record<string, unknown>) => void;

let sink: EmfSink | undefined;
let fallback: EmfSink | undefined;

/** Routes EMF output to `fn` (or back to the default, stdout, with `undefined`). */
export const setEmfSink = (fn: EmfSink | undefined): void => {
  sink = fn;
};

/**
 * Replaces the default destination (stdout) used while no sink is set. The test setup discards there,
 * so EMF lines of tests that do not read metrics stay out of the test output; Lambda keeps stdout.
 */
export const setDefaultEmfSink = (fn: EmfSink | undefined): void => {
  fallback = fn;
};

/**
 * A Metrics instance for one function. Created once per module (outside the handler).
 * When a sink is set, the instance's output console is redirected to it at publish time.
 */
export const createMetrics = (serviceName: string): Metrics => {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EcsAutoscaler',
    serviceName,
    // Its own warnings (e.g. "no application metrics to publish") go through the structured logger, so
    // they are JSON in Lambda and follow POWERTOOLS_LOG_LEVEL elsewhere.
    logger,
  });
  // No `service` dimension (see the module comment); the function is known from the log group.
  metrics.clearDefaultDimensions();
  const target = metrics as unknown as { console: { log: (line: string) => void } };
  const stdout = target.console;
  target.console = {
    log: (line: string) => {
      const to = sink ?? fallback;
      if (to) to(JSON.parse(line) as Record<string, unknown>);
      else stdout.log(line);
    },
  };
  return metrics;
};

/** One metric value of {@link publishMetricSet}. */
export type MetricEntry = readonly [
  name: MetricName,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit],
  value: number,
];

/**
 * Publishes one EMF document with exactly `dimensions` (e.g. `{ ClusterName }` or
 * `{ ClusterName, ServiceName }`) and `entries`. Metrics already stored by the caller are published
 * first, on their own, so they never pick up these dimensions. Nothing is published without entries.
 */
export const publishMetricSet = (
  metrics: Metrics,
  dimensions: Record<string, string>,
  entries: readonly MetricEntry[],
): void => {
  if (entries.length === 0) return;
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  metrics.addDimensions(dimensions);
  for (const [name, unit, value] of entries) metrics.addMetric(name, unit, value);
  metrics.publishStoredMetrics();
};
