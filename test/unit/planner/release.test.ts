/**
 * Issue 15: releasing a cluster that was opted out mid-scale-in (release.ts, the `release` request).
 */
import { describe, expect, it } from 'vitest';
import {
  DISCONNECTED_SEEN_ATTRIBUTE,
  OWN_DRAIN_ATTRIBUTE,
  parseClusterRequest,
  planRelease,
  releaseInstanceIds,
  requestKey,
} from '../../../shared/core/cluster/index.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/index.js';
import { ciArn, snapshotOf } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;

/** Cluster c1 without a managed group: i1 own drain, i2 own drain already terminating, i3 foreign clock. */
const optedOut = (): ClusterSnapshot => {
  const s = snapshotOf({
    instances: [
      { id: id(1), status: 'DRAINING' },
      { id: id(2), status: 'DRAINING' },
      { id: id(3) },
      { id: id(4) },
    ],
    group: null,
  });
  const put = (n: number, name: string) => {
    const ci = s.containerInstances.find((c) => c.ec2InstanceId === id(n))!;
    ci.attributes = [...(ci.attributes ?? []), { name, value: '1795348800' }];
  };
  put(1, OWN_DRAIN_ATTRIBUTE);
  put(2, OWN_DRAIN_ATTRIBUTE);
  put(3, DISCONNECTED_SEEN_ATTRIBUTE);
  return s;
};
const membership = [1, 2, 3, 4].map((n) => ({
  instanceId: id(n),
  group: 'asg-c1',
  lifecycleState: n === 2 ? 'Terminating:Wait' : 'InService',
}));

describe('planRelease', () => {
  it('sets own drains ACTIVE (not one that is terminating), deletes the attributes and the state tags', () => {
    const plan = planRelease(optedOut(), membership, [
      {
        name: 'asg-c1',
        tags: {
          'ecs-autoscaler:last-scale-in': '2026-11-22T11:00:00.000Z',
          'ecs-autoscaler:unneeded': '6:2@1795348200',
          'ecs-autoscaler:headroom-tasks': '2',
        },
      },
      { name: 'unrelated', tags: { 'ecs-autoscaler:last-scale-in': 'x' } },
    ]);
    expect(plan.managed).toBe(false);
    expect(plan.activate).toEqual([{ containerInstanceArn: ciArn(id(1)), ec2InstanceId: id(1) }]);
    expect(plan.deleteAttributes).toEqual([
      { containerInstanceArn: ciArn(id(1)), name: OWN_DRAIN_ATTRIBUTE },
      { containerInstanceArn: ciArn(id(2)), name: OWN_DRAIN_ATTRIBUTE },
      { containerInstanceArn: ciArn(id(3)), name: DISCONNECTED_SEEN_ATTRIBUTE },
    ]);
    // Only the scaler's state keys of the cluster's group; the operator's settings stay.
    expect(plan.deleteTags).toEqual([
      { group: 'asg-c1', keys: ['ecs-autoscaler:last-scale-in', 'ecs-autoscaler:unneeded'] },
    ]);
    expect(plan.reasons.join('\n')).toMatch(
      new RegExp(`${id(2)} is Terminating:Wait in asg-c1: left to finish`),
    );
    expect(releaseInstanceIds(optedOut())).toEqual([id(1), id(2), id(3), id(4)]);
  });

  it('does nothing when a group carries the cluster tag again, or a group is tagged for another cluster', () => {
    const managed = snapshotOf({ instances: [{ id: id(1), status: 'DRAINING' }] });
    const plan = planRelease(managed, membership, []);
    expect(plan.managed).toBe(true);
    expect(plan.activate).toEqual([]);
    const other = planRelease(optedOut(), membership, [
      { name: 'asg-c1', tags: { 'ecs-autoscaler:cluster': 'c9', 'ecs-autoscaler:last-scale-in': 'x' } },
    ]);
    expect(other.deleteTags).toEqual([]);
  });
});

describe('the release request', () => {
  it('parses, and its deduplication key names the cluster and the tick', () => {
    const r = parseClusterRequest(
      JSON.stringify({ v: 1, kind: 'release', cluster: 'c1', at: '2026-11-22T12:00:00.000Z' }),
    );
    expect(r).toEqual({ v: 1, kind: 'release', cluster: 'c1', at: '2026-11-22T12:00:00.000Z' });
    expect(requestKey(r)).toBe('release|c1|2026-11-22T12:00:00.000Z');
    expect(() => parseClusterRequest(JSON.stringify({ v: 1, kind: 'release', at: 'x' }))).toThrow(
      /field 'cluster'|field 'at'/,
    );
  });
});
