/**
 * "What it did and why" on the simulator (issue 17), with the functions exactly as serverless.yml
 * deploys them and every event delivered twice (ticks, alarms, lifecycle actions: duplicated triggers):
 * - decision events reach the default EventBridge bus once per decision — one scale-out event per
 *   scale-out write, one scale-in event per scale-in write, one drain event per drain started or
 *   completed, and a MaxSize hold repeated on every tick makes one event, not one per tick;
 * - the last decision is readable in one call (the SSM parameter) and is the last event's decision;
 * - every EMF document each function publishes carries exactly the dimensions metric-names.ts (and
 *   docs/observability.md) name for its metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionDetailTypes, type LastDecisionRecord } from '../../shared/core/decision/index.js';
import { MetricDimensions, type MetricName } from '../../shared/runtime/metric-names.js';
import { setEmfSink } from '../../shared/runtime/metrics.js';
import { createSim, type Sim } from '../../sim/index.js';

const CLUSTER = 'prod';
const MAX = 4;
/** Service web: 512 CPU units a task, three beside the daemon on an m5.large (2048 units). */
const PHASES = { grow: 60, beyondMax: 900, fall: 2400, end: 5400 };

interface Run {
  sim: Sim;
  emf: Record<string, unknown>[];
  /** EMF documents by the function that published them. */
  emfByFunction: Map<string, Record<string, unknown>[]>;
}

let run: Run;
const previous = process.env.DECISION_EVENTS;

