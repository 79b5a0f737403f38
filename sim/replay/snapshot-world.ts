/**
 * A simulator world seeded from a recorded ClusterSnapshot, for `ecs-autoscaler simulate`, and the
 * trace to play on it when the user names a built-in shape instead of a file.
 */
import { ConfigurationError } from '../../shared/core/errors.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import { createSim } from '../index.js';
import { providerNamesGroup, runsOffEc2 } from '../setup/snapshot-seed.js';
import type { BenchCluster, BenchService } from '../traces/builtin.js';
import { desiredAt, type Trace, traceServices } from '../traces/trace.js';
import type { PolicyName, World } from './replay.js';

/**
 * The tag that puts a group under ecs-autoscaler (its documented contract, restated here so the
 * simulator does not import the planner).
 */
const CLUSTER_TAG = 'ecs-autoscaler:cluster';

/** The scaler's dry-run tag (its documented contract, restated like {@link CLUSTER_TAG}). */
const DRY_RUN_TAG = 'ecs-autoscaler:dry-run';

/** The snapshot's group a capacity provider's `autoScalingGroupArn` names (an ARN, or a bare name). */
const groupOfProvider = (snapshot: ClusterSnapshot, arn: string): string | undefined =>
  snapshot.autoScalingGroups.find((g) => providerNamesGroup(arn, g.AutoScalingGroupName))
    ?.AutoScalingGroupName;

/** The most tasks a simulated service runs: a trace file's limit too (sim/traces/trace.ts). */
const MAX_TASKS_PER_SERVICE = 100_000;

/** Groups tagged for the snapshot's cluster. */
const managedGroups = (snapshot: ClusterSnapshot) =>
  snapshot.autoScalingGroups.filter((g) =>
    g.Tags.some((t) => t.Key === CLUSTER_TAG && t.Value === snapshot.cluster.clusterName),
  );

/** A numeric ECS resource value (integer, long or double), 0 when absent. */
const resourceValue = (
  resources:
    | readonly { name?: string; integerValue?: number; longValue?: number; doubleValue?: number }[]
    | undefined,
  name: string,
): number => {
  const r = resources?.find((x) => x.name === name);
  return r?.integerValue ?? r?.longValue ?? r?.doubleValue ?? 0;
};

/** The group a simulation scales: the one tagged for the cluster, else the only one. */
export const simulatedGroup = (snapshot: ClusterSnapshot): string => {
  const tagged = managedGroups(snapshot)[0];
  if (tagged) return tagged.AutoScalingGroupName;
  if (snapshot.autoScalingGroups.length === 1) return snapshot.autoScalingGroups[0]!.AutoScalingGroupName;
  throw new ConfigurationError(
    `snapshot of cluster ${snapshot.cluster.clusterName} has ${snapshot.autoScalingGroups.length} Auto Scaling groups and none is tagged ${CLUSTER_TAG}=${snapshot.cluster.clusterName}: tag the one to simulate, or record a snapshot of a cluster with one group.`,
  );
};

/** The cluster's shape for the lower bound: its instance sizes and services. */
export const snapshotShape = (
  snapshot: ClusterSnapshot,
  reservationOf: (taskDefinitionArn: string) => { cpu: number; memory: number } | undefined,
): BenchCluster => {
  const services: BenchService[] = snapshot.services
    .filter((s) => s.status === 'ACTIVE' && !runsOffEc2(snapshot, s))
    .map((s) => {
      // An EXTERNAL service may name no task definition: its (first) task set's is the size of its tasks.
      const td = s.taskDefinition ?? s.deployments[0]?.taskDefinition ?? s.taskSets?.[0]?.taskDefinition;
      const r = reservationOf(td ?? '') ?? {
        cpu: 0,
        memory: 0,
      };
      return {
        name: s.serviceName,
        cpu: r.cpu,
        memory: r.memory,
        daemon: s.schedulingStrategy === 'DAEMON',
        initial: s.desiredCount,
      };
    });
  const sizes = new Map<string, { type: string; cpu: number; memory: number }>();
  for (const ci of snapshot.containerInstances) {
    const cpu = resourceValue(ci.registeredResources, 'CPU');
    const memory = resourceValue(ci.registeredResources, 'MEMORY');
    const type = ci.attributes?.find((a) => a.name === 'ecs.instance-type')?.value ?? `${cpu}/${memory}`;
    if (cpu > 0) sizes.set(`${cpu}/${memory}`, { type, cpu, memory });
  }
  const group = snapshot.autoScalingGroups.find((g) => g.AutoScalingGroupName === simulatedGroup(snapshot))!;
  return {
    name: snapshot.cluster.clusterName,
    instanceTypes: sizes.size > 0 ? [...sizes.values()] : [{ type: 'm5.large', cpu: 2048, memory: 7680 }],
    initialInstances: group.DesiredCapacity,
    asg: { min: group.MinSize, max: group.MaxSize },
    bootSeconds: 45,
    registerSeconds: 30,
    services,
  };
};

