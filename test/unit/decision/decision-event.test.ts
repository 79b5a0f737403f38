/**
 * Decision event payloads (docs/observability.md "Decision events"): which plans make an event, its
 * detail-type, guard, id and shape. Plans come from the real planners where the guard is the planner's
 * own wording, so a rephrased reason that the classifier no longer recognises fails here.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterPlan } from '../../../shared/core/cluster/index.js';
import {
  clusterDecisionEvent,
  DECISION_EVENT_SOURCE,
  DecisionDetailTypes,
  drainDecisionEvent,
  fnv1a64,
  guardOf,
  lastDecisionParameterName,
  lastDecisionValue,
  MAX_PARAMETER_VALUE_BYTES,
  parseLastDecision,
  serviceDecisionEvent,
} from '../../../shared/core/decision/index.js';
import type { DrainPlan } from '../../../shared/core/drain/index.js';
import type { ServicePlan } from '../../../shared/core/service/index.js';
import {
  ago,
  type ClusterSpec,
  emptyPlan,
  fleet,
  NOW,
  planOf,
  snapshotOf,
  unregisteredFor,
} from '../planner/builders.js';

const FULL = { usedCpu: 4096, usedMem: 8192, running: 2 };
/** Two instances, neither fits one more 1024/1024 task: the planner wants one more instance. */
const fragmented = (extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  instances: [
    { id: 'i-00000000000000001', usedCpu: 4096, usedMem: 1024, running: 4 },
    { id: 'i-00000000000000002', usedCpu: 1024, usedMem: 8192, running: 1 },
  ],
  services: [{ name: 'web', cpu: 1024, mem: 1024, desired: 5 }],
  ...extra,
});

const holdPlan = (reasons: string[]): ClusterPlan => emptyPlan({ reasons });

