/**
 * Replays a trace on the simulator under one policy and returns its figures and samples.
 *
 * - `ecs-autoscaler`: the project's real handlers (cluster-scaler and instance-drainer) registered with
 *   the simulator with the triggers serverless.yml gives them; the group is tagged for the project,
 *   protects new instances from scale-in and has the termination lifecycle hook the drainer completes.
 * - `threshold-alarms`, `capacity-provider`, `capacity-provider-tuned`: the baseline models (sim/policies)
 *   stepped every minute on the simulator's state, acting through the Auto Scaling API
 *   (SetDesiredCapacity, TerminateInstanceInAutoScalingGroup). The capacity provider runs with managed
 *   termination protection (new instances protected; only empty ones are terminated), with AWS's defaults
 *   (`capacity-provider`: instanceWarmupPeriod 300 s) or as an expert would tune it
 *   (`capacity-provider-tuned`: instanceWarmupPeriod = the simulated boot + registration time); threshold
 *   alarms scale in through the group's default termination policy, with no hook and no draining.
 * Every policy sees the cluster once a minute, as fresh as the others: the baselines read the
 * simulator's state at their evaluation (what CloudWatch's 1-minute datapoint carries), the project reads
 * it through the API on its 1-minute schedule and on events.
 */

import { capacityProviderSpecs } from '../coexist.js';
import { capacityProviderOfGroup } from '../ecs/capacity-providers.js';
import type { SimCluster, SimService } from '../ecs/model.js';
import { createSim, type Sim } from '../index.js';
import { capacityProviderPolicy } from '../policies/capacity-provider.js';
import { observeSim } from '../policies/sim-observation.js';
import { thresholdAlarmsPolicy } from '../policies/threshold-alarms.js';
import type { ScalingPolicyModel } from '../policies/types.js';
import type { BenchCluster } from '../traces/builtin.js';
import { desiredAt, type Trace } from '../traces/trace.js';
import { boundsCounter, clusterTypes } from './lower-bound.js';
import { costWeights } from './prices.js';
import { registerProjectHandlers } from './project-handlers.js';
import { type RunExtras, type RunFigures, RunMetrics, type RunSample } from './run-metrics.js';

export { projectHandlersPresent } from './project-handlers.js';

/** The policies the benchmark compares, in print order. */
export const POLICIES = [
  'ecs-autoscaler',
  'capacity-provider',
  'capacity-provider-tuned',
  'threshold-alarms',
] as const;
export type PolicyName = (typeof POLICIES)[number];

/** A built simulator world, not started: which cluster and group the policy manages. */
export interface World {
  sim: Sim;
  cluster: string;
  asg: string;
  /** Shape of the cluster for the lower bound (instance types in launch order, services, daemons). */
  shape: BenchCluster;
  /** What a snapshot's seeding could not build (simulate prints them). */
  notes?: string[];
}

/** What a replay returns. */
export interface ReplayResult {
  figures: RunFigures;
  /** Headroom and reversal times (text output and target checks; not in the JSON). */
  extras: RunExtras;
  samples: RunSample[];
  violations: { t: number; kind: string; message: string }[];
  invocations: number;
  errors: string[];
}

const ASG = 'bench-asg';

/** Builds the benchmark cluster for one policy (see module comment for the per-policy group settings). */
export const buildBenchWorld = (
  bench: BenchCluster,
  trace: Trace,
  policy: PolicyName,
  seed = 1,
  projectTags: Readonly<Record<string, string>> = {},
): World => {
  const sim = createSim({ seed, sampleSeconds: 300 });
  const name = bench.name;
  sim.createCluster(name);
  for (const s of bench.services) {
    sim.registerTaskDefinition({
      family: s.name,
      containers: [{ name: s.name, cpu: s.cpu, memoryReservation: s.memory }],
    });
  }
  // Every group of the cluster is the project's under its own policy: tagged for it, with its drain hook.
  const projectGroup =
    policy === 'ecs-autoscaler'
      ? {
          tags: { ...projectTags, 'ecs-autoscaler:cluster': name },
          terminationHook: {
            name: 'ecs-autoscaler-drain',
            heartbeatTimeout: 300,
            defaultResult: 'CONTINUE' as const,
          },
        }
      : {};
  sim.createAutoScalingGroup({
    name: ASG,
    cluster: name,
    min: bench.asg.min,
    max: bench.asg.max,
    desired: bench.initialInstances,
    instanceTypes: bench.instanceTypes.map((t) => ({ name: t.type, cpu: t.cpu, memory: t.memory })),
    bootSeconds: bench.bootSeconds,
    registerSeconds: bench.registerSeconds,
    newInstancesProtectedFromScaleIn: policy !== 'threshold-alarms',
    ...projectGroup,
  });
  // Further groups (issue 13): tagged for the project too; the baselines drive only the first group.
  for (const g of bench.extraGroups ?? []) {
    sim.createAutoScalingGroup({
      name: g.name,
      cluster: name,
      min: g.min,
      max: g.max,
      desired: g.initialInstances,
      mixedInstances: {
        overrides: g.instanceTypes.map((t) => ({ type: { name: t.type, cpu: t.cpu, memory: t.memory } })),
        ...(g.spot ? { onDemandPercentAboveBase: 0 } : {}),
      },
      spotShare: g.spot ? 1 : 0,
      bootSeconds: bench.bootSeconds,
      registerSeconds: bench.registerSeconds,
      newInstancesProtectedFromScaleIn: policy !== 'threshold-alarms',
      ...projectGroup,
    });
  }
  const initial = desiredAt(trace, 0);
  for (const s of bench.services) {
    sim.createService({
      cluster: name,
      name: s.name,
      taskDefinition: s.name,
      ...(s.daemon
        ? { schedulingStrategy: 'DAEMON' as const }
        : {
            desiredCount: initial[s.name] ?? s.initial,
            placementStrategy: [{ type: 'binpack' as const, field: 'memory' }],
          }),
    });
  }
  return { sim, cluster: name, asg: ASG, shape: bench };
};

