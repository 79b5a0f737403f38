/**
 * The simulator's Auto Scaling model of fleets (issue 13), checked against AWS's documented rules on its
 * own (no core code): desired capacity in units, the first override of a prioritized policy, weighted
 * terminate-with-decrement, Standby, the shape DescribeAutoScalingGroups returns, instance refresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const weighted = (desired: number) => {
  sim = createSim({ seed: 3 });
  sim.createCluster('c');
  return sim.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 1,
    max: 20,
    desired,
    mixedInstances: {
      overrides: [
        { type: 'm5.xlarge', weight: 2 },
        { type: 'm5.large', weight: 1 },
      ],
    },
  });
};

describe('simulated ASG: weights and mixed types', () => {
  it('launches the first override until the units reach desired, overshooting by less than one weight', () => {
    const g = weighted(5);
    const types = [...g.instances.values()].map((i) => i.type.name);
    expect(types).toEqual(['m5.xlarge', 'm5.xlarge', 'm5.xlarge']);
    expect([...g.instances.values()].reduce((u, i) => u + i.weight, 0)).toBe(6);
  });

  it('DescribeAutoScalingGroups carries the MixedInstancesPolicy, DesiredCapacityType and each weight', async () => {
    weighted(4);
    sim!.install();
    sim!.start();
    const out = (await sim!.call('autoscaling', 'DescribeAutoScalingGroups', {})) as {
      AutoScalingGroups: Record<string, unknown>[];
    };
    const g = out.AutoScalingGroups[0]!;
    expect(g.DesiredCapacityType).toBe('units');
    expect(g.MixedInstancesPolicy).toMatchObject({
      LaunchTemplate: {
        Overrides: [
          { InstanceType: 'm5.xlarge', WeightedCapacity: '2' },
          { InstanceType: 'm5.large', WeightedCapacity: '1' },
        ],
      },
    });
    expect((g.Instances as { WeightedCapacity: string }[]).map((i) => i.WeightedCapacity)).toEqual([
      '2',
      '2',
    ]);
  });

  it('terminate with decrement takes the instance weight off desired capacity, never below MinSize', async () => {
    const g = weighted(4);
    sim!.install();
    sim!.start();
    const [first, second] = [...g.instances.keys()];
    await sim!.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
      InstanceId: first,
      ShouldDecrementDesiredCapacity: true,
    });
    expect(g.desired).toBe(2);
    await expect(
      sim!.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
        InstanceId: second,
        ShouldDecrementDesiredCapacity: true,
      }),
    ).rejects.toThrow(/min size/);
  });

  it('Standby without decrement is replaced; ExitStandby adds the weight back to desired', async () => {
    const g = weighted(4);
    sim!.install();
    sim!.start();
    const id = [...g.instances.keys()][0]!;
    await sim!.call('autoscaling', 'EnterStandby', {
      AutoScalingGroupName: 'g',
      InstanceIds: [id],
      ShouldDecrementDesiredCapacity: false,
    });
    await sim!.runFor(120);
    const live = [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    expect(live.reduce((u, i) => u + i.weight, 0)).toBe(4);
    await sim!.call('autoscaling', 'ExitStandby', { AutoScalingGroupName: 'g', InstanceIds: [id] });
    expect(g.desired).toBe(6);
  });

  it('an instance refresh waiting on protected instances fails after an hour', async () => {
    sim = createSim({ seed: 3 });
    sim.createCluster('c');
    const g = sim.createAutoScalingGroup({
      name: 'g',
      cluster: 'c',
      min: 1,
      max: 10,
      desired: 2,
      newInstancesProtectedFromScaleIn: true,
    });
    sim.install();
    sim.start();
    g.launchTemplate.version = '2';
    const r = sim.asg.startInstanceRefresh(g, {});
    await sim.runFor(3700);
    expect(r.status).toBe('Failed');
    expect(r.statusReason).toMatch(/protected from scale-in/);
  });
});
