/**
 * Issue 15: opting a cluster out mid-scale-in (removing `ecs-autoscaler:cluster` while the scaler drains)
 * leaves nothing behind: the scaler's DRAINING instances are set ACTIVE again, its container-instance
 * attributes and the group's state tags are deleted, its alarms go — and nothing is written to the group
 * afterwards. Real dispatcher, cluster queue, cluster scaler and drainer, routed from serverless.yml.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OWN_DRAIN_ATTRIBUTE, STATE_TAGS } from '../../shared/core/cluster/index.js';
import type { Sim } from '../../sim/index.js';
import { ASG, CLUSTER, coexistWorld, killedJobs, writesBy } from './coexist-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const cis = (s: Sim) =>
  [...s.ecs.cluster(CLUSTER)!.instances.values()].filter((ci) => ci.status !== 'INACTIVE');
const STATE_KEYS = new Set<string>(Object.values(STATE_TAGS));

describe('opting a cluster out mid-scale-in', () => {
  it('returns its drains to ACTIVE, deletes its attributes, state tags and alarms, then writes nothing', async () => {
    // Long task stops (5–15 min) keep the scaler's drains in progress when the tag goes.
    sim = coexistWorld({ instances: 8, web: 16, tags: { 'ecs-autoscaler:scale-in-unneeded-time': '60' } });
    sim.settings.taskExitSeconds = [300, 900];
    sim.install();
    await sim.loadServerless('serverless.yml', {
      only: ['cluster-dispatcher', 'cluster-scaler', 'instance-drainer'],
    });
    sim.start();
    await sim.runFor(5 * 60);
    await sim.call('ecs', 'UpdateService', { cluster: CLUSTER, service: 'web', desiredCount: 2 });
    // Wait for the scaler's first scale-in (instances DRAINING by its hand, with its mark).
    for (let i = 0; i < 60 && !cis(sim).some((ci) => ci.status === 'DRAINING'); i++) await sim.runFor(30);
    const draining = cis(sim).filter(
      (ci) => ci.status === 'DRAINING' && ci.attributes.some((a) => a.name === OWN_DRAIN_ATTRIBUTE),
    );
    expect(draining.length).toBeGreaterThan(0);
    const group = sim.asg.groups.get(ASG)!;
    expect([...group.tags.keys()].some((k) => STATE_KEYS.has(k))).toBe(true);

    // The operator opts the cluster out.
    await sim.call('autoscaling', 'DeleteTags', {
      Tags: [{ ResourceId: ASG, ResourceType: 'auto-scaling-group', Key: 'ecs-autoscaler:cluster' }],
    });
    const optedOutAt = sim.elapsedSeconds;
    await sim.runFor(5 * 60);

    // Its drains are ACTIVE again (those not already terminating), nothing of its state is left.
    for (const ci of draining.filter(
      (c) => group.instances.get(c.ec2InstanceId)?.lifecycleState === 'InService',
    )) {
      expect(ci.status, ci.ec2InstanceId).toBe('ACTIVE');
    }
    for (const ci of cis(sim)) {
      expect(
        ci.attributes.filter((a) => a.name.startsWith('ecs-autoscaler.')).map((a) => a.name),
      ).not.toContain(OWN_DRAIN_ATTRIBUTE);
    }
    expect([...group.tags.keys()].filter((k) => STATE_KEYS.has(k))).toEqual([]);
    expect([...sim.cloudwatch.alarms.keys()].filter((n) => n.includes(`-cluster-${CLUSTER}-`))).toEqual([]);
    // After the release, the scaler writes nothing more to the group or its instances.
    const late = writesBy(sim, 'cluster-scaler').filter((a) => a.t > optedOutAt + 120);
    await sim.runFor(10 * 60);
    expect(writesBy(sim, 'cluster-scaler').filter((a) => a.t > optedOutAt + 120)).toEqual(late);
    expect(late.filter((a) => a.service === 'autoscaling' && a.command !== 'DeleteTags')).toEqual([]);
    expect(killedJobs(sim)).toEqual([]);
  }, 300_000);
});
