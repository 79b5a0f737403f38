/**
 * Puts decision events on the default EventBridge bus and keeps each cluster's (and service's) last
 * decision in an SSM parameter (docs/observability.md). Once per decision: an event whose `decisionId`
 * equals the last recorded one for its subject (remembered in this warm container, else read back from
 * the parameter) is skipped, so a duplicated trigger that reaches the same decision adds no event.
 *
 * Order: PutEvents, then PutParameter. If the second write fails, a later identical decision is put
 * again — at least once, never lost. A failure never undoes or retries the decision itself: the caller
 * logs it and counts `DecisionEventErrors`.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  type DecisionEvent,
  type LastDecisionRecord,
  lastDecisionParameterName,
  lastDecisionValue,
  parseLastDecision,
} from '../core/decision/index.js';
import { AwsRejectedError, describeError } from '../core/errors.js';
import { logger } from '../runtime/logger.js';
import { createMetrics, MetricUnit, publishMetricSet } from '../runtime/metrics.js';
import { awsCall } from './errors.js';

/** The two operations of each client the publisher needs (tests and the simulator inject mocks). */
export interface DecisionClients {
  eventBridge: Pick<EventBridgeClient, 'send'>;
  ssm: Pick<SSMClient, 'send'>;
}

/** What became of one event. */
export type DecisionPublishOutcome =
  | { status: 'published'; decisionId: string }
  | { status: 'duplicate'; decisionId: string }
  | { status: 'failed'; decisionId: string; error: string };

/** The port handlers use. */
export interface DecisionPublisher {
  /** Puts the event unless it repeats its subject's last decision. Never throws. */
  publish(event: DecisionEvent): Promise<DecisionPublishOutcome>;
}

const isNotFound = (error: unknown): boolean => (error as { name?: string }).name === 'ParameterNotFound';

/**
 * Reads a subject's last decision (one GetParameter). Undefined when none was recorded yet.
 * @throws the translated AWS error (TransientAwsError, AwsRejectedError naming ssm:GetParameter).
 */
export const readLastDecision = async (
  ssm: Pick<SSMClient, 'send'>,
  subject: { cluster: string; service?: string },
): Promise<LastDecisionRecord | undefined> => {
  const Name = lastDecisionParameterName(subject);
  try {
    const out = await ssm.send(new GetParameterCommand({ Name }));
    return parseLastDecision(out.Parameter?.Value);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return awsCall({ action: 'ssm:GetParameter', cluster: subject.cluster }, () => Promise.reject(error));
  }
};

/** EventBridge + SSM publisher. Its memory of last ids lives as long as the instance (warm container). */
export class EventBridgeDecisionPublisher implements DecisionPublisher {
  private readonly lastIds = new Map<string, string>();

  constructor(private readonly clients: DecisionClients) {}

  /** Forgets the last ids, as a new container would. */
  forget(): void {
    this.lastIds.clear();
  }

  /** @inheritdoc */
  async publish(event: DecisionEvent): Promise<DecisionPublishOutcome> {
    const decisionId = event.detail.decisionId;
    const key = event.subject ? lastDecisionParameterName(event.subject) : undefined;
    try {
      if (key && event.subject) {
        if (this.lastIds.get(key) === decisionId) return { status: 'duplicate', decisionId };
        const last = await readLastDecision(this.clients.ssm, event.subject).catch(() => undefined);
        if (last?.decisionId === decisionId) {
          this.lastIds.set(key, decisionId);
          return { status: 'duplicate', decisionId };
        }
      }
      const out = await awsCall({ action: 'events:PutEvents', cluster: event.detail.cluster }, () =>
        this.clients.eventBridge.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: event.source,
                DetailType: event.detailType,
                Detail: JSON.stringify(event.detail),
                Resources: event.resources,
              },
            ],
          }),
        ),
      );
      // PutEvents answers 200 with per-entry failures (FailedEntryCount): that is a failure too.
      if ((out.FailedEntryCount ?? 0) > 0) {
        const entry = out.Entries?.[0];
        throw new AwsRejectedError(
          `events:PutEvents rejected the ${event.detailType} event (${entry?.ErrorCode ?? 'unknown'}): ${entry?.ErrorMessage ?? ''}`,
          entry?.ErrorCode ?? 'FailedEntry',
        );
      }
      if (key) {
        await awsCall({ action: 'ssm:PutParameter', cluster: event.detail.cluster }, () =>
          this.clients.ssm.send(
            new PutParameterCommand({
              Name: key,
              Value: lastDecisionValue(event),
              Type: 'String',
              Tier: 'Standard',
              Overwrite: true,
            }),
          ),
        );
        this.lastIds.set(key, decisionId);
      }
      return { status: 'published', decisionId };
    } catch (error) {
      return { status: 'failed', decisionId, error: describeError(error) };
    }
  }
}

