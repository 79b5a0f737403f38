/**
 * The function bundles' stand-in for `@aws-sdk/client-cloudwatch` (aliased by scripts/build.mjs for the
 * Lambda bundles only): the alarms the scalers keep (alarm-store.ts, service-alarm-reader.ts) take
 * DescribeAlarms, PutMetricAlarm, DeleteAlarms and ListTagsForResource. AWS JSON 1.0,
 * `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, signing name `monitoring`, Query-compatible
 * errors (`x-amzn-query-mode: true`), `AWS_ENDPOINT_URL_CLOUDWATCH`; the alarms' timestamps become Dates.
 * Protocol, signing, errors and retries: json-client.ts.
 */
import type {
  DeleteAlarmsCommandInput,
  DeleteAlarmsCommandOutput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
  PutMetricAlarmCommandInput,
  PutMetricAlarmCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { type JsonClientConfig, JsonCommand, JsonServiceClient } from './json-client.js';

export class DescribeAlarmsCommand extends JsonCommand<
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput
> {
  readonly operation = 'DescribeAlarms';
}
export class PutMetricAlarmCommand extends JsonCommand<
  PutMetricAlarmCommandInput,
  PutMetricAlarmCommandOutput
> {
  readonly operation = 'PutMetricAlarm';
}
export class DeleteAlarmsCommand extends JsonCommand<DeleteAlarmsCommandInput, DeleteAlarmsCommandOutput> {
  readonly operation = 'DeleteAlarms';
}
export class ListTagsForResourceCommand extends JsonCommand<
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput
> {
  readonly operation = 'ListTagsForResource';
}

export class CloudWatchClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'monitoring',
        endpointPrefix: 'monitoring',
        envSuffix: 'CLOUDWATCH',
        target: 'GraniteServiceVersion20100801',
        jsonVersion: '1.0',
        queryCompatible: true,
        timestamps: [
          'AlarmConfigurationUpdatedTimestamp',
          'StateUpdatedTimestamp',
          'StateTransitionedTimestamp',
        ],
      },
      config,
    );
  }
}
