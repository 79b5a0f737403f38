/**
 * A prioritized group whose first override EC2 has no capacity for launches the next (ecs-facts §4.1):
 * the planner reads what the group launches now from its members (fleet.ts `launching`) — the member
 * registered last within 15 minutes, a booting one counting as the latest, an idle fallback however old.
 */
import { describe, expect, it } from 'vitest';
import { ZERO } from '../../../shared/core/capacity/resources.js';
import { arrivingTypes, groupFleet } from '../../../shared/core/cluster/fleet.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { ago, type FleetInstance, fleetSnapshot, full, groupPlan, planFleet } from './fleet-builders.js';

const OVERRIDES = [{ type: 'c5.2xlarge' }, { type: 'm5.large' }];

/** One group (c5.2xlarge, then m5.large) with `instances`, registered `registeredAgo` seconds ago. */
const world = (
  instances: FleetInstance[],
  registeredAgo: Record<string, number> = {},
  strategy?: string,
  services = [
    {
      name: 'api',
      cpu: 2048,
      mem: 1024,
      desired: 8,
      running: 4,
      memberOf: 'attribute:ecs.instance-type =~ c5.*',
    },
  ],
): ClusterSnapshot => {
  const snapshot = fleetSnapshot(
    [
      {
        name: 'g',
        min: 1,
        max: 20,
        overrides: OVERRIDES,
        strategy,
        instances,
        tags: { 'ecs-autoscaler:headroom-tasks': '0' },
      },
    ],
    services,
  );
  for (const ci of snapshot.containerInstances) {
    const s = registeredAgo[ci.ec2InstanceId ?? ''];
    ci.registeredAt = ago(s ?? 3 * 3600);
  }
  return snapshot;
};

const groupOf = (s: ClusterSnapshot) => s.autoScalingGroups[0]!;
const c5 = full(1, 'c5.2xlarge', 'a');
const fallback = { id: 'i-0000000000000fb1', type: 'm5.large', running: 0 };
/** The fallback holding a task (not idle): an old one says nothing of what the group launches now. */
const busy = { ...fallback, running: 1 };

