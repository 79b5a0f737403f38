/**
 * Scale-in fit check vs ECS's placement strategies (issue 15, the `direction-reversal`s of
 * operator-terminates-long-drain): the headroom is what must still fit once ECS has placed the moved
 * tasks where their strategy puts them, not a task placed first on the best slot.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Task } from '../../../shared/core/snapshot/snapshot.js';
import { arm64, type InstanceSpec, planOf, snapshotOf, taskOn } from './builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const WEB = { name: 'web', cpu: 512, mem: 1024, desired: 8 };
const API = { name: 'api', cpu: 1024, mem: 2048, desired: 3 };

/**
 * Two large instances with 896 CPU units free each (6 web; 3 api), a small one with 1,920 free and the
 * least free memory, and a small one running 2 web with 896 free. The largest task (api, 1,024 CPU) fits
 * only on i3. Draining i4 moves its 2 web tasks: first-fit-decreasing would put the headroom (api) on i3
 * and the web tasks on i1 and i2; ECS's binpack on memory puts both web tasks on i3 (least free memory),
 * which leaves no instance with 1,024 CPU units free.
 */
const cluster = (strategy: { type: string; field?: string }[] | undefined): ClusterSnapshot => {
  const instances: InstanceSpec[] = [
    { id: id(1), cpu: 4096, mem: 16384, usedCpu: 3200, usedMem: 7424, running: 6 },
    { id: id(2), cpu: 4096, mem: 16384, usedCpu: 3200, usedMem: 7424, running: 3 },
    { id: id(3), cpu: 2048, mem: 8192, usedCpu: 128, usedMem: 256, running: 0 },
    { id: id(4), cpu: 2048, mem: 8192, usedCpu: 1152, usedMem: 2304, running: 2 },
  ];
  const tasks: Task[] = [
    ...Array.from({ length: 6 }, (_, k) => taskOn(id(1), 'web', k + 1)),
    ...Array.from({ length: 3 }, (_, k) => taskOn(id(2), 'api', k + 1)),
    taskOn(id(4), 'web', 1),
    taskOn(id(4), 'web', 2),
  ];
  const snapshot = snapshotOf({ instances, services: [WEB, API], tasks });
  if (strategy) for (const s of snapshot.services) s.placementStrategy = strategy;
  return snapshot;
};

describe('planCluster — scale-in fit check and placement strategies', () => {
  it('keeps an instance whose tasks binpack would put on the only slot the headroom has', () => {
    const plan = planOf(cluster([{ type: 'binpack', field: 'memory' }]));
    expect(plan.action).toBe('hold');
    expect(plan.drain).toEqual([]);
    expect(plan.reasons.join('\n')).toMatch(/no instance can be removed/);
  });

  it('drains it when the tasks have no strategy (a placement that leaves the headroom exists)', () => {
    // The same cluster without a strategy: first-fit-decreasing finds web → i1, i2 and the headroom on i3.
    const plan = planOf(cluster(undefined));
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(4)]);
  });

  it('drains it under binpack on CPU too when the moved tasks land elsewhere', () => {
    // i3 has the most free CPU, so binpack on CPU puts the web tasks on i1 and i2 (896 free each): the
    // headroom still fits on i3, the instance may go.
    const plan = planOf(cluster([{ type: 'binpack', field: 'cpu' }]));
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(4)]);
  });
});

/**
 * ECS's default service strategy spreads across AZs and picks at random within one (ecs-facts §1.1 and
 * §2): the check assumes the pick that costs the headroom most (random world 3427, eighth stop: a moved
 * task landed on the one instance of its AZ with room for the largest task, and the drain was undone a
 * minute later). i4 (us-east-1b) runs one web task and is checked first (the emptiest); the other
 * instance of 1b is full, so its task moves to 1a, where i1 and i3 tie.
 */