/**
 * The capacity provider as an expert sets it: instanceWarmupPeriod = the time a new instance takes to
 * boot and register with ECS (its capacity counts from then on), instead of AWS's default 300 s.
 */
export const tunedCapacityProvider = (shape: BenchCluster) => ({
  ...capacityProviderPolicy({ instanceWarmupPeriod: shape.bootSeconds + shape.registerSeconds }),
  name: 'capacity-provider-tuned',
});

/**
 * Copies of the largest task of the services that want tasks (desired > 0) that fit on the free space of
 * the registered ACTIVE instances: the headroom every policy is measured on.
 */
const headroomOf = (
  c: SimCluster,
  services: BenchCluster['services'],
  wanted: Record<string, number>,
): number => {
  const live = services.filter((s) => (wanted[s.name] ?? 0) > 0);
  if (live.length === 0) return 0;
  const cpu = Math.max(...live.map((s) => s.cpu));
  const memory = Math.max(...live.map((s) => s.memory));
  let n = 0;
  for (const ci of c.instances.values()) {
    if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
    n += Math.min(
      cpu > 0 ? Math.floor(ci.remaining.cpu / cpu) : Number.POSITIVE_INFINITY,
      memory > 0 ? Math.floor(ci.remaining.memory / memory) : Number.POSITIVE_INFINITY,
    );
  }
  return n;
};

/** Steps a baseline model every period and applies its decisions through the Auto Scaling API. */
const driveBaseline = <S>(
  world: World,
  model: ScalingPolicyModel<S>,
  errors: string[],
  groupName = world.asg,
  /** The services whose tasks the group takes (default: launch type EC2, and its own provider's). */
  takes?: (s: SimService) => boolean,
): void => {
  const { sim } = world;
  let state = model.initialState();
  const c = sim.ecs.cluster(world.cluster)!;
  const own = capacityProviderOfGroup(c, groupName);
  // A task of a strategy goes only on its providers' instances: another provider's waiting tasks are not
  // this group's demand (ecs-facts §1.1).
  const taken =
    takes ??
    ((s: SimService) =>
      s.capacityProviderStrategy.length === 0 ||
      s.capacityProviderStrategy.some((i) => i.capacityProvider === own));
  sim.clock.every(model.periodSeconds, `policy:${model.name}:${groupName}`, async () => {
    const group = sim.asg.groups.get(groupName)!;
    const r = model.step(state, observeSim(group, c, sim.elapsedSeconds, sim.clock.startMs, taken));
    state = r.state;
    try {
      if (r.decision.desired !== undefined && r.decision.desired !== group.desired) {
        await sim.call('autoscaling', 'SetDesiredCapacity', {
          AutoScalingGroupName: groupName,
          DesiredCapacity: r.decision.desired,
        });
      }
      for (const id of r.decision.terminate) {
        await sim.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
          InstanceId: id,
          ShouldDecrementDesiredCapacity: true,
        });
      }
    } catch (error) {
      errors.push(`${model.name} at ${sim.elapsedSeconds}s: ${(error as Error).message}`);
    }
  });
};

