/**
 * Runs fault-injection runs (scenario × profile × seed) on the simulator with the project's real
 * handlers (cluster scaler, instance drainer, service scaler, as serverless.yml deploys them) and checks
 * the invariants of docs/reliability.md:
 * - no instance terminated with running non-daemon tasks (simulator check);
 * - every lifecycle action completed before its deadline, never left to time out (simulator check);
 * - only the drain hook's lifecycle actions completed by the project's functions (not ours: never);
 * - the group's desired capacity within [min, max] at every change, not only every 60 s;
 * - a service's desired count within its Application Auto Scaling bounds at every change the service
 *   scaler makes;
 * - no task pending, with no scale-out in flight, longer than boot + registration + 30 s after the
 *   scaler's second delivered decision opportunity (not lost, not killed by the injector) since it
 *   began to wait (every 30 s);
 * - no container instance DRAINING without an owner beyond a grace: DRAINING while InService and no
 *   scale-in of ours in flight for longer than {@link DRAINING_GRACE_SECONDS};
 * - no AWS write by the project's functions in a dry-run scenario;
 * - nothing written by the scalers to a group another controller drives (ECS capacity-provider managed
 *   scaling), nor to its instances;
 * - convergence after demand drops: 30 minutes after the last demand change, at most one instance runs
 *   no service task;
 * - no direction reversal: the group's desired capacity never goes down within 3 minutes of going up by
 *   our hand, or up within 3 minutes of going down;
 * - tag and attribute limits: ASG tags ≤ 50 per group, keys ≤ 128 and values ≤ 256 characters; ECS
 *   attribute names and values 1–128 characters.
 * Every violation carries the seed that reproduces it. Runs are isolated: every module-level cache the
 * handlers keep between invocations is emptied before a run, so a run gives the same result alone or in
 * a matrix (a test checks it).
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { metrics as clusterDispatcherMetrics } from '../../functions/cluster-dispatcher/handler.js';
import { metrics as clusterScalerMetrics } from '../../functions/cluster-scaler/handler.js';
import { metrics as drainerMetrics } from '../../functions/instance-drainer/handler.js';
import { metrics as serviceScalerMetrics } from '../../functions/service-scaler/handler.js';
import { clearDecisionMemory } from '../../shared/aws/decision-events.js';
import { heartbeatProtection } from '../../shared/core/drain/index.js';
import type { AsgSpec } from '../../sim/asg/asg-world.js';
import { createSim, type Sim } from '../../sim/index.js';
import { clearReaderCaches, scalerStateWrites } from '../scenario/fleet-world.js';
import { FAULT_PROFILES, type FaultProfile, outageWindows } from './profiles.js';
import {
  FAULT_CLUSTER as C,
  FAULT_SCENARIOS,
  type FaultScenario,
  LONG_DRAIN_HOOK_TIMEOUTS,
} from './scenarios.js';

/** One invariant violation of one run. */
export interface FaultViolation {
  scenario: string;
  profile: string;
  seed: number;
  t: number;
  kind: string;
  message: string;
}

/** One run's identity. */
export interface FaultRun {
  scenario: FaultScenario;
  profile: FaultProfile;
  seed: number;
}

/**
 * Seconds a task may wait after the scaler's second delivered decision opportunity since the need arose
 * (see {@link watchPending}): boot + registration (+ their jitter) + ECS start time (30 s).
 */
export const PENDING_AFTER_DECISIONS_SECONDS = C.bootSeconds + C.registerSeconds + 2 * C.jitterSeconds + 30;
/** Decision opportunities the scaler gets before the allowance starts (the first may not see the need yet). */
export const PENDING_DECISIONS = 2;

/** A DRAINING, InService container instance with no scale-in of ours in flight, for this long, is ownerless. */
export const DRAINING_GRACE_SECONDS = 1800;
/** The drain hook's name in every scenario. */
export const DRAIN_HOOK = 'ecs-drain';

/**
 * The heartbeat timeout of one run: the scenario's for the seed, raised to the smallest long-drain
 * timeout that survives the profile's longest outage (no schedule can keep a hook alive through an
 * outage longer than H allows; docs/reliability.md measures what happens then).
 */
