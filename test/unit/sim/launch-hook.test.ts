/**
 * A launch lifecycle hook (`autoscaling:EC2_INSTANCE_LAUNCHING`; EC2 Auto Scaling user guide, "How lifecycle
 * hooks work"): a booted instance waits in Pending:Wait until its action is completed or times out; CONTINUE
 * puts it in service, ABANDON terminates it and the group launches another. The event is shaped as AWS's
 * sample (shared/reference/aws-events/autoscaling-launch-lifecycle-action.json).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LaunchHookSpec } from '../../../sim/asg/model.js';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (launchHook: LaunchHookSpec, extra: { warmPool?: { minSize: number } } = {}) => {
  const s = createSim({ seed: 11 });
  sim = s;
  s.createCluster('c');
  const g = s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 0,
    max: 3,
    desired: 0,
    instanceTypes: ['m5.large'],
    launchHook,
    ...extra,
  });
  const seen: Record<string, unknown>[] = [];
  s.register({
    name: 'listener',
    handler: async (e: unknown) => {
      seen.push(e as Record<string, unknown>);
    },
    timeoutSeconds: 10,
    patterns: [{ source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-launch Lifecycle Action'] }],
  });
  s.install();
  s.start();
  return { s, g, seen };
};

const only = (g: { instances: Map<string, { lifecycleState: string; containerInstance?: unknown }> }) => {
  const all = [...g.instances.values()];
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('sim: launch lifecycle hook', () => {
  it('holds a new instance in Pending:Wait, registered, until the bootstrap completes it', async () => {
    const { s, g, seen } = world({ name: 'bootstrap', heartbeatTimeout: 900, completeAfterSeconds: 600 });
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(300);
    const inst = only(g);
    expect(inst.lifecycleState).toBe('Pending:Wait');
    // The agent starts at boot whatever Auto Scaling's state: ECS already knows the instance.
    expect(inst.containerInstance).toBeDefined();
    const out = (await s.call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: ['g'],
    })) as { AutoScalingGroups: { Instances: { LifecycleState: string }[] }[] };
    expect(out.AutoScalingGroups[0]!.Instances.map((i) => i.LifecycleState)).toEqual(['Pending:Wait']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!['detail-type']).toBe('EC2 Instance-launch Lifecycle Action');
    expect(seen[0]!.detail).toMatchObject({
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'bootstrap',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      Origin: 'EC2',
      Destination: 'AutoScalingGroup',
    });
    await s.runFor(400);
    expect(inst.lifecycleState).toBe('InService');
  });

  it('an agent that starts after the hook registers only once the instance proceeds', async () => {
    const { s, g } = world({
      name: 'bootstrap',
      heartbeatTimeout: 900,
      completeAfterSeconds: 500,
      agentAfterHook: true,
    });
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(400);
    const inst = only(g);
    expect(inst.lifecycleState).toBe('Pending:Wait');
    expect(inst.containerInstance).toBeUndefined();
    await s.runFor(300);
    expect(inst.lifecycleState).toBe('InService');
    expect(inst.containerInstance).toBeDefined();
  });

  it('CompleteLifecycleAction by instance id continues; a wrong hook name is refused', async () => {
    const { s, g } = world({ name: 'bootstrap', heartbeatTimeout: 3600 });
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(200);
    const inst = only(g) as unknown as { id: string; lifecycleState: string };
    await expect(
      s.call('autoscaling', 'CompleteLifecycleAction', {
        AutoScalingGroupName: 'g',
        LifecycleHookName: 'other',
        InstanceId: inst.id,
        LifecycleActionResult: 'CONTINUE',
      }),
    ).rejects.toThrow(/No active Lifecycle Action/);
    expect(inst.lifecycleState).toBe('Pending:Wait');
    await s.call('autoscaling', 'CompleteLifecycleAction', {
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'bootstrap',
      InstanceId: inst.id,
      LifecycleActionResult: 'CONTINUE',
    });
    expect(inst.lifecycleState).toBe('InService');
  });

  it('a timeout applies DefaultResult ABANDON: the instance is terminated and another launched', async () => {
    const { s, g } = world({
      name: 'bootstrap',
      heartbeatTimeout: 300,
      defaultResult: 'ABANDON',
      agentAfterHook: true,
    });
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(200);
    const first = only(g) as unknown as { id: string; lifecycleState: string };
    expect(first.lifecycleState).toBe('Pending:Wait');
    await s.runFor(400);
    expect(g.instances.has(first.id)).toBe(false);
    expect(s.asg.terminated.map((i) => i.id)).toContain(first.id);
    const next = [...g.instances.values()];
    expect(next).toHaveLength(1);
    expect(next[0]!.id).not.toBe(first.id);
    expect(next[0]!.lifecycleState).toMatch(/^Pending/);
    expect(g.desired).toBe(1);
  });

  it('a heartbeat restarts the timeout; DefaultResult CONTINUE puts the instance in service', async () => {
    const { s, g } = world({ name: 'bootstrap', heartbeatTimeout: 300, defaultResult: 'CONTINUE' });
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(250);
    const inst = only(g) as unknown as { id: string; lifecycleState: string };
    await s.call('autoscaling', 'RecordLifecycleActionHeartbeat', {
      AutoScalingGroupName: 'g',
      LifecycleHookName: 'bootstrap',
      InstanceId: inst.id,
    });
    await s.runFor(200);
    expect(inst.lifecycleState).toBe('Pending:Wait');
    await s.runFor(200);
    expect(inst.lifecycleState).toBe('InService');
  });

  it('DescribeLifecycleHooks names the launch transition; PutLifecycleHook adds one', async () => {
    const { s } = world({ name: 'bootstrap', heartbeatTimeout: 600, defaultResult: 'CONTINUE' });
    const out = (await s.call('autoscaling', 'DescribeLifecycleHooks', { AutoScalingGroupName: 'g' })) as {
      LifecycleHooks: { LifecycleHookName: string; LifecycleTransition: string; HeartbeatTimeout: number }[];
    };
    expect(out.LifecycleHooks).toEqual([
      expect.objectContaining({
        LifecycleHookName: 'bootstrap',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        HeartbeatTimeout: 600,
        DefaultResult: 'CONTINUE',
      }),
    ]);
    await expect(
      s.call('autoscaling', 'PutLifecycleHook', {
        AutoScalingGroupName: 'g',
        LifecycleHookName: 'bad',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        HeartbeatTimeout: 10,
      }),
    ).rejects.toThrow(/HeartbeatTimeout/);
  });

  it('refuses a launch hook beside a warm pool (not modelled)', () => {
    expect(() => world({ name: 'bootstrap' }, { warmPool: { minSize: 1 } })).toThrow(/warm pool/);
  });
});
