import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { ConfigurationError, NotFoundError } from '../../../shared/core/errors.js';
import { planService, TARGET_ONLY_OPT_IN } from '../../../shared/core/service/planner.js';
import { SERVICE_TAGS } from '../../../shared/core/service/policy.js';
import { previewServiceAlarms } from '../../../shared/core/service/preview.js';
import { alarm, buildSnapshot, type ClusterShape, NOW } from './builders.js';

/** Roomy cluster: 3 instances, each with room for 2 more tasks; the service runs 6 tasks. */
const roomy: ClusterShape = { freeCpu: [1024, 1024, 1024], tasks: 6 };
const plan = (shape: ClusterShape, signal = alarm(80), options = {}) =>
  planService(buildSnapshot(shape), signal, { clusterPolicy: DEFAULT_CLUSTER_POLICY, ...options }, NOW);

describe('planService: direction, steps and bounds', () => {
  it.each([
    // name, shape, alarm value, comparison, action, proposed
    ['high alarm just above the threshold adds one task', roomy, 75, 'greater', 'scale-out', 7],
    ['high alarm 15 points above adds two', roomy, 85, 'greater', 'scale-out', 8],
    ['high alarm 30 points above adds 50 %', roomy, 100, 'greater', 'scale-out', 9],
    [
      'scale-out is capped at the target max',
      { ...roomy, target: { MaxCapacity: 7 } },
      100,
      'greater',
      'scale-out',
      7,
    ],
    ['at the max: hold', { ...roomy, target: { MaxCapacity: 6 } }, 100, 'greater', 'hold', 6],
    [
      'above the max: hold (never moves against the alarm)',
      { ...roomy, target: { MaxCapacity: 4 } },
      100,
      'greater',
      'hold',
      6,
    ],
    ['low alarm removes one task', roomy, 20, 'less', 'scale-in', 5],
    ['scale-in never goes below min', { ...roomy, target: { MinCapacity: 6 } }, 20, 'less', 'hold', 6],
    [
      'a big scale-in step stops at min',
      { ...roomy, target: { MinCapacity: 4 }, tags: { [SERVICE_TAGS.scaleInStep]: '-5' } },
      20,
      'less',
      'scale-in',
      4,
    ],
    [
      'bounds from tags when there is no target',
      { ...roomy, target: null, tags: { [SERVICE_TAGS.minTasks]: '1', [SERVICE_TAGS.maxTasks]: '7' } },
      100,
      'greater',
      'scale-out',
      7,
    ],
    [
      'a dead band: no step that close to the threshold',
      { ...roomy, tags: { [SERVICE_TAGS.scaleOutStep]: '10:+1' } },
      75,
      'greater',
      'hold',
      6,
    ],
  ] as const)('%s', (_name, shape, value, comparison, action, proposed) => {
    const p = plan(shape, alarm(value, { comparison, threshold: comparison === 'greater' ? 70 : 30 }));
    expect(p.action).toBe(action);
    expect(p.desiredCount).toEqual({ current: 6, proposed });
    expect(p.reasons.length).toBeGreaterThan(0);
  });

  it.each([
    [
      'not opted in',
      { ...roomy, tags: { [SERVICE_TAGS.scaling]: 'disabled' } },
      alarm(90),
      'does not opt in',
    ],
    ['no bounds', { ...roomy, target: null }, alarm(90), 'no scalable target'],
    [
      'scale-out suspended',
      { ...roomy, target: { SuspendedState: { DynamicScalingOutSuspended: true } } },
      alarm(90),
      'DynamicScalingOutSuspended',
    ],
    [
      'scale-in suspended',
      { ...roomy, target: { SuspendedState: { DynamicScalingInSuspended: true } } },
      alarm(10, { comparison: 'less', threshold: 30 }),
      'DynamicScalingInSuspended',
    ],
    ['own policies', { ...roomy, policies: ['cpu-target-tracking'] }, alarm(90), 'WARNING'],
    ['unknown side', roomy, alarm(90, { comparison: undefined }), 'high or a low alarm'],
  ] as const)('skips when %s, saying why', (_name, shape, signal, reason) => {
    const p = plan(shape, signal);
    expect(p.action).toBe('skip');
    expect(p.desiredCount.proposed).toBe(6);
    expect(p.reasons.join(' ')).toContain(reason);
  });

  it('scales despite the target policies when told to take over', () => {
    const p = plan({ ...roomy, policies: ['cpu'], tags: { [SERVICE_TAGS.takeOver]: 'true' } });
    expect(p.action).toBe('scale-out');
    expect(p.reasons.join(' ')).toContain('taking over');
  });

  it.each(['OK', 'INSUFFICIENT_DATA'] as const)('holds when the alarm is %s', (state) => {
    const p = plan(roomy, alarm(50, { state }));
    expect(p.action).toBe('hold');
    expect(p.reasons[0]).toContain(state);
  });

  it('skips a DAEMON service', () => {
    const snapshot = buildSnapshot(roomy);
    snapshot.services[0]!.schedulingStrategy = 'DAEMON';
    expect(planService(snapshot, alarm(90), {}, NOW).action).toBe('skip');
  });

  it.each(['DRAINING', 'INACTIVE'])(
    'skips a deleted service (%s: its alarm may still fire) and proposes no change',
    (status) => {
      const snapshot = buildSnapshot(roomy);
      snapshot.services[0]!.status = status;
      const p = planService(snapshot, alarm(90), {}, NOW);
      expect(p.action).toBe('skip');
      expect(p.reasons.join(' ')).toContain(`service status is ${status}, not ACTIVE`);
      expect(p.desiredCount.proposed).toBe(p.desiredCount.current);
      expect(p.clusterGrowth).toBeUndefined();
      expect(p.record).toBeUndefined();
    },
  );

  it('throws a ConfigurationError for a bad tag, naming it', () => {
    expect(() => plan({ ...roomy, tags: { [SERVICE_TAGS.scaleOutStep]: '+50 percent please' } })).toThrow(
      ConfigurationError,
    );
  });

  it('throws NotFoundError for a service that is not in the cluster', () => {
    expect(() => plan(roomy, alarm(90, { service: 'nope' }))).toThrow(NotFoundError);
  });

  it('marks the plan dry-run from the env flag or the tag', () => {
    expect(plan(roomy, alarm(90), { dryRun: true }).dryRun).toBe(true);
    expect(plan({ ...roomy, tags: { [SERVICE_TAGS.dryRun]: 'true' } }).dryRun).toBe(true);
    expect(plan(roomy).dryRun).toBe(false);
  });
});

