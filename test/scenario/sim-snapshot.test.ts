/** Seeding the simulator from a recorded ClusterSnapshot (for `simulate --snapshot`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sample from '../../events/snapshots/sample-cluster.json' with { type: 'json' };
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import { parseSnapshot } from '../../shared/core/snapshot/snapshot.js';
import { defaultCapacityProviderStrategy } from '../../sim/ecs/capacity-providers.js';
import { createSim } from '../../sim/index.js';
import { runWorld } from '../../sim/replay/replay.js';
import { buildSnapshotWorld, shapeTraceForSnapshot } from '../../sim/replay/snapshot-world.js';
import { BUILTIN_TRACES } from '../../sim/traces/builtin.js';
import type { Trace } from '../../sim/traces/trace.js';
import { CLUSTER, fleetWorld } from './fleet-world.js';

/** Raw snapshot JSON, loosely typed for editing. */
type Raw = Record<string, unknown> & {
  cluster: Record<string, unknown>;
  services: Record<string, unknown>[];
  containerInstances: Record<string, unknown>[];
  autoScalingGroups: { AutoScalingGroupName: string }[];
};

/**
 * The sample with capacity provider `name` on group `group` as the cluster's default strategy; the first
 * REPLICA service names no launch type (the default strategy applies), the others the EC2 one.
 * @returns the index of that service.
 */
const withDefaultProvider = (raw: Raw, name: string, group: string, managedScaling: boolean): number => {
  raw.capacityProviders = [
    {
      name,
      autoScalingGroupProvider: {
        autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/${group}`,
        managedScaling: { status: managedScaling ? 'ENABLED' : 'DISABLED' },
        managedTerminationProtection: 'DISABLED',
      },
    },
  ];
  raw.cluster.capacityProviders = [name];
  raw.cluster.defaultCapacityProviderStrategy = [{ capacityProvider: name, weight: 1, base: 0 }];
  const bound = raw.services.findIndex((s) => s.schedulingStrategy !== 'DAEMON');
  raw.services.forEach((s, k) => {
    if (k === bound) delete s.launchType;
    else s.launchType = 'EC2';
  });
  return bound;
};

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

  it("keeps the snapshot's capacity provider, default strategy, service strategies and instances' providers", async () => {
    const raw = structuredClone(sample) as Raw;
    const group = raw.autoScalingGroups[0]!.AutoScalingGroupName;
    const bound = withDefaultProvider(raw, 'demo-cp', group, false);
    // The first instance registered before the group became the provider's: it has no provider name.
    raw.containerInstances.forEach((ci, k) => {
      if (k > 0) ci.capacityProviderName = 'demo-cp';
      else delete ci.capacityProviderName;
    });
    const snap = parseSnapshot(raw);
    const sim = createSim({ seed: 1 });
    expect(sim.seedFromSnapshot(snap).notes).toEqual([]);
    const cluster = sim.ecs.clusters.get(snap.cluster.clusterName)!;
    snap.services.forEach((s, k) => {
      expect(cluster.services.get(s.serviceName)!.capacityProviderStrategy).toEqual(
        k === bound ? [{ capacityProvider: 'demo-cp', weight: 1, base: 0 }] : [],
      );
    });
    snap.containerInstances.forEach((c, k) => {
      expect(cluster.instances.get(c.containerInstanceArn)?.capacityProviderName).toBe(
        k > 0 ? 'demo-cp' : undefined,
      );
    });
    // The provider answers DescribeCapacityProviders as ECS would, and its group carries ECS's tag.
    const described = await sim.call('ecs', 'DescribeCapacityProviders', { capacityProviders: ['demo-cp'] });
    expect(described.capacityProviders).toHaveLength(1);
    expect(sim.asg.groups.get(group)!.tags.has('AmazonECSManaged')).toBe(true);
  });

  it('seeds a cluster whose default strategy names a provider of a group the snapshot lacks', async () => {
    // `snapshot` reads the groups tagged for the scaler; a capacity provider's own group is not among
    // them. Seeding set the default strategy to the provider it had not created, and the simulator
    // refused it ("capacity provider 'other-cp' is not associated"): simulate failed on such a cluster.
    const raw = structuredClone(sample) as Raw;
    const bound = withDefaultProvider(raw, 'other-cp', 'other-asg', true);
    const snap = parseSnapshot(raw);
    const sim = createSim({ seed: 1 });
    const { notes } = sim.seedFromSnapshot(snap);
    const cluster = sim.ecs.clusters.get(snap.cluster.clusterName)!;
    expect(defaultCapacityProviderStrategy(cluster)).toEqual([]);
    // …and says so (simulate prints it): what its instances cannot hold waits under every policy.
    expect(notes).toEqual([
      `capacity provider other-cp drives group other-asg, which the snapshot does not hold (it is not tagged for the scaler, and the file was recorded without the providers' groups; record it again with \`ecs-autoscaler snapshot\`): nothing grows it here, so the tasks of ${snap.services[bound]!.serviceName} its current instances cannot hold wait under every policy`,
    ]);
    // The service on the provider's strategy keeps it: its tasks run on capacity the snapshot does not hold.
    expect(cluster.services.get(snap.services[bound]!.serviceName)!.capacityProviderStrategy).toEqual([
      { capacityProvider: 'other-cp', weight: 1, base: 0 },
    ]);
    await sim.runFor(600);
    const other = snap.services.find((s, k) => k !== bound && s.schedulingStrategy !== 'DAEMON')!;
    const running = [...cluster.instances.values()]
      .flatMap((ci) => [...ci.tasks])
      .filter((t) => t.group === `service:${other.serviceName}` && t.lastStatus === 'RUNNING');
    expect(running).toHaveLength(other.desiredCount);
  });
});

