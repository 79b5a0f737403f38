/**
 * What the service scaler needs from a CloudWatch alarm, in a plain form built from either an EventBridge
 * "CloudWatch Alarm State Change" event or a DescribeAlarms `MetricAlarm` (for the capacity report).
 */

/** Alarm states (CloudWatch `StateValue`). */
export type AlarmState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** Which side of the threshold the alarm fires on: `greater` = a high alarm, `less` = a low alarm. */
export type AlarmComparison = 'greater' | 'less';

/** One alarm, as the service planner reads it. */
export interface AlarmSignal {
  alarmName: string;
  alarmArn?: string | undefined;
  state: AlarmState;
  /** The state's timestamp as CloudWatch wrote it (identifies this transition; duplicates share it). */
  stateTimestamp?: string | undefined;
  cluster: string;
  service: string;
  /** `AWS/ECS` `CPUUtilization`, … (for reasons only). */
  metric?: { namespace: string; name: string } | undefined;
  /** Undefined when neither the event nor DescribeAlarms could tell. */
  comparison?: AlarmComparison | undefined;
  threshold?: number | undefined;
  /** `recentDatapoints` of the state's reason data, oldest first. */
  datapoints: number[];
}

/** CloudWatch `ComparisonOperator` → side. Anomaly-band operators have no side: undefined. */
export const comparisonOf = (operator: string | undefined): AlarmComparison | undefined => {
  if (operator === 'GreaterThanThreshold' || operator === 'GreaterThanOrEqualToThreshold') return 'greater';
  if (operator === 'LessThanThreshold' || operator === 'LessThanOrEqualToThreshold') return 'less';
  return undefined;
};

/**
 * Infers the side from the state reason CloudWatch writes ("… datapoints [99.5 (…)] was greater than the
 * threshold (50.0)" entering ALARM; "was not greater than" leaving it), else — only in ALARM — from the
 * latest datapoint versus the threshold. The state-change event does not carry the ComparisonOperator;
 * undefined means: ask DescribeAlarms.
 */
export const inferComparison = (
  state: AlarmState,
  reason: string | undefined,
  datapoints: readonly number[],
  threshold: number | undefined,
): AlarmComparison | undefined => {
  const m = reason ? /\bwas (?:not )?(greater|less) than\b/.exec(reason) : null;
  if (m) return m[1] === 'greater' ? 'greater' : 'less';
  const latest = datapoints.at(-1);
  if (state !== 'ALARM' || latest === undefined || threshold === undefined || latest === threshold) {
    return undefined;
  }
  return latest > threshold ? 'greater' : 'less';
};

/**
 * How far the latest datapoint is beyond the threshold on the alarm's side, in the metric's units
 * (percentage points for utilisation). 0 when unknown or on the wrong side (an "M out of N" alarm whose
 * last datapoint has already come back): the first step applies.
 */
export const breachOf = (signal: AlarmSignal): number => {
  const latest = signal.datapoints.at(-1);
  if (latest === undefined || signal.threshold === undefined || signal.comparison === undefined) return 0;
  const beyond = signal.comparison === 'greater' ? latest - signal.threshold : signal.threshold - latest;
  return Number.isFinite(beyond) ? Math.max(0, beyond) : 0;
};

/**
 * Parses CloudWatch `reasonData` (a JSON string inside the event, or `StateReasonData` from DescribeAlarms).
 * Tolerant: a missing or malformed value gives no datapoints rather than an error, since the direction and
 * the first step can still be decided without it.
 */
export const parseReasonData = (text: string | undefined): { datapoints: number[]; threshold?: number } => {
  if (!text) return { datapoints: [] };
  try {
    const data = JSON.parse(text) as { recentDatapoints?: unknown; threshold?: unknown };
    const datapoints = Array.isArray(data.recentDatapoints)
      ? data.recentDatapoints.filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
      : [];
    return typeof data.threshold === 'number' ? { datapoints, threshold: data.threshold } : { datapoints };
  } catch {
    return { datapoints: [] };
  }
};

/** The subset of a CloudWatch `MetricAlarm` (DescribeAlarms) that {@link signalFromMetricAlarm} reads. */
export interface MetricAlarmLike {
  AlarmName?: string | undefined;
  AlarmArn?: string | undefined;
  StateValue?: string | undefined;
  StateReason?: string | undefined;
  StateReasonData?: string | undefined;
  StateUpdatedTimestamp?: Date | string | undefined;
  ComparisonOperator?: string | undefined;
  Threshold?: number | undefined;
  Namespace?: string | undefined;
  MetricName?: string | undefined;
  Dimensions?: { Name?: string | undefined; Value?: string | undefined }[] | undefined;
}

/**
 * Builds a signal from a DescribeAlarms `MetricAlarm` whose dimensions name `ClusterName` and `ServiceName`
 * (or from `names` when the alarm's tags name them). Undefined when no service is named.
 */
export const signalFromMetricAlarm = (
  alarm: MetricAlarmLike,
  names?: { cluster: string; service: string },
): AlarmSignal | undefined => {
  const dim = (n: string) => alarm.Dimensions?.find((d) => d.Name === n)?.Value;
  const cluster = dim('ClusterName') ?? names?.cluster;
  const service = dim('ServiceName') ?? names?.service;
  if (!cluster || !service || !alarm.AlarmName) return undefined;
  const state: AlarmState =
    alarm.StateValue === 'ALARM' || alarm.StateValue === 'OK' ? alarm.StateValue : 'INSUFFICIENT_DATA';
  const reason = parseReasonData(alarm.StateReasonData);
  const threshold = alarm.Threshold ?? reason.threshold;
  const ts = alarm.StateUpdatedTimestamp;
  return {
    alarmName: alarm.AlarmName,
    alarmArn: alarm.AlarmArn,
    state,
    stateTimestamp: ts instanceof Date ? ts.toISOString() : ts,
    cluster,
    service,
    metric:
      alarm.Namespace && alarm.MetricName
        ? { namespace: alarm.Namespace, name: alarm.MetricName }
        : undefined,
    comparison:
      comparisonOf(alarm.ComparisonOperator) ??
      inferComparison(state, alarm.StateReason, reason.datapoints, threshold),
    threshold,
    datapoints: reason.datapoints,
  };
};
