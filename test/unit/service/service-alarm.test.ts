import { describe, expect, it } from 'vitest';
import {
  breachOf,
  comparisonOf,
  inferComparison,
  parseReasonData,
  signalFromMetricAlarm,
} from '../../../shared/core/service/alarm.js';
import { alarm } from './builders.js';

describe('comparisonOf', () => {
  it.each([
    ['GreaterThanThreshold', 'greater'],
    ['GreaterThanOrEqualToThreshold', 'greater'],
    ['LessThanThreshold', 'less'],
    ['LessThanOrEqualToThreshold', 'less'],
    ['GreaterThanUpperThreshold', undefined],
    [undefined, undefined],
  ])('%s → %s', (op, side) => {
    expect(comparisonOf(op)).toBe(side);
  });
});

describe('inferComparison', () => {
  const sample =
    'Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).';
  it.each([
    ['ALARM', sample, [99.5], 50, 'greater'],
    [
      'OK',
      'datapoints [0.06 (01/10/19 13:46:00)] was not greater than the threshold (50.0)',
      [0.06],
      50,
      'greater',
    ],
    ['ALARM', 'datapoints [3.0] was less than or equal to the threshold (10.0)', [3], 10, 'less'],
    ['ALARM', undefined, [20], 30, 'less'],
    ['ALARM', undefined, [40], 30, 'greater'],
    ['ALARM', undefined, [30], 30, undefined],
    ['ALARM', undefined, [], 30, undefined],
    ['OK', undefined, [20], 30, undefined],
  ] as const)('%s %j %j vs %s → %s', (state, reason, points, threshold, side) => {
    expect(inferComparison(state, reason, points, threshold)).toBe(side);
  });
});

describe('breachOf', () => {
  it.each([
    [95, 'greater', 70, 25],
    [60, 'greater', 70, 0], // the last datapoint came back: the first step applies
    [20, 'less', 30, 10],
    [35, 'less', 30, 0],
  ] as const)('value %d, %s than %d → %d', (value, comparison, threshold, breach) => {
    expect(breachOf(alarm(value, { comparison, threshold }))).toBe(breach);
  });

  it('uses the most recent datapoint', () => {
    expect(breachOf(alarm(0, { datapoints: [99, 80] }))).toBe(10);
  });

  it('is 0 when the threshold or the side is unknown', () => {
    expect(breachOf(alarm(95, { threshold: undefined }))).toBe(0);
    expect(breachOf(alarm(95, { comparison: undefined }))).toBe(0);
  });
});

describe('parseReasonData', () => {
  it('reads the datapoints and threshold of the documented reasonData string', () => {
    const text =
      '{"version":"1.0","queryDate":"2019-10-02T17:04:40.985+0000","startDate":"2019-10-02T16:59:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[99.50160229693434],"threshold":50.0}';
    expect(parseReasonData(text)).toEqual({ datapoints: [99.50160229693434], threshold: 50 });
  });

  it.each([undefined, '', 'not json', '{"recentDatapoints":"x"}'])('tolerates %j', (text) => {
    expect(parseReasonData(text).datapoints).toEqual([]);
  });
});

describe('signalFromMetricAlarm', () => {
  const metricAlarm = {
    AlarmName: 'api-cpu-low',
    AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-cpu-low',
    StateValue: 'ALARM',
    StateReasonData: '{"recentDatapoints":[12.0],"threshold":30.0}',
    StateUpdatedTimestamp: new Date('2024-05-01T09:00:00.000Z'),
    ComparisonOperator: 'LessThanThreshold',
    Threshold: 30,
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    Dimensions: [
      { Name: 'ClusterName', Value: 'web' },
      { Name: 'ServiceName', Value: 'api' },
    ],
  };

  it('builds a low-alarm signal from DescribeAlarms output', () => {
    expect(signalFromMetricAlarm(metricAlarm)).toEqual({
      alarmName: 'api-cpu-low',
      alarmArn: metricAlarm.AlarmArn,
      state: 'ALARM',
      stateTimestamp: '2024-05-01T09:00:00.000Z',
      cluster: 'web',
      service: 'api',
      metric: { namespace: 'AWS/ECS', name: 'CPUUtilization' },
      comparison: 'less',
      threshold: 30,
      datapoints: [12],
    });
  });

  it('takes the names from the caller when the dimensions do not have them', () => {
    const bare = { ...structuredClone(metricAlarm), Dimensions: [] };
    expect(signalFromMetricAlarm(bare)).toBeUndefined();
    expect(signalFromMetricAlarm(bare, { cluster: 'c', service: 's' })).toMatchObject({
      cluster: 'c',
      service: 's',
    });
  });
});
