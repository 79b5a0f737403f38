/** The report's live read of service alarms: one paginated listing, into the snapshot, read-only. */
import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readReportInputs, readSnapshotAlarms } from '../../../shared/aws/report-inputs.js';
import type { ServiceAlarmLister } from '../../../shared/aws/service-alarm-reader.js';
import { clearTaskDefinitionCache } from '../../../shared/aws/snapshot-reader.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import { buildReport } from '../../../shared/core/report/report.js';
import { buildSnapshot } from '../service/builders.js';
import { mockAccount } from './reader-fixture.js';

const NOW = new Date('2026-11-22T10:00:00Z');

/** `n` alarms; every 10th names service svc-1 of `demo`, the rest another cluster. */
const alarms = (n: number): MetricAlarm[] =>
  Array.from({ length: n }, (_, i) => ({
    AlarmName: `alarm-${String(i).padStart(3, '0')}`,
    StateValue: i === 0 ? 'ALARM' : 'OK',
    StateUpdatedTimestamp: new Date('2026-11-22T09:58:00Z'),
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 70,
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    Dimensions: [
      { Name: 'ClusterName', Value: i % 10 === 0 ? 'demo' : 'other' },
      { Name: 'ServiceName', Value: 'svc-1' },
    ],
  }));

let account: ReturnType<typeof mockAccount> | undefined;
beforeEach(() => clearTaskDefinitionCache());
afterEach(() => {
  account?.restore();
  account = undefined;
});

describe('readReportInputs: service alarms', () => {
  it('lists the alarms once, 100 per page, puts the cluster’s in its snapshot, and writes nothing', async () => {
    account = mockAccount({ cluster: 'demo', instances: 3, services: 2, alarms: alarms(250) });

    const [input] = await readReportInputs(['demo'], { clients: account.clients });

    expect(account.count('DescribeAlarms')).toBe(3);
    expect(account.mocks.cw).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 3, {
      AlarmTypes: ['MetricAlarm'],
      MaxRecords: 100,
      NextToken: '200',
    });
    const names = input!.snapshot.alarms!.map((a) => a.AlarmName);
    expect(names).toHaveLength(25);
    expect(names[0]).toBe('alarm-000');
    // Stored as in a snapshot file: dates as ISO strings.
    expect(input!.snapshot.alarms![0]!.StateUpdatedTimestamp).toBe('2026-11-22T09:58:00.000Z');
    expect(account.calls.filter((c) => !/^(Describe|List)/.test(c))).toEqual([]);

    const rows = buildReport([input!], NOW).clusters[0]!.serviceAlarms;
    expect(rows).toHaveLength(25);
    // svc-1 does not opt in: a skip row that says how to.
    expect(rows[0]).toMatchObject({ alarm: 'alarm-000', service: 'svc-1', state: 'ALARM', action: 'skip' });
    expect(rows[0]!.reasons.join('\n')).toMatch(/ecs-autoscaler:service-scaling=enabled/);
  });

  it('makes one DescribeAlarms call and stores no alarm when the account has none', async () => {
    account = mockAccount({ cluster: 'demo', instances: 1, services: 1 });
    const [input] = await readReportInputs(['demo'], { clients: account.clients });
    expect(account.count('DescribeAlarms')).toBe(1);
    expect(input!.snapshot.alarms).toEqual([]);
    expect(buildReport([input!], NOW).clusters[0]!.serviceAlarms).toEqual([]);
  });
});

describe('readSnapshotAlarms', () => {
  const lister = (error: Error): ServiceAlarmLister => ({ serviceAlarms: () => Promise.reject(error) });

  it('keeps the capacity report when DescribeAlarms is denied, with a finding naming the permission', async () => {
    const snapshot = buildSnapshot({ freeCpu: [1024], tasks: 2 });
    const denied = new AwsRejectedError(
      'access denied calling cloudwatch:DescribeAlarms: grant cloudwatch:DescribeAlarms to the role',
      'AccessDenied',
    );
    await readSnapshotAlarms([snapshot], lister(denied));
    expect(snapshot.alarms).toBeUndefined();
    const c = buildReport([{ snapshot }], NOW).clusters[0]!;
    expect(c.serviceAlarms).toEqual([]);
    expect(c.findings.join('\n')).toMatch(
      /could not describe CloudWatch metric alarms: ALARMS_UNREADABLE \(.*grant cloudwatch:DescribeAlarms/,
    );
  });

  it('rethrows throttling so the caller retries', async () => {
    const snapshot = buildSnapshot({ freeCpu: [1024], tasks: 2 });
    await expect(
      readSnapshotAlarms([snapshot], lister(new TransientAwsError('throttled; retry later'))),
    ).rejects.toBeInstanceOf(TransientAwsError);
  });
});