describe('what a prioritized group launches now', () => {
  it('its first override when every member is old', () => {
    const s = world([...c5, busy], { [busy.id]: 3600 });
    expect(arrivingTypes(s, groupOf(s))).toEqual(['c5.2xlarge']);
  });

  it('the next override while a fallback that took nothing is still there, for 30 minutes, below MaxSize', () => {
    // Random world 1055808: the first type short for good, each ask bought a fallback that took nothing;
    // asked again every 17 minutes while scale-in needed longer, the group grew to 24 idle fallbacks.
    const s = world([...c5, fallback], { [fallback.id]: 1500 });
    expect(arrivingTypes(s, groupOf(s))).toEqual(['m5.large']);
    const late = world([...c5, fallback], { [fallback.id]: 1900 });
    expect(arrivingTypes(late, groupOf(late))).toEqual(['c5.2xlarge']);
    // At MaxSize an ask buys nothing more (it makes room: below).
    const full = world([...c5, fallback], { [fallback.id]: 1500 });
    full.autoScalingGroups[0]!.MaxSize = full.autoScalingGroups[0]!.DesiredCapacity;
    expect(arrivingTypes(full, groupOf(full))).toEqual(['c5.2xlarge']);
    // Holding only a daemon's task it took nothing either (one task where the cluster runs a daemon).
    const withDaemon = world([...c5, busy], { [busy.id]: 1500 });
    expect(arrivingTypes(withDaemon, groupOf(withDaemon))).toEqual(['c5.2xlarge']);
    withDaemon.services.push({
      ...withDaemon.services[0]!,
      serviceName: 'agent',
      schedulingStrategy: 'DAEMON',
    });
    expect(arrivingTypes(withDaemon, groupOf(withDaemon))).toEqual(['m5.large']);
    // Someone's drain: it is leaving, it tells nothing.
    const drained = world([...c5, { ...fallback, status: 'DRAINING' }], { [fallback.id]: 1500 });
    expect(arrivingTypes(drained, groupOf(drained))).toEqual(['c5.2xlarge']);
  });

  it('the next override when its member registered last, within 15 minutes', () => {
    const s = world([...c5, fallback], { [fallback.id]: 300 });
    expect(arrivingTypes(s, groupOf(s))).toEqual(['m5.large']);
    const later = world([...c5, busy], { [busy.id]: 1000 });
    expect(arrivingTypes(later, groupOf(later))).toEqual(['c5.2xlarge']);
  });

  it('a member still launching (Pending) is the latest; of two, the first in order wins', () => {
    const booting = { ...fallback, unregistered: true, state: 'Pending' };
    const s = world([...c5, booting]);
    expect(arrivingTypes(s, groupOf(s))).toEqual(['m5.large']);
    const both = world([
      ...c5,
      booting,
      { id: 'i-0000000000000c52', type: 'c5.2xlarge', unregistered: true, state: 'Pending' },
    ]);
    expect(arrivingTypes(both, groupOf(both))).toEqual(['c5.2xlarge']);
    // An unregistered member InService tells nothing: it may be one whose container instance someone
    // deregistered long ago (random world 999767: taken for the latest launch, the group short of its
    // first type was planned on that type and grown to MaxSize with its fallback).
    const deregistered = world([
      ...c5,
      booting,
      { id: 'i-0000000000000c52', type: 'c5.2xlarge', unregistered: true, state: 'InService' },
    ]);
    expect(arrivingTypes(deregistered, groupOf(deregistered))).toEqual(['m5.large']);
    // A member on its way out tells nothing about launches.
    const leaving = world([...c5, { ...booting, state: 'Terminating:Wait' }]);
    expect(arrivingTypes(leaving, groupOf(leaving))).toEqual(['c5.2xlarge']);
  });

  it('a member in service but not registered yet is dated at the last scale-out', () => {
    // Random world 1083357: the fallback the last ask launched was InService a minute before its agent
    // registered; not counted, the group seemed to launch its first type again and the ask was repeated
    // (two rounds of idle fallbacks per cycle, where one is the probe).
    const arriving = { ...fallback, unregistered: true, state: 'InService' };
    const scaledOut = (secondsAgo: number | undefined, registeredAgo: Record<string, number> = {}) => {
      const s = world([...c5, arriving], registeredAgo);
      if (secondsAgo !== undefined)
        groupOf(s).Tags?.push({ Key: 'ecs-autoscaler:last-scale-out', Value: ago(secondsAgo) });
      return arrivingTypes(s, groupOf(s));
    };
    expect(scaledOut(60)).toEqual(['m5.large']);
    // No scale-out of the scaler's, or one older than 15 minutes: it tells nothing (world 999767 above).
    expect(scaledOut(undefined)).toEqual(['c5.2xlarge']);
    expect(scaledOut(1000)).toEqual(['c5.2xlarge']);
    // A member that registered since the scale-out is later.
    expect(scaledOut(60, { [c5[0]!.id]: 30 })).toEqual(['c5.2xlarge']);
  });

  it('a lowest-price group is not read so: its launch order is by price', () => {
    const order = (s: ClusterSnapshot) =>
      groupFleet(s, groupOf(s), ZERO, new Map()).options.map((o) => o.instanceType);
    const prioritized = world([...c5, fallback], { [fallback.id]: 300 });
    expect(order(prioritized)).toEqual(['m5.large', 'c5.2xlarge']);
    // The plan and the report say so (the group's strategy line).
    expect(groupFleet(prioritized, groupOf(prioritized), ZERO, new Map()).strategy).toBe(
      'on-demand prioritized: overrides in order, from m5.large, the type it launched last (is EC2 out of the ones before?)',
    );
    const old = world([...c5, busy], { [busy.id]: 3600 });
    expect(groupFleet(old, groupOf(old), ZERO, new Map()).strategy).toBe(
      'on-demand prioritized: overrides in order',
    );
    const lowestPrice = world([...c5, fallback], { [fallback.id]: 300 }, 'lowest-price');
    expect(order(lowestPrice)).toEqual(['c5.2xlarge', 'm5.large']);
  });

  it('tasks only the first type runs wait while the group launches its fallback, and are bought once it is old and busy, or gone', () => {
    const fresh = world([...c5, fallback], { [fallback.id]: 300 });
    const held = groupPlan(planFleet(fresh), 'g');
    expect(held.action).toBe('hold');
    // Old and idle: the last ask's fallback took nothing; the next waits until it is scaled in.
    const idle = groupPlan(planFleet(world([...c5, fallback], { [fallback.id]: 1000 })), 'g');
    expect(idle.action).toBe('hold');
    expect(idle.desiredCapacity).toEqual({ current: 2, proposed: 2 });
    const gone = groupPlan(planFleet(world([...c5], {})), 'g');
    expect(gone.action).toBe('scale-out');
    const old = world([...c5, busy], { [busy.id]: 1000 });
    const grows = groupPlan(planFleet(old), 'g');
    expect(grows.action).toBe('scale-out');
    // 4 tasks of 2,048 CPU units wait: one more c5.2xlarge.
    expect(grows.desiredCapacity).toEqual({ current: 2, proposed: 3 });
    expect(held.desiredCapacity).toEqual({ current: 2, proposed: 2 });
  });

  it('at MaxSize, the members the waiting tasks can never run on are drained to make room', () => {
    // MaxSize 3: a full c5.2xlarge and two idle m5.large the group fell back to an hour ago; 4 c5-only
    // tasks wait. The m5.large are drained (one per decision here; the next decisions buy a c5.2xlarge);
    // the c5.2xlarge stays.
    const idle = [fallback, { ...fallback, id: 'i-0000000000000fb2' }];
    const s = world([...c5, ...idle], { [idle[0]!.id]: 3600, [idle[1]!.id]: 3600 });
    s.autoScalingGroups[0]!.MaxSize = 3;
    const plan = groupPlan(planFleet(s, { scaleInUnneededSeconds: 0 }), 'g');
    expect(plan.drain.length).toBeGreaterThan(0);
    expect(plan.drain.every((d) => idle.some((i) => i.id === d.ec2InstanceId))).toBe(true);
    expect(plan.reasons.join('\n')).toMatch(/MaxSize 3/);
    // Below MaxSize the group grows instead, and keeps them while the tasks wait (the usual hold).
    s.autoScalingGroups[0]!.MaxSize = 20;
    const grows = groupPlan(planFleet(s, { scaleInUnneededSeconds: 0 }), 'g');
    expect(grows.action).toBe('scale-out');
    expect(grows.drain).toEqual([]);
  });
  it('below MaxSize, fallbacks an ask bought that took nothing are drained before the first type is asked again', () => {
    // Two idle m5.large the group fell back to 25 minutes ago; 4 c5-only tasks wait. One is drained per
    // decision and nothing is bought; once they are gone the next decision buys c5.2xlarge. (Before, the
    // group grew and kept them: each ask that landed on the fallback again left one more idle host,
    // random world 1055808.)
    const idle = [fallback, { ...fallback, id: 'i-0000000000000fb2' }];
    const s = world([...c5, ...idle], { [idle[0]!.id]: 1500, [idle[1]!.id]: 1500 });
    const plan = groupPlan(planFleet(s, { scaleInUnneededSeconds: 0 }), 'g');
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([idle[0]!.id]);
    expect(plan.reasons.join('\n')).toMatch(/api can never be placed/);
    const gone = groupPlan(planFleet(world([...c5], {})), 'g');
    expect(gone.action).toBe('scale-out');
    expect(gone.reasons.join('\n')).toMatch(/g adds \d instance\(s\) of c5\.2xlarge/);
  });
});

