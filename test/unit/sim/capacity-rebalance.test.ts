/**
 * The simulator's Capacity Rebalancing, checked against the EC2 Auto Scaling user guide ("Capacity
 * Rebalancing"; ecs-facts §4.6): on a rebalance recommendation a group with CapacityRebalance launches a
 * replacement for the at-risk Spot instance first — above desired capacity, which does not change — and
 * terminates the old instance (through its terminate hook) once the new one is in service. Without the
 * setting the recommendation changes nothing. DescribeAutoScalingGroups shows the setting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (capacityRebalance: boolean, max = 6): Sim => {
  const s = createSim({ seed: 5 });
  s.createCluster('c');
  s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 0,
    max,
    desired: 2,
    instanceTypes: ['m5.large'],
    spotShare: 1,
    capacityRebalance,
    terminationHook: { name: 'drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  return s;
};

const states = (s: Sim) => [...s.asg.groups.get('g')!.instances.values()].map((i) => i.lifecycleState).sort();

const describeGroup = async (s: Sim) =>
  (
    (await s.call('autoscaling', 'DescribeAutoScalingGroups', { AutoScalingGroupNames: ['g'] })) as {
      AutoScalingGroups: { DesiredCapacity: number; CapacityRebalance: boolean }[];
    }
  ).AutoScalingGroups[0]!;

describe('sim: Capacity Rebalancing', () => {
  it('launches the replacement first, then terminates the at-risk instance through its hook', async () => {
    sim = world(true);
    expect((await describeGroup(sim)).CapacityRebalance).toBe(true);
    const [old] = [...sim.asg.groups.get('g')!.instances.values()];
    sim.rebalanceRecommendation(old!.id);
    await sim.runFor(30);
    // Three members for a desired capacity of 2: the old one still in service.
    expect(states(sim)).toEqual(['InService', 'InService', 'Pending']);
    expect((await describeGroup(sim)).DesiredCapacity).toBe(2);
    await sim.runFor(120);
    expect(old!.lifecycleState).toBe('Terminating:Wait');
    expect(old!.terminationCause).toMatch(/in response to an EC2 instance rebalance recommendation/);
    await sim.call('autoscaling', 'CompleteLifecycleAction', {
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'drain',
      LifecycleActionResult: 'CONTINUE',
      InstanceId: old!.id,
    });
    await sim.runFor(120);
    expect(old!.lifecycleState).toBe('Terminated');
    expect(states(sim)).toEqual(['InService', 'InService']);
    expect((await describeGroup(sim)).DesiredCapacity).toBe(2);
  });

  it('without CapacityRebalance the recommendation replaces nothing', async () => {
    sim = world(false);
    expect((await describeGroup(sim)).CapacityRebalance).toBe(false);
    const [old] = [...sim.asg.groups.get('g')!.instances.values()];
    sim.rebalanceRecommendation(old!.id);
    await sim.runFor(600);
    expect(states(sim)).toEqual(['InService', 'InService']);
  });

  it('may go above MaxSize by 10 % (at least one instance), no further', async () => {
    sim = world(true, 2);
    const [a, b] = [...sim.asg.groups.get('g')!.instances.values()];
    sim.rebalanceRecommendation(a!.id);
    sim.rebalanceRecommendation(b!.id);
    await sim.runFor(30);
    // MaxSize 2: one replacement at a time (3 members), the second once the first old one is gone.
    expect(states(sim)).toEqual(['InService', 'InService', 'Pending']);
  });
});
