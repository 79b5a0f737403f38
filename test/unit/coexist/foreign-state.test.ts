/**
 * Foreign state never freezes a decision (issue 14, item 1), own drains end ACTIVE after max-drain-time
 * and jobs are last in line (item 3), the state fits AWS limits (item 4). Pure planner tables.
 */
import { describe, expect, it } from 'vitest';
import {
  DISCONNECTED_SEEN_ATTRIBUTE,
  FOREIGN_DRAIN_SEEN_ATTRIBUTE,
  OWN_DRAIN_ATTRIBUTE,
} from '../../../shared/core/cluster/index.js';
import { MAX_REMOVALS_PER_DECISION } from '../../../shared/core/cluster/scale-in.js';
import type { ClusterSnapshot, Task } from '../../../shared/core/snapshot/index.js';
import {
  type ClusterSpec,
  ciArn,
  type InstanceSpec,
  NOW,
  planOf,
  snapshotOf,
  taskOn,
  unregisteredFor,
} from '../planner/builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const web = (n: number, k: number, extra: Partial<InstanceSpec> = {}): InstanceSpec => ({
  id: id(n),
  usedCpu: 512 * k,
  usedMem: 1024 * k,
  running: k,
  ...extra,
});
const WEB = { name: 'web', cpu: 512, mem: 1024, desired: 6 };
const nowS = NOW.getTime() / 1000;
/** Sets a container-instance attribute in a built snapshot. */
const withAttr = (s: ClusterSnapshot, n: number, name: string, value: string): ClusterSnapshot => {
  const ci = s.containerInstances.find((c) => c.ec2InstanceId === id(n))!;
  ci.attributes = [...(ci.attributes ?? []), { name, value }];
  return s;
};
const tasksOf = (...pairs: [number, number][]): Task[] =>
  pairs.flatMap(([n, k]) => Array.from({ length: k }, (_, j) => taskOn(id(n), 'web', j + 1)));
