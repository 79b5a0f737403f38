/** Seeding the simulator from a recorded ClusterSnapshot (for `simulate --snapshot`). */
import { describe, expect, it } from 'vitest';
import sample from '../../events/snapshots/sample-cluster.json' with { type: 'json' };
import { parseSnapshot } from '../../shared/core/snapshot/snapshot.js';
import { createSim } from '../../sim/index.js';

describe('sim seeded from a snapshot', () => {
  it('keeps the instances, ids, registered resources, services and groups of the snapshot', async () => {
    const snap = parseSnapshot(structuredClone(sample));
    const sim = createSim({ seed: 1 });
    sim.seedFromSnapshot(snap);
    const cluster = sim.ecs.clusters.get(snap.cluster.clusterName)!;
    const live = snap.containerInstances.filter((c) => c.status !== 'INACTIVE');
    expect([...cluster.instances.keys()].sort()).toEqual(live.map((c) => c.containerInstanceArn).sort());
    for (const raw of live) {
      const ci = cluster.instances.get(raw.containerInstanceArn)!;
      expect(ci.status).toBe(raw.status);
      expect(ci.registered.cpu).toBe(raw.registeredResources.find((r) => r.name === 'CPU')?.integerValue);
    }
    for (const s of snap.services) {
      const svc = cluster.services.get(s.serviceName)!;
      if (svc.schedulingStrategy === 'REPLICA') expect(svc.desiredCount).toBe(s.desiredCount);
    }
    const group = sim.asg.groups.get(snap.autoScalingGroups[0]!.AutoScalingGroupName)!;
    expect([...group.instances.keys()].sort()).toEqual(
      snap.autoScalingGroups[0]!.Instances.map((i) => i.InstanceId).sort(),
    );
    expect(group.desired).toBe(snap.autoScalingGroups[0]!.DesiredCapacity);
    // The seeded world runs: no instance is replaced or lost in an hour without changes.
    await sim.runFor(3600);
    expect(group.instances.size).toBe(snap.autoScalingGroups[0]!.Instances.length);
    expect(sim.violations.filter((v) => v.kind === 'instance-terminated-with-tasks')).toEqual([]);
  });
});