describe('cluster decision events', () => {
  it('describes a scale-out with its capacity change, reasons and the documented detail-type', () => {
    const plan = planOf(snapshotOf(fragmented()));
    expect(plan.action).toBe('scale-out');
    const event = clusterDecisionEvent(plan, NOW)!;
    expect(event.source).toBe('ecs-autoscaler');
    expect(event.detailType).toBe('ECS Autoscaler Cluster Scale-Out');
    expect(event.subject).toEqual({ cluster: plan.cluster });
    expect(event.detail).toMatchObject({
      version: '1',
      kind: 'cluster-scale-out',
      action: 'scale-out',
      cluster: plan.cluster,
      desired: { current: 2, proposed: 3 },
      instances: { drain: [], terminate: [], activate: [] },
      decidedAt: NOW.toISOString(),
    });
    expect(event.detail.decisionId).toMatch(/^[0-9a-f]{16}$/);
    expect(event.detail.reasons).toEqual(plan.reasons);
    expect(event.detail.guard).toBeUndefined();
  });

  it.each([
    {
      guard: 'cooldown',
      spec: fragmented({ group: { tags: { 'ecs-autoscaler:last-scale-out': ago(30) } } }),
      policy: { scaleOutCooldownSeconds: 60 },
    },
    {
      guard: 'max-size',
      spec: {
        instances: fleet(2, FULL),
        services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 10, running: 7 }],
        group: { max: 2 },
      },
      policy: {},
    },
    {
      guard: 'backoff',
      spec: fragmented({
        group: {
          desired: 3,
          unregistered: ['i-00000000000000099'],
          tags: { 'ecs-autoscaler:last-scale-out': ago(700), ...unregisteredFor(1, 700) },
        },
      }),
      policy: {},
    },
    {
      guard: 'unplaceable-tasks',
      spec: {
        instances: fleet(2),
        services: [{ name: 'huge', cpu: 8192, mem: 1024, desired: 1, running: 0 }],
        group: { min: 2 },
      },
      policy: {},
    },
  ] as const)(
    'makes a "Cluster Scaling Held" event for a hold the $guard guard caused',
    ({ guard, spec, policy }) => {
      const plan = planOf(snapshotOf(spec as ClusterSpec), policy);
      expect(plan.action).toBe('hold');
      const event = clusterDecisionEvent(plan, NOW)!;
      expect(event.detailType).toBe(DecisionDetailTypes['cluster-hold']);
      expect(event.detail.kind).toBe('cluster-hold');
      expect(event.detail.guard).toBe(guard);
    },
  );

  it('makes a conflict event when another controller drives the group (the planner stands aside)', () => {
    const plan = planOf(snapshotOf(fragmented({ group: { tags: { AmazonECSManaged: '' } } })));
    expect(plan.action).toBe('hold');
    expect(clusterDecisionEvent(plan, NOW)?.detail.guard).toBe('conflict');
  });

  it('makes a cooldown event when idle instances wait for the scale-in cooldown', () => {
    const plan = planOf(
      snapshotOf({
        instances: fleet(4),
        services: [{ name: 'web', cpu: 256, mem: 256, desired: 1 }],
        group: { desired: 4, tags: { 'ecs-autoscaler:last-scale-out': ago(120) } },
      }),
    );
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).toMatch(/scale-in cooldown:/);
    expect(clusterDecisionEvent(plan, NOW)?.detail.guard).toBe('cooldown');
  });

  it('makes a halt event when most instances are unhealthy', () => {
    const spec = fragmented();
    spec.instances = [
      ...spec.instances!.map((i) => ({ ...i, healthy: false })),
      { id: 'i-00000000000000003', ...FULL },
    ];
    const event = clusterDecisionEvent(planOf(snapshotOf(spec)), NOW)!;
    expect(event.detail.guard).toBe('halt');
  });

  it.each([
    [
      'conflict',
      'the group conflicts with ECS managed scaling (capacity provider cp-1): the scaler stands aside',
    ],
    ['crash-loop', 'service web is in a crash loop (12 failed tasks): not scaling out for it'],
    ['unplaceable-tasks', '2 unplaceable task(s) of web: no instance type can run them'],
  ] as const)('recognises the %s guard by its words', (guard, reason) => {
    expect(clusterDecisionEvent(holdPlan([reason]), NOW)?.detail.guard).toBe(guard);
  });

  it.each([
    ['unplaceable-tasks', 'unplaceable'],
    ['crash-loop', 'crash-loop'],
  ] as const)("takes the %s guard from the planner's waiting tasks", (guard, kind) => {
    const plan = {
      ...holdPlan(['nothing to add']),
      waitingTasks: [{ service: 'arm', kind, count: 2 }] as unknown as ClusterPlan['waitingTasks'],
    };
    expect(clusterDecisionEvent(plan, NOW)?.detail.guard).toBe(guard);
  });

  it('makes no event for a hold no guard caused', () => {
    const plan = planOf(
      snapshotOf({
        instances: fleet(2),
        services: [{ name: 'web', cpu: 256, mem: 256, desired: 2 }],
        group: { min: 2 },
      }),
    );
    expect(plan.action).toBe('hold');
    expect(clusterDecisionEvent(plan, NOW)).toBeUndefined();
    expect(
      clusterDecisionEvent(
        holdPlan(['2 unplaced task(s) fit on the current free space: waiting for ECS']),
        NOW,
      ),
    ).toBeUndefined();
  });

  it('names terminations and reactivations in their own kinds', () => {
    const terminate = { ...holdPlan(['i-1 is drained and empty: terminate it']), terminate: ['i-1'] };
    expect(clusterDecisionEvent(terminate, NOW)?.detailType).toBe(
      'ECS Autoscaler Cluster Instances Terminated',
    );
    const activate = {
      ...holdPlan(['demand came back']),
      activate: [{ containerInstanceArn: 'a', ec2InstanceId: 'i-2' }],
    };
    const event = clusterDecisionEvent(activate, NOW)!;
    expect(event.detailType).toBe('ECS Autoscaler Cluster Instances Reactivated');
    expect(event.detail.instances?.activate).toEqual(['i-2']);
  });

  it('gives the same decision the same id whatever the time and the wording of its reasons', () => {
    const a = holdPlan(['cooldown: the last scaling action was 12 s ago; scale-out waits 30 s']);
    const b = holdPlan(['cooldown: the last scaling action was 41 s ago; scale-out waits 30 s']);
    const later = new Date(NOW.getTime() + 60_000);
    expect(clusterDecisionEvent(a, NOW)!.detail.decisionId).toBe(
      clusterDecisionEvent(b, later)!.detail.decisionId,
    );
  });

  it('gives a different decision a different id', () => {
    const base = planOf(snapshotOf(fragmented()));
    const id = clusterDecisionEvent(base, NOW)!.detail.decisionId;
    const bigger = structuredClone(base);
    bigger.desiredCapacity.proposed += 1;
    expect(clusterDecisionEvent(bigger, NOW)!.detail.decisionId).not.toBe(id);
    const other = { ...structuredClone(base), cluster: 'other' };
    expect(clusterDecisionEvent(other, NOW)!.detail.decisionId).not.toBe(id);
    const held = holdPlan(['halted: 2 of 3 instance(s) are unhealthy']);
    const cooled = holdPlan(['cooldown: the last scaling action was 2 s ago']);
    expect(clusterDecisionEvent(held, NOW)!.detail.decisionId).not.toBe(
      clusterDecisionEvent(cooled, NOW)!.detail.decisionId,
    );
  });

  it('serialises to JSON and back unchanged (EventBridge detail is a JSON string)', () => {
    const event = clusterDecisionEvent(planOf(snapshotOf(fragmented())), NOW)!;
    expect(JSON.parse(JSON.stringify(event.detail))).toEqual(event.detail);
  });
});