describe('planService: the opt-in lives on the service', () => {
  const untagged = (shape: ClusterShape = roomy) => {
    const snapshot = buildSnapshot(shape);
    snapshot.services[0]!.tags = [];
    return snapshot;
  };
  const onTarget = { [SERVICE_TAGS.scaling]: 'enabled' };

  it('skips a service whose opt-in is on its scalable target only, saying to tag the service', () => {
    const p = planService(untagged(), alarm(100), { targetTags: onTarget }, NOW);
    expect(p.action).toBe('skip');
    expect(p.desiredCount).toEqual({ current: 6, proposed: 6 });
    expect(p.reasons).toEqual([TARGET_ONLY_OPT_IN]);
    expect(p.reasons[0]).toContain('is on the scalable target only; tag the service itself');
    expect(p.record).toBeUndefined();
  });

  it('never plans cluster growth for it, even when the tasks would not fit', () => {
    const p = planService(
      untagged({ freeCpu: [0, 0, 512], tasks: 11 }),
      alarm(100),
      { targetTags: onTarget, clusterPolicy: DEFAULT_CLUSTER_POLICY },
      NOW,
    );
    expect(p.action).toBe('skip');
    expect(p.clusterGrowth).toBeUndefined();
  });

  it.each([
    ['the target has no opt-in either', untagged, {}],
    ['the target tags were not read', untagged, undefined],
    [
      'the service opts out itself',
      () => buildSnapshot({ ...roomy, tags: { [SERVICE_TAGS.scaling]: 'disabled' } }),
      onTarget,
    ],
  ] as const)('says the service does not opt in when %s', (_name, build, targetTags) => {
    const p = planService(build(), alarm(100), targetTags ? { targetTags } : {}, NOW);
    expect(p.action).toBe('skip');
    expect(p.reasons[0]).toContain(`does not opt in: tag the service itself ${SERVICE_TAGS.scaling}=enabled`);
  });

  it('takes no setting from the target tags', () => {
    const p = plan(roomy, alarm(75), { targetTags: { [SERVICE_TAGS.scaleOutStep]: '+5' } });
    expect(p.desiredCount).toEqual({ current: 6, proposed: 7 }); // the default first step, +1
  });
});

