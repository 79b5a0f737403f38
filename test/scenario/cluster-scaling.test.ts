/**
 * The cluster scaler on the simulator (issue #4): the real handler on its 1-minute schedule and its
 * alarm events, the real instance drainer completing the lifecycle hooks, virtual time. Demand follows a
 * ramp-up, a spike, a ramp-down and a sawtooth; every run checks the invariants:
 * - unplaced tasks are placed within boot time + one tick (the simulator flags longer waits);
 * - no instance is terminated with running non-daemon tasks;
 * - desired capacity never leaves [min, max];
 * - no direction reversal inside a cooldown window (no scale-in decision within the scale-in cooldown of
 *   a scale-out; no scale-out within the scale-out cooldown of a scale-in);
 * - duplicated alarm events do not double-scale.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterScalerHandler } from '../../functions/cluster-scaler/handler.js';
import { handler as drainerHandler, setDrainDeps } from '../../functions/instance-drainer/handler.js';
import { AutoScalingDrainAdapter } from '../../shared/aws/drain-autoscaling.js';
import {
  type DrainEcsPort,
  EcsDrainAdapter,
  type ObservedContainerInstance,
} from '../../shared/aws/drain-ecs.js';
import { DEFAULT_CLUSTER_POLICY } from '../../shared/core/cluster/policy.js';
import { createSim, type Sim } from '../../sim/index.js';

const BOOT = 45;
const REGISTER = 30;
const JITTER = 15;
const TICK = 60;
/** Boot + registration (each with jitter) + one tick + the ASG's and ECS scheduler's reaction, slack. */
const PLACED_WITHIN = BOOT + REGISTER + 2 * JITTER + TICK + 10 + 10;

