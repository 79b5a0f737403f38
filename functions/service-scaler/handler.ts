/**
 * Lambda entry of the service scaler (issue #6): a CloudWatch alarm on an opted-in ECS service's metric
 * scales the service within its bounds, and grows the cluster in the same invocation when the new tasks
 * will not fit (docs/service-scaler.md).
 *
 * An alarm that names no ECS service (the EventBridge rule delivers every alarm of the account but the
 * cluster scaler's) is `ignored` at INFO: no error metric, no write.
 *
 * Errors: a malformed event, a half-tagged alarm, a bad tag or an unknown service is permanent —
 * logged at ERROR, counted in ServiceScalerErrors and answered with a result, so neither Lambda nor
 * EventBridge retries it, and nothing is written. TransientAwsError (throttling, 5xx) is rethrown so
 * Lambda's asynchronous retry runs the event again; the intent record makes that retry converge.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { emitDecision } from '../../shared/aws/decision-events.js';
import { defaultServiceWriter } from '../../shared/aws/service-actuator.js';
import { defaultAlarmReader } from '../../shared/aws/service-alarm-reader.js';
import { defaultServiceScalingReader } from '../../shared/aws/service-scaling-reader.js';
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import { serviceDecisionEvent } from '../../shared/core/decision/index.js';
import { AutoscalerError, describeError, TransientAwsError } from '../../shared/core/errors.js';
import type { ServicePlan } from '../../shared/core/service/index.js';
import { now } from '../../shared/runtime/clock.js';
import { loadClusterScalerConfig } from '../../shared/runtime/config.js';
import { logger } from '../../shared/runtime/logger.js';
import {
  createMetrics,
  type MetricEntry,
  MetricUnit,
  publishMetricSet,
} from '../../shared/runtime/metrics.js';
import { parseAlarmEvent } from './alarm-event.js';
import { type ServiceScalerDeps, scaleService } from './scale-service.js';
import { sweepAlarms } from './sweep.js';

/** Metrics of this function, created once per module. */
export const metrics = createMetrics('service-scaler');

/** What the handler returns (visible in the Lambda console and to tests; EventBridge ignores it). */
export interface ServiceScalerResult {
  status: 'ok' | 'ignored' | 'invalid-event' | 'configuration-error' | 'not-found' | 'rejected';
  /** The plan of an alarm event. */
  plan?: ServicePlan;
  clusterGrown?: boolean;
  serviceUpdated?: boolean;
  /** The plans of a scheduled sweep. */
  plans?: ServicePlan[];
  message?: string;
  /** Per-service problems of a sweep (the sweep went on). */
  errors?: string[];
}