/** Two hours of the sample; ten minutes in, web wants 10 tasks instead of 6: more than its five instances hold. */
const WEB_GROWS: Trace = {
  name: 'web-grows',
  durationSeconds: 7200,
  points: [
    { t: 0, desired: {} },
    { t: 600, desired: { web: 10 } },
  ],
};

describe('simulate on a cluster the scaler already manages', () => {
  it('starts the simulated day when the snapshot was taken, so the scaler state tags lie in the past', async () => {
    // Every snapshot of a cluster the scaler runs carries its own memory, e.g. `last-scale-out` a few
    // minutes before the snapshot. The simulator started in 2025 whatever the snapshot's date: that time
    // lay in the future, read as "just scaled out" for the whole run, and the project's policy never grew
    // the group (here: the 4 new web tasks waited 6,600 s, to the end; on the diurnal day, 6,448 waiting
    // task-minutes against 15 without the tag).
    const raw = structuredClone(sample) as Raw & { capturedAt: string };
    const group = raw.autoScalingGroups[0] as unknown as { Tags: { Key: string; Value: string }[] };
    const fiveMinutesBefore = new Date(Date.parse(raw.capturedAt) - 300_000).toISOString();
    group.Tags.push({ Key: 'ecs-autoscaler:last-scale-out', Value: fiveMinutesBefore });
    const snap = parseSnapshot(raw);
    const trace = WEB_GROWS;
    const world = buildSnapshotWorld(snap, 'ecs-autoscaler', 1);
    expect(world.sim.nowMs).toBe(Date.parse(snap.capturedAt));
    const run = await runWorld(world, trace, 'ecs-autoscaler');
    expect(run.errors).toEqual([]);
    expect(run.violations).toEqual([]);
    const last = run.samples.at(-1)!;
    expect(last.running.web).toBe(10);
    expect(last.desiredCapacity).toBeGreaterThan(snap.autoScalingGroups[0]!.DesiredCapacity);
    expect(run.figures.maxTaskWaitSeconds).toBeLessThanOrEqual(600);
  }, 120_000);
});

describe('simulate on a cluster with several groups', () => {
  it('counts the cost of every group of the cluster, not only the one the baselines drive', async () => {
    // placement-two-groups: prod-m5 (2 m5.large) and prod-c5 (1 c5.large), both tagged; web's static host
    // port needs one instance per task, and the project grows prod-c5, the cheaper per task. Only prod-m5
    // was counted: the project's day cost 28.1 unit-h, below the 32.0 lower bound, while serving its tasks.
    const snap = parseSnapshot(
      JSON.parse(readFileSync('events/snapshots/placement-two-groups.json', 'utf8')),
    );
    const trace = shapeTraceForSnapshot(BUILTIN_TRACES.diurnal!(), snap);
    const world = buildSnapshotWorld(snap, 'ecs-autoscaler', 1);
    const run = await runWorld(world, trace, 'ecs-autoscaler');
    expect(run.samples[0]!.instances).toBe(3);
    const members = snap.autoScalingGroups.reduce((n, g) => n + g.Instances.length, 0);
    expect(run.samples[0]!.instances).toBe(members);
    expect(run.figures.costUnitHours).toBeGreaterThanOrEqual(run.figures.lowerBoundCostUnitHours);
    expect(run.figures.maxTaskWaitSeconds).toBeLessThanOrEqual(600);
  }, 120_000);
});

