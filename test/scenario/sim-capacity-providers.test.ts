/**
 * The simulator's capacity provider strategies, from ECS's documentation alone (ecs-facts §1.1; ECS
 * developer guide "Amazon ECS capacity providers", CreateService API reference): a service names a launch
 * type or a strategy, never both; with neither, the cluster's default strategy applies; a task of a
 * strategy is placed only on container instances of a provider of that strategy (`capacityProviderName`),
 * a task of the EC2 launch type on any instance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCapacityProvider, setDefaultCapacityProviderStrategy } from '../../sim/coexist.js';
import { containerInstanceShape, serviceShape } from '../../sim/ecs/shapes.js';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** Groups `web` and `batch` (2 m5.large each) in cluster `c`; `batch` is capacity provider `batch-cp`. */
const world = (): Sim => {
  const s = createSim({ seed: 5 });
  s.createCluster('c');
  s.registerTaskDefinition({ family: 'job', containers: [{ cpu: 1024, memoryReservation: 512 }] });
  s.createAutoScalingGroup({ name: 'web', cluster: 'c', min: 0, max: 10, desired: 2 });
  s.createAutoScalingGroup({ name: 'batch', cluster: 'c', min: 0, max: 10, desired: 2 });
  createCapacityProvider(s.ecs, s.asg, { name: 'batch-cp', cluster: 'c', autoScalingGroup: 'batch' });
  return s;
};

const groupOf = (s: Sim, ec2: string): string =>
  [...s.asg.groups.values()].find((g) => g.instances.has(ec2))!.name;

const placedIn = (s: Sim, service: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of s.liveTasks('c')) {
    if (t.group !== `service:${service}` || t.lastStatus !== 'RUNNING') continue;
    const g = groupOf(s, t.instance.ec2InstanceId);
    out[g] = (out[g] ?? 0) + 1;
  }
  return out;
};

describe('sim capacity provider strategies', () => {
  it("places a strategy's tasks only on its provider's instances, even with room elsewhere", async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'batch',
      taskDefinition: 'job',
      desiredCount: 6,
      capacityProviderStrategy: [{ capacityProvider: 'batch-cp' }],
    });
    await sim.runFor(120);
    // 2 per m5.large (2048 CPU) on the provider's 2 instances; the web group's 4 free slots stay empty.
    expect(placedIn(sim, 'batch')).toEqual({ batch: 4 });
  });

  it('places EC2 launch type tasks on any instance, and the default strategy binds a service naming neither', async () => {
    sim = world();
    setDefaultCapacityProviderStrategy(sim.ecs.cluster('c')!, [{ capacityProvider: 'batch-cp', weight: 1 }]);
    sim.createService({
      cluster: 'c',
      name: 'free',
      taskDefinition: 'job',
      desiredCount: 6,
      launchType: 'EC2',
    });
    await sim.runFor(120);
    const free = placedIn(sim, 'free');
    expect((free.web ?? 0) + (free.batch ?? 0)).toBe(6);
    expect(free.web).toBeGreaterThan(0);
    sim.createService({ cluster: 'c', name: 'bound', taskDefinition: 'job', desiredCount: 2 });
    await sim.runFor(120);
    // The batch instances are full of `free` tasks or not: `bound` goes only there.
    expect(placedIn(sim, 'bound').web).toBeUndefined();
  });

  it('shows the strategy in DescribeServices (no launch type) and the provider on its instances', async () => {
    sim = world();
    const bound = sim.createService({
      cluster: 'c',
      name: 'batch',
      taskDefinition: 'job',
      desiredCount: 1,
      capacityProviderStrategy: [{ capacityProvider: 'batch-cp', weight: 2, base: 1 }],
    });
    const ec2 = sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'job', desiredCount: 1 });
    const shape = serviceShape(bound, false) as Record<string, unknown>;
    expect(shape.capacityProviderStrategy).toEqual([{ capacityProvider: 'batch-cp', weight: 2, base: 1 }]);
    expect(shape.launchType).toBeUndefined();
    expect((serviceShape(ec2, false) as Record<string, unknown>).launchType).toBe('EC2');
    // An instance launched into the provider's group after the association registers with its name.
    sim.asg.setDesired(sim.asg.groups.get('batch')!, 3);
    sim.asg.setDesired(sim.asg.groups.get('web')!, 3);
    await sim.runFor(300);
    for (const ci of sim.ecs.cluster('c')!.instances.values()) {
      const want = groupOf(sim, ci.ec2InstanceId) === 'batch' ? 'batch-cp' : undefined;
      expect(containerInstanceShape(ci).capacityProviderName).toBe(want);
    }
  });

  it('refuses a launch type and a strategy together, and a provider the cluster does not have', () => {
    sim = world();
    expect(() =>
      sim!.createService({
        cluster: 'c',
        name: 'x',
        taskDefinition: 'job',
        launchType: 'EC2',
        capacityProviderStrategy: [{ capacityProvider: 'batch-cp' }],
      }),
    ).toThrow(/mutually exclusive/);
    expect(() =>
      sim!.createService({
        cluster: 'c',
        name: 'y',
        taskDefinition: 'job',
        capacityProviderStrategy: [{ capacityProvider: 'nope' }],
      }),
    ).toThrow(/not associated/);
  });
});
