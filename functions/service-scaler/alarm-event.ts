/**
 * The EventBridge "CloudWatch Alarm State Change" event, as the service scaler reads it.
 *
 * Shape: /work/shared/reference/aws-events/cloudwatch-alarm-state-change.json (CloudWatch User Guide,
 * "Alarm events and EventBridge"). `detail.state.reasonData` is a JSON string inside the JSON (second
 * parse); the metric is `detail.configuration.metrics[].metricStat.metric`; newer events may carry
 * `detail.alarmTags`. The event has no ComparisonOperator: the side comes from the state reason text, else
 * from the datapoints, else from one DescribeAlarms (handler). Unknown keys pass (AWS adds fields).
 */
import * as z from 'zod/mini';
import '../../shared/core/zod-messages.js';
import { InvalidEventError } from '../../shared/core/errors.js';
import {
  type AlarmComparison,
  type AlarmState,
  inferComparison,
  parseReasonData,
} from '../../shared/core/service/index.js';
import { formatIssuePath } from '../../shared/core/snapshot/index.js';

const StateSchema = z.looseObject({
  value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  reason: z.optional(z.string()),
  reasonData: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});

const MetricSchema = z.looseObject({
  id: z.optional(z.string()),
  metricStat: z.optional(
    z.looseObject({
      metric: z.looseObject({
        namespace: z.optional(z.string()),
        name: z.string(),
        dimensions: z.optional(z.record(z.string(), z.string())),
      }),
    }),
  ),
});

/** The event, as far as the service scaler reads it. */
export const AlarmStateChangeEventSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  resources: z._default(z.array(z.string()), []),
  detail: z.looseObject({
    alarmName: z.string().check(z.minLength(1)),
    state: StateSchema,
    previousState: z.optional(z.partial(StateSchema)),
    configuration: z._default(z.looseObject({ metrics: z._default(z.array(MetricSchema), []) }), {
      metrics: [],
    }),
    alarmTags: z.optional(z.record(z.string(), z.string())),
  }),
});

/** What the handler needs from the event. `cluster`/`service` are undefined when the event does not name them. */
export interface ParsedAlarmEvent {
  alarmName: string;
  alarmArn: string | undefined;
  state: AlarmState;
  stateTimestamp: string | undefined;
  metric: { namespace: string; name: string } | undefined;
  cluster: string | undefined;
  service: string | undefined;
  /** Tags carried by the event (alarm tag propagation), if any. */
  alarmTags: Record<string, string> | undefined;
  comparison: AlarmComparison | undefined;
  threshold: number | undefined;
  datapoints: number[];
}

/**
 * Parses and checks the event.
 * @throws InvalidEventError naming the first bad field and the expected event.
 */
export const parseAlarmEvent = (event: unknown): ParsedAlarmEvent => {
  const result = AlarmStateChangeEventSchema.safeParse(event);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidEventError(
      `not a CloudWatch Alarm State Change event: field '${formatIssuePath(issue.path)}' is invalid (${issue.message}). ` +
        'The service scaler expects the EventBridge event of a metric alarm (source aws.cloudwatch); nothing was changed.',
    );
  }
  const { detail, resources } = result.data;
  // A single-metric alarm has one metric; a metric-math alarm several, of which the one with dimensions
  // naming a service is the one that identifies it.
  const metrics = detail.configuration.metrics.flatMap((m) => (m.metricStat ? [m.metricStat.metric] : []));
  const named = metrics.find((m) => m.dimensions?.ClusterName && m.dimensions?.ServiceName) ?? metrics[0];
  const reason = parseReasonData(detail.state.reasonData);
  const state = detail.state.value;
  return {
    alarmName: detail.alarmName,
    alarmArn: resources.find((r) => r.startsWith('arn:') && r.includes(':alarm:')),
    state,
    stateTimestamp: detail.state.timestamp,
    metric: named ? { namespace: named.namespace ?? '', name: named.name } : undefined,
    cluster: named?.dimensions?.ClusterName,
    service: named?.dimensions?.ServiceName,
    alarmTags: detail.alarmTags,
    comparison: inferComparison(state, detail.state.reason, reason.datapoints, reason.threshold),
    threshold: reason.threshold,
    datapoints: reason.datapoints,
  };
};