describe('planCluster — moved tasks tied within an AZ', () => {
  const snapshot = (i1Web: number): ClusterSnapshot =>
    snapshotOf({
      instances: [
        {
          id: id(1),
          cpu: 2048,
          mem: 8192,
          usedCpu: 512 * i1Web,
          usedMem: 1024 * i1Web,
          running: i1Web,
          az: 'us-east-1a',
        },
        { id: id(2), cpu: 2048, mem: 8192, usedCpu: 2048, usedMem: 4096, running: 2, az: 'us-east-1b' },
        { id: id(3), cpu: 2048, mem: 8192, usedCpu: 1024, usedMem: 2048, running: 1, az: 'us-east-1a' },
        { id: id(4), cpu: 2048, mem: 8192, usedCpu: 512, usedMem: 1024, running: 1, az: 'us-east-1b' },
      ],
      services: [
        { ...WEB, desired: i1Web + 1 },
        { ...API, desired: 3 },
      ],
      tasks: [
        ...Array.from({ length: i1Web }, (_, k) => taskOn(id(1), 'web', k + 1)),
        taskOn(id(2), 'api', 1),
        taskOn(id(2), 'api', 2),
        taskOn(id(3), 'api', 3),
        taskOn(id(4), 'web', 9),
      ],
    });

  it('keeps the instance when ECS may put its task on the only room for the headroom', () => {
    // i1 has 512 free, i3 1,024 (the only room for one more api task): ECS may pick i3. First in order
    // (i1) was assumed before, and i4 drained. i1 cannot go either: its three web tasks still count in 1a
    // while their replacements start (twelfth stop), two go to i4 and the third ties 1a with 1b — i3 may
    // take it.
    const plan = planOf(snapshot(3));
    expect(plan.drain).toEqual([]);
    expect(plan.action).toBe('hold');
  });

  it('drains it when whichever instance of the AZ ECS picks leaves room for the headroom', () => {
    // i1 with two web tasks has 1,024 free too: one of the two keeps room for an api task.
    const plan = planOf(snapshot(2));
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(4)]);
  });
});

/**
 * Random world 5161 (tenth stop): where ECS picks at random among tied instances, a moved task may take
 * the room another moved task needs. i3 (the group's only member) runs a 2,048-unit task and a 1,024-unit
 * one; in the same AZ, i1 has 1,536 units free and i2 (another group's) 2,048. Placed largest first, or
 * smallest first on the first tied instance (i1), both fit; ECS may put the small one on i2, and the large
 * one then waits — the drain was undone every 12 minutes. The check also places each random pick on the
 * emptiest instance.
 */
describe('planCluster — a moved task may take the room another moved task needs', () => {
  const snapshot = (i2Used: number): ClusterSnapshot =>
    snapshotOf({
      instances: [
        {
          id: id(1),
          cpu: 2048,
          mem: 8192,
          usedCpu: 512,
          usedMem: 512,
          running: 1,
          az: 'us-east-1a',
          outsideGroup: true,
        },
        {
          id: id(2),
          cpu: 4096,
          mem: 8192,
          usedCpu: i2Used,
          usedMem: 1024,
          running: 1,
          az: 'us-east-1a',
          outsideGroup: true,
        },
        { id: id(3), cpu: 4096, mem: 8192, usedCpu: 3072, usedMem: 2048, running: 2, az: 'us-east-1a' },
      ],
      group: { min: 0, desired: 1 },
      services: [
        { name: 'tiny', cpu: 512, mem: 512, desired: 1 },
        { name: 'other', cpu: i2Used, mem: 1024, desired: 1 },
        { name: 'large', cpu: 2048, mem: 1024, desired: 1 },
        { name: 'small', cpu: 1024, mem: 1024, desired: 1 },
      ],
      tasks: [
        taskOn(id(1), 'tiny', 1),
        taskOn(id(2), 'other', 1),
        taskOn(id(3), 'large', 1),
        taskOn(id(3), 'small', 1),
      ],
    });

  it('keeps the instance when the small task may land where only the large one fits', () => {
    const plan = planOf(snapshot(2048), { headroomTasks: 0 });
    expect(plan.drain).toEqual([]);
    expect(plan.action).toBe('hold');
  });

  it('drains it when whichever instance takes the small task leaves room for the large one', () => {
    // i2 has 3,072 units free: with the small task on it, 2,048 are left for the large one.
    const plan = planOf(snapshot(1024), { headroomTasks: 0 });
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(3)]);
  });
});

/**
 * Random world 9521 (eleventh stop): the headroom must fit after every order the check tries, the first
 * one's tie picks included. i4 runs an arm64 task of `arm` (distinct instances; the largest, so the
 * headroom is an arm64 copy of it) and a small task of `any`; both spread by instance. `arm` can only move
 * to i3; `any` then ties on i1 (x86) and i2 — ECS may pick i2, the one arm64 instance with room for the
 * headroom. Checked only after the emptiest-first picks (`any` on i1), the drain went ahead and was undone
 * a minute later by the scale-out that buys the headroom back, every 12 minutes.
 */
