/**
 * Launches that fail, on the simulator: EC2 has no capacity for an instance type (InsufficientInstanceCapacity,
 * a Spot pool dry), in one AZ or all. The group's ASG falls back where AWS documents it does (the next
 * override of a prioritized mixed group, another AZ with `balanced-best-effort`) and otherwise keeps the
 * units in its desired capacity, retrying. The scaler must not wait for good on units that are not coming:
 * after the launch timeout they are not in flight, the group does not grow, and another group that can
 * run the tasks grows in its place; it never piles more desired capacity onto the failing request.
 */
import { describe, expect, it } from 'vitest';
import { clean, worldPerTest } from './fleet-hooks.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
  liveTypes,
  liveZones,
  startFleet,
  tasksOf,
} from './fleet-world.js';

const w = worldPerTest();

/**
 * One prioritized group (`first`, then `fallback`) at desired 1, no headroom, running service `api` of 4
 * tasks that only m5.* instances run (`memberOf`); EC2 has no `first` for `seconds`.
 */
const fallbackWorld = (fallback: string, max: number, seconds: number) => {
  const sim = fleetWorld([
    {
      name: 'g',
      min: 1,
      max,
      desired: 1,
      mixedInstances: { overrides: [{ type: 'm5.xlarge' }, { type: fallback }] },
      tags: { 'ecs-autoscaler:headroom-tasks': '0' },
    },
  ]);
  w.sim = sim;
  sim.registerTaskDefinition({
    family: 'm5only',
    containers: [{ cpu: 1024, memoryReservation: 512 }],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
  });
  sim.createService({ cluster: CLUSTER, name: 'api', taskDefinition: 'm5only', desiredCount: 4 });
  sim.capacityShortage({ types: ['m5.xlarge'], seconds });
  startFleet(sim);
  return sim;
};

describe('the simulated ASG when EC2 has no capacity', () => {
  it('a prioritized mixed group launches its next override', async () => {
    const sim = fleetWorld([
      {
        name: 'g',
        min: 0,
        max: 10,
        desired: 1,
        mixedInstances: { overrides: [{ type: 'c5.large' }, { type: 'm5.large' }] },
      },
    ]);
    w.sim = sim;
    sim.capacityShortage({ types: ['c5.large'] });
    sim.start();
    sim.asg.setDesired(sim.asg.groups.get('g')!, 3);
    await sim.runFor(120);
    expect(liveTypes(sim, 'g')).toEqual(['c5.large', 'm5.large', 'm5.large']);
  });

  it('a group launches in another AZ when one has no capacity, and retries what none has', async () => {
    const sim = fleetWorld([{ name: 'g', min: 0, max: 10, desired: 0, instanceTypes: ['m5.large'] }]);
    w.sim = sim;
    sim.capacityShortage({ azs: ['us-east-1a'] });
    sim.start();
    const g = sim.asg.groups.get('g')!;
    sim.asg.setDesired(g, 2);
    await sim.runFor(120);
    expect(liveZones(sim, 'g')).toEqual(['us-east-1b', 'us-east-1c']);
    sim.capacityShortage({ seconds: 600 });
    sim.asg.setDesired(g, 3);
    await sim.runFor(300);
    expect(liveZones(sim, 'g')).toHaveLength(2);
    await sim.runFor(400);
    expect(liveZones(sim, 'g')).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1c']);
  });
});

