/**
 * Placement rules on a cluster of several groups, on the simulator (whose ECS placement, sim/ecs, is the
 * referee): a static host port, task ENIs (awsvpc) and distinctInstance leave room for CPU and memory
 * that ECS will not use. Before fleet-model.ts the scaler held forever on such a cluster with two groups
 * (CPU/memory packing found room; the placement model's count was applied to one group only).
 *
 * Groups: `m5` (m5.large, $0.096/h) and `c5` (c5.large, $0.085/h), one instance each, no headroom. Every
 * test checks that the waiting tasks run, how many instances each group has, and that no instance left
 * with tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import { analyzeCapacity } from '../../shared/core/capacity/index.js';
import { planCluster, resolveClusterPolicy } from '../../shared/core/cluster/index.js';
import { DEFAULT_CLUSTER_POLICY } from '../../shared/core/cluster/policy.js';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  type FleetGroup,
  fleetWorld,
  liveTypes,
  scalerActivations,
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

const NO_HEADROOM = { 'ecs-autoscaler:headroom-tasks': '0' };

const groups = (m5: Partial<FleetGroup> = {}, c5: Partial<FleetGroup> = {}): FleetGroup[] => [
  {
    name: 'm5',
    min: 1,
    max: 10,
    desired: 1,
    instanceTypes: ['m5.large'],
    ...m5,
    tags: { ...NO_HEADROOM, ...m5.tags },
  },
  {
    name: 'c5',
    min: 0,
    max: 10,
    desired: 1,
    mixedInstances: { overrides: [{ type: 'c5.large' }] },
    ...c5,
    tags: { ...NO_HEADROOM, ...c5.tags },
  },
];

/** Runs `service` from `from` to `to` tasks (at 120 s) for 30 simulated minutes. */
const run = async (
  w: Sim,
  td: Parameters<Sim['registerTaskDefinition']>[0],
  from: number,
  to: number,
  constraints?: { type: 'distinctInstance' }[],
): Promise<void> => {
  w.registerTaskDefinition(td);
  w.createService({
    cluster: CLUSTER,
    name: 'svc',
    taskDefinition: td.family,
    desiredCount: from,
    ...(constraints ? { placementConstraints: constraints } : {}),
  });
  startFleet(w);
  w.trace(CLUSTER, 'svc', [[120, to]]);
  await w.runFor(1800);
  expect(scalerErrors(w)).toEqual([]);
  expect(violations(w)).toEqual([]);
};

const PORT_80 = { family: 'port', containers: [{ cpu: 256, memoryReservation: 256, hostPorts: [80] }] };

