import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { buildClusterReport, buildReport } from '../../../shared/core/report/report.js';
import { reportServiceAlarms } from '../../../shared/core/report/service-alarms.js';
import { type MetricAlarm, parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { buildSnapshot, CLUSTER, NOW, SERVICE } from '../service/builders.js';

/** A DescribeAlarms `MetricAlarms[]` item on the service's AWS/ECS CPUUtilization. */
const metricAlarm = (o: {
  name: string;
  state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  op: string;
  threshold: number;
  value: number;
  service?: string;
  cluster?: string;
}): MetricAlarm => ({
  AlarmName: o.name,
  AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${o.name}`,
  StateValue: o.state,
  StateReason: `Threshold Crossed: 1 datapoint [${o.value}] was ${o.op.startsWith('Greater') ? 'greater' : 'less'} than the threshold (${o.threshold}).`,
  StateReasonData: JSON.stringify({ recentDatapoints: [o.value], threshold: o.threshold }),
  StateUpdatedTimestamp: '2024-05-01T09:58:00.000Z',
  ComparisonOperator: o.op,
  Threshold: o.threshold,
  Namespace: 'AWS/ECS',
  MetricName: 'CPUUtilization',
  Dimensions: [
    { Name: 'ClusterName', Value: o.cluster ?? CLUSTER },
    { Name: 'ServiceName', Value: o.service ?? SERVICE },
  ],
  Period: 60,
  Statistic: 'Average',
});

const high = (state: 'ALARM' | 'OK', value = 95) =>
  metricAlarm({ name: 'api-cpu-high', state, op: 'GreaterThanThreshold', threshold: 70, value });
const low = (state: 'ALARM' | 'OK', value = 5) =>
  metricAlarm({ name: 'api-cpu-low', state, op: 'LessThanThreshold', threshold: 20, value });

describe('report serviceAlarms', () => {
  it('previews a scale-out for a high alarm in ALARM, never above the target max', () => {
    // 9 tasks, max 10: a step of +50pct (≥ 5 tasks) would pass the max; the preview stops at 10.
    const s = buildSnapshot({
      freeCpu: [512, 512, 512],
      tasks: 9,
      target: { MinCapacity: 2, MaxCapacity: 10 },
    });
    s.alarms = [high('ALARM')];
    const [row, ...rest] = buildClusterReport(s, DEFAULT_CLUSTER_POLICY, NOW).serviceAlarms;
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      alarm: 'api-cpu-high',
      service: SERVICE,
      state: 'ALARM',
      action: 'scale-out',
      desiredCount: { current: 9, proposed: 10 },
    });
    expect(row!.reasons.join('\n')).toMatch(/within 2\.\.10 \(scalable-target\)/);
    expect(row!.reasons.join('\n')).not.toMatch(/dry run/);
    expect(Object.keys(row!)).toEqual(['alarm', 'service', 'state', 'action', 'desiredCount', 'reasons']);
  });

  it('previews a scale-in for a low alarm in ALARM, never below the target min', () => {
    const s = buildSnapshot({
      freeCpu: [1536, 1536, 1536],
      tasks: 3,
      target: { MinCapacity: 2, MaxCapacity: 10 },
      // A step of 5 tasks from 3 would go to -2: the preview stops at the min.
      tags: { 'ecs-autoscaler:scale-in-step': '-5' },
    });
    s.alarms = [low('ALARM'), high('OK', 10)];
    const rows = buildClusterReport(s, DEFAULT_CLUSTER_POLICY, NOW).serviceAlarms;
    expect(rows.map((r) => [r.alarm, r.state, r.action, r.desiredCount.proposed])).toEqual([
      ['api-cpu-high', 'OK', 'hold', 3],
      ['api-cpu-low', 'ALARM', 'scale-in', 2],
    ]);
    // Already at the min: a low alarm holds rather than go below it.
    const atMin = buildSnapshot({ freeCpu: [1024], tasks: 2, target: { MinCapacity: 2, MaxCapacity: 10 } });
    atMin.alarms = [low('ALARM', 0)];
    const [held] = reportServiceAlarms(atMin, DEFAULT_CLUSTER_POLICY, NOW);
    expect(held).toMatchObject({ action: 'hold', desiredCount: { current: 2, proposed: 2 } });
    expect(held!.reasons.join('\n')).toMatch(/at or below the minimum of 2\.\.10/);
  });

  it('is empty when the snapshot has no alarms', () => {
    const s = buildSnapshot({ freeCpu: [1024], tasks: 2 });
    expect(buildClusterReport(s, DEFAULT_CLUSTER_POLICY, NOW).serviceAlarms).toEqual([]);
    s.alarms = [];
    expect(buildReport([{ snapshot: s }], NOW).clusters[0]!.serviceAlarms).toEqual([]);
  });

  it('gives a skip row for a bad service tag or an unknown service, and plans the other alarms', () => {
    const s = buildSnapshot({
      freeCpu: [2048, 2048],
      tasks: 2,
      tags: { 'ecs-autoscaler:scale-out-step': 'lots' },
    });
    s.alarms = [
      high('ALARM'),
      metricAlarm({
        name: 'gone-cpu-high',
        state: 'ALARM',
        op: 'GreaterThanThreshold',
        threshold: 70,
        value: 90,
        service: 'gone',
      }),
      metricAlarm({
        name: 'other-cluster',
        state: 'ALARM',
        op: 'GreaterThanThreshold',
        threshold: 70,
        value: 90,
        cluster: 'x',
      }),
    ];
    const rows = reportServiceAlarms(s, DEFAULT_CLUSTER_POLICY, NOW);
    expect(rows.map((r) => [r.alarm, r.action])).toEqual([
      ['api-cpu-high', 'skip'],
      ['gone-cpu-high', 'skip'],
    ]);
    expect(rows[0]!.reasons.join('\n')).toMatch(/ecs-autoscaler:scale-out-step/);
    expect(rows[0]!.desiredCount).toEqual({ current: 2, proposed: 2 });
    expect(rows[1]!.reasons.join('\n')).toMatch(/names service 'gone'/);
  });

  it('shows the sample snapshot: web scales out on its CPU alarm within its target, its low alarm holds', () => {
    const sample = parseSnapshot(JSON.parse(readFileSync('events/snapshots/sample-cluster.json', 'utf8')));
    const rows = buildReport([{ snapshot: sample }], new Date('2026-11-22T10:00:05.000Z')).clusters[0]!
      .serviceAlarms;
    expect(rows.map((r) => [r.service, r.state, r.action])).toEqual([
      ['web', 'ALARM', 'scale-out'],
      ['web', 'OK', 'hold'],
    ]);
    const out = rows[0]!;
    expect(out.desiredCount.proposed).toBeGreaterThan(out.desiredCount.current);
    expect(out.desiredCount.proposed).toBeLessThanOrEqual(20);
  });
});
