/**
 * Issue 15: someone lowers the group's desired capacity during a scale-out while every instance is
 * protected from scale-in (a CloudFormation update re-applying `DesiredCapacity: 1`, a person). The ASG
 * cannot remove a protected instance, so the live instances stay and desired sits at MinSize. The scaler
 * counts the live members (not the lowered number): a needed scale-out adds to them, and scale-in still
 * drains and terminates what is not needed (without decrementing a desired capacity that is already
 * below the members, which AWS would reject at MinSize).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { ASG, CLUSTER, coexistWorld, killedJobs, startWorld, writesBy } from './coexist-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const live = (s: Sim): number =>
  [...s.asg.groups.get(ASG)!.instances.values()].filter(
    (i) => i.lifecycleState === 'InService' || i.lifecycleState.startsWith('Pending'),
  ).length;

const pendingWeb = (s: Sim): number =>
  [...s.ecs.cluster(CLUSTER)!.tasks.values()].filter(
    (t) => t.group === 'service:web' && t.lastStatus !== 'RUNNING' && t.lastStatus !== 'STOPPED',
  ).length;

const unplaced = (s: Sim): number => {
  const svc = s.ecs.cluster(CLUSTER)!.services.get('web')!;
  const running = [...s.ecs.cluster(CLUSTER)!.tasks.values()].filter(
    (t) => t.group === 'service:web' && t.desiredStatus === 'RUNNING',
  ).length;
  return svc.desiredCount - running;
};

describe('desired capacity lowered below the protected members', () => {
  it('a scale-out interrupted by a lowered desired capacity still ends with every task running', async () => {
    sim = coexistWorld({ instances: 3, web: 4, max: 12 });
    await startWorld(sim);
    await sim.runFor(120);
    // Demand for 4 more instances' worth of web tasks.
    await sim.call('ecs', 'UpdateService', { cluster: CLUSTER, service: 'web', desiredCount: 24 });
    const g = sim.asg.groups.get(ASG)!;
    // Wait until the scale-out's instances are launched (Pending, protected from launch), then lower
    // desired at once: the ASG cannot remove them.
    for (let i = 0; i < 600 && live(sim) <= 3; i += 5) await sim.runFor(5);
    expect(live(sim)).toBeGreaterThan(3);
    await sim.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: ASG, DesiredCapacity: 1 });
    await sim.runFor(10 * 60);
    const before = live(sim);
    expect(g.desired).toBe(1);
    const writesBefore = writesBy(sim, 'cluster-scaler', 'autoscaling', 'SetDesiredCapacity').length;
    // More demand while desired still reads 1: the next scale-out must add to the live members, in one
    // write of exactly what the new tasks need (12 instances of 3 web tasks), not in steps from 1.
    await sim.call('ecs', 'UpdateService', { cluster: CLUSTER, service: 'web', desiredCount: 36 });
    await sim.runFor(30 * 60);
    expect(live(sim)).toBeGreaterThan(before);
    const outs = writesBy(sim, 'cluster-scaler', 'autoscaling', 'SetDesiredCapacity').slice(writesBefore);
    expect(outs.map((a) => a.input.DesiredCapacity)).toEqual([12]);
    // Every web task runs (the scaler added capacity on top of the live members).
    expect(unplaced(sim)).toBe(0);
    expect(pendingWeb(sim)).toBe(0);
    expect(killedJobs(sim)).toEqual([]);
  }, 300_000);

  it('scale-in goes on below a lowered desired capacity: idle protected instances are drained and terminated', async () => {
    sim = coexistWorld({ instances: 3, web: 4, max: 12 });
    await startWorld(sim);
    await sim.call('ecs', 'UpdateService', { cluster: CLUSTER, service: 'web', desiredCount: 24 });
    await sim.runFor(20 * 60);
    const g = sim.asg.groups.get(ASG)!;
    const peak = live(sim);
    expect(peak).toBeGreaterThan(3);
    await sim.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: ASG, DesiredCapacity: 1 });
    await sim.call('ecs', 'UpdateService', { cluster: CLUSTER, service: 'web', desiredCount: 4 });
    await sim.runFor(90 * 60);
    // The surplus is gone although desired was already at MinSize: terminated without decrementing.
    expect(live(sim)).toBeLessThan(peak);
    expect(live(sim)).toBeLessThanOrEqual(3);
    const terminations = writesBy(
      sim,
      'cluster-scaler',
      'autoscaling',
      'TerminateInstanceInAutoScalingGroup',
    );
    expect(terminations.length).toBeGreaterThan(0);
    expect(terminations.every((a) => a.error === undefined)).toBe(true);
    expect(g.desired).toBeGreaterThanOrEqual(g.min);
    expect(unplaced(sim)).toBe(0);
    expect(killedJobs(sim)).toEqual([]);
  }, 300_000);
});