const servicePlan = (over: Partial<ServicePlan>): ServicePlan => ({
  action: 'scale-out',
  cluster: 'prod',
  service: 'web',
  alarm: 'web-cpu-high',
  desiredCount: { current: 4, proposed: 6 },
  reasons: [
    'AWS/ECS CPUUtilization is 12 above the threshold 70: +2 tasks',
    'desired count 4 to 6, within 2..20 (tags)',
  ],
  dryRun: false,
  ...over,
});

describe('service decision events', () => {
  it('describes a service scale-out with the service and its desired count', () => {
    const event = serviceDecisionEvent(servicePlan({}), NOW)!;
    expect(event.detailType).toBe('ECS Autoscaler Service Scale-Out');
    expect(event.subject).toEqual({ cluster: 'prod', service: 'web' });
    expect(event.detail).toMatchObject({
      kind: 'service-scale-out',
      service: 'web',
      desired: { current: 4, proposed: 6 },
    });
  });

  it.each([
    [
      'cooldown',
      'scale-out cooldown of 300 s after the scale-out at 2026-11-22T11:58:00.000Z lasts until 2026-11-22T12:03:00.000Z',
    ],
    ['max-size', 'desired count 20 is already at or above the maximum of 2..20 (tags)'],
  ] as const)('makes a "Service Scaling Held" event for a %s hold', (guard, reason) => {
    const event = serviceDecisionEvent(
      servicePlan({ action: 'hold', desiredCount: { current: 20, proposed: 20 }, reasons: [reason] }),
      NOW,
    )!;
    expect(event.detailType).toBe('ECS Autoscaler Service Scaling Held');
    expect(event.detail.guard).toBe(guard);
  });

  it('makes no event for a skip or a duplicate alarm transition', () => {
    expect(
      serviceDecisionEvent(servicePlan({ action: 'skip', reasons: ['not opted in'] }), NOW),
    ).toBeUndefined();
    const duplicate = servicePlan({
      action: 'hold',
      reasons: ['this alarm transition (2026-11-22T11:59:00.000+0000) was already handled: scale-out 4→6'],
    });
    expect(serviceDecisionEvent(duplicate, NOW)).toBeUndefined();
  });
});

