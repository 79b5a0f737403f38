/**
 * A daemon bound to one kind of instance on the simulator: a GPU metrics daemon (`memberOf
 * attribute:ecs.instance-type =~ g4dn.*`, 2 GiB) runs on the GPU group's instances only, so a new instance
 * of the CPU group has the whole of its room for tasks. A task sized to that room (6,500 MiB on an
 * m5.large) grows the CPU group; with every daemon taken off every new instance it was "never placeable"
 * there, and the plan only said to raise the GPU group's MaxSize.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
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

describe('a daemon bound to one kind of instance', () => {
  it('reserves no room on a new instance of another kind: a large CPU task grows the CPU group', async () => {
    sim = fleetWorld([
      { name: 'cpu', min: 1, max: 10, desired: 1, instanceTypes: ['m5.large'] },
      { name: 'gpu', min: 1, max: 1, desired: 1, mixedInstances: { overrides: [{ type: 'g4dn.xlarge' }] } },
    ]);
    sim.registerTaskDefinition({ family: 'dcgm', containers: [{ cpu: 256, memoryReservation: 2048 }] });
    sim.registerTaskDefinition({ family: 'big', containers: [{ cpu: 1024, memoryReservation: 6500 }] });
    sim.createService({
      cluster: CLUSTER,
      name: 'dcgm',
      taskDefinition: 'dcgm',
      schedulingStrategy: 'DAEMON',
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ g4dn.*' }],
    });
    sim.createService({ cluster: CLUSTER, name: 'big', taskDefinition: 'big', desiredCount: 1 });
    startFleet(sim);
    sim.trace(CLUSTER, 'big', [[120, 4]]);
    await sim.runFor(1800);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'big')).toEqual({ desired: 4, running: 4 });
    // The g4dn.xlarge holds two beside its daemon, the m5.large one each: two m5.large, and one more for
    // the headroom (one more of the largest task).
    expect(Math.max(...desiredWrites(sim, 'cpu'))).toBe(3);
    expect(desiredWrites(sim, 'gpu')).toEqual([]);
  });
});
