/**
 * Someone drains the only instance of a group the scaler does not drive (an untagged group of another
 * controller), and its tasks can run only there (memberOf m5.*, while the scaler's group launches r5).
 * They wait for that group's controller; they never land on the scaler's instances. The scaler's own idle
 * instance must still go. Before (random world 2521, eighth stop): that DRAINING instance's task list was
 * never read, so its tasks counted as that many of the largest task moving onto the scaler's instances,
 * and the idle r5.large was kept for good ("idle CPU (1792 beyond the headroom) is less than one
 * instance…").
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { CLUSTER, type FleetGroup, fleetWorld, scalerErrors, startFleet, violations } from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** The scaler's group: two r5.large, no headroom. */
const MINE: FleetGroup = {
  name: 'mine',
  min: 0,
  max: 10,
  desired: 2,
  instanceTypes: ['r5.large'],
  tags: { 'ecs-autoscaler:headroom-tasks': '0' },
};

const world = (otherTaskConstraint: string, mine = MINE): Sim => {
  const s = fleetWorld([mine, { name: 'theirs', min: 1, max: 10, desired: 1, instanceTypes: ['m5.large'] }]);
  // Not the scaler's group: no cluster tag, no drainer hook.
  const theirs = s.asg.groups.get('theirs')!;
  theirs.tags.delete('ecs-autoscaler:cluster');
  theirs.hooks.length = 0;
  s.registerTaskDefinition({
    family: 'small',
    containers: [{ cpu: 256, memoryReservation: 1024 }],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ r5.*' }],
  });
  s.registerTaskDefinition({
    family: 'big',
    containers: [{ cpu: 1024, memoryReservation: 256 }],
    placementConstraints: [{ type: 'memberOf', expression: otherTaskConstraint }],
  });
  s.createService({ cluster: CLUSTER, name: 'small', taskDefinition: 'small', desiredCount: 1 });
  s.createService({ cluster: CLUSTER, name: 'big', taskDefinition: 'big', desiredCount: 2 });
  return s;
};