let defaultPublisher: EventBridgeDecisionPublisher | undefined;
let defaultSsm: SSMClient | undefined;

/**
 * The SSM client the report reads last decisions with, or undefined when decision events are switched
 * off (`DECISION_EVENTS=disabled`: nothing is recorded, so there is nothing to read).
 */
export const deploymentLastDecisionReader = (region?: string): Pick<SSMClient, 'send'> | undefined => {
  if (process.env.DECISION_EVENTS === 'disabled') return undefined;
  if (region) return new SSMClient({ region });
  defaultSsm ??= new SSMClient({});
  return defaultSsm;
};

/**
 * The default publisher forgets its last ids, as a new container would: the simulator's runs and worlds
 * each start as a fresh deployment (a memory carried from the previous world skipped a publish, so its
 * simulated calls and time, and a world ran another course than alone — random world 16519).
 */
export const clearDecisionMemory = (): void => defaultPublisher?.forget();

/** The publisher with the default clients, created once per module (the SDK resolves the region). */
export const defaultDecisionPublisher = (): DecisionPublisher => {
  defaultPublisher ??= new EventBridgeDecisionPublisher({
    eventBridge: new EventBridgeClient({}),
    ssm: new SSMClient({}),
  });
  return defaultPublisher;
};

/**
 * The publisher of this deployment, or undefined when decision events are switched off
 * (`DECISION_EVENTS=disabled`, the stack parameter `decisionEvents`; the tests' default, so that a test
 * that mocks only some SDK clients never reaches EventBridge or SSM).
 */
export const deploymentDecisionPublisher = (): DecisionPublisher | undefined =>
  process.env.DECISION_EVENTS === 'disabled' ? undefined : defaultDecisionPublisher();

let fallbackMetrics: Metrics | undefined;
/** A Metrics instance for callers that pass none (EMF goes to the same output as the function's own). */
const ownMetrics = (): Metrics => {
  fallbackMetrics ??= createMetrics('decision-events');
  return fallbackMetrics;
};

/**
 * Publishes one decision's event (nothing for `undefined`: a decision that makes none), logs what
 * became of it, and counts a failure as `DecisionEventErrors` (dimension ClusterName; with `metrics`, or
 * a Metrics instance of this module). Never throws: the decision has been applied whatever happens to its event.
 */
export const emitDecision = async (
  event: DecisionEvent | undefined,
  metrics?: Metrics,
  publisher: DecisionPublisher | undefined = deploymentDecisionPublisher(),
): Promise<DecisionPublishOutcome | undefined> => {
  if (!event || !publisher) return undefined;
  const outcome = await publisher.publish(event);
  const facts = {
    cluster: event.detail.cluster,
    kind: event.detail.kind,
    decisionId: outcome.decisionId,
    ...(event.detail.service ? { service: event.detail.service } : {}),
    ...(event.detail.instanceId ? { instanceId: event.detail.instanceId } : {}),
    ...(event.detail.guard ? { guard: event.detail.guard } : {}),
    detailType: event.detailType,
    action: event.detail.action,
    ...(event.detail.desired
      ? { from: event.detail.desired.current, to: event.detail.desired.proposed }
      : {}),
    reasons: event.detail.reasons,
  };
  if (outcome.status === 'failed') {
    logger.warn('decision event not published', { ...facts, error: outcome.error });
    publishMetricSet(metrics ?? ownMetrics(), { ClusterName: event.detail.cluster }, [
      ['DecisionEventErrors', MetricUnit.Count, 1],
    ]);
  } else {
    logger.info(
      outcome.status === 'published'
        ? 'decision event published'
        : 'decision event skipped: same as the last',
      facts,
    );
  }
  return outcome;
};