/**
 * On-demand `lowest-price` launches the cheapest type per unit, else the next cheapest (ecs-facts §4.1):
 * a member of a dearer type registered within 15 minutes says EC2 is out of the cheaper ones, and the
 * group is planned as launching that type (random world 808124: an attribute-based group whose cheapest
 * type, c5.large, was short for good launched m5.large, which cannot run the c5-only tasks; the scaler
 * bought one m5.large a minute up to MaxSize 30).
 */
describe('what a lowest-price group launches now', () => {
  const cheap = (instances: FleetInstance[], registeredAgo: Record<string, number>) => {
    const s = fleetSnapshot(
      [
        {
          name: 'g',
          min: 1,
          max: 20,
          overrides: [{ type: 'c5.large' }, { type: 'm5.large' }],
          strategy: 'lowest-price',
          instances,
          tags: { 'ecs-autoscaler:headroom-tasks': '0' },
        },
      ],
      [
        {
          name: 'api',
          cpu: 1024,
          mem: 1024,
          desired: 6,
          running: 2,
          memberOf: 'attribute:ecs.instance-type =~ c5.*',
        },
      ],
    );
    for (const ci of s.containerInstances)
      ci.registeredAt = ago(registeredAgo[ci.ec2InstanceId ?? ''] ?? 3 * 3600);
    return s;
  };
  const c5large = full(1, 'c5.large', 'a');
  const m5 = { id: 'i-0000000000000fb1', type: 'm5.large', running: 0 };
  const m5busy = { ...m5, running: 1 };

  it('the cheapest type, unless a dearer one registered last within 15 minutes', () => {
    const old = cheap([...c5large, m5busy], { [m5.id]: 3600 });
    expect(arrivingTypes(old, groupOf(old))).toEqual(['c5.large']);
    // A dearer member that took nothing, 25 minutes old: the last ask of the cheapest bought it (above).
    const idle = cheap([...c5large, m5], { [m5.id]: 1500 });
    expect(arrivingTypes(idle, groupOf(idle))).toEqual(['m5.large']);
    expect(groupFleet(old, groupOf(old), ZERO, new Map()).strategy).toBe(
      'on-demand lowest-price: cheapest per unit first (c5.large)',
    );
    const fresh = cheap([...c5large, m5], { [m5.id]: 300 });
    expect(arrivingTypes(fresh, groupOf(fresh))).toEqual(['m5.large']);
    const fleet = groupFleet(fresh, groupOf(fresh), ZERO, new Map());
    expect(fleet.arriving.map((o) => o.instanceType)).toEqual(['m5.large']);
    expect(fleet.strategy).toBe(
      'on-demand lowest-price: cheapest per unit first (c5.large; it launched m5.large last: is EC2 out of the cheaper ones?)',
    );
    // A cheapest-type member registered last says nothing of the kind.
    const c5fresh = cheap([...c5large, m5busy], { [m5.id]: 3600, [c5large[0]!.id]: 120 });
    expect(arrivingTypes(c5fresh, groupOf(c5fresh))).toEqual(['c5.large']);
  });

  it('tasks only the cheapest type runs wait while the group launches a dearer one, and are bought once it is old', () => {
    const held = groupPlan(planFleet(cheap([...c5large, m5], { [m5.id]: 300 })), 'g');
    expect(held.action).toBe('hold');
    expect(held.desiredCapacity).toEqual({ current: 2, proposed: 2 });
    const grows = groupPlan(planFleet(cheap([...c5large, m5busy], { [m5.id]: 1000 })), 'g');
    expect(grows.action).toBe('scale-out');
    // 4 tasks of 1,024 CPU units wait, c5-only: two more c5.large (2,048 units each).
    expect(grows.desiredCapacity).toEqual({ current: 2, proposed: 4 });
  });
});