describe('the scaler when a group cannot launch', () => {
  it('the cheaper group has no capacity for its type: the other group grows in its place', async () => {
    const sim = fleetWorld([
      // Cheaper per task (c5.large), so the planner's first pick for web.
      { name: 'cheap', min: 1, max: 20, desired: 2, mixedInstances: { overrides: [{ type: 'c5.large' }] } },
      { name: 'other', min: 0, max: 20, desired: 0, mixedInstances: { overrides: [{ type: 'm5.large' }] } },
    ]);
    w.sim = sim;
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 4 });
    sim.capacityShortage({ types: ['c5.large'] });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 12]]);
    await sim.runFor(1200);
    clean(sim);
    // The request to `cheap` is not launched 5 minutes on: `other` takes the 8 tasks (and the headroom).
    expect(tasksOf(sim, 'web')).toEqual({ desired: 12, running: 12 });
    expect(liveTypes(sim, 'cheap')).toEqual(['c5.large', 'c5.large']);
    expect(liveTypes(sim, 'other').length).toBeGreaterThanOrEqual(4);
    // `cheap` was asked for the headroom's instance at the start, then for 4 more (8 tasks) before its
    // launch timeout told the first request was not coming; never again once it did.
    expect(desiredWrites(sim, 'cheap')).toEqual([3, 7]);
    expect(Math.max(...desiredWrites(sim, 'other'))).toBeLessThanOrEqual(5);
  });

  it('a single group without capacity: the tasks wait, nothing is piled on, they run when EC2 has it again', async () => {
    const sim = fleetWorld([{ name: 'g', min: 1, max: 20, desired: 2, instanceTypes: ['m5.large'] }]);
    w.sim = sim;
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.capacityShortage({ seconds: 1200 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 8]]);
    await sim.runFor(1140);
    expect(tasksOf(sim, 'web').running).toBeLessThanOrEqual(4);
    // 8 tasks + 1 headroom at 2 per m5.large: 5 instances, asked for once.
    expect(desiredWrites(sim, 'g')).toEqual([5]);
    expect(sim.asg.groups.get('g')!.desired).toBe(5);
    await sim.runFor(600);
    clean(sim);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 8, running: 8 });
    expect(liveTypes(sim, 'g')).toHaveLength(5);
  });

  it('a prioritized group launches its second type, which cannot run the tasks: one ask, not MaxSize', async () => {
    // AWS launches the next override when the first has no capacity (ecs-facts §4.1); here the second,
    // r5.large, is outside the tasks' memberOf (random world 269186: the group reached MaxSize 30).
    const sim = fallbackWorld('r5.large', 20, 2400);
    sim.trace(CLUSTER, 'api', [[120, 10]]);
    await sim.runFor(900);
    // 6 more tasks, 4 per m5.xlarge: 2 asked for once; AWS launched r5.large, which take none.
    expect(desiredWrites(sim, 'g')).toEqual([3]);
    expect(tasksOf(sim, 'api')).toEqual({ desired: 10, running: 4 });
    await sim.runFor(2700);
    clean(sim);
    // EC2 has m5.xlarge again: the tasks run, the r5.large that took nothing are gone.
    expect(tasksOf(sim, 'api')).toEqual({ desired: 10, running: 10 });
    expect(liveTypes(sim, 'g')).toEqual(['m5.xlarge', 'm5.xlarge', 'm5.xlarge']);
    expect(Math.max(...desiredWrites(sim, 'g'))).toBeLessThanOrEqual(3);
  });

  it('a first type short for 10 minutes at MaxSize: the fallback that took nothing leaves, the tasks run on the first', async () => {
    // The group's c5.large fallback fills it to MaxSize 3 while m5-only tasks wait; once EC2 has
    // m5.xlarge again the c5.large are scaled in and m5.xlarge take their place (the planner-level case
    // of members held at MaxSize is launching.test.ts "at MaxSize, …").
    const sim = fallbackWorld('c5.large', 3, 600);
    sim.trace(CLUSTER, 'api', [[120, 12]]);
    await sim.runFor(900);
    expect(liveTypes(sim, 'g')).toEqual(['c5.large', 'c5.large', 'm5.xlarge']);
    expect(tasksOf(sim, 'api')).toEqual({ desired: 12, running: 4 });
    await sim.runFor(3600);
    clean(sim);
    expect(tasksOf(sim, 'api')).toEqual({ desired: 12, running: 12 });
    expect(liveTypes(sim, 'g')).toEqual(['m5.xlarge', 'm5.xlarge', 'm5.xlarge']);
  });
});
