/**
 * Service scaling on the simulator: a CPU load spike on a service in a nearly full cluster, then the load
 * falls. Runs the project's real handlers (service-scaler, cluster-scaler, instance-drainer) twice:
 *
 * - `cluster-aware`: the service scaler grows the cluster in the same invocation as the service;
 * - `waiting`: the service is tagged `ecs-autoscaler:cluster-aware=false`, so the cluster grows only when
 *   the cluster scaler notices the unplaced tasks (its tick and its own alarms).
 *
 * Prints the pending-task-minutes of both (Σ over time of desired − running tasks of the service) and the
 * milestones. `npm run bench:service`. The scenario test (test/scenario/service-scaling.test.ts) asserts
 * on the same runs; this file only prints.
 */
import './lib/silent-env.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSim } from '../sim/index.js';
import { quietPowertoolsWarnings } from './lib/quiet.js';

/** Scenario knobs (defaults below). Times in seconds of virtual time. */
export interface ServiceScenarioOptions {
  clusterAware: boolean;
  seed?: number;
  /** Instance boot and ECS registration, seconds (no jitter: the bound is exact). */
  bootSeconds?: number;
  registerSeconds?: number;
  /** When the load rises and falls, and the run's end. */
  spikeAt?: number;
  fallAt?: number;
  endAt?: number;
}

/** What one run shows. Times in seconds since the start; undefined: never happened. */
export interface ServiceScenarioResult {
  clusterAware: boolean;
  pendingTaskMinutes: number;
  /** First UpdateService of the service scaler that raised the desired count, and its target. */
  firstScaleOutAt: number | undefined;
  firstScaleOutTo: number | undefined;
  /** First SetDesiredCapacity raising the group, and which function made it. */
  firstGrowthAt: number | undefined;
  firstGrowthBy: string | undefined;
  /** When the service first ran as many tasks as that first target. */
  firstTargetRunningAt: number | undefined;
  peakDesired: number;
  peakInstances: number;
  lastScaleOutAt: number | undefined;
  firstScaleInAt: number | undefined;
  /** First container instance set DRAINING by the cluster scaler, and its group's desired capacity at the end. */
  firstDrainAt: number | undefined;
  finalDesired: number;
  finalDesiredCapacity: number;
  /** Instances terminated while running tasks, tasks pending too long… (sim invariants). */
  violations: string[];
  /** Invocations that did not end ok. */
  failedInvocations: string[];
  /** The boot + register + task start bound used by the test, seconds. */
  bootAndStartSeconds: number;
}

const CLUSTER = 'shop';
const SERVICE = 'web';
const ASG = 'shop-asg';
/** CPU the service's load needs, in tasks at 100 %: utilisation = 100 × load / running tasks. */
const BASE_LOAD = 6.6;
const SPIKE_LOAD = 12;
const LOW_LOAD = 2.4;

/** Registers the project's functions exactly as serverless.yml deploys them (patterns, schedules, retries). */
const registerFunctions = async (sim: ReturnType<typeof createSim>): Promise<string[]> => {
  const present = ['service-scaler', 'cluster-dispatcher', 'cluster-scaler', 'instance-drainer'].filter((n) =>
    existsSync(join(process.cwd(), 'functions', n, 'handler.ts')),
  );
  if (!present.includes('service-scaler')) throw new Error('functions/service-scaler/handler.ts is missing');
  const { loaded } = await sim.loadServerless('serverless.yml', { only: present });
  return loaded;
};

