import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchAlarmReader } from '../../../shared/aws/service-alarm-reader.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

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

describe('CloudWatchAlarmReader.serviceAlarms', () => {
  const dims = (cluster?: string, service?: string) => [
    ...(cluster ? [{ Name: 'ClusterName', Value: cluster }] : []),
    ...(service ? [{ Name: 'ServiceName', Value: service }] : []),
  ];

  it('lists every page of metric alarms once, 100 per call, and keeps those naming a service per cluster', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: 'demo-web-cpu-high', Namespace: 'AWS/ECS', Dimensions: dims('demo', 'web') },
          { AlarmName: 'demo-reservation', Namespace: 'AWS/ECS', Dimensions: dims('demo') },
          { AlarmName: 'other-api-cpu', Namespace: 'AWS/ECS', Dimensions: dims('other', 'api') },
        ],
        NextToken: 't2',
      })
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: 'demo-web-mem', Namespace: 'ECS/ContainerInsights', Dimensions: dims('demo', 'web') },
          { AlarmName: 'elsewhere', Namespace: 'AWS/ECS', Dimensions: dims('elsewhere', 'x') },
          { AlarmName: 'ec2-cpu', Namespace: 'AWS/EC2', Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }] },
        ],
      });

    const byCluster = await reader.serviceAlarms(['demo', 'other', 'quiet']);

    expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 2);
    expect(cw).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 1, {
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
      NextToken: undefined,
    });
    expect(cw).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 2, {
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
      NextToken: 't2',
    });
    const input = cw.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input;
    expect(input).not.toHaveProperty('StateValue');
    expect(input).not.toHaveProperty('AlarmNames');
    expect(Object.fromEntries([...byCluster].map(([c, a]) => [c, a.map((x) => x.AlarmName)]))).toEqual({
      demo: ['demo-web-cpu-high', 'demo-web-mem'],
      other: ['other-api-cpu'],
      quiet: [],
    });
  });

  it('translates AccessDenied into a message naming cloudwatch:DescribeAlarms', async () => {
    cw.on(DescribeAlarmsCommand).rejects(
      new CloudWatchServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'not authorized',
      }),
    );
    const call = reader.serviceAlarms(['demo']);
    await expect(call).rejects.toBeInstanceOf(AwsRejectedError);
    await expect(call).rejects.toThrow('grant cloudwatch:DescribeAlarms');
  });
});
