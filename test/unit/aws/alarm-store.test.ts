import {
  CloudWatchClient,
  CloudWatchServiceException,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchAlarmStore } from '../../../shared/aws/alarm-store.js';
import type { AlarmSpec } from '../../../shared/core/cluster/alarm-specs.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

const cw = mockClient(CloudWatchClient);
const store = new CloudWatchAlarmStore(new CloudWatchClient({}));

const spec: AlarmSpec = {
  AlarmName: 'ecs-autoscaler-cluster-web-capacity-deficit',
  AlarmDescription: 'd',
  Namespace: 'EcsAutoscaler',
  MetricName: 'CapacityDeficitInstances',
  Dimensions: [{ Name: 'ClusterName', Value: 'web' }],
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
};

beforeEach(() => {
  cw.reset();
  cw.on(PutMetricAlarmCommand).resolves({});
  cw.on(DeleteAlarmsCommand).resolves({});
});

describe('CloudWatchAlarmStore', () => {
  it('lists metric alarms by prefix across pages', async () => {
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'a' }], NextToken: 'n1' })
      .resolves({ MetricAlarms: [{ AlarmName: 'b' }] });
    const alarms = await store.list('ecs-autoscaler-cluster-');
    expect(alarms.map((a) => a.AlarmName)).toEqual(['a', 'b']);
    expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 2);
    expect(cw).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 2, {
      AlarmNamePrefix: 'ecs-autoscaler-cluster-',
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
      NextToken: 'n1',
    });
  });

  it('puts the spec as is, actions enabled', async () => {
    await store.put(spec);
    expect(cw).toHaveReceivedCommandWith(PutMetricAlarmCommand, { ...spec, ActionsEnabled: true });
  });

  it('deletes in batches of 100 (DeleteAlarms limit)', async () => {
    const names = Array.from({ length: 230 }, (_, k) => `ecs-autoscaler-cluster-c${k}-capacity-deficit`);
    await store.delete(names);
    const sizes = cw.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames?.length);
    expect(sizes).toEqual([100, 100, 30]);
  });

  it.each([
    ['AccessDenied', 403, AwsRejectedError, /grant cloudwatch:PutMetricAlarm/],
    ['LimitExceeded', 400, AwsRejectedError, /cloudwatch:PutMetricAlarm was rejected \(LimitExceeded\)/],
    ['Throttling', 400, TransientAwsError, /temporarily/],
  ])('translates %s', async (name, status, type, message) => {
    cw.on(PutMetricAlarmCommand).rejects(
      new CloudWatchServiceException({
        name,
        $fault: status >= 500 ? 'server' : 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      }),
    );
    await expect(store.put(spec)).rejects.toBeInstanceOf(type);
    await expect(store.put(spec)).rejects.toThrow(message);
  });
});