describe('simulate as the first step of a migration from capacity providers', () => {
  it('replays ecs-autoscaler as after the migration: dry run off, managed scaling off', async () => {
    // docs/coexistence.md, step 1: tag the provider's group for the scaler with dry-run=true and simulate.
    // The scaler stands aside from a group under managed scaling, and the simulator does not model managed
    // scaling: nothing scaled the group, and the project's row showed every new task waiting all day.
    const raw = structuredClone(sample) as Raw;
    const group = raw.autoScalingGroups[0]!.AutoScalingGroupName;
    withDefaultProvider(raw, 'demo-cp', group, true);
    (raw.autoScalingGroups[0] as unknown as { Tags: { Key: string; Value: string }[] }).Tags.push({
      Key: 'ecs-autoscaler:dry-run',
      Value: 'true',
    });
    const snap = parseSnapshot(raw);
    const trace = WEB_GROWS;
    const world = buildSnapshotWorld(snap, 'ecs-autoscaler', 1);
    expect(world.notes).toEqual([
      `group ${group} is tagged ecs-autoscaler:dry-run=true; ecs-autoscaler is replayed acting on it, as without the tag`,
      `capacity provider demo-cp drives group ${group} with managed scaling or termination protection; ecs-autoscaler is replayed as after the migration (both off, docs/coexistence.md), the baselines as recorded`,
    ]);
    const run = await runWorld(world, trace, 'ecs-autoscaler');
    expect(run.errors).toEqual([]);
    expect(run.violations).toEqual([]);
    expect(run.samples.at(-1)!.running.web).toBe(10);
    expect(run.figures.maxTaskWaitSeconds).toBeLessThanOrEqual(600);
    // The baselines replay the provider as recorded.
    expect(buildSnapshotWorld(snap, 'capacity-provider', 1).notes).toEqual([]);
  }, 120_000);
});

describe('simulate keeps the services placement constraints', () => {
  it('seeds distinctInstance and memberOf, and refuses an expression ECS would refuse', async () => {
    // The seeding dropped services' placementConstraints: placement-distinct-instance's cache service
    // (distinctInstance) ran two tasks per instance in the simulation, and needed no new instance.
    const raw = JSON.parse(readFileSync('events/snapshots/placement-distinct-instance.json', 'utf8'));
    const snap = parseSnapshot(raw);
    const sim = createSim({ seed: 1, start: snap.capturedAt });
    sim.seedFromSnapshot(snap);
    const cluster = sim.ecs.cluster(snap.cluster.clusterName)!;
    expect(cluster.services.get('cache')!.placementConstraints).toEqual([{ type: 'distinctInstance' }]);
    sim.setDesiredCount(snap.cluster.clusterName, 'cache', 6);
    await sim.runFor(300);
    const perHost = [...cluster.instances.values()].map(
      (ci) =>
        [...ci.tasks].filter((t) => t.group === 'service:cache' && t.desiredStatus === 'RUNNING').length,
    );
    expect(Math.max(...perHost)).toBe(1);
    sim.dispose();

    const bad = structuredClone(raw);
    bad.services.find((s: { serviceName: string }) => s.serviceName === 'cache').placementConstraints = [
      { type: 'memberOf', expression: 'runningTasksCount =~ 1.*' },
    ];
    expect(() => createSim({ seed: 1 }).seedFromSnapshot(parseSnapshot(bad))).toThrow(
      /^service cache of the snapshot cannot be simulated \(createService 'cache': Invalid cluster query expression 'runningTasksCount =~ 1\.\*': runningTasksCount does not take '=~' \(InvalidParameterException\)\): ECS would not have accepted it/,
    );
  });
});