describe('planService: cooldowns and idempotency', () => {
  const recorded = (value: string): ClusterShape => ({
    ...roomy,
    tags: { [SERVICE_TAGS.lastScaling]: value },
  });

  it('records its intent with the alarm transition', () => {
    const p = plan(roomy, alarm(75));
    expect(p.record).toBe('scale-out 6 to 7 at 2024-05-01T10:00:00.000Z alarm 2024-05-01T09:59:58.000+0000');
  });

  it('holds a duplicate of the event it already applied (the record names the transition)', () => {
    const first = plan({ ...roomy, tasks: 5 }, alarm(75));
    expect(first.action).toBe('scale-out');
    const after = plan({ ...recorded(first.record!), tasks: 6 }, alarm(75));
    expect(after.action).toBe('hold');
    expect(after.desiredCount).toEqual({ current: 6, proposed: 6 });
  });

  it('holds during the scale-out cooldown, then scales again', () => {
    const value = 'scale-out 4 to 6 at 2024-05-01T09:59:30.000Z alarm OTHER';
    expect(plan(recorded(value), alarm(75)).action).toBe('hold');
    const later = new Date('2024-05-01T10:00:31.000Z');
    const p = planService(buildSnapshot(recorded(value)), alarm(75), {}, later);
    expect(p.action).toBe('scale-out');
  });

  it('re-applies an intent that was recorded but never written', () => {
    const p = plan(recorded('scale-out 6 to 9 at 2024-05-01T09:59:50.000Z alarm OTHER'), alarm(75));
    expect(p.action).toBe('scale-out');
    expect(p.desiredCount.proposed).toBe(9);
  });

  it.each([
    // seconds since the last scale-out (4 to 6), tasks running of 6, action
    [120, 4, 'hold'],
    [120, 6, 'scale-out'],
    [301, 4, 'scale-out'],
  ] as const)('warm-up: %i s after a scale-out with %i of 6 running → %s', (ago, runningTasks, action) => {
    const at = new Date(NOW.getTime() - ago * 1000).toISOString();
    const snapshot = buildSnapshot({ ...recorded(`scale-out 4 to 6 at ${at}`), tasks: 6 });
    snapshot.services[0]!.runningCount = runningTasks;
    const p = planService(snapshot, alarm(75), {}, NOW);
    expect(p.action).toBe(action);
    if (action === 'hold') expect(p.reasons.join(' ')).toContain('warming up');
  });

  it('waits the scale-in cooldown after a scale-out', () => {
    const value = 'scale-out 4 to 6 at 2024-05-01T09:56:00.000Z';
    const low = alarm(10, { comparison: 'less', threshold: 30 });
    expect(plan(recorded(value), low).action).toBe('hold');
    const p = planService(buildSnapshot(recorded(value)), low, {}, new Date('2024-05-01T10:01:00.000Z'));
    expect(p.action).toBe('scale-in');
  });
});

