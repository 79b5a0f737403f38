/**
 * The headroom's architecture is the largest wanted task's, not the largest definition's (random world
 * 302709: an arm64 service at 0 desired had the cluster's largest definition; the headroom — one more of
 * the x86 service that wants tasks — was wanted on arm64 hosts, bought for on the arm64 group, and held the
 * x86 group's idle hosts for good while that group could launch none).
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity, headroomDefinition } from '../../../shared/core/capacity/capacity.js';
import { fleetSnapshot, groupPlan, planFleet } from './fleet-builders.js';

const cluster = (batchDesired: number) => {
  const snapshot = fleetSnapshot(
    [
      {
        name: 'x86',
        min: 1,
        max: 10,
        instances: [{ id: 'i-x8600000000000001', type: 'm5.large', cpu: 256, mem: 2048, running: 1 }],
      },
      { name: 'arm', min: 0, max: 10, desired: 0, overrides: [{ type: 'm6g.large' }], instances: [] },
    ],
    [
      { name: 'web', cpu: 256, mem: 2048, desired: 1, running: 1 },
      { name: 'batch', cpu: 1024, mem: 512, desired: batchDesired, running: 0 },
    ],
  );
  // An arm64 definition (runtimePlatform), as in the world: its architecture goes with the definition.
  const batch = snapshot.taskDefinitions.find((t) => t.taskDefinitionArn.includes('/batch:'))!;
  Object.assign(batch, { runtimePlatform: { cpuArchitecture: 'ARM64' } });
  return snapshot;
};

describe('the headroom takes the architecture of the largest task that is wanted', () => {
  it('an arm64 batch at 0 desired: the x86 web headroom fits on the x86 host, nothing is bought', () => {
    const snapshot = cluster(0);
    const analysis = analyzeCapacity(snapshot);
    // The largest definition (the threshold rule's) is still batch's; the headroom's is web's.
    expect(analysis.largestTask.taskDefinition).toMatch(/batch/);
    expect(headroomDefinition(analysis)).toMatch(/web/);
    const plan = planFleet(snapshot);
    expect(groupPlan(plan, 'arm').action).toBe('hold');
    expect(groupPlan(plan, 'arm').desiredCapacity).toEqual({ current: 0, proposed: 0 });
    expect(plan.capacityDeficitInstances).toBe(0);
  });

  it('once batch wants tasks, they and the headroom (now batch) are bought on the arm64 group', () => {
    const plan = planFleet(cluster(2));
    expect(groupPlan(plan, 'arm').action).toBe('scale-out');
    expect(groupPlan(plan, 'arm').desiredCapacity.proposed).toBeGreaterThanOrEqual(1);
  });

  it('the placement model sizes the same headroom: a host-port task waits, a larger service is at 0', () => {
    // The model kept room for the largest definition (batch, a whole m5.large) while the CPU/memory sizing
    // and the scale-in check kept it for web: 2 hosts bought for 1 waiting task, one given back later.
    const plan = planFleet(
      fleetSnapshot(
        [
          {
            name: 'g',
            min: 1,
            max: 10,
            instances: [
              { id: 'i-a000000000000001', type: 'm5.large', cpu: 256, mem: 512, running: 1, ports: [22, 80] },
              { id: 'i-a000000000000002', type: 'm5.large', cpu: 256, mem: 512, running: 1, ports: [22, 80] },
            ],
          },
        ],
        [
          { name: 'web', cpu: 256, mem: 512, desired: 3, running: 2, hostPort: 80 },
          { name: 'batch', cpu: 2048, mem: 4096, desired: 0, running: 0 },
        ],
      ),
    );
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 2, proposed: 3 });
  });
});