describe('simulate keeps what each group launches', () => {
  it('seeds a weighted mixed-instances group with its unit, strategy, Spot share and agent attributes, and a plain group with its warm pool', async () => {
    // The seeding gave every group one type (its first member's), weight 1: a weighted MixedInstancesPolicy
    // group replayed as if it launched one type of one unit, its warm pool gone.
    const recorded = fleetWorld([
      {
        name: 'mixed',
        min: 1,
        max: 12,
        desired: 3,
        mixedInstances: {
          overrides: [
            { type: 'c5.large', weight: 1 },
            { type: 'c5.xlarge', weight: 2 },
            { type: 'm5.2xlarge', weight: 4 },
          ],
          strategy: 'lowest-price',
          onDemandPercentAboveBase: 0,
        },
        agentAttributes: { pool: 'batch' },
      },
      // AWS refuses a warm pool on a mixed-instances or Spot group (PutWarmPool): a plain group's.
      {
        name: 'plain',
        min: 0,
        max: 4,
        desired: 1,
        instanceTypes: ['m5.large'],
        warmPool: { minSize: 1, reuseOnScaleIn: true },
      },
    ]);
    recorded.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: 2 });
    recorded.install();
    await recorded.runFor(300);
    const snap = await readClusterSnapshot(CLUSTER);
    const original = recorded.asg.groups.get('mixed')!;
    const recordedPlainWarmPool = recorded.asg.groups.get('plain')!.warmPool;
    recorded.dispose();

    const sim = createSim({ seed: 1, start: snap.capturedAt });
    sim.seedFromSnapshot(snap);
    const seeded = sim.asg.groups.get('mixed')!;
    const launches = (g: typeof original) => ({
      overrides: g.mixed?.overrides.map((o) => [o.type.name, o.weight]),
      strategy: g.mixed?.strategy,
      onDemandPercentAboveBase: g.mixed?.onDemandPercentAboveBase,
      weighted: g.mixed?.weighted,
      warmPool: g.warmPool,
      agentAttributes: g.agentAttributes,
    });
    expect(launches(seeded)).toEqual(launches(original));
    expect(sim.asg.groups.get('plain')!.warmPool).toEqual({ minSize: 1, reuseOnScaleIn: true });
    expect(sim.asg.groups.get('plain')!.warmPool).toEqual(recordedPlainWarmPool);
    expect(launches(seeded).overrides).toEqual([
      ['c5.large', 1],
      ['c5.xlarge', 2],
      ['m5.2xlarge', 4],
    ]);
    // Each member keeps its weight, and desired stays in units.
    expect(seeded.desired).toBe(snap.autoScalingGroups[0]!.DesiredCapacity);
    const members = [...seeded.instances.values()].filter((i) => !i.lifecycleState.startsWith('Warmed'));
    expect(members.map((i) => i.weight).sort()).toEqual(
      snap.autoScalingGroups[0]!.Instances.map((i) => Number(i.WeightedCapacity)).sort(),
    );
  });
});

describe('a built-in shape applied to a snapshot', () => {
  it('keeps each service within its scalable target, as Application Auto Scaling would', () => {
    // The sample's targets: web 2..20, worker 2..40, api 2..12. The diurnal night took api to 1 task and
    // the spike's peak can pass a low ceiling: both are desired counts the service's scaling never sets.
    const raw = structuredClone(sample) as Raw & {
      scalableTargets: { ResourceId: string; MaxCapacity: number }[];
    };
    raw.scalableTargets.find((t) => t.ResourceId.endsWith('/web'))!.MaxCapacity = 12;
    const snap = parseSnapshot(raw);
    for (const name of ['diurnal', 'spike'] as const) {
      const trace = shapeTraceForSnapshot(BUILTIN_TRACES[name]!(), snap);
      for (const target of snap.scalableTargets) {
        const service = target.ResourceId.split('/')[2]!;
        const counts = trace.points.map((p) => p.desired[service]!);
        expect([name, service, Math.min(...counts) >= target.MinCapacity]).toEqual([name, service, true]);
        expect([name, service, Math.max(...counts) <= target.MaxCapacity]).toEqual([name, service, true]);
      }
    }
    // The bounds bind: api's night is at its floor, web's spike at its new ceiling.
    const diurnal = shapeTraceForSnapshot(BUILTIN_TRACES.diurnal!(), snap);
    expect(Math.min(...diurnal.points.map((p) => p.desired.api!))).toBe(2);
    const spike = shapeTraceForSnapshot(BUILTIN_TRACES.spike!(), snap);
    expect(Math.max(...spike.points.map((p) => p.desired.web!))).toBe(12);
  });
});

