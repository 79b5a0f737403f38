/**
 * `npm run bench:account` — one deployment for a big account (issue 19): 500 clusters, 20,000 instances,
 * 400,000 tasks, a busy batch workload. Prints the new design (dispatcher → SQS FIFO → cluster scaler; the
 * drainer on container-instance changes of DRAINING hosts) beside the former one (one concurrency-1 tick
 * walking every cluster; the drainer on every task stop of the account). Never asserts on time.
 *
 * How it is computed (a full 500-cluster simulation would take hours, so two steps):
 * 1. Measured on the simulator, real handlers routed from serverless.yml, `--sampled` clusters of the
 *    target shape (40 instances, 800 tasks: 4 services × 80 tasks + 480 standalone batch jobs of 5–15
 *    minutes that are replaced as they finish), for `--minutes` of virtual time, `--seeds` seeds: each
 *    API call costs `API_LATENCY_MS` of virtual time. One instance per cluster is set DRAINING every
 *    `DRAIN_EVERY_S` (a scale-in); its batch jobs run to their end there. Measured: API calls and virtual
 *    duration per cluster decision (by ECS throttling bucket), the dispatcher's calls, task stops per hour,
 *    task stops on DRAINING instances per hour (a probe function on the former rule reads the instance's
 *    status when each stop is delivered), drainer invocations per hour under the deployed rules, and the
 *    events the former "ECS Task State Change" rule would have added.
 * 2. Scaled to the account analytically: per-cluster rates × 500 / sampled. The dispatcher's tick pacing
 *    (tick-pacing.ts) is computed for the account exactly as the dispatcher does it: period k, and the
 *    clusters of the busiest minute (`clustersPerTick`, from the stable hash of the 500 names); step 1 runs
 *    the sampled clusters with `TICK_PERIOD_MINUTES` = k, so each is decided as often as in the account;
 *    busy clusters (an alarm in ALARM: ticked every minute) are counted at the share the dispatcher
 *    reports on the samples.
 *    The slowest cluster's decision latency after its tick is the larger of (a) the concurrency bound:
 *    dispatch time + ⌈clustersPerTick / (maximumConcurrency × batchSize)⌉ waves × batchSize × decision
 *    time, and (b) the throttling bound: for each ECS bucket (ecs-facts §7.2), (calls of one minute's
 *    ticks − burst) / (refill − the drainer's calls) per second; plus the poll delay. The former design
 *    walks clusters one after another in one 60-second invocation: clusters beyond what fits in 60 s are
 *    never decided (each tick starts again from the first).
 *
 * Flags: `--json`, `--sampled N` (default 3), `--minutes M` (default 30), `--seeds S` (default 3).
 */
import './lib/silent-env.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { clearInstanceTaskCache } from '../shared/aws/task-reader.js';
import { TICK_READ_SHARE, tickPeriodMinutes, tickSlot } from '../shared/core/cluster/index.js';
import { createSim, type Sim } from '../sim/index.js';
import { quietPowertoolsWarnings } from './lib/quiet.js';
import { recordInvocations } from './lib/sim-api-calls.js';

quietPowertoolsWarnings();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const JSON_OUT = args.includes('--json');
/** Sampled clusters, virtual minutes, seeds (set by {@link accountFigures}). */
let SAMPLED = 3;
let MINUTES = 30;
let SEEDS = 3;

/** The target account. */
const CLUSTERS = 500;
const INSTANCES_PER_CLUSTER = 40;
const SERVICES = 4;
const SERVICE_TASKS = 80;
const BATCH_TASKS = 480;
/** Virtual time per API call (a Describe in the same Region typically answers in 30–100 ms). */
const API_LATENCY_MS = 60;
const DRAIN_EVERY_S = 600;
const POLL_DELAY_S = 0.2;

/** ECS throttling buckets (burst, refill per second), ecs-facts §7.2. */
const BUCKETS: Record<string, { burst: number; refill: number; commands: string[] }> = {
  'ecs cluster resource reads': {
    burst: 100,
    refill: 20,
    commands: [
      'DescribeContainerInstances',
      'DescribeTasks',
      'ListAttributes',
      'ListContainerInstances',
      'ListTasks',
    ],
  },
  'ecs service reads': { burst: 100, refill: 20, commands: ['DescribeServices', 'ListServices'] },
  'ecs cluster reads': { burst: 50, refill: 20, commands: ['DescribeClusters'] },
};
const bucketOf = (key: string): string | undefined => {
  const [service, command] = key.split(':');
  if (service !== 'ecs') return undefined;
  return Object.entries(BUCKETS).find(([, b]) => b.commands.includes(command!))?.[0];
};