/** Service `one`: a single task at 50 / 100, which ECS can neither replace nor stop on a drain; its host. */
const oneStuckTask = (s: Sim) => {
  s.registerTaskDefinition({ family: 'one', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  s.createService({
    cluster: CLUSTER,
    name: 'one',
    taskDefinition: 'one',
    desiredCount: 1,
    minimumHealthyPercent: 50,
    maximumPercent: 100,
    placementStrategy: [{ type: 'binpack', field: 'memory' }],
  });
  return [...s.ecs.cluster(CLUSTER)!.instances.values()].find((ci) => ci.tasks.size > 0)!;
};

const drainTheirs = (s: Sim): void => {
  const victim = [...s.asg.groups.get('theirs')!.instances.values()][0]!;
  s.ecs.setStatus(victim.containerInstance!, 'DRAINING');
};

const live = (s: Sim, group: string) =>
  [...s.asg.groups.get(group)!.instances.values()].filter((i) => i.lifecycleState === 'InService');

describe("someone else's drained instance in a group the scaler does not drive", () => {
  it("tasks that cannot land on the scaler's instances do not keep its idle one", async () => {
    sim = world('attribute:ecs.instance-type =~ m5.*');
    startFleet(sim);
    await sim.runFor(240);
    const bigOn = () =>
      [...sim!.ecs.cluster(CLUSTER)!.instances.values()]
        .filter((ci) => [...ci.tasks].some((t) => t.group === 'service:big' && t.lastStatus === 'RUNNING'))
        .map((ci) => ci.instanceType);
    expect(bigOn()).toEqual(['m5.large']);
    expect(live(sim, 'mine')).toHaveLength(2);
    drainTheirs(sim);
    await sim.runFor(1800);
    // Their tasks wait for their group (none of the scaler's instances can take them).
    expect(bigOn()).toEqual(['m5.large']);
    const mine = live(sim, 'mine');
    expect(mine).toHaveLength(1);
    expect([...mine[0]!.containerInstance!.tasks].some((t) => t.group === 'service:small')).toBe(true);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('with one idle instance already counted, the drained list is still read: every idle one goes at once', async () => {
    // Random world 310268 (twentieth stop): the list was read only when no instance could go. With one
    // idle instance counted, the unread DRAINING instance's tasks (as many of the largest) kept the next
    // one as their room, so each idle instance waited its own unneeded time, one after the other.
    sim = world('attribute:ecs.instance-type =~ m5.*', { ...MINE, desired: 3 });
    startFleet(sim);
    await sim.runFor(240);
    expect(live(sim, 'mine')).toHaveLength(3);
    drainTheirs(sim);
    await sim.runFor(1500);
    const terminations = sim.timeline.actions.filter(
      (a) => a.fn === 'cluster-scaler' && a.command === 'TerminateInstanceInAutoScalingGroup',
    );
    expect(terminations).toHaveLength(2);
    // One decision drained both: their terminations come within the same minute.
    const [first, second] = terminations.map((a) => a.t);
    expect(second! - first!).toBeLessThan(60);
    expect(live(sim, 'mine')).toHaveLength(1);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('tasks that can land on them still count: the idle instance stays as their room', async () => {
    // The same world with the big tasks allowed anywhere: ECS moves them onto the r5 instances, which
    // need both for them (2 × 1024 CPU beside the small task on 2 × 2048).
    sim = world('attribute:ecs.instance-type =~ .*');
    startFleet(sim);
    await sim.runFor(240);
    drainTheirs(sim);
    await sim.runFor(1800);
    expect(live(sim, 'mine')).toHaveLength(2);
    const running = [...sim.ecs.cluster(CLUSTER)!.instances.values()]
      .filter((ci) => ci.instanceType === 'r5.large')
      .flatMap((ci) => [...ci.tasks])
      .filter((t) => t.group === 'service:big' && t.lastStatus === 'RUNNING');
    expect(running).toHaveLength(2);
    expect(violations(sim)).toEqual([]);
  });

  it("a drained task only a new instance can take gets one (the drain ends), in the scaler's own group", async () => {
    // One task per r5 (distinctInstance), two r5, no headroom: someone drains one. ECS starts the
    // replacement only where it fits and keeps the old task running meanwhile (desired = running), so
    // nothing waited and the instance stayed DRAINING with its task for good (random world 471).
    sim = fleetWorld([MINE]);
    sim.registerTaskDefinition({ family: 'one', containers: [{ cpu: 512, memoryReservation: 3072 }] });
    sim.createService({
      cluster: CLUSTER,
      name: 'one',
      taskDefinition: 'one',
      desiredCount: 2,
      placementConstraints: [{ type: 'distinctInstance' }],
    });
    startFleet(sim);
    await sim.runFor(240);
    const g = sim.asg.groups.get('mine')!;
    const drained = [...g.instances.values()][0]!;
    sim.ecs.setStatus(drained.containerInstance!, 'DRAINING');
    await sim.runFor(600);
    // A third instance took the replacement; the drained one is empty.
    const onActive = [...sim.ecs.cluster(CLUSTER)!.instances.values()]
      .filter((ci) => ci.status === 'ACTIVE')
      .flatMap((ci) => [...ci.tasks])
      .filter((t) => t.group === 'service:one' && t.lastStatus === 'RUNNING');
    expect(onActive).toHaveLength(2);
    expect([...drained.containerInstance!.tasks].filter((t) => t.lastStatus === 'RUNNING')).toEqual([]);
    // Someone else's drain, once empty, leaves after its grace (1800 s): two instances again.
    await sim.runFor(1800);
    expect(live(sim, 'mine')).toHaveLength(2);
    expect(drained.lifecycleState).not.toBe('InService');
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('a task its deployment configuration keeps in place holds no idle instance as its destination', async () => {
    // Random world 2944 (ninth stop): one task at 50 / 100 (ECS may neither start a replacement nor stop
    // it) on someone's drained instance. It never moves; the idle instance it was counted as moving to
    // stayed for good. Now it goes (the plan names the stuck drain: displaced.ts stuckDrainReasons).
    sim = fleetWorld([{ ...MINE, desired: 2 }]);
    const busy = oneStuckTask(sim);
    sim.ecs.setStatus(busy, 'DRAINING');
    startFleet(sim);
    await sim.runFor(1800);
    expect(live(sim, 'mine')).toHaveLength(1);
    expect(busy.status).toBe('DRAINING');
    expect([...busy.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(1);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });

  it('never drains an instance whose task its deployment configuration keeps in place', async () => {
    // Random world 6937 (ninth stop): the scaler drained the instance of a one-task 50 / 100 service
    // (the emptiest); ECS could neither start a replacement nor stop the task, and the drain never ended.
    // Now that instance cannot go (the other's two tasks are bound away from it: nothing goes).
    sim = fleetWorld([{ ...MINE, desired: 2 }]);
    const host = oneStuckTask(sim);
    sim.registerTaskDefinition({ family: 'pair', containers: [{ cpu: 256, memoryReservation: 512 }] });
    sim.createService({
      cluster: CLUSTER,
      name: 'pair',
      taskDefinition: 'pair',
      desiredCount: 2,
      placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId != ${host.ec2InstanceId}` }],
    });
    startFleet(sim);
    await sim.runFor(1800);
    const drains = sim.timeline.actions.filter(
      (a) =>
        a.fn === 'cluster-scaler' &&
        a.command === 'UpdateContainerInstancesState' &&
        a.input.status === 'DRAINING' &&
        (a.input.containerInstances as string[]).includes(host.arn),
    );
    expect(drains).toEqual([]);
    expect(host.status).toBe('ACTIVE');
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
  });
});