const world = async (): Promise<Run> => {
  const sim = createSim({ seed: 17, sampleSeconds: 60 });
  sim.createCluster(CLUSTER);
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: CLUSTER,
    min: 1,
    max: MAX,
    desired: 2,
    instanceTypes: ['m5.large'],
    bootSeconds: 45,
    registerSeconds: 30,
    jitterSeconds: 0,
    tags: { 'ecs-autoscaler:cluster': CLUSTER },
    terminationHook: { name: 'drain', heartbeatTimeout: 600, defaultResult: 'CONTINUE' },
  });
  sim.createService({
    cluster: CLUSTER,
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  sim.createService({
    cluster: CLUSTER,
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 4,
    placementStrategy: [{ type: 'binpack', field: 'cpu' }],
  });
  // api: opted in to service scaling; its CPU is high from 300 s to 1200 s (docs/service-scaler.md).
  sim.registerTaskDefinition({ family: 'api', containers: [{ cpu: 256, memoryReservation: 512 }] });
  sim.createService({
    cluster: CLUSTER,
    name: 'api',
    taskDefinition: 'api',
    desiredCount: 1,
    tags: { 'ecs-autoscaler:service-scaling': 'enabled' },
  });
  sim.registerScalableTarget({ cluster: CLUSTER, service: 'api', min: 1, max: 3 });
  sim.install();
  const emf: Record<string, unknown>[] = [];
  const emfByFunction = new Map<string, Record<string, unknown>[]>();
  setEmfSink((doc) => {
    emf.push(doc);
    const fn = sim.lambdas.current?.fn ?? 'none';
    emfByFunction.set(fn, [...(emfByFunction.get(fn) ?? []), doc]);
    sim.cloudwatch.putEmf(doc);
  });
  await sim.loadServerless('serverless.yml');
  const cpu = {
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    Dimensions: [
      { Name: 'ClusterName', Value: CLUSTER },
      { Name: 'ServiceName', Value: 'api' },
    ],
    Statistic: 'Average' as const,
    Period: 60,
  };
  await sim.call('cloudwatch', 'PutMetricAlarm', {
    ...cpu,
    AlarmName: 'api-cpu-high',
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 70,
    EvaluationPeriods: 1,
  });
  await sim.call('cloudwatch', 'PutMetricAlarm', {
    ...cpu,
    AlarmName: 'api-cpu-low',
    ComparisonOperator: 'LessThanThreshold',
    Threshold: 30,
    EvaluationPeriods: 3,
  });
  sim.start();
  sim.clock.every(
    60,
    'ecs:api-cpu',
    () => {
      const t = sim.elapsedSeconds;
      const value = t >= 300 && t < 1200 ? 90 : 10;
      sim.cloudwatch.metrics.put(
        { namespace: cpu.Namespace, name: cpu.MetricName, dims: cpu.Dimensions },
        sim.nowMs,
        [value],
      );
    },
    30,
  );
  // Duplicated triggers: every delivery (schedule, alarm, lifecycle action, task stop) arrives twice.
  sim.faults.events({ kind: 'duplicate' });
  // 4 → 7 tasks: one more instance; 7 → 16: more than MaxSize 4 holds (12), the scaler holds at MaxSize
  // on every tick; 16 → 2: scale-in, drains, terminations.
  sim.at(PHASES.grow, () => sim.setDesiredCount(CLUSTER, 'web', 7));
  sim.at(PHASES.beyondMax, () => sim.setDesiredCount(CLUSTER, 'web', 16));
  sim.at(PHASES.fall, () => sim.setDesiredCount(CLUSTER, 'web', 2));
  await sim.runUntil(PHASES.end);
  return { sim, emf, emfByFunction };
};

beforeAll(async () => {
  process.env.DECISION_EVENTS = 'enabled';
  run = await world();
}, 180_000);

afterAll(() => {
  run?.sim.dispose();
  if (previous === undefined) delete process.env.DECISION_EVENTS;
  else process.env.DECISION_EVENTS = previous;
});

const events = (kind: keyof typeof DecisionDetailTypes) =>
  run.sim.eventBus.events.filter((e) => e.detailType === DecisionDetailTypes[kind]);
const writes = (command: string, match: (input: Record<string, unknown>) => boolean = () => true) =>
  run.sim.timeline.actions.filter((a) => a.command === command && !a.error && match(a.input));

describe('decision events on the simulator, every trigger duplicated', () => {
  it('runs the scenario without invariant violations', () => {
    // Tasks beyond what MaxSize holds wait by design (the MaxSize phase): that is the one violation allowed.
    expect(run.sim.violations.filter((v) => v.kind !== 'task-pending-too-long')).toEqual([]);
    expect(run.sim.eventBus.events.length).toBeGreaterThan(0);
    for (const e of run.sim.eventBus.events) expect(e.source).toBe('ecs-autoscaler');
  });

  it('puts one scale-out event per scale-out write', () => {
    const scaleOuts = writes('SetDesiredCapacity');
    expect(scaleOuts.length).toBeGreaterThanOrEqual(2);
    const outEvents = events('cluster-scale-out');
    expect(outEvents).toHaveLength(scaleOuts.length);
    expect(outEvents.map((e) => (e.detail.desired as { proposed: number }).proposed)).toEqual(
      scaleOuts.map((a) => a.input.DesiredCapacity),
    );
  });

  it('puts one scale-in event per scale-in write, naming the instances it drains', () => {
    const drains = writes('UpdateContainerInstancesState', (i) => i.status === 'DRAINING').filter(
      (a) => a.fn !== 'instance-drainer',
    );
    expect(drains.length).toBeGreaterThanOrEqual(1);
    const inEvents = events('cluster-scale-in');
    expect(inEvents).toHaveLength(drains.length);
    for (const e of inEvents) {
      expect((e.detail.instances as { drain: string[] }).drain.length).toBeGreaterThan(0);
      expect((e.detail.reasons as string[]).length).toBeGreaterThan(0);
    }
  });

  it('puts one "held at MaxSize" event for a hold repeated on every tick', () => {
    const held = events('cluster-hold').filter((e) => e.detail.guard === 'max-size');
    expect(held).toHaveLength(1);
    const ticksWhileHeld = run.sim.invocations.filter(
      (i) => i.t > held[0]!.t && i.t < PHASES.fall && /cluster/.test(i.fn),
    );
    expect(ticksWhileHeld.length).toBeGreaterThanOrEqual(5);
  });

  it('puts one event per drain started and per lifecycle action completed', () => {
    const completed = writes('CompleteLifecycleAction');
    expect(completed.length).toBeGreaterThanOrEqual(1);
    const done = [...events('drain-completed'), ...events('drain-hit-max-time')];
    expect(done).toHaveLength(completed.length);
    expect(new Set(done.map((e) => e.detail.instanceId)).size).toBe(done.length);
    const started = events('drain-started');
    expect(new Set(started.map((e) => e.detail.instanceId)).size).toBe(started.length);
  });

  it('never repeats a decision for the same subject back to back', () => {
    const bySubject = new Map<string, string[]>();
    for (const e of run.sim.eventBus.events) {
      const d = e.detail as { cluster: string; service?: string; instanceId?: string; decisionId: string };
      const key = [d.cluster, d.service ?? '', d.instanceId ?? ''].join('/');
      bySubject.set(key, [...(bySubject.get(key) ?? []), d.decisionId]);
    }
    for (const ids of bySubject.values()) {
      for (let i = 1; i < ids.length; i++) expect(ids[i]).not.toBe(ids[i - 1]);
    }
  });

  it('puts one service event per service step the service scaler applied', () => {
    const steps = writes('UpdateService', (i) => i.service === 'api').filter(
      (a) => a.fn === 'service-scaler',
    );
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const svc = [...events('service-scale-out'), ...events('service-scale-in')];
    expect(svc).toHaveLength(steps.length);
    expect(svc.every((e) => e.detail.service === 'api')).toBe(true);
  });

  it('keeps the last cluster decision in /ecs-autoscaler/<cluster>/last-decision', () => {
    const param = run.sim.ssm.parameters.get(`/ecs-autoscaler/${CLUSTER}/last-decision`);
    expect(param).toBeDefined();
    const record = JSON.parse(param!.value) as LastDecisionRecord;
    const last = run.sim.eventBus.events.filter((e) => String(e.detail.kind).startsWith('cluster-')).at(-1)!;
    expect(record.decisionId).toBe(last.detail.decisionId);
    expect(record.detailType).toBe(last.detailType);
  });
});

describe('EMF output of each function', () => {
  it('carries exactly the documented dimensions on every metric', () => {
    expect(run.emf.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const doc of run.emf) {
      const aws = doc._aws as {
        CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
      for (const directive of aws.CloudWatchMetrics) {
        for (const { Name } of directive.Metrics) {
          seen.add(Name);
          const documented = MetricDimensions[Name as MetricName];
          expect(documented, `${Name} is not in metric-names.ts`).toBeDefined();
          expect(
            directive.Dimensions.map((set) => [...set].sort()),
            Name,
          ).toEqual([[...documented].sort()]);
          for (const dim of documented) expect(typeof doc[dim], `${Name} ${dim}`).toBe('string');
        }
      }
    }
    for (const m of ['ReservationPercent', 'SchedulableTasks', 'ScaleOutInstances', 'ScaleInInstances']) {
      expect(seen).toContain(m);
    }
    expect(seen).toContain('LifecycleActionsCompleted');
    expect(seen).toContain('ServiceScaleOut');
  });

  it('publishes from the cluster-deciding function and the drainer', () => {
    const fns = [...run.emfByFunction.keys()];
    expect(fns).toContain('instance-drainer');
    expect(fns).toContain('service-scaler');
    expect(fns.some((f) => f.startsWith('cluster'))).toBe(true);
  });
});
