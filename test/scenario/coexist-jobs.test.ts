/**
 * Issue 14, third to fifth bullets: a standalone RunTask job and ECS-protected tasks make their instance
 * last in line for scale-in, the scaler's own drain of a job's instance ends ACTIVE after the maximum
 * drain time (the job is never killed, scale-in elsewhere goes on), and at max-step ≥ 13 the scaler's
 * state still fits AWS's limits (ASG tag values ≤ 256 characters; the simulator rejects longer ones).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OWN_DRAIN_ATTRIBUTE } from '../../shared/core/cluster/index.js';
import type { Sim } from '../../sim/index.js';
import {
  ASG,
  CLUSTER,
  coexistWorld,
  containerInstance,
  firstInLine,
  instanceIds,
  killedJobs,
  placeJob,
  startWorld,
  writesBy,
} from './coexist-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** Container instance ARNs the scaler set DRAINING. */
const drainedByScaler = (s: Sim): string[] =>
  writesBy(s, 'cluster-scaler', 'ecs', 'UpdateContainerInstancesState')
    .filter((a) => a.input.status === 'DRAINING')
    .flatMap((a) => a.input.containerInstances as string[]);

describe('coexist: standalone and protected tasks are last in line', () => {
  it('a standalone job keeps its instance while the idle ones go; the job is never killed', async () => {
    sim = coexistWorld({ instances: 6, web: 6 });
    // The job goes to the instance that would otherwise be drained first.
    const jobHost = firstInLine(sim);
    const job = placeJob(sim, jobHost);
    await startWorld(sim);
    await sim.runFor(3 * 3600);

    const group = sim.asg.groups.get(ASG)!;
    expect(group.desired).toBeLessThan(6);
    expect(group.instances.has(jobHost.ec2InstanceId)).toBe(true);
    // Last in line: never chosen while other instances could go.
    expect(drainedByScaler(sim).length).toBeGreaterThan(0);
    expect(drainedByScaler(sim)).not.toContain(jobHost.arn);
    expect(job.lastStatus).toBe('RUNNING');
    expect(killedJobs(sim)).toEqual([]);
  }, 120_000);

  it('an instance with an ECS-protected task stays while unprotected ones go', async () => {
    sim = coexistWorld({ instances: 6, web: 6 });
    const host = firstInLine(sim, 1);
    await startWorld(sim);
    const protectedTasks = [...host.tasks].filter((t) => t.service?.name === 'web');
    expect(protectedTasks.length).toBeGreaterThan(0);
    await sim.call('ecs', 'UpdateTaskProtection', {
      cluster: CLUSTER,
      tasks: protectedTasks.map((t) => t.arn),
      protectionEnabled: true,
      expiresInMinutes: 2880,
    });
    await sim.runFor(2 * 3600);

    const group = sim.asg.groups.get(ASG)!;
    expect(group.desired).toBeLessThan(6);
    expect(group.instances.has(host.ec2InstanceId)).toBe(true);
    expect(drainedByScaler(sim).length).toBeGreaterThan(0);
    expect(drainedByScaler(sim)).not.toContain(host.arn);
    expect(protectedTasks.every((t) => t.lastStatus === 'RUNNING')).toBe(true);
    expect(killedJobs(sim)).toEqual([]);
  }, 120_000);

  it("the scaler's own drain of a job's instance ends ACTIVE after max-drain-time; scale-in elsewhere goes on", async () => {
    sim = coexistWorld({ instances: 6, web: 2, tags: { 'ecs-autoscaler:max-drain-time': '600' } });
    const [id] = instanceIds(sim);
    const ci = containerInstance(sim, id!)!;
    for (const t of [...ci.tasks]) if (t.service?.name === 'web') t.desiredStatus = 'STOPPED';
    const job = placeJob(sim, ci);
    // The scaler drained it 500 s before the run starts (its own mark, as the actuator writes it).
    sim.ecs.setStatus(ci, 'DRAINING');
    ci.attributes.push({
      name: OWN_DRAIN_ATTRIBUTE,
      value: String(Math.floor(sim.clock.startMs / 1000) - 500),
    });
    await startWorld(sim);
    await sim.runFor(2 * 3600);

    const activate = writesBy(sim, 'cluster-scaler', 'ecs', 'UpdateContainerInstancesState').filter(
      (a) => a.input.status === 'ACTIVE',
    );
    expect(activate.length).toBeGreaterThan(0);
    expect(activate[0]!.t).toBeGreaterThanOrEqual(100);
    expect(job.lastStatus).toBe('RUNNING');
    expect(sim.asg.groups.get(ASG)!.instances.has(id!)).toBe(true);
    // Other idle instances were drained and terminated meanwhile.
    expect(
      writesBy(sim, 'cluster-scaler', 'autoscaling', 'TerminateInstanceInAutoScalingGroup').length,
    ).toBeGreaterThan(0);
    expect(killedJobs(sim)).toEqual([]);
  }, 120_000);
});

describe('coexist: the scaler state fits AWS limits at any max-step', () => {
  it('max-step 15 drains 13+ instances at once with every tag value ≤ 256 characters', async () => {
    sim = coexistWorld({
      instances: 20,
      max: 30,
      web: 2,
      tags: { 'ecs-autoscaler:max-step': '15', 'ecs-autoscaler:scale-in-cooldown': '60' },
    });
    await startWorld(sim);
    await sim.runFor(2 * 3600);

    const tags = writesBy(sim, 'cluster-scaler', 'autoscaling', 'CreateOrUpdateTags');
    expect(tags.filter((a) => a.error)).toEqual([]);
    const values = tags.flatMap((a) => (a.input.Tags as { Value?: string }[]).map((t) => t.Value ?? ''));
    expect(Math.max(...values.map((v) => v.length))).toBeLessThanOrEqual(256);
    const drains = writesBy(sim, 'cluster-scaler', 'ecs', 'UpdateContainerInstancesState').filter(
      (a) => a.input.status === 'DRAINING',
    );
    const drained = drains.reduce((n, a) => n + (a.input.containerInstances as string[]).length, 0);
    expect(drained).toBeGreaterThanOrEqual(13);
    expect(sim.asg.groups.get(ASG)!.desired).toBeLessThanOrEqual(7);
    expect(killedJobs(sim)).toEqual([]);
  }, 120_000);
});