export const hookTimeoutFor = (scenario: FaultScenario, profile: FaultProfile, seed: number): number => {
  const wanted = scenario.hookTimeoutSeconds?.(seed) ?? 300;
  const survives = (h: number) => heartbeatProtection(h, 60).toleratedOutageSeconds >= profile.outageSeconds;
  if (survives(wanted)) return wanted;
  return LONG_DRAIN_HOOK_TIMEOUTS.find((h) => h >= wanted && survives(h)) ?? 600;
};

/** How a group names its instance types: a plain list, or mixed-instances overrides. */
type InstanceChoice = Pick<AsgSpec, 'instanceTypes'> | Pick<AsgSpec, 'mixedInstances'>;

const buildWorld = (sim: Sim, scenario: FaultScenario, hookTimeout: number): void => {
  sim.createCluster(C.name);
  const stopTimeout =
    scenario.stopTimeoutSeconds !== undefined ? { stopTimeout: scenario.stopTimeoutSeconds } : {};
  sim.registerTaskDefinition({
    family: 'web',
    containers: [{ name: 'web', cpu: 512, memoryReservation: 1024 }],
    ...stopTimeout,
  });
  sim.registerTaskDefinition({
    family: 'api',
    containers: [{ name: 'api', cpu: 1024, memoryReservation: 2048 }],
    ...stopTimeout,
  });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ name: 'agent', cpu: 128, memory: 256 }] });
  // Every group of the cluster: the same timing, cluster tag (and the scenario's tags) and drain hook.
  const group = (spec: { name: string; min: number; max: number; desired: number } & InstanceChoice) =>
    sim.createAutoScalingGroup({
      ...spec,
      cluster: C.name,
      bootSeconds: C.bootSeconds,
      registerSeconds: C.registerSeconds,
      jitterSeconds: C.jitterSeconds,
      newInstancesProtectedFromScaleIn: true,
      tags: { 'ecs-autoscaler:cluster': C.name, ...scenario.groupTags },
      terminationHook: { name: DRAIN_HOOK, heartbeatTimeout: hookTimeout, defaultResult: 'CONTINUE' },
    });
  group({
    name: C.asg,
    min: C.min,
    max: C.max,
    desired: C.initial,
    instanceTypes: ['m5.large', 'm5.xlarge'],
  });
  for (const g of scenario.extraGroups ?? []) {
    group({ ...g, mixedInstances: { overrides: g.types.map((type) => ({ type })) } });
  }
  sim.createService({
    cluster: C.name,
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  if (scenario.edge !== undefined) {
    sim.registerTaskDefinition({
      family: 'edge',
      containers: [{ name: 'edge', cpu: 256, memoryReservation: 512, hostPorts: [80] }],
      ...stopTimeout,
    });
    sim.createService({ cluster: C.name, name: 'edge', taskDefinition: 'edge', desiredCount: scenario.edge });
  }
  for (const name of ['web', 'api'] as const) {
    const scaled = name === 'api' && scenario.serviceScaling !== undefined;
    sim.createService({
      cluster: C.name,
      name,
      taskDefinition: name,
      desiredCount: scenario.initial[name],
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
      ...(scaled ? { tags: { 'ecs-autoscaler:service-scaling': 'enabled' } } : {}),
    });
  }
  if (scenario.serviceScaling) {
    const { min, max } = scenario.serviceScaling;
    sim.registerScalableTarget({ cluster: C.name, service: 'api', min, max });
  }
};

const API_CPU_METRIC = {
  Namespace: 'AWS/ECS',
  MetricName: 'CPUUtilization',
  Dimensions: [
    { Name: 'ClusterName', Value: C.name },
    { Name: 'ServiceName', Value: 'api' },
  ],
  Statistic: 'Average' as const,
  Period: 60,
};

/** The operator's two CPU alarms on api and ECS's CPUUtilization metric from the scenario's load. */
const setUpServiceScaling = async (sim: Sim, scenario: FaultScenario): Promise<void> => {
  const scaling = scenario.serviceScaling;
  if (!scaling) return;
  for (const [name, op, threshold, periods] of [
    ['faults-api-cpu-high', 'GreaterThanThreshold', 70, 2],
    ['faults-api-cpu-low', 'LessThanThreshold', 30, 3],
  ] as const) {
    // Created outside any invocation, before faults start (time 0): setup, not part of the run.
    await sim.call('cloudwatch', 'PutMetricAlarm', {
      ...API_CPU_METRIC,
      AlarmName: name,
      ComparisonOperator: op,
      Threshold: threshold,
      EvaluationPeriods: periods,
    });
  }
  const running = () =>
    [...sim.ecs.cluster(C.name)!.services.get('api')!.tasks].filter(
      (t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING',
    ).length;
  sim.clock.every(
    60,
    'ecs:api-cpu',
    () => {
      const cpu = Math.min(100, (100 * scaling.load(sim.elapsedSeconds)) / Math.max(1, running()));
      sim.cloudwatch.metrics.put(
        {
          namespace: API_CPU_METRIC.Namespace,
          name: API_CPU_METRIC.MetricName,
          dims: API_CPU_METRIC.Dimensions,
        },
        sim.nowMs,
        [Math.round(cpu * 10) / 10],
      );
    },
    30,
  );
};

/** Seconds of [from, to) inside the outage windows. */
const outageOverlap = (windows: ReadonlyArray<readonly [number, number]>, from: number, to: number): number =>
  windows.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);

/**
 * The cluster scaler's decision opportunities actually delivered: the start times of its invocations
 * (ticks, alarms, requests, through the dispatcher's queue) that the fault injector did not kill. An event
 * lost before the dispatcher or the queue never invokes the scaler; an invocation the injector killed
 * (after N calls, or at an injected timeout) decided nothing. A scaler invocation that fails on its own
 * (a handler error) counts: that is the product's failure.
 */
const watchScalerOpportunities = (sim: Sim): (() => number[]) => {
  // Invocations run one at a time: the k-th kill draw belongs to the k-th invocation record.
  const injected: boolean[] = [];
  const draw = sim.faults.onInvocation.bind(sim.faults);
  sim.faults.onInvocation = (fn) => {
    const kill = draw(fn);
    injected.push(kill.killAfterApiCalls !== undefined || kill.timeoutSeconds !== undefined);
    return kill;
  };
  const delivered: number[] = [];
  let seen = 0;
  return () => {
    const records = sim.lambdas.invocations;
    for (; seen < records.length; seen++) {
      const r = records[seen]!;
      if (r.fn !== 'cluster-scaler') continue;
      if (injected[seen] === true && r.outcome === 'timeout') continue;
      delivered.push(r.t);
    }
    return delivered;
  };
};

/** Every group of the fault cluster: its own and a scenario's extra groups. */
const clusterGroups = (sim: Sim) =>
  [...sim.asg.groups.values()].filter((g) => g.tags.get('ecs-autoscaler:cluster')?.value === C.name);

/**
 * The pending-task invariant, sampled every 30 s. It measures the scaler's decisions, so its allowance
 * counts the decision opportunities delivered to the scaler (not lost, not killed by the injector): a
 * task that has waited since `from` (the first sample that saw it wait) is a violation once, with no
 * scale-out in flight, more than {@link PENDING_AFTER_DECISIONS_SECONDS} have passed since the
 * {@link PENDING_DECISIONS}-th delivered opportunity at or after `from`. Opportunities inside an API
 * outage window do not count, nor does the time inside one. With every one-minute tick delivered this
 * is the earlier rule, boot + registration + jitter + 2 ticks + 30 s (270 s).
 * In flight: desired above InService, an instance Pending, or one launched and not yet registered with
 * ECS (within boot + registration + jitter), or registered in the last 90 s (ECS places on it).
 */
const watchPending = (sim: Sim, report: (t: number, message: string) => void): void => {
  const since = new Map<string, number>();
  const reported = new Set<string>();
  const opportunities = watchScalerOpportunities(sim);
  const registeringMs = (C.bootSeconds + C.registerSeconds + 2 * C.jitterSeconds) * 1000;
  sim.clock.every(30, 'faults:pending', () => {
    const t = sim.elapsedSeconds;
    const outages = outageWindows(sim);
    const delivered = opportunities().filter((o) => !outages.some(([a, b]) => o >= a && o < b));
    const cluster = sim.ecs.cluster(C.name)!;
    const groups = clusterGroups(sim);
    const instances = groups.flatMap((g) => [...g.instances.values()]);
    const inFlight =
      groups.some(
        (g) => g.desired > [...g.instances.values()].filter((i) => i.lifecycleState === 'InService').length,
      ) ||
      instances.some(
        (i) =>
          i.lifecycleState === 'Pending' ||
          (i.lifecycleState === 'InService' &&
            i.containerInstance === undefined &&
            i.willRegister &&
            sim.nowMs - i.launchedAt < registeringMs) ||
          (i.containerInstance !== undefined && sim.nowMs - i.containerInstance.registeredAt < 90_000),
      );
    for (const s of cluster.services.values()) {
      if (s.schedulingStrategy === 'DAEMON') continue;
      const live = [...s.tasks].filter((task) => task.desiredStatus === 'RUNNING').length;
      if (live >= s.desiredCount) {
        since.delete(s.name);
        reported.delete(s.name);
        continue;
      }
      const from = since.get(s.name) ?? t;
      since.set(s.name, from);
      const decided = delivered.filter((o) => o >= from)[PENDING_DECISIONS - 1];
      if (
        decided !== undefined &&
        t - decided - outageOverlap(outages, decided, t) > PENDING_AFTER_DECISIONS_SECONDS &&
        !inFlight &&
        groups.some((g) => g.desired < g.max) &&
        !reported.has(s.name)
      ) {
        reported.add(s.name);
        const n = delivered.filter((o) => o >= from).length;
        report(
          t,
          `${s.desiredCount - live} task(s) of ${s.name} pending for ${t - from} s with no scale-out in flight (${n} scaler decision opportunities delivered since; allowance counted from the one at ${decided.toFixed(0)} s)`,
        );
      }
    }
  });
};

/** Write commands of the project's functions that change AWS resources (dry run: none of them). */
const RESOURCE_WRITES = new Set([
  'SetDesiredCapacity',
  'UpdateAutoScalingGroup',
  'TerminateInstanceInAutoScalingGroup',
  'SetInstanceProtection',
  'CompleteLifecycleAction',
  'RecordLifecycleActionHeartbeat',
  'UpdateContainerInstancesState',
  'DeregisterContainerInstance',
  'PutAttributes',
  'DeleteAttributes',
  'UpdateService',
  'CreateOrUpdateTags',
  'DeleteTags',
]);
/**
 * The project's functions with an event source, as serverless.yml deploys them (the cluster dispatcher
 * feeds the cluster scaler's queue where the deployment has one).
 */
const PROJECT_FUNCTIONS = new Set(
  ['cluster-dispatcher', 'cluster-scaler', 'instance-drainer', 'service-scaler'].filter((n) =>
    existsSync(join('functions', n, 'handler.ts')),
  ),
);

type Report = (t: number, kind: string, message: string) => void;

/**
 * Desired capacity within [min, max] at every change, and no reversal within 3 minutes. Returns what
 * settles the reversals after the run: a decrease that terminates an instance the scaler set DRAINING
 * before the change it seems to reverse is the end of that earlier scale-in, not a reversal — the
 * scale-out counted that instance as leaving (seed 18005: an own drain begun at 1680 s ended at 1980 s,
 * empty, three minutes after a scale-out for the tasks an operator's termination displaced).
 */
const watchDesired = (sim: Sim, report: Report): (() => void) => {
  // Demand changes (the scenario's drivers set a service's desired count outside any invocation): a
  // reversal that follows one is the scaler following demand, not flapping.
  let lastDemandChange = Number.NEGATIVE_INFINITY;
  for (const service of sim.ecs.cluster(C.name)!.services.values()) {
    let count = service.desiredCount;
    Object.defineProperty(service, 'desiredCount', {
      configurable: true,
      enumerable: true,
      get: () => count,
      set: (next: number) => {
        if (next !== count && !sim.lambdas.current) lastDemandChange = sim.elapsedSeconds;
        count = next;
      },
    });
  }
  // So is capacity someone else takes away (an operator's or a refresh's termination, a Spot reclaim):
  // its tasks need room as a demand rise does (long-drain-refresh / partial-failures / 22001: three own
  // drains ended at 1,740 s, an operator terminated a busy instance at 1,800 s, and its tasks were bought
  // for at 1,803 s). Not the group's own scale-in to a lower desired capacity (whoever lowered it).
  const beginTerminate = sim.asg.beginTerminate.bind(sim.asg);
  sim.asg.beginTerminate = (...args: Parameters<typeof beginTerminate>) => {
    const fn = sim.lambdas.current?.fn;
    const ours = fn !== undefined && PROJECT_FUNCTIONS.has(fn);
    if (!ours && !args[1].includes('difference between desired and actual capacity')) {
      lastDemandChange = sim.elapsedSeconds;
    }
    beginTerminate(...args);
  };
  const deferred: Deferred[] = [];
  for (const group of clusterGroups(sim)) {
    watchGroupDesired(sim, group, () => lastDemandChange, report, deferred);
  }
  return () => {
    for (const d of deferred) {
      const ended = sim.timeline.actions.find(
        (a) =>
          a.fn === 'cluster-scaler' &&
          !a.error &&
          a.t === d.t &&
          a.command === 'TerminateInstanceInAutoScalingGroup' &&
          a.input.ShouldDecrementDesiredCapacity === true,
      );
      const id = String(ended?.input.InstanceId ?? '');
      const arn = (sim.asg.instance(id) ?? sim.asg.terminated.find((i) => i.id === id))?.containerInstance
        ?.arn;
      const drainedBefore =
        arn !== undefined &&
        scalerStateWrites(sim, 'DRAINING', new Set([arn])).some((a) => !a.error && a.t < d.since);
      if (!drainedBefore) report(d.t, 'direction-reversal', d.message);
    }
  };
};

/** A decrease that looks like a reversal, judged after the run ({@link watchDesired}). */
interface Deferred {
  t: number;
  /** When the change it seems to reverse was made. */
  since: number;
  message: string;
}

/** One group's desired capacity within [min, max] and no reversal within 3 minutes (by our functions). */
const watchGroupDesired = (
  sim: Sim,
  group: ReturnType<typeof clusterGroups>[number],
  lastDemandChangeAt: () => number,
  report: Report,
  deferred: Deferred[],
): void => {
  const multi = clusterGroups(sim).length > 1;
  const named = (m: string) => (multi ? `${group.name}: ${m}` : m);
  let value = group.desired;
  let lastChange: { t: number; direction: 1 | -1; byUs: boolean } | undefined;
  Object.defineProperty(group, 'desired', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: number) => {
      const t = sim.elapsedSeconds;
      if (next < group.min || next > group.max) {
        report(
          t,
          'desired-outside-min-max',
          named(`desired set to ${next}, outside [${group.min}, ${group.max}]`),
        );
      }
      if (next !== value) {
        const direction = next > value ? 1 : -1;
        const byUs = sim.lambdas.current !== undefined && PROJECT_FUNCTIONS.has(sim.lambdas.current.fn);
        if (
          byUs &&
          lastChange?.byUs &&
          lastChange.direction !== direction &&
          t - lastChange.t < 180 &&
          lastDemandChangeAt() < lastChange.t
        ) {
          const message = named(
            `desired ${value} → ${next} ${t - lastChange.t} s after a change the other way`,
          );
          if (direction < 0) deferred.push({ t, since: lastChange.t, message });
          else report(t, 'direction-reversal', message);
        }
        lastChange = { t, direction, byUs };
      }
      value = next;
    },
  });
};

