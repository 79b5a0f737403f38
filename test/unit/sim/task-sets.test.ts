/**
 * The simulator's ECS task sets, checked against the ECS API reference (Service, TaskSet, CreateService,
 * CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet, DescribeTaskSets): CodeDeploy
 * blue/green (`CODE_DEPLOY`) and `EXTERNAL` services carry task sets instead of deployments, each kept at
 * ⌈desiredCount × scale %⌉ tasks independently of the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import sample from '../../../events/snapshots/sample-cluster.json' with { type: 'json' };
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

type Item = Record<string, unknown> & {
  taskSets?: Array<Record<string, unknown>>;
  deployments?: unknown[];
  events?: Array<{ message: string }>;
};

/** A cluster of three m5.large (2048 CPU units each) and the task definitions `web` (two revisions), `huge`. */
const world = (seed = 11): Sim => {
  const s = createSim({ seed });
  s.createCluster('c');
  s.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 512 }] });
  s.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 512 }] });
  s.registerTaskDefinition({ family: 'huge', containers: [{ cpu: 256, memoryReservation: 100_000 }] });
  s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 3,
    max: 3,
    desired: 3,
    instanceTypes: ['m5.large'],
  });
  return s;
};

const describeService = async (s: Sim, service: string, cluster = 'c'): Promise<Item> => {
  const out = await s.call('ecs', 'DescribeServices', { cluster, services: [service] });
  return (out.services as Item[])[0]!;
};

const liveOf = (s: Sim, service: string, cluster = 'c') =>
  s.liveTasks(cluster).filter((t) => t.group === `service:${service}` && t.desiredStatus === 'RUNNING');

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as Error).name;
  }
  return 'accepted';
};

