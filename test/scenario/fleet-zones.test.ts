/**
 * Tasks bound to Availability Zones, on the simulator: a group spread over three AZs (us-east-1a/b/c, its
 * subnets `subnet-<letter>0000000`), and
 * - a service on `memberOf(attribute:ecs.availability-zone == us-east-1b)` (the ECS developer guide's
 *   own constraint example), or
 * - an `awsvpc` service whose subnets are in two of the three AZs: ECS creates a task's ENI in a subnet
 *   of its host's AZ, so a host in the third AZ never takes its tasks, whatever its free room
 *   (ecs-facts §2; ECS says "is missing an attribute required by your task").
 * The group chooses the AZ of each instance it launches (it balances its AZs): the scaler grows it until
 * an instance lands where the tasks may run (each decision sees where the last launches went), and the
 * scale-in check never drains a host whose tasks only a host in another AZ has room for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  fleetWorld,
  liveZones,
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

/** A world with group `g` (m5.large, one instance per AZ, headroom 0) and `service` on it. */
const zonal = (service: Omit<Parameters<Sim['createService']>[0], 'cluster'>): Sim => {
  const w = fleetWorld([
    {
      name: 'g',
      min: 1,
      max: 12,
      desired: 3,
      instanceTypes: ['m5.large'],
      tags: { 'ecs-autoscaler:headroom-tasks': '0' },
    },
  ]);
  // 1024 CPU, awsvpc: an m5.large (2 task ENIs without trunking) holds two.
  w.registerTaskDefinition({
    family: 'api',
    networkMode: 'awsvpc',
    containers: [{ cpu: 1024, memoryReservation: 512 }],
  });
  w.createService({ cluster: CLUSTER, ...service });
  return w;
};

/**
 * Demand of `service` steps to `tasks` at 2 minutes: every task runs within 20 minutes and still does 30
 * minutes later (after the scale-in of the launches that went elsewhere), with no failed decision, no
 * instance leaving with tasks.
 */
const growsFor = async (w: Sim, service: string, tasks: number) => {
  startFleet(w);
  w.trace(CLUSTER, service, [[120, tasks]]);
  await w.runFor(1200);
  expect(scalerErrors(w)).toEqual([]);
  expect(tasksOf(w, service)).toEqual({ desired: tasks, running: tasks });
  await w.runFor(1800);
  expect(violations(w)).toEqual([]);
  expect(tasksOf(w, service)).toEqual({ desired: tasks, running: tasks });
};

/** The awsvpc service `api` with `desiredCount` tasks, its subnets in us-east-1a and us-east-1b. */
const api = (desiredCount: number): Sim =>
  zonal({
    name: 'api',
    taskDefinition: 'api',
    desiredCount,
    subnets: ['subnet-a0000000', 'subnet-b0000000'],
  });

/** The service `zonal` (memberOf us-east-1b), grown from 2 to 5 tasks by {@link growsFor}. */
const grownInB = async (): Promise<Sim> => {
  // Set before growing, so that afterEach disposes of it when an expectation fails.
  sim = zonal({
    name: 'zonal',
    taskDefinition: 'web',
    desiredCount: 2,
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1b' }],
  });
  await growsFor(sim, 'zonal', 5);
  return sim;
};

describe('tasks bound to Availability Zones on the simulator', () => {
  it('memberOf on the AZ: the group grows until instances land in that AZ, then gives back the others', async () => {
    sim = await grownInB();
    // Five tasks of 1024 CPU: three m5.large in us-east-1b; the launches that went elsewhere are gone.
    expect(liveZones(sim, 'g')).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1b']);
  });

  it('a group out of balance: one ask reaches the AZ, with the launches its balancing puts elsewhere first', async () => {
    // Random world 282092: after the scale-in left one AZ the fullest, the scaler bought one instance a
    // minute, each landing in another AZ (11 asks before one reached the task's AZ).
    sim = await grownInB();
    expect(liveZones(sim, 'g')).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1b']);
    // Seven tasks need a fourth host in us-east-1b: the group launches in us-east-1a and us-east-1c until
    // they catch up (three each), then in the three AZs, us-east-1b last at worst.
    const from = sim.elapsedSeconds;
    sim.trace(CLUSTER, 'zonal', [[from + 60, 7]]);
    await sim.runFor(600);
    const asks = sim.timeline.actions.filter(
      (a) => a.t > from && a.fn === 'cluster-scaler' && a.command === 'SetDesiredCapacity' && !a.error,
    );
    expect(asks.map((a) => (a.input as { DesiredCapacity: number }).DesiredCapacity)).toEqual([12]);
    expect(tasksOf(sim, 'zonal')).toEqual({ desired: 7, running: 7 });
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('awsvpc subnets in two AZs: a free host in the third takes none, the group grows for them', async () => {
    sim = api(2);
    await growsFor(sim, 'api', 6);
    expect(liveZones(sim, 'g').every((z) => z === 'us-east-1a' || z === 'us-east-1b')).toBe(true);
    expect(liveZones(sim, 'g')).toHaveLength(3);
  });

  it('awsvpc subnets in two AZs: scale-in drains the idle host, never one whose task only it could take', async () => {
    sim = api(3);
    startFleet(sim);
    const waiting: number[] = [];
    for (let t = 0; t < 2400; t += 60) {
      await sim.runFor(60);
      const { running } = tasksOf(sim, 'api');
      if (running < 3) waiting.push(t);
    }
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    // Three tasks, two per host: they need a host in each of us-east-1a and us-east-1b, and never wait for
    // one; the idle us-east-1c host goes.
    expect(waiting).toEqual([]);
    expect(liveZones(sim, 'g')).toEqual(['us-east-1a', 'us-east-1b']);
  });
});