/** A scaled service's desired count within its scalable target's bounds at every change by our functions. */
const watchServiceBounds = (sim: Sim, scenario: FaultScenario, report: Report): void => {
  if (!scenario.serviceScaling) return;
  const { min, max } = scenario.serviceScaling;
  const service = sim.ecs.cluster(C.name)!.services.get('api')!;
  // Chained onto the demand watch of watchDesired (installed first).
  const previous = Object.getOwnPropertyDescriptor(service, 'desiredCount')!;
  Object.defineProperty(service, 'desiredCount', {
    configurable: true,
    enumerable: true,
    get: () => previous.get!.call(service),
    set: (next: number) => {
      if (sim.lambdas.current && (next < min || next > max)) {
        report(
          sim.elapsedSeconds,
          'service-desired-outside-bounds',
          `api desired ${next} outside [${min}, ${max}]`,
        );
      }
      previous.set!.call(service, next);
    },
  });
};

/** DRAINING without an owner, convergence, tag and attribute limits (sampled). */
const watchOwnersAndLimits = (sim: Sim, scenario: FaultScenario, report: Report): void => {
  const drainingSince = new Map<string, number>();
  const reported = new Set<string>();
  let convergenceReported = false;
  sim.clock.every(60, 'faults:owners', () => {
    const t = sim.elapsedSeconds;
    const groups = clusterGroups(sim);
    for (const group of groups) {
      const scaleInInFlight =
        group.desired < [...group.instances.values()].filter((i) => i.lifecycleState === 'InService').length;
      for (const i of group.instances.values()) {
        const ci = i.containerInstance;
        if (ci?.status !== 'DRAINING' || i.lifecycleState !== 'InService' || scaleInInFlight) {
          drainingSince.delete(i.id);
          continue;
        }
        const from = drainingSince.get(i.id) ?? t;
        drainingSince.set(i.id, from);
        if (t - from > DRAINING_GRACE_SECONDS && !reported.has(i.id)) {
          reported.add(i.id);
          report(
            t,
            'draining-without-owner',
            `${i.id} DRAINING and InService for ${t - from} s with no scale-in in flight`,
          );
        }
      }
      if (group.tags.size > 50)
        report(t, 'tag-limit', `${group.name} has ${group.tags.size} tags (limit 50)`);
      for (const [key, { value }] of group.tags) {
        if (key.length > 128 || value.length > 256)
          report(t, 'tag-limit', `tag ${key.slice(0, 40)}… of ${group.name} exceeds 128/256`);
      }
    }
    for (const ci of sim.ecs.cluster(C.name)!.instances.values()) {
      for (const a of ci.attributes) {
        if (a.name.length > 128 || (a.value !== undefined && (a.value.length < 1 || a.value.length > 128))) {
          report(
            t,
            'attribute-limit',
            `attribute ${a.name.slice(0, 40)} on ${ci.arn} exceeds 1–128 characters`,
          );
        }
      }
    }
    const last = scenario.lastDemandChangeSeconds;
    const end = t + 60 > scenario.durationSeconds;
    if (last !== undefined && end && t >= last + 1800 && !convergenceReported && !scenario.groupTags) {
      const idle = groups
        .flatMap((g) => [...g.instances.values()])
        .filter(
          (i) =>
            i.lifecycleState === 'InService' &&
            i.containerInstance?.status === 'ACTIVE' &&
            [...i.containerInstance.tasks].every((task) => task.service?.schedulingStrategy === 'DAEMON'),
        );
      if (idle.length > 1) {
        convergenceReported = true;
        report(t, 'no-convergence', `${idle.length} instances idle ${t - last} s after demand last changed`);
      }
    }
  });
};

