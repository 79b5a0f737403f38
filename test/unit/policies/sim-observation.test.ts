import { describe, expect, it } from 'vitest';
import { createSim } from '../../../sim/index.js';
import { observeSim } from '../../../sim/policies/sim-observation.js';

describe('observeSim', () => {
  it('shows a policy the group, daemon-free task counts and the tasks ECS could not place', async () => {
    const sim = createSim({ seed: 3 });
    sim.createCluster('c');
    sim.registerTaskDefinition({ family: 'big', containers: [{ cpu: 1024, memoryReservation: 2048 }] });
    sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 128, memory: 256 }] });
    sim.createAutoScalingGroup({
      name: 'g',
      cluster: 'c',
      min: 1,
      max: 5,
      desired: 2,
      instanceTypes: ['m5.large'],
    });
    sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    sim.createService({ cluster: 'c', name: 'big', taskDefinition: 'big', desiredCount: 2 });
    await sim.runFor(60);
    sim.setDesiredCount('c', 'big', 6);
    await sim.runFor(60);
    const o = observeSim(
      sim.asg.groups.get('g')!,
      sim.ecs.cluster('c')!,
      sim.elapsedSeconds,
      sim.clock.startMs,
    );

    expect(o.group).toMatchObject({ name: 'g', min: 1, max: 5, desired: 2 });
    expect(o.instances).toHaveLength(2);
    expect(o.instances.every((i) => i.registered && i.lifecycle === 'in-service')).toBe(true);
    // m5.large registers 2048 CPU: one 1024 task beside the 128 daemon, so 2 of 6 run; daemons do not count.
    expect(o.instances.map((i) => i.nonDaemonTasks)).toEqual([1, 1]);
    expect(o.provisioning).toEqual([
      { label: 'big', reservation: { CPU: 1024, MEMORY: 2048, GPU: 0 }, count: 4 },
    ]);
    expect(o.largestTask).toEqual({ CPU: 1024, MEMORY: 2048, GPU: 0 });
    expect(o.daemonReservation).toEqual({ CPU: 128, MEMORY: 256, GPU: 0 });
    expect(o.instanceTypes[0]!.CPU).toBe(2048 - 128);
  });

  it('takes the largest task from the services that want tasks, not from one scaled to 0', async () => {
    const sim = createSim({ seed: 3 });
    sim.createCluster('c');
    sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 1024 }] });
    sim.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 1536, memoryReservation: 3072 }] });
    sim.createAutoScalingGroup({
      name: 'g',
      cluster: 'c',
      min: 1,
      max: 5,
      desired: 1,
      instanceTypes: ['m5.large'],
    });
    sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.createService({ cluster: 'c', name: 'batch', taskDefinition: 'batch', desiredCount: 0 });
    await sim.runFor(60);
    const observe = () =>
      observeSim(sim.asg.groups.get('g')!, sim.ecs.cluster('c')!, sim.elapsedSeconds, sim.clock.startMs);
    expect(observe().largestTask).toEqual({ CPU: 512, MEMORY: 1024, GPU: 0 });
    sim.setDesiredCount('c', 'batch', 1);
    expect(observe().largestTask).toEqual({ CPU: 1536, MEMORY: 3072, GPU: 0 });
  });
});
