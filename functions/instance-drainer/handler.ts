/**
 * Lambda entry of the instance drainer (issue #5): drains container instances before Auto Scaling or
 * Spot takes them away, and completes the terminate lifecycle action when they are empty.
 *
 * One function for every trigger (see docs/drain.md for the EventBridge patterns): the terminate
 * lifecycle action, Spot interruption warnings and rebalance recommendations, ECS task and
 * container-instance state changes, and the every-minute sweeper.
 *
 * Errors: a malformed event, a bad tag or a refused AWS call is permanent — logged at ERROR, counted in
 * DrainErrors, and answered with a result object, so neither Lambda nor EventBridge retries it. A
 * TransientAwsError (throttling, 5xx) is rethrown so Lambda's asynchronous retry runs the event again;
 * every step is idempotent.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { emitDecision } from '../../shared/aws/decision-events.js';
import { defaultAutoScalingDrainAdapter } from '../../shared/aws/drain-autoscaling.js';
import { defaultEcsDrainAdapter } from '../../shared/aws/drain-ecs.js';
import { currentBudget, withBudget } from '../../shared/aws/retry.js';
import { drainDecisionEvent } from '../../shared/core/decision/index.js';
import { DEFAULT_SWEEP_INTERVAL_SECONDS, resolveDrainDefaults } from '../../shared/core/drain/index.js';
import { AutoscalerError, describeError, TransientAwsError } from '../../shared/core/errors.js';
import { now } from '../../shared/runtime/clock.js';
import { logger } from '../../shared/runtime/logger.js';
import { createMetrics } from '../../shared/runtime/metrics.js';
import type { DrainDeps } from './drain-instance.js';
import { DrainMetricsRecorder } from './drain-metrics.js';
import { routeEvent } from './route-event.js';
import { parseDrainerEvent } from './schemas.js';

/** Metrics of this function, created once per module. */
export const metrics = createMetrics('instance-drainer');

/** One instance's outcome in the result. */
export interface DrainerPlanSummary {
  cluster: string;
  asg: string;
  instanceId: string;
  action: string;
  reasons: readonly string[];
  dryRun: boolean;
  completed: boolean;
}

/** What the handler returns (visible in the Lambda console and to tests; EventBridge ignores it). */
export interface DrainerResult {
  status: 'ok' | 'ignored' | 'invalid-event' | 'configuration-error' | 'rejected';
  kind?: string;
  plans: DrainerPlanSummary[];
  message?: string;
  errors: string[];
}

let depsOverride: DrainDeps | undefined;
/** Replaces the AWS ports (tests, simulator). `undefined` restores the real adapters. */
export const setDrainDeps = (deps: DrainDeps | undefined): void => {
  depsOverride = deps;
};

const deps = (): DrainDeps =>
  depsOverride ?? {
    ecs: defaultEcsDrainAdapter(),
    autoscaling: defaultAutoScalingDrainAdapter(),
    sweepIntervalSeconds: DEFAULT_SWEEP_INTERVAL_SECONDS,
  };

const statusOf = (error: AutoscalerError): DrainerResult['status'] => {
  switch (error.name) {
    case 'InvalidEventError':
      return 'invalid-event';
    case 'ConfigurationError':
      return 'configuration-error';
    default:
      return 'rejected';
  }
};

/** The parts of the Lambda context the drainer reads. */
export type DrainerContext = Pick<Context, 'getRemainingTimeInMillis' | 'invokedFunctionArn'>;

/**
 * Why an event from another account or region is not ours, or undefined when it is (or cannot be
 * told). The EventBridge rules filter on the account, but a rule edited by hand, a cross-account bus or
 * a direct invoke bypasses them, and a Spot warning from elsewhere names an instance ID that is not ours.
 */
export const foreignEvent = (event: unknown, context: DrainerContext | undefined): string | undefined => {
  const e = (typeof event === 'object' && event !== null ? event : {}) as {
    account?: unknown;
    region?: unknown;
  };
  const arn = context?.invokedFunctionArn?.split(':') ?? [];
  const ownRegion = arn[3] || process.env.AWS_REGION;
  const ownAccount = arn[4];
  if (typeof e.account === 'string' && ownAccount && e.account !== ownAccount)
    return `event from account ${e.account}, this function runs in ${ownAccount}`;
  if (typeof e.region === 'string' && ownRegion && e.region !== ownRegion)
    return `event from region ${e.region}, this function runs in ${ownRegion}`;
  return undefined;
};

/** The handler without middleware (exported for tests; the context gives the time budget). */
export const drainerHandler = async (event: unknown, context?: DrainerContext): Promise<DrainerResult> => {
  const budget =
    typeof context?.getRemainingTimeInMillis === 'function'
      ? { remainingMs: () => context.getRemainingTimeInMillis() }
      : currentBudget();
  return withBudget(budget, () => handle(event, context));
};

const handle = async (event: unknown, context: DrainerContext | undefined): Promise<DrainerResult> => {
  const recorder = new DrainMetricsRecorder();
  let kind: string | undefined;
  try {
    const parsed = parseDrainerEvent(event);
    kind = parsed.kind;
    const foreign = foreignEvent(event, context);
    if (foreign !== undefined) {
      logger.warn('event ignored: not from this account and region', { kind, reason: foreign });
      return { status: 'ignored', kind, plans: [], message: foreign, errors: [] };
    }
    const defaults = resolveDrainDefaults({
      DRY_RUN: process.env.DRY_RUN,
      MAX_DRAIN_SECONDS: process.env.MAX_DRAIN_SECONDS,
    });
    const routed = await routeEvent(parsed, deps(), defaults, now());
    for (const r of routed.results) recorder.recordInstance(r);
    // A drain started or completed by this call (docs/observability.md); dry run writes nothing.
    for (const r of routed.results) {
      if (r.plan.dryRun) continue;
      await emitDecision(drainDecisionEvent(r.cluster, r.plan, r.outcome, now()), metrics);
    }
    for (const e of routed.errors) recorder.recordError(e.cluster);
    return {
      status: routed.ignored !== undefined ? 'ignored' : 'ok',
      kind,
      plans: routed.results.map(({ cluster, plan, outcome }) => ({
        cluster,
        asg: plan.asgName,
        instanceId: plan.instanceId,
        action: plan.action,
        reasons: plan.reasons,
        dryRun: plan.dryRun,
        completed: outcome.completed,
      })),
      errors: routed.errors.map((e) => e.message),
      ...(routed.ignored !== undefined ? { message: routed.ignored } : {}),
    };
  } catch (error) {
    if (kind === 'sweep' && error instanceof TransientAwsError) {
      // The next sweep, a minute later, is a better retry than Lambda's retry of this one.
      logger.warn('sweep failed; the next sweep retries', { kind, error: error.message });
      return { status: 'ok', kind, plans: [], errors: [error.message] };
    }
    if (error instanceof TransientAwsError || !(error instanceof AutoscalerError)) {
      logger.warn('drain attempt failed; Lambda will retry the event', { kind, error: describeError(error) });
      throw error;
    }
    logger.error('event not handled', { kind, error: error.message, errorType: error.name });
    recorder.recordError(undefined);
    return {
      status: statusOf(error),
      ...(kind ? { kind } : {}),
      plans: [],
      message: error.message,
      errors: [],
    };
  } finally {
    recorder.flush(metrics);
  }
};

/** The Lambda handler: middy + Powertools logger context + EMF metrics. */
export const handler = middy<unknown, DrainerResult, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(drainerHandler);