describe('planCluster — the headroom after every order of the moved tasks', () => {
  const snapshot = (armArch: boolean): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [
        { id: id(1), cpu: 4096, mem: 8192, usedCpu: 256, usedMem: 1024, running: 1, outsideGroup: true },
        { id: id(2), cpu: 2048, mem: 8192, usedCpu: 1024, usedMem: 256, running: 1 },
        { id: id(3), cpu: 2048, mem: 8192, usedCpu: 512, usedMem: 1024, running: 1 },
        { id: id(4), cpu: 2048, mem: 8192, usedCpu: 1280, usedMem: 1280, running: 2 },
      ],
      group: { min: 0, desired: 3 },
      services: [
        { name: 'x86', cpu: 256, mem: 1024, desired: 1 },
        { name: 'arm', cpu: 1024, mem: 256, desired: 2 },
        { name: 'small', cpu: 512, mem: 1024, desired: 1 },
        { name: 'any', cpu: 256, mem: 1024, desired: 1 },
      ],
      tasks: [
        taskOn(id(1), 'x86', 1),
        taskOn(id(2), 'arm', 1),
        taskOn(id(3), 'small', 1),
        taskOn(id(4), 'arm', 2),
        taskOn(id(4), 'any', 1),
      ],
    });
    arm64(s, [id(1)], armArch ? ['arm'] : []);
    for (const svc of s.services) svc.placementStrategy = [{ type: 'spread', field: 'instanceId' }];
    s.services.find((v) => v.serviceName === 'arm')!.placementConstraints = [{ type: 'distinctInstance' }];
    return s;
  };

  it('keeps the instance when a tie pick of a moved task may take the headroom’s only room', () => {
    const plan = planOf(snapshot(true));
    expect(plan.drain).toEqual([]);
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).toMatch(/no instance can be removed/);
  });

  it('drains when the headroom may run on any instance (i1 keeps room for it whatever the picks)', () => {
    const plan = planOf(snapshot(false));
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.length).toBeGreaterThan(0);
  });
});

/**
 * Random world 15827 (twelfth stop): the tasks of the instances that drain run on until their
 * replacements start, so ECS's AZ spread still counts them. The group holds i2 (arm64, 1a: a `web` task,
 * spread by AZ as ECS's default) and i4 (arm64, 1b: `big`, 2,048 units, arm64). Outside it: i1 (x86, 1a,
 * empty and the emptiest, but it cannot run `big`), i3 (1b, full, `web`'s other task) and i5 (arm64, 1c,
 * empty: the only room for `big`). Counting i2's `web` task in 1a while it moves, ECS puts its replacement
 * on i5 (1c has none) — where `big` had to go. Counted as gone, 1a and 1c tied, the check put `web` on i1,
 * both drains looked safe, `big` waited, and the drains were undone.
 */
describe('planCluster — the moved tasks still count in the AZ spread', () => {
  const snapshot = (): ClusterSnapshot =>
    arm64(
      snapshotOf({
        instances: [
          { id: id(1), cpu: 4096, mem: 16384, running: 0, az: 'us-east-1a', outsideGroup: true },
          { id: id(2), cpu: 2048, mem: 8192, usedCpu: 256, usedMem: 1024, running: 1, az: 'us-east-1a' },
          {
            id: id(3),
            cpu: 2048,
            mem: 8192,
            usedCpu: 2048,
            usedMem: 1024,
            running: 1,
            az: 'us-east-1b',
            outsideGroup: true,
          },
          { id: id(4), cpu: 2048, mem: 8192, usedCpu: 2048, usedMem: 1024, running: 1, az: 'us-east-1b' },
          { id: id(5), cpu: 2048, mem: 8192, running: 0, az: 'us-east-1c', outsideGroup: true },
        ],
        group: { min: 0, desired: 2 },
        services: [
          { name: 'web', cpu: 256, mem: 1024, desired: 2 },
          { name: 'big', cpu: 2048, mem: 1024, desired: 1 },
        ],
        tasks: [taskOn(id(2), 'web', 1), taskOn(id(3), 'web', 2), taskOn(id(4), 'big', 2)],
      }),
      [id(1)],
      ['big'],
    );

  it('does not drain both when the moved web task may take the one arm64 room big needs', () => {
    const plan = planOf(snapshot(), { headroomTasks: 0 });
    expect(plan.drain.length).toBeLessThan(2);
  });
});

/**
 * Random world 67582 (twelfth stop): a staying instance whose task list was not read may run tasks of a
 * spread service. `web` (spread by instance, two tasks) runs on i2 (drains) and on i1 (x86, another
 * group's, list not read: it reserves exactly one `web` task); `big` (2,048 units, arm64) on i3 (drains)
 * and i4 (full). i5 (arm64, empty) is the only room for `big`. Counted as running no `web` task, i1 tied
 * with i5 and, the emptiest, drew the moved `web` task: both drains looked safe. ECS counts i1's task and
 * puts the replacement on i5; `big` waited and the drains were undone every 12 minutes. The unlisted
 * instances that can hold one are marked as running the service's unlisted tasks.
 */
