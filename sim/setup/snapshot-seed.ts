/**
 * Seeds a simulator from a ClusterSnapshot (shared/core/snapshot/snapshot.ts), for `simulate --snapshot`:
 * cluster, task definitions (raw), container instances with their registered resources, status and
 * ARNs, services, the snapshot's tasks when it has them, Auto Scaling groups with their instances
 * (same ids, states, protection) and ECS scalable targets.
 *
 * CODE_DEPLOY and EXTERNAL services keep their deployment controller and task sets (seed-task-sets.ts).
 *
 * Capacity providers: each provider of the snapshot whose Auto Scaling group is seeded is created (with
 * its managed scaling and termination protection settings, and ECS's `AmazonECSManaged` tag), the
 * cluster's default strategy and the services' strategies are kept, and each container instance keeps the
 * `capacityProviderName` it had. A strategy naming a provider that is not seeded (FARGATE, a group not in
 * the snapshot) leaves that service's tasks unplaced in the simulator, as its tasks run elsewhere.
 *
 * Approximations: without `tasks` in the snapshot the service scheduler places the services' tasks
 * itself, so per-instance reservations may differ from the snapshot's remainingResources; ASG
 * lifecycle hooks are not part of a snapshot (pass `terminationHook` to add one); instance boot
 * settings use the defaults of `createAutoScalingGroup`.
 */
import { ConfigurationError } from '../../shared/core/errors.js';
import type { ClusterSnapshot, Resource } from '../../shared/core/snapshot/index.js';
import type { ScalableTargetSpec } from '../aas/aas.js';
import type { AsgSpec, AsgWorld, SimInstanceRequirements } from '../asg/asg-world.js';
import type { LifecycleHookSpec, SimAsg, SimAsgInstance } from '../asg/model.js';
import { createCapacityProvider } from '../coexist.js';
import { setDefaultCapacityProviderStrategy, strategyItems } from '../ecs/capacity-providers.js';
import type { EcsWorld, ServiceSpec } from '../ecs/ecs-world.js';
import type { SimContainerInstance } from '../ecs/model.js';
import { type InstanceTypeSpec, instanceType } from '../ecs/resources.js';
import type { RawTaskDefinitionInput } from '../ecs/task-definitions.js';
import { seedTaskDefinitionOf, seedTaskSets, taskSetControllerOf } from './seed-task-sets.js';

/**
 * Runs one seeding step the simulator may refuse under ECS's own rules (sim/ecs/resources.ts: a task
 * definition ECS would not register; sim/ecs/ecs-world.ts: a service whose task definition is not
 * registered): such a refusal is the snapshot's fault, said as the file's error naming the item.
 */
const seedStep = <T>(item: string, step: () => T, service = 'ECS'): T => {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `${item} of the snapshot cannot be simulated (${(error as Error).message.replace(/^sim: /, '')}): ${service} would not have accepted it; record the snapshot again`,
      { cause: error },
    );
  }
};

const resource = (list: readonly Resource[], name: string): number => {
  const r = list.find((x) => x.name === name);
  return r?.integerValue ?? r?.longValue ?? r?.doubleValue ?? r?.stringSetValue?.length ?? 0;
};

const typeFor = (name: string | undefined, ci: SimContainerInstance | undefined): InstanceTypeSpec => {
  if (ci)
    return {
      name: ci.instanceType,
      cpu: ci.registered.cpu,
      memory: ci.registered.memory,
      gpu: ci.registered.gpu,
    };
  try {
    return instanceType(name ?? 'm5.large');
  } catch {
    return { name: name ?? 'unknown', cpu: 2048, memory: 7680 };
  }
};

type SnapshotGroup = ClusterSnapshot['autoScalingGroups'][number];

/** Whether a capacity provider's `autoScalingGroupArn` (an ARN, or a bare name) names group `name`. */
export const providerNamesGroup = (arn: string, name: string): boolean =>
  arn === name || arn.endsWith(`:autoScalingGroupName/${name}`);

