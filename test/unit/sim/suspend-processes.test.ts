/**
 * The simulator's SuspendProcesses / ResumeProcesses, checked against the EC2 Auto Scaling API reference
 * and the user guide ("How suspended processes affect other processes"): with Launch suspended a group
 * launches nothing and its desired capacity stays unmet until Launch resumes; with Terminate suspended it
 * starts no scale-in; an instance refresh replaces nothing while Launch is suspended;
 * DescribeAutoScalingGroups lists the suspended processes with AWS's "User suspended at …" reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import sample from '../../../events/snapshots/sample-cluster.json' with { type: 'json' };
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { createSim, type Sim } from '../../../sim/index.js';
import { buildSnapshotWorld } from '../../../sim/replay/snapshot-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (desired = 2): Sim => {
  const s = createSim({ seed: 5 });
  s.createCluster('c');
  s.createAutoScalingGroup({ name: 'g', cluster: 'c', min: 0, max: 6, desired, instanceTypes: ['m5.large'] });
  return s;
};

const live = (s: Sim, group = [...s.asg.groups.keys()][0]!) =>
  [...s.asg.groups.get(group)!.instances.values()].filter(
    (i) => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService',
  ).length;

const describeGroup = async (s: Sim) =>
  (
    (await s.call('autoscaling', 'DescribeAutoScalingGroups', { AutoScalingGroupNames: ['g'] })) as {
      AutoScalingGroups: { DesiredCapacity: number; SuspendedProcesses: { ProcessName: string }[] }[];
    }
  ).AutoScalingGroups[0]!;

const errorName = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as Error).name;
  }
  return 'accepted';
};

describe('sim: suspended Auto Scaling processes', () => {
  it('Launch suspended: desired capacity is taken but nothing launches until Launch resumes', async () => {
    sim = world();
    await sim.call('autoscaling', 'SuspendProcesses', {
      AutoScalingGroupName: 'g',
      ScalingProcesses: ['Launch'],
    });
    await sim.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 4 });
    await sim.runFor(600);
    expect(live(sim)).toBe(2);
    const g = await describeGroup(sim);
    expect(g.DesiredCapacity).toBe(4);
    expect(g.SuspendedProcesses.map((p) => p.ProcessName)).toEqual(['Launch']);
    await sim.call('autoscaling', 'ResumeProcesses', {
      AutoScalingGroupName: 'g',
      ScalingProcesses: ['Launch'],
    });
    await sim.runFor(60);
    expect(live(sim)).toBe(4);
    expect((await describeGroup(sim)).SuspendedProcesses).toEqual([]);
  });

  it('Terminate suspended: a lower desired capacity terminates nothing until Terminate resumes', async () => {
    sim = world(4);
    await sim.call('autoscaling', 'SuspendProcesses', {
      AutoScalingGroupName: 'g',
      ScalingProcesses: ['Terminate'],
    });
    await sim.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await sim.runFor(600);
    expect(live(sim)).toBe(4);
    await sim.call('autoscaling', 'ResumeProcesses', { AutoScalingGroupName: 'g' });
    await sim.runFor(60);
    expect(live(sim)).toBe(1);
  });

  it('no process names: every process; an unknown name is a ValidationError that changes nothing', async () => {
    sim = world();
    expect(
      await errorName(
        sim.call('autoscaling', 'SuspendProcesses', {
          AutoScalingGroupName: 'g',
          ScalingProcesses: ['Launch', 'Nap'],
        }),
      ),
    ).toBe('ValidationError');
    expect((await describeGroup(sim)).SuspendedProcesses).toEqual([]);
    await sim.call('autoscaling', 'SuspendProcesses', { AutoScalingGroupName: 'g' });
    const names = (await describeGroup(sim)).SuspendedProcesses.map((p) => p.ProcessName);
    expect(names).toEqual(expect.arrayContaining(['Launch', 'Terminate', 'AZRebalance', 'InstanceRefresh']));
    expect(names).toHaveLength(9);
  });

  it('an instance refresh replaces nothing while Launch is suspended', async () => {
    sim = world();
    const before = [...sim.asg.groups.get('g')!.instances.keys()];
    sim.suspendProcesses('g', ['Launch']);
    // The operator's new launch template version, then StartInstanceRefresh.
    sim.asg.groups.get('g')!.launchTemplate.version = '2';
    await sim.call('autoscaling', 'StartInstanceRefresh', {
      AutoScalingGroupName: 'g',
      Preferences: { MinHealthyPercentage: 50 },
    });
    await sim.runFor(900);
    expect([...sim.asg.groups.get('g')!.instances.keys()]).toEqual(before);
    sim.suspendProcesses('g', ['Launch'], false);
    await sim.runFor(1800);
    const after = [...sim.asg.groups.get('g')!.instances.values()].filter(
      (i) => i.lifecycleState === 'InService',
    );
    expect(after).toHaveLength(2);
    expect(after.some((i) => before.includes(i.id))).toBe(false);
  });

  it("a snapshot's suspended processes stay suspended in its replay, and simulate says so", async () => {
    const snap = structuredClone(sample) as { autoScalingGroups: Record<string, unknown>[] };
    snap.autoScalingGroups[0]!.SuspendedProcesses = [
      { ProcessName: 'Launch', SuspensionReason: 'User suspended at 2026-11-22T09:00:00Z' },
      { ProcessName: 'AZRebalance', SuspensionReason: 'User suspended at 2026-11-22T09:00:00Z' },
    ];
    const world = buildSnapshotWorld(parseSnapshot(snap), 'ecs-autoscaler', 1);
    sim = world.sim;
    const g = sim.asg.groups.get(world.asg)!;
    expect([...g.suspended.keys()]).toEqual(['Launch', 'AZRebalance']);
    expect(world.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/Launch, AZRebalance suspended .* launches nothing/)]),
    );
    const before = live(sim);
    await sim.call('autoscaling', 'SetDesiredCapacity', {
      AutoScalingGroupName: world.asg,
      DesiredCapacity: 9,
    });
    await sim.runFor(600);
    expect([...g.instances.values()].filter((i) => i.lifecycleState === 'InService')).toHaveLength(before);
  });

  it('a snapshot with a malformed SuspendedProcesses is a clear error', () => {
    const bad = structuredClone(sample) as { autoScalingGroups: Record<string, unknown>[] };
    bad.autoScalingGroups[0]!.SuspendedProcesses = [{ SuspensionReason: 'User suspended' }];
    expect(() => parseSnapshot(bad)).toThrow(/SuspendedProcesses/);
  });
});