describe('planService: cluster-aware scale-out', () => {
  const full: ClusterShape = { freeCpu: [0, 0, 512], tasks: 11 };

  it('grows the ASG when the new tasks do not fit', () => {
    const p = plan(full, alarm(100)); // +50 % of 11 = 5 tasks; 1 fits
    expect(p.action).toBe('scale-out');
    expect(p.desiredCount).toEqual({ current: 11, proposed: 16 });
    expect(p.clusterGrowth).toMatchObject({ autoScalingGroup: 'web-asg', desiredCapacity: { current: 3 } });
    // 4 tasks of 512 CPU = one 2048-CPU instance, plus one more for the planner's headroom.
    expect([4, 5]).toContain(p.clusterGrowth!.desiredCapacity.proposed);
    expect(p.clusterGrowth!.reasons.join(' ')).toContain('do not fit');
    expect(p.clusterGrowth!.clusterPlan.stateTags['ecs-autoscaler:last-scale-out']).toBe(NOW.toISOString());
  });

  it('holds a scale-out whose new tasks could never run (no instance type meets their constraint)', () => {
    const snapshot = buildSnapshot(full);
    snapshot.services[0]!.placementConstraints = [
      { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ p3.*' },
    ];
    const p = planService(snapshot, alarm(100), { clusterPolicy: DEFAULT_CLUSTER_POLICY }, NOW);
    expect(p.action).toBe('hold');
    expect(p.desiredCount).toEqual({ current: 11, proposed: 11 });
    expect(p.clusterGrowth).toBeUndefined();
    expect(p.record).toBeUndefined();
    expect(p.reasons.join(' ')).toMatch(/held: the new tasks could never run.*memberOf|can never be placed/);
    // The same alarm on the same cluster without the constraint scales out.
    expect(plan(full, alarm(100)).action).toBe('scale-out');
  });

  it("respects the cluster's own guards (here its scale-out cooldown)", () => {
    const snapshot = buildSnapshot(full);
    snapshot.autoScalingGroups[0]!.Tags.push({
      Key: 'ecs-autoscaler:last-scale-out',
      Value: new Date(NOW.getTime() - 10_000).toISOString(),
    });
    const p = planService(snapshot, alarm(100), { clusterPolicy: DEFAULT_CLUSTER_POLICY }, NOW);
    expect(p.action).toBe('scale-out');
    expect(p.clusterGrowth).toBeUndefined();
    expect(p.reasons.join(' ')).toContain('cooldown');
  });

  it('does not grow the ASG when the new tasks fit on free space', () => {
    const p = plan(roomy, alarm(100));
    expect(p.action).toBe('scale-out');
    expect(p.clusterGrowth).toBeUndefined();
    expect(p.reasons.join(' ')).toContain('fit on the cluster');
  });

  it('counts instances still booting as room', () => {
    const p = plan({ ...full, asgDesired: 5 }, alarm(100));
    expect(p.clusterGrowth).toBeUndefined();
    expect(p.reasons.join(' ')).toContain('2 instance(s) still booting');
  });

  it('caps the growth at the group MaxSize', () => {
    const p = plan({ ...full, asgMax: 4 }, alarm(100));
    expect(p.clusterGrowth?.desiredCapacity).toEqual({ current: 3, proposed: 4 });
    expect(p.clusterGrowth?.reasons.join(' ')).toContain('MaxSize 4');
  });

  it('never grows an ASG in dry run, but still scales the service and says why', () => {
    const p = plan(full, alarm(100), { clusterPolicy: { ...DEFAULT_CLUSTER_POLICY, dryRun: true } });
    expect(p.action).toBe('scale-out');
    expect(p.dryRun).toBe(false);
    expect(p.desiredCount).toEqual({ current: 11, proposed: 16 });
    expect(p.clusterGrowth).toBeUndefined();
    const why = p.reasons.join(' ');
    expect(why).toContain('Auto Scaling group is in dry run (ASG tag ecs-autoscaler:dry-run=true)');
    expect(why).toMatch(
      /it would grow web-asg from 3 to [45] instance\(s\): the new tasks wait for capacity/,
    );
  });

  it('says the tasks fit, not that they wait, when an ASG in dry run need not grow', () => {
    const p = plan(roomy, alarm(100), { clusterPolicy: { ...DEFAULT_CLUSTER_POLICY, dryRun: true } });
    expect(p.action).toBe('scale-out');
    expect(p.clusterGrowth).toBeUndefined();
    expect(p.reasons.join(' ')).toContain('fit on the cluster');
    expect(p.reasons.join(' ')).not.toContain('wait for capacity');
  });

  it('leaves the cluster alone with cluster-aware=false', () => {
    const p = plan({ ...full, tags: { [SERVICE_TAGS.clusterAware]: 'false' } }, alarm(100));
    expect(p.action).toBe('scale-out');
    expect(p.clusterGrowth).toBeUndefined();
  });

  it('never grows the cluster on a scale-in', () => {
    expect(plan(full, alarm(10, { comparison: 'less', threshold: 30 })).clusterGrowth).toBeUndefined();
  });

  it('does not mutate the snapshot', () => {
    const snapshot = buildSnapshot(full);
    const before = structuredClone(snapshot);
    planService(snapshot, alarm(100), {}, NOW);
    expect(snapshot).toEqual(before);
  });
});

describe('planService: properties', () => {
  it('keeps the proposal within bounds and never moves against the alarm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (tasks, min, span, high, value) => {
          const max = min + span;
          const p = planService(
            buildSnapshot({ freeCpu: [2048], tasks, target: { MinCapacity: min, MaxCapacity: max } }),
            alarm(value, { comparison: high ? 'greater' : 'less', threshold: 50 }),
            { clusterPolicy: DEFAULT_CLUSTER_POLICY },
            NOW,
          );
          const { current, proposed } = p.desiredCount;
          if (p.action === 'scale-out') expect(proposed > current && proposed <= max).toBe(true);
          else if (p.action === 'scale-in') expect(proposed < current && proposed >= min).toBe(true);
          else expect(proposed).toBe(current);
          expect(p.action === 'scale-out' ? high : p.action === 'scale-in' ? !high : true).toBe(true);
        },
      ),
    );
  });
});