interface Deploy {
  timeout: Record<string, number>;
  batchSize: number;
  maximumConcurrency: number;
}
const readDeploy = (): Deploy => {
  const doc = parse(readFileSync('serverless.yml', 'utf8')) as {
    functions: Record<
      string,
      { timeout?: number; events?: { sqs?: { batchSize?: number; maximumConcurrency?: number } }[] }
    >;
  };
  const sqs = doc.functions['cluster-scaler']?.events?.find((e) => e.sqs)?.sqs ?? {};
  return {
    timeout: Object.fromEntries(Object.entries(doc.functions).map(([k, v]) => [k, Number(v.timeout ?? 6)])),
    batchSize: sqs.batchSize ?? 10,
    maximumConcurrency: sqs.maximumConcurrency ?? 1000,
  };
};

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length ? sum(xs) / xs.length : 0);
const total = (c: Record<string, number>): number => sum(Object.values(c));

/** What one seeded run of the sampled clusters measured. */
interface Sample {
  hours: number;
  taskStops: number;
  taskStopsOnDraining: number;
  drainerInvocations: number;
  drainerMaxDurationMs: number;
  drainerCalls: number;
  /** The drainer's calls by `service:Command` over the run. */
  drainerByCommand: Record<string, number>;
  /** Sweeps: held instances looked at per sweep, calls and virtual ms per sweep. */
  sweeps: { held: number; calls: number; ms: number }[];
  /** Requests decided by the worker, their calls by command, and the worker's invocation durations. */
  decisions: number;
  decisionCalls: Record<string, number>;
  decisionMs: number[];
  /** Requests by outcome status (ok, rejected, …): a decision that failed half-way reads less. */
  statuses: Record<string, number>;
  dispatcherCalls: number[];
  /** Over the dispatcher's ticks: managed clusters summed, and those busy (an alarm in ALARM). */
  clusterTicks: number;
  busyTicks: number;
  /** The former design: one direct tick walking the sampled clusters (calls, virtual ms). */
  oldTick: { calls: number; ms: number; detail: Record<string, number> };
}