const drainPlan = (over: Partial<DrainPlan>): DrainPlan => ({
  action: 'set-draining',
  trigger: 'lifecycle-action',
  instanceId: 'i-0abc',
  asgName: 'prod-asg',
  steps: [],
  reasons: ['lifecycle action: set the instance DRAINING'],
  blockingTasks: [],
  tasksToMove: 3,
  lastOfServices: [],
  dryRun: false,
  ...over,
});

describe('drain decision events', () => {
  it('makes one event per applied drain write, none for a write that did not happen', () => {
    const started = drainDecisionEvent('prod', drainPlan({}), { drainingSet: true, completed: false }, NOW)!;
    expect(started.detailType).toBe('ECS Autoscaler Instance Drain Started');
    expect(started.detail).toMatchObject({ instanceId: 'i-0abc', tasks: 3, autoScalingGroup: 'prod-asg' });
    expect(started.subject).toBeUndefined();
    expect(
      drainDecisionEvent('prod', drainPlan({}), { drainingSet: false, completed: false }, NOW),
    ).toBeUndefined();
  });

  it('tells a completion from one forced by the maximum drain time', () => {
    const done = drainDecisionEvent(
      'prod',
      drainPlan({ action: 'complete', drainSeconds: 95.4 }),
      { drainingSet: false, completed: true },
      NOW,
    )!;
    expect(done.detailType).toBe('ECS Autoscaler Instance Drain Completed');
    expect(done.detail.drainSeconds).toBe(95);
    const forced = drainDecisionEvent(
      'prod',
      drainPlan({ action: 'force-complete', drainSeconds: 3600, blockingTasks: ['t1', 't2'] }),
      { drainingSet: false, completed: true },
      NOW,
    )!;
    expect(forced.detailType).toBe('ECS Autoscaler Instance Drain Hit Max Time');
    expect(forced.detail.tasks).toBe(2);
  });
});

describe('last-decision record', () => {
  it('is named per cluster, and per service under its cluster', () => {
    expect(lastDecisionParameterName({ cluster: 'prod' })).toBe('/ecs-autoscaler/prod/last-decision');
    expect(lastDecisionParameterName({ cluster: 'prod', service: 'web' })).toBe(
      '/ecs-autoscaler/prod/services/web/last-decision',
    );
  });

  it('round-trips through the parameter value', () => {
    const event = clusterDecisionEvent(planOf(snapshotOf(fragmented())), NOW)!;
    expect(parseLastDecision(lastDecisionValue(event))).toEqual({
      detailType: event.detailType,
      ...event.detail,
    });
    expect(parseLastDecision('not json')).toBeUndefined();
    expect(parseLastDecision('{"x":1}')).toBeUndefined();
  });

  it('fits a standard parameter (4 KB) however many reasons the plan has', () => {
    const plan = holdPlan(Array.from({ length: 60 }, (_, i) => `halted: reason ${i} ${'x'.repeat(700)}`));
    const value = lastDecisionValue(clusterDecisionEvent(plan, NOW)!);
    expect(new TextEncoder().encode(value).length).toBeLessThanOrEqual(MAX_PARAMETER_VALUE_BYTES);
    const record = parseLastDecision(value)!;
    expect(record.reasons.at(-1)).toMatch(/more reason\(s\) in the event/);
    expect(record.decisionId).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('helpers', () => {
  it('hashes with FNV-1a 64 (published test vectors)', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('finds no guard in reasons that name none', () => {
    expect(guardOf(['first-fit placement needs 2 more instance(s)'])).toBeUndefined();
    expect(DECISION_EVENT_SOURCE).toBe('ecs-autoscaler');
  });
});