/** Plays the trace on a built world under the policy; returns the figures. */
export const runWorld = async (
  world: World,
  trace: Trace,
  policy: PolicyName,
  sampleSeconds = 30,
): Promise<ReplayResult> => {
  const { sim, cluster } = world;
  // Every point, the first included: a world seeded from a snapshot starts at the snapshot's counts.
  for (const p of trace.points) {
    sim.at(p.t, () => {
      for (const [service, n] of Object.entries(p.desired)) sim.setDesiredCount(cluster, service, n);
    });
  }
  const errors: string[] = [];
  const metrics = new RunMetrics();
  const bounds = boundsCounter(world.shape);
  // Weights over every group's types (relative to the cluster's cheapest type); Spot at on-demand price.
  const { weights } = costWeights(clusterTypes(world.shape));
  const replicaServices = world.shape.services.filter((s) => !s.daemon);
  const replicas = replicaServices.map((s) => s.name);
  const sample = (): void => {
    const group = sim.asg.groups.get(world.asg)!;
    const c = sim.ecs.cluster(cluster)!;
    const wanted: Record<string, number> = {};
    const running: Record<string, number> = {};
    for (const s of replicas) {
      const svc = c.services.get(s);
      if (!svc) continue;
      wanted[s] = svc.desiredCount;
      let n = 0;
      for (const t of svc.tasks) if (t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING') n++;
      running[s] = n;
    }
    // Every group of the cluster pays (several groups: issue 13), the ones the policy does not drive too:
    // a snapshot's other groups (counting only the simulated one let the project's policy grow another
    // tagged group for free, and come out below the lower bound).
    const paying = [...sim.asg.groups.values()]
      .flatMap((g) => [...g.instances.values()])
      .filter((i) => i.ec2State === 'pending' || i.ec2State === 'running');
    const m = bounds(wanted);
    metrics.add({
      t: sim.elapsedSeconds,
      instances: paying.length,
      costUnits: paying.reduce((s, i) => s + (weights.get(i.type.name) ?? 1), 0),
      desiredCapacity: group.desired,
      wanted,
      running,
      lowerBound: m.lowerBound,
      packingReference: m.packingReference,
      headroom: headroomOf(c, replicaServices, wanted),
    });
  };
  sim.install();
  try {
    if (policy === 'ecs-autoscaler') await registerProjectHandlers(sim);
    else if (policy === 'threshold-alarms') driveBaseline(world, thresholdAlarmsPolicy(), errors);
    else if (policy === 'capacity-provider-tuned') {
      driveBaseline(world, tunedCapacityProvider(world.shape), errors);
    } else driveBaseline(world, capacityProviderPolicy(), errors);
    // ECS's managed scaling drives the groups of the providers that have it on, under every policy (the
    // scaler stands aside from them): the capacity-provider model, on the tasks of each provider's strategy
    // only (managed scaling counts the tasks a provider provisions). The group the policies drive is theirs.
    for (const p of capacityProviderSpecs(sim.ecs)) {
      if (!p.managedScaling || p.autoScalingGroup === world.asg || p.cluster !== cluster) continue;
      driveBaseline(world, capacityProviderPolicy(), errors, p.autoScalingGroup, (s) =>
        s.capacityProviderStrategy.some((i) => i.capacityProvider === p.name),
      );
    }
    sim.start();
    sample();
    sim.clock.every(sampleSeconds, 'bench:sample', sample);
    await sim.runUntil(trace.durationSeconds);
  } finally {
    sim.dispose();
  }
  const failed = sim.invocations.filter((i) => i.outcome !== 'ok');
  for (const f of failed.slice(0, 5)) errors.push(`${f.fn} at ${f.t}s: ${f.outcome} ${f.error ?? ''}`);
  // An invocation that ends "ok" but skipped its cluster (AWS rejected a call, bad config) scaled
  // nothing: a benchmark of it would measure an idle group, so say so.
  const skipped = sim.invocations.filter((i) =>
    /"status":"(rejected|error|invalid-config|configuration-error)"/.test(JSON.stringify(i.result ?? null)),
  );
  if (skipped.length > 0) {
    errors.push(
      `${skipped.length} invocation(s) skipped the cluster, first ${skipped[0]!.fn} at ${skipped[0]!.t}s (POWERTOOLS_LOG_LEVEL=WARN shows why)`,
    );
  }
  return {
    figures: metrics.finish(),
    extras: metrics.extras(),
    samples: metrics.samples,
    violations: sim.violations.map((v) => ({ t: v.t, kind: v.kind, message: v.message })),
    invocations: sim.invocations.length,
    errors,
  };
};

/** Options of {@link replay}. */
export interface ReplayOptions {
  cluster: BenchCluster;
  trace: Trace;
  policy: PolicyName;
  seed?: number;
  /** Sampling interval of the figures, seconds (default 30). */
  sampleSeconds?: number;
  /** Extra `ecs-autoscaler:*` tags on the group (ecs-autoscaler only), e.g. a shorter scale-in cooldown. */
  projectTags?: Readonly<Record<string, string>>;
}

/** Builds the benchmark cluster and plays the trace on it. */
export const replay = (opts: ReplayOptions): Promise<ReplayResult> =>
  runWorld(
    buildBenchWorld(opts.cluster, opts.trace, opts.policy, opts.seed ?? 1, opts.projectTags),
    opts.trace,
    opts.policy,
    opts.sampleSeconds,
  );