const buildWorld = (seed: number): Sim => {
  const sim = createSim({ seed, apiLatencyMs: API_LATENCY_MS, sampleSeconds: 3600 });
  sim.registerTaskDefinition({ family: 'svc', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  sim.registerTaskDefinition({ family: 'job', containers: [{ cpu: 256, memoryReservation: 512 }] });
  for (let c = 1; c <= SAMPLED; c++) {
    const cluster = `batch-${c}`;
    sim.createCluster(cluster);
    sim.createAutoScalingGroup({
      name: `${cluster}-asg`,
      cluster,
      min: INSTANCES_PER_CLUSTER / 2,
      max: INSTANCES_PER_CLUSTER * 2,
      desired: INSTANCES_PER_CLUSTER,
      instanceTypes: ['m5.2xlarge'],
      tags: { 'ecs-autoscaler:cluster': cluster },
      terminationHook: { name: 'ecs-autoscaler-drain', heartbeatTimeout: 900, defaultResult: 'CONTINUE' },
    });
    for (let s = 0; s < SERVICES; s++) {
      sim.createService({ cluster, name: `svc-${s}`, taskDefinition: 'svc', desiredCount: SERVICE_TASKS });
    }
  }
  return sim;
};

const runSample = async (seed: number, periodMinutes: number): Promise<Sample> => {
  // Each seed starts cold: the cluster scaler's task-list cache (issue 19) is module state, and the
  // simulator's ARNs repeat from one seed to the next.
  clearInstanceTaskCache();
  const sim = buildWorld(seed);
  const log = recordInvocations(sim);
  sim.install();
  const rng = (() => {
    let x = seed * 2654435761;
    return () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
  })();
  const out = { taskStops: 0, taskStopsOnDraining: 0 };
  // The account's tick period (issue 19): the dispatcher, which sees only the sampled clusters here, is
  // told the period it computes for the whole account, so each sampled cluster is decided as often as
  // in the account (every k minutes, in the minute its name's hash picks).
  const savedPeriod = process.env.TICK_PERIOD_MINUTES;
  process.env.TICK_PERIOD_MINUTES = String(periodMinutes);
  try {
    await sim.loadServerless('serverless.yml', {
      only: ['cluster-dispatcher', 'cluster-scaler', 'instance-drainer'],
    });
    // The former drainer rule, as a probe: counts the stops it would deliver and where they happened.
    sim.register({
      name: 'probe-task-stops',
      patterns: [
        {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: { lastStatus: ['STOPPED'], containerInstanceArn: [{ exists: true }] },
        },
      ],
      retryAttempts: 0,
      handler: ((event: { detail: { clusterArn: string; containerInstanceArn: string } }) => {
        out.taskStops++;
        const cluster = sim.ecs.cluster(event.detail.clusterArn.split('/').pop()!);
        const ci = [...(cluster?.instances.values() ?? [])].find(
          (i) => i.arn === event.detail.containerInstanceArn,
        );
        if (ci?.status === 'DRAINING') out.taskStopsOnDraining++;
        return undefined;
      }) as never,
    });
    // The former design's tick, once, before time runs on: one invocation walking every sampled cluster.
    const before = log.length;
    const oldTick = await sim.invoke('cluster-scaler', {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
    });
    const oldCalls = log.slice(before).find((e) => e.fn === 'cluster-scaler')?.calls ?? {};
    // Batch jobs: keep BATCH_TASKS running per cluster, each stopped after 5–15 minutes.
    const jobs = new Map<string, { cluster: string; endAt: number }>();
    const refill = async () => {
      const now = sim.elapsedSeconds;
      for (const [arn, j] of jobs) {
        if (j.endAt > now) continue;
        jobs.delete(arn);
        await sim.call('ecs', 'StopTask', { cluster: j.cluster, task: arn, reason: 'job done' });
      }
      for (let c = 1; c <= SAMPLED; c++) {
        const cluster = `batch-${c}`;
        let running = [...jobs.values()].filter((j) => j.cluster === cluster).length;
        while (running < BATCH_TASKS) {
          const n = Math.min(10, BATCH_TASKS - running);
          const r = sim.runTask(cluster, 'job', n, { startedBy: 'batch' });
          for (const t of r.tasks) jobs.set(t.arn, { cluster, endAt: now + 300 + rng() * 600 });
          running += n;
          if (r.tasks.length === 0) break;
        }
      }
    };
    await refill();
    const end = MINUTES * 60;
    for (let t = 30; t <= end; t += 30) {
      sim.at(t, refill);
      if (t % DRAIN_EVERY_S === 0) {
        // A scale-in of each cluster: desired − 1; the group's terminate hook holds the instance the
        // group picks, the drainer drains it (its batch jobs run to their end) and completes the hook.
        sim.at(t, async () => {
          for (let c = 1; c <= SAMPLED; c++) {
            const group = sim.asg.groups.get(`batch-${c}-asg`)!;
            await sim.call('autoscaling', 'SetDesiredCapacity', {
              AutoScalingGroupName: group.name,
              DesiredCapacity: group.desired - 1,
              HonorCooldown: false,
            });
          }
        });
      }
    }
    await sim.runFor(end);
    const inv = sim.invocations.filter((r) => r.t > 0);
    const drainer = inv.filter((r) => r.fn === 'instance-drainer');
    const workers = inv.filter((r) => r.fn === 'cluster-scaler' && r.trigger === 'SQS');
    const decisions = workers.flatMap(
      (r) => (r.result as { requests?: unknown[] } | undefined)?.requests ?? [],
    );
    const statuses: Record<string, number> = {};
    for (const d of decisions as { status: string }[]) statuses[d.status] = (statuses[d.status] ?? 0) + 1;
    const decisionCalls: Record<string, number> = {};
    for (const e of log.filter((x) => x.fn === 'cluster-scaler').slice(1)) {
      for (const [k, v] of Object.entries(e.calls)) decisionCalls[k] = (decisionCalls[k] ?? 0) + v;
    }
    return {
      hours: end / 3600,
      taskStops: out.taskStops,
      taskStopsOnDraining: out.taskStopsOnDraining,
      drainerInvocations: drainer.length,
      drainerMaxDurationMs: Math.max(0, ...drainer.map((r) => r.durationMs)),
      drainerCalls: sum(drainer.map((r) => r.apiCalls)),
      drainerByCommand: log
        .filter((x) => x.fn === 'instance-drainer')
        .reduce<Record<string, number>>((acc, x) => {
          for (const [k, v] of Object.entries(x.calls)) acc[k] = (acc[k] ?? 0) + v;
          return acc;
        }, {}),
      sweeps: drainer
        .filter((r) => r.trigger === 'Scheduled Event')
        .map((r) => ({
          held: ((r.result as { plans?: unknown[] } | undefined)?.plans ?? []).length,
          calls: r.apiCalls,
          ms: r.durationMs,
        })),
      decisions: decisions.length,
      decisionCalls,
      decisionMs: workers.map(
        (r) => r.durationMs / Math.max(1, ((r.result as { requests?: unknown[] }).requests ?? []).length),
      ),
      statuses,
      dispatcherCalls: inv.filter((r) => r.fn === 'cluster-dispatcher').map((r) => r.apiCalls),
      ...(() => {
        const ticks = inv
          .filter((r) => r.fn === 'cluster-dispatcher')
          .map((r) => r.result as { trigger?: string; clusters?: number; busy?: number } | undefined)
          .filter((r) => r?.trigger === 'tick');
        return {
          clusterTicks: sum(ticks.map((r) => r?.clusters ?? 0)),
          busyTicks: sum(ticks.map((r) => r?.busy ?? 0)),
        };
      })(),
      oldTick: { calls: oldTick.apiCalls, ms: oldTick.durationMs, detail: oldCalls },
    };
  } finally {
    sim.dispose();
    if (savedPeriod === undefined) delete process.env.TICK_PERIOD_MINUTES;
    else process.env.TICK_PERIOD_MINUTES = savedPeriod;
  }
};

const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

/** Options of {@link accountFigures} (the command line's `--sampled`, `--minutes`, `--seeds`). */
export interface AccountBenchOptions {
  sampled?: number;
  minutes?: number;
  seeds?: number;
}

/** Runs the measurement and the scaling model; returns the JSON the command prints with `--json`. */
export const accountFigures = async (opts: AccountBenchOptions = {}) => {
  SAMPLED = Math.max(1, opts.sampled ?? 3);
  MINUTES = Math.max(10, opts.minutes ?? 30);
  SEEDS = Math.max(1, opts.seeds ?? 3);
  const deploy = readDeploy();
  // Issue 19: the dispatcher's tick period for this account (functions/cluster-dispatcher, tick-pacing.ts)
  // and the clusters of its busiest minute (the stable hash of the names `batch-1` … `batch-500`).
  // A cluster with an alarm of the scaler in ALARM is busy and ticked every minute: the share of busy
  // cluster-ticks is measured on the sampled clusters (the dispatcher reports it) and applied to the
  // account; when it changes the period, the samples are run again with the new one (once).
  const pacing = (busyShare: number) => {
    const busyCount = Math.round(busyShare * CLUSTERS);
    const account = Array.from({ length: CLUSTERS }, (_, i) => ({
      name: `batch-${i + 1}`,
      instances: INSTANCES_PER_CLUSTER,
      busy: i < busyCount,
    }));
    const period = tickPeriodMinutes(account);
    const quiet = account.filter((c) => !c.busy);
    const perSlot = Array.from(
      { length: period },
      (_, s) => busyCount + quiet.filter((c) => tickSlot(c.name, period) === s).length,
    );
    return { period, perSlot, clustersPerTick: Math.max(...perSlot), busyCount };
  };
  const busyShareOf = (xs: Sample[]) =>
    sum(xs.map((x) => x.busyTicks)) / Math.max(1, sum(xs.map((x) => x.clusterTicks)));
  let plan = pacing(0);
  let samples: Sample[] = [];
  for (let s = 1; s <= SEEDS; s++) samples.push(await runSample(s, plan.period));
  const measured = pacing(busyShareOf(samples));
  if (measured.period !== plan.period) {
    samples = [];
    for (let s = 1; s <= SEEDS; s++) samples.push(await runSample(s, measured.period));
  }
  plan = pacing(busyShareOf(samples));
  const { period, perSlot, clustersPerTick } = plan;
  // The model (step 2 of the header), over the pooled seeds and over each seed alone (the spread).
  const modelOf = (samples: Sample[]) => {
    const scale = CLUSTERS / SAMPLED;
    const perHour = (f: (x: Sample) => number) => samples.map((x) => (f(x) / x.hours) * scale);

    // Per decision (one cluster), averaged over the seeds' decisions.
    const decisions = sum(samples.map((x) => x.decisions));
    const callsByCommand: Record<string, number> = {};
    for (const x of samples)
      for (const [k, v] of Object.entries(x.decisionCalls)) callsByCommand[k] = (callsByCommand[k] ?? 0) + v;
    for (const k of Object.keys(callsByCommand)) callsByCommand[k] = callsByCommand[k]! / decisions;
    const callsPerDecision = total(callsByCommand);
    const decisionSeconds = mean(samples.flatMap((x) => x.decisionMs)) / 1000;
    const decisionSecondsMax = Math.max(...samples.flatMap((x) => x.decisionMs)) / 1000;

    // Dispatcher at 500 clusters: DescribeAutoScalingGroups pages of 100 (tag filter), DescribeAlarms
    // pages of 100 (4 alarms per cluster), SendMessageBatch of 10.
    const dispatcherCalls =
      Math.ceil(CLUSTERS / 100) + Math.ceil((CLUSTERS * 4) / 100) + Math.ceil(clustersPerTick / 10);
    const dispatchSeconds = (dispatcherCalls * API_LATENCY_MS) / 1000;

    // Throttling bound per ECS bucket for one tick's decisions.
    // The drainer's calls per second in each bucket at 500 clusters (they compete with the tick's reads).
    const drainerPerSecond = (name: string) =>
      mean(
        samples.map(
          (x) =>
            (sum(
              Object.entries(x.drainerByCommand)
                .filter(([k]) => bucketOf(k) === name)
                .map(([, v]) => v),
            ) /
              (x.hours * 3600)) *
            scale,
        ),
      );
    const buckets = Object.fromEntries(
      Object.entries(BUCKETS).map(([name, b]) => {
        const perDecision = sum(
          Object.entries(callsByCommand)
            .filter(([k]) => bucketOf(k) === name)
            .map(([, v]) => v),
        );
        const perTick = perDecision * clustersPerTick;
        const drain = drainerPerSecond(name);
        // Served at the refill rate left over by the drainer, after the burst.
        const left = b.refill - drain;
        return [
          name,
          {
            callsPerDecision: round(perDecision),
            callsPerMinute: Math.round(perTick + drain * 60),
            drainerCallsPerMinute: Math.round(drain * 60),
            refillPerMinute: b.refill * 60,
            utilisation: round((perTick + drain * 60) / (b.refill * 60)),
            secondsToServeOneTick: left > 0 ? round(Math.max(0, perTick - b.burst) / left, 1) : Infinity,
          },
        ];
      }),
    );
    const throttleBound = Math.max(...Object.values(buckets).map((b) => b.secondsToServeOneTick));
    // What-if: the same decisions without the per-instance task reads of scale-in candidates and draining
    // instances (ListTasks / DescribeTasks), to separate the fan-out's cost from the planner's reads.
    const TASK_READS = new Set(['ecs:ListTasks', 'ecs:DescribeTasks']);
    const throttleWithout = (drainerCompetes: boolean) =>
      Math.max(
        ...Object.entries(BUCKETS).map(([name, b]) => {
          const perDecision = sum(
            Object.entries(callsByCommand)
              .filter(([k]) => bucketOf(k) === name && !TASK_READS.has(k))
              .map(([, v]) => v),
          );
          const left = b.refill - (drainerCompetes ? drainerPerSecond(name) : 0);
          return left > 0 ? Math.max(0, perDecision * clustersPerTick - b.burst) / left : Infinity;
        }),
      );
    const throttleBoundWithoutTaskReads = throttleWithout(true);
    // The fan-out alone: decisions without task reads, no drainer reads competing in the buckets.
    const taskReadMs = sum(
      Object.entries(callsByCommand)
        .filter(([k]) => TASK_READS.has(k))
        .map(([, v]) => v * API_LATENCY_MS),
    );
    const fanOutOnlySeconds =
      dispatchSeconds +
      POLL_DELAY_S +
      Math.max(
        Math.ceil(clustersPerTick / (deploy.maximumConcurrency * deploy.batchSize)) *
          deploy.batchSize *
          Math.max(0, decisionSeconds - taskReadMs / 1000),
        throttleWithout(false),
      );
    const waves = Math.ceil(clustersPerTick / (deploy.maximumConcurrency * deploy.batchSize));
    const concurrencyBound = waves * deploy.batchSize * decisionSeconds;
    const maxDecisionLatencySeconds =
      dispatchSeconds + POLL_DELAY_S + Math.max(concurrencyBound, throttleBound);
    // A worker batch under throttling: its share of the tick's serving time.
    const workerSeconds = Math.max(deploy.batchSize * decisionSecondsMax, throttleBound / waves);
    // The sweeper at 500 clusters: held instances scale with the clusters; it works on 8 at once
    // (functions/instance-drainer/sweep.ts SWEEP_CONCURRENCY) and yields before its timeout.
    const sweeps = samples.flatMap((x) => x.sweeps);
    const heldPerSweep = mean(sweeps.map((w) => w.held)) * scale;
    const busySweeps = sweeps.filter((w) => w.held > 0 && w.held <= 8);
    const perInstanceSweepMs = busySweeps.length ? mean(busySweeps.map((w) => w.ms)) : 0;
    const idleSweepMs = mean(sweeps.filter((w) => w.held === 0).map((w) => w.ms));
    const sweepSeconds500 = (idleSweepMs + Math.ceil(heldPerSweep / 8) * perInstanceSweepMs) / 1000;
    const drainerEventMaxSeconds = Math.max(...samples.map((x) => x.drainerMaxDurationMs), 0) / 1000;
    const drainerMaxSeconds = Math.max(drainerEventMaxSeconds, sweepSeconds500);
    const shares = {
      'cluster-dispatcher': dispatchSeconds / deploy.timeout['cluster-dispatcher']!,
      'cluster-scaler': workerSeconds / deploy.timeout['cluster-scaler']!,
      'instance-drainer': drainerMaxSeconds / deploy.timeout['instance-drainer']!,
    };

    const taskStopsPerHour = mean(perHour((x) => x.taskStops));
    const taskStopsOnDrainingPerHour = mean(perHour((x) => x.taskStopsOnDraining));
    const drainerInvocationsPerHour = mean(perHour((x) => x.drainerInvocations - 60 * x.hours)) + 60;
    const drainerCallsPerMinute = mean(perHour((x) => x.drainerCalls)) / 60;
    // Decisions a minute: the account's clusters over the tick period (the busiest minute: clustersPerTick).
    const decisionsPerMinute = CLUSTERS / period;
    const workerInvocationsPerMinute = Math.ceil(decisionsPerMinute / deploy.batchSize);

    // The former design: one tick walks every cluster in turn, in one invocation (timeout 60 s,
    // concurrency 1); the drainer gets every task stop of the account plus the container-instance changes.
    const oldPerCluster = mean(samples.map((x) => x.oldTick.ms / SAMPLED)) / 1000;
    const oldCallsPerCluster = mean(samples.map((x) => x.oldTick.calls / SAMPLED));
    const oldTimeout = 60;
    const oldWalkSeconds = oldPerCluster * CLUSTERS;
    const oldDecidedPerTick = Math.min(CLUSTERS, Math.floor(oldTimeout / oldPerCluster));
    const oldDrainerPerHour = drainerInvocationsPerHour + taskStopsPerHour;
    // The former task-stop route re-read the container instance (DescribeContainerInstances) before it knew
    // whether the instance was draining: one call per stop (more for the few on DRAINING instances).
    const oldDrainerCallsPerEvent = 1;

    const after = {
      clusters: CLUSTERS,
      instances: CLUSTERS * INSTANCES_PER_CLUSTER,
      tasks: CLUSTERS * (SERVICES * SERVICE_TASKS + BATCH_TASKS),
      // null: not within any time — a bucket's refill is used up by other calls (see `throttling`).
      maxDecisionLatencySeconds: Number.isFinite(maxDecisionLatencySeconds)
        ? round(maxDecisionLatencySeconds, 1)
        : null,
      // 0..1: an invocation that would need more than its timeout reaches it (1); `timeoutShare` has the raw need.
      maxInvocationTimeoutShare: round(Math.min(1, Math.max(...Object.values(shares))), 3),
      drainerInvocationsPerHour: Math.round(drainerInvocationsPerHour),
      taskStopsPerHour: Math.round(taskStopsPerHour),
      taskStopsOnDrainingPerHour: Math.round(taskStopsOnDrainingPerHour),
      apiCallsPerMinute: Math.round(
        dispatcherCalls + callsPerDecision * decisionsPerMinute + drainerCallsPerMinute,
      ),
      tickPeriodMinutes: period,
      clustersPerTick: { busiestMinute: clustersPerTick, perMinute: perSlot },
      invocationsPerMinute: {
        'cluster-dispatcher': 1,
        'cluster-scaler': workerInvocationsPerMinute,
        'instance-drainer': round(drainerInvocationsPerHour / 60, 1),
      },
      apiCallsPerMinuteByFunction: {
        'cluster-dispatcher': dispatcherCalls,
        'cluster-scaler': Math.round(callsPerDecision * decisionsPerMinute),
        'instance-drainer': Math.round(drainerCallsPerMinute),
      },
      durationSeconds: {
        'cluster-dispatcher': round(dispatchSeconds),
        'cluster-scaler (batch)': round(workerSeconds),
        'cluster decision': round(decisionSeconds),
        'instance-drainer (max event)': round(drainerEventMaxSeconds),
        'instance-drainer (sweep at 500 clusters)': round(sweepSeconds500),
        heldInstancesPerSweep: round(heldPerSweep, 1),
      },
      timeoutShare: Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, round(v, 3)])),
      throttling: buckets,
      latencyBounds: {
        dispatchSeconds: round(dispatchSeconds, 1),
        concurrencySeconds: round(concurrencyBound, 1),
        throttlingSeconds: round(throttleBound, 1),
        throttlingSecondsWithoutTaskReads: round(throttleBoundWithoutTaskReads, 1),
        maxDecisionLatencySecondsWithoutTaskReads: round(
          dispatchSeconds + POLL_DELAY_S + Math.max(concurrencyBound, throttleBoundWithoutTaskReads),
          1,
        ),
        maxDecisionLatencySecondsFanOutOnly: round(fanOutOnlySeconds, 1),
        taskReadsPerDecision: round(
          sum(
            Object.entries(callsByCommand)
              .filter(([k]) => TASK_READS.has(k))
              .map(([, v]) => v),
          ),
        ),
        waves,
      },
      drainerCallsPerMinuteByCommand: Object.fromEntries(
        [...new Set(samples.flatMap((x) => Object.keys(x.drainerByCommand)))].map((k) => [
          k,
          Math.round(mean(samples.map((x) => ((x.drainerByCommand[k] ?? 0) / (x.hours * 60)) * scale))),
        ]),
      ),
      callsPerDecision: Object.fromEntries(Object.entries(callsByCommand).map(([k, v]) => [k, round(v)])),
    };
    const before = {
      clusters: CLUSTERS,
      instances: CLUSTERS * INSTANCES_PER_CLUSTER,
      // Clusters past the first `oldDecidedPerTick` are never reached: each tick starts from the first.
      maxDecisionLatencySeconds: oldDecidedPerTick >= CLUSTERS ? round(oldWalkSeconds, 1) : null,
      clustersDecidedPerTick: oldDecidedPerTick,
      maxInvocationTimeoutShare: round(Math.min(1, oldWalkSeconds / oldTimeout), 3),
      tickSecondsNeeded: round(oldWalkSeconds, 1),
      drainerInvocationsPerHour: Math.round(oldDrainerPerHour),
      taskStopsPerHour: Math.round(taskStopsPerHour),
      taskStopsOnDrainingPerHour: Math.round(taskStopsOnDrainingPerHour),
      invocationsPerMinute: {
        'cluster-scaler': 1,
        'instance-drainer': round(oldDrainerPerHour / 60, 1),
      },
      apiCallsPerMinute: Math.round(
        oldCallsPerCluster * oldDecidedPerTick +
          drainerCallsPerMinute +
          (taskStopsPerHour / 60) * oldDrainerCallsPerEvent,
      ),
    };
    const targets = {
      everyClusterDecidedWithin60s:
        after.maxDecisionLatencySeconds !== null && after.maxDecisionLatencySeconds <= 60,
      noInvocationAboveHalfItsTimeout: after.maxInvocationTimeoutShare <= 0.5,
      drainerWithinTwiceTheStopsOnDraining:
        after.drainerInvocationsPerHour <= 2 * after.taskStopsOnDrainingPerHour,
    };
    const result = {
      ...after,
      before,
      targets,
      method: {
        sampledClusters: SAMPLED,
        virtualMinutes: MINUTES,
        seeds: SEEDS,
        apiLatencyMs: API_LATENCY_MS,
        drainEverySeconds: DRAIN_EVERY_S,
        decisionStatuses: samples.reduce<Record<string, number>>((acc, x) => {
          for (const [k, v] of Object.entries(x.statuses)) acc[k] = (acc[k] ?? 0) + v;
          return acc;
        }, {}),
        spread: {
          taskStopsPerHour: [
            Math.round(Math.min(...perHour((x) => x.taskStops))),
            Math.round(Math.max(...perHour((x) => x.taskStops))),
          ],
          taskStopsOnDrainingPerHour: [
            Math.round(Math.min(...perHour((x) => x.taskStopsOnDraining))),
            Math.round(Math.max(...perHour((x) => x.taskStopsOnDraining))),
          ],
          decisionSeconds: [
            round(Math.min(...samples.flatMap((x) => x.decisionMs)) / 1000),
            round(decisionSecondsMax),
          ],
        },
        taskCacheModel:
          "the cluster scaler's task-list cache (issue 19) is module state; the simulator runs every invocation in one process, i.e. one warm container serving every cluster: its hits are an upper bound (with n warm workers and no affinity of a message group to a container, about 1/n of them)",
        note: 'per-cluster rates measured on the simulator (real handlers, serverless.yml routing), scaled × clusters / sampled; latency = dispatch + max(concurrency waves, ECS throttling buckets) — see the header of bench/account.ts and docs/account-scale.md',
      },
    };
    return result;
  };
  const result = modelOf(samples);
  const perSeed = samples.map((x, i) => {
    const r = modelOf([x]);
    return {
      seed: i + 1,
      maxDecisionLatencySeconds: r.maxDecisionLatencySeconds,
      maxInvocationTimeoutShare: r.maxInvocationTimeoutShare,
      drainerInvocationsPerHour: r.drainerInvocationsPerHour,
      taskStopsOnDrainingPerHour: r.taskStopsOnDrainingPerHour,
      ecsClusterResourceReadsPerMinute: r.throttling['ecs cluster resource reads']?.callsPerMinute,
      taskReadsPerDecision: r.latencyBounds.taskReadsPerDecision,
    };
  });
  const range = (f: (x: (typeof perSeed)[number]) => number | null | undefined) => {
    const xs = perSeed.map(f).filter((v): v is number => typeof v === 'number');
    return [Math.min(...xs), Math.max(...xs)];
  };
  return {
    ...result,
    method: {
      ...result.method,
      tickPacing: {
        share: TICK_READ_SHARE,
        periodMinutes: period,
        clustersPerMinute: perSlot,
        busyShare: round(busyShareOf(samples), 3),
        busyClusters: plan.busyCount,
        how: 'functions/cluster-dispatcher with shared/core/cluster/tick-pacing.ts on the account (500 clusters named batch-1…batch-500, 40 instances each); the sampled clusters run with TICK_PERIOD_MINUTES set to that period, so each is decided as often as in the account',
      },
      spread: {
        ...result.method.spread,
        maxDecisionLatencySeconds: range((x) => x.maxDecisionLatencySeconds),
        maxInvocationTimeoutShare: range((x) => x.maxInvocationTimeoutShare),
        drainerInvocationsPerHour: range((x) => x.drainerInvocationsPerHour),
        taskReadsPerDecision: range((x) => x.taskReadsPerDecision),
        perSeed,
      },
    },
  };
};

