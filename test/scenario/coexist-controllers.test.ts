/**
 * Issue 14, second bullet: a group another controller drives (ECS capacity-provider managed scaling,
 * the group's own scaling policy, a scheduled action that sets desired capacity) gets nothing written by
 * the scaler, and the Conflicts metric says so; bounds-only scheduled actions and a capacity provider
 * with managed scaling off coexist; with a second terminate hook the drainer completes only its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCapacityProvider } from '../../sim/coexist.js';
import type { Sim } from '../../sim/index.js';
import {
  ASG,
  attachManagedCapacityProvider,
  CLUSTER,
  coexistWorld,
  killedJobs,
  otherTerminateHook,
  startWorld,
  writesBy,
} from './coexist-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** The scaler's writes to the group and its instances. */
const scalerWrites = (s: Sim) => [
  ...writesBy(s, 'cluster-scaler', 'autoscaling'),
  ...writesBy(s, 'cluster-scaler', 'ecs'),
];

/** Highest Conflicts value the scaler published for the cluster. */
const conflictsMetric = (s: Sim): number | undefined =>
  s.cloudwatch.metrics.stat(
    { namespace: 'EcsAutoscaler', name: 'Conflicts', dims: [{ Name: 'ClusterName', Value: CLUSTER }] },
    'Maximum',
    s.clock.startMs,
    s.clock.nowMs + 1,
  );

/** Demand that needs a scale-out (40 web tasks of 512 CPU on 6 m5.large) and then a scale-in. */
const demand = (s: Sim) =>
  s.trace(CLUSTER, 'web', [
    [60, 40],
    [1800, 2],
  ]);

describe('coexist: stand aside for a group another controller drives', () => {
  const cases: [string, (s: Sim) => Promise<void> | void][] = [
    ['capacity provider with managed scaling', (s) => attachManagedCapacityProvider(s)],
    [
      'target-tracking policy on the group',
      async (s) => {
        await s.call('autoscaling', 'PutScalingPolicy', {
          AutoScalingGroupName: ASG,
          PolicyName: 'cpu50',
          PolicyType: 'TargetTrackingScaling',
        });
      },
    ],
    [
      'scheduled action that sets desired capacity',
      async (s) => {
        await s.call('autoscaling', 'PutScheduledUpdateGroupAction', {
          AutoScalingGroupName: ASG,
          ScheduledActionName: 'morning',
          DesiredCapacity: 8,
          Recurrence: '0 7 * * *',
        });
      },
    ],
  ];
  it.each(cases)(
    '%s: nothing written to the group, Conflicts published',
    async (_name, arrange) => {
      sim = coexistWorld({ instances: 6, web: 4 });
      demand(sim);
      await startWorld(sim);
      await arrange(sim);
      await sim.runFor(3600);

      expect(scalerWrites(sim)).toEqual([]);
      expect(sim.asg.groups.get(ASG)!.desired).toBe(6);
      expect(conflictsMetric(sim)).toBeGreaterThanOrEqual(1);
    },
    120_000,
  );

  it('a bounds-only scheduled action and a provider with managed scaling off coexist: the scaler scales', async () => {
    sim = coexistWorld({ instances: 6, web: 4 });
    demand(sim);
    createCapacityProvider(sim.ecs, sim.asg, {
      name: 'prod-cp',
      cluster: CLUSTER,
      autoScalingGroup: ASG,
      managedScaling: false,
      managedTerminationProtection: false,
    });
    await startWorld(sim);
    await sim.call('autoscaling', 'PutScheduledUpdateGroupAction', {
      AutoScalingGroupName: ASG,
      ScheduledActionName: 'weekend-floor',
      MinSize: 1,
      MaxSize: 10,
    });
    await sim.runFor(1500);
    expect(writesBy(sim, 'cluster-scaler', 'autoscaling', 'SetDesiredCapacity').length).toBeGreaterThan(0);
    expect(sim.asg.groups.get(ASG)!.desired).toBeGreaterThan(6);
    expect(conflictsMetric(sim)).toBe(0);
  }, 120_000);
});

describe('coexist: the drainer completes only its own terminate hook', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['ECS managed draining hook (untagged group)', 'ecs-managed-draining-termination-hook', {}],
    [
      'log-flush hook, own hook named by ecs-autoscaler:drain-hook',
      'log-flush',
      { 'ecs-autoscaler:drain-hook': 'ecs-drain' },
    ],
  ];
  it.each(cases)(
    '%s',
    async (_name, hook, tags) => {
      sim = coexistWorld({ instances: 6, web: 2, tags });
      sim.asg.groups.get(ASG)!.hooks.push(otherTerminateHook(hook));
      await startWorld(sim);
      await sim.runFor(2 * 3600);

      const completions = sim.timeline.actions.filter(
        (a) => a.command === 'CompleteLifecycleAction' && !a.error,
      );
      expect(completions.length).toBeGreaterThan(0);
      // Every completion the functions made is of the drainer's own hook.
      expect(new Set(completions.map((a) => a.input.LifecycleHookName))).toEqual(new Set(['ecs-drain']));
      // Instances left only after both hooks were done, with no job killed and no hook timed out.
      expect(sim.asg.groups.get(ASG)!.instances.size).toBeLessThan(6);
      expect(killedJobs(sim)).toEqual([]);
      expect(sim.violations.filter((v) => v.kind === 'lifecycle-action-timed-out')).toEqual([]);
    },
    120_000,
  );
});
