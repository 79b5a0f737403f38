/**
 * CloudWatch metric alarms as a snapshot holds them (`alarms`). A module of its own: the snapshot's type
 * names this schema, while only the report checks it (alarms.ts), so the scalers' bundles leave it out.
 */
import * as z from 'zod/mini';
import { isoDate } from './iso-date.js';

/**
 * CloudWatch DescribeAlarms `MetricAlarms[]` item (optional in a snapshot): an alarm whose metric names a
 * service of the cluster (`ClusterName` + `ServiceName` dimensions). Only the fields the service preview
 * reads are checked (service-alarm.ts `signalFromMetricAlarm`); the rest (Period, Statistic, actions, …)
 * passes through.
 */
export const MetricAlarmSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmArn: z.optional(z.string()),
  StateValue: z.optional(z.string()),
  StateReason: z.optional(z.string()),
  StateReasonData: z.optional(z.string()),
  StateUpdatedTimestamp: z.optional(isoDate),
  ComparisonOperator: z.optional(z.string()),
  Threshold: z.optional(z.number()),
  Namespace: z.optional(z.string()),
  MetricName: z.optional(z.string()),
  Dimensions: z.optional(
    z.array(z.looseObject({ Name: z.optional(z.string()), Value: z.optional(z.string()) })),
  ),
});

export type MetricAlarm = z.infer<typeof MetricAlarmSchema>;