/**
 * Whether a service of the snapshot runs its tasks off the cluster's EC2 instances: on Fargate (launch type
 * FARGATE, or a strategy naming only the FARGATE and FARGATE_SPOT providers — its own, or the cluster's
 * default when it names no launch type) or on ECS Anywhere (launch type EXTERNAL). The simulator models
 * neither, and such tasks take no instance of the groups: the seeding leaves the service out.
 */
export const runsOffEc2 = (snap: ClusterSnapshot, s: ClusterSnapshot['services'][number]): boolean => {
  if (s.launchType === 'FARGATE' || s.launchType === 'EXTERNAL') return true;
  if (s.launchType) return false;
  const strategy = s.capacityProviderStrategy?.length
    ? s.capacityProviderStrategy
    : (snap.cluster.defaultCapacityProviderStrategy ?? []);
  return (
    strategy.length > 0 && strategy.every((i) => ['FARGATE', 'FARGATE_SPOT'].includes(i.capacityProvider))
  );
};

/**
 * Custom attributes every registered member of the group carries with the same value (not ECS's own
 * `ecs.*`, nor the scaler's `ecs-autoscaler.*` marks): what its user data gives the agent, when the snapshot
 * holds no launch template version (`snapshot` reads them only for groups that name no instance type).
 */
const sharedAttributes = (
  g: SnapshotGroup,
  byEc2: ReadonlyMap<string, SimContainerInstance>,
): Record<string, string> | undefined => {
  const members = g.Instances.flatMap((i) => byEc2.get(i.InstanceId) ?? []);
  if (members.length === 0) return undefined;
  const custom = (ci: SimContainerInstance) =>
    ci.attributes.filter(
      (a) => a.value !== undefined && !a.name.startsWith('ecs.') && !a.name.startsWith('ecs-autoscaler.'),
    );
  const shared = custom(members[0]!).filter((a) =>
    members.every((m) => m.attributes.some((b) => b.name === a.name && b.value === a.value)),
  );
  return shared.length > 0 ? Object.fromEntries(shared.map((a) => [a.name, a.value!])) : undefined;
};

/** AWS `InstanceRequirements` (VCpuCount, MemoryMiB, AcceleratorCount, price protection) as the simulator's. */
const requirementsOf = (group: string, r: Record<string, unknown>): SimInstanceRequirements => {
  const range = (v: unknown, field: string) => {
    const out = (v ?? {}) as { Min?: unknown; Max?: unknown };
    for (const bound of ['Min', 'Max'] as const) {
      const x = out[bound];
      if (x !== undefined && !(typeof x === 'number' && x >= 0)) {
        throw new ConfigurationError(
          `group ${group} of the snapshot: InstanceRequirements.${field}.${bound} is ${JSON.stringify(x)}, not a count`,
        );
      }
    }
    return out as { Min?: number; Max?: number };
  };
  const vcpu = range(r.VCpuCount, 'VCpuCount');
  const mem = range(r.MemoryMiB, 'MemoryMiB');
  const acc = r.AcceleratorCount === undefined ? undefined : range(r.AcceleratorCount, 'AcceleratorCount');
  return {
    vcpu: { min: vcpu.Min ?? 0, ...(vcpu.Max !== undefined ? { max: vcpu.Max } : {}) },
    memoryMiB: { min: mem.Min ?? 0, ...(mem.Max !== undefined ? { max: mem.Max } : {}) },
    ...(acc
      ? {
          acceleratorCount: {
            ...(acc.Min !== undefined ? { min: acc.Min } : {}),
            ...(acc.Max !== undefined ? { max: acc.Max } : {}),
          },
        }
      : {}),
    ...(typeof r.OnDemandMaxPricePercentageOverLowestPrice === 'number'
      ? { onDemandMaxPricePercent: r.OnDemandMaxPricePercentageOverLowestPrice }
      : {}),
  };
};

/**
 * What a group launches, as recorded: its MixedInstancesPolicy (overrides in order with their weights or
 * instance requirements, the capacity unit, the on-demand strategy and share), else the type its launch
 * configuration or launch template names, else its first member's type; its warm pool; the custom
 * attributes its launch template's user data gives the agent. A type takes what an instance of it registers
 * in the snapshot, else the simulator's table.
 */
