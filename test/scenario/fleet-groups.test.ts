/**
 * Several groups per cluster on the simulator (issue 13): a CPU and a GPU group, an x86 and an arm64
 * group, and a cheap group at MaxSize beside a free one. Every waiting task ends up running on an
 * instance of a group that can run it, no group buys more than one instance beyond what its tasks need,
 * and no instance leaves with tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';
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

const clean = (w: Sim) => {
  expect(scalerErrors(w)).toEqual([]);
  expect(violations(w)).toEqual([]);
};

describe('several groups on the simulator', () => {
  it('GPU tasks grow the GPU group, CPU tasks the CPU group', async () => {
    sim = fleetWorld([
      { name: 'cpu', min: 1, max: 20, desired: 2, instanceTypes: ['m5.large'] },
      { name: 'gpu', min: 0, max: 4, desired: 0, mixedInstances: { overrides: [{ type: 'g4dn.xlarge' }] } },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.createService({ cluster: CLUSTER, name: 'train', taskDefinition: 'train', desiredCount: 0 });
    startFleet(sim);
    sim.trace(CLUSTER, 'train', [[120, 2]]);
    sim.trace(CLUSTER, 'web', [[120, 6]]);
    await sim.runFor(1800);
    clean(sim);
    expect(tasksOf(sim, 'train')).toEqual({ desired: 2, running: 2 });
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    // One GPU per g4dn.xlarge, one GPU per train task: 2 instances, plus the headroom (one more of the
    // largest task, which is the GPU task) — 3, never a fourth.
    expect(Math.max(...desiredWrites(sim, 'gpu'))).toBe(3);
    expect(liveTypes(sim, 'gpu')).toEqual(['g4dn.xlarge', 'g4dn.xlarge', 'g4dn.xlarge']);
    // 6 web tasks of 1024 CPU + headroom on m5.large (2 per instance): 4 instances; the GPU instances' spare
    // CPU may take some, so at most 4 and never the GPU group for web.
    expect(Math.max(...desiredWrites(sim, 'cpu'))).toBeLessThanOrEqual(4);
  });

  it('arm64 tasks grow the Graviton group', async () => {
    sim = fleetWorld([
      { name: 'x86', min: 1, max: 20, desired: 1, instanceTypes: ['m5.large'] },
      { name: 'arm', min: 0, max: 20, desired: 0, mixedInstances: { overrides: [{ type: 'm6g.large' }] } },
    ]);
    sim.createService({
      cluster: CLUSTER,
      name: 'arm',
      taskDefinition: 'arm',
      desiredCount: 0,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.cpu-architecture == arm64' }],
    });
    startFleet(sim);
    sim.trace(CLUSTER, 'arm', [[120, 3]]);
    await sim.runFor(1800);
    clean(sim);
    expect(tasksOf(sim, 'arm')).toEqual({ desired: 3, running: 3 });
    expect(liveTypes(sim, 'arm').length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...desiredWrites(sim, 'arm'))).toBeLessThanOrEqual(3);
    expect(desiredWrites(sim, 'x86')).toEqual([]);
  });

  it('a group at MaxSize leaves the rest to the other group', async () => {
    sim = fleetWorld([
      { name: 'cheap', min: 1, max: 3, desired: 2, mixedInstances: { overrides: [{ type: 'c5.large' }] } },
      { name: 'other', min: 0, max: 20, desired: 0, mixedInstances: { overrides: [{ type: 'm5.large' }] } },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 4 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 12]]);
    await sim.runFor(2400);
    clean(sim);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 12, running: 12 });
    expect(sim.asg.groups.get('cheap')!.desired).toBe(3);
    // 12 tasks + 1 headroom at 2 per instance = 7 instances; 3 in `cheap`, so 4 in `other` (never 5+).
    expect(Math.max(...desiredWrites(sim, 'other'))).toBe(4);
  });

  it('a group another controller drives is never grown: its tasks go to the group the scaler may grow', async () => {
    sim = fleetWorld([
      { name: 'ours', min: 1, max: 20, desired: 2, instanceTypes: ['m5.large'] },
      // Cheaper per task, but bound to a capacity provider (AmazonECSManaged): the scaler stands aside.
      {
        name: 'theirs',
        min: 0,
        max: 20,
        desired: 1,
        mixedInstances: { overrides: [{ type: 'c5.large' }] },
        tags: { AmazonECSManaged: '' },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    startFleet(sim);
    sim.trace(CLUSTER, 'web', [[120, 8]]);
    await sim.runFor(1800);
    clean(sim);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 8, running: 8 });
    // 8 tasks + 1 headroom at 2 per instance = 5 instances; `theirs` holds 1, so `ours` goes to 4.
    expect(Math.max(...desiredWrites(sim, 'ours'))).toBe(4);
    const touched = sim.timeline.actions.filter(
      (a) => a.fn === 'cluster-scaler' && a.input.AutoScalingGroupName === 'theirs',
    );
    expect(touched).toEqual([]);
  });

  it('a group at zero whose launch template names the type scales from zero (DescribeLaunchTemplateVersions)', async () => {
    // Found by random worlds on the simulator: with no instance running and no override, the group's
    // type was known only from its launch template, which the scaler did not read — it held for good
    // ("the size of a new instance is unknown"). Beside an x86 group, an unknown type also looked able to
    // run arm64 tasks: it grew for them, nothing fitted, it shrank, and again every 20 minutes.
    sim = fleetWorld([
      {
        name: 'zero',
        min: 0,
        max: 10,
        desired: 0,
        instanceTypes: ['c5.large'],
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 3 });
    startFleet(sim);
    await sim.runFor(900);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 3, running: 3 });
    // 3 tasks of 1024 CPU, 2 per c5.large (2048 CPU): exactly 2 instances, bought in one step.
    expect(liveTypes(sim, 'zero')).toEqual(['c5.large', 'c5.large']);
    expect(desiredWrites(sim, 'zero')).toEqual([2]);
  });
});