/** Runs one scenario under one profile with one seed; returns its violations. */
export const runOnce = async (
  { scenario, profile, seed }: FaultRun,
  options: { inspect?: (sim: Sim) => void } = {},
): Promise<FaultViolation[]> => {
  isolate();
  const sim = createSim({
    seed,
    pendingTooLongSeconds: 1e9,
    ...(scenario.settings ? { settings: scenario.settings } : {}),
  });
  const violations: FaultViolation[] = [];
  const add: Report = (t, kind, message) => {
    violations.push({ scenario: scenario.name, profile: profile.name, seed, t, kind, message });
  };
  buildWorld(sim, scenario, hookTimeoutFor(scenario, profile, seed));
  scenario.arrange?.(sim);
  sim.install();
  try {
    await setUpServiceScaling(sim, scenario);
    scenario.drive(sim);
    profile.apply(sim, seed, scenario.quiet ?? [], scenario.durationSeconds);
    await sim.loadServerless('serverless.yml', { only: [...PROJECT_FUNCTIONS] });
    sim.start();
    if (!scenario.groupTags?.['ecs-autoscaler:dry-run'])
      watchPending(sim, (t, m) => add(t, 'task-pending-without-scale-out', m));
    const settleReversals = watchDesired(sim, add);
    watchServiceBounds(sim, scenario, add);
    watchOwnersAndLimits(sim, scenario, add);
    await sim.runUntil(scenario.durationSeconds);
    settleReversals();
    scenario.check?.(sim, add);
    options.inspect?.(sim);
  } finally {
    sim.dispose();
  }
  for (const v of sim.violations) {
    if (v.kind !== 'task-pending-too-long') add(v.t, v.kind, v.message);
  }
  for (const a of sim.timeline.actions) {
    if (!a.fn || !PROJECT_FUNCTIONS.has(a.fn) || a.error) continue;
    if (a.command === 'CompleteLifecycleAction' && a.input.LifecycleHookName !== DRAIN_HOOK) {
      add(a.t, 'lifecycle-action-not-ours', `${a.fn} completed hook ${String(a.input.LifecycleHookName)}`);
    }
    if (scenario.groupTags?.['ecs-autoscaler:dry-run'] === 'true' && RESOURCE_WRITES.has(a.command)) {
      add(a.t, 'write-in-dry-run', `${a.fn} called ${a.command} in dry run`);
    }
    if (scenario.managedGroup && a.fn !== 'instance-drainer' && RESOURCE_WRITES.has(a.command)) {
      add(a.t, 'write-to-managed-group', `${a.fn} called ${a.command} on a group ECS drives`);
    }
  }
  return violations;
};

