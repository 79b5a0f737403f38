/**
 * Issue 14, first bullet: a cluster with one DRAINING instance someone else drained and one instance
 * whose ECS agent disconnected. Scale-in must not stop: idle instances are drained and terminated, the
 * ownerless DRAINING one goes once empty after the grace period, the disconnected one is reported (and,
 * opted in, replaced), no job is killed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  ASG,
  CLUSTER,
  coexistWorld,
  containerInstance,
  instanceIds,
  killedJobs,
  markForeignState,
  startWorld,
  writesBy,
} from './coexist-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

describe('coexist: foreign DRAINING and disconnected instances never freeze scale-in', () => {
  it('drains idle instances despite them, terminates the ownerless DRAINING one once empty, kills no job', async () => {
    sim = coexistWorld({ instances: 6, web: 4, tags: { 'ecs-autoscaler:foreign-drain-grace': '1200' } });
    const { drained, disconnected } = markForeignState(sim);
    await startWorld(sim);
    await sim.runFor(3 * 3600);

    const group = sim.asg.groups.get(ASG)!;
    const left = [...group.instances.keys()];
    // Scale-in went on: 4 web tasks (512 CPU each) + headroom fit on 2 m5.large; with the disconnected
    // one still a member the group ends at 3 or 4 instead of 6.
    expect(group.desired).toBeLessThanOrEqual(4);
    expect(writesBy(sim, 'cluster-scaler', 'ecs', 'UpdateContainerInstancesState').length).toBeGreaterThan(0);
    // The ownerless DRAINING instance was terminated once empty and past its grace period.
    expect(left).not.toContain(drained);
    const terminate = writesBy(sim, 'cluster-scaler', 'autoscaling', 'TerminateInstanceInAutoScalingGroup');
    const foreignTermination = terminate.find((a) => a.input.InstanceId === drained);
    expect(foreignTermination?.t ?? 0).toBeGreaterThanOrEqual(1200);
    // The disconnected one is left alone (no opt-in) and never a scale-in destination.
    expect(left).toContain(disconnected);
    expect(group.instances.get(disconnected)!.health).toBe('Healthy');
    expect(killedJobs(sim)).toEqual([]);
    // Every web task is running.
    const web = sim.ecs.cluster(CLUSTER)!.services.get('web')!;
    expect([...web.tasks].filter((t) => t.lastStatus === 'RUNNING').length).toBe(4);
  }, 120_000);

  it('replace-disconnected=true marks the long-disconnected instance Unhealthy and the group replaces it', async () => {
    sim = coexistWorld({
      instances: 3,
      web: 2,
      tags: { 'ecs-autoscaler:replace-disconnected': 'true', 'ecs-autoscaler:disconnected-grace': '600' },
    });
    const [, disconnected] = instanceIds(sim);
    const ci = containerInstance(sim, disconnected!)!;
    // No service task on it (a job on a dead agent would be lost with it; the scenario keeps that apart).
    sim.ecs.setAgentConnected(ci, false);
    await startWorld(sim);
    await sim.runFor(1800);

    const health = writesBy(sim, 'cluster-scaler', 'autoscaling', 'SetInstanceHealth');
    expect(health.map((a) => a.input.InstanceId)).toEqual([disconnected]);
    expect(health[0]!.t).toBeGreaterThanOrEqual(600);
    expect(sim.asg.groups.get(ASG)!.instances.has(disconnected!)).toBe(false);
  }, 120_000);
});
