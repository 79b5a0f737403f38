/**
 * Issue 15: desired capacity lowered below the members protected from scale-in (lowered-desired.ts):
 * the planner counts what the ASG keeps, terminations that leave the members at or above the lowered
 * desired do not decrement it, and the writer sends ShouldDecrementDesiredCapacity=false for them.
 */
import {
  AutoScalingClient,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyClusterPlan } from '../../../shared/aws/cluster-actuator.js';
import { AwsClusterWriter } from '../../../shared/aws/cluster-writer.js';
import { ownWeight } from '../../../shared/core/cluster/fleet.js';
import { OWN_DRAIN_ATTRIBUTE } from '../../../shared/core/cluster/foreign-state.js';
import { loweredDesired, settleLoweredDesired } from '../../../shared/core/cluster/lowered-desired.js';
import { emptyPlan, fleet, planOf, snapshotOf } from './builders.js';

const asg = mockClient(AutoScalingClient);
beforeEach(() => asg.reset());

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const WEB = { name: 'web', cpu: 512, mem: 1024, desired: 2 };

describe('ownWeight (the one reading of a member WeightedCapacity)', () => {
  it('is the number AWS gives as a string when it is at least 1, else unknown', () => {
    expect(ownWeight({ WeightedCapacity: '4' })).toBe(4);
    expect(ownWeight({ WeightedCapacity: '1' })).toBe(1);
    expect(ownWeight({ WeightedCapacity: '0' })).toBeUndefined();
    expect(ownWeight({ WeightedCapacity: 'two' })).toBeUndefined();
    expect(ownWeight({})).toBeUndefined();
  });
});

describe('loweredDesired', () => {
  it('counts max(desired, protected members), within MaxSize; unprotected members above desired are not counted', () => {
    const all = snapshotOf({ instances: fleet(6), services: [WEB], group: { desired: 1, min: 1 } });
    expect(loweredDesired(all, all.autoScalingGroups[0]!)).toEqual({
      desired: 1,
      counted: 6,
      memberUnits: 6,
      min: 1,
    });
    const some = snapshotOf({
      instances: [...fleet(3), ...fleet(3, { protected: false }, 4)],
      services: [WEB],
      group: { desired: 1, min: 1 },
    });
    expect(loweredDesired(some, some.autoScalingGroups[0]!)?.counted).toBe(3);
    const capped = snapshotOf({
      instances: fleet(6),
      services: [WEB],
      group: { desired: 1, min: 1, max: 4 },
    });
    expect(loweredDesired(capped, capped.autoScalingGroups[0]!)?.counted).toBe(4);
  });

  it('is undefined when desired covers the members, during an instance refresh, and when weights are unknown', () => {
    const even = snapshotOf({ instances: fleet(4), services: [WEB] });
    expect(loweredDesired(even, even.autoScalingGroups[0]!)).toBeUndefined();
    const base = snapshotOf({ instances: fleet(6), services: [WEB], group: { desired: 1, min: 1 } });
    const g = base.autoScalingGroups[0]!;
    const refreshing = {
      ...base,
      instanceRefreshes: [{ AutoScalingGroupName: g.AutoScalingGroupName, Status: 'InProgress' }],
    };
    expect(loweredDesired(refreshing, g)).toBeUndefined();
    const typed = { ...g, DesiredCapacityType: 'vcpu' };
    expect(loweredDesired(base, typed)).toBeUndefined();
  });
});