const launchesOf = (
  snap: ClusterSnapshot,
  g: SnapshotGroup,
  registeredType: (name: string | undefined) => InstanceTypeSpec,
  byEc2: ReadonlyMap<string, SimContainerInstance>,
): Partial<AsgSpec> => {
  const template = g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification ?? g.LaunchTemplate;
  const versions = (snap.launchTemplateVersions ?? []).filter(
    (v) =>
      template !== undefined &&
      ((template.LaunchTemplateId !== undefined && v.LaunchTemplateId === template.LaunchTemplateId) ||
        (template.LaunchTemplateName !== undefined && v.LaunchTemplateName === template.LaunchTemplateName)),
  );
  const version =
    versions.find((v) => String(v.VersionNumber) === template?.Version) ??
    versions.find((v) => v.DefaultVersion) ??
    versions[0];
  const attributes = version?.LaunchTemplateData?.EcsInstanceAttributes ?? sharedAttributes(g, byEc2);
  // AWS refuses a warm pool on a mixed-instances group (PutWarmPool): a hand-made snapshot's is dropped.
  const warm = (g.MixedInstancesPolicy ? undefined : g.WarmPoolConfiguration) as
    | { MinSize?: number; InstanceReusePolicy?: { ReuseOnScaleIn?: boolean } }
    | undefined;
  const common: Partial<AsgSpec> = {
    ...(attributes && Object.keys(attributes).length > 0 ? { agentAttributes: attributes } : {}),
    ...(warm
      ? {
          warmPool: {
            minSize: warm.MinSize ?? 0,
            reuseOnScaleIn: warm.InstanceReusePolicy?.ReuseOnScaleIn === true,
          },
        }
      : {}),
  };
  const overrides = (g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).flatMap(
    (o): NonNullable<AsgSpec['mixedInstances']>['overrides'] =>
      o.InstanceRequirements
        ? [
            {
              requirements: requirementsOf(
                g.AutoScalingGroupName,
                o.InstanceRequirements as Record<string, unknown>,
              ),
            },
          ]
        : o.InstanceType
          ? [
              {
                type: registeredType(o.InstanceType),
                ...(o.WeightedCapacity !== undefined ? { weight: Number(o.WeightedCapacity) || 1 } : {}),
              },
            ]
          : [],
  );
  if (overrides.length > 0) {
    const distribution = g.MixedInstancesPolicy?.InstancesDistribution;
    const unit = g.DesiredCapacityType;
    const strategy = distribution?.OnDemandAllocationStrategy;
    return {
      ...common,
      mixedInstances: {
        overrides,
        ...(unit === 'vcpu' || unit === 'memory-mib' || unit === 'units'
          ? { desiredCapacityType: unit }
          : {}),
        ...(strategy === 'prioritized' || strategy === 'lowest-price' ? { strategy } : {}),
        ...(distribution?.OnDemandPercentageAboveBaseCapacity !== undefined
          ? { onDemandPercentAboveBase: distribution.OnDemandPercentageAboveBaseCapacity }
          : {}),
      },
    };
  }
  const configured =
    (snap.launchConfigurations ?? []).find((c) => c.LaunchConfigurationName === g.LaunchConfigurationName)
      ?.InstanceType ?? version?.LaunchTemplateData?.InstanceType;
  const first = g.Instances[0];
  return {
    ...common,
    instanceTypes: [
      configured
        ? registeredType(configured)
        : typeFor(first?.InstanceType, byEc2.get(first?.InstanceId ?? '')),
    ],
  };
};

/**
 * Builds the snapshot's world in `sim` (which must not have started).
 * @throws Error when the simulator already started or the snapshot references unknown definitions.
 */
/**
 * What seeding needs of the simulator (the `Sim` facade satisfies it); a narrow port so this module does
 * not import the facade that calls it.
 */
export interface SeedTarget {
  readonly started: boolean;
  readonly nowMs: number;
  readonly settings: { readonly region: string };
  readonly ecs: EcsWorld;
  readonly asg: AsgWorld;
  createCluster(name: string): unknown;
  registerTaskDefinition(spec: RawTaskDefinitionInput): unknown;
  createService(spec: ServiceSpec): unknown;
  createAutoScalingGroup(spec: AsgSpec): SimAsg;
  registerScalableTarget(spec: ScalableTargetSpec): unknown;
}