/** A standalone task (group family:batch) on instance n. */
const job = (n: number): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c1/batch-${n}`,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/batch:1',
  containerInstanceArn: ciArn(id(n)),
  lastStatus: 'RUNNING',
  group: 'family:batch',
  cpu: '512',
  memory: '1024',
});

describe('foreign state never freezes scale-in', () => {
  const cases: { name: string; spec: ClusterSpec; tasks: Task[]; excluded: string }[] = [
    {
      name: 'a DRAINING instance the scaler did not drain',
      spec: {
        instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1, { status: 'DRAINING' })],
        services: [WEB],
      },
      tasks: tasksOf([1, 2], [2, 2], [3, 1], [4, 1]),
      excluded: id(4),
    },
    {
      name: 'an ACTIVE instance whose agent is disconnected',
      spec: {
        instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1, { connected: false })],
        services: [WEB],
      },
      tasks: tasksOf([1, 2], [2, 2], [3, 1], [4, 1]),
      excluded: id(4),
    },
    {
      name: 'an instance the ASG reports Unhealthy',
      spec: { instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 0, { healthy: false })], services: [WEB] },
      tasks: tasksOf([1, 2], [2, 2], [3, 1]),
      excluded: id(4),
    },
    {
      name: 'a member that never registered (past the boot timeout)',
      spec: {
        instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1)],
        services: [WEB],
        // First seen an hour ago (the scaler's `unregistered` record).
        group: { unregistered: [id(9)], tags: unregisteredFor(1, 3600) },
      },
      tasks: tasksOf([1, 2], [2, 2], [3, 1], [4, 1]),
      excluded: id(9),
    },
  ];
  it.each(cases)(
    '$name: healthy idle instances still drain, it is neither candidate nor destination',
    ({ spec, tasks, excluded }) => {
      const plan = planOf(snapshotOf({ ...spec, group: { ...spec.group }, tasks }), { maxStep: 10 });
      expect(plan.action).toBe('scale-in');
      expect(plan.drain.length).toBeGreaterThan(0);
      expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(excluded);
      expect(plan.reasons.join('\n')).not.toMatch(/no scale-in while/);
    },
  );

  it('records when it first saw a foreign DRAINING or disconnected instance, and forgets it when it recovers', () => {
    const spec: ClusterSpec = {
      instances: [
        web(1, 2),
        web(2, 2),
        web(3, 1, { status: 'DRAINING' }),
        web(4, 1, { connected: false }),
        web(5, 1),
      ],
      services: [WEB],
      tasks: tasksOf([1, 2], [2, 2], [3, 1], [4, 1], [5, 1]),
    };
    const s = withAttr(snapshotOf(spec), 5, DISCONNECTED_SEEN_ATTRIBUTE, String(nowS - 60));
    const plan = planOf(s);
    expect(plan.attributes?.put).toEqual(
      expect.arrayContaining([
        { containerInstanceArn: ciArn(id(3)), name: FOREIGN_DRAIN_SEEN_ATTRIBUTE, value: String(nowS) },
        { containerInstanceArn: ciArn(id(4)), name: DISCONNECTED_SEEN_ATTRIBUTE, value: String(nowS) },
      ]),
    );
    expect(plan.attributes?.delete).toContainEqual({
      containerInstanceArn: ciArn(id(5)),
      name: DISCONNECTED_SEEN_ATTRIBUTE,
    });
  });

  it.each([
    { seen: 600, tasks: [] as Task[], terminate: [] as string[], why: /terminated once empty after 30 min/ },
    {
      seen: 3600,
      tasks: [] as Task[],
      terminate: [id(4)],
      why: /ownerless for 60 min and empty: terminate it/,
    },
    { seen: 3600, tasks: [job(4)], terminate: [], why: /still runs 1 task\(s\): left alone/ },
  ])('ownerless DRAINING seen $seen s ago → terminate $terminate', ({ seen, tasks, terminate, why }) => {
    const spec: ClusterSpec = {
      instances: [web(1, 2), web(2, 2), web(3, 2), web(4, tasks.length, { status: 'DRAINING' })],
      services: [WEB],
      tasks: [...tasksOf([1, 2], [2, 2], [3, 2]), ...tasks],
    };
    const plan = planOf(withAttr(snapshotOf(spec), 4, FOREIGN_DRAIN_SEEN_ATTRIBUTE, String(nowS - seen)), {
      scaleInEnabled: false,
    });
    expect(plan.terminate).toEqual(terminate);
    expect(plan.desiredCapacity.proposed).toBe(4 - terminate.length);
    expect(plan.reasons.join('\n')).toMatch(why);
  });

  it("someone's fresh drain of a host whose tasks no ACTIVE host takes: its list is read at once, its tasks bought for", () => {
    // Random world 1158722: a drain at 8 min of the one registered host (s0, s2, s0), the hosts the scaler
    // had bought for the other tasks still launching. With no ACTIVE host to remove nothing else asked for
    // its list, which was read only after the 30-minute grace: its tasks were not counted as waiting, the new
    // hosts took the others, s2's replacement found no room at 27 min, and the host bought then came
    // after the launch hook, at 40 min.
    const spec: ClusterSpec = {
      instances: [web(3, 2, { status: 'DRAINING' }), web(4, 0, { status: 'DRAINING' })],
      services: [{ ...WEB, desired: 18, running: 2 }],
      tasks: [],
      // Two hosts bought for the 16 waiting tasks, booting.
      group: { desired: 4, unregistered: [id(9), id(10)] },
    };
    const policy = { headroomTasks: 0, maxStep: 10 };
    const seen = (s: ClusterSnapshot) => withAttr(s, 3, FOREIGN_DRAIN_SEEN_ATTRIBUTE, String(nowS - 60));
    const unread = planOf(seen(snapshotOf(spec)), policy);
    // i3's list is asked for within the grace; the empty i4's is not (nothing waits on it).
    expect(unread.needsTasks).toEqual([ciArn(id(3))]);
    expect(unread.action).not.toBe('scale-out');
    // With the list: i3's two tasks fit on no ACTIVE host, they wait for room beside the 16, and the two
    // hosts booting take 16: one host more.
    const plan = planOf(seen(snapshotOf({ ...spec, tasks: tasksOf([3, 2]) })), policy);
    expect(plan.reasons.join('\n')).toMatch(/2 task\(s\) on DRAINING instances fit on no ACTIVE one/);
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity).toEqual({ current: 4, proposed: 5 });
  });

  it('an ownerless empty drain past its grace leaves while tasks wait for capacity no group may add', () => {
    // web wants 26 (8 per host): 24 run on i1–i3, 2 wait, and the group is at MaxSize 4. The fourth member,
    // someone's empty DRAINING instance, takes none of them; it still leaves (desired 4 → 3), the rest holds.
    const spec: ClusterSpec = {
      instances: [web(1, 8), web(2, 8), web(3, 8), web(4, 0, { status: 'DRAINING' })],
      services: [{ ...WEB, desired: 26 }],
      tasks: tasksOf([1, 8], [2, 8], [3, 8]),
      group: { max: 4 },
    };
    const plan = planOf(withAttr(snapshotOf(spec), 4, FOREIGN_DRAIN_SEEN_ATTRIBUTE, String(nowS - 3600)));
    expect(plan.reasons.join('\n')).toMatch(/at its MaxSize 4/);
    expect(plan.terminate).toEqual([id(4)]);
    expect(plan.desiredCapacity).toEqual({ current: 4, proposed: 3 });
    expect(plan.drain).toEqual([]);
  });

  it.each([
    { replace: true, seen: 1200, unhealthy: [id(4)] },
    { replace: false, seen: 1200, unhealthy: [] },
    { replace: true, seen: 300, unhealthy: [] },
  ])(
    'disconnected for $seen s, replace-disconnected=$replace → mark Unhealthy $unhealthy',
    ({ replace, seen, unhealthy }) => {
      const spec: ClusterSpec = {
        instances: [web(1, 2), web(2, 2), web(3, 2), web(4, 1, { connected: false })],
        services: [WEB],
        tasks: tasksOf([1, 2], [2, 2], [3, 2], [4, 1]),
      };
      const plan = planOf(withAttr(snapshotOf(spec), 4, DISCONNECTED_SEEN_ATTRIBUTE, String(nowS - seen)), {
        replaceDisconnected: replace,
      });
      expect(plan.markUnhealthy).toEqual(unhealthy);
    },
  );
});

describe("the scaler's own drains", () => {
  const draining = (startedAgo: number, tasks: Task[]): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [web(1, 2), web(2, 2), web(3, 2), web(4, tasks.length, { status: 'DRAINING' })],
      services: [WEB],
      tasks: [...tasksOf([1, 2], [2, 2], [3, 2]), ...tasks],
    });
    return withAttr(s, 4, OWN_DRAIN_ATTRIBUTE, String(nowS - startedAgo));
  };
  it('set ACTIVE again, mark removed, after max-drain-time when a job still runs (never terminated)', () => {
    const plan = planOf(draining(3700, [job(4)]));
    expect(plan.activate.map((a) => a.ec2InstanceId)).toEqual([id(4)]);
    expect(plan.terminate).toEqual([]);
    expect(plan.attributes?.delete).toContainEqual({
      containerInstanceArn: ciArn(id(4)),
      name: OWN_DRAIN_ATTRIBUTE,
    });
    expect(plan.reasons.join('\n')).toMatch(
      /drained for 3700 s \(max-drain-time 3600 s\).*set it ACTIVE again/,
    );
  });
  it('keep waiting before max-drain-time; terminate once empty', () => {
    expect(planOf(draining(600, [job(4)])).activate).toEqual([]);
    expect(planOf(draining(600, [])).terminate).toEqual([id(4)]);
  });
  it('honour and migrate the legacy draining tag: the id gets the attribute, the tag is emptied', () => {
    const s = snapshotOf({
      instances: [web(1, 2), web(2, 2), web(3, 2), web(4, 1, { status: 'DRAINING' })],
      services: [WEB],
      tasks: [...tasksOf([1, 2], [2, 2], [3, 2]), job(4)],
      group: { tags: { 'ecs-autoscaler:draining': id(4) } },
    });
    const plan = planOf(s);
    expect(plan.stateTags['ecs-autoscaler:draining']).toBe('');
    expect(plan.attributes?.put).toContainEqual({
      containerInstanceArn: ciArn(id(4)),
      name: OWN_DRAIN_ATTRIBUTE,
      value: String(nowS),
    });
    expect(plan.reasons.join('\n')).not.toMatch(/not by the scaler/);
  });
});

describe('standalone and protected tasks are last in line', () => {
  // i3 and i4 hold one task each; by ARN alone i3 would go first.
  const spec = (i3: Task): ClusterSpec => ({
    instances: [web(1, 2), web(2, 2), web(3, 1), web(4, 1)],
    services: [WEB],
    tasks: [...tasksOf([1, 2], [2, 2], [4, 1]), i3],
  });
  it('without a job, the tie goes to i3 (control)', () => {
    expect(planOf(snapshotOf(spec(taskOn(id(3), 'web', 1))), { maxStep: 1 }).drain[0]?.ec2InstanceId).toBe(
      id(3),
    );
  });
  it('a standalone task on i3 puts it behind i4', () => {
    expect(planOf(snapshotOf(spec(job(3))), { maxStep: 1 }).drain[0]?.ec2InstanceId).toBe(id(4));
  });
  it('an ECS-protected service task on i3 puts it behind i4; an expired protection does not', () => {
    const t = taskOn(id(3), 'web', 1);
    const s = snapshotOf(spec(t));
    s.protectedTasks = [
      { taskArn: t.taskArn, protectionEnabled: true, expirationDate: '2026-11-22T13:00:00.000Z' },
    ];
    expect(planOf(s, { maxStep: 1 }).drain[0]?.ec2InstanceId).toBe(id(4));
    s.protectedTasks = [{ taskArn: t.taskArn, protectionEnabled: false }];
    expect(planOf(s, { maxStep: 1 }).drain[0]?.ec2InstanceId).toBe(id(3));
  });
});

describe('the state fits AWS limits at any max-step', () => {
  it.each([13, 50, 100])('max-step %i: every state tag value ≤ 256 characters', (maxStep) => {
    const n = 60;
    const s = snapshotOf({
      instances: Array.from({ length: n }, (_, k) => web(k + 1, 0)),
      services: [{ ...WEB, desired: 0 }],
      tasks: [],
      group: { max: 100 },
    });
    const plan = planOf(s, { maxStep });
    // Scale-in drains at most MAX_REMOVALS_PER_DECISION per decision (max-step caps scale-out only,
    // docs/cluster-scaler.md); the own drains live in per-instance attributes, so no tag grows with them.
    expect(plan.drain.length).toBe(Math.min(MAX_REMOVALS_PER_DECISION, n));
    for (const v of Object.values(plan.stateTags)) expect(v.length).toBeLessThanOrEqual(256);
    expect(plan.attributes?.put.filter((a) => a.name === OWN_DRAIN_ATTRIBUTE)).toHaveLength(
      plan.drain.length,
    );
  });
});
