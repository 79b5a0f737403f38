/**
 * A CodeDeploy blue/green deployment on a full cluster, end to end: the simulator's ECS task sets
 * (sim/ecs/task-sets.ts, from AWS's documented behaviour) against the project's handlers. CodeDeploy
 * creates the replacement (green) task set at 100 % beside the original; ECS creates none of its tasks it
 * cannot place, and the service's running count — the blue set's — meets its desired count. The scaler
 * reads the green set's shortfall as waiting tasks (capacity.ts `ec2View`), buys the room, and drains it
 * again once CodeDeploy has shifted the traffic and deleted the original set. Before, it held: the green
 * set waited for good (CodeDeploy fails such a deployment after its timeout).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { CLUSTER, fleetWorld, liveTypes, scalerErrors, startFleet, violations } from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** Two m5.large (2,048 CPU units) full of `web` (1,024 units, CODE_DEPLOY): four tasks. */
const world = (): Sim => {
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
  s.createService({
    cluster: CLUSTER,
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 4,
    deploymentController: { type: 'CODE_DEPLOY' },
  });
  return s;
};

const sets = (s: Sim) => s.ecs.cluster(CLUSTER)!.services.get('web')!.taskSets ?? [];

const running = (s: Sim, revision: string) =>
  [...s.ecs.cluster(CLUSTER)!.services.get('web')!.tasks].filter(
    (t) => t.lastStatus === 'RUNNING' && t.taskDefinition.arn.endsWith(`/${revision}`),
  ).length;

describe('a CodeDeploy blue/green deployment on a full cluster', () => {
  it('buys room for the green task set, and drains it once the original set is deleted', async () => {
    sim = world();
    sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 1024, memoryReservation: 512 }] });
    startFleet(sim);
    await sim.runFor(300);
    expect(liveTypes(sim, 'g')).toHaveLength(2);
    expect(running(sim, 'web:1')).toBe(4);
    const blue = sets(sim).find((t) => t.status === 'PRIMARY')!;
    sim.startBlueGreen(CLUSTER, 'web', 'web:2');
    let peak = 0;
    for (let t = 0; t < 900; t += 30) {
      await sim.runFor(30);
      peak = Math.max(peak, liveTypes(sim, 'g').length);
    }
    // Both sets at 100 %: eight tasks, four hosts — exactly the room four more tasks need.
    expect(running(sim, 'web:2')).toBe(4);
    expect(running(sim, 'web:1')).toBe(4);
    expect(peak).toBe(4);
    // CodeDeploy shifts the traffic, waits, and deletes the original set.
    sim.shiftTraffic(CLUSTER, 'web');
    await sim.runFor(300);
    sim.deleteTaskSet(CLUSTER, 'web', blue.id);
    await sim.runFor(2400);
    expect(running(sim, 'web:1')).toBe(0);
    expect(running(sim, 'web:2')).toBe(4);
    expect(sets(sim).map((t) => t.status)).toEqual(['PRIMARY']);
    expect(liveTypes(sim, 'g')).toHaveLength(2);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