describe('placement rules on several groups (simulator as referee)', () => {
  it('static host port 80: 2 → 5 tasks grows the cheaper group by exactly 3', async () => {
    sim = fleetWorld(groups());
    await run(sim, PORT_80, 2, 5);
    expect(tasksOf(sim, 'svc')).toEqual({ desired: 5, running: 5 });
    // One task per instance (the port): 5 instances, the 3 new ones from c5 (cheaper per task).
    expect(liveTypes(sim, 'c5')).toEqual(['c5.large', 'c5.large', 'c5.large', 'c5.large']);
    expect(liveTypes(sim, 'm5')).toEqual(['m5.large']);
    expect(Math.max(...desiredWrites(sim, 'c5'))).toBe(4);
    expect(desiredWrites(sim, 'm5')).toEqual([]);
  });

  it('the priority tag wins over cost: the m5 group grows', async () => {
    sim = fleetWorld(groups({ tags: { 'ecs-autoscaler:priority': '1' } }));
    await run(sim, PORT_80, 2, 5);
    expect(tasksOf(sim, 'svc')).toEqual({ desired: 5, running: 5 });
    expect(liveTypes(sim, 'm5')).toHaveLength(4);
    expect(liveTypes(sim, 'c5')).toHaveLength(1);
    expect(desiredWrites(sim, 'c5')).toEqual([]);
  });

  it('the cheaper group at MaxSize passes the rest to the other group', async () => {
    sim = fleetWorld(groups({}, { max: 2 }));
    await run(sim, PORT_80, 2, 5);
    expect(tasksOf(sim, 'svc')).toEqual({ desired: 5, running: 5 });
    expect(liveTypes(sim, 'c5')).toHaveLength(2);
    expect(liveTypes(sim, 'm5')).toHaveLength(3);
    expect(Math.max(...desiredWrites(sim, 'c5'))).toBe(2);
    expect(Math.max(...desiredWrites(sim, 'm5'))).toBe(3);
  });

  it('awsvpc (2 task ENIs per m5.large or c5.large): 4 → 7 tasks needs exactly 4 instances', async () => {
    sim = fleetWorld(groups());
    await run(
      sim,
      { family: 'api', networkMode: 'awsvpc', containers: [{ cpu: 256, memoryReservation: 256 }] },
      4,
      7,
    );
    expect(tasksOf(sim, 'svc')).toEqual({ desired: 7, running: 7 });
    expect(liveTypes(sim, 'm5').length + liveTypes(sim, 'c5').length).toBe(4);
    expect(liveTypes(sim, 'c5')).toHaveLength(3);
  });

  it('distinctInstance: 2 → 4 tasks needs exactly 4 instances', async () => {
    sim = fleetWorld(groups());
    await run(sim, { family: 'cache', containers: [{ cpu: 256, memoryReservation: 256 }] }, 2, 4, [
      { type: 'distinctInstance' },
    ]);
    expect(tasksOf(sim, 'svc')).toEqual({ desired: 4, running: 4 });
    expect(liveTypes(sim, 'm5').length + liveTypes(sim, 'c5').length).toBe(4);
    expect(liveTypes(sim, 'c5')).toHaveLength(3);
  });

  it('an arm64 service on two x86 groups is unplaceable: reported, and the idle instances still leave', async () => {
    sim = fleetWorld(groups({ desired: 3 }, { desired: 2 }));
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.registerTaskDefinition({
      family: 'graviton',
      containers: [{ cpu: 256, memoryReservation: 256 }],
      cpuArchitecture: 'ARM64',
      requiresAttributes: [{ name: 'ecs.cpu-architecture', value: 'arm64' }],
    });
    sim.createService({ cluster: CLUSTER, name: 'graviton', taskDefinition: 'graviton', desiredCount: 2 });
    startFleet(sim);
    await sim.runFor(3600);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 2, running: 2 });
    expect(tasksOf(sim, 'graviton')).toEqual({ desired: 2, running: 0 });
    // Two web tasks of 1024 CPU fit on one m5.large: 5 → 1 instance (m5 keeps its MinSize 1).
    expect(liveTypes(sim, 'm5').length + liveTypes(sim, 'c5').length).toBe(1);
    const snapshot = await readClusterSnapshot(CLUSTER);
    const group = snapshot.autoScalingGroups[0]!;
    const plan = planCluster(
      snapshot,
      analyzeCapacity(snapshot),
      resolveClusterPolicy(group, DEFAULT_CLUSTER_POLICY),
      new Date(sim.clock.nowMs),
    );
    const waiting = plan.waitingTasks?.find((w) => w.service === 'graviton');
    expect(waiting).toMatchObject({ kind: 'unplaceable', count: 2 });
    expect(waiting?.refusals.map((r) => r.reason).join(' ')).toMatch(/arm64/);
    expect(plan.action).not.toBe('scale-out');
  });

  it('an arm64 service beside an idle x86 group: the headroom stays on arm64 hosts, no drain is undone', async () => {
    // Found by random worlds on the simulator: scale-in kept the headroom (one more of the largest wanted
    // task, arm64 here) on the x86 group's idle room, scale-out then wanted it on an arm64 host and set
    // the drained Graviton instances ACTIVE again — a drain undone every 11 minutes, for good. Both now
    // keep it where the task can run.
    sim = fleetWorld([
      { name: 'x86', min: 1, max: 10, desired: 1, instanceTypes: ['m5.2xlarge'] },
      { name: 'arm', min: 0, max: 10, desired: 1, instanceTypes: ['m6g.large'] },
    ]);
    sim.registerTaskDefinition({
      family: 'graviton',
      containers: [{ cpu: 1024, memoryReservation: 3072 }],
      cpuArchitecture: 'ARM64',
    });
    sim.createService({ cluster: CLUSTER, name: 'graviton', taskDefinition: 'graviton', desiredCount: 2 });
    startFleet(sim);
    sim.trace(CLUSTER, 'graviton', [
      [120, 8],
      [1500, 2],
    ]);
    await sim.runFor(4800);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'graviton')).toEqual({ desired: 2, running: 2 });
    expect(scalerActivations(sim)).toEqual([]);
    // 2 tasks + 1 headroom task of 1024 CPU, two per m6g.large: 2 arm64 instances; x86 stays at MinSize.
    expect(liveTypes(sim, 'arm')).toEqual(['m6g.large', 'm6g.large']);
    expect(liveTypes(sim, 'x86')).toEqual(['m5.2xlarge']);
  });
});

