/**
 * The simulator's services behind load balancers (ECS developer guide, "Task lifecycle": DEACTIVATING is
 * when a service's target group deregisters a task; ELB's `deregistration_delay.timeout_seconds`, 0–3600 s,
 * default 300): a RUNNING task the service stops stays DEACTIVATING for its target groups' longest delay,
 * its containers running and its reservation held, then STOPPING and STOPPED; CreateService refuses what
 * ECS refuses. A service without a load balancer stops as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const tg = (name: string) =>
  `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/73e2d6bc24d8a067`;

/** One m5.large; service `web` (3 tasks of 256 CPU / 512 MiB) behind `lbs` (none: no load balancer). */
const world = async (lbs: string[] | undefined, delays: Record<string, number> = {}): Promise<Sim> => {
  const s = createSim({ seed: 3 });
  s.createCluster('c');
  s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 1,
    max: 1,
    desired: 1,
    instanceTypes: ['m5.large'],
  });
  s.registerTaskDefinition({
    family: 'web',
    containers: [{ name: 'app', cpu: 256, memoryReservation: 512 }],
  });
  for (const [name, seconds] of Object.entries(delays)) s.ecs.setDeregistrationDelay(tg(name), seconds);
  s.createService({
    cluster: 'c',
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 3,
    ...(lbs
      ? {
          loadBalancers: lbs.map((n) => ({
            targetGroupArn: tg(n),
            containerName: 'app',
            containerPort: 8080,
          })),
        }
      : {}),
  });
  s.install();
  s.start();
  await s.runFor(120);
  return s;
};

interface TaskOut {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  containers: { lastStatus: string }[];
}

const tasksOf = async (s: Sim, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<TaskOut[]> => {
  const listed = (await s.call('ecs', 'ListTasks', { cluster: 'c', desiredStatus })) as {
    taskArns: string[];
  };
  if (listed.taskArns.length === 0) return [];
  const out = (await s.call('ecs', 'DescribeTasks', { cluster: 'c', tasks: listed.taskArns })) as {
    tasks: TaskOut[];
  };
  return out.tasks;
};

const host = async (s: Sim) => {
  const arns = (await s.call('ecs', 'ListContainerInstances', { cluster: 'c' })) as {
    containerInstanceArns: string[];
  };
  const out = (await s.call('ecs', 'DescribeContainerInstances', {
    cluster: 'c',
    containerInstances: arns.containerInstanceArns,
  })) as {
    containerInstances: {
      runningTasksCount: number;
      remainingResources: { name: string; integerValue?: number }[];
    }[];
  };
  const ci = out.containerInstances[0]!;
  return {
    running: ci.runningTasksCount,
    cpu: ci.remainingResources.find((r) => r.name === 'CPU')!.integerValue,
  };
};

const scaleTo = (s: Sim, desiredCount: number) =>
  s.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount });

describe('sim: services behind load balancers', () => {
  it('a stopped task is DEACTIVATING for the deregistration delay, its room held, then stops', async () => {
    sim = await world(['web'], { web: 120 });
    expect(await host(sim)).toEqual({ running: 3, cpu: 2048 - 3 * 256 });
    await scaleTo(sim, 1);
    await sim.runFor(30);
    const stopping = await tasksOf(sim, 'STOPPED');
    expect(stopping.map((t) => [t.lastStatus, t.desiredStatus, t.containers[0]!.lastStatus])).toEqual([
      ['DEACTIVATING', 'STOPPED', 'RUNNING'],
      ['DEACTIVATING', 'STOPPED', 'RUNNING'],
    ]);
    // Their containers still run: counted and their reservation held.
    expect(await host(sim)).toEqual({ running: 3, cpu: 2048 - 3 * 256 });
    const svc = (await sim.call('ecs', 'DescribeServices', { cluster: 'c', services: ['web'] })) as {
      services: { runningCount: number; loadBalancers: { targetGroupArn: string }[] }[];
    };
    expect(svc.services[0]!.runningCount).toBe(1);
    expect(svc.services[0]!.loadBalancers).toEqual([
      { targetGroupArn: tg('web'), containerName: 'app', containerPort: 8080 },
    ]);
    await sim.runFor(80); // 110 s after the stop: still draining
    expect((await tasksOf(sim, 'STOPPED')).map((t) => t.lastStatus)).toEqual([
      'DEACTIVATING',
      'DEACTIVATING',
    ]);
    await sim.runFor(60); // the delay (120 s) and the containers' exit (≤ 5 s) are over
    expect((await tasksOf(sim, 'STOPPED')).map((t) => t.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
    expect(await host(sim)).toEqual({ running: 1, cpu: 2048 - 256 });
  });

  it("an unset target group drains for ELB's default 300 s; several: the longest", async () => {
    sim = await world(['a', 'b'], { a: 30 });
    await scaleTo(sim, 2);
    await sim.runFor(290);
    expect((await tasksOf(sim, 'STOPPED')).map((t) => t.lastStatus)).toEqual(['DEACTIVATING']);
    await sim.runFor(30);
    expect((await tasksOf(sim, 'STOPPED')).map((t) => t.lastStatus)).toEqual(['STOPPED']);
  });

  it('a service without a load balancer stops its tasks within seconds, as before', async () => {
    sim = await world(undefined);
    await scaleTo(sim, 1);
    await sim.runFor(10);
    expect((await tasksOf(sim, 'STOPPED')).map((t) => t.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
    expect(await host(sim)).toEqual({ running: 1, cpu: 2048 - 256 });
  });

  it('refuses what CreateService refuses, and a delay outside 0–3600 s', () => {
    sim = createSim({ seed: 3 });
    sim.createCluster('c');
    sim.registerTaskDefinition({
      family: 'web',
      containers: [{ name: 'app', cpu: 256, memoryReservation: 512 }],
    });
    const create =
      (loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[]) => () =>
        sim!.createService({
          cluster: 'c',
          name: 'web',
          taskDefinition: 'web',
          desiredCount: 1,
          loadBalancers,
        });
    const ok = { targetGroupArn: tg('web'), containerName: 'app', containerPort: 8080 };
    expect(create([ok, ok, ok, ok, ok, ok])).toThrow(/at most 5 target groups/);
    expect(create([{ ...ok, containerName: 'web' }])).toThrow(/container web does not exist/);
    expect(create([{ ...ok, targetGroupArn: 'web' }])).toThrow(/not a target group ARN/);
    expect(create([{ ...ok, containerPort: 0 }])).toThrow(/not a port/);
    expect(() => sim!.ecs.setDeregistrationDelay(tg('web'), 3601)).toThrow(/0–3600/);
    expect(sim.ecs.cluster('c')!.services.size).toBe(0);
  });
});
