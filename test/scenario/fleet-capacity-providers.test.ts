/**
 * A cluster where an ECS capacity provider drives one group and the scaler another (the half-way state
 * of a migration, or a team that keeps its batch on a provider): tasks of a capacity provider strategy
 * run only on that provider's instances (ecs-facts §1.1), so the scaler must not buy its own instances
 * for them — ECS would never place them there — while tasks of the EC2 launch type may use any instance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCapacityProvider } from '../../sim/coexist.js';
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

const providerWorld = (cpTagged: boolean, managedScaling = true): Sim => {
  const w = fleetWorld([
    { name: 'app', min: 1, max: 10, desired: 2, instanceTypes: ['m5.large'] },
    { name: 'cp', min: 1, max: 10, desired: 2, instanceTypes: ['m5.large'] },
  ]);
  if (!cpTagged) w.asg.groups.get('cp')!.tags.delete('ecs-autoscaler:cluster');
  createCapacityProvider(w.ecs, w.asg, {
    name: 'batch-cp',
    cluster: CLUSTER,
    autoScalingGroup: 'cp',
    managedScaling,
    managedTerminationProtection: managedScaling,
  });
  w.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 1024, memoryReservation: 512 }] });
  w.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
  w.createService({
    cluster: CLUSTER,
    name: 'batch',
    taskDefinition: 'batch',
    desiredCount: 2,
    capacityProviderStrategy: [{ capacityProvider: 'batch-cp', weight: 1 }],
  });
  return w;
};

describe('tasks of a capacity provider strategy', () => {
  for (const cpTagged of [false, true]) {
    it(`never grow the scaler's group (provider's group ${cpTagged ? 'also tagged for the scaler' : 'not tagged'})`, async () => {
      sim = providerWorld(cpTagged);
      startFleet(sim);
      // batch wants 10 tasks; its provider's 2 instances hold 4 (the provider's managed scaling would add
      // more: the simulator does not model it, so 6 wait).
      sim.trace(CLUSTER, 'batch', [[120, 10]]);
      sim.trace(CLUSTER, 'web', [[600, 4]]);
      await sim.runFor(1800);
      expect(scalerErrors(sim)).toEqual([]);
      expect(violations(sim)).toEqual([]);
      expect(tasksOf(sim, 'batch')).toEqual({ desired: 10, running: 4 });
      expect(tasksOf(sim, 'web')).toEqual({ desired: 4, running: 4 });
      // web (EC2 launch type) fits in the scaler's group: 4 tasks of 1024 CPU on two m5.large, plus the
      // headroom (one more web task) — one more instance, never one per waiting batch task.
      expect(Math.max(0, ...desiredWrites(sim, 'app'))).toBeLessThanOrEqual(3);
      expect(desiredWrites(sim, 'cp')).toEqual([]);
      // batch runs only on its provider's instances.
      const cps = [...sim.ecs.cluster(CLUSTER)!.instances.values()];
      for (const ci of cps) {
        const batch = [...ci.tasks].filter((t) => t.group === 'service:batch' && t.lastStatus !== 'STOPPED');
        if (batch.length > 0) expect(ci.capacityProviderName).toBe('batch-cp');
      }
    });
  }
});

describe('a provider whose managed scaling is off, its group tagged for the scaler (migration step 3)', () => {
  it("grows the provider's group for its tasks, and only that group", async () => {
    sim = providerWorld(true, false);
    startFleet(sim);
    sim.trace(CLUSTER, 'batch', [[120, 10]]);
    await sim.runFor(1800);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'batch')).toEqual({ desired: 10, running: 10 });
    // 10 batch tasks of 1024 CPU, 2 per m5.large: 5 instances of the provider's group, plus at most the
    // headroom's one; the scaler's other group is not grown for them.
    expect(Math.max(...desiredWrites(sim, 'cp'))).toBeGreaterThanOrEqual(5);
    expect(Math.max(...desiredWrites(sim, 'cp'))).toBeLessThanOrEqual(6);
    expect(Math.max(0, ...desiredWrites(sim, 'app'))).toBeLessThanOrEqual(2);
  });
});

// CPU/memory packing sees room for the waiting task on the other group's instances; the placement model
// (capacity providers are one of its rules) sizes the provider's group instead (fleet-model.ts).
describe("a provider's task waiting while another group has room (its instances cannot take it)", () => {
  it("grows the provider's group, not nobody", async () => {
    sim = providerWorld(true, false);
    // The scaler's other group has room to spare: three m5.large for two web tasks.
    sim.asg.groups.get('app')!.desired = 3;
    startFleet(sim);
    sim.trace(CLUSTER, 'batch', [[120, 5]]);
    await sim.runFor(900);
    expect(scalerErrors(sim)).toEqual([]);
    expect(tasksOf(sim, 'batch')).toEqual({ desired: 5, running: 5 });
    expect(Math.max(0, ...desiredWrites(sim, 'cp'))).toBe(3);
  });
});
