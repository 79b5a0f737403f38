import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/main.js';
import { clearTaskDefinitionCache } from '../../../shared/aws/snapshot-reader.js';
import type { CapacityReport } from '../../../shared/core/report/report.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { mockAccount } from '../aws/reader-fixture.js';

const SAMPLE = 'events/snapshots/sample-cluster.json';
const ESC = '\u001b[';

const run = async (args: string[], o: { tty?: boolean; clients?: CliIo['clients'] } = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'ecs-autoscaler', ...args], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTTY: o.tty ?? false,
    stderrIsTTY: o.tty ?? false,
    clients: o.clients,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
};

let account: ReturnType<typeof mockAccount>;
beforeEach(() => {
  clearTaskDefinitionCache();
  account = mockAccount({ cluster: 'demo', instances: 150, services: 12 });
});
afterEach(() => account.restore());

describe('ecs-autoscaler report --snapshot', () => {
  it('prints the report JSON with --json', async () => {
    const { code, stdout, stderr } = await run(['report', '--snapshot', SAMPLE, '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as CapacityReport;
    expect(report.dryRun).toBe(true);
    expect(Object.keys(report.clusters[0]!)).toEqual(
      expect.arrayContaining([
        'cluster',
        'autoScalingGroups',
        'instances',
        'largestTask',
        'dimensions',
        'schedulableTasks',
        'instanceDetails',
        'decision',
      ]),
    );
    expect(Object.keys(report.clusters[0]!.dimensions.CPU)).toEqual([
      'registered',
      'reserved',
      'reservationPercent',
      'instanceCapacity',
      'largestTask',
      'thresholdPercent',
    ]);
    expect(report.clusters[0]!.dimensions.CPU.reservationPercent).toBe((100 * 9728) / 12288);
  });

  it('names the group the decision is for when the cluster has several', async () => {
    const { code, stdout } = await run([
      'report',
      '--snapshot',
      'events/snapshots/placement-two-groups.json',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Cluster prod {3}\(Auto Scaling group: prod-m5, prod-c5\)/);
    expect(stdout).toMatch(/Decision: SCALE-OUT {3}desired capacity of prod-c5 1 -> 4/);
    expect(stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });

  it('prints borderless tables with rounded percentages that fit 80 columns', async () => {
    const { code, stdout } = await run(['report', '--snapshot', SAMPLE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/CPU \(CPU units\) .*79\.2%.*50\.0%.*OVER THRESHOLD/);
    expect(stdout).toMatch(/i-0a1b2c3d4e5f60005 .*DRAINING/);
    expect(stdout).toMatch(/Schedulable tasks: 1 more/);
    expect(stdout).toMatch(/Decision: SCALE-OUT {3}desired capacity 5 -> \d+/);
    expect(stdout).not.toMatch(/79\.16666/);
    expect(stdout).not.toMatch(/[│┌└─]/);
    const long = stdout.split('\n').filter((l) => l.length > 80);
    expect(long).toEqual([]);
    expect(stdout).not.toContain(ESC);
  });

  it('shows every column, unwrapped, with --wide', async () => {
    const { code, stdout } = await run(['report', '--snapshot', SAMPLE, '--wide']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Smallest instance +Largest task/);
    expect(stdout).toMatch(/Registered CPU\/MiB/);
    expect(stdout).toMatch(
      /i-0a1b2c3d4e5f60003 +m5\.xlarge +us-east-1a +ACTIVE +yes +7\/0 +256\/6872 +4096\/15576/,
    );
    expect(stdout.split('\n').some((l) => l.length > 80)).toBe(true);
  });

  it('colours a terminal, and never with NO_COLOR', async () => {
    const before = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect((await run(['report', '--snapshot', SAMPLE], { tty: true })).stdout).toContain(`${ESC}31mOVER`);
      process.env.NO_COLOR = '1';
      expect((await run(['report', '--snapshot', SAMPLE], { tty: true })).stdout).not.toContain(ESC);
    } finally {
      if (before === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = before;
    }
  });

  it('marks required options in --help', async () => {
    const { stdout } = await run(['simulate', '--help']);
    expect(stdout).toMatch(/--snapshot <file> +\(required\) /);
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('shows what each service alarm would do after the decision, only when the cluster has alarms', async () => {
    const { code, stdout } = await run(['report', '--snapshot', SAMPLE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Decision: [\s\S]*\nService alarms \(what the service scaler would do if each fired now\):\n {2}demo-web-cpu-high \(service web, ALARM\): SCALE-OUT {3}desired count 6 -> 8\n {4}- /,
    );
    expect(stdout).toMatch(/\n {2}demo-web-cpu-low \(service web, OK\): HOLD {3}desired count 6\n/);
    const dir = mkdtempSync(join(tmpdir(), 'ecsa-'));
    const quiet = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { alarms?: unknown };
    delete quiet.alarms;
    writeFileSync(join(dir, 'quiet.json'), JSON.stringify(quiet));
    const without = await run(['report', '--snapshot', join(dir, 'quiet.json')]);
    expect(without.code).toBe(0);
    expect(without.stdout).toMatch(/Decision: SCALE-OUT/);
    expect(without.stdout).not.toMatch(/Service alarms/);
  });

  it('judges a recorded snapshot at the time it was recorded, not at the wall clock', async () => {
    // A person set one instance DRAINING; the scaler first saw it 10 minutes before the snapshot was taken
    // (its seen-at attribute). Judged then, it is still within the 30-minute grace; judged at today's wall
    // clock the same file said "ownerless for" days and planned to act on it.
    const raw = JSON.parse(readFileSync('events/snapshots/foreign-state-cluster.json', 'utf8'));
    const taken = Date.parse(raw.capturedAt) / 1000;
    const draining = raw.containerInstances.find((c: { status: string }) => c.status === 'DRAINING');
    draining.attributes.push({ name: 'ecs-autoscaler.foreign-drain-seen-at', value: String(taken - 600) });
    const file = join(mkdtempSync(join(tmpdir(), 'recorded-')), 'snap.json');
    writeFileSync(file, JSON.stringify(raw));
    const text = await run(['report', '--snapshot', file, '--wide']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Snapshot recorded ${raw.capturedAt}; judged as of then`);
    expect(text.stdout).toContain(
      `${draining.ec2InstanceId} is DRAINING but not by the scaler (seen 10 min ago): no capacity, not a blocker; terminated once empty after 30 min`,
    );
    expect(text.stdout).not.toContain('ownerless');
    const json = JSON.parse((await run(['report', '--snapshot', file, '--json'])).stdout) as CapacityReport;
    expect(json.clusters[0]!.recordedAt).toBe(raw.capturedAt);
    expect(Date.parse(json.generatedAt)).toBeGreaterThan(Date.parse(raw.capturedAt));
  });

  it('exits 2 with one line naming the bad field of a snapshot file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsa-'));
    const bad = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { containerInstances: { status?: unknown }[] };
    bad.containerInstances[2]!.status = 42;
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    const { code, stdout, stderr } = await run(['report', '--snapshot', join(dir, 'bad.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/bad\.json: field 'containerInstances\[2\]\.status' is invalid/);
  });

  it('exits 2 for a missing file and for a file that is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecsa-'));
    writeFileSync(join(dir, 'x.json'), '{ nope');
    expect(await run(['report', '--snapshot', join(dir, 'missing.json')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/missing\.json not found; record one with/),
    });
    expect(await run(['report', '--snapshot', join(dir, 'x.json')])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/x\.json is not valid JSON/),
    });
  });
});

describe('ecs-autoscaler report --cluster', () => {
  it('exits 2 with one line for an unknown cluster', async () => {
    const { code, stderr } = await run(['report', '--cluster', 'ghost'], { clients: account.clients });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'ecs-autoscaler: cluster ghost not found in region us-east-1; check --cluster and AWS_REGION\n',
    );
  });

  it('exits 2 when there are no credentials', async () => {
    account.mocks.ecs.on(DescribeClustersCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const { code, stderr } = await run(['report', '--cluster', 'demo'], { clients: account.clients });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^ecs-autoscaler: no AWS credentials found: set AWS_PROFILE/);
  });

  it('reads live, sends zero mutating commands, and shows progress on stderr only on a terminal', async () => {
    const tty = await run(['report', '--cluster', 'demo', '--json'], { tty: true, clients: account.clients });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/demo: instances read 100\/150/);
    expect(tty.stderr).toMatch(/demo: instances read 150\/150/);
    expect((JSON.parse(tty.stdout) as CapacityReport).clusters[0]!.instances.total).toBe(150);
    expect(account.sent()).toContain('DescribeContainerInstances');
    expect(account.sent().filter((c) => !/^(Describe|List)/.test(c))).toEqual([]);
    const piped = await run(['report', '--cluster', 'demo', '--json'], { clients: account.clients });
    expect(piped.stderr).toBe('');
  });
});

describe('ecs-autoscaler report on a large cluster', () => {
  it('summarises per instance type and lists only abnormal instances; --instances lists all', async () => {
    // The sample's first instance 150 times, one of them DRAINING: the group's five members keep their
    // EC2 ids (registered, as in the sample), 145 more outside the group get fresh ones.
    const big = JSON.parse(readFileSync(SAMPLE, 'utf8')) as {
      containerInstances: { containerInstanceArn: string; ec2InstanceId: string; status: string }[];
    };
    const first = big.containerInstances[0]!;
    const members = big.containerInstances.map((ci) => ci.ec2InstanceId);
    big.containerInstances = Array.from({ length: 150 }, (_, k) => ({
      ...structuredClone(first),
      containerInstanceArn: `${first.containerInstanceArn}-${k}`,
      ec2InstanceId: members[k] ?? `i-${String(k).padStart(17, '0')}`,
    }));
    big.containerInstances[7]!.status = 'DRAINING';
    const file = join(mkdtempSync(join(tmpdir(), 'ecsa-')), 'big.json');
    writeFileSync(file, JSON.stringify(big));
    const summary = await run(['report', '--snapshot', file]);
    expect(summary.code).toBe(0);
    const drained = big.containerInstances[7]!.ec2InstanceId;
    expect(summary.stdout).toMatch(/Type +Instances +Capacity +Tasks +Free CPU +Free MiB/);
    expect(summary.stdout).toMatch(/Instances to look at \(1\):/);
    expect(summary.stdout).toContain(drained);
    expect(summary.stdout).toMatch(/149 healthy instances not listed \(--instances lists all\)/);
    expect(summary.stdout.split('\n').length).toBeLessThan(60);
    expect(summary.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const all = await run(['report', '--snapshot', file, '--instances']);
    expect(all.stdout.split('\n').filter((l) => /^ {2}i-/.test(l))).toHaveLength(150);
  });
});

describe('ecs-autoscaler snapshot', () => {
  it('records a snapshot that report --snapshot replays', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecsa-')), 'demo.json');
    const recorded = await run(['snapshot', '--cluster', 'demo', '--out', file], {
      clients: account.clients,
    });
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toMatch(/wrote .*demo\.json: cluster demo, 150 instances, 12 services/);
    expect(parseSnapshot(JSON.parse(readFileSync(file, 'utf8'))).containerInstances).toHaveLength(150);
    const replay = await run(['report', '--snapshot', file, '--json']);
    expect((JSON.parse(replay.stdout) as CapacityReport).clusters[0]!.cluster).toBe('demo');
  });

  it('records the service alarms of the cluster, and the replay shows them', async () => {
    account.restore();
    account = mockAccount({
      cluster: 'demo',
      instances: 3,
      services: 2,
      alarms: [
        {
          AlarmName: 'demo-svc-1-cpu-high',
          StateValue: 'ALARM',
          StateUpdatedTimestamp: new Date('2026-11-22T09:58:00Z'),
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 70,
          Namespace: 'AWS/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [
            { Name: 'ClusterName', Value: 'demo' },
            { Name: 'ServiceName', Value: 'svc-1' },
          ],
        },
      ],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'ecsa-')), 'demo.json');
    const recorded = await run(['snapshot', '--cluster', 'demo', '--out', file], {
      clients: account.clients,
    });
    expect(recorded.stderr).toMatch(/3 instances, 2 services, 1 service alarms/);
    expect(account.count('DescribeAlarms')).toBe(1);
    const saved = parseSnapshot(JSON.parse(readFileSync(file, 'utf8')));
    expect(saved.alarms).toMatchObject([
      { AlarmName: 'demo-svc-1-cpu-high', StateUpdatedTimestamp: '2026-11-22T09:58:00.000Z' },
    ]);
    const replay = await run(['report', '--snapshot', file]);
    expect(replay.stdout).toMatch(/demo-svc-1-cpu-high \(service svc-1, ALARM\): SKIP/);
  });

  it('requires --cluster (exit 2)', async () => {
    const { code, stderr } = await run(['snapshot']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/required option '--cluster <name>'/);
  });
});

describe('npm start', () => {
  it('prints the sample report within 80 columns', async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec('npm', ['start', '--silent'], {
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
    });
    expect(stdout).toMatch(/Cluster demo/);
    expect(stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});
