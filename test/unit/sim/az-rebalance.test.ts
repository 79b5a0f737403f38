/**
 * The simulator's AZRebalance, checked against the EC2 Auto Scaling documentation (API reference,
 * TerminateInstanceInAutoScalingGroup: a decrementing termination can leave the group unbalanced between
 * AZs, and "rebalancing might terminate instances in other zones"; user guide, "Rebalancing activities":
 * the group launches first, then terminates). It never takes a member protected from scale-in (AWS lists
 * what protection does not stop; rebalancing is not on the list). Suspended, or not modelled for the group,
 * nothing happens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (azRebalance: boolean): Sim => {
  const s = createSim({ seed: 7 });
  s.createCluster('c');
  s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 0,
    max: 6,
    desired: 4,
    instanceTypes: ['m5.large'],
    azs: ['us-east-1a', 'us-east-1b'],
    azRebalance,
    terminationHook: { name: 'drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  s.install();
  s.start();
  return s;
};

const members = (s: Sim) => [...s.asg.groups.get('g')!.instances.values()];
const perAz = (s: Sim, states: string[]) => {
  const n: Record<string, number> = { 'us-east-1a': 0, 'us-east-1b': 0 };
  for (const i of members(s)) if (states.includes(i.lifecycleState)) n[i.az]! += 1;
  return n;
};

/** Terminates both instances of us-east-1a with a decrement (as a scaler picking idle hosts does). */
const emptyAzA = async (s: Sim) => {
  for (const i of members(s).filter((m) => m.az === 'us-east-1a')) {
    await s.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
      InstanceId: i.id,
      ShouldDecrementDesiredCapacity: true,
    });
    await s.call('autoscaling', 'CompleteLifecycleAction', {
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'drain',
      LifecycleActionResult: 'CONTINUE',
      InstanceId: i.id,
    });
  }
};

describe('sim: AZRebalance', () => {
  it('an unbalanced group launches in the empty AZ first, then terminates one of the full AZ through its hook', async () => {
    sim = world(true);
    await sim.runFor(120);
    expect(perAz(sim, ['InService'])).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2 });
    const fullAz = members(sim).filter((m) => m.az === 'us-east-1b');
    await emptyAzA(sim);
    await sim.runFor(20);
    // Desired 2, both in us-east-1b: a launch in us-east-1a, above desired, while both still serve.
    expect(sim.asg.groups.get('g')!.desired).toBe(2);
    expect(perAz(sim, ['Pending'])).toEqual({ 'us-east-1a': 1, 'us-east-1b': 0 });
    expect(perAz(sim, ['InService'])).toEqual({ 'us-east-1a': 0, 'us-east-1b': 2 });
    await sim.runFor(180);
    const leaving = fullAz.filter((m) => m.lifecycleState === 'Terminating:Wait');
    expect(leaving).toHaveLength(1);
    expect(leaving[0]!.terminationCause).toMatch(/Availability Zone rebalancing/);
    await sim.call('autoscaling', 'CompleteLifecycleAction', {
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'drain',
      LifecycleActionResult: 'CONTINUE',
      InstanceId: leaving[0]!.id,
    });
    await sim.runFor(120);
    expect(perAz(sim, ['InService'])).toEqual({ 'us-east-1a': 1, 'us-east-1b': 1 });
    expect(sim.asg.groups.get('g')!.desired).toBe(2);
  });

  it('changes nothing while AZRebalance is suspended, and rebalances once it is resumed', async () => {
    sim = world(true);
    await sim.runFor(120);
    await sim.call('autoscaling', 'SuspendProcesses', {
      AutoScalingGroupName: 'g',
      ScalingProcesses: ['AZRebalance'],
    });
    await emptyAzA(sim);
    await sim.runFor(600);
    expect(perAz(sim, ['InService', 'Pending'])).toEqual({ 'us-east-1a': 0, 'us-east-1b': 2 });
    await sim.call('autoscaling', 'ResumeProcesses', {
      AutoScalingGroupName: 'g',
      ScalingProcesses: ['AZRebalance'],
    });
    await sim.runFor(30);
    expect(perAz(sim, ['Pending'])).toEqual({ 'us-east-1a': 1, 'us-east-1b': 0 });
  });

  it('takes no member protected from scale-in (as the scaler protects its members): no activity starts', async () => {
    sim = world(true);
    await sim.runFor(120);
    await sim.call('autoscaling', 'SetInstanceProtection', {
      AutoScalingGroupName: 'g',
      InstanceIds: members(sim).map((m) => m.id),
      ProtectedFromScaleIn: true,
    });
    await emptyAzA(sim);
    await sim.runFor(600);
    expect(perAz(sim, ['InService', 'Pending'])).toEqual({ 'us-east-1a': 0, 'us-east-1b': 2 });
  });

  it('changes nothing for a group it is not modelled for', async () => {
    sim = world(false);
    await sim.runFor(120);
    await emptyAzA(sim);
    await sim.runFor(600);
    expect(perAz(sim, ['InService', 'Pending'])).toEqual({ 'us-east-1a': 0, 'us-east-1b': 2 });
  });
});
