/**
 * CloudWatch metric alarms, evaluated every minute (CloudWatch user guide, "Evaluating an alarm"):
 * the last `EvaluationPeriods` complete periods are read; the alarm goes to ALARM when at least
 * `DatapointsToAlarm` (default EvaluationPeriods) of them breach, to OK otherwise. Missing datapoints
 * follow TreatMissingData: `breaching`/`notBreaching` count as such, `ignore` keeps the state when
 * nothing is left to evaluate, `missing` (default) gives INSUFFICIENT_DATA when all are missing.
 * Each state change emits "CloudWatch Alarm State Change" (shape of AWS's example).
 */
import type { SimContext } from '../core/context.js';
import { type MetricStore, metricKey, type Statistic } from './metric-store.js';

/** A stored alarm (DescribeAlarms `MetricAlarms[]` shape, plus tags). */
export interface SimAlarm {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  AlarmActions: string[];
  OKActions: string[];
  InsufficientDataActions: string[];
  MetricName: string;
  Namespace: string;
  Statistic: Statistic;
  Dimensions: Array<{ Name: string; Value: string }>;
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData: string;
  Unit?: string;
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  StateReason: string;
  StateReasonData?: string;
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  AlarmConfigurationUpdatedTimestamp: Date;
  tags: Array<{ Key: string; Value: string }>;
}

const cwTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

const breaches = (op: string, v: number, threshold: number): boolean => {
  switch (op) {
    case 'GreaterThanThreshold':
      return v > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return v >= threshold;
    case 'LessThanThreshold':
      return v < threshold;
    default:
      return v <= threshold;
  }
};

const opText: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** Evaluates one alarm at `nowMs`; emits an event and returns true when its state changed. */
export const evaluateAlarm = (alarm: SimAlarm, store: MetricStore, ctx: SimContext): boolean => {
  const now = ctx.clock.nowMs;
  const P = alarm.Period * 1000;
  const end = Math.floor(now / P) * P;
  const id = metricKey({ namespace: alarm.Namespace, name: alarm.MetricName, dims: alarm.Dimensions });
  const values: Array<number | undefined> = [];
  for (let k = 1; k <= alarm.EvaluationPeriods; k++)
    values.push(store.stat(id, alarm.Statistic, end - k * P, end - (k - 1) * P));
  const present = values.filter((v): v is number => v !== undefined);
  let breached = 0;
  let evaluated = 0;
  for (const v of values) {
    if (v === undefined) {
      if (alarm.TreatMissingData === 'breaching') breached++;
      if (alarm.TreatMissingData === 'breaching' || alarm.TreatMissingData === 'notBreaching') evaluated++;
    } else {
      evaluated++;
      if (breaches(alarm.ComparisonOperator, v, alarm.Threshold)) breached++;
    }
  }
  let next: SimAlarm['StateValue'];
  if (evaluated === 0) {
    if (alarm.TreatMissingData === 'ignore') return false;
    next = 'INSUFFICIENT_DATA';
  } else next = breached >= alarm.DatapointsToAlarm ? 'ALARM' : 'OK';
  if (next === alarm.StateValue) return false;

  const recent = present.slice().reverse();
  const reason =
    next === 'INSUFFICIENT_DATA'
      ? `Insufficient Data: ${alarm.EvaluationPeriods} datapoints were unknown.`
      : `Threshold Crossed: ${breached} out of the last ${alarm.EvaluationPeriods} datapoints [${recent.join(', ')}] was ${next === 'ALARM' ? '' : 'not '}${opText[alarm.ComparisonOperator] ?? alarm.ComparisonOperator} the threshold (${alarm.Threshold}) (minimum ${alarm.DatapointsToAlarm} datapoint for ${alarm.StateValue} -> ${next} transition).`;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: cwTime(now),
    startDate: cwTime(end - alarm.EvaluationPeriods * P),
    statistic: alarm.Statistic,
    period: alarm.Period,
    recentDatapoints: recent,
    threshold: alarm.Threshold,
  });
  const previous = {
    reason: alarm.StateReason,
    ...(alarm.StateReasonData ? { reasonData: alarm.StateReasonData } : {}),
    timestamp: cwTime(alarm.StateUpdatedTimestamp.getTime()),
    value: alarm.StateValue,
  };
  alarm.StateValue = next;
  alarm.StateReason = reason;
  alarm.StateReasonData = reasonData;
  alarm.StateUpdatedTimestamp = new Date(now);
  alarm.StateTransitionedTimestamp = new Date(now);
  ctx.emit('aws.cloudwatch', 'CloudWatch Alarm State Change', [alarm.AlarmArn], () => ({
    alarmName: alarm.AlarmName,
    configuration: {
      ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
      metrics: [
        {
          id: 'm1',
          metricStat: {
            metric: {
              dimensions: Object.fromEntries(alarm.Dimensions.map((d) => [d.Name, d.Value])),
              name: alarm.MetricName,
              namespace: alarm.Namespace,
            },
            period: alarm.Period,
            stat: alarm.Statistic,
          },
          returnData: true,
        },
      ],
    },
    previousState: previous,
    state: { reason, reasonData, timestamp: cwTime(now), value: next },
  }));
  return true;
};
