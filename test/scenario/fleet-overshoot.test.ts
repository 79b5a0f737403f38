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

  it('two drained instances end in one decision, the second overshooting: no decrement after desired was set', async () => {
    // Random worlds (wave 2, seventh stop): 6 vCPUs desired, two m5.xlarge (8 held). Both drain and
    // empty together; the first termination could decrement (6 → 2), the second could not (2 − 4 < 0),
    // so desired is set to what stays first — and the first termination then decremented again, below
    // MinSize: ValidationError. Every termination of such a decision now keeps desired.
    sim = fleetWorld([
      {
        name: 'cpu',
        min: 0,
        max: 64,
        desired: 6,
        mixedInstances: { overrides: [{ type: 'm5.xlarge' }], desiredCapacityType: 'vcpu' },
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({
      cluster: CLUSTER,
      name: 'web',
      taskDefinition: 'web',
      desiredCount: 2,
      placementConstraints: [{ type: 'distinctInstance' }],
    });
    startFleet(sim);
    const g = sim.asg.groups.get('cpu')!;
    const live = () => [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    await sim.runFor(300);
    expect(live().map((i) => i.weight)).toEqual([4, 4]);
    sim.setDesiredCount(CLUSTER, 'web', 0);
    await sim.runFor(2400);
    const terminations = sim.timeline.actions.filter(
      (a) => a.fn === 'cluster-scaler' && a.command === 'TerminateInstanceInAutoScalingGroup',
    );
    // Both left in one decision (the case this pins), without an error.
    expect(new Set(terminations.map((a) => a.t)).size).toBe(1);
    expect(terminations).toHaveLength(2);
    expect(live()).toEqual([]);
    expect(g.desired).toBe(0);
    expect(sim.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.error)).toEqual([]);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it("someone else's emptied drain leaves an overshooting group at MinSize in desired but above it in units", async () => {
    // Random worlds (seventh stop, world 2313): desired and MinSize in vCPUs, the members hold more (the
    // ASG launches whole instances). An instance someone set DRAINING, empty after its 30-minute grace,
    // "stays: terminating it would take the group below MinSize" for good — counted against desired, not
    // against what the members hold. Here 6 vCPUs desired, MinSize 4, two m5.xlarge (8 held).
    sim = fleetWorld([
      {
        name: 'cpu',
        min: 4,
        max: 64,
        desired: 6,
        mixedInstances: { overrides: [{ type: 'm5.xlarge' }], desiredCapacityType: 'vcpu' },
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 1 });
    startFleet(sim);
    const g = sim.asg.groups.get('cpu')!;
    const live = () => [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    await sim.runFor(300);
    expect(live().map((i) => i.weight)).toEqual([4, 4]);
    const empty = live().find((i) =>
      [...(i.containerInstance?.tasks ?? [])].every((t) => t.lastStatus === 'STOPPED'),
    )!;
    sim.ecs.setStatus(empty.containerInstance!, 'DRAINING');
    await sim.runFor(2400);
    expect(empty.lifecycleState).not.toBe('InService');
    expect(live()).toHaveLength(1);
    expect(g.desired).toBe(4);
    expect(sim.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.error)).toEqual([]);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
