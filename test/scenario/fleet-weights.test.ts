/**
 * Weights and mixed instance types on the simulator (issue 13): the group's desired capacity counts
 * units; the scaler buys the units the arriving types need, the waiting tasks run, nothing is over-bought
 * by more than one instance of the largest type, and no instance leaves with tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ZERO } from '../../shared/core/capacity/resources.js';
import { arrivingTypes, groupFleet } from '../../shared/core/cluster/fleet.js';
import type { AutoScalingGroup, ClusterSnapshot } from '../../shared/core/snapshot/snapshot.js';
import { instanceTypeNames } from '../../sim/ecs/resources.js';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
  liveTypes,
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

const mixed = (order: string[], strategy: 'prioritized' | 'lowest-price' = 'prioritized') => {
  const weights: Record<string, number> = { 'm5.xlarge': 2, 'm5.large': 1 };
  return fleetWorld([
    {
      name: 'mixed',
      min: 2,
      max: 40,
      desired: 6,
      mixedInstances: { overrides: order.map((t) => ({ type: t, weight: weights[t]! })), strategy },
    },
  ]);
};

describe('weights on the simulator', () => {
  it.each([
    { order: ['m5.xlarge', 'm5.large'], types: ['m5.xlarge', 'm5.xlarge', 'm5.xlarge', 'm5.xlarge'] },
    { order: ['m5.large', 'm5.xlarge'], types: Array.from({ length: 8 }, () => 'm5.large') },
  ])(
    "the issue's example: 6 units full, 3 tasks wait → desired 8 ($order.0 first)",
    async ({ order, types }) => {
      sim = mixed(order);
      // The group starts with desired 6 units of its first override, all CPU reserved by 12 web tasks;
      // 3 more are desired from the start: the scaler's first decision sees them waiting.
      sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 15 });
      startFleet(sim);
      await sim.runFor(1800);
      expect(scalerErrors(sim)).toEqual([]);
      expect(violations(sim)).toEqual([]);
      expect(tasksOf(sim, 'web')).toEqual({ desired: 15, running: 15 });
      expect(desiredWrites(sim, 'mixed')[0]).toBe(8);
      expect(Math.max(...desiredWrites(sim, 'mixed'))).toBe(8);
      expect(liveTypes(sim, 'mixed')).toEqual(types);
    },
  );

  it('price-based: the ASG picks the type; tasks run, over-buy stays under one m5.xlarge', async () => {
    sim = mixed(['m5.xlarge', 'm5.large'], 'lowest-price');
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 6 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 30]]);
    await sim.runFor(2400);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 30, running: 30 });
    // 30 tasks of 1024 CPU + 1 headroom = 31 × 1024 CPU = 15.5 units of 2048 CPU: 16 needed; the ASG may
    // overshoot by less than one m5.xlarge (2 units) → at most 17 + 2.
    const g = sim.asg.groups.get('mixed')!;
    const units = [...g.instances.values()]
      .filter((i) => i.lifecycleState === 'InService')
      .reduce((u, i) => u + i.weight, 0);
    expect(units).toBeGreaterThanOrEqual(16);
    expect(units).toBeLessThanOrEqual(16 + 2);
  });

  it('attribute-based selection, DesiredCapacityType vcpu: the ASG picks among matching types; tasks run', async () => {
    sim = fleetWorld([
      {
        name: 'abis',
        min: 4,
        max: 64,
        desired: 8,
        mixedInstances: {
          overrides: [
            {
              requirements: {
                vcpu: { min: 4, max: 4 },
                memoryMiB: { min: 16_000 },
                acceleratorCount: { max: 0 },
              },
            },
          ],
          desiredCapacityType: 'vcpu',
        },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 8 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 20]]);
    await sim.runFor(2400);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 20, running: 20 });
    const g = sim.asg.groups.get('abis')!;
    const live = [...g.instances.values()].filter((i) => i.lifecycleState === 'InService');
    // Every type launched has 4 vCPUs (the requirements); desired counts vCPUs.
    expect(live.every((i) => i.weight === 4)).toBe(true);
    // 20 tasks of 1024 CPU + 1 headroom = 21 × 1024 CPU: 6 instances of 4 vCPU (24 vCPU), at most one more.
    const vcpus = live.reduce((u, i) => u + i.weight, 0);
    expect(vcpus).toBeGreaterThanOrEqual(24);
    expect(vcpus).toBeLessThanOrEqual(28);
    expect(desiredWrites(sim, 'abis').every((d) => d % 4 === 0)).toBe(true);
  });

  it('an instance heavier than the desired capacity (the ASG overshot) is removed: desired goes down first, no rejected decrement', async () => {
    // Found by random worlds on the simulator: desired 1 unit, the only type weighs 2, so the ASG runs
    // one m5.xlarge of 2 units. When it is no longer needed, terminating it with a decrement asks for
    // desired −1 (below MinSize 0): the scaler retried that rejected call every minute, and the empty
    // DRAINING instance ran on. Now desired is set to what stays (0) before the termination, which then
    // keeps desired and launches no replacement.
    sim = fleetWorld([
      {
        name: 'heavy',
        min: 0,
        max: 10,
        desired: 1,
        mixedInstances: { overrides: [{ type: 'm5.xlarge', weight: 2 }] },
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[300, 0]]);
    await sim.runFor(2400);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    const rejected = sim.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.error);
    expect(rejected.map((a) => `${a.command} ${a.error}`)).toEqual([]);
    expect(liveTypes(sim, 'heavy')).toEqual([]);
    expect(sim.asg.groups.get('heavy')!.desired).toBe(0);
  });

  it('room for part of an instance below MaxSize still buys the whole one (desired = MaxSize, the ASG overshoots)', async () => {
    // Found by random worlds on the simulator: weight 4, MaxSize 10, desired 8 — the 2 units left were
    // worth floor(2 / 4) = 0 instances, so the third task on port 80 waited for good. AWS launches until
    // desired is met in full (ecs-facts §4.2): desired 10 brings a whole third instance (12 units).
    sim = fleetWorld([
      {
        name: 'big',
        min: 0,
        max: 10,
        desired: 8,
        mixedInstances: { overrides: [{ type: 'm5.2xlarge', weight: 4 }] },
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.registerTaskDefinition({
      family: 'edge',
      containers: [{ cpu: 512, memoryReservation: 512, hostPorts: [80] }],
    });
    sim.createService({ cluster: CLUSTER, name: 'edge', taskDefinition: 'edge', desiredCount: 2 });
    startFleet(sim);
    sim.trace(CLUSTER, 'edge', [[120, 3]]);
    await sim.runFor(1200);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(sim.timeline.actions.filter((a) => a.fn === 'cluster-scaler' && a.error)).toEqual([]);
    expect(tasksOf(sim, 'edge')).toEqual({ desired: 3, running: 3 });
    expect(desiredWrites(sim, 'big')).toEqual([10]);
    expect(liveTypes(sim, 'big')).toEqual(['m5.2xlarge', 'm5.2xlarge', 'm5.2xlarge']);
  });
});

describe('attribute-based groups: the core and the simulator each apply price protection and lowest-price', () => {
  it.each([
    { capacityType: undefined, percent: undefined },
    { capacityType: 'vcpu' as const, percent: undefined },
    { capacityType: undefined, percent: 40 },
    { capacityType: 'vcpu' as const, percent: 999_999 },
    { capacityType: 'memory-mib' as const, percent: undefined },
  ])('DesiredCapacityType $capacityType, threshold $percent %', async ({ capacityType, percent }) => {
    sim = fleetWorld([
      {
        name: 'abs',
        min: 0,
        max: 2_000_000,
        desired: capacityType === 'memory-mib' ? 400_000 : capacityType === 'vcpu' ? 120 : 30,
        mixedInstances: {
          overrides: [
            {
              requirements: {
                vcpu: { min: 2, max: 8 },
                memoryMiB: { min: 4096 },
                ...(percent !== undefined ? { onDemandMaxPricePercent: percent } : {}),
              },
            },
          ],
          ...(capacityType ? { desiredCapacityType: capacityType } : {}),
        },
      },
    ]);
    sim.install();
    sim.start();
    const out = (await sim.call('autoscaling', 'DescribeAutoScalingGroups', {})) as {
      AutoScalingGroups: AutoScalingGroup[];
    };
    const group = out.AutoScalingGroups[0]!;
    const snapshot = {
      capturedAt: new Date(sim.nowMs).toISOString(),
      containerInstances: [],
      services: [],
      autoScalingGroups: [group],
      launchTemplateVersions: [],
    } as unknown as ClusterSnapshot;
    // The core knows more types than the simulator's table: compare on the simulator's.
    const simTable = new Set(instanceTypeNames());
    const g = sim.asg.groups.get('abs')!;
    const core = groupFleet(snapshot, group, ZERO, new Map())
      .options.map((o) => o.instanceType)
      .filter((t) => simTable.has(t))
      .sort();
    expect(core).toEqual(g.mixed!.overrides.map((o) => o.type.name).sort());
    const arriving = arrivingTypes(snapshot, group)
      .filter((t) => simTable.has(t))
      .sort();
    expect(arriving).toEqual([...new Set(liveTypes(sim, 'abs'))].sort());
  });
});
