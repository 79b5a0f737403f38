import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchAlarmReader } from '../../../shared/aws/service-alarm-reader.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/runtime/errors.js';

const cw = mockClient(CloudWatchClient);
const reader = new CloudWatchAlarmReader(new CloudWatchClient({}));
const ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-cpu-high';

beforeEach(() => {
  cw.reset();
});

describe('CloudWatchAlarmReader', () => {
  it.each([
    ['GreaterThanOrEqualToThreshold', 'greater'],
    ['LessThanThreshold', 'less'],
    ['LessThanLowerOrGreaterThanUpperThreshold', undefined],
  ])('reads %s as %s with one DescribeAlarms', async (op, side) => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'a', ComparisonOperator: op as never }],
    });
    expect(await reader.comparison('a')).toBe(side);
    expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
      AlarmNames: ['a'],
      AlarmTypes: ['MetricAlarm'],
    });
  });

  it('answers undefined for an alarm that no longer exists', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    expect(await reader.comparison('gone')).toBeUndefined();
  });

  it('reads the alarm tags as a record', async () => {
    cw.on(ListTagsForResourceCommand).resolves({
      Tags: [
        { Key: 'ecs-autoscaler:cluster', Value: 'web' },
        { Key: 'ecs-autoscaler:service', Value: 'api' },
      ],
    });
    expect(await reader.tags(ARN)).toEqual({
      'ecs-autoscaler:cluster': 'web',
      'ecs-autoscaler:service': 'api',
    });
    expect(cw).toHaveReceivedCommandWith(ListTagsForResourceCommand, { ResourceARN: ARN });
  });

  it.each([
    ['AccessDenied', 403, AwsRejectedError, 'grant cloudwatch:ListTagsForResource'],
    ['Throttling', 400, TransientAwsError, 'retry later'],
  ])('translates %s', async (name, status, type, message) => {
    cw.on(ListTagsForResourceCommand).rejects(
      new CloudWatchServiceException({
        name,
        $fault: status >= 500 ? 'server' : 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      }),
    );
    const call = reader.tags(ARN);
    await expect(call).rejects.toBeInstanceOf(type);
    await expect(call).rejects.toThrow(message);
  });
});

describe('CloudWatchAlarmReader.inAlarm', () => {
  it('lists every page of metric alarms in ALARM', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'a' }], NextToken: 't2' })
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'b' }] });
    expect((await reader.inAlarm()).map((a) => a.AlarmName)).toEqual(['a', 'b']);
    expect(cw).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 2, {
      StateValue: 'ALARM',
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
      NextToken: 't2',
    });
  });
});