describe('own drains and host ports, on the simulator', () => {
  it('a host-port service short of its only type: its copies take no room where their port is in use, so no drain is undone', async () => {
    // Random world 292267: `edge` (host port 80, c5 only) wants 4 copies; its group's only type is short
    // for good, so 2 wait. Packed by CPU/memory, those 2 "fitted" on the c5s that already run edge on port
    // 80, the headroom then fitted nowhere but the m5s the scaler had drained after a surge, and it set
    // them ACTIVE again a minute after each drain (5 idle m5.large at 80 minutes). ECS takes no second copy
    // on a host whose port is in use: the c5s keep the headroom's room.
    sim = fleetWorld([
      { name: 'm5', min: 0, max: 10, desired: 1, instanceTypes: ['m5.large'] },
      { name: 'c5', min: 2, max: 10, desired: 2, mixedInstances: { overrides: [{ type: 'c5.xlarge' }] } },
    ]);
    sim.capacityShortage({ types: ['c5.xlarge'] });
    sim.registerTaskDefinition({
      family: 'edge',
      networkMode: 'bridge',
      containers: [{ cpu: 512, memoryReservation: 3072, hostPorts: [80] }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ c5.*' }],
    });
    sim.registerTaskDefinition({
      family: 'api',
      networkMode: 'host',
      containers: [{ cpu: 2048, memoryReservation: 1024, hostPorts: [8080] }],
    });
    sim.createService({ cluster: CLUSTER, name: 'edge', taskDefinition: 'edge', desiredCount: 2 });
    sim.createService({
      cluster: CLUSTER,
      name: 'api',
      taskDefinition: 'api',
      desiredCount: 1,
      placementConstraints: [{ type: 'distinctInstance' }],
    });
    startFleet(sim);
    sim.trace(CLUSTER, 'edge', [[120, 4]]);
    sim.trace(CLUSTER, 'api', [
      [120, 7],
      [1500, 2],
    ]);
    await sim.runFor(4800);
    expect(scalerErrors(sim)).toEqual([]);
    expect(tasksOf(sim, 'edge')).toEqual({ desired: 4, running: 2 });
    expect(tasksOf(sim, 'api')).toEqual({ desired: 2, running: 2 });
    expect(scalerActivations(sim)).toEqual([]);
    // The surge's m5s leave; the headroom (one more api task) keeps its room on the c5 without api.
    expect(liveTypes(sim, 'm5').length).toBeLessThanOrEqual(1);
  });
});

describe('the headroom of a group that launches nothing, on the simulator', () => {
  it('an arm64 headroom on a Graviton group EC2 has no capacity for does not hold the x86 group after a surge', async () => {
    // Random world 310664: the largest wanted task is arm64; its group's only type is short for good, so
    // its headroom is wanted where nothing can be bought. The x86 group's idle hosts, "able to run" a task
    // of that size but not of that architecture, were kept for it for good after its own surge.
    sim = fleetWorld([
      { name: 'arm', min: 0, max: 10, desired: 1, instanceTypes: ['m6g.large'] },
      { name: 'x86', min: 1, max: 10, desired: 1, instanceTypes: ['t3.medium'] },
    ]);
    sim.capacityShortage({ types: ['m6g.large'] });
    sim.registerTaskDefinition({
      family: 'arm-job',
      containers: [{ cpu: 2048, memoryReservation: 3072 }],
      cpuArchitecture: 'ARM64',
    });
    sim.registerTaskDefinition({
      family: 'api',
      networkMode: 'host',
      containers: [{ cpu: 2048, memoryReservation: 1024, hostPorts: [8080] }],
    });
    sim.createService({ cluster: CLUSTER, name: 'arm-job', taskDefinition: 'arm-job', desiredCount: 1 });
    sim.createService({ cluster: CLUSTER, name: 'api', taskDefinition: 'api', desiredCount: 1 });
    startFleet(sim);
    sim.trace(CLUSTER, 'api', [
      [120, 5],
      [1500, 1],
    ]);
    await sim.runFor(4800);
    expect(scalerErrors(sim)).toEqual([]);
    expect(tasksOf(sim, 'api')).toEqual({ desired: 1, running: 1 });
    expect(tasksOf(sim, 'arm-job')).toEqual({ desired: 1, running: 1 });
    // The surge's t3.medium leave: the one that runs api (MinSize 1), no idle one kept for the headroom.
    expect(liveTypes(sim, 'x86')).toEqual(['t3.medium']);
  });
});
