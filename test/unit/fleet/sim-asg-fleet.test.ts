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

/** An attribute-based group of `desired` (units or vCPUs) whose launched types the simulator chose. */
const attributeBased = (
  desired: number,
  capacityType?: 'vcpu',
  extra: { onDemandMaxPricePercent?: number } = {},
) => {
  sim = createSim({ seed: 5 });
  sim.createCluster('c');
  return sim.createAutoScalingGroup({
    name: 'abs',
    cluster: 'c',
    min: 0,
    max: 200,
    desired,
    mixedInstances: {
      overrides: [{ requirements: { vcpu: { min: 2, max: 8 }, memoryMiB: { min: 4096 }, ...extra } }],
      ...(capacityType ? { desiredCapacityType: capacityType } : {}),
    },
  });
};
const launched = (g: ReturnType<typeof attributeBased>) =>
  [...new Set([...g.instances.values()].map((i) => i.type.name))].sort();

describe('simulated ASG: attribute-based selection, price protection and lowest-price', () => {
  it('launches the lowest price per instance among the types price protection keeps', () => {
    // Matches (x86, not burstable, 2–8 vCPU, ≥ 4 GiB): c5/m5/m6i/r5 and g4dn/p3 sizes. On-demand price
    // protection (20 % over the cheapest C/M/R, c5.large $0.085) keeps c5.large, m5.large, m6i.large
    // ($0.096); lowest-price launches the cheapest, c5.large, every time.
    expect(
      attributeBased(30)
        .mixed!.overrides.map((o) => o.type.name)
        .sort(),
    ).toEqual(['c5.large', 'm5.large', 'm6i.large']);
    expect(launched(attributeBased(30))).toEqual(['c5.large']);
  });

  it('counted in vCPUs, protection and price are per vCPU: every c5 size ties', () => {
    const g = attributeBased(120, 'vcpu');
    // $0.0425 per vCPU-hour for c5; m5/m6i $0.048 are within 20 %; r5 $0.063 and the GPU types are not.
    expect(g.mixed!.overrides.map((o) => o.type.name).sort()).toEqual([
      'c5.2xlarge',
      'c5.large',
      'c5.xlarge',
      'm5.2xlarge',
      'm5.large',
      'm5.xlarge',
      'm6i.large',
      'm6i.xlarge',
    ]);
    expect(launched(g)).toEqual(['c5.2xlarge', 'c5.large', 'c5.xlarge']);
  });

  it("the group's own threshold is shown by DescribeAutoScalingGroups and applied", async () => {
    const g = attributeBased(4, undefined, { onDemandMaxPricePercent: 5 });
    expect(g.mixed!.overrides.map((o) => o.type.name)).toEqual(['c5.large']);
    sim!.install();
    sim!.start();
    const out = (await sim!.call('autoscaling', 'DescribeAutoScalingGroups', {})) as {
      AutoScalingGroups: { MixedInstancesPolicy: { LaunchTemplate: { Overrides: unknown[] } } }[];
    };
    expect(out.AutoScalingGroups[0]!.MixedInstancesPolicy.LaunchTemplate.Overrides).toEqual([
      {
        InstanceRequirements: {
          VCpuCount: { Min: 2, Max: 8 },
          MemoryMiB: { Min: 4096 },
          OnDemandMaxPricePercentageOverLowestPrice: 5,
        },
      },
    ]);
  });
});
