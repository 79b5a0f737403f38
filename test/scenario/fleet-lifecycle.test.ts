/**
 * The lifecycle of a real group on the simulator (issue 13): an operator's Standby, a warm pool that
 * reuses instances on scale-in, and an instance refresh. Each ends with the tasks running, no over-buy
 * beyond one instance, and no instance stopped or terminated with tasks.
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

const clean = (w: Sim) => {
  expect(scalerErrors(w)).toEqual([]);
  expect(violations(w)).toEqual([]);
};

const scalerWrites = (w: Sim, command: string) =>
  w.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.command === command && !a.error);

describe('Standby', () => {
  it('a Standby instance is not capacity: demand is bought for on the instances in service', async () => {
    sim = fleetWorld([{ name: 'web-asg', min: 1, max: 10, desired: 3, instanceTypes: ['m5.large'] }]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 6 });
    startFleet(sim);
    const g = sim.asg.groups.get('web-asg')!;
    const standby = [...g.instances.values()][0]!;
    // The operator takes one busy instance out of service without decrementing: the ASG replaces it.
    sim.at(120, () => sim!.asg.enterStandby(standby, false));
    sim.trace(CLUSTER, 'web', [[600, 10]]);
    await sim.runFor(2400);
    clean(sim);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 10, running: 10 });
    expect(standby.lifecycleState).toBe('Standby');
    // 10 tasks, 2 still on the Standby instance: 8 + 1 headroom at 2 per m5.large in service = 5 units.
    expect(Math.max(...desiredWrites(sim, 'web-asg'))).toBe(5);
    const drained = scalerWrites(sim, 'UpdateContainerInstancesState').filter(
      (a) => a.input.status === 'DRAINING',
    );
    expect(drained.flatMap((a) => a.input.containerInstances as string[])).not.toContain(
      standby.containerInstance!.arn,
    );
  });
});

describe('warm pool', () => {
  it('drains on the way into the pool and sets an instance back from it ACTIVE', async () => {
    sim = fleetWorld([
      {
        name: 'pool-asg',
        min: 1,
        max: 10,
        desired: 5,
        instanceTypes: ['m5.large'],
        warmPool: { minSize: 0, reuseOnScaleIn: true },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 9 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [
      [120, 3],
      [4800, 9],
    ]);
    let parked = 0;
    sim.at(4700, () => {
      parked = [...sim!.asg.groups.get('pool-asg')!.instances.values()].filter(
        (i) => i.lifecycleState === 'Warmed:Stopped',
      ).length;
    });
    await sim.runFor(7200);
    clean(sim);
    expect(parked).toBeGreaterThan(0);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 9, running: 9 });
    const activated = scalerWrites(sim, 'UpdateContainerInstancesState').filter(
      (a) => a.input.status === 'ACTIVE',
    );
    expect(activated.length).toBeGreaterThan(0);
    const cis = [...sim.ecs.cluster(CLUSTER)!.instances.values()].filter((ci) => ci.agentConnected);
    expect(cis.every((ci) => ci.status === 'ACTIVE')).toBe(true);
    // 9 tasks + 1 headroom at 2 per m5.large: 5 instances. The fleet sizing buys exactly that (the pool's
    // instances count as in flight while their agents reconnect). ECS's "unable to place" event, emitted
    // before they came back, is stale once they are ACTIVE again (their registeredAt is old, their
    // ecs-autoscaler.capacity-since attribute is not): it buys nothing more. Must-show bound (issue 13):
    // no over-buy beyond one instance of the largest type (m5.large, weight 1).
    const writes = desiredWrites(sim, 'pool-asg');
    expect(writes[0]).toBe(5);
    expect(Math.max(...writes)).toBeLessThanOrEqual(5 + 1);
    const inService = [...sim.asg.groups.get('pool-asg')!.instances.values()].filter(
      (i) => i.lifecycleState === 'InService',
    );
    expect(inService.length).toBeLessThanOrEqual(5 + 1);
    // The instances set ACTIVE again carry the time they became capacity.
    expect(
      cis.filter((ci) => ci.attributes.some((a) => a.name === 'ecs-autoscaler.capacity-since')).length,
    ).toBeGreaterThan(0);
  });
});

describe('instance refresh', () => {
  it('the scaler lets the refresh replace its protected instances, and it succeeds', async () => {
    sim = fleetWorld([{ name: 'fleet', min: 2, max: 10, desired: 4, instanceTypes: ['m5.large'] }]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 6 });
    startFleet(sim);
    const g = sim.asg.groups.get('fleet')!;
    let refresh: ReturnType<typeof sim.asg.startInstanceRefresh> | undefined;
    sim.at(300, () => {
      g.launchTemplate.version = '2';
      refresh = sim!.asg.startInstanceRefresh(g, { minHealthyPercentage: 75, instanceWarmupSeconds: 60 });
    });
    await sim.runFor(3 * 3600);
    clean(sim);
    expect(refresh?.status).toBe('Successful');
    const live = [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    expect(live.every((i) => i.launchTemplateVersion === '2')).toBe(true);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    // The scaler removed its protection from the instances being replaced, and never fought the
    // refresh's launches with a scale-out of its own.
    expect(
      scalerWrites(sim, 'SetInstanceProtection').some((a) => a.input.ProtectedFromScaleIn === false),
    ).toBe(true);
    expect(desiredWrites(sim, 'fleet')).toEqual([]);
  });
});
