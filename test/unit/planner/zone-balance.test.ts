/**
 * A task bound to an AZ in a group that spans three (docs/placement.md): the group launches each instance
 * in the AZ with the fewest members, so the scaler's one ask covers the launches that land in the other
 * AZs first — before, it bought one instance a minute, each landing elsewhere (random world 282092).
 */
import { describe, expect, it } from 'vitest';
import { planOf, snapshotOf } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** Three full members in us-east-1b; `web` (memberOf us-east-1b) wants `desired` tasks, 6 running. */
const world = (desired: number) => {
  const snapshot = snapshotOf({
    instances: [1, 2, 3].map((n) => ({
      id: id(n),
      az: 'us-east-1b',
      usedCpu: 2048,
      usedMem: 2048,
      running: 2,
      cpu: 2048,
      mem: 8192,
    })),
    services: [{ name: 'web', cpu: 1024, mem: 1024, desired, running: 6 }],
    group: { instanceType: 'm5.large', tags: { 'ecs-autoscaler:headroom-tasks': '0' } },
  });
  Object.assign(snapshot.autoScalingGroups[0]!, { AvailabilityZones: AZS });
  Object.assign(snapshot.services[0]!, {
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone == us-east-1b' }],
  });
  return snapshot;
};

describe('planCluster — growth toward an AZ by the group’s AZ balancing', () => {
  it('one ask covers the launches us-east-1a and us-east-1c take first, and says so', () => {
    const plan = planOf(world(7));
    expect(plan.action).toBe('scale-out');
    // Members 0 / 3 / 0: six launches bring us-east-1a and us-east-1c to 3; of the three-way tie the next
    // two are taken to go elsewhere (AWS does not document the tie-break); the ninth lands in us-east-1b.
    // One of the eight others takes the headroom copy of the largest task; seven take nothing.
    expect(plan.desiredCapacity.proposed).toBe(12);
    expect(plan.reasons).toContain(
      '7 new instance(s) take no task: the group balances its AZs and launches them before one lands where the tasks may run',
    );
  });

  it('a task that may run in any AZ needs one launch', () => {
    const snapshot = world(7);
    Object.assign(snapshot.services[0]!, { placementConstraints: [] });
    const plan = planOf(snapshot);
    expect(plan.desiredCapacity.proposed).toBe(4);
    expect(plan.reasons.join('\n')).not.toMatch(/take no task/);
  });
});