describe('sim: CODE_DEPLOY services', () => {
  it('describes one PRIMARY task set at 100 % and no deployments', async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 3,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    sim.createService({ cluster: 'c', name: 'plain', taskDefinition: 'web:1', desiredCount: 1 });

    const item = await describeService(sim, 'web');
    const plain = await describeService(sim, 'plain');

    const td = sim.ecs.taskDefinition('web:1')!.arn;
    expect(item.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    expect(item.taskDefinition).toBe(td);
    expect(item.deployments).toEqual([]);
    expect(item.taskSets).toHaveLength(1);
    const set = item.taskSets![0]!;
    expect(set).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: td,
      scale: { value: 100, unit: 'PERCENT' },
      computedDesiredCount: 3,
      runningCount: 3,
      pendingCount: 0,
      serviceArn: item.serviceArn,
      clusterArn: item.clusterArn,
      launchType: 'EC2',
      stabilityStatus: 'STEADY_STATE',
    });
    expect(set.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(set.taskSetArn).toBe(`arn:aws:ecs:us-east-1:${sim.settings.accountId}:task-set/c/web/${set.id}`);
    expect(item.runningCount).toBe(3);
    // The rolling service keeps its shape: deployments, no task sets, no controller it was not given.
    expect(plain.taskSets).toBeUndefined();
    expect(plain.deploymentController).toBeUndefined();
    expect(plain.deployments).toHaveLength(1);
  });

  it('starts the task set’s tasks with its id as startedBy and the service group', async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    const setId = sim.ecs.cluster('c')!.services.get('web')!.taskSets![0]!.id;

    const listed = await sim.call('ecs', 'ListTasks', { cluster: 'c', startedBy: setId });
    const described = await sim.call('ecs', 'DescribeTasks', {
      cluster: 'c',
      tasks: listed.taskArns as string[],
    });

    const tasks = described.tasks as Array<{ startedBy?: string; group?: string }>;
    expect(tasks).toHaveLength(2);
    expect(tasks.every((t) => t.startedBy === setId && t.group === 'service:web')).toBe(true);
  });

  it('runs twice the desired count during a blue/green deployment and shrinks back after DeleteTaskSet', async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 4,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    const blue = sim.ecs.cluster('c')!.services.get('web')!.taskSets![0]!;
    const v2 = sim.ecs.taskDefinition('web:2')!.arn;
    sim.start();

    const green = sim.startBlueGreen('c', 'web', 'web:2');
    await sim.runFor(60);
    const during = await describeService(sim, 'web');
    expect(liveOf(sim, 'web')).toHaveLength(8);
    expect(during).toMatchObject({ desiredCount: 4, runningCount: 8, pendingCount: 0 });
    expect(during.taskSets!.map((t) => [t.status, t.computedDesiredCount, t.runningCount])).toEqual([
      ['PRIMARY', 4, 4],
      ['ACTIVE', 4, 4],
    ]);
    expect(during.taskSets![1]).toMatchObject({ id: green.id, startedBy: 'CodeDeploy', taskDefinition: v2 });

    sim.shiftTraffic('c', 'web');
    const shifted = await describeService(sim, 'web');
    expect(shifted.taskDefinition).toBe(v2);
    expect(shifted.taskSets!.map((t) => [t.id, t.status])).toEqual([
      [green.id, 'PRIMARY'],
      [blue.id, 'ACTIVE'],
    ]);

    sim.deleteTaskSet('c', 'web', blue.id);
    const draining = await describeService(sim, 'web');
    expect(draining.taskSets![1]).toMatchObject({ id: blue.id, status: 'DRAINING', computedDesiredCount: 0 });
    await sim.runFor(60);
    const after = await describeService(sim, 'web');
    expect(after.taskSets!.map((t) => t.id)).toEqual([green.id]);
    expect(after).toMatchObject({ desiredCount: 4, runningCount: 4 });
    const live = liveOf(sim, 'web');
    expect(live).toHaveLength(4);
    expect(live.every((t) => t.taskDefinition.arn === v2 && t.startedBy === green.id)).toBe(true);
  });

  it('refuses a new task definition in UpdateService, accepts a new desired count', async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      deploymentController: { type: 'CODE_DEPLOY' },
    });

    const refused = await rejection(
      sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', taskDefinition: 'web:2' }),
    );
    const forced = await rejection(
      sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', forceNewDeployment: true }),
    );
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 5 });
    await sim.runFor(60);

    expect(refused).toBe('InvalidParameterException');
    expect(forced).toBe('InvalidParameterException');
    const item = await describeService(sim, 'web');
    expect(item.taskDefinition).toBe(sim.ecs.taskDefinition('web:1')!.arn);
    expect(item.taskSets![0]).toMatchObject({ computedDesiredCount: 5, runningCount: 5 });
    // CodeDeploy's sets are not changed through the task set API (that is for EXTERNAL services).
    expect(
      await rejection(
        sim.call('ecs', 'CreateTaskSet', { cluster: 'c', service: 'web', taskDefinition: 'web:2' }),
      ),
    ).toBe('InvalidParameterException');
  });

  it('replaces the tasks of a DRAINING instance in every task set', async () => {
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 3,
      deploymentController: { type: 'CODE_DEPLOY' },
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    sim.startBlueGreen('c', 'web', 'web:2');
    const victim = [...sim.ecs.cluster('c')!.instances.values()][0]!;
    expect(victim.tasks.size).toBeGreaterThan(0);

    await sim.call('ecs', 'UpdateContainerInstancesState', {
      cluster: 'c',
      containerInstances: [victim.arn],
      status: 'DRAINING',
    });
    await sim.runFor(300);

    expect(victim.tasks.size).toBe(0);
    const item = await describeService(sim, 'web');
    expect(item.taskSets!.map((t) => [t.runningCount, t.stabilityStatus])).toEqual([
      [3, 'STEADY_STATE'],
      [3, 'STEADY_STATE'],
    ]);
  });
});

