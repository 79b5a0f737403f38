/**
 * The simulator's ECS placement: tasks fill instances as the strategies say, and when nothing fits the
 * service stays short and reports it (service event message + SERVICE_TASK_PLACEMENT_FAILURE event).
 */
import { describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';

const world = (opts: { instances: number; strategy?: 'binpack' | 'spread' }): Sim => {
  const sim = createSim({ seed: 3 });
  sim.createCluster('c');
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 2048 }] });
  sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 0, max: 10, desired: opts.instances });
  sim.createService({
    cluster: 'c',
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 0,
    ...(opts.strategy === 'binpack' ? { placementStrategy: [{ type: 'binpack', field: 'memory' }] } : {}),
  });
  return sim;
};

const tasksPerInstance = (sim: Sim): number[] =>
  [...sim.ecs.clusters.get('c')!.instances.values()].map((ci) => ci.tasks.size).sort((a, b) => b - a);

describe('sim placement', () => {
  it('binpack(memory) fills one instance before using the next', async () => {
    const sim = world({ instances: 3, strategy: 'binpack' });
    sim.setDesiredCount('c', 'web', 4);
    await sim.runFor(60);
    // m5.large registers 7680 MiB: three 2048-MiB tasks fit, the fourth goes elsewhere.
    expect(tasksPerInstance(sim)).toEqual([3, 1, 0]);
    expect(sim.liveTasks('c').every((t) => t.lastStatus === 'RUNNING')).toBe(true);
  });

  it('spread(availability-zone) balances tasks across AZs', async () => {
    const sim = world({ instances: 3 });
    sim.setDesiredCount('c', 'web', 6);
    await sim.runFor(60);
    const perAz = new Map<string, number>();
    for (const t of sim.liveTasks('c')) perAz.set(t.instance.az, (perAz.get(t.instance.az) ?? 0) + 1);
    expect([...perAz.values()]).toEqual([2, 2, 2]);
  });

  it('leaves tasks unplaced when memory runs out and reports RESOURCE:MEMORY', async () => {
    const sim = world({ instances: 2 });
    const failures: Array<Record<string, unknown>> = [];
    sim.register({
      name: 'watcher',
      patterns: [{ source: ['aws.ecs'], 'detail-type': ['ECS Service Action'] }],
      handler: (event: never) => {
        failures.push((event as { detail: Record<string, unknown> }).detail);
      },
    });
    sim.setDesiredCount('c', 'web', 8);
    await sim.runFor(120);
    expect(sim.liveTasks('c')).toHaveLength(6);
    const last = sim.timeline.samples.at(-1)!;
    expect(last.ecs.tasksUnplaced).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
      reason: 'RESOURCE:MEMORY',
    });
    const service = sim.ecs.clusters.get('c')!.services.get('web')!;
    expect(service.events[0]?.message).toMatch(
      /\(service web\) was unable to place a task.*insufficient memory/,
    );
  });

  it('places the missing tasks once a new instance registers', async () => {
    const sim = world({ instances: 2 });
    sim.setDesiredCount('c', 'web', 8);
    await sim.runFor(60);
    sim.asg.setDesired(sim.asg.groups.get('asg')!, 3);
    await sim.runFor(300);
    expect(sim.liveTasks('c').filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(8);
    expect(sim.timeline.samples.at(-1)!.ecs.tasksUnplaced).toBe(0);
  });

  it('RunTask reports per-task failures and never places on a conflicting static host port', async () => {
    const sim = createSim({ seed: 1 });
    sim.createCluster('c');
    sim.registerTaskDefinition({
      family: 'proxy',
      containers: [{ cpu: 128, memory: 128, hostPorts: [8080] }],
    });
    sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 2, max: 2 });
    const out = sim.runTask('c', 'proxy', 3);
    expect(out.tasks).toHaveLength(2);
    expect(new Set(out.tasks.map((t) => t.instance.arn)).size).toBe(2);
    expect(out.failures).toEqual([expect.objectContaining({ reason: 'RESOURCE:PORTS' })]);
  });

  it('places GPU tasks only where GPUs remain', async () => {
    const sim = createSim({ seed: 1 });
    sim.createCluster('c');
    sim.registerTaskDefinition({ family: 'train', containers: [{ cpu: 1024, memory: 4096, gpu: 1 }] });
    sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 1, max: 1, instanceTypes: ['g4dn.xlarge'] });
    const out = sim.runTask('c', 'train', 2);
    expect(out.tasks).toHaveLength(1);
    expect(out.failures[0]?.reason).toBe('RESOURCE:GPU');
  });

  it('gives the same run for the same seed', async () => {
    const run = async () => {
      const sim = world({ instances: 3 });
      sim.trace('c', 'web', [
        [0, 5],
        [300, 9],
        [900, 2],
      ]);
      await sim.runFor(1800);
      return JSON.stringify(sim.toJSON());
    };
    expect(await run()).toBe(await run());
  });
});
