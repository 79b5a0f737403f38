/**
 * CloudWatch reads the service scaler makes only when the event is not enough:
 * - DescribeAlarms, once, when the state-change event does not tell a high alarm from a low one (the event
 *   carries no ComparisonOperator; its reason text usually does);
 * - ListTagsForResource, when the alarm's metric has no ClusterName/ServiceName dimensions and the event
 *   has no `alarmTags`: the `ecs-autoscaler:cluster` / `ecs-autoscaler:service` tags name the service;
 * - DescribeAlarms StateValue=ALARM, on the schedule: CloudWatch sends no further event while an alarm
 *   stays in ALARM, so the sweep re-evaluates those alarms (each step then waits its cooldown).
 *
 * And, for the capacity report and `ecs-autoscaler snapshot`, every metric alarm whose dimensions name a
 * service of the clusters asked for ({@link ServiceAlarmLister}).
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  ListTagsForResourceCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { type AlarmComparison, comparisonOf, type MetricAlarmLike } from '../core/service/alarm.js';
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

/** The alarm read of the capacity report (a narrow port). */
export interface ServiceAlarmLister {
  /**
   * Per cluster name, the metric alarms whose `ClusterName` dimension is that cluster and that have a
   * `ServiceName` dimension (any namespace: `AWS/ECS`, Container Insights, … — the rule the service
   * scaler's sweep matches by). Every cluster asked for has an entry (maybe empty).
   */
  serviceAlarms(clusters: readonly string[]): Promise<Map<string, MetricAlarm[]>>;
}

/** {@link AlarmReader} and {@link ServiceAlarmLister} over the CloudWatch API. */
export class CloudWatchAlarmReader implements AlarmReader, ServiceAlarmLister {
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
    return this.metricAlarms({ StateValue: 'ALARM' });
  }

  /**
   * DescribeAlarms (metric alarms, every page of 100), filtered here: the API cannot filter on dimensions,
   * so one listing serves every cluster asked for — ⌈metric alarms in the region / 100⌉ calls in all, and
   * no call per alarm. Alarms that name their service only in tags are not matched (that would cost one
   * ListTagsForResource per alarm). @throws as {@link comparison}.
   */
  async serviceAlarms(clusters: readonly string[]): Promise<Map<string, MetricAlarm[]>> {
    const out = new Map<string, MetricAlarm[]>(clusters.map((c) => [c, []]));
    for (const alarm of await this.metricAlarms({})) {
      const dim = (name: string) => alarm.Dimensions?.find((d) => d.Name === name)?.Value;
      const cluster = dim('ClusterName');
      if (cluster !== undefined && dim('ServiceName')) out.get(cluster)?.push(alarm);
    }
    return out;
  }

  /** Every metric alarm matching `filter`, page by page (MaxRecords 100, the API's maximum). */
  private async metricAlarms(filter: Pick<DescribeAlarmsCommandInput, 'StateValue'>): Promise<MetricAlarm[]> {
    const alarms: MetricAlarm[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await awsCall({ action: 'cloudwatch:DescribeAlarms' }, () =>
        this.client.send(
          new DescribeAlarmsCommand({
            ...filter,
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

const listers = new Map<string, CloudWatchAlarmReader>();

/**
 * The capacity report's alarm lister for a region (default: the SDK's resolution, AWS_REGION / profile),
 * created once per region so warm invocations reuse the client. No endpoint is set (AWS_ENDPOINT_URL).
 */
export const serviceAlarmLister = (region?: string): ServiceAlarmLister => {
  const key = region ?? '';
  let lister = listers.get(key);
  if (!lister) {
    lister = new CloudWatchAlarmReader(new CloudWatchClient(region ? { region } : {}));
    listers.set(key, lister);
  }
  return lister;
};