describe('sim: minimumHealthyPercent and maximumPercent bound the whole service, not each set', () => {
  it('moves a task off a DRAINING instance at 100 / 100 while two sets run (stop first, then replace)', async () => {
    // "…the number of the tasks in the service that remain in the RUNNING state while the container
    // instances are in the DRAINING state" (DeploymentConfiguration): 4 RUNNING, 2 desired — one may stop.
    // Per set (2 RUNNING of 2 at 100 %) nothing could.
    sim = world();
    sim.createService({
      cluster: 'c',
      name: 'web',
      taskDefinition: 'web:1',
      desiredCount: 2,
      minimumHealthyPercent: 100,
      maximumPercent: 100,
      deploymentController: { type: 'CODE_DEPLOY' },
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    sim.startBlueGreen('c', 'web', 'web:2');
    await sim.runFor(60);
    const victim = [...sim.ecs.cluster('c')!.instances.values()].find((ci) => ci.tasks.size > 0)!;
    await sim.call('ecs', 'UpdateContainerInstancesState', {
      cluster: 'c',
      containerInstances: [victim.arn],
      status: 'DRAINING',
    });
    await sim.runFor(300);

    expect(victim.tasks.size).toBe(0);
    const item = await describeService(sim, 'web');
    expect(item.taskSets!.map((t) => t.runningCount)).toEqual([2, 2]);
  });
});

describe('sim: EXTERNAL services', () => {
  const external = (s: Sim, desiredCount: number) =>
    s.createService({ cluster: 'c', name: 'ext', desiredCount, deploymentController: { type: 'EXTERNAL' } });

  it('has no task definition, no task set and no task until a task set is created', async () => {
    sim = world();
    external(sim, 3);

    const item = await describeService(sim, 'ext');

    expect(item).not.toHaveProperty('taskDefinition');
    expect(item).toMatchObject({
      deploymentController: { type: 'EXTERNAL' },
      taskSets: [],
      deployments: [],
      runningCount: 0,
    });
    expect(liveOf(sim, 'ext')).toHaveLength(0);
  });

  it('keeps a task set at ⌈desired × scale⌉: desired 3 at 50 % is 2 tasks, at 30 % of 4 (1.2) is 2', async () => {
    sim = world();
    external(sim, 3);

    const created = await sim.call('ecs', 'CreateTaskSet', {
      cluster: 'c',
      service: 'ext',
      taskDefinition: 'web:1',
      scale: { value: 50, unit: 'PERCENT' },
      externalId: 'deploy-1',
    });
    await sim.runFor(60);
    const set = created.taskSet as { id: string; status: string; computedDesiredCount: number };
    const atHalf = await describeService(sim, 'ext');
    const runningAtHalf = liveOf(sim, 'ext').length;
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'ext', desiredCount: 4 });
    await sim.call('ecs', 'UpdateTaskSet', {
      cluster: 'c',
      service: 'ext',
      taskSet: set.id,
      scale: { value: 30, unit: 'PERCENT' },
    });
    await sim.runFor(60);

    expect(set).toMatchObject({ status: 'ACTIVE', computedDesiredCount: 2 });
    expect(atHalf.taskSets![0]).toMatchObject({
      externalId: 'deploy-1',
      computedDesiredCount: 2,
      runningCount: 2,
    });
    expect(runningAtHalf).toBe(2);
    const described = await sim.call('ecs', 'DescribeTaskSets', { cluster: 'c', service: 'ext' });
    expect((described.taskSets as Array<Record<string, unknown>>)[0]).toMatchObject({
      computedDesiredCount: 2,
      runningCount: 2,
      scale: { value: 30, unit: 'PERCENT' },
    });
    expect(liveOf(sim, 'ext')).toHaveLength(2);
  });

  it('makes a set PRIMARY, refuses to delete it without force, and refuses a task definition update', async () => {
    sim = world();
    external(sim, 2);
    const created = await sim.call('ecs', 'CreateTaskSet', {
      cluster: 'c',
      service: 'ext',
      taskDefinition: 'web:1',
      scale: { value: 100, unit: 'PERCENT' },
    });
    const id = (created.taskSet as { id: string }).id;

    const primary = await sim.call('ecs', 'UpdateServicePrimaryTaskSet', {
      cluster: 'c',
      service: 'ext',
      primaryTaskSet: id,
    });
    const unforced = await rejection(
      sim.call('ecs', 'DeleteTaskSet', { cluster: 'c', service: 'ext', taskSet: id }),
    );
    const newDefinition = await rejection(
      sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'ext', taskDefinition: 'web:2' }),
    );
    await sim.call('ecs', 'DeleteTaskSet', { cluster: 'c', service: 'ext', taskSet: id, force: true });
    await sim.runFor(60);

    expect((primary.taskSet as { status: string }).status).toBe('PRIMARY');
    expect(unforced).toBe('InvalidParameterException');
    expect(newDefinition).toBe('InvalidParameterException');
    const gone = await sim.call('ecs', 'DescribeTaskSets', { cluster: 'c', service: 'ext', taskSets: [id] });
    expect(gone).toMatchObject({ taskSets: [], failures: [{ arn: id, reason: 'MISSING' }] });
    expect(liveOf(sim, 'ext')).toHaveLength(0);
  });

  it('leaves the service’s placement-failure event for a task set that cannot be placed', async () => {
    sim = world();
    external(sim, 2);
    const actions: Array<{ resources: string[]; detail: Record<string, unknown> }> = [];
    sim.register({
      name: 'listener',
      handler: async (event: { resources: string[]; detail: Record<string, unknown> }) => {
        actions.push(event);
      },
      patterns: [{ source: ['aws.ecs'], 'detail-type': ['ECS Service Action'] }],
    });
    sim.start();

    await sim.call('ecs', 'CreateTaskSet', { cluster: 'c', service: 'ext', taskDefinition: 'huge' });
    await sim.runFor(30);

    const item = await describeService(sim, 'ext');
    expect(item.events?.[0]?.message).toMatch(
      /^\(service ext\) was unable to place a task because no container instance met all of its requirements\. The closest matching container-instance \S+ has insufficient memory available\./,
    );
    expect(item.taskSets![0]).toMatchObject({
      computedDesiredCount: 2,
      runningCount: 0,
      stabilityStatus: 'STABILIZING',
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      resources: [item.serviceArn],
      detail: { eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', reason: 'RESOURCE:MEMORY' },
    });
  });
});

