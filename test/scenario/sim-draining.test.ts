/**
 * Draining in the simulator follows ECS: service tasks are replaced on ACTIVE instances within
 * minimumHealthyPercent/maximumPercent and then stopped, standalone tasks stay, daemon tasks stop last.
 */
import { ECSClient, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim, type SimContainerInstance } from '../../sim/index.js';

let sim: Sim;
afterEach(() => sim.dispose());

const build = (deployment: { minimumHealthyPercent: number; maximumPercent: number }) => {
  sim = createSim({ seed: 11 });
  sim.createCluster('c');
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 1024 }] });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 256, memory: 512 }] });
  sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 3, max: 3 });
  sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
  sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 6, ...deployment });
  const cluster = sim.ecs.clusters.get('c')!;
  const victim = [...cluster.instances.values()].sort((a, b) => serviceTasks(b) - serviceTasks(a))[0]!;
  sim.runTask('c', 'batch', 1, { strategy: [{ type: 'binpack', field: 'memory' }] });
  return { cluster, victim };
};

const serviceTasks = (ci: SimContainerInstance, name = 'web') =>
  [...ci.tasks].filter((t) => t.service?.name === name && t.desiredStatus === 'RUNNING').length;

const drain = async (ci: SimContainerInstance) => {
  const mocks = sim.install();
  await new ECSClient({}).send(
    new UpdateContainerInstancesStateCommand({
      cluster: 'c',
      containerInstances: [ci.arn],
      status: 'DRAINING',
    }),
  );
  return mocks;
};

describe('sim draining', () => {
  it('starts replacements before stopping when minimumHealthyPercent is 100', async () => {
    const { cluster, victim } = build({ minimumHealthyPercent: 100, maximumPercent: 200 });
    const before = serviceTasks(victim);
    expect(before).toBeGreaterThan(0);
    let minRunning = Number.POSITIVE_INFINITY;
    await drain(victim);
    for (let s = 0; s < 120; s += 2) {
      await sim.runFor(2);
      const running = [...cluster.services.get('web')!.tasks].filter(
        (t) => t.lastStatus === 'RUNNING',
      ).length;
      minRunning = Math.min(minRunning, running);
    }
    expect(minRunning).toBeGreaterThanOrEqual(6);
    expect(serviceTasks(victim)).toBe(0);
    const web = [...cluster.services.get('web')!.tasks].filter((t) => t.lastStatus === 'RUNNING');
    expect(web).toHaveLength(6);
    expect(web.every((t) => t.instance !== victim)).toBe(true);
  });

  it('stops first and then replaces when maximumPercent is 100', async () => {
    const { cluster, victim } = build({ minimumHealthyPercent: 50, maximumPercent: 100 });
    let maxLive = 0;
    await drain(victim);
    for (let s = 0; s < 120; s += 2) {
      await sim.runFor(2);
      maxLive = Math.max(maxLive, [...cluster.services.get('web')!.tasks].length);
    }
    expect(maxLive).toBeLessThanOrEqual(6);
    expect(serviceTasks(victim)).toBe(0);
    expect([...cluster.services.get('web')!.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(6);
  });

  it('leaves standalone tasks running (and the daemon beside them) while service tasks move away', async () => {
    const { victim } = build({ minimumHealthyPercent: 100, maximumPercent: 200 });
    const pinned = sim.runTask('c', 'batch', 1, {
      constraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${victim.ec2InstanceId}` }],
    });
    expect(pinned.tasks[0]?.instance).toBe(victim);
    await drain(victim);
    await sim.runFor(300);
    expect(serviceTasks(victim)).toBe(0);
    expect(pinned.tasks[0]?.lastStatus).toBe('RUNNING');
    // Daemon tasks stop last: after every other task on the instance, which a standalone task never is.
    expect(serviceTasks(victim, 'agent')).toBe(1);
    expect(victim.status).toBe('DRAINING');
  });

  it('stops the daemon last on an instance without standalone tasks', async () => {
    sim = createSim({ seed: 5 });
    sim.createCluster('c');
    sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 1024 }] });
    sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
    sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 2, max: 2 });
    sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 4 });
    const victim = [...sim.ecs.clusters.get('c')!.instances.values()][0]!;
    const order: string[] = [];
    sim.register({
      name: 'recorder',
      patterns: [
        {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: { lastStatus: ['STOPPED'] },
        },
      ],
      handler: (e: never) => {
        const d = (e as { detail: { group: string; containerInstanceArn: string } }).detail;
        if (d.containerInstanceArn === victim.arn) order.push(d.group);
      },
    });
    await drain(victim);
    await sim.runFor(300);
    expect(order.length).toBeGreaterThan(1);
    expect(order.at(-1)).toBe('service:agent');
    expect(order.slice(0, -1).every((g) => g === 'service:web')).toBe(true);
  });
});
