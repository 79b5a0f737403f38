/**
 * Rolling updates on a full cluster (the simulator's ECS deployments, sim-deployments.test.ts): with the
 * default 100 / 200, ECS starts the new revision's tasks before it stops the old ones, and on a full
 * cluster the update waits for room for good (amazon-ecs-agent#731: PRIMARY desired 1 running 0, ACTIVE
 * desired 1 running 1, "forever"). The scaler reads the PRIMARY deployment's shortfall as waiting tasks,
 * buys the room, and drains it again once the old tasks are gone.
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { CLUSTER, fleetWorld, liveTypes, scalerErrors, startFleet, violations } from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** Two m5.large (2,048 CPU units) full of `web` (1,024 units): four tasks. */
const world = (deployment: { minimumHealthyPercent: number; maximumPercent: number }): Sim => {
  const s = fleetWorld([
    {
      name: 'g',
      min: 0,
      max: 10,
      desired: 2,
      instanceTypes: ['m5.large'],
      tags: { 'ecs-autoscaler:headroom-tasks': '0' },
    },
  ]);
  s.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 4, ...deployment });
  return s;
};

const deploy = (taskDefinition: string) =>
  new ECSClient({}).send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', taskDefinition }));

const running = (s: Sim, revision: string) =>
  [...s.ecs.cluster(CLUSTER)!.services.get('web')!.tasks].filter(
    (t) => t.lastStatus === 'RUNNING' && t.taskDefinition.arn.endsWith(`/${revision}`),
  ).length;

/**
 * Runs 5 minutes, deploys web:2 (registered with `cpu` units), then runs `seconds` in `step`s: the most
 * live instances of group g meanwhile.
 */
const deployAndWatch = async (s: Sim, cpu: number, seconds: number, step: number): Promise<number> => {
  s.registerTaskDefinition({ family: 'web', containers: [{ cpu, memoryReservation: 512 }] });
  startFleet(s);
  await s.runFor(300);
  expect(liveTypes(s, 'g')).toHaveLength(2);
  await deploy('web:2');
  let peak = 0;
  for (let t = 0; t < seconds; t += step) {
    await s.runFor(step);
    peak = Math.max(peak, liveTypes(s, 'g').length);
  }
  return peak;
};

describe('rolling updates on a full cluster', () => {
  it('buys room for the new revision, and drains it once the old tasks are gone', async () => {
    sim = world({ minimumHealthyPercent: 100, maximumPercent: 200 });
    const peak = await deployAndWatch(sim, 1024, 900, 30);
    expect(running(sim, 'web:2')).toBe(4);
    expect(running(sim, 'web:1')).toBe(0);
    // Exactly the room four more tasks need: two instances.
    expect(peak).toBe(4);
    await sim.runFor(2400);
    expect(liveTypes(sim, 'g')).toHaveLength(2);
    expect(running(sim, 'web:2')).toBe(4);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('a larger revision ends on as many instances as it needs', async () => {
    sim = world({ minimumHealthyPercent: 100, maximumPercent: 200 });
    await deployAndWatch(sim, 2048, 3600, 3600);
    expect(running(sim, 'web:2')).toBe(4);
    expect(running(sim, 'web:1')).toBe(0);
    expect(liveTypes(sim, 'g')).toHaveLength(4);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('100 / 100 cannot replace anything: nothing is bought and nothing is drained', async () => {
    sim = world({ minimumHealthyPercent: 100, maximumPercent: 100 });
    const peak = await deployAndWatch(sim, 1024, 1800, 60);
    expect(peak).toBe(2);
    expect(liveTypes(sim, 'g')).toHaveLength(2);
    expect(running(sim, 'web:1')).toBe(4);
    expect(scalerErrors(sim)).toEqual([]);
  });

  it('50 / 100 replaces in place: nothing is bought', async () => {
    sim = world({ minimumHealthyPercent: 50, maximumPercent: 100 });
    const peak = await deployAndWatch(sim, 1024, 1800, 60);
    expect(running(sim, 'web:2')).toBe(4);
    expect(peak).toBe(2);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('a revision too large for any type stalls; a drained instance then keeps no idle instance', async () => {
    // Random world 839 (ninth stop): the tasks of a drained instance move as their replacements, the
    // PRIMARY deployment's revision — here 4,096 CPU units, more than an m5.large has, so they move
    // nowhere and ECS keeps the old ones running (100 %). Before, the old revision's size was counted as
    // moving onto the one idle instance, which stayed for good.
    sim = fleetWorld([
      {
        name: 'g',
        min: 0,
        max: 10,
        desired: 3,
        instanceTypes: ['m5.large'],
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({
      cluster: CLUSTER,
      name: 'web',
      taskDefinition: 'web',
      desiredCount: 4,
      placementStrategy: [{ type: 'binpack', field: 'cpu' }],
    });
    sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 4096, memoryReservation: 512 }] });
    startFleet(sim);
    await deploy('web:2');
    await sim.runFor(60);
    const busy = [...sim.ecs.cluster(CLUSTER)!.instances.values()].filter((ci) => ci.tasks.size > 0);
    expect(busy).toHaveLength(2);
    sim.ecs.setStatus(busy[0]!, 'DRAINING');
    await sim.runFor(2400);
    // The idle one is gone; the drained one keeps its two old tasks (their replacements fit nowhere).
    expect(liveTypes(sim, 'g')).toHaveLength(2);
    expect(running(sim, 'web:1')).toBe(4);
    expect(busy[0]!.status).toBe('DRAINING');
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
