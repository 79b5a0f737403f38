/**
 * The cluster scaler's CloudWatch alarms: list (DescribeAlarms by name prefix, 100 per page), put
 * (PutMetricAlarm, create or replace) and delete (DeleteAlarms, up to 100 names per call).
 */
import {
  type CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmSpec, ExistingAlarm } from '../core/cluster/alarm-specs.js';
import { awsCall } from './errors.js';
import { allPages, chunk } from './limit.js';

/** DeleteAlarms takes up to 100 alarm names (API reference). */
export const DELETE_BATCH = 100;

/** The alarm operations the scaler needs. */
export interface AlarmStore {
  /** Every metric alarm whose name starts with `prefix`. */
  list(prefix: string): Promise<ExistingAlarm[]>;
  put(spec: AlarmSpec): Promise<void>;
  delete(names: readonly string[]): Promise<void>;
}

/** {@link AlarmStore} over the CloudWatch API. */
export class CloudWatchAlarmStore implements AlarmStore {
  constructor(private readonly cloudWatch: CloudWatchClient) {}

  list(prefix: string): Promise<ExistingAlarm[]> {
    return allPages(
      (NextToken) =>
        awsCall({ action: 'cloudwatch:DescribeAlarms' }, () =>
          this.cloudWatch.send(
            new DescribeAlarmsCommand({
              AlarmNamePrefix: prefix,
              AlarmTypes: ['MetricAlarm'],
              MaxRecords: 100,
              NextToken,
            }),
          ),
        ),
      (page) => page.MetricAlarms as ExistingAlarm[] | undefined,
    );
  }

  async put(spec: AlarmSpec): Promise<void> {
    await awsCall({ action: 'cloudwatch:PutMetricAlarm' }, () =>
      this.cloudWatch.send(new PutMetricAlarmCommand({ ...spec, ActionsEnabled: true })),
    );
  }

  async delete(names: readonly string[]): Promise<void> {
    for (const batch of chunk(names, DELETE_BATCH)) {
      await awsCall({ action: 'cloudwatch:DeleteAlarms' }, () =>
        this.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: batch })),
      );
    }
  }
}
