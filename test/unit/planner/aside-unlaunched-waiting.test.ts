/**
 * A group another controller drives (here a capacity provider's, managed scaling on, also tagged for the
 * scaler: it stands aside) whose desired capacity EC2 cannot launch — its only type, m5.xlarge, short for
 * good — is not in flight: the scaler writes no `unlaunched-since` there, so the capacity would be counted
 * for ever. Before, that unlaunched m5.xlarge took the waiting task of the scaler's own group g1 (a host-port
 * task no current host takes) and g1 never grew (random world 384767: the last task of a blue/green set
 * waited 20 minutes, to the end). The snapshot is the simulator's cluster at 30 minutes, as the scaler reads it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/index.js';
import { planCluster } from '../../../shared/core/cluster/planner.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

const snapshot = parseSnapshot(
  JSON.parse(readFileSync(new URL('./fixtures/world-384767.json', import.meta.url), 'utf8')),
  'world-384767.json',
);

describe('unlaunched capacity of a group the scaler stands aside from', () => {
  it('is not counted in flight: the own group grows for the waiting task', () => {
    const g0 = snapshot.autoScalingGroups.find((g) => g.AutoScalingGroupName === 'g0')!;
    // The recorded state: g0 wants 3 and has 2 (its third launch fails), and one s0 task waits.
    expect([g0.DesiredCapacity, g0.Instances.length]).toEqual([3, 2]);
    const analysis = analyzeCapacity(snapshot);
    expect(analysis.unplaced.filter((u) => u.service === 's0').map((u) => u.count)).toEqual([1]);

    const plan = planCluster(snapshot, analysis, DEFAULT_CLUSTER_POLICY, new Date(snapshot.capturedAt));
    const byGroup = new Map((plan.groupPlans ?? []).map((p) => [p.autoScalingGroup, p]));
    expect(byGroup.get('g0')?.action).toBe('hold');
    expect(byGroup.get('g1')?.action).toBe('scale-out');
    expect(byGroup.get('g1')?.desiredCapacity).toEqual({ current: 8, proposed: 9 });
    expect(plan.reasons.join('\n')).not.toMatch(/in flight/);
  });
});
