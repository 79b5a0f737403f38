/**
 * Placement rules on several groups, planner tables (fleet-model.ts): 3 instances with host port 80
 * taken and CPU to spare, 2 more tasks of the port-80 service waiting. CPU/memory packing sees room; the
 * placement model needs 2 new instances, from the group the fleet order picks.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { bootingInstances, planClusterGrowth } from '../../../shared/core/service/cluster-growth.js';
import {
  ago,
  type FleetGroupSpec,
  fleetSnapshot,
  full,
  groupPlan,
  NOW,
  planFleet,
} from './fleet-builders.js';

const IDLE = { 'ecs-autoscaler:last-scale-out': ago(3600) };
const COOLING = { 'ecs-autoscaler:last-scale-out': ago(60) };
/** No headroom; a scale-out 60 s ago holds a group for 300 s. */
const POLICY = { headroomTasks: 0, scaleOutCooldownSeconds: 300 };
const host = (id: string, type: string) => ({ id, type, cpu: 256, mem: 256, running: 1, ports: [22, 80] });

const cluster = (m5: Partial<FleetGroupSpec> = {}, c5: Partial<FleetGroupSpec> = {}, desired = 5) =>
  fleetSnapshot(
    [
      {
        name: 'm5',
        min: 1,
        max: 10,
        overrides: [{ type: 'm5.large' }],
        instances: [host('i-m5000000000000001', 'm5.large'), host('i-m5000000000000002', 'm5.large')],
        tags: IDLE,
        ...m5,
      },
      {
        name: 'c5',
        min: 0,
        max: 10,
        overrides: [{ type: 'c5.large' }],
        instances: [host('i-c5000000000000001', 'c5.large')],
        tags: IDLE,
        ...c5,
      },
    ],
    [{ name: 'web', cpu: 256, mem: 256, desired, running: 3, hostPort: 80 }],
  );