describe('planCluster — unlisted instances and a spread service', () => {
  const snapshot = (i1Runs: number, x86 = [id(1)]): ClusterSnapshot => {
    const s = arm64(
      snapshotOf({
        instances: [
          {
            id: id(1),
            cpu: 2048,
            mem: 16384,
            usedCpu: 256 * i1Runs,
            usedMem: 1024 * i1Runs,
            running: i1Runs,
            az: 'us-east-1a',
            outsideGroup: true,
          },
          { id: id(2), cpu: 2048, mem: 8192, usedCpu: 256, usedMem: 1024, running: 1, az: 'us-east-1b' },
          { id: id(3), cpu: 2048, mem: 8192, usedCpu: 2048, usedMem: 1024, running: 1, az: 'us-east-1b' },
          {
            id: id(4),
            cpu: 2048,
            mem: 8192,
            usedCpu: 2048,
            usedMem: 1024,
            running: 1,
            az: 'us-east-1c',
            outsideGroup: true,
          },
          { id: id(5), cpu: 2048, mem: 8192, running: 0, az: 'us-east-1c', outsideGroup: true },
        ],
        group: { min: 0, desired: 2 },
        services: [
          { name: 'web', cpu: 256, mem: 1024, desired: 1 + i1Runs },
          { name: 'big', cpu: 2048, mem: 1024, desired: 2 },
        ],
        tasks: [taskOn(id(2), 'web', 1), taskOn(id(3), 'big', 1), taskOn(id(4), 'big', 2)],
      }),
      x86,
      ['big'],
    );
    s.services.find((v) => v.serviceName === 'web')!.placementStrategy = [
      { type: 'spread', field: 'instanceId' },
    ];
    return s;
  };

  it('does not drain both when the unlisted instance may already run the spread service', () => {
    const plan = planOf(snapshot(1), { headroomTasks: 0 });
    expect(plan.drain.length).toBeLessThan(2);
  });

  // Random world 21550 (thirteenth stop): running nothing, i1 ties with i5 for the moved web task, and ECS
  // picks either; the emptier i1 is not the worst pick — i5 is, the only room for big.
  it('does not drain both when the moved web task ties i1 with the one arm64 room big needs', () => {
    const plan = planOf(snapshot(0), { headroomTasks: 0 });
    expect(plan.drain.length).toBeLessThan(2);
  });

  it('drains both when either tie pick leaves room for big (i1 arm64 and running nothing)', () => {
    const plan = planOf(snapshot(0, []), { headroomTasks: 0 });
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId).sort()).toEqual([id(2), id(3)]);
  });
});

/**
 * ...unless the service's minimumHealthyPercent lets ECS stop them first ("Draining Amazon ECS container
 * instances": at 0 % ECS stops the task, then starts its replacement). i1 (the group's only member, 1a)
 * runs a `web` task; `web`'s other task runs on i3 (1b), which has 1,024 units left — the only room for
 * the headroom (`api`). i2 (1a) has room for one `web` task. Still counted in 1a, the moved task ties 1a
 * with 1b and may take i3's room: i1 stays. Stopped first, 1a holds none and the task goes to i2.
 */
describe('planCluster — the moved tasks a service stops first do not count in the AZ spread', () => {
  const snapshot = (minimumHealthyPercent?: number): ClusterSnapshot => {
    const s = snapshotOf({
      instances: [
        { id: id(1), cpu: 2048, mem: 8192, usedCpu: 512, usedMem: 1024, running: 1, az: 'us-east-1a' },
        { id: id(2), cpu: 512, mem: 2048, running: 0, az: 'us-east-1a', outsideGroup: true },
        {
          id: id(3),
          cpu: 1536,
          mem: 8192,
          usedCpu: 512,
          usedMem: 1024,
          running: 1,
          az: 'us-east-1b',
          outsideGroup: true,
        },
        {
          id: id(4),
          cpu: 1024,
          mem: 2048,
          usedCpu: 1024,
          usedMem: 2048,
          running: 1,
          az: 'us-east-1b',
          outsideGroup: true,
        },
      ],
      group: { min: 0, desired: 1 },
      services: [
        { ...WEB, desired: 2 },
        { ...API, desired: 1 },
      ],
      tasks: [taskOn(id(1), 'web', 1), taskOn(id(3), 'web', 2), taskOn(id(4), 'api', 1)],
    });
    if (minimumHealthyPercent !== undefined) {
      s.services.find((v) => v.serviceName === 'web')!.deploymentConfiguration = {
        minimumHealthyPercent,
        maximumPercent: 100,
      };
    }
    return s;
  };

  it('keeps i1 while its task still counts in 1a (the default 100 / 200: the replacement starts first)', () => {
    const plan = planOf(snapshot());
    expect(plan.drain).toEqual([]);
    expect(plan.action).toBe('hold');
  });

  it('drains i1 when ECS stops its task first (0 / 100): the replacement goes to 1a, i3 keeps its room', () => {
    const plan = planOf(snapshot(0));
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(1)]);
  });
});