const main = async (): Promise<void> => {
  const result = await accountFigures({
    sampled: flag('--sampled', 3),
    minutes: flag('--minutes', 30),
    seeds: flag('--seeds', 3),
  });
  if (JSON_OUT) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const { before, targets } = result;
  const after = result;
  const rows: [string, unknown, unknown][] = [
    [
      'clusters / instances',
      `${after.clusters} / ${after.instances}`,
      `${before.clusters} / ${before.instances}`,
    ],
    [
      'slowest cluster decided after tick (s)',
      after.maxDecisionLatencySeconds ?? 'never (ECS read bucket used up)',
      before.maxDecisionLatencySeconds ?? `never (only ${before.clustersDecidedPerTick} per tick)`,
    ],
    [
      'slowest invocation ÷ its timeout',
      after.maxInvocationTimeoutShare,
      `${before.maxInvocationTimeoutShare} (needs ${before.tickSecondsNeeded} s of 60)`,
    ],
    ['drainer invocations per hour', after.drainerInvocationsPerHour, before.drainerInvocationsPerHour],
    ['task stops per hour (account)', after.taskStopsPerHour, before.taskStopsPerHour],
    [
      'task stops on DRAINING instances per hour',
      after.taskStopsOnDrainingPerHour,
      before.taskStopsOnDrainingPerHour,
    ],
    ['API calls per minute', after.apiCallsPerMinute, before.apiCallsPerMinute],
    [
      'tick period (min) / clusters in busiest minute',
      `${after.tickPeriodMinutes} / ${after.clustersPerTick.busiestMinute}`,
      `1 / ${before.clusters}`,
    ],
  ];
  console.log(`bench:account — ${CLUSTERS} clusters, ${SAMPLED} sampled × ${SEEDS} seeds × ${MINUTES} min`);
  for (const [k, a, b] of rows) console.log(`${k.padEnd(44)} ${String(a).padStart(10)}   before: ${b}`);
  console.log('targets', targets);
};

// Run as a script (npm run bench:account), not when imported by a test.
if (process.argv[1]?.endsWith('account.ts')) await main();
