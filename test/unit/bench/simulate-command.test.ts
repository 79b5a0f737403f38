import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulateCommand } from '../../../cli/commands/simulate.js';
import type { CliIo } from '../../../cli/io.js';
import { ConfigurationError } from '../../../shared/core/errors.js';

const run = async (args: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const program = new Command('ecs-autoscaler').exitOverride();
  registerSimulateCommand(program, io);
  await program.parseAsync(['node', 'ecs-autoscaler', 'simulate', ...args]);
  return { out: out.join(''), err: err.join('') };
};

describe('ecs-autoscaler simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  const trace = join(dir, 'burst.csv');
  writeFileSync(trace, 't,worker\n0,8\n600,20\n1800,8\n3600,\n');

  it('replays a trace file on the snapshot and prints the figures as JSON', async () => {
    const { out, err } = await run([
      '--snapshot',
      'events/snapshots/sample-cluster.json',
      '--trace',
      trace,
      '--policy',
      'capacity-provider',
      '--json',
      '--out',
      dir,
    ]);
    type Figures = Record<
      'costUnitHours' | 'instanceHours' | 'lowerBoundCostUnitHours' | 'packingReferenceCostUnitHours',
      number
    >;
    const figures = JSON.parse(out) as Record<string, Figures>;
    expect(Object.keys(figures)).toEqual(['capacity-provider']);
    expect(Object.keys(figures['capacity-provider']!).sort()).toEqual([
      'costUnitHours',
      'instanceHours',
      'lowerBoundCostUnitHours',
      'maxTaskWaitSeconds',
      'packingReferenceCostUnitHours',
      'pendingTaskMinutes',
      'reversals',
      'scalingActions',
    ]);
    expect(figures['capacity-provider']!.instanceHours).toBeGreaterThan(0);
    // The sample cluster mixes m5.large (1 cost unit) and m5.xlarge (2): cost lies between the two.
    const f = figures['capacity-provider']!;
    expect(f.costUnitHours).toBeGreaterThan(f.instanceHours);
    expect(f.costUnitHours).toBeLessThan(2 * f.instanceHours);
    expect(f.lowerBoundCostUnitHours).toBeLessThanOrEqual(f.packingReferenceCostUnitHours);
    expect(err).toMatch(/chart: .*\.svg/);
  });

  it('refuses a trace that names a service the cluster does not have', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 't,checkout\n0,3\n60,4\n');
    await expect(run(['--snapshot', 'events/snapshots/sample-cluster.json', '--trace', bad])).rejects.toThrow(
      /checkout .*does not have/,
    );
  });

  it('refuses a snapshot whose service wants more tasks than it replays, before simulating anything', async () => {
    // A corrupted count (a mutation fuzz's 10^12) filled the heap before the first simulated minute.
    const sample = JSON.parse(readFileSync('events/snapshots/sample-cluster.json', 'utf8'));
    sample.services[0].desiredCount = 1e12;
    const file = join(dir, 'huge.json');
    writeFileSync(file, JSON.stringify(sample));
    await expect(
      run(['--snapshot', file, '--trace', 'diurnal', '--policy', 'threshold-alarms', '--out', dir]),
    ).rejects.toThrow(
      new RegExp(
        `service ${sample.services[0].serviceName} of the snapshot wants 1000000000000 tasks; simulate replays at most 100000 per service`,
      ),
    );
  });

  it.each([
    [
      'a task definition with no size',
      // biome-ignore lint/suspicious/noExplicitAny: raw JSON, one field broken.
      (v: any) => {
        const d = v.taskDefinitions.find((t: { memory?: string }) => t.memory === undefined);
        d.containerDefinitions = [];
        return `task definition ${d.taskDefinitionArn} of the snapshot cannot be simulated (task definition '${d.family}' needs task-level memory or containers.): ECS would not have accepted it`;
      },
    ],
    [
      'a container with no memory in a task definition with none either',
      // biome-ignore lint/suspicious/noExplicitAny: raw JSON, one field broken.
      (v: any) => {
        const d = v.taskDefinitions.find((t: { memory?: string }) => t.memory === undefined);
        const c = d.containerDefinitions[0];
        delete c.memory;
        delete c.memoryReservation;
        return `task definition ${d.taskDefinitionArn} of the snapshot cannot be simulated (task definition '${d.family}' container '${c.name}': ECS needs 'memory' or 'memoryReservation' on the container when the task has no task-level memory.)`;
      },
    ],
    [
      'a service whose task definition is missing',
      // biome-ignore lint/suspicious/noExplicitAny: raw JSON, one field broken.
      (v: any) => {
        const s = v.services.find((x: { status: string }) => x.status === 'ACTIVE');
        const arn = s.taskDefinition;
        v.taskDefinitions = v.taskDefinitions.filter(
          (d: { taskDefinitionArn: string }) => d.taskDefinitionArn !== arn,
        );
        return `service ${s.serviceName} of the snapshot cannot be simulated (createService: task definition '${arn}' is not registered.): ECS would not have accepted it; record the snapshot again`;
      },
    ],
  ])(
    'refuses a snapshot with %s, naming it (the simulator refuses it under ECS’s rules)',
    async (_name, breakIt) => {
      const sample = JSON.parse(readFileSync('events/snapshots/sample-cluster.json', 'utf8'));
      const message = breakIt(sample);
      const file = join(dir, 'broken.json');
      writeFileSync(file, JSON.stringify(sample));
      const failure = run([
        '--snapshot',
        file,
        '--trace',
        'diurnal',
        '--policy',
        'threshold-alarms',
        '--out',
        dir,
      ]);
      await expect(failure).rejects.toThrow(ConfigurationError);
      await expect(failure).rejects.toThrow(message);
    },
  );

  it('refuses an unknown policy, naming the known ones', async () => {
    await expect(
      run(['--snapshot', 'events/snapshots/sample-cluster.json', '--trace', trace, '--policy', 'karpenter']),
    ).rejects.toThrow(/ecs-autoscaler, capacity-provider, capacity-provider-tuned, threshold-alarms/);
  });
});