describe('placement rules on several groups (planner)', () => {
  it('grows the cheaper group by the placement model: 2 instances, not 0', () => {
    const plan = planFleet(cluster(), POLICY);
    expect(plan.capacityDeficitInstances).toBe(2);
    expect(groupPlan(plan, 'c5')).toMatchObject({
      action: 'scale-out',
      desiredCapacity: { current: 1, proposed: 3 },
    });
    expect(groupPlan(plan, 'm5').action).toBe('hold');
    expect(groupPlan(plan, 'c5').reasons.join('\n')).toMatch(
      /placement model \(host ports.*needs 2 new c5\.large/,
    );
    expect(plan.waitingTasks).toEqual([expect.objectContaining({ service: 'web', kind: 'needs-capacity' })]);
  });

  it('a preferred group in cooldown passes the tasks to the other group', () => {
    const plan = planFleet(cluster({}, { tags: COOLING }), POLICY);
    expect(groupPlan(plan, 'm5')).toMatchObject({
      action: 'scale-out',
      desiredCapacity: { current: 2, proposed: 4 },
    });
    expect(groupPlan(plan, 'c5').action).not.toBe('scale-out');
  });

  it('every group in cooldown: holds, the deficit still counted and the groups named', () => {
    const plan = planFleet(cluster({ tags: COOLING }, { tags: COOLING }), POLICY);
    expect(plan.action).toBe('hold');
    expect(plan.capacityDeficitInstances).toBe(2);
    expect(plan.groupPlans?.map((p) => p.desiredCapacity.proposed)).toEqual([2, 1]);
    expect(plan.reasons.join('\n')).toMatch(/c5: cooldown/);
  });

  it('without a host port the same cluster needs nothing (CPU/memory alone decides)', () => {
    const snapshot = cluster();
    const plain = {
      ...snapshot,
      taskDefinitions: snapshot.taskDefinitions.map((td) => ({
        ...td,
        containerDefinitions: td.containerDefinitions.map((c) => ({ ...c, portMappings: [] })),
      })),
    };
    const plan = planFleet(plain, POLICY);
    expect(plan.capacityDeficitInstances).toBe(0);
    expect(plan.groupPlans?.every((p) => p.action !== 'scale-out')).toBe(true);
  });
});

describe("the service scaler's growth check on the same cluster", () => {
  const policy = { ...DEFAULT_CLUSTER_POLICY, ...POLICY };

  it('2 new port-80 tasks fit on CPU and memory, yet ask the group the planner grows for 2 instances', () => {
    const check = planClusterGrowth(cluster({}, {}, 3), 'web', 2, policy, NOW);
    expect(check.growth).toMatchObject({
      autoScalingGroup: 'c5',
      desiredCapacity: { current: 1, proposed: 3 },
    });
    expect(check.growth?.reasons[0]).toMatch(/fit on CPU and memory; their placement rules/);
  });

  it('with room for the port (a fourth instance free of it) no growth is asked', () => {
    const snapshot = cluster(
      {
        instances: [
          host('i-m5000000000000001', 'm5.large'),
          host('i-m5000000000000002', 'm5.large'),
          { id: 'i-m5000000000000003', type: 'm5.large' },
          { id: 'i-m5000000000000004', type: 'm5.large' },
        ],
      },
      {},
      3,
    );
    const check = planClusterGrowth(snapshot, 'web', 2, policy, NOW);
    expect(check.growth).toBeUndefined();
    expect(check.reasons.at(-1)).toBe('the cluster does not grow now');
  });
});

describe("the service scaler's growth check on a weighted group", () => {
  // 3 × m5.xlarge of weight 2: desired 6 units, all launched and registered, CPU fully reserved.
  const weighted = () =>
    fleetSnapshot(
      [
        {
          name: 'asg-w',
          overrides: [{ type: 'm5.xlarge', weight: 2 }],
          instances: full(3, 'm5.xlarge', 'w'),
          tags: IDLE,
        },
      ],
      [{ name: 'web', cpu: 1024, mem: 512, desired: 12, running: 12 }],
    );

  it('counts no instance as booting when every unit is launched (desired counts units, not instances)', () => {
    const s = weighted();
    expect(
      bootingInstances(s, analyzeCapacity(s), () => ({ ...DEFAULT_CLUSTER_POLICY, ...POLICY }), NOW),
    ).toBe(0);
  });

  it('counts desired units not launched as booting until the launch timeout, then not (launches failing)', () => {
    // Desired 10 units, 6 launched: 4 units = 2 m5.xlarge at most.
    const missing = (since: string) =>
      fleetSnapshot(
        [
          {
            name: 'asg-w',
            desired: 10,
            overrides: [{ type: 'm5.xlarge', weight: 2 }],
            instances: full(3, 'm5.xlarge', 'w'),
            tags: { ...IDLE, 'ecs-autoscaler:unlaunched-since': since },
          },
        ],
        [{ name: 'web', cpu: 1024, mem: 512, desired: 12, running: 12 }],
      );
    const booting = (s: ReturnType<typeof missing>) =>
      bootingInstances(s, analyzeCapacity(s), () => ({ ...DEFAULT_CLUSTER_POLICY, ...POLICY }), NOW);
    expect(booting(missing(ago(120)))).toBe(2);
    expect(booting(missing(ago(600)))).toBe(0);
    // So 2 more tasks do not "fit on booting instances": the planner decides, and the group holds.
    const check = planClusterGrowth(
      missing(ago(600)),
      'web',
      2,
      { ...DEFAULT_CLUSTER_POLICY, ...POLICY },
      NOW,
    );
    expect(check.growth).toBeUndefined();
    expect(check.reasons.join('\n')).toMatch(/launches failing/);
    expect(
      planClusterGrowth(missing(ago(120)), 'web', 2, { ...DEFAULT_CLUSTER_POLICY, ...POLICY }, NOW).reasons,
    ).toEqual([
      "the 2 new task(s) fit on the cluster's free space (counting 2 instance(s) still booting): no instance to add",
    ]);
  });

  it('asks for growth for new tasks that do not fit (phantom booting instances used to absorb them)', () => {
    const check = planClusterGrowth(weighted(), 'web', 2, { ...DEFAULT_CLUSTER_POLICY, ...POLICY }, NOW);
    expect(check.growth).toMatchObject({ autoScalingGroup: 'asg-w', desiredCapacity: { current: 6 } });
    expect(check.growth!.desiredCapacity.proposed).toBeGreaterThan(6);
  });
});

describe('on-demand lowest-price groups (attribute-based): what arrives is the cheapest per unit', () => {
  // 2–8 vCPU, ≥ 4 GiB: price protection keeps c5/c6i.large ($0.085) and m5/m6i.large ($0.096);
  // lowest-price launches c5.large or c6i.large (equal prices: the ASG's choice).
  const abs = (memberOf: string) =>
    fleetSnapshot(
      [
        {
          name: 'abs',
          min: 0,
          max: 10,
          overrides: [{ requirements: { VCpuCount: { Min: 2, Max: 8 }, MemoryMiB: { Min: 4096 } } }],
          instances: [host('i-ab000000000000001', 'c5.large')],
          tags: IDLE,
        },
        // A second group: the cluster is planned as a fleet (every group's arriving types).
        { name: 'r5', min: 0, max: 10, overrides: [{ type: 'r5.large' }], instances: [], tags: IDLE },
      ],
      [{ name: 'web', cpu: 256, mem: 256, desired: 3, running: 1, hostPort: 80, memberOf }],
    );

  it('a task only a dearer type runs is not bought for: reported, no scale-out', () => {
    // Before, the scaler bought "an m5-capable instance" each tick while the group launched c5.
    const plan = planFleet(abs('attribute:ecs.instance-type =~ m5.*'), POLICY);
    expect(plan.action).toBe('hold');
    expect(plan.waitingTasks).toEqual([expect.objectContaining({ service: 'web', kind: 'unplaceable' })]);
    expect(plan.reasons.join('\n')).toMatch(/2 task\(s\) of web can never be placed/);
    expect(groupPlan(plan, 'abs').fleet?.strategy).toMatch(
      /cheapest per unit first \(c5\.large,c6i\.large\)/,
    );
  });

  it('among equal prices, the type that takes the tasks is planned on, and the chance is said', () => {
    // Size alone would pick c6i.large (less memory registered): its node refuses memberOf c5.*, and the
    // waiting tasks fell through (CPU/memory packing saw room; the model found no group).
    const plan = planFleet(abs('attribute:ecs.instance-type =~ c5.*'), POLICY);
    expect(groupPlan(plan, 'abs')).toMatchObject({
      action: 'scale-out',
      desiredCapacity: { current: 1, proposed: 3 },
    });
    expect(groupPlan(plan, 'abs').reasons.join('\n')).toMatch(
      /planned on the least capable type that takes the tasks \(c5\.large, weight 1\); only c5\.large take them/,
    );
  });
});

describe('a vCPU-unit group: the placement model counts instances, the group grows in vCPUs', () => {
  it('converts the model count with the type that arrives for the tasks, not the first type', () => {
    // Random world 5076 (ninth stop): tasks of a port-80 service, 2,100 CPU units each; CPU and memory
    // fit two on the c5.2xlarge, its port one, so the model needs 1 new host. Counted as the first type
    // (c5.large, 2 vCPUs, too small for the task) that was 2 vCPUs: no host at all. (A host whose port is
    // in use takes no copy even in CPU/memory packing since world 292267, so the port is free here.)
    const plan = planFleet(
      fleetSnapshot(
        [
          {
            name: 'abs',
            min: 0,
            max: 64,
            desired: 8,
            capacityType: 'vcpu',
            overrides: [{ requirements: { VCpuCount: { Min: 2, Max: 8 }, MemoryMiB: { Min: 4096 } } }],
            instances: [{ ...host('i-ab000000000000001', 'c5.2xlarge'), cpu: 2100, ports: [22] }],
            tags: IDLE,
          },
        ],
        [{ name: 'web', cpu: 2100, mem: 512, desired: 2, running: 0, hostPort: 80 }],
      ),
      POLICY,
    );
    expect(plan.action).toBe('scale-out');
    expect(plan.reasons.join('\n')).toMatch(/placement model \(host ports.*needs 1 new instance/);
    expect(plan.desiredCapacity).toEqual({ current: 8, proposed: 12 });
  });
});

describe('a mixed group: a new instance is what the group launches, not what its members are', () => {
  it('grows for a task only a larger type of the price tie runs', () => {
    // Random world 5214 (tenth stop): a vCPU-unit attribute-based group whose one member is a c5.large;
    // two tasks of 3,000 CPU units wait. Every c5 size has the same price per vCPU, so the ASG may launch
    // a c5.xlarge, which runs them. Taken from the member's type alone, the new instance was a c5.large:
    // "larger than one new instance of any type the group launches", never scaled for; the service waited
    // for good.
    const plan = planFleet(
      fleetSnapshot(
        [
          {
            name: 'abs',
            min: 2,
            max: 60,
            desired: 2,
            capacityType: 'vcpu',
            overrides: [{ requirements: { VCpuCount: { Min: 2, Max: 8 }, MemoryMiB: { Min: 4096 } } }],
            instances: [{ id: 'i-ab000000000000001', type: 'c5.large', cpu: 0, mem: 0, running: 0 }],
            tags: IDLE,
          },
        ],
        [{ name: 'big', cpu: 3000, mem: 1024, desired: 2, running: 0 }],
      ),
      POLICY,
    );
    expect(plan.reasons.join('\n')).not.toMatch(/can never be placed/);
    expect(plan.action).toBe('scale-out');
    // Planned on the least capable type of the tie that takes the tasks: c5.xlarge (4 vCPUs) for each.
    expect(plan.desiredCapacity.proposed).toBeGreaterThanOrEqual(2 + 4);
  });
});

/**
 * Random world 23112 (eleventh stop): the cost per task of a group is the price of the instance it
 * launches over the copies one holds by the placement model. By size an m5.2xlarge holds 4 tasks of
 * 2,048 CPU units and 6 GiB ($0.384 / 4) and a c5.xlarge 1 ($0.17); with host port 80 each holds one.
 */
describe('the cost per task under placement rules', () => {
  const waiting = (hostPort?: number) =>
    planFleet(
      fleetSnapshot(
        [
          { name: 'large', min: 0, max: 10, overrides: [{ type: 'm5.2xlarge' }], instances: [], tags: IDLE },
          { name: 'small', min: 0, max: 10, overrides: [{ type: 'c5.xlarge' }], instances: [], tags: IDLE },
        ],
        [{ name: 'edge', cpu: 2048, mem: 6144, desired: 2, running: 0, ...(hostPort ? { hostPort } : {}) }],
      ),
      POLICY,
    );

  it('grows the group whose instance costs least per task it can hold: one per host with a host port', () => {
    const plan = waiting(80);
    expect(groupPlan(plan, 'small')).toMatchObject({
      action: 'scale-out',
      desiredCapacity: { current: 0, proposed: 2 },
    });
    expect(groupPlan(plan, 'large').action).toBe('hold');
  });

  it('without the port, the larger instance holds 4 and is the cheaper per task', () => {
    const plan = waiting();
    expect(groupPlan(plan, 'large')).toMatchObject({
      action: 'scale-out',
      desiredCapacity: { current: 0, proposed: 1 },
    });
    expect(groupPlan(plan, 'small').action).toBe('hold');
  });
});
