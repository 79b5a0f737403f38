/**
 * Instances the ASG launches on its own, end to end: a replacement after a Spot reclaim or a failed health
 * check (sim/asg, from the ASG user guide: desired capacity unchanged, the group launches one instance for
 * the one it lost). The scaler counts such a member as booting from when it first sees it (its
 * `unregistered` record, group-state.ts), like the instances it launches itself.
 *
 * Before, the scaler dated every unregistered member by its own last scale-out: long past, so the
 * replacement was "stuck" as soon as it appeared, its capacity was not counted, and the scaler raised
 * desired capacity for the displaced tasks — one instance bought twice, drained again ten minutes later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
  liveTypes,
  scalerErrors,
  startFleet,
  tasksOf,
  violations,
} from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const NO_HEADROOM = { 'ecs-autoscaler:headroom-tasks': '0' };

/** Three m5.large full of web tasks (two of 1,024 CPU units each per instance), quiet for 30 minutes. */
const fullGroup = async (spotShare: number, capacityRebalance = false): Promise<Sim> => {
  const s = fleetWorld([
    {
      name: 'g',
      min: 1,
      max: 10,
      desired: 3,
      instanceTypes: ['m5.large'],
      spotShare,
      capacityRebalance,
      tags: NO_HEADROOM,
    },
  ]);
  s.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 6 });
  startFleet(s);
  await s.runFor(1800);
  return s;
};

const inService = (s: Sim) =>
  [...s.asg.groups.get('g')!.instances.values()].filter((i) => i.lifecycleState === 'InService');

/** The scaler's writes to the group's `unregistered` record, in order. */
const records = (s: Sim) =>
  s.timeline.actions
    .filter((a) => a.fn === 'cluster-scaler' && a.command === 'CreateOrUpdateTags')
    .flatMap((a) =>
      (a.input.Tags as { Key: string; Value: string }[]).filter(
        (t) => t.Key === 'ecs-autoscaler:unregistered',
      ),
    )
    .map((t) => t.Value.replace(/@\d+$/, '@…'));

describe('replacements the ASG launches on its own', () => {
  it('a Spot reclaim: the replacement is counted as arriving, not bought again', async () => {
    sim = await fullGroup(1);
    expect(desiredWrites(sim, 'g')).toEqual([]);
    sim.interruptSpot(inService(sim)[0]!.id);
    await sim.runFor(900);
    // The reclaim's two tasks waited for the replacement; nothing else was launched or drained.
    expect(desiredWrites(sim, 'g')).toEqual([]);
    expect(liveTypes(sim, 'g')).toEqual(['m5.large', 'm5.large', 'm5.large']);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    // Seen while Pending (booting: the ASG is still launching it, no date needed) and registered before a
    // decision saw it in service unregistered: no `unregistered` record was written.
    expect(records(sim)).toEqual([]);
    expect(scalerErrors(sim)).toEqual([]);
  });

  it('a failed health check: the same', async () => {
    sim = await fullGroup(0);
    const victim = inService(sim)[0]!;
    await sim.call('autoscaling', 'SetInstanceHealth', { InstanceId: victim.id, HealthStatus: 'Unhealthy' });
    await sim.runFor(900);
    expect(desiredWrites(sim, 'g')).toEqual([]);
    expect(liveTypes(sim, 'g')).toEqual(['m5.large', 'm5.large', 'm5.large']);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    expect(scalerErrors(sim)).toEqual([]);
  });

  it('capacity rebalancing: the replacement comes first, the at-risk host drains through the hook, nothing is bought twice', async () => {
    sim = await fullGroup(1, true);
    const victim = inService(sim)[0]!;
    sim.rebalanceRecommendation(victim.id);
    await sim.runFor(900);
    // The group launched the replacement above desired capacity and terminated the at-risk host once it
    // was in service; the drainer emptied it (the recommendation, then the terminate hook) first.
    expect(victim.lifecycleState).toBe('Terminated');
    expect(victim.terminationCause).toMatch(/rebalance recommendation/);
    expect(desiredWrites(sim, 'g')).toEqual([]);
    expect(
      sim.timeline.actions.filter(
        (a) => a.fn === 'cluster-scaler' && a.command === 'TerminateInstanceInAutoScalingGroup',
      ),
    ).toEqual([]);
    expect(liveTypes(sim, 'g')).toEqual(['m5.large', 'm5.large', 'm5.large']);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    expect(violations(sim)).toEqual([]);
    expect(scalerErrors(sim)).toEqual([]);
  });
});