const ALARM_PATTERN = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: [{ prefix: 'ecs-autoscaler-cluster-' }], state: { value: ['ALARM'] } },
};
const DRAINER_PATTERNS = [
  { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-terminate Lifecycle Action'] },
  {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { lastStatus: ['STOPPED'], containerInstanceArn: [{ exists: true }] },
  },
  {
    source: ['aws.ecs'],
    'detail-type': ['ECS Container Instance State Change'],
    detail: { status: ['DRAINING', 'DEREGISTERING', 'INACTIVE'] },
  },
];

/** The simulator has no ECS PutAttributes: keep the drainer's drain-start attribute beside it. */
const withDrainStartStore = (inner: DrainEcsPort): DrainEcsPort => {
  const starts = new Map<string, Date>();
  const overlay = (ci: ObservedContainerInstance | undefined) => {
    const at = ci && starts.get(ci.arn);
    return ci && at ? { ...ci, drainStartedAt: at } : ci;
  };
  return {
    findContainerInstance: async (c, id) => overlay(await inner.findContainerInstance(c, id)),
    describeContainerInstance: async (c, arn) => overlay(await inner.describeContainerInstance(c, arn)),
    listInstanceTasks: (c, arn) => inner.listInstanceTasks(c, arn),
    setDraining: (c, arn) => inner.setDraining(c, arn),
    recordDrainStart: async (_c, arn, at) => {
      starts.set(arn, at);
    },
  };
};

const MIN = 1;
const MAX = 20;
let sim: Sim | undefined;
afterEach(() => {
  setDrainDeps(undefined);
  sim?.dispose();
  sim = undefined;
});

/** prod: m5.large instances (2048 CPU units: three 512-unit web tasks beside the daemon), web at `web`. */
const setup = (
  web: number,
  desired: number,
  opts: { seed?: number; duplicateAlarms?: boolean } = {},
): Sim => {
  const w = createSim({ seed: opts.seed ?? 11, pendingTooLongSeconds: PLACED_WITHIN });
  w.createCluster('prod');
  w.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  w.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  w.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    min: MIN,
    max: MAX,
    desired,
    instanceTypes: ['m5.large'],
    bootSeconds: BOOT,
    registerSeconds: REGISTER,
    jitterSeconds: JITTER,
    tags: { 'ecs-autoscaler:cluster': 'prod' },
    terminationHook: { name: 'drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  w.createService({ cluster: 'prod', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
  w.createService({
    cluster: 'prod',
    name: 'web',
    taskDefinition: 'web',
    desiredCount: web,
    placementStrategy: [{ type: 'binpack', field: 'cpu' }],
  });
  w.install();
  setDrainDeps({
    ecs: withDrainStartStore(new EcsDrainAdapter(new ECSClient({}))),
    autoscaling: new AutoScalingDrainAdapter(new AutoScalingClient({})),
    sweepIntervalSeconds: 60,
  });
  w.register({
    name: 'instance-drainer',
    handler: drainerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: DRAINER_PATTERNS,
  });
  w.register({
    name: 'cluster-scaler',
    handler: clusterScalerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: TICK,
    patterns: [ALARM_PATTERN],
  });
  if (opts.duplicateAlarms) {
    w.faults.events({ source: 'aws.cloudwatch', function: 'cluster-scaler', kind: 'duplicate' });
  }
  sim = w;
  return w;
};

/** The scaler's decisions over time: scale-out (desired up) and scale-in (instances set DRAINING). */
const decisions = (w: Sim): { t: number; kind: 'out' | 'in' }[] =>
  w.timeline.actions
    .filter((a) => a.fn === 'cluster-scaler' && !a.error)
    .flatMap((a): { t: number; kind: 'out' | 'in' }[] => {
      if (a.command === 'SetDesiredCapacity') return [{ t: a.t, kind: 'out' as const }];
      if (a.command === 'UpdateContainerInstancesState' && a.input.status === 'DRAINING') {
        return [{ t: a.t, kind: 'in' as const }];
      }
      return [];
    });

const expectInvariants = (w: Sim) => {
  expect(w.violations).toEqual([]);
  for (const s of w.timeline.samples) {
    expect(s.asg.desired).toBeGreaterThanOrEqual(MIN);
    expect(s.asg.desired).toBeLessThanOrEqual(MAX);
  }
  const ds = decisions(w);
  for (let i = 1; i < ds.length; i++) {
    const [prev, cur] = [ds[i - 1]!, ds[i]!];
    if (prev.kind === 'out' && cur.kind === 'in') {
      expect(cur.t - prev.t).toBeGreaterThanOrEqual(DEFAULT_CLUSTER_POLICY.scaleInCooldownSeconds - 1);
    }
    if (prev.kind === 'in' && cur.kind === 'out') {
      expect(cur.t - prev.t).toBeGreaterThanOrEqual(DEFAULT_CLUSTER_POLICY.scaleOutCooldownSeconds - 1);
    }
  }
  const errors = w.invocations.filter((i) => i.fn === 'cluster-scaler' && i.outcome !== 'ok');
  expect(errors).toEqual([]);
};

const last = (w: Sim) => w.timeline.samples.at(-1)!;
const peakDesired = (w: Sim) => Math.max(...w.timeline.samples.map((s) => s.asg.desired));

describe('cluster scaler on the simulator', () => {
  it('ramp-up: follows demand step by step, every task placed in time', async () => {
    const w = setup(6, 3);
    w.trace(
      'prod',
      'web',
      Array.from({ length: 10 }, (_, k) => [300 * (k + 1), 6 + 3 * (k + 1)] as const),
    );
    await w.runFor(3600);
    expectInvariants(w);
    expect(last(w).ecs.tasksUnplaced).toBe(0);
    // 36 web tasks, three per instance, plus the headroom task: exactly 13 instances.
    expect(last(w).asg.desired).toBe(13);
    expect(decisions(w).filter((d) => d.kind === 'in')).toEqual([]);
  });

  it('spike: buys the exact capacity at once and gives it back after the cooldown', async () => {
    const w = setup(6, 3);
    w.trace('prod', 'web', [
      [300, 36],
      [2700, 6],
    ]);
    await w.runFor(3 * 3600);
    expectInvariants(w);
    // 36 web tasks at 3 per instance plus one headroom task: 13 instances, bought in one or two steps.
    expect(peakDesired(w)).toBe(13);
    expect(decisions(w).filter((d) => d.kind === 'out').length).toBeLessThanOrEqual(2);
    expect(last(w).asg.desired).toBeLessThan(13);
    expect(last(w).ecs.tasksRunning).toBeGreaterThanOrEqual(6);
  });

  it('ramp-down: scales in by draining instances first, never below what demand needs', async () => {
    const w = setup(36, 13);
    w.trace(
      'prod',
      'web',
      Array.from({ length: 10 }, (_, k) => [300 * (k + 1), 36 - 3 * (k + 1)] as const),
    );
    await w.runFor(5 * 3600);
    expectInvariants(w);
    // 6 web tasks + one headroom task need 7 slots of 3 per instance: 3 instances; 2 would leave no room for
    // the headroom, so placement-exact scale-in stops at 3.
    expect(last(w).asg.desired).toBe(3);
    const terminations = w.timeline.actions.filter(
      (a) => a.fn === 'cluster-scaler' && a.command === 'TerminateInstanceInAutoScalingGroup' && !a.error,
    );
    expect(terminations.length).toBeGreaterThan(0);
    for (const t of terminations) expect(t.input.ShouldDecrementDesiredCapacity).toBe(true);
    expect(last(w).ecs.tasksRunning).toBeGreaterThanOrEqual(6);
  });

  it('sawtooth: no flapping inside the cooldowns, demand always served', async () => {
    const w = setup(6, 3);
    const points: [number, number][] = [];
    for (let k = 0; k < 9; k++) points.push([600 + 1200 * k, k % 2 === 0 ? 24 : 6]);
    w.trace('prod', 'web', points);
    await w.runFor(4 * 3600);
    expectInvariants(w);
    expect(peakDesired(w)).toBeLessThanOrEqual(10);
  });

  it('duplicated alarm events do not double-scale', async () => {
    const run = async (duplicateAlarms: boolean) => {
      const w = setup(6, 3, { duplicateAlarms });
      w.trace('prod', 'web', [
        [300, 30],
        [1500, 12],
      ]);
      await w.runFor(2 * 3600);
      expectInvariants(w);
      const alarmRuns = w.invocations.filter(
        (i) => i.fn === 'cluster-scaler' && i.trigger === 'CloudWatch Alarm State Change',
      ).length;
      const launched = w.timeline.actions
        .filter((a) => a.command === 'SetDesiredCapacity' && a.fn === 'cluster-scaler')
        .map((a) => a.input.DesiredCapacity);
      const result = { peak: peakDesired(w), alarmRuns, launched };
      sim?.dispose();
      sim = undefined;
      return result;
    };
    const once = await run(false);
    const twice = await run(true);
    expect(twice.alarmRuns).toBeGreaterThan(once.alarmRuns);
    expect(twice.peak).toBe(once.peak);
    expect(twice.launched).toEqual(once.launched);
  });
});