/**
 * A built-in trace applied to a snapshot's services: each REPLICA service's desired count follows the
 * trace's total demand relative to its mean (the snapshot's count is the mean level), within the
 * service's scalable target bounds when it has one.
 */
export const shapeTraceForSnapshot = (builtin: Trace, snapshot: ClusterSnapshot): Trace => {
  const names = traceServices(builtin);
  const total = (t: number): number => {
    const d = desiredAt(builtin, t);
    return names.reduce((s, n) => s + (d[n] ?? 0), 0);
  };
  const times = builtin.points.map((p) => p.t);
  const weights = times.map((t, i) => ((times[i + 1] ?? builtin.durationSeconds) - t) * total(t));
  const mean = weights.reduce((a, b) => a + b, 0) / builtin.durationSeconds || 1;
  const replicas = snapshot.services.filter(
    (s) => s.status === 'ACTIVE' && s.schedulingStrategy !== 'DAEMON' && !runsOffEc2(snapshot, s),
  );
  // A service with an Application Auto Scaling target stays within its MinCapacity..MaxCapacity, as its
  // scaling keeps it: the shape's night does not take it below its floor, nor its peak above its ceiling.
  const bounds = new Map(
    snapshot.scalableTargets
      .filter((t) => t.ServiceNamespace === 'ecs' && t.ScalableDimension === 'ecs:service:DesiredCount')
      .map((t) => [t.ResourceId, t] as const),
  );
  const within = (name: string, n: number): number => {
    const t = bounds.get(`service/${snapshot.cluster.clusterName}/${name}`);
    return t ? Math.min(Math.max(n, t.MinCapacity), Math.max(t.MinCapacity, t.MaxCapacity)) : n;
  };
  return {
    name: `${builtin.name} (shape applied to ${snapshot.cluster.clusterName})`,
    description: builtin.description,
    durationSeconds: builtin.durationSeconds,
    points: times.map((t) => ({
      t,
      desired: Object.fromEntries(
        replicas.map((s) => [
          s.serviceName,
          within(s.serviceName, Math.max(0, Math.round((s.desiredCount * total(t)) / mean))),
        ]),
      ),
    })),
  };
};

