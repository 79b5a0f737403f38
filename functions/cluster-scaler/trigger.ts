/**
 * The two triggers of the cluster scaler, parsed with zod (unknown keys pass: AWS adds fields):
 * - the 1-minute EventBridge schedule, a "Scheduled Event" from `aws.events`: every managed cluster;
 * - a "CloudWatch Alarm State Change" of one of the scaler's own alarms (name prefix
 *   `ecs-autoscaler-cluster-`): that alarm's cluster only. Shape:
 *   /work/shared/reference/aws-events/cloudwatch-alarm-state-change.json (CloudWatch User Guide, "Alarm
 *   events and EventBridge"). The cluster is in the alarm name and in the metric's `ClusterName` dimension;
 *   when both are present they must agree.
 */
import * as z from 'zod/mini';
import '../../shared/core/zod-messages.js';
import { ALARM_PREFIX, parseAlarmName } from '../../shared/core/cluster/index.js';
import { InvalidEventError } from '../../shared/core/errors.js';
import { formatIssuePath } from '../../shared/core/snapshot/index.js';

const ScheduledEventSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.optional(z.string()),
});

const AlarmEventSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.looseObject({
    alarmName: z.string().check(z.minLength(1)),
    state: z.looseObject({ value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']) }),
    configuration: z.optional(
      z.looseObject({
        metrics: z._default(
          z.array(
            z.looseObject({
              metricStat: z.optional(
                z.looseObject({
                  metric: z.looseObject({ dimensions: z.optional(z.record(z.string(), z.string())) }),
                }),
              ),
            }),
          ),
          [],
        ),
      }),
    ),
  }),
});

/** A parsed trigger. */
export type Trigger =
  | { kind: 'tick' }
  | { kind: 'alarm'; alarmName: string; cluster: string; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' };

const WHAT =
  'The cluster scaler expects the EventBridge "Scheduled Event" of its 1-minute rule or a "CloudWatch Alarm State Change" of an alarm named ' +
  `${ALARM_PREFIX}<cluster>-<kind>; nothing was changed.`;

/**
 * Parses the Lambda event.
 * @throws InvalidEventError naming the bad field, or the alarm that is not one of the scaler's.
 */
export const parseTrigger = (event: unknown): Trigger => {
  const source = (event as { source?: unknown } | null)?.source;
  if (source === 'aws.events') {
    const r = ScheduledEventSchema.safeParse(event);
    if (r.success) return { kind: 'tick' };
    throw invalid(r.error);
  }
  const r = AlarmEventSchema.safeParse(event);
  if (!r.success) throw invalid(r.error);
  const { alarmName, state, configuration } = r.data.detail;
  const parsed = parseAlarmName(alarmName);
  if (!parsed) {
    throw new InvalidEventError(
      `alarm '${alarmName}' is not one of the cluster scaler's (${ALARM_PREFIX}<cluster>-<kind>): check the EventBridge rule's alarmName prefix filter. ${WHAT}`,
    );
  }
  const dimension = configuration?.metrics
    .map((m) => m.metricStat?.metric.dimensions?.ClusterName)
    .find((v) => v !== undefined);
  if (dimension !== undefined && dimension !== parsed.cluster) {
    throw new InvalidEventError(
      `alarm '${alarmName}' names cluster '${parsed.cluster}' but its metric's ClusterName dimension is '${dimension}': the alarm was edited by hand; delete it (the next tick recreates it). Nothing was changed.`,
    );
  }
  return { kind: 'alarm', alarmName, cluster: parsed.cluster, state: state.value };
};

const invalid = (error: z.core.$ZodError): InvalidEventError => {
  const issue = error.issues[0]!;
  return new InvalidEventError(
    `not a cluster scaler trigger: field '${formatIssuePath(issue.path)}' is invalid (${issue.message}). ${WHAT}`,
  );
};
