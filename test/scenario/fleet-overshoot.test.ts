/**
 * A group that counts desired capacity in vCPUs asks for 2 and gets one 8-vCPU instance (the ASG
 * launches whole instances: it overshoots). Once that instance is idle, MinSize 0 lets it go: the scaler
 * drains it, sets desired capacity to what stays, and terminates it without a decrement AWS would reject.
 * Before: the scale-in budget was (desired − MinSize) ÷ the member's weight = 0, so it stayed for good
 * (random worlds with attribute-based groups, wave 2 sixth stop).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { CLUSTER, fleetWorld, scalerErrors, startFleet, violations } from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

describe('a group that overshot its desired capacity', () => {
  it('drains and terminates its idle instance when MinSize allows, without a rejected write', async () => {
    sim = fleetWorld([
      {
        name: 'cpu',
        min: 0,
        max: 64,
        desired: 2,
        mixedInstances: { overrides: [{ type: 'm5.2xlarge' }], desiredCapacityType: 'vcpu' },
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 1 });
    startFleet(sim);
    const g = sim.asg.groups.get('cpu')!;
    const live = () => [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    await sim.runFor(300);
    // The ASG launched one m5.2xlarge (8 vCPUs) for 2 vCPUs desired.
    expect(live().map((i) => [i.type.name, i.weight])).toEqual([['m5.2xlarge', 8]]);
    sim.setDesiredCount(CLUSTER, 'web', 0);
    await sim.runFor(2400);
    expect(live()).toEqual([]);
    expect(g.desired).toBe(0);
    expect(scalerErrors(sim)).toEqual([]);
    expect(sim.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.error)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