/** What the seeding could not build from the snapshot, in words for the person who runs it. */
export interface SeedNotes {
  notes: string[];
}

export const seedFromSnapshot = (
  sim: SeedTarget,
  snap: ClusterSnapshot,
  opts: { terminationHook?: LifecycleHookSpec } = {},
): SeedNotes => {
  if (sim.started) throw new Error('sim: seedFromSnapshot must run before the simulation starts.');
  const clusterName = snap.cluster.clusterName;
  sim.createCluster(clusterName);
  for (const td of snap.taskDefinitions) {
    seedStep(`task definition ${td.taskDefinitionArn}`, () =>
      sim.registerTaskDefinition(structuredClone(td) as RawTaskDefinitionInput),
    );
  }

  const byEc2 = new Map<string, SimContainerInstance>();
  const byArn = new Map<string, SimContainerInstance>();
  for (const raw of snap.containerInstances) {
    if (raw.status === 'INACTIVE' || !raw.ec2InstanceId) continue;
    const attr = (n: string) => raw.attributes?.find((a) => a.name === n)?.value;
    const ci = sim.ecs.registerContainerInstance({
      cluster: clusterName,
      ec2InstanceId: raw.ec2InstanceId,
      arn: raw.containerInstanceArn,
      az: attr('ecs.availability-zone') ?? `${sim.settings.region}a`,
      instanceType: {
        name: attr('ecs.instance-type') ?? 'unknown',
        cpu: resource(raw.registeredResources, 'CPU'),
        memory: resource(raw.registeredResources, 'MEMORY'),
        gpu: resource(raw.registeredResources, 'GPU'),
      },
      attributes: (raw.attributes ?? []).filter(
        (a) =>
          !['ecs.availability-zone', 'ecs.instance-type', 'ecs.os-type', 'ecs.cpu-architecture'].includes(
            a.name,
          ),
      ),
    });
    if (raw.status === 'DRAINING') ci.status = 'DRAINING';
    ci.agentConnected = raw.agentConnected;
    byEc2.set(ci.ec2InstanceId, ci);
    byArn.set(ci.arn, ci);
  }

  const awsvpc = new Set(
    snap.taskDefinitions.filter((d) => d.networkMode === 'awsvpc').map((d) => d.taskDefinitionArn),
  );
  const subnetsOf = (s: (typeof snap.services)[number]): string[] | undefined => {
    const subnets = s.networkConfiguration?.awsvpcConfiguration?.subnets;
    return subnets?.length && awsvpc.has(s.taskDefinition ?? '') ? subnets : undefined;
  };
  // Services first with no tasks wanted, so the snapshot's own tasks can be attached to them.
  const offEc2 = snap.services.filter((s) => s.status === 'ACTIVE' && runsOffEc2(snap, s));
  for (const s of snap.services) {
    if (s.status !== 'ACTIVE' || offEc2.includes(s)) continue;
    const controller = taskSetControllerOf(s);
    const taskDefinition = controller
      ? seedTaskDefinitionOf(s)
      : (s.taskDefinition ?? s.deployments[0]?.taskDefinition ?? '');
    seedStep(`service ${s.serviceName}`, () =>
      sim.createService({
        cluster: clusterName,
        name: s.serviceName,
        ...(taskDefinition !== undefined ? { taskDefinition } : {}),
        // CODE_DEPLOY and EXTERNAL services keep their controller and task sets (seed-task-sets.ts).
        ...(controller ? { deploymentController: { type: controller } } : {}),
        desiredCount: 0,
        schedulingStrategy: s.schedulingStrategy === 'DAEMON' ? 'DAEMON' : 'REPLICA',
        // An awsvpc service keeps its subnets (its hosts must be in their AZs).
        ...(subnetsOf(s) ? { subnets: subnetsOf(s) } : {}),
        ...(s.placementStrategy
          ? {
              placementStrategy: s.placementStrategy as Array<{
                type: 'binpack' | 'spread' | 'random';
                field?: string;
              }>,
            }
          : {}),
        // The service's constraints (distinctInstance, memberOf): createService checks them as ECS does.
        ...(s.placementConstraints?.length
          ? { placementConstraints: s.placementConstraints as ServiceSpec['placementConstraints'] }
          : {}),
        ...(s.deploymentConfiguration?.minimumHealthyPercent !== undefined
          ? { minimumHealthyPercent: s.deploymentConfiguration.minimumHealthyPercent }
          : {}),
        ...(s.deploymentConfiguration?.maximumPercent !== undefined
          ? { maximumPercent: s.deploymentConfiguration.maximumPercent }
          : {}),
        tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
      }),
    );
    if (controller) {
      const svc = sim.ecs.cluster(clusterName)!.services.get(s.serviceName)!;
      seedStep(`the task sets of service ${s.serviceName}`, () => seedTaskSets(sim.ecs, svc, s));
    }
  }
  const cluster = sim.ecs.cluster(clusterName)!;
  for (const t of snap.tasks ?? []) {
    if (t.lastStatus === 'STOPPED' || t.desiredStatus === 'STOPPED' || !t.containerInstanceArn) continue;
    const ci = byArn.get(t.containerInstanceArn);
    const td = sim.ecs.taskDefinition(t.taskDefinitionArn);
    if (!ci || !td) continue;
    const service = t.group?.startsWith('service:')
      ? cluster.services.get(t.group.slice('service:'.length))
      : undefined;
    sim.ecs.placeTask(ci, td, {
      group: t.group ?? `family:${td.family}`,
      ...(service ? { service } : {}),
      ...(t.startedBy ? { startedBy: t.startedBy } : {}),
    });
  }
  for (const s of snap.services) {
    const svc = cluster.services.get(s.serviceName);
    if (svc && svc.schedulingStrategy === 'REPLICA') svc.desiredCount = s.desiredCount;
  }
  sim.ecs.requestReconcile(cluster);

  const registeredType = (name: string | undefined): InstanceTypeSpec =>
    typeFor(
      name,
      [...byEc2.values()].find((ci) => ci.instanceType === name),
    );
  // The groups tagged for the scaler and, when `snapshot` recorded them, its capacity providers' own groups.
  // A provider's group tagged for the scaler of another cluster (a misconfiguration) is not this cluster's
  // scaler's either: it is seeded without that tag.
  const providerGroups = (snap.providerGroups ?? []).map((g) => ({
    ...g,
    Tags: g.Tags.filter((t) => t.Key !== 'ecs-autoscaler:cluster'),
  }));
  for (const g of [...snap.autoScalingGroups, ...providerGroups]) {
    const group = seedStep(
      `group ${g.AutoScalingGroupName}`,
      () =>
        sim.createAutoScalingGroup({
          name: g.AutoScalingGroupName,
          cluster: clusterName,
          min: 0,
          max: g.MaxSize,
          desired: 0,
          ...(g.AvailabilityZones?.length ? { azs: g.AvailabilityZones } : {}),
          ...launchesOf(snap, g, registeredType, byEc2),
          tags: Object.fromEntries(g.Tags.map((t) => [t.Key, t.Value ?? ''])),
          newInstancesProtectedFromScaleIn: g.NewInstancesProtectedFromScaleIn ?? false,
          ...(opts.terminationHook ? { terminationHook: opts.terminationHook } : {}),
        }),
      'Auto Scaling',
    );
    group.min = g.MinSize;
    group.desired = g.DesiredCapacity;
    // Processes the operator suspended stay suspended (nothing in the replay resumes them).
    sim.asg.suspendProcesses(
      group,
      (g.SuspendedProcesses ?? []).map((p) => p.ProcessName),
      true,
    );
    for (const i of g.Instances) {
      const ci = byEc2.get(i.InstanceId);
      const state = (
        ['Pending', 'InService'].includes(i.LifecycleState) ? i.LifecycleState : 'InService'
      ) as SimAsgInstance['lifecycleState'];
      group.instances.set(i.InstanceId, {
        id: i.InstanceId,
        weight: Number(i.WeightedCapacity ?? 1) || 1,
        group,
        az: i.AvailabilityZone ?? group.azs[0]!,
        type: typeFor(i.InstanceType, ci),
        lifecycleState: state,
        health: 'Healthy',
        protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
        launchedAt: sim.nowMs - 3600_000,
        launchTemplateVersion: group.launchTemplate.version,
        spot: false,
        ec2State: state === 'Pending' ? 'pending' : 'running',
        willRegister: ci !== undefined,
        ...(ci ? { containerInstance: ci } : {}),
      });
    }
  }

  const notes = seedCapacityProviders(sim, snap, byArn);

  for (const t of snap.scalableTargets) {
    const [, c, service] = t.ResourceId.split('/');
    if (t.ServiceNamespace === 'ecs' && c && service)
      sim.registerScalableTarget({ cluster: c, service, min: t.MinCapacity, max: t.MaxCapacity });
  }
  return {
    notes: [
      ...offEc2.map(
        (s) =>
          `service ${s.serviceName} runs on Fargate or ECS Anywhere, not on the groups' instances: left out of the simulation (no policy scales for it)`,
      ),
      ...notes,
    ],
  };
};