/** Runs the scenario once. */
export const runServiceScenario = async (opts: ServiceScenarioOptions): Promise<ServiceScenarioResult> => {
  const bootSeconds = opts.bootSeconds ?? 60;
  const registerSeconds = opts.registerSeconds ?? 30;
  const spikeAt = opts.spikeAt ?? 300;
  const fallAt = opts.fallAt ?? 800;
  const endAt = opts.endAt ?? 4800;
  const sim = createSim({ seed: opts.seed ?? 7, sampleSeconds: 60 });

  // A nearly full cluster: 3 × m5.large (2048 CPU units) hold 12 tasks of 512; the service runs 11.
  sim.createCluster(CLUSTER);
  sim.registerTaskDefinition({
    family: SERVICE,
    containers: [{ name: SERVICE, cpu: 512, memoryReservation: 1024 }],
  });
  sim.createAutoScalingGroup({
    name: ASG,
    cluster: CLUSTER,
    min: 2,
    max: 10,
    desired: 3,
    instanceTypes: ['m5.large'],
    bootSeconds,
    registerSeconds,
    jitterSeconds: 0,
    newInstancesProtectedFromScaleIn: true,
    tags: { 'ecs-autoscaler:cluster': CLUSTER },
    terminationHook: { name: 'ecs-autoscaler-drain', heartbeatTimeout: 900, defaultResult: 'CONTINUE' },
  });
  sim.createService({
    cluster: CLUSTER,
    name: SERVICE,
    taskDefinition: SERVICE,
    desiredCount: 11,
    placementStrategy: [{ type: 'binpack', field: 'cpu' }],
    tags: {
      'ecs-autoscaler:service-scaling': 'enabled',
      // Scale in by a quarter when CPU is 10 points or more under the threshold, else one task.
      'ecs-autoscaler:scale-in-step': '0:-1 10:-25pct',
      ...(opts.clusterAware ? {} : { 'ecs-autoscaler:cluster-aware': 'false' }),
    },
  });
  sim.registerScalableTarget({ cluster: CLUSTER, service: SERVICE, min: 2, max: 24 });

  const svc = () => sim.ecs.cluster(CLUSTER)!.services.get(SERVICE)!;
  const running = () =>
    [...svc().tasks].filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING').length;
  const load = (t: number) => (t < spikeAt ? BASE_LOAD : t < fallAt ? SPIKE_LOAD : LOW_LOAD);

  const mocks = sim.install();
  const failedInvocations: string[] = [];
  let pendingSeconds = 0;
  let peakDesired = 0;
  let peakInstances = 0;
  let firstTargetRunningAt: number | undefined;
  try {
    await registerFunctions(sim);
    // The two alarms an operator creates (docs/service-scaler.md): high CPU 2 of 2 minutes, low CPU 3 of 3.
    const metric = {
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: CLUSTER },
        { Name: 'ServiceName', Value: SERVICE },
      ],
      Statistic: 'Average' as const,
      Period: 60,
    };
    await sim.call('cloudwatch', 'PutMetricAlarm', {
      ...metric,
      AlarmName: 'shop-web-cpu-high',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 70,
      EvaluationPeriods: 2,
    });
    await sim.call('cloudwatch', 'PutMetricAlarm', {
      ...metric,
      AlarmName: 'shop-web-cpu-low',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 30,
      EvaluationPeriods: 3,
    });
    sim.start();
    // ECS publishes the service's CPUUtilization once a minute (mid-minute: inside the period it describes).
    sim.clock.every(
      60,
      'ecs:service-cpu',
      () => {
        const n = Math.max(1, running());
        const cpu = Math.min(100, (100 * load(sim.elapsedSeconds)) / n);
        sim.cloudwatch.metrics.put(
          { namespace: metric.Namespace, name: metric.MetricName, dims: metric.Dimensions },
          sim.nowMs,
          [Math.round(cpu * 10) / 10],
        );
      },
      30,
    );
    let firstTarget: number | undefined;
    sim.clock.every(10, 'bench:pending', () => {
      const s = svc();
      pendingSeconds += 10 * Math.max(0, s.desiredCount - running());
      peakDesired = Math.max(peakDesired, s.desiredCount);
      const group = sim.asg.groups.get(ASG)!;
      peakInstances = Math.max(peakInstances, group.desired);
      firstTarget ??= firstScaleOut()?.to;
      if (firstTarget !== undefined && firstTargetRunningAt === undefined && running() >= firstTarget) {
        firstTargetRunningAt = sim.elapsedSeconds;
      }
    });
    const firstScaleOut = () => {
      const a = serviceUpdates().find((u) => u.to > 11);
      return a;
    };
    const serviceUpdates = () =>
      sim.timeline.actions
        .filter((a) => a.command === 'UpdateService' && a.fn === 'service-scaler' && !a.error)
        .map((a) => ({ t: a.t, to: Number(a.input.desiredCount) }));
    await sim.runUntil(endAt);
  } finally {
    sim.dispose();
    void mocks;
  }
  for (const i of sim.invocations.filter((x) => x.outcome !== 'ok').slice(0, 10)) {
    failedInvocations.push(`${i.fn} at ${i.t}s: ${i.outcome} ${i.error ?? ''}`);
  }
  const updates = sim.timeline.actions
    .filter((a) => a.command === 'UpdateService' && a.fn === 'service-scaler' && !a.error)
    .map((a) => ({ t: a.t, to: Number(a.input.desiredCount) }));
  let prev = 11;
  const outs: number[] = [];
  const ins: number[] = [];
  for (const u of updates) {
    (u.to > prev ? outs : ins).push(u.t);
    prev = u.to;
  }
  const growth = sim.timeline.actions.find(
    (a) => a.command === 'SetDesiredCapacity' && Number(a.input.DesiredCapacity) > 3,
  );
  const drain = sim.timeline.actions.find(
    (a) => a.command === 'UpdateContainerInstancesState' && a.input.status === 'DRAINING',
  );
  return {
    clusterAware: opts.clusterAware,
    pendingTaskMinutes: Math.round((pendingSeconds / 60) * 10) / 10,
    firstScaleOutAt: outs[0],
    firstScaleOutTo: updates.find((u) => u.to > 11)?.to,
    firstGrowthAt: growth?.t,
    firstGrowthBy: growth?.fn,
    firstTargetRunningAt,
    peakDesired,
    peakInstances,
    lastScaleOutAt: outs.at(-1),
    firstScaleInAt: ins[0],
    firstDrainAt: drain?.t,
    finalDesired: sim.ecs.cluster(CLUSTER)!.services.get(SERVICE)!.desiredCount,
    finalDesiredCapacity: sim.asg.groups.get(ASG)!.desired,
    violations: sim.violations.map((v) => `${v.t}s ${v.kind}: ${v.message}`),
    failedInvocations,
    // Boot + ECS registration + the slowest task start (20 s) + ASG reaction (10 s) + ECS scheduler (2 s)
    // + the 10 s sampling step of this measurement.
    bootAndStartSeconds: bootSeconds + registerSeconds + 20 + 10 + 2 + 10,
  };
};

