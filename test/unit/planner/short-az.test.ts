/**
 * EC2 out of capacity in one AZ (short-az.ts): the ASG launches in another AZ (balanced-best-effort), so
 * tasks bound to the short AZ must not be bought for at every decision — before, each scale-out for them
 * landed elsewhere and the group grew to MaxSize (random worlds with a shortage in a bound service's AZ:
 * 30 instances). The evidence is a member just launched in an AZ at least two members ahead of another,
 * where nothing landed since the last scale-out.
 */
import { describe, expect, it } from 'vitest';
import { RETRY_SECONDS, shortZones } from '../../../shared/core/cluster/short-az.js';
import { NOW, planOf, snapshotOf } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
/** The tag `headroom-tasks=0` as the policy (planOf does not resolve tags). */
const NO_HEADROOM = { headroomTasks: 0 };
const epoch = (seconds = 0) => Math.floor(NOW.getTime() / 1000) + seconds;

/**
 * Members: two full ones in us-east-1a, two in us-east-1b, none in us-east-1c (EC2 has no capacity
 * there), and `launching` members just launched (Pending) in us-east-1a — where the ASG put the launch
 * us-east-1c refused. `web` (memberOf us-east-1c) has 2 tasks waiting.
 */
const world = (
  opts: { launching?: number; launchingIn?: string; tags?: Record<string, string>; web?: number } = {},
) => {
  const { launching = 1, launchingIn = 'us-east-1a', tags = {}, web = 2 } = opts;
  const full = { usedCpu: 2048, usedMem: 2048, running: 2, cpu: 2048, mem: 8192 };
  const pending = Array.from({ length: launching }, (_, k) => id(90 + k));
  const snapshot = snapshotOf({
    instances: [
      { id: id(1), az: 'us-east-1a', ...full },
      { id: id(2), az: 'us-east-1a', ...full },
      { id: id(3), az: 'us-east-1b', ...full },
      { id: id(4), az: 'us-east-1b', ...full },
    ],
    services: [
      { name: 'api', cpu: 1024, mem: 1024, desired: 8, running: 8 },
      { name: 'web', cpu: 1024, mem: 1024, desired: web, running: 0 },
    ],
    group: {
      desired: 4 + launching,
      instanceType: 'm5.large',
      unregistered: pending,
      tags: {
        'ecs-autoscaler:headroom-tasks': '0',
        'ecs-autoscaler:last-scale-out': new Date(NOW.getTime() - 120_000).toISOString(),
        ...tags,
      },
    },
  });
  const g = snapshot.autoScalingGroups[0]!;
  Object.assign(g, { AvailabilityZones: AZS });
  for (const m of g.Instances) {
    if (pending.includes(m.InstanceId))
      Object.assign(m, { LifecycleState: 'Pending', AvailabilityZone: launchingIn });
    else
      m.AvailabilityZone = snapshot.containerInstances.find((c) => c.ec2InstanceId === m.InstanceId)!
        .attributes![0]!.value!;
  }
  Object.assign(snapshot.services[1]!, {
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1c' }],
  });
  return snapshot;
};

