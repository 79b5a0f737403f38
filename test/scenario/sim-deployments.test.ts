/**
 * Rolling updates in the simulator follow ECS ("Deploy Amazon ECS services by replacing tasks";
 * DeploymentConfiguration): an UpdateService with a new task definition starts a PRIMARY deployment
 * beside the ACTIVE old one; RUNNING tasks never drop below minimumHealthyPercent of desired (rounded
 * up), RUNNING + PENDING never exceed maximumPercent (rounded down); a stalled update waits for room;
 * 100 / 100 replaces nothing; the old deployment leaves DescribeServices once its tasks are gone.
 */
import { AutoScalingClient, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim;
afterEach(() => sim.dispose());

/** Two m5.large (2,048 CPU units each) and `web` at `desired` tasks of 512 CPU units. */
const build = (desired: number, deployment: { minimumHealthyPercent: number; maximumPercent: number }) => {
  sim = createSim({ seed: 7 });
  sim.createCluster('c');
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 512 }] });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 2, max: 6 });
  sim.createService({
    cluster: 'c',
    name: 'web',
    taskDefinition: 'web',
    desiredCount: desired,
    ...deployment,
  });
  // Revision 2, the same size.
  const v2 = sim.registerTaskDefinition({
    family: 'web',
    containers: [{ cpu: 512, memoryReservation: 512 }],
  });
  sim.install();
  return { service: sim.ecs.clusters.get('c')!.services.get('web')!, v2 };
};

const deploy = (taskDefinition: string) =>
  new ECSClient({}).send(new UpdateServiceCommand({ cluster: 'c', service: 'web', taskDefinition }));

const describe1 = async () =>
  (await new ECSClient({}).send(new DescribeServicesCommand({ cluster: 'c', services: ['web'] })))
    .services![0]!;

/** Steps `seconds` in 2-second steps, recording the fewest RUNNING and the most RUNNING + PENDING. */
const watch = async (seconds: number) => {
  const service = sim.ecs.clusters.get('c')!.services.get('web')!;
  let minRunning = Number.POSITIVE_INFINITY;
  let maxLive = 0;
  for (let s = 0; s < seconds; s += 2) {
    await sim.runFor(2);
    const tasks = [...service.tasks];
    minRunning = Math.min(minRunning, tasks.filter((t) => t.lastStatus === 'RUNNING').length);
    maxLive = Math.max(maxLive, tasks.filter((t) => t.lastStatus !== 'STOPPED').length);
  }
  return { minRunning, maxLive };
};

const onRevision = (revision: number) =>
  [...sim.ecs.clusters.get('c')!.services.get('web')!.tasks].filter(
    (t) => t.lastStatus === 'RUNNING' && t.taskDefinition.arn.endsWith(`:${revision}`),
  ).length;