describe('previewServiceAlarms', () => {
  it('shows what each alarm of the cluster would do now, without throwing for a bad one', () => {
    const snapshot = buildSnapshot(roomy);
    const rows = previewServiceAlarms(
      snapshot,
      [
        alarm(90),
        alarm(10, { alarmName: 'api-cpu-low', comparison: 'less', threshold: 30 }),
        alarm(90, { alarmName: 'ghost', service: 'ghost' }),
        alarm(90, { alarmName: 'elsewhere', cluster: 'other' }),
      ],
      NOW,
    );
    expect(rows.map((r) => [r.alarm, r.action, r.desiredCount.proposed])).toEqual([
      ['api-cpu-high', 'scale-out', 8],
      ['api-cpu-low', 'scale-in', 5],
      ['ghost', 'skip', 0],
    ]);
    expect(rows.every((r) => r.dryRun)).toBe(true);
    expect(rows[2]!.reasons[0]).toContain("names service 'ghost'");
  });

  it('explains a target-only opt-in from the target tags it is given', () => {
    const snapshot = buildSnapshot(roomy);
    snapshot.services[0]!.tags = [];
    const rows = previewServiceAlarms(snapshot, [alarm(90)], NOW, {
      targetTags: { api: { [SERVICE_TAGS.scaling]: 'enabled' } },
    });
    expect(rows.map((r) => r.action)).toEqual(['skip']);
    expect(rows[0]!.reasons).toContain(TARGET_ONLY_OPT_IN);
  });
});