describe('sim: task sets seeded from a snapshot', () => {
  it('keeps a CODE_DEPLOY service’s controller, task set ids, statuses and task definitions', async () => {
    const raw = structuredClone(sample) as unknown as { services: Array<Record<string, unknown>> };
    const web = raw.services.find((x) => x.serviceName === 'web')!;
    const td = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`;
    Object.assign(web, {
      desiredCount: 2,
      deploymentController: { type: 'CODE_DEPLOY' },
      deployments: [],
      taskSets: [
        {
          id: 'ecs-svc/1111111111111111111',
          status: 'PRIMARY',
          taskDefinition: td(41),
          scale: { value: 100 },
        },
        {
          id: 'ecs-svc/2222222222222222222',
          status: 'ACTIVE',
          taskDefinition: td(42),
          scale: { value: 100 },
          startedBy: 'CodeDeploy',
        },
      ],
    });
    sim = createSim({ seed: 4 });
    sim.seedFromSnapshot(parseSnapshot(raw));

    const item = await describeService(sim, 'web', 'demo');

    expect(item.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
    expect(item.deployments).toEqual([]);
    expect(item.taskDefinition).toBe(td(41));
    expect(item.taskSets!.map((t) => [t.id, t.status, t.taskDefinition, t.runningCount])).toEqual([
      ['ecs-svc/1111111111111111111', 'PRIMARY', td(41), 2],
      ['ecs-svc/2222222222222222222', 'ACTIVE', td(42), 2],
    ]);
    expect(item.taskSets![1]!.startedBy).toBe('CodeDeploy');
    expect(
      liveOf(sim, 'web', 'demo')
        .map((t) => t.startedBy)
        .sort(),
    ).toEqual([
      'ecs-svc/1111111111111111111',
      'ecs-svc/1111111111111111111',
      'ecs-svc/2222222222222222222',
      'ecs-svc/2222222222222222222',
    ]);
  });
});
