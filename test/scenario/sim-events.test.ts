/**
 * Simulated CloudWatch and EventBridge: alarms evaluated over periods/datapoints on PutMetricData and
 * EMF metrics, state-change events delivered by pattern, scheduled ticks, event faults, and functions
 * loaded from a serverless.yml.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, MetricUnit } from '../../shared/runtime/metrics.js';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim;
const cw = new CloudWatchClient({});
type AlarmEvent = {
  detail: {
    alarmName: string;
    state: { value: string; reasonData: string };
    previousState: { value: string };
  };
};

beforeEach(() => {
  sim = createSim({ seed: 5 });
  sim.install();
});
afterEach(() => sim.dispose());

const collect = (patterns: Array<Record<string, unknown>>) => {
  const got: AlarmEvent[] = [];
  sim.register({ name: 'sink', patterns, handler: (e: never) => void got.push(e as AlarmEvent) });
  return got;
};

describe('sim CloudWatch and events', () => {
  it('goes to ALARM after DatapointsToAlarm breaching periods and back to OK, emitting each change', async () => {
    const got = collect([
      {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'high-' }] },
      },
    ]);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'high-cpu',
        Namespace: 'App',
        MetricName: 'Load',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const series = [10, 80, 90, 95, 20, 10, 10, 10];
    for (const v of series) {
      await cw.send(
        new PutMetricDataCommand({ Namespace: 'App', MetricData: [{ MetricName: 'Load', Value: v }] }),
      );
      await sim.runFor(60);
    }
    expect(got.map((e) => `${e.detail.previousState.value}->${e.detail.state.value}`)).toEqual([
      'INSUFFICIENT_DATA->OK',
      'OK->ALARM',
      'ALARM->OK',
    ]);
    const data = JSON.parse(got[1]!.detail.state.reasonData) as {
      recentDatapoints: number[];
      threshold: number;
    };
    expect(data.threshold).toBe(50);
  });

  it('feeds EMF metrics published by handler code to alarms', async () => {
    const got = collect([{ source: ['aws.cloudwatch'] }]);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'pending',
        Namespace: 'EcsAutoscaler',
        MetricName: 'PendingTasks',
        // Metrics carry ClusterName only (docs/observability.md): no Powertools `service` dimension.
        Dimensions: [{ Name: 'ClusterName', Value: 'emf-test' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    const metrics = createMetrics('emf-test');
    for (let k = 0; k < 3; k++) {
      metrics.addDimensions({ ClusterName: 'emf-test' });
      metrics.addMetric('PendingTasks', MetricUnit.Count, 7);
      metrics.publishStoredMetrics();
      await sim.runFor(60);
    }
    expect(got.at(-1)?.detail.state.value).toBe('ALARM');
  });

  it('delivers scheduled ticks at the rate and retries failed invocations twice', async () => {
    let calls = 0;
    sim.register({ name: 'ticker', scheduleRateSeconds: 60, handler: () => void calls++ });
    sim.register({
      name: 'broken',
      scheduleRateSeconds: 3600,
      handler: () => {
        throw new Error('boom');
      },
    });
    await sim.runFor(3600 + 200);
    expect(calls).toBe(63);
    expect(sim.invocations.filter((r) => r.fn === 'broken').map((r) => [r.attempt, r.outcome])).toEqual([
      [0, 'error'],
      [1, 'error'],
      [2, 'error'],
    ]);
  });

  it('applies event faults: lost, duplicated and delayed deliveries', async () => {
    const got = collect([{ source: ['test'] }]);
    sim.faults.events({ source: 'test', detailType: 'lost', kind: 'lose' });
    sim.faults.events({ source: 'test', detailType: 'twice', kind: 'duplicate' });
    sim.faults.events({ source: 'test', detailType: 'late', kind: 'delay', delaySeconds: 300 });
    for (const t of ['lost', 'twice', 'late']) sim.putEvent({ source: 'test', 'detail-type': t, detail: {} });
    await sim.runFor(60);
    expect(got.map((e) => (e as unknown as { 'detail-type': string })['detail-type'])).toEqual([
      'twice',
      'twice',
    ]);
    await sim.runFor(300);
    expect(got).toHaveLength(3);
  });

  it('loads functions, patterns, schedules and timeouts from a serverless.yml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-sls-'));
    await writeFile(
      join(dir, 'handler.mjs'),
      'export const handler = async (event) => ({ got: event["detail-type"] });\n',
    );
    await writeFile(
      join(dir, 'serverless.yml'),
      [
        'service: ecs-autoscaler',
        'provider: { name: aws, timeout: 20 }',
        'functions:',
        '  drainer:',
        '    handler: handler.handler',
        '    timeout: 60',
        '    events:',
        '      - eventBridge:',
        '          pattern:',
        '            source: [aws.autoscaling]',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, resolved by the loader.
        '            account: ["${aws:accountId}"]',
        "      - schedule: 'rate(1 minute)'",
        '  report:',
        '    handler: handler.handler',
      ].join('\n'),
    );
    const out = await sim.loadServerless(join(dir, 'serverless.yml'));
    expect(out.loaded).toEqual(['drainer', 'report']);
    const drainer = sim.lambdas.functions.get('drainer')!;
    expect(drainer).toMatchObject({
      timeoutSeconds: 60,
      scheduleRateSeconds: 60,
      patterns: [{ source: ['aws.autoscaling'], account: ['123456789012'] }],
    });
    expect(sim.lambdas.functions.get('report')).toMatchObject({ timeoutSeconds: 20, patterns: [] });
    sim.putEvent({
      source: 'aws.autoscaling',
      'detail-type': 'EC2 Instance-terminate Lifecycle Action',
      detail: {},
    });
    await sim.runFor(61);
    expect(sim.invocationCount('drainer')).toBe(2);
    expect(sim.invocationCount('report')).toBe(0);
  });
});