describe('a group simulate cannot launch', () => {
  it('is refused, naming the group, instead of launching instances of no type', () => {
    // A mutation fuzz found it: attribute-based requirements no type of the simulator's table meets (here a
    // bound that is not a number) gave a group with no type, and the replay crashed on its first launch.
    const withRequirements = (requirements: Record<string, unknown>) => {
      const raw = structuredClone(sample) as Raw;
      const group = raw.autoScalingGroups[0] as unknown as {
        MixedInstancesPolicy: { LaunchTemplate: { Overrides: unknown[] } };
      };
      group.MixedInstancesPolicy.LaunchTemplate.Overrides = [{ InstanceRequirements: requirements }];
      return parseSnapshot(raw);
    };
    expect(() =>
      createSim({ seed: 1 }).seedFromSnapshot(
        withRequirements({ VCpuCount: { Min: 2, Max: 'attribute:x =~ (' }, MemoryMiB: { Min: 0 } }),
      ),
    ).toThrow(
      /^group demo-ecs-asg of the snapshot: InstanceRequirements\.VCpuCount\.Max is "attribute:x =~ \(", not a count$/,
    );
    expect(() =>
      createSim({ seed: 1 }).seedFromSnapshot(
        withRequirements({ VCpuCount: { Min: 4096 }, MemoryMiB: { Min: 0 } }),
      ),
    ).toThrow(
      /^group demo-ecs-asg of the snapshot cannot be simulated \(createGroup 'demo-ecs-asg': no instance type of the simulator's table meets its overrides \(ValidationError\)\.\): Auto Scaling would not have accepted it/,
    );
  });
});

describe('a Fargate service in the snapshot', () => {
  it('is left out of the simulation, its demand and its lower bound, and said on stderr', () => {
    // The seeding made every service an EC2 one: a Fargate service's 4 vCPU tasks waited on the EC2 hosts
    // all day under every policy, and the lower bound counted them (291.7 unit-h against 141.2).
    const raw = structuredClone(sample) as Raw & { taskDefinitions: Record<string, unknown>[] };
    const fargate = {
      ...structuredClone(raw.services.find((s) => s.serviceName === 'api')!),
      serviceName: 'batch-fg',
      launchType: 'FARGATE',
      desiredCount: 3,
    };
    raw.services.push(fargate);
    const snap = parseSnapshot(raw);
    const world = buildSnapshotWorld(snap, 'ecs-autoscaler', 1);
    expect(world.notes).toContain(
      "service batch-fg runs on Fargate or ECS Anywhere, not on the groups' instances: left out of the simulation (no policy scales for it)",
    );
    expect(world.sim.ecs.cluster(snap.cluster.clusterName)!.services.has('batch-fg')).toBe(false);
    expect(world.shape.services.map((s) => s.name)).not.toContain('batch-fg');
    const trace = shapeTraceForSnapshot(BUILTIN_TRACES.diurnal!(), snap);
    expect(Object.keys(trace.points[0]!.desired)).not.toContain('batch-fg');
    world.sim.dispose();
  });
});

describe('a blue/green deployment under way in the snapshot', () => {
  it('is replayed with both task sets, and said on stderr; a settled CODE_DEPLOY service is not', () => {
    const raw = structuredClone(sample) as Raw & { taskDefinitions: Record<string, unknown>[] };
    const web = raw.services.find((s) => s.serviceName === 'web')!;
    const blue = String(web.taskDefinition);
    const green = blue.replace(/:(\d+)$/, (_m, n) => `:${Number(n) + 1}`);
    raw.taskDefinitions.push({
      ...raw.taskDefinitions.find((t) => t.taskDefinitionArn === blue)!,
      taskDefinitionArn: green,
    });
    const set = (id: string, status: string, taskDefinition: string, running: number) => ({
      id,
      status,
      taskDefinition,
      computedDesiredCount: Number(web.desiredCount),
      runningCount: running,
      pendingCount: 0,
      scale: { value: 100, unit: 'PERCENT' },
    });
    Object.assign(web, {
      deploymentController: { type: 'CODE_DEPLOY' },
      deployments: [],
      taskSets: [
        set('ecs-svc/1111111111111111111', 'PRIMARY', blue, Number(web.runningCount)),
        set('ecs-svc/2222222222222222222', 'ACTIVE', green, 0),
      ],
    });
    const world = buildSnapshotWorld(parseSnapshot(raw), 'ecs-autoscaler', 1);
    expect((world.notes ?? []).find((n) => n.startsWith('service web was mid-deployment'))).toBe(
      'service web was mid-deployment (2 task sets: PRIMARY web:42 at 100 %, ACTIVE web:43 at 100 %); each keeps its scale for the whole replay, as no CodeDeploy finishes it here: record the snapshot after the deployment for a usual day',
    );
    const sets = world.sim.ecs.cluster('demo')!.services.get('web')!.taskSets!;
    expect(sets.map((t) => [t.status, t.taskDefinition.arn.split('/').pop()])).toEqual([
      ['PRIMARY', 'web:42'],
      ['ACTIVE', 'web:43'],
    ]);
    world.sim.dispose();
    (web.taskSets as unknown[]).pop();
    const settled = buildSnapshotWorld(parseSnapshot(raw), 'ecs-autoscaler', 1);
    expect((settled.notes ?? []).filter((n) => n.includes('mid-deployment'))).toEqual([]);
    settled.sim.dispose();
  });
});
