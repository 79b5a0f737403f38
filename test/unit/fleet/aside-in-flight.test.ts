/**
 * In-flight capacity of a group another controller drives (a capacity provider with managed scaling):
 * the scaler writes no `unlaunched-since` tag there, so desired capacity its ASG cannot launch is not
 * "in flight" for the other groups' scale-in (random world 269660: it froze every group's scale-in).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { ago, fleetSnapshot, full, groupPlan, planFleet } from './fleet-builders.js';

const IDLE = { 'ecs-autoscaler:last-scale-out': ago(3600) };

/** Group `own` (2 busy c5.large, 1 idle); group `cp`, ECS's managed scaling, desired 3 with `members`. */
const cluster = (cpMembers: { id: string; type: string; unregistered?: boolean; state?: string }[]) => {
  const snapshot = fleetSnapshot(
    [
      {
        name: 'own',
        min: 1,
        overrides: [{ type: 'c5.large' }],
        instances: [...full(2, 'c5.large', 'o'), { id: 'i-0000000000000o99', type: 'c5.large', running: 0 }],
        tags: IDLE,
      },
      { name: 'cp', min: 1, desired: 3, overrides: [{ type: 'm5.large' }], instances: cpMembers, tags: IDLE },
    ],
    [{ name: 'web', cpu: 512, mem: 512, desired: 8, running: 8 }],
  ) as ClusterSnapshot & { capacityProviders?: unknown[] };
  snapshot.capacityProviders = [
    {
      name: 'cp1',
      status: 'ACTIVE',
      autoScalingGroupProvider: {
        autoScalingGroupArn:
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/cp',
        managedScaling: { status: 'ENABLED' },
        managedTerminationProtection: 'DISABLED',
      },
    },
  ] as never;
  return snapshot;
};

describe("a group the scaler stands aside from, and the other groups' scale-in", () => {
  it('desired capacity its ASG has not launched does not hold them', () => {
    const plan = planFleet(cluster([{ id: 'i-0000000000000c01', type: 'm5.large' }]), {
      scaleInUnneededSeconds: 0,
    });
    const own = groupPlan(plan, 'own');
    expect(own.reasons.join('\n')).not.toMatch(/in flight/);
    expect(own.drain.map((d) => d.ec2InstanceId)).toEqual(['i-0000000000000o99']);
    expect(groupPlan(plan, 'cp').reasons.join('\n')).toMatch(/standing aside/);
  });

  it('a member it is launching (Pending, not registered yet) still holds them', () => {
    const plan = planFleet(
      cluster([
        { id: 'i-0000000000000c01', type: 'm5.large' },
        { id: 'i-0000000000000c02', type: 'm5.large', state: 'Pending', unregistered: true },
      ]),
      { scaleInUnneededSeconds: 0 },
    );
    const own = groupPlan(plan, 'own');
    expect(own.reasons.join('\n')).toMatch(/no scale-in while cp has 1 instance\(s\) in flight/);
    expect(own.drain).toEqual([]);
  });

  it('a launching member whose agent joined (Pending:Wait, registered) is room ECS uses, not in flight', () => {
    // A launch hook holds it in Pending:Wait while ECS already places tasks there (group-state.ts; random
    // world 1031421): it arrived, so it holds no scale-in.
    const plan = planFleet(
      cluster([
        { id: 'i-0000000000000c01', type: 'm5.large' },
        { id: 'i-0000000000000c02', type: 'm5.large', state: 'Pending:Wait' },
      ]),
      { scaleInUnneededSeconds: 0 },
    );
    const own = groupPlan(plan, 'own');
    expect(own.reasons.join('\n')).not.toMatch(/in flight/);
    expect(own.drain.map((d) => d.ec2InstanceId)).toEqual(['i-0000000000000o99']);
  });

  it('a member not registered with ECS does not hold them: the scaler dates no member of a group it writes nothing to', () => {
    // With the `unregistered` record (group-state.ts) a member first seen is booting; the scaler never
    // writes that record to a group it stands aside from, so the member would be new at every decision:
    // one that never registers would hold the other groups' scale-in for good.
    const plan = planFleet(
      cluster([
        { id: 'i-0000000000000c01', type: 'm5.large' },
        { id: 'i-0000000000000c02', type: 'm5.large', unregistered: true },
      ]),
      { scaleInUnneededSeconds: 0 },
    );
    const own = groupPlan(plan, 'own');
    expect(own.reasons.join('\n')).not.toMatch(/in flight/);
    expect(own.drain.map((d) => d.ec2InstanceId)).toEqual(['i-0000000000000o99']);
    expect(groupPlan(plan, 'cp').stateTags).toEqual({});
  });
});
