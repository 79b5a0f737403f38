/**
 * `npx tsx test/faults/hook-timeouts.ts [--seeds N]`
 *
 * The measurement behind the recommended lifecycle-hook heartbeat timeout (docs/reliability.md): for each
 * heartbeat timeout H, long drains (every task takes 10–15 min to stop) under one fault at a time, with
 * the drainer as it deploys (serverless.yml: schedule, patterns, timeout; default adapters with their
 * in-invocation retries). A run is lost when the hook timed out or the instance was terminated with a
 * task still running. Prints one table row per H: lost runs per fault, and heartbeat calls per
 * drain-hour. Seeds place the faults (burst start, lost sweeps) and the task stop times.
 */
import '../../bench/lib/silent-env.js';
import { quietPowertoolsWarnings } from '../../bench/lib/quiet.js';
import { heartbeatProtection } from '../../shared/core/drain/index.js';
import { createSim, type Sim } from '../../sim/index.js';

quietPowertoolsWarnings();

const args = process.argv.slice(2);
const seeds = Number(args[args.indexOf('--seeds') + 1] ?? 10) || 10;

const TIMEOUTS = [120, 180, 240, 300, 450, 600, 900, 1800, 3600] as const;

interface Fault {
  name: string;
  apply: (w: Sim, seed: number) => void;
}

/** A seeded start inside the drain (which begins at 60 s and lasts 10–15 min). */
const startIn = (seed: number, from: number, span: number) => from + ((seed * 7919) % span);

const burst = (seconds: number): Fault => ({
  name: `${seconds} s AS burst`,
  apply: (w, seed) => {
    const from = startIn(seed, 90, 400);
    w.faults.api({
      kind: 'server-error',
      service: 'autoscaling',
      fromSeconds: from,
      untilSeconds: from + seconds,
    });
  },
});

const FAULTS: readonly Fault[] = [
  { name: 'none', apply: () => undefined },
  {
    name: 'one sweep fails',
    apply: (w, seed) => {
      const at = startIn(seed, 120, 480);
      w.faults.api({
        kind: 'throttle',
        command: 'RecordLifecycleActionHeartbeat',
        fromSeconds: at,
        untilSeconds: at + 59,
      });
    },
  },
  {
    name: '2% calls 5xx',
    apply: (w) => void w.faults.api({ kind: 'server-error', probability: 0.02 }),
  },
  burst(120),
  burst(180),
  burst(300),
  {
    name: '20% sweeps lost',
    apply: (w) => void w.faults.events({ kind: 'lose', detailType: 'Scheduled Event', probability: 0.2 }),
  },
];

const runOne = async (heartbeatTimeout: number, fault: Fault, seed: number) => {
  const w = createSim({ seed, settings: { taskExitSeconds: [600, 900] } });
  w.createCluster('prod');
  w.registerTaskDefinition({
    family: 'web',
    containers: [{ cpu: 512, memoryReservation: 1024 }],
    stopTimeout: 900,
  });
  w.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    min: 0,
    max: 10,
    desired: 4,
    instanceTypes: ['m5.large'],
    tags: { 'ecs-autoscaler:cluster': 'prod' },
    terminationHook: { name: 'drain', heartbeatTimeout, defaultResult: 'CONTINUE' },
  });
  w.createService({ cluster: 'prod', name: 'web', taskDefinition: 'web', desiredCount: 8 });
  w.install();
  try {
    await w.loadServerless('serverless.yml', { only: ['instance-drainer'] });
    fault.apply(w, seed);
    w.at(60, async () => {
      const busy = [...w.asg.groups.get('prod-asg')!.instances.values()].find(
        (i) => (i.containerInstance?.tasks.size ?? 0) > 0,
      )!;
      await w.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
        InstanceId: busy.id,
        ShouldDecrementDesiredCapacity: false,
      });
    });
    await w.runFor(1500);
    const lost = w.violations.some(
      (v) => v.kind === 'instance-terminated-with-tasks' || v.kind === 'lifecycle-action-timed-out',
    );
    const completed = w.timeline.actions.find((a) => a.command === 'CompleteLifecycleAction' && !a.error);
    const heartbeats = w.timeline.actions.filter(
      (a) => a.command === 'RecordLifecycleActionHeartbeat',
    ).length;
    const drainHours = ((completed?.t ?? 1500) - 60) / 3600;
    return { lost, heartbeatsPerHour: heartbeats / drainHours };
  } finally {
    w.dispose();
  }
};

const header = ['H (s)', 'tolerated outage (s)', ...FAULTS.map((f) => f.name), 'heartbeats / drain-hour'];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const h of TIMEOUTS) {
  const cells: string[] = [];
  let heartbeats = 0;
  let runs = 0;
  for (const fault of FAULTS) {
    let lost = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const r = await runOne(h, fault, seed);
      if (r.lost) lost++;
      if (fault.name === 'none') {
        heartbeats += r.heartbeatsPerHour;
        runs++;
      }
    }
    cells.push(`${lost}/${seeds}`);
  }
  const tolerated = heartbeatProtection(h, 60).toleratedOutageSeconds;
  console.log(`| ${h} | ${tolerated} | ${cells.join(' | ')} | ${(heartbeats / runs).toFixed(0)} |`);
}
console.log(`\nlost runs (hook timed out or tasks killed) of ${seeds} seeds per cell`);
