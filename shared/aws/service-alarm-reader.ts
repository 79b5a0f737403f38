/**
 * CloudWatch reads the service scaler makes only when the event is not enough:
 * - DescribeAlarms, once, when the state-change event does not tell a high alarm from a low one (the event
 *   carries no ComparisonOperator; its reason text usually does);
 * - ListTagsForResource, when the alarm's metric has no ClusterName/ServiceName dimensions and the event
 *   has no `alarmTags`: the `ecs-autoscaler:cluster` / `ecs-autoscaler:service` tags name the service;
 * - DescribeAlarms StateValue=ALARM, on the schedule: CloudWatch sends no further event while an alarm
 *   stays in ALARM, so the sweep re-evaluates those alarms (each step then waits its cooldown).
 */
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { type AlarmComparison, comparisonOf, type MetricAlarmLike } from '../core/service-alarm.js';
import { awsCall } from './errors.js';
import { serviceScalerClients } from './service-clients.js';

/** The CloudWatch reads of the service scaler (a narrow port). */
export interface AlarmReader {
  /** The side of a metric alarm's ComparisonOperator; undefined when the alarm is gone or has no side. */
  comparison(alarmName: string): Promise<AlarmComparison | undefined>;
  /** The alarm's tags as a record. */
  tags(alarmArn: string): Promise<Record<string, string>>;
  /** Every metric alarm now in ALARM (the sweep re-evaluates them: no event comes while one stays there). */
  inAlarm(): Promise<MetricAlarmLike[]>;
}

/** {@link AlarmReader} over the CloudWatch API. */
export class CloudWatchAlarmReader implements AlarmReader {
  constructor(private readonly client: CloudWatchClient) {}

  /** @throws AwsRejectedError naming cloudwatch:DescribeAlarms; TransientAwsError on throttling/5xx. */
  async comparison(alarmName: string): Promise<AlarmComparison | undefined> {
    const out = await awsCall({ action: 'cloudwatch:DescribeAlarms' }, () =>
      this.client.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] })),
    );
    return comparisonOf(out.MetricAlarms?.[0]?.ComparisonOperator);
  }

  /** @throws AwsRejectedError naming cloudwatch:ListTagsForResource; TransientAwsError on throttling/5xx. */
  async tags(alarmArn: string): Promise<Record<string, string>> {
    const out = await awsCall({ action: 'cloudwatch:ListTagsForResource' }, () =>
      this.client.send(new ListTagsForResourceCommand({ ResourceARN: alarmArn })),
    );
    const tags: Record<string, string> = {};
    for (const t of out.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
    return tags;
  }

  /** DescribeAlarms StateValue=ALARM, every page of 100 (its maximum). @throws as {@link comparison}. */
  async inAlarm(): Promise<MetricAlarmLike[]> {
    const alarms: MetricAlarmLike[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await awsCall({ action: 'cloudwatch:DescribeAlarms' }, () =>
        this.client.send(
          new DescribeAlarmsCommand({
            StateValue: 'ALARM',
            AlarmTypes: ['MetricAlarm'],
            MaxRecords: 100,
            NextToken: token,
          }),
        ),
      );
      alarms.push(...(page.MetricAlarms ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return alarms;
  }
}

/** The reader over the default client (created once per module). */
export const defaultAlarmReader = (): AlarmReader =>
  new CloudWatchAlarmReader(serviceScalerClients().cloudWatch);
