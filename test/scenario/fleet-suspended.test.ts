/**
 * Auto Scaling processes an operator suspended (SuspendProcesses), end to end: the simulator's groups
 * (sim/asg, from the ASG user guide: with Launch suspended a group launches nothing and its desired
 * capacity stays unmet; with Terminate suspended it starts no scale-in) against the project's handlers.
 *
 * - Launch suspended on the cheaper group: the scaler grows the other group at once and never raises the
 *   suspended group's desired capacity. Before, it raised it, counted the units as in flight, and the
 *   waiting tasks waited out the 300 s launch timeout before the other group grew.
 * - Terminate suspended: the scaler drains nothing of that group while it lasts (a drained instance would
 *   only stand empty), and scales in at once when the operator resumes the process (the capacity was
 *   unneeded all along: the unneeded time is kept, not started again). Before, it drained and
 *   terminated as if nothing were suspended.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
  liveTypes,
  scalerErrors,
  scalerStateWrites,
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

/** The scaler's writes that start a scale-in (DRAINING, terminate) of instances of `members`. */
const scaleInWrites = (s: Sim, members: ReadonlySet<string>) => {
  const arns = new Set(
    [...s.ecs.cluster(CLUSTER)!.instances.values()]
      .filter((ci) => members.has(ci.ec2InstanceId))
      .map((ci) => ci.arn),
  );
  return [
    ...scalerStateWrites(s, 'DRAINING', arns),
    ...s.timeline.actions.filter(
      (a) =>
        a.fn === 'cluster-scaler' &&
        a.command === 'TerminateInstanceInAutoScalingGroup' &&
        members.has(a.input.InstanceId as string),
    ),
  ];
};

describe('suspended Auto Scaling processes', () => {
  it('Launch suspended on the cheaper group: the other group grows at once, the suspended one is left alone', async () => {
    sim = fleetWorld([
      { name: 'm5', min: 0, max: 10, desired: 1, instanceTypes: ['m5.large'], tags: NO_HEADROOM },
      {
        name: 'c5',
        min: 0,
        max: 10,
        desired: 1,
        mixedInstances: { overrides: [{ type: 'c5.large' }] },
        tags: NO_HEADROOM,
      },
    ]);
    // Two web tasks (1,024 CPU units each) fit on an m5.large or a c5.large (2,048 units): 6 tasks need a
    // third instance, and c5.large is the cheaper.
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    startFleet(sim);
    await sim.runFor(120);
    sim.suspendProcesses('c5', ['Launch']);
    sim.setDesiredCount(CLUSTER, 'web', 6);
    // Within 4 minutes (45 s boot + 30 s registration, 1-minute ticks), less than the 300 s launch
    // timeout that a suspended group's missing units took before.
    await sim.runFor(240);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 6, running: 6 });
    expect(liveTypes(sim, 'm5')).toEqual(['m5.large', 'm5.large']);
    expect(liveTypes(sim, 'c5')).toEqual(['c5.large']);
    expect(desiredWrites(sim, 'c5')).toEqual([]);
    const group = (await sim.call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: ['c5'],
    })) as {
      AutoScalingGroups: { SuspendedProcesses: { ProcessName: string; SuspensionReason: string }[] }[];
    };
    expect(group.AutoScalingGroups[0]!.SuspendedProcesses).toEqual([
      {
        ProcessName: 'Launch',
        SuspensionReason: expect.stringMatching(/^User suspended at \d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('Terminate suspended: no drain while it lasts; the surplus goes once it is resumed', async () => {
    sim = fleetWorld([
      { name: 'g', min: 1, max: 10, desired: 4, instanceTypes: ['m5.large'], tags: NO_HEADROOM },
    ]);
    sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    const members = new Set(sim.asg.groups.get('g')!.instances.keys());
    startFleet(sim);
    // The surplus has been unneeded for 5 minutes (of the 600 s) when the operator suspends Terminate;
    // it stays idle for 40 more minutes, far past the scale-in delay.
    await sim.runFor(300);
    expect(scaleInWrites(sim, members)).toEqual([]);
    sim.suspendProcesses('g', ['Terminate']);
    await sim.runFor(2400);
    expect(scaleInWrites(sim, members)).toEqual([]);
    expect(liveTypes(sim, 'g')).toHaveLength(4);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 2, running: 2 });
    sim.suspendProcesses('g', ['Terminate'], false);
    // The capacity stayed unneeded while Terminate was suspended: the drain starts within the next
    // ticks, without waiting the 600 s unneeded time again.
    await sim.runFor(180);
    expect(scaleInWrites(sim, members).length).toBeGreaterThan(0);
    await sim.runFor(2400);
    // Two tasks of 1,024 units fit on one m5.large (2,048 units).
    expect(liveTypes(sim, 'g')).toHaveLength(1);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 2, running: 2 });
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