/** EventBridge's scheduled event (the every-minute sweep). */
const isScheduledEvent = (event: unknown): boolean =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>).source === 'aws.events' &&
  (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event';

/** One EMF document per plan, dimensions ClusterName + ServiceName (metric-names.ts). */
const recordPlan = (plan: ServicePlan, clusterGrown: boolean): void => {
  const entries: MetricEntry[] = [[METRIC_OF_ACTION[plan.action], MetricUnit.Count, 1]];
  const delta = plan.desiredCount.proposed - plan.desiredCount.current;
  if (delta !== 0 && !plan.dryRun) {
    entries.push([
      delta > 0 ? 'ServiceTasksAdded' : 'ServiceTasksRemoved',
      MetricUnit.Count,
      Math.abs(delta),
    ]);
  }
  if (clusterGrown && plan.clusterGrowth) {
    const g = plan.clusterGrowth.desiredCapacity;
    entries.push(['ClusterInstancesAddedForService', MetricUnit.Count, g.proposed - g.current]);
  }
  publishMetricSet(metrics, { ClusterName: plan.cluster, ServiceName: plan.service }, entries);
};

/**
 * The decision event of a plan (docs/observability.md): a step that was applied, or a hold a guard caused.
 * None in dry run (it writes nothing, events included) and none for a step whose write did not happen.
 */
const serviceEvent = (plan: ServicePlan, outcome: { serviceUpdated: boolean }) =>
  plan.dryRun || (plan.action !== 'hold' && !outcome.serviceUpdated)
    ? undefined
    : serviceDecisionEvent(plan, now());

/** Errors by cluster (`unknown` when the event names none). */
const recordErrors = (cluster: string | undefined, count: number): void =>
  publishMetricSet(metrics, { ClusterName: cluster ?? 'unknown' }, [
    ['ServiceScalerErrors', MetricUnit.Count, count],
  ]);

let depsOverride: ServiceScalerDeps | undefined;
/** Replaces the AWS ports (tests, simulator). `undefined` restores the real adapters. */
export const setServiceScalerDeps = (deps: ServiceScalerDeps | undefined): void => {
  depsOverride = deps;
};

const deps = (): ServiceScalerDeps =>
  depsOverride ?? {
    readSnapshot: (cluster) => readClusterSnapshot(cluster),
    scaling: defaultServiceScalingReader(),
    alarms: defaultAlarmReader(),
    writer: defaultServiceWriter(),
  };

const STATUS: Record<string, ServiceScalerResult['status']> = {
  InvalidEventError: 'invalid-event',
  ConfigurationError: 'configuration-error',
  NotFoundError: 'not-found',
};

const METRIC_OF_ACTION = {
  'scale-out': 'ServiceScaleOut',
  'scale-in': 'ServiceScaleIn',
  hold: 'ServiceHold',
  skip: 'ServiceSkip',
} as const;

/** The handler without middleware (exported for tests and the simulator). */
export const serviceScalerHandler = async (event: unknown): Promise<ServiceScalerResult> => {
  let alarm: string | undefined;
  let cluster: string | undefined;
  try {
    // The same deployment settings as the cluster scaler (DRY_RUN, DEFAULT_*): a cluster grown for a
    // service is planned with the defaults its own scaler uses.
    const config = loadClusterScalerConfig();
    const env = { dryRun: config.dryRun, clusterDefaults: config.defaults };
    if (isScheduledEvent(event)) {
      const swept = await sweepAlarms(deps(), env, now());
      for (const r of swept.results) recordPlan(r.plan, r.outcome.clusterGrown);
      for (const r of swept.results) await emitDecision(serviceEvent(r.plan, r.outcome), metrics);
      if (swept.errors.length > 0) recordErrors(undefined, swept.errors.length);
      return { status: 'ok', plans: swept.results.map((r) => r.plan), errors: swept.errors };
    }
    const parsed = parseAlarmEvent(event);
    alarm = parsed.alarmName;
    cluster = parsed.cluster;
    const handled = await scaleService(parsed, deps(), env, now());
    if ('ignored' in handled) {
      logger.info('alarm ignored', { alarm, reason: handled.ignored });
      return { status: 'ignored', message: handled.ignored };
    }
    const { plan, outcome } = handled;
    recordPlan(plan, outcome.clusterGrown);
    await emitDecision(serviceEvent(plan, outcome), metrics);
    return { status: 'ok', plan, ...outcome };
  } catch (error) {
    if (error instanceof TransientAwsError || !(error instanceof AutoscalerError)) {
      logger.warn('service scaling failed; Lambda will retry the event', {
        alarm,
        error: describeError(error),
      });
      throw error;
    }
    logger.error('event not handled', { alarm, error: error.message, errorType: error.name });
    recordErrors(cluster, 1);
    return { status: STATUS[error.name] ?? 'rejected', message: error.message };
  } finally {
    // Published here rather than by the logMetrics middleware, so callers without middleware (the
    // simulator, tests) get the same documents.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};

/** The Lambda handler: middy + Powertools logger context (metrics are published by the handler itself). */
export const handler = middy<unknown, ServiceScalerResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .handler(serviceScalerHandler);