const main = async (): Promise<void> => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  quietPowertoolsWarnings();
  const aware = await runServiceScenario({ clusterAware: true });
  const waiting = await runServiceScenario({ clusterAware: false });
  const rows: [string, (r: ServiceScenarioResult) => unknown][] = [
    ['pending task-minutes', (r) => r.pendingTaskMinutes],
    ['first scale-out at (s)', (r) => `${r.firstScaleOutAt} → ${r.firstScaleOutTo} tasks`],
    ['first ASG growth at (s)', (r) => `${r.firstGrowthAt} by ${r.firstGrowthBy}`],
    ['first target running at (s)', (r) => r.firstTargetRunningAt],
    ['peak desired tasks / instances', (r) => `${r.peakDesired} / ${r.peakInstances}`],
    ['last scale-out at (s)', (r) => r.lastScaleOutAt],
    ['first scale-in at (s)', (r) => r.firstScaleInAt],
    ['first drain at (s)', (r) => r.firstDrainAt],
    ['final desired tasks / instances', (r) => `${r.finalDesired} / ${r.finalDesiredCapacity}`],
    ['violations', (r) => r.violations.length],
    ['failed invocations', (r) => r.failedInvocations.length],
  ];
  console.log('service scaling: CPU spike in a nearly full cluster (3 × m5.large, 11 of 12 slots used)');
  console.log(`${'figure'.padEnd(34)}${'cluster-aware'.padEnd(28)}waiting for the cluster's alarm`);
  for (const [label, f] of rows)
    console.log(`${label.padEnd(34)}${String(f(aware)).padEnd(28)}${String(f(waiting))}`);
  for (const r of [aware, waiting])
    for (const v of [...r.violations, ...r.failedInvocations]) console.log(`  ! ${v}`);
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