describe('sim rolling updates', () => {
  it('100 / 200 starts the new tasks first, then stops the old ones; the old deployment then leaves', async () => {
    build(4, { minimumHealthyPercent: 100, maximumPercent: 200 });
    await deploy('web:2');
    const during = await describe1();
    expect(during.taskDefinition).toMatch(/web:2$/);
    expect(during.deployments?.map((d) => [d.status, d.taskDefinition?.split('/').pop()])).toEqual([
      ['PRIMARY', 'web:2'],
      ['ACTIVE', 'web:1'],
    ]);
    expect(during.deployments?.[1]).toMatchObject({ desiredCount: 4, runningCount: 4 });
    const { minRunning, maxLive } = await watch(300);
    expect(minRunning).toBeGreaterThanOrEqual(4);
    expect(maxLive).toBeLessThanOrEqual(8);
    expect(maxLive).toBeGreaterThan(4);
    expect(onRevision(2)).toBe(4);
    expect(onRevision(1)).toBe(0);
    const after = await describe1();
    expect(after.deployments).toHaveLength(1);
    expect(after.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      runningCount: 4,
      rolloutState: 'COMPLETED',
    });
  });

  it('50 / 100 stops half first and never runs more than desired', async () => {
    build(4, { minimumHealthyPercent: 50, maximumPercent: 100 });
    await deploy('web:2');
    const { minRunning, maxLive } = await watch(300);
    expect(maxLive).toBeLessThanOrEqual(4);
    expect(minRunning).toBeGreaterThanOrEqual(2);
    expect(minRunning).toBeLessThan(4);
    expect(onRevision(2)).toBe(4);
  });

  it('100 / 100 replaces nothing, as in ECS', async () => {
    build(4, { minimumHealthyPercent: 100, maximumPercent: 100 });
    await deploy('web:2');
    await watch(300);
    expect(onRevision(1)).toBe(4);
    expect(onRevision(2)).toBe(0);
    const d = await describe1();
    expect(d.deployments?.map((x) => [x.status, x.desiredCount, x.runningCount])).toEqual([
      ['PRIMARY', 4, 0],
      ['ACTIVE', 4, 4],
    ]);
  });

  it('on a full cluster the update waits for room, reports it, and completes once room comes', async () => {
    build(8, { minimumHealthyPercent: 100, maximumPercent: 200 });
    await deploy('web:2');
    await watch(180);
    expect(onRevision(2)).toBe(0);
    const stalled = await describe1();
    expect(stalled.deployments?.map((x) => [x.status, x.desiredCount, x.runningCount])).toEqual([
      ['PRIMARY', 8, 0],
      ['ACTIVE', 8, 8],
    ]);
    expect(stalled.events?.[0]?.message).toMatch(/unable to place a task/);
    await new AutoScalingClient({}).send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: 'asg', DesiredCapacity: 4 }),
    );
    await watch(900);
    expect(onRevision(2)).toBe(8);
    expect(onRevision(1)).toBe(0);
    expect((await describe1()).deployments).toHaveLength(1);
  });

  it('forceNewDeployment replaces the tasks on the same revision', async () => {
    const { service } = build(3, { minimumHealthyPercent: 100, maximumPercent: 200 });
    const before = new Set([...service.tasks].map((t) => t.arn));
    const firstDeployment = service.deploymentId;
    await new ECSClient({}).send(
      new UpdateServiceCommand({ cluster: 'c', service: 'web', forceNewDeployment: true }),
    );
    await watch(300);
    const after = [...service.tasks].filter((t) => t.lastStatus === 'RUNNING');
    expect(after).toHaveLength(3);
    expect(after.some((t) => before.has(t.arn))).toBe(false);
    expect(after.every((t) => t.startedBy === service.deploymentId && t.startedBy !== firstDeployment)).toBe(
      true,
    );
  });

  it('an unknown task definition is rejected and changes nothing', async () => {
    const { service } = build(4, { minimumHealthyPercent: 100, maximumPercent: 200 });
    const deployment = service.deploymentId;
    await expect(
      new ECSClient({}).send(
        new UpdateServiceCommand({ cluster: 'c', service: 'web', taskDefinition: 'web:9', desiredCount: 6 }),
      ),
    ).rejects.toMatchObject({ name: 'ClientException' });
    expect(service.desiredCount).toBe(4);
    expect(service.deploymentId).toBe(deployment);
    expect(service.previousDeployments).toEqual([]);
  });

  it('a daemon deployment replaces the daemon task on each instance', async () => {
    build(2, { minimumHealthyPercent: 100, maximumPercent: 200 });
    sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    await sim.runFor(60);
    sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
    await new ECSClient({}).send(
      new UpdateServiceCommand({ cluster: 'c', service: 'agent', taskDefinition: 'agent:2' }),
    );
    await sim.runFor(300);
    const agent = [...sim.ecs.clusters.get('c')!.services.get('agent')!.tasks].filter(
      (t) => t.lastStatus === 'RUNNING',
    );
    expect(agent).toHaveLength(2);
    expect(agent.every((t) => t.taskDefinition.arn.endsWith('agent:2'))).toBe(true);
    expect(new Set(agent.map((t) => t.instance)).size).toBe(2);
  });
});