/** Seeds a simulator from the snapshot, with the group set up for the policy. */
export const buildSnapshotWorld = (
  snapshot: ClusterSnapshot,
  policy: PolicyName,
  seed = 1,
  /** Debug: deep-freeze every API answer (see SimOptions.freezeAnswers). */
  options: { freezeAnswers?: boolean } = {},
): World => {
  // The simulator starts every task a service wants: a corrupted count (10^12) would fill the heap before
  // the first simulated minute. A trace file may ask for 100,000 tasks per service; so may a snapshot.
  // (What the simulator refuses under ECS's rules, the seeding says is the file's fault: snapshot-seed.ts.)
  for (const s of snapshot.services) {
    if (s.desiredCount > MAX_TASKS_PER_SERVICE) {
      throw new ConfigurationError(
        `service ${s.serviceName} of the snapshot wants ${s.desiredCount} tasks; simulate replays at most ${MAX_TASKS_PER_SERVICE} per service`,
      );
    }
  }
  // The simulated day starts when the snapshot was taken: its times (the scaler's own state tags such as
  // `last-scale-out`, instance registrations, service events) are then in the past, as they were. From
  // the simulator's default start (2025) a recent snapshot's times lie in the future, and the scaler
  // read its last scale-out as "just now" for the whole day: in cooldown, never scaling.
  const sim = createSim({ seed, sampleSeconds: 300, start: snapshot.capturedAt, ...options });
  const project = policy === 'ecs-autoscaler';
  const asg = simulatedGroup(snapshot);
  const seeded: ClusterSnapshot = structuredClone(snapshot);
  const replayNotes: string[] = [];
  for (const g of seeded.autoScalingGroups) {
    if (g.AutoScalingGroupName !== asg) continue;
    // The project manages the group through its tag; the baselines must not see it (or the project's alarms).
    // Its dry-run tag (the first step of a migration, docs/coexistence.md) is dropped: simulate shows what
    // the scaler would do if it acted.
    if (project && g.Tags.some((t) => t.Key === DRY_RUN_TAG && t.Value === 'true')) {
      replayNotes.push(
        `group ${asg} is tagged ${DRY_RUN_TAG}=true; ecs-autoscaler is replayed acting on it, as without the tag`,
      );
    }
    g.Tags = g.Tags.filter((t) => t.Key !== CLUSTER_TAG && !(project && t.Key === DRY_RUN_TAG));
    if (project) g.Tags.push({ Key: CLUSTER_TAG, Value: snapshot.cluster.clusterName });
    g.NewInstancesProtectedFromScaleIn = policy !== 'threshold-alarms';
  }
  for (const p of seeded.capacityProviders ?? []) {
    const provider = p.autoScalingGroupProvider;
    const group = groupOfProvider(seeded, provider?.autoScalingGroupArn ?? '');
    if (!provider || group === undefined) continue;
    const managed = provider.managedScaling?.status === 'ENABLED';
    if (group === asg && project && (managed || provider.managedTerminationProtection === 'ENABLED')) {
      // A capacity provider's managed scaling drives the group to simulate: the scaler stands aside from
      // it (docs/coexistence.md), and the policy compared would be ECS's. Replayed as after the
      // migration's third step instead: managed scaling and managed termination protection off, the
      // services keeping the provider's strategy. (Other providers' groups keep their managed scaling,
      // replayed by the capacity-provider model under every policy: replay.ts.)
      provider.managedScaling = { ...provider.managedScaling, status: 'DISABLED' };
      provider.managedTerminationProtection = 'DISABLED';
      replayNotes.push(
        `capacity provider ${p.name} drives group ${asg} with managed scaling or termination protection; ecs-autoscaler is replayed as after the migration (both off, docs/coexistence.md), the baselines as recorded`,
      );
    }
  }
  // A blue/green (or EXTERNAL) deployment under way when the snapshot was recorded: the simulator has no
  // CodeDeploy to finish it, so every set keeps its scale all day (docs/simulate.md).
  for (const s of seeded.services) {
    const sets = (s.taskSets ?? []).filter((t) => t.status !== 'DRAINING');
    if (s.status === 'ACTIVE' && sets.length > 1) {
      replayNotes.push(
        `service ${s.serviceName} was mid-deployment (${sets.length} task sets: ${sets.map((t) => `${t.status} ${t.taskDefinition.split('/').pop()} at ${t.scale?.value ?? 100} %`).join(', ')}); each keeps its scale for the whole replay, as no CodeDeploy finishes it here: record the snapshot after the deployment for a usual day`,
      );
    }
  }
  // Processes the operator suspended on a group stay suspended for every policy's replay.
  for (const g of seeded.autoScalingGroups) {
    const names = (g.SuspendedProcesses ?? []).map((p) => p.ProcessName);
    const effects = [
      ...(names.includes('Launch') ? ['launches nothing'] : []),
      ...(names.includes('Terminate') ? ['does not scale in'] : []),
    ];
    if (effects.length > 0) {
      replayNotes.push(
        `group ${g.AutoScalingGroupName} has ${names.join(', ')} suspended (SuspendProcesses); every policy's replay keeps them suspended all day, so the group ${effects.join(' and ')}: resume them before recording the snapshot for a usual day`,
      );
    }
  }
  const { notes } = sim.seedFromSnapshot(
    seeded,
    project
      ? {
          terminationHook: { name: 'ecs-autoscaler-drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
        }
      : {},
  );
  return {
    sim,
    cluster: snapshot.cluster.clusterName,
    asg,
    shape: snapshotShape(snapshot, (arn) => sim.ecs.taskDefinition(arn)?.reservation),
    notes: [...replayNotes, ...notes],
  };
};
