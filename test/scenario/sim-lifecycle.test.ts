/**
 * Auto Scaling in the simulator: boot delay and failed ECS registrations, scale-in protection and the
 * termination lifecycle hook (Terminating:Wait until completed, heartbeat, timeout with DefaultResult).
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim;
afterEach(() => sim.dispose());

const withHook = (heartbeatTimeout = 300, defaultResult: 'CONTINUE' | 'ABANDON' = 'CONTINUE') => {
  sim = createSim({ seed: 21 });
  sim.createCluster('c');
  const group = sim.createAutoScalingGroup({
    name: 'asg',
    cluster: 'c',
    min: 0,
    max: 5,
    desired: 2,
    terminationHook: { name: 'drain-hook', heartbeatTimeout, defaultResult },
  });
  sim.install();
  return { group, asg: new AutoScalingClient({}) };
};

const hookEvents = () =>
  sim.timeline.events.filter((e) => e.detailType === 'EC2 Instance-terminate Lifecycle Action').length;

describe('sim auto scaling', () => {
  it('boots instances, then registers them with ECS after the agent delay; some never register', async () => {
    sim = createSim({ seed: 4 });
    sim.createCluster('c');
    const group = sim.createAutoScalingGroup({
      name: 'asg',
      cluster: 'c',
      min: 0,
      max: 20,
      desired: 0,
      bootSeconds: 60,
      registerSeconds: 30,
      jitterSeconds: 10,
      neverRegisterShare: 0.3,
    });
    sim.start();
    sim.asg.setDesired(group, 10);
    await sim.runFor(10); // the group reacts after asgReactionSeconds (10 s)
    await sim.runFor(60);
    expect([...group.instances.values()].every((i) => i.lifecycleState === 'Pending')).toBe(true);
    await sim.runFor(25);
    expect([...group.instances.values()].every((i) => i.lifecycleState === 'InService')).toBe(true);
    expect(sim.ecs.clusters.get('c')!.instances.size).toBe(0);
    await sim.runFor(60);
    const registered = sim.ecs.clusters.get('c')!.instances.size;
    const willRegister = [...group.instances.values()].filter((i) => i.willRegister).length;
    expect(registered).toBe(willRegister);
    expect(registered).toBeLessThan(10);
    expect(registered).toBeGreaterThan(3);
  });

  it('holds a terminating instance in Terminating:Wait until CompleteLifecycleAction', async () => {
    const { group, asg } = withHook();
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 1 }));
    await sim.runFor(250);
    const waiting = [...group.instances.values()].filter((i) => i.lifecycleState === 'Terminating:Wait');
    expect(waiting).toHaveLength(1);
    expect(hookEvents()).toBe(1);
    expect(sim.violations).toEqual([]);
    const id = waiting[0]!.id;
    await asg.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: 'asg',
        LifecycleHookName: 'drain-hook',
        InstanceId: id,
        LifecycleActionResult: 'CONTINUE',
      }),
    );
    await sim.runFor(60);
    expect(group.instances.has(id)).toBe(false);
    expect(sim.asg.terminated.map((i) => i.id)).toContain(id);
  });

  it('applies DefaultResult at the heartbeat timeout and records the violation', async () => {
    const { group, asg } = withHook(120, 'ABANDON');
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 1 }));
    await sim.runFor(60);
    const victim = [...group.instances.values()].find((i) => i.lifecycleState === 'Terminating:Wait')!;
    await asg.send(
      new RecordLifecycleActionHeartbeatCommand({
        AutoScalingGroupName: 'asg',
        LifecycleHookName: 'drain-hook',
        InstanceId: victim.id,
      }),
    );
    await sim.runFor(100);
    expect(victim.lifecycleState).toBe('Terminating:Wait');
    await sim.runFor(60);
    expect(victim.lifecycleState).not.toBe('Terminating:Wait');
    expect(sim.violations.map((v) => v.kind)).toEqual(['lifecycle-action-timed-out']);
    await expect(
      asg.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: 'asg',
          LifecycleHookName: 'drain-hook',
          InstanceId: victim.id,
          LifecycleActionResult: 'CONTINUE',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: `No active Lifecycle Action found with instance ID ${victim.id}`,
    });
  });

  it('caps heartbeats at the global timeout min(48 h, 100 × heartbeat)', async () => {
    const { group, asg } = withHook(30);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 1 }));
    await sim.runFor(15);
    const victim = [...group.instances.values()].find((i) => i.lifecycleState === 'Terminating:Wait')!;
    const started = sim.elapsedSeconds;
    while (victim.lifecycleState === 'Terminating:Wait') {
      await asg.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: 'asg',
          LifecycleHookName: 'drain-hook',
          InstanceId: victim.id,
        }),
      );
      await sim.runFor(20);
    }
    expect(sim.elapsedSeconds - started).toBeGreaterThanOrEqual(2990);
    expect(sim.elapsedSeconds - started).toBeLessThanOrEqual(3020);
  });

  it('never scales in protected instances, and refuses desired outside [min, max]', async () => {
    const { group, asg } = withHook();
    const ids = [...group.instances.keys()];
    await asg.send(
      new SetInstanceProtectionCommand({
        AutoScalingGroupName: 'asg',
        InstanceIds: ids,
        ProtectedFromScaleIn: true,
      }),
    );
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 0 }));
    await sim.runFor(300);
    expect([...group.instances.values()].map((i) => i.lifecycleState)).toEqual(['InService', 'InService']);
    await expect(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 6 })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'New SetDesiredCapacity value 6 is above max value 5 for the AutoScalingGroup.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('TerminateInstanceInAutoScalingGroup decrements desired or launches a replacement', async () => {
    const { group, asg } = withHook();
    const [a, b] = [...group.instances.keys()];
    await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }),
    );
    expect(group.desired).toBe(1);
    await asg.send(
      new TerminateInstanceInAutoScalingGroupCommand({
        InstanceId: b,
        ShouldDecrementDesiredCapacity: false,
      }),
    );
    await sim.runFor(120);
    const live = [...group.instances.values()].filter(
      (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
    );
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(b);
    await expect(
      asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: live[0]!.id,
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    ).resolves.toBeDefined();
    await expect(
      asg.send(
        new TerminateInstanceInAutoScalingGroupCommand({
          InstanceId: 'i-0000000000000000',
          ShouldDecrementDesiredCapacity: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('flags an instance terminated while running service tasks', async () => {
    sim = createSim({ seed: 2 });
    sim.createCluster('c');
    sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memory: 512 }] });
    const group = sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 0, max: 3, desired: 2 });
    sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 4 });
    sim.asg.setDesired(group, 1);
    await sim.runFor(120);
    expect(sim.violations.map((v) => v.kind)).toContain('instance-terminated-with-tasks');
    // ECS marks the tasks STOPPED and the scheduler replaces them on the remaining instance.
    await sim.runFor(120);
    expect(sim.liveTasks('c').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(4);
  });

  it('reclaims a Spot instance two minutes after the warning, despite the hook', async () => {
    const { group } = withHook(3600);
    const victim = [...group.instances.values()][0]!;
    sim.interruptSpot(victim.id, { rebalance: true });
    await sim.runFor(119);
    expect(victim.ec2State).toBe('running');
    await sim.runFor(2);
    expect(victim.ec2State).toBe('terminated');
    expect(victim.containerInstance?.status).toBe('INACTIVE');
    const types = sim.timeline.events.map((e) => e.detailType);
    expect(types).toContain('EC2 Instance Rebalance Recommendation');
    expect(types).toContain('EC2 Spot Instance Interruption Warning');
    await sim.runFor(120);
    expect([...group.instances.values()].filter((i) => i.lifecycleState === 'InService')).toHaveLength(2);
  });
});
