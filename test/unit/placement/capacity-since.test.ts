/**
 * Issue 13: an ECS placement-failure event speaks for the capacity that existed when ECS emitted it.
 * Capacity that arrived after it — a registration, an instance the scaler set ACTIVE (back from a warm
 * pool, its own drain reactivated), an agent that reconnected — makes it stale; an event newer than every
 * capacity change still wins over the model (capacity-since.ts, docs/placement.md).
 */
import { describe, expect, it } from 'vitest';
import {
  CAPACITY_SINCE_ATTRIBUTE,
  lastCapacityChange,
  placementFailureIsCurrent,
  type StampablePlan,
  stampCapacitySince,
} from '../../../shared/core/cluster/capacity-since.js';
import { DISCONNECTED_SEEN_ATTRIBUTE } from '../../../shared/core/cluster/foreign-state.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { fleet, NOW, planOf, snapshotOf } from '../planner/builders.js';

type Raw = { containerInstances: Record<string, unknown>[]; services: Record<string, unknown>[] };

const REGISTERED = '2026-11-22T10:00:00.000Z';
const EVENT = '2026-11-22T11:50:00.000Z';
const epoch = (iso: string) => String(Date.parse(iso) / 1000);
const FAILURE =
  '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance abc has insufficient memory available.';

/** Two m5.large instances with room, web at 2 running / 3 desired, ECS's failure event at EVENT. */
const cluster = (patch: (cis: Record<string, unknown>[]) => void): ClusterSnapshot => {
  const base = snapshotOf({
    instances: fleet(2, { cpu: 2048, mem: 7680, usedCpu: 512, usedMem: 1024, running: 2 }),
    services: [{ name: 'web', desired: 3, running: 2, cpu: 256, mem: 512 }],
    group: { instanceType: 'm5.large', tags: { 'ecs-autoscaler:headroom-tasks': '0' } },
  });
  const raw = structuredClone(base) as unknown as Raw;
  raw.services[0]!.events = [{ id: 'e1', createdAt: EVENT, message: FAILURE }];
  for (const ci of raw.containerInstances) {
    ci.registeredAt = REGISTERED;
    (ci.attributes as { name: string; value?: string }[]).push(
      { name: 'ecs.instance-type', value: 'm5.large' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
      { name: 'ecs.os-type', value: 'linux' },
    );
  }
  patch(raw.containerInstances);
  return raw as unknown as ClusterSnapshot;
};
const setAttr = (ci: Record<string, unknown>, name: string, value: string) =>
  (ci.attributes as { name: string; value?: string }[]).push({ name, value });

describe('staleness of an ECS placement-failure event', () => {
  const cases: {
    name: string;
    patch: (cis: Record<string, unknown>[]) => void;
    current: boolean;
  }[] = [
    { name: 'event newer than every registration, no other change', patch: () => {}, current: true },
    {
      name: 'an instance registered after the event',
      patch: (cis) => {
        cis[1]!.registeredAt = '2026-11-22T11:55:00.000Z';
      },
      current: false,
    },
    {
      name: 'an instance set ACTIVE (back from the warm pool) after the event',
      patch: (cis) => setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, epoch('2026-11-22T11:52:00.000Z')),
      current: false,
    },
    {
      name: 'an instance set ACTIVE before the event',
      patch: (cis) => setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, epoch('2026-11-22T11:40:00.000Z')),
      current: true,
    },
    {
      name: 'an agent back after the event, but disconnected again: not capacity',
      patch: (cis) => {
        setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, epoch('2026-11-22T11:52:00.000Z'));
        cis[0]!.agentConnected = false;
      },
      current: true,
    },
    {
      name: 'a stamp after the event on an instance DRAINING again: not capacity',
      patch: (cis) => {
        setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, epoch('2026-11-22T11:52:00.000Z'));
        cis[0]!.status = 'DRAINING';
      },
      current: true,
    },
    {
      name: 'a malformed stamp is ignored',
      patch: (cis) => setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, 'soon'),
      current: true,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.current ? 'counted (sized on new instances)' : 'stale (waiting for ECS)'}`, () => {
      const s = cluster(c.patch);
      expect(placementFailureIsCurrent(EVENT, s)).toBe(c.current);
      const plan = planOf(s);
      if (c.current) {
        expect(plan.waitingTasks?.[0]).toMatchObject({ kind: 'needs-capacity', count: 1, newOnly: true });
        expect(plan.desiredCapacity.proposed).toBe(3);
      } else {
        expect(plan.waitingTasks?.[0]).toMatchObject({ kind: 'waiting-for-ecs', count: 1 });
        expect(plan.desiredCapacity.proposed).toBe(2);
      }
    });
  }

  it('the newest change is the later of registrations and stamps', () => {
    const s = cluster((cis) => setAttr(cis[0]!, CAPACITY_SINCE_ATTRIBUTE, epoch('2026-11-22T11:52:00.000Z')));
    expect(lastCapacityChange(s)).toBe('2026-11-22T11:52:00.000Z');
    expect(lastCapacityChange(cluster(() => {}))).toBe(REGISTERED);
  });
});

describe('the scaler records when an instance becomes capacity', () => {
  it('an ACTIVE instance whose agent came back (seen disconnected before) is stamped now', () => {
    const s = cluster((cis) =>
      setAttr(cis[0]!, DISCONNECTED_SEEN_ATTRIBUTE, epoch('2026-11-22T11:30:00.000Z')),
    );
    const plan = planOf(s);
    const arn = s.containerInstances[0]!.containerInstanceArn;
    expect(plan.attributes?.put).toContainEqual({
      containerInstanceArn: arn,
      name: CAPACITY_SINCE_ATTRIBUTE,
      value: String(NOW.getTime() / 1000),
    });
    expect(plan.attributes?.delete).toContainEqual({
      containerInstanceArn: arn,
      name: DISCONNECTED_SEEN_ATTRIBUTE,
    });
    // An agent that was never seen disconnected gets no stamp.
    expect(
      plan.attributes?.put
        .filter((a) => a.name === CAPACITY_SINCE_ATTRIBUTE)
        .map((a) => a.containerInstanceArn),
    ).toEqual([arn]);
  });

  it('every instance a plan sets ACTIVE is stamped, in the plan and in each group plan, once', () => {
    const group: StampablePlan = { activate: [{ containerInstanceArn: 'a' }, { containerInstanceArn: 'a' }] };
    const plan = stampCapacitySince<StampablePlan>(
      { activate: [{ containerInstanceArn: 'a' }], groupPlans: [group, { activate: [] }] },
      NOW,
    );
    const want = [
      { containerInstanceArn: 'a', name: CAPACITY_SINCE_ATTRIBUTE, value: String(NOW.getTime() / 1000) },
    ];
    expect(plan.attributes?.put).toEqual(want);
    expect(group.attributes?.put).toEqual(want);
    expect(plan.groupPlans?.[1]?.attributes).toBeUndefined();
  });
});