/** The snapshot's capacity providers, default strategy and service strategies (module comment). */
const seedCapacityProviders = (
  sim: SeedTarget,
  snap: ClusterSnapshot,
  byArn: ReadonlyMap<string, SimContainerInstance>,
): string[] => {
  const cluster = sim.ecs.cluster(snap.cluster.clusterName)!;
  // The providers created: one whose group the snapshot lacks (not tagged for the scaler, so not read) is
  // not, and a default strategy naming it must not be set (the simulator refuses an unknown provider).
  const seeded = new Set<string>();
  const missing = new Map<string, string>();
  for (const p of snap.capacityProviders ?? []) {
    const arn = p.autoScalingGroupProvider?.autoScalingGroupArn ?? '';
    const group = [...sim.asg.groups.keys()].find((name) => providerNamesGroup(arn, name));
    if (!group) {
      missing.set(p.name, arn.split('autoScalingGroupName/')[1] ?? arn);
      continue;
    }
    createCapacityProvider(sim.ecs, sim.asg, {
      name: p.name,
      cluster: cluster.name,
      autoScalingGroup: group,
      managedScaling: p.autoScalingGroupProvider?.managedScaling?.status === 'ENABLED',
      managedTerminationProtection: p.autoScalingGroupProvider?.managedTerminationProtection === 'ENABLED',
      managedDraining: p.autoScalingGroupProvider?.managedDraining === 'ENABLED',
    });
    seeded.add(p.name);
  }
  // Each instance keeps the provider it had (one registered before its group became a provider's has none).
  for (const raw of snap.containerInstances) {
    const ci = byArn.get(raw.containerInstanceArn);
    if (!ci) continue;
    if (raw.capacityProviderName) ci.capacityProviderName = raw.capacityProviderName;
    else delete ci.capacityProviderName;
  }
  const known = (items: readonly { capacityProvider: string }[]) =>
    items.filter((i) => seeded.has(i.capacityProvider));
  const fallback = snap.cluster.defaultCapacityProviderStrategy ?? [];
  if (known(fallback).length > 0) setDefaultCapacityProviderStrategy(cluster, known(fallback));
  const waiting = new Map<string, string[]>();
  for (const s of snap.services) {
    const svc = cluster.services.get(s.serviceName);
    if (!svc || svc.schedulingStrategy !== 'REPLICA') continue;
    const own = s.capacityProviderStrategy ?? [];
    const items = own.length > 0 ? own : s.launchType ? [] : fallback;
    if (items.length > 0) svc.capacityProviderStrategy = strategyItems(items);
    const absent = items.filter((i) => missing.has(i.capacityProvider)).map((i) => i.capacityProvider);
    for (const name of absent) waiting.set(name, [...(waiting.get(name) ?? []), s.serviceName]);
  }
  return [...waiting].map(
    ([name, services]) =>
      `capacity provider ${name} drives group ${missing.get(name)}, which the snapshot does not hold (it is not tagged for the scaler, and the file was recorded without the providers' groups; record it again with \`ecs-autoscaler snapshot\`): nothing grows it here, so the tasks of ${services.join(', ')} its current instances cannot hold wait under every policy`,
  );
};
