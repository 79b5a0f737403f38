/**
 * Builders for fleet tables: a cluster with several groups, each described by its launch options and
 * its instances (type, weight, what is reserved); services by task size. Raw AWS shapes, parsed.
 */
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { type ClusterPlan, planCluster } from '../../../shared/core/cluster/planner.js';
import { type ClusterPolicy, DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { type ClusterSnapshot, parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

export const NOW = new Date('2026-11-22T12:00:00.000Z');
export const ago = (s: number): string => new Date(NOW.getTime() - s * 1000).toISOString();

/** Registered capacity as ECS reports it (CPU units, MiB, GPUs). */
const REGISTERED: Record<string, [number, number, number, string]> = {
  'm5.large': [2048, 7680, 0, 'x86_64'],
  'm5.xlarge': [4096, 15360, 0, 'x86_64'],
  'c5.large': [2048, 3840, 0, 'x86_64'],
  'c5.2xlarge': [8192, 15360, 0, 'x86_64'],
  'm6g.large': [2048, 7680, 0, 'arm64'],
  'g4dn.xlarge': [4096, 15360, 1, 'x86_64'],
};

export interface FleetInstance {
  id: string;
  type: string;
  /** Reserved CPU / MiB / GPU (default 0). */
  cpu?: number;
  mem?: number;
  gpu?: number;
  running?: number;
  state?: string;
  status?: string;
  protected?: boolean;
  /** Launch template version of the instance (refresh tests). */
  version?: string;
  /** Not registered with ECS (booting). */
  unregistered?: boolean;
  /** Host TCP ports taken on the instance (remainingResources PORTS). */
  ports?: number[];
  /** Registered MiB when not the type's usual (ECS_RESERVED_MEMORY in the user data). */
  registeredMem?: number;
  /** Availability Zone (default us-east-1a). */
  az?: string;
}

export interface FleetGroupSpec {
  name: string;
  min?: number;
  max?: number;
  desired?: number;
  /** Overrides in priority order; weight omitted → no weights. */
  overrides?: { type?: string; weight?: number; requirements?: Record<string, unknown> }[];
  strategy?: string;
  capacityType?: string;
  /** Launch template data (no overrides). */
  templateType?: string;
  /** `ECS_RESERVED_MEMORY` of the launch template's user data, as the reader gives it. */
  reservedMemory?: number;
  instances: FleetInstance[];
  tags?: Record<string, string>;
  newProtected?: boolean;
  version?: string;
  warmPoolReuse?: boolean;
}

export interface FleetServiceSpec {
  name: string;
  cpu: number;
  mem: number;
  gpu?: number;
  desired: number;
  running: number;
  arch?: 'arm64' | 'x86_64';
  /** A static host port (bridge mode). */
  hostPort?: number;
  /** A memberOf constraint expression on the service (besides the architecture's). */
  memberOf?: string;
}

const ci = (id: string) => `arn:aws:ecs:us-east-1:123456789012:container-instance/c1/${id}`;
const td = (s: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${s}:1`;
const res = (cpu: number, mem: number, gpu: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: mem },
  ...(gpu > 0
    ? [{ name: 'GPU', type: 'STRINGSET', stringSetValue: Array.from({ length: gpu }, (_, k) => `gpu-${k}`) }]
    : []),
];

export const fleetSnapshot = (
  groups: FleetGroupSpec[],
  services: FleetServiceSpec[],
  extra: Partial<ClusterSnapshot> = {},
): ClusterSnapshot => {
  const all = groups.flatMap((g) => g.instances.map((i) => ({ g, i })));
  const raw = {
    version: 1,
    capturedAt: NOW.toISOString(),
    cluster: { clusterName: 'c1', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c1' },
    containerInstances: all
      .filter(({ i }) => !i.unregistered)
      .map(({ i }) => {
        const [cpu, typeMem, gpu, arch] = REGISTERED[i.type]!;
        const mem = i.registeredMem ?? typeMem;
        return {
          containerInstanceArn: ci(i.id),
          ec2InstanceId: i.id,
          status: i.status ?? 'ACTIVE',
          agentConnected: true,
          registeredResources: res(cpu, mem, gpu),
          remainingResources: [
            ...res(cpu - (i.cpu ?? 0), mem - (i.mem ?? 0), gpu - (i.gpu ?? 0)),
            ...(i.ports ? [{ name: 'PORTS', type: 'STRINGSET', stringSetValue: i.ports.map(String) }] : []),
          ],
          runningTasksCount: i.running ?? 0,
          pendingTasksCount: 0,
          attributes: [
            { name: 'ecs.availability-zone', value: i.az ?? 'us-east-1a' },
            { name: 'ecs.instance-type', value: i.type },
            { name: 'ecs.cpu-architecture', value: arch },
          ],
        };
      }),
    services: services.map((s) => ({
      serviceName: s.name,
      serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/c1/${s.name}`,
      status: 'ACTIVE',
      desiredCount: s.desired,
      runningCount: s.running,
      pendingCount: 0,
      schedulingStrategy: 'REPLICA',
      ...(s.arch || s.memberOf
        ? {
            placementConstraints: [
              ...(s.arch
                ? [{ type: 'memberOf', expression: `attribute:ecs.cpu-architecture == ${s.arch}` }]
                : []),
              ...(s.memberOf ? [{ type: 'memberOf', expression: s.memberOf }] : []),
            ],
          }
        : {}),
      deployments: [
        {
          status: 'PRIMARY',
          taskDefinition: td(s.name),
          desiredCount: s.desired,
          runningCount: s.running,
          pendingCount: 0,
        },
      ],
    })),
    taskDefinitions: services.map((s) => ({
      taskDefinitionArn: td(s.name),
      cpu: String(s.cpu),
      memory: String(s.mem),
      containerDefinitions: [
        {
          name: 'main',
          ...(s.gpu ? { resourceRequirements: [{ type: 'GPU', value: String(s.gpu) }] } : {}),
          ...(s.hostPort
            ? { portMappings: [{ containerPort: 8080, hostPort: s.hostPort, protocol: 'tcp' }] }
            : {}),
        },
      ],
    })),
    autoScalingGroups: groups.map((g) => {
      const weighted = g.overrides?.some((o) => o.weight !== undefined);
      const weightOf = (type: string) => g.overrides?.find((o) => o.type === type)?.weight;
      return {
        AutoScalingGroupName: g.name,
        MinSize: g.min ?? 0,
        MaxSize: g.max ?? 40,
        DesiredCapacity:
          g.desired ?? g.instances.reduce((u, i) => u + (weighted ? (weightOf(i.type) ?? 1) : 1), 0),
        HealthCheckGracePeriod: 0,
        NewInstancesProtectedFromScaleIn: g.newProtected ?? true,
        LaunchTemplate: { LaunchTemplateId: `lt-${g.name}`, Version: g.version ?? '1' },
        ...(g.overrides
          ? {
              MixedInstancesPolicy: {
                LaunchTemplate: {
                  LaunchTemplateSpecification: {
                    LaunchTemplateId: `lt-${g.name}`,
                    Version: g.version ?? '1',
                  },
                  Overrides: g.overrides.map((o) => ({
                    ...(o.type ? { InstanceType: o.type } : {}),
                    ...(o.requirements ? { InstanceRequirements: o.requirements } : {}),
                    ...(o.weight !== undefined ? { WeightedCapacity: String(o.weight) } : {}),
                  })),
                },
                InstancesDistribution: {
                  ...(g.strategy ? { OnDemandAllocationStrategy: g.strategy } : {}),
                  OnDemandPercentageAboveBaseCapacity: 100,
                },
              },
            }
          : {}),
        ...(g.capacityType ? { DesiredCapacityType: g.capacityType } : {}),
        ...(g.warmPoolReuse
          ? {
              WarmPoolConfiguration: {
                MinSize: 0,
                PoolState: 'Stopped',
                InstanceReusePolicy: { ReuseOnScaleIn: true },
              },
            }
          : {}),
        Instances: g.instances.map((i) => ({
          InstanceId: i.id,
          InstanceType: i.type,
          AvailabilityZone: i.az ?? 'us-east-1a',
          LifecycleState: i.state ?? 'InService',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: i.protected ?? true,
          LaunchTemplate: { LaunchTemplateId: `lt-${g.name}`, Version: i.version ?? g.version ?? '1' },
          ...(weighted ? { WeightedCapacity: String(weightOf(i.type) ?? 1) } : {}),
        })),
        Tags: Object.entries({ 'ecs-autoscaler:cluster': 'c1', ...(g.tags ?? {}) }).map(([Key, Value]) => ({
          Key,
          Value,
          ResourceId: g.name,
          ResourceType: 'auto-scaling-group',
          PropagateAtLaunch: false,
        })),
        ...(g.templateType ? {} : {}),
      };
    }),
    launchTemplateVersions: groups
      .filter((g) => g.templateType)
      .map((g) => ({
        LaunchTemplateId: `lt-${g.name}`,
        VersionNumber: Number(g.version ?? '1'),
        DefaultVersion: true,
        LaunchTemplateData: {
          InstanceType: g.templateType,
          ...(g.reservedMemory ? { EcsReservedMemory: g.reservedMemory } : {}),
        },
      })),
    scalableTargets: [],
    ...extra,
  };
  return parseSnapshot(raw, 'fleet test snapshot');
};

export const planFleet = (
  snapshot: ClusterSnapshot,
  policy: Partial<ClusterPolicy> = {},
  now = NOW,
): ClusterPlan =>
  planCluster(snapshot, analyzeCapacity(snapshot), { ...DEFAULT_CLUSTER_POLICY, ...policy }, now);

/** The plan of one group (several groups: from groupPlans; one group: the plan itself). */
export const groupPlan = (plan: ClusterPlan, name: string): ClusterPlan =>
  plan.groupPlans?.find((p) => p.autoScalingGroup === name) ??
  (plan.autoScalingGroup === name ? plan : (undefined as never));

/** `n` instances of `type`, fully reserved on CPU (ids from `prefix`). */
export const full = (
  n: number,
  type: string,
  prefix: string,
  extra: Partial<FleetInstance> = {},
): FleetInstance[] =>
  Array.from({ length: n }, (_, k) => ({
    id: `i-${prefix}${String(k + 1).padStart(16 - prefix.length, '0')}`,
    type,
    cpu: REGISTERED[type]![0],
    mem: 1024,
    running: 2,
    ...extra,
  }));