describe('a Capacity Rebalancing replacement is not a lowered desired capacity', () => {
  // Random world 1052594: desired 2, MinSize 2; the ASG launched a replacement for an at-risk Spot member
  // (above desired, on purpose) while the drainer drained that member. Three protected members read as
  // "someone lowered desired to 2": planned on 3, the idle one was drained, and set ACTIVE again a minute
  // later — the at-risk member leaves once its replacement is in service, so the group had no unit to spare.
  const rebalancing = () => {
    // i1 idle, i2 the at-risk member the drainer drained, i3 its replacement: held by a launch hook, its
    // agent already registered.
    const s = snapshotOf({
      instances: [...fleet(1), ...fleet(1, { status: 'DRAINING' }, 2), ...fleet(1, {}, 3)],
      services: [],
      group: { desired: 2, min: 2, tags: { 'ecs-autoscaler:headroom-tasks': '0' } },
    });
    const replacement = s.autoScalingGroups[0]!.Instances.find((m) => m.InstanceId === id(3))!;
    replacement.LifecycleState = 'Pending:Wait';
    return s;
  };

  it('a member DRAINING by someone else is not a unit the ASG keeps', () => {
    const s = rebalancing();
    const plan = planOf(s);
    expect(plan.drain).toEqual([]);
    expect(loweredDesired(s, s.autoScalingGroups[0]!)).toBeUndefined();
    expect(plan.desiredCapacity).toEqual({ current: 2, proposed: 2 });
  });

  it("the scaler's own drain is leaving too (it terminates it itself), and a genuinely lowered group is still lifted", () => {
    const s = rebalancing();
    s.containerInstances[1]!.attributes?.push({ name: OWN_DRAIN_ATTRIBUTE, value: '1790000000' });
    expect(loweredDesired(s, s.autoScalingGroups[0]!)).toBeUndefined();
    // Desired lowered to 1 below three protected members, one of them DRAINING: planned on the two that stay.
    const lowered = { ...s.autoScalingGroups[0]!, DesiredCapacity: 1, MinSize: 1 };
    expect(loweredDesired(s, lowered)).toEqual({ desired: 1, counted: 2, memberUnits: 3, min: 1 });
  });
});

describe('settleLoweredDesired', () => {
  it('keeps desired while the members left stay at or above it, then decrements', () => {
    const plan = {
      autoScalingGroup: 'asg',
      action: 'scale-in' as const,
      desiredCapacity: { current: 6, proposed: 3 },
      terminate: ['a', 'b', 'c'],
      reasons: [] as string[],
    } as Parameters<typeof settleLoweredDesired>[0];
    // 6 members, desired lowered to 4: two terminations leave 5 and 4 (≥ 4, kept), the third decrements.
    settleLoweredDesired(plan, { desired: 4, counted: 6, memberUnits: 6, min: 0 }, () => 1);
    expect(plan.keepDesired).toEqual(['a', 'b']);
    expect(plan.desiredCapacity).toEqual({ current: 4, proposed: 3 });
    expect(plan.desiredBeforeTerminate).toBeUndefined();
    expect(plan.reasons[0]).toMatch(/desired capacity 4 is below the 6 unit\(s\) of members protected/);
  });

  it('a decrement by a weight that would go below MinSize: desired is set to what stays first, none decrements', () => {
    // The ASG overshot: desired 1 unit, one member of weight 2, MinSize 0. Decrementing by 2 asks for −1.
    const one = {
      autoScalingGroup: 'asg',
      action: 'scale-in' as const,
      desiredCapacity: { current: 2, proposed: 0 },
      terminate: ['heavy'],
      reasons: [] as string[],
    } as Parameters<typeof settleLoweredDesired>[0];
    settleLoweredDesired(one, { desired: 1, counted: 2, memberUnits: 2, min: 0 }, () => 2);
    expect(one.desiredBeforeTerminate).toBe(0);
    expect(one.keepDesired).toEqual(['heavy']);
    expect(one.desiredCapacity).toEqual({ current: 1, proposed: 0 });
    expect(one.reasons.join('\n')).toMatch(/below MinSize 0: desired to 0 first/);
    // Three members of weight 2 (6 units), desired 3, MinSize 1; two go: the first keeps desired (4 ≥ 3),
    // the second would decrement 3 − 2 = 1 ≥ 1 — allowed, no lowering first.
    const two = { ...one, terminate: ['a', 'b'], reasons: [] as string[], keepDesired: undefined };
    delete (two as { desiredBeforeTerminate?: number }).desiredBeforeTerminate;
    settleLoweredDesired(two, { desired: 3, counted: 6, memberUnits: 6, min: 1 }, () => 2);
    expect(two.desiredBeforeTerminate).toBeUndefined();
    expect(two.keepDesired).toEqual(['a']);
    expect(two.desiredCapacity.proposed).toBe(1);
    // MinSize 2 instead: the decrement would reach 1 < 2, so desired goes to max(2, 2 units left) = 2 first.
    const three = { ...one, terminate: ['a', 'b'], reasons: [] as string[], keepDesired: undefined };
    delete (three as { desiredBeforeTerminate?: number }).desiredBeforeTerminate;
    settleLoweredDesired(three, { desired: 3, counted: 6, memberUnits: 6, min: 2 }, () => 2);
    expect(three.desiredBeforeTerminate).toBe(2);
    expect(three.keepDesired).toEqual(['a', 'b']);
    expect(three.desiredCapacity.proposed).toBe(2);
  });
});