describe('an AZ EC2 cannot launch in (short-az.ts)', () => {
  it('a launch that went around an emptier AZ marks it short: its tasks are not bought for, and the plan says why', () => {
    const snapshot = world({ launching: 1 });
    const g = snapshot.autoScalingGroups[0]!;
    expect(shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName)).toEqual({
      az: 'us-east-1c',
      zones: 3,
      write: `us-east-1c@${epoch()}`,
    });
    // Counted in the AZs it can launch in, nothing would take web's tasks: they wait, not bought for.
    const plan = planOf(snapshot, NO_HEADROOM, at(240));
    expect(plan.action).not.toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBe(5);
    expect(plan.stateTags['ecs-autoscaler:short-az']).toBe(`us-east-1c@${epoch(240)}`);
    expect(plan.reasons.join('\n')).toMatch(/us-east-1c could not launch \(EC2 capacity/);
  });

  it('a launch landing in the emptier AZ too is no evidence: the gap is a member that left it', () => {
    // Random world 1040621: Capacity Rebalancing terminated an at-risk us-east-1c member after its
    // replacement went elsewhere, while a scale-out's launches were still booting — one of them in
    // us-east-1c. Taken for short, us-east-1c held a task bound there 30 minutes, with no shortage.
    const snapshot = world({ launching: 1 });
    const g = snapshot.autoScalingGroups[0]!;
    const landed = g.Instances.find((m) => m.InstanceId === id(90))!;
    g.Instances.push({ ...landed, InstanceId: id(95), AvailabilityZone: 'us-east-1c' });
    expect(shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName)).toBeUndefined();
  });

  it("a launch the ASG made on its own, long after the scaler's last scale-out, is no evidence", () => {
    // Random world 1078155: Capacity Rebalancing launched replacements in us-east-1a and us-east-1c while
    // the at-risk us-east-1b member was still there; once it went, us-east-1b was taken for short.
    const ago = new Date(NOW.getTime() - 900_000).toISOString();
    const snapshot = world({ launching: 1, tags: { 'ecs-autoscaler:last-scale-out': ago } });
    const g = snapshot.autoScalingGroups[0]!;
    expect(shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName)).toBeUndefined();
  });

  it('a member in service and unregistered in the short AZ is no launch landing there: the record stays', () => {
    // Random world 1075469: a container instance someone deregistered, its EC2 instance running on in
    // us-east-1b where EC2 could not launch, was taken for a launch landing there after each scale-out:
    // the record ended at every one, and the group grew to MaxSize 30.
    const snapshot = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': `us-east-1c@${epoch(-60)}` } });
    const g = snapshot.autoScalingGroups[0]!;
    const gone = snapshot.containerInstances.findIndex((c) => c.ec2InstanceId === id(4));
    snapshot.containerInstances.splice(gone, 1);
    g.Instances.find((m) => m.InstanceId === id(4))!.AvailabilityZone = 'us-east-1c';
    // A probe's round: us-east-1a 2, us-east-1b 1, us-east-1c 1 — one to us-east-1b, then us-east-1c.
    expect(shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName)).toEqual({
      az: 'us-east-1c',
      probe: false,
      zones: 2,
    });
  });

  it('while its record is fresh the AZ stays out, though the launch has registered; no write', () => {
    const snapshot = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': `us-east-1c@${epoch()}` } });
    const plan = planOf(snapshot, NO_HEADROOM, at(600));
    expect(plan.action).not.toBe('scale-out');
    expect(plan.stateTags['ecs-autoscaler:short-az']).toBeUndefined();
  });

  it('without the evidence or a record, the model counts on the ASG launching in us-east-1c (as before)', () => {
    const plan = planOf(world({ launching: 0 }), NO_HEADROOM, at(600));
    expect(plan.action).toBe('scale-out');
    expect(plan.reasons.join('\n')).not.toMatch(/could not launch/);
  });

  it(`after ${RETRY_SECONDS} s the next scale-out is a probe: one round of the ASG's balancing at most`, () => {
    const stale = `us-east-1c@${epoch() - RETRY_SECONDS - 60}`;
    // Three AZs behind web's AZ on both sides: the model would launch more than a round for web's tasks.
    const snapshot = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': stale } });
    const plan = planOf(snapshot, { ...NO_HEADROOM, maxStep: 10 }, at(600));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBeLessThanOrEqual(plan.desiredCapacity.current + 3);
    expect(plan.reasons.join('\n')).toMatch(
      /us-east-1c could not launch .*one round of launches tries it again/,
    );
  });

  it("a probe waits while the group's idle members count their unneeded time, at most another RETRY_SECONDS", () => {
    // Random world 1156572: three groups each probing us-east-1c every 30 minutes, about 10 minutes apart.
    // A probe's launches restart its group's unneeded time and hold the other groups' scale-in while in
    // flight, so g0's idle hosts never went: 3 -> 6 -> 8 -> 10 over four hours.
    const record = (age: number) => `us-east-1c@${epoch() - age}`;
    const shortOf = (age: number, unneeded: string) => {
      const snapshot = world({
        launching: 0,
        tags: { 'ecs-autoscaler:short-az': record(age), 'ecs-autoscaler:unneeded': unneeded },
      });
      const g = snapshot.autoScalingGroups[0]!;
      return shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName);
    };
    // Two instances unneeded since a minute ago, after the last scale-out (two minutes ago): no probe. (The
    // round is one launch: us-east-1c holds none, the other AZs two each, so balancing tries it first.)
    const counting = `8:2@${epoch(-60)}`;
    expect(shortOf(RETRY_SECONDS + 60, counting)).toEqual({ az: 'us-east-1c', probe: false, zones: 1 });
    // The planner then keeps the AZ out: web's tasks are not bought for.
    const snapshot = world({
      launching: 0,
      tags: {
        'ecs-autoscaler:short-az': record(RETRY_SECONDS - 540),
        'ecs-autoscaler:unneeded': `8:2@${epoch(300)}`,
      },
    });
    const plan = planOf(snapshot, { ...NO_HEADROOM, maxStep: 10 }, at(600));
    expect(plan.action).not.toBe('scale-out');
    expect(plan.reasons.join('\n')).toMatch(/us-east-1c could not launch .*not counted for new instances/);
    // A step older than the last scale-out is void (that scale-out proved the capacity needed): probe.
    expect(shortOf(RETRY_SECONDS + 60, `8:2@${epoch(-300)}`)).toEqual({
      az: 'us-east-1c',
      probe: true,
      zones: 1,
    });
    // No step, or a malformed tag: probe.
    expect(shortOf(RETRY_SECONDS + 60, '')).toEqual({ az: 'us-east-1c', probe: true, zones: 1 });
    expect(shortOf(RETRY_SECONDS + 60, 'x')).toEqual({ az: 'us-east-1c', probe: true, zones: 1 });
    // The wait ends RETRY_SECONDS later, counting or not: the bound tasks are not left for good.
    expect(shortOf(2 * RETRY_SECONDS - 60, counting)).toEqual({ az: 'us-east-1c', probe: false, zones: 1 });
    expect(shortOf(2 * RETRY_SECONDS + 60, counting)).toEqual({ az: 'us-east-1c', probe: true, zones: 1 });
  });

  /**
   * The world above with the short AZ's record expired, us-east-1b's members gone (the model's first
   * launch goes to us-east-1b, its second to us-east-1c) and a weighted group: its members `weight` units.
   */
  const weighted = (
    overrides: { InstanceType: string; WeightedCapacity: string }[],
    weight: number,
    web = 2,
  ) => {
    const stale = `us-east-1c@${epoch() - RETRY_SECONDS - 60}`;
    const snapshot = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': stale }, web });
    const g = snapshot.autoScalingGroups[0]!;
    Object.assign(g, {
      MaxSize: 200,
      MixedInstancesPolicy: {
        LaunchTemplate: { Overrides: overrides },
        InstancesDistribution: {
          OnDemandAllocationStrategy: overrides.length > 1 ? 'lowest-price' : 'prioritized',
        },
      },
    });
    const gone = [id(3), id(4)];
    g.Instances = g.Instances.filter((m) => !gone.includes(m.InstanceId));
    snapshot.containerInstances = snapshot.containerInstances.filter(
      (c) => !gone.includes(c.ec2InstanceId ?? ''),
    );
    for (const m of g.Instances)
      Object.assign(m, { WeightedCapacity: String(weight), InstanceType: overrides[0]!.InstanceType });
    g.DesiredCapacity = 2 * weight;
    return snapshot;
  };

  it('a probe of a weighted group is a round of launches, not of units', () => {
    // Random world 1092221: m5.2xlarge of weight 4, us-east-1a holding two, us-east-1b and us-east-1c
    // none; the probe capped desired capacity at current + 3 (units): one launch, which balancing sent to
    // us-east-1b, so the record started again and a task bound to us-east-1c waited past the drainer's
    // maximum drain time (an instance refresh's host terminated with it).
    const snapshot = weighted([{ InstanceType: 'm5.large', WeightedCapacity: '4' }], 4);
    const plan = planOf(snapshot, { ...NO_HEADROOM, maxStep: 10 }, at(600));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 8, proposed: 16 });
  });

  it('a probe reaches an AZ that holds more members than the others: each of them one more, then it', () => {
    // Random world 1168694: someone drained g0's one host in us-east-1b (the ASG still counts it), its
    // two tasks protected and bound to us-east-1b; us-east-1b short. A round of one launch per AZ (three)
    // went to us-east-1a, us-east-1c and the tie (us-east-1a again): taken as "went around it", another
    // 30 minutes, and the drain still held the tasks at the judge. Here us-east-1c holds the one member.
    const stale = `us-east-1c@${epoch() - RETRY_SECONDS - 60}`;
    const snapshot = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': stale } });
    const g = snapshot.autoScalingGroups[0]!;
    const gone = [id(1), id(2), id(3)];
    g.Instances = g.Instances.filter((m) => !gone.includes(m.InstanceId));
    snapshot.containerInstances = snapshot.containerInstances.filter(
      (c) => !gone.includes(c.ec2InstanceId ?? ''),
    );
    g.Instances[0]!.AvailabilityZone = 'us-east-1c';
    g.DesiredCapacity = 1;
    // us-east-1a and us-east-1b two launches each (the second breaks a tie), the fifth lands in us-east-1c.
    expect(shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName)).toEqual({
      az: 'us-east-1c',
      probe: true,
      zones: 5,
    });
    const plan = planOf(snapshot, { ...NO_HEADROOM, maxStep: 10 }, at(600));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 1, proposed: 6 });
  });

  it("when the ASG chooses the type, a probe's round is launches of the types that arrive", () => {
    // On-demand lowest-price: c5.large at weight 2 ($0.0425 per unit) arrives, not m5.2xlarge at weight 4
    // ($0.096 per unit). web wants 8 tasks in us-east-1c, far more than a round: us-east-1a holds two,
    // the others none, so balancing reaches us-east-1c by the second launch — 2 launches of 2 units.
    const snapshot = weighted(
      [
        { InstanceType: 'c5.large', WeightedCapacity: '2' },
        { InstanceType: 'm5.2xlarge', WeightedCapacity: '4' },
      ],
      2,
      8,
    );
    const plan = planOf(snapshot, { ...NO_HEADROOM, maxStep: 20 }, at(600));
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 4, proposed: 8 });
  });

  it('a probe none of whose launches lands there, one of them where the AZ was as empty, starts the record again', () => {
    // Random world 1089383: the short AZ held one member, so a round of three launches around it left no
    // AZ two members ahead (the evidence above); the next decision probed again — five GPU hosts per probe.
    // The record expired, the probe launched a minute ago into us-east-1b; `inC` members moved to us-east-1c.
    const probe = (inC: string[]) => {
      const snapshot = world({
        launching: 1,
        launchingIn: 'us-east-1b',
        tags: {
          'ecs-autoscaler:short-az': `us-east-1c@${epoch(-2000)}`,
          'ecs-autoscaler:last-scale-out': new Date(NOW.getTime() - 60_000).toISOString(),
        },
      });
      const g = snapshot.autoScalingGroups[0]!;
      for (const m of g.Instances) if (inC.includes(m.InstanceId)) m.AvailabilityZone = 'us-east-1c';
      return shortZones(snapshot, [g], NOW.getTime()).get(g.AutoScalingGroupName);
    };
    // i4 there: us-east-1a 2, us-east-1b 2 with the launch, us-east-1c 1.
    expect(probe([id(4)])).toEqual({ az: 'us-east-1c', zones: 3, write: `us-east-1c@${epoch()}` });
    // i3 and i4 there: us-east-1c fuller than us-east-1b before the launch, which balancing sent to
    // us-east-1b anyway; the probe goes on — now a round of four (us-east-1a 2, us-east-1b the launch,
    // us-east-1c 2: two to us-east-1b, one to us-east-1a, the fourth reaches us-east-1c).
    expect(probe([id(3), id(4)])).toEqual({ az: 'us-east-1c', probe: true, zones: 4 });
  });

  it('a launch that lands in the AZ again ends the record', () => {
    const snapshot = world({
      launching: 1,
      launchingIn: 'us-east-1c',
      tags: { 'ecs-autoscaler:short-az': `us-east-1c@${epoch()}` },
    });
    const g = snapshot.autoScalingGroups[0]!;
    expect(shortZones(snapshot, [g], at(120).getTime()).get(g.AutoScalingGroupName)).toEqual({
      write: '',
      zones: 3,
    });
    const plan = planOf(snapshot, NO_HEADROOM, at(120));
    expect(plan.stateTags['ecs-autoscaler:short-az']).toBe('');
    expect(plan.reasons.join('\n')).not.toMatch(/could not launch/);
    // So does an AZ the group no longer spans (an operator took it out): no probe would ever land there.
    const gone = world({ launching: 0, tags: { 'ecs-autoscaler:short-az': `us-east-1d@${epoch() - 4000}` } });
    expect(shortZones(gone, [gone.autoScalingGroups[0]!], NOW.getTime()).get('asg-c1')).toEqual({
      write: '',
      zones: 3,
    });
  });

  it('balanced launches are no evidence', () => {
    const snapshot = world({ launching: 1, launchingIn: 'us-east-1c' });
    const g = snapshot.autoScalingGroups[0]!;
    expect(shortZones(snapshot, [g], NOW.getTime()).size).toBe(0);
  });
});