/**
 * Empties what the handlers keep between invocations at module level (a Lambda container's warm state),
 * so that no run inherits another's: the readers' caches (fleet-world.ts `clearReaderCaches`: task
 * definitions, launch configurations and templates, instance types, other controllers — a warm cache means
 * fewer calls, so a different fault draw, and the controller cache is keyed by virtual time, which every
 * run starts at the same instant), the decision memory, and metrics stored by an invocation killed before
 * publishing. A new module-level reader cache must be added to `clearReaderCaches`: the isolation test in
 * faults.test.ts fails otherwise.
 */
export const isolate = (): void => {
  clearDecisionMemory();
  clearReaderCaches();
  for (const m of [clusterDispatcherMetrics, clusterScalerMetrics, drainerMetrics, serviceScalerMetrics]) {
    m.clearMetrics();
    m.clearDimensions();
  }
};

/** The matrix: every scenario × every profile × `seeds` seeds starting at `firstSeed`. */
export const faultMatrix = (seeds: number, firstSeed = 1): FaultRun[] =>
  FAULT_SCENARIOS.flatMap((scenario) =>
    FAULT_PROFILES.flatMap((profile) =>
      Array.from({ length: seeds }, (_, k) => ({ scenario, profile, seed: firstSeed + k })),
    ),
  );

/** The command that reproduces one run. */
export const reproduce = (v: Pick<FaultViolation, 'scenario' | 'profile' | 'seed'>): string =>
  `npm run test:faults -- --scenario ${v.scenario} --profile ${v.profile} --seed ${v.seed}`;

/**
 * The small matrix `npm test` runs: every scenario under `everything` and one single-fault profile
 * (rotating so that every profile is covered), seed 1: two runs per scenario.
 */
export const smallMatrix = (): FaultRun[] => {
  const everything = FAULT_PROFILES.find((p) => p.name === 'everything')!;
  const singles = FAULT_PROFILES.filter((p) => p.name !== 'everything' && p.name !== 'none');
  return FAULT_SCENARIOS.flatMap((scenario, i) => [
    { scenario, profile: everything, seed: 1 },
    { scenario, profile: singles[i % singles.length]!, seed: 1 },
  ]);
};