describe('planCluster with a lowered desired capacity', () => {
  it('scales in at "MinSize": drains an idle member although desired capacity reads MinSize', () => {
    // 6 protected members, desired lowered to MinSize 1, 2 web tasks: most members are not needed.
    const snap = snapshotOf({
      instances: fleet(6),
      services: [WEB],
      group: { desired: 1, min: 1 },
    });
    const plan = planOf(snap);
    expect(plan.reasons.join('\n')).not.toMatch(/desired capacity is at MinSize/);
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.length).toBeGreaterThan(0);
    expect(plan.desiredCapacity.current).toBe(1);
    expect(plan.desiredCapacity.proposed).toBe(1);
  });

  it('a scale-out adds to the members, not to the lowered number', () => {
    // 3 full members (desired lowered to 1), 4 api tasks unplaced + 1 headroom task, 2 per instance:
    // 3 more instances on top of the 3 members = 6 (planned on the lowered number it would be 1 + 3 = 4).
    const snap = snapshotOf({
      instances: fleet(3, { usedCpu: 4096, usedMem: 8192, running: 2 }),
      services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 10, running: 6 }],
      group: { desired: 1, min: 1 },
    });
    const plan = planOf(snap);
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 1, proposed: 6 });
  });
});

describe('applyClusterPlan — keepDesired', () => {
  it('terminates keepDesired instances with ShouldDecrementDesiredCapacity=false, the others with true', async () => {
    asg.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
    const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
    const out = await applyClusterPlan(
      emptyPlan({
        desiredCapacity: { current: 1, proposed: 1 },
        terminate: [id(1), id(2)],
        keepDesired: [id(1)],
      }),
      writer,
      { dryRun: false },
    );
    const inputs = asg.commandCalls(TerminateInstanceInAutoScalingGroupCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { InstanceId: id(1), ShouldDecrementDesiredCapacity: false },
      { InstanceId: id(2), ShouldDecrementDesiredCapacity: true },
    ]);
    expect(out.writes).toEqual([
      `TerminateInstanceInAutoScalingGroup ${id(1)} (desired kept)`,
      `TerminateInstanceInAutoScalingGroup ${id(2)}`,
    ]);
  });

  it('sets desired capacity before the terminations when the plan asks (a decrement would go below MinSize)', async () => {
    const order: string[] = [];
    asg.on(SetDesiredCapacityCommand).callsFake((i) => {
      order.push(`set ${i.DesiredCapacity}`);
      return {};
    });
    asg.on(TerminateInstanceInAutoScalingGroupCommand).callsFake((i) => {
      order.push(`terminate ${i.InstanceId} ${i.ShouldDecrementDesiredCapacity}`);
      return {};
    });
    const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
    const plan = emptyPlan({
      desiredCapacity: { current: 1, proposed: 0 },
      terminate: [id(1)],
      keepDesired: [id(1)],
      desiredBeforeTerminate: 0,
    });
    const out = await applyClusterPlan(plan, writer, { dryRun: false });
    expect(order).toEqual([`set 0`, `terminate ${id(1)} false`]);
    expect(out.writes).toEqual([
      'SetDesiredCapacity 0 (before terminating)',
      `TerminateInstanceInAutoScalingGroup ${id(1)} (desired kept)`,
    ]);
    asg.reset();
    const dry = await applyClusterPlan(plan, writer, { dryRun: true });
    expect(dry.writes).toHaveLength(2);
    expect(asg.calls()).toHaveLength(0);
  });
});
