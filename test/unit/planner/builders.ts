/**
 * Small builders for planner tables: a cluster described in a few numbers becomes a full ClusterSnapshot
 * (raw AWS shapes), so each table row states only what it is about.
 */
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { type ClusterPlan, holdPlan, planCluster } from '../../../shared/core/cluster/planner.js';
import { type ClusterPolicy, DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { type ClusterSnapshot, parseSnapshot, type Task } from '../../../shared/core/snapshot/snapshot.js';

export const NOW = new Date('2026-11-22T12:00:00.000Z');
/** ISO time `seconds` before {@link NOW}. */
export const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
/** The scaler's `unregistered` state tag: `count` members unregistered since `seconds` ago. */
export const unregisteredFor = (count: number, seconds: number): Record<string, string> => ({
  'ecs-autoscaler:unregistered': `${count}@${Math.floor(NOW.getTime() / 1000) - seconds}`,
});

export interface InstanceSpec {
  id: string;
  cpu?: number;
  mem?: number;
  usedCpu?: number;
  usedMem?: number;
  running?: number;
  pending?: number;
  status?: string;
  connected?: boolean;
  az?: string;
  /** Not a member of the ASG's Instances (e.g. another group). */
  outsideGroup?: boolean;
  healthy?: boolean;
  protected?: boolean;
  /** When ECS registered it, seconds before NOW (default: not given). */
  registeredAgo?: number;
}

export interface ServiceSpec {
  name: string;
  cpu: number;
  mem: number;
  desired: number;
  running?: number;
  pending?: number;
  daemon?: boolean;
}

export interface GroupSpec {
  desired?: number;
  min?: number;
  max?: number;
  tags?: Record<string, string>;
  /** Members not registered with ECS (booting or stuck). */
  unregistered?: string[];
  warmup?: number;
  grace?: number;
  instanceType?: string;
  /** MixedInstancesPolicy override types, for groups without instances. */
  overrides?: string[];
}

export interface ClusterSpec {
  name?: string;
  instances?: InstanceSpec[];
  services?: ServiceSpec[];
  group?: GroupSpec | null;
  tasks?: Task[];
}

const res = (cpu: number, mem: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: mem },
];

export const ciArn = (id: string): string => `arn:aws:ecs:us-east-1:123456789012:container-instance/c1/${id}`;
export const tdArn = (service: string): string =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:1`;

/** Builds a snapshot of cluster `c1` with one ASG `asg-c1` tagged for it (unless `group: null`). */
export const snapshotOf = (spec: ClusterSpec): ClusterSnapshot => {
  const name = spec.name ?? 'c1';
  const instances = spec.instances ?? [];
  const services = spec.services ?? [];
  const g = spec.group === null ? null : (spec.group ?? {});
  const members = instances.filter((i) => !i.outsideGroup && i.status !== 'INACTIVE');
  const memberCount = members.length + (g?.unregistered?.length ?? 0);
  const raw = {
    version: 1,
    capturedAt: NOW.toISOString(),
    cluster: { clusterName: name, clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}` },
    containerInstances: instances.map((i, k) => ({
      containerInstanceArn: ciArn(i.id),
      ec2InstanceId: i.id,
      status: i.status ?? 'ACTIVE',
      agentConnected: i.connected ?? true,
      ...(i.registeredAgo === undefined ? {} : { registeredAt: ago(i.registeredAgo) }),
      registeredResources: res(i.cpu ?? 4096, i.mem ?? 8192),
      remainingResources: res((i.cpu ?? 4096) - (i.usedCpu ?? 0), (i.mem ?? 8192) - (i.usedMem ?? 0)),
      runningTasksCount: i.running ?? 0,
      pendingTasksCount: i.pending ?? 0,
      attributes: [
        { name: 'ecs.availability-zone', value: i.az ?? (k % 2 === 0 ? 'us-east-1a' : 'us-east-1b') },
      ],
    })),
    services: services.map((s) => ({
      serviceName: s.name,
      serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${name}/${s.name}`,
      status: 'ACTIVE',
      desiredCount: s.desired,
      runningCount: s.running ?? s.desired,
      pendingCount: s.pending ?? 0,
      schedulingStrategy: s.daemon ? 'DAEMON' : 'REPLICA',
      deployments: [
        {
          status: 'PRIMARY',
          taskDefinition: tdArn(s.name),
          desiredCount: s.desired,
          runningCount: s.running ?? s.desired,
          pendingCount: s.pending ?? 0,
        },
      ],
    })),
    taskDefinitions: services.map((s) => ({
      taskDefinitionArn: tdArn(s.name),
      cpu: String(s.cpu),
      memory: String(s.mem),
      containerDefinitions: [],
    })),
    autoScalingGroups: g
      ? [
          {
            AutoScalingGroupName: `asg-${name}`,
            MinSize: g.min ?? 0,
            MaxSize: g.max ?? 20,
            DesiredCapacity: g.desired ?? memberCount,
            DefaultInstanceWarmup: g.warmup,
            HealthCheckGracePeriod: g.grace ?? 0,
            Instances: [
              ...members.map((i, k) => ({
                InstanceId: i.id,
                InstanceType: g.instanceType ?? 'm5.xlarge',
                AvailabilityZone: i.az ?? (k % 2 === 0 ? 'us-east-1a' : 'us-east-1b'),
                LifecycleState: i.status === 'DRAINING' ? 'InService' : 'InService',
                HealthStatus: i.healthy === false ? 'Unhealthy' : 'Healthy',
                ProtectedFromScaleIn: i.protected ?? true,
              })),
              ...(g.unregistered ?? []).map((id) => ({
                InstanceId: id,
                InstanceType: g.instanceType ?? 'm5.xlarge',
                AvailabilityZone: 'us-east-1a',
                LifecycleState: 'InService',
                HealthStatus: 'Healthy',
                ProtectedFromScaleIn: true,
              })),
            ],
            ...(g.overrides
              ? {
                  MixedInstancesPolicy: {
                    LaunchTemplate: { Overrides: g.overrides.map((t) => ({ InstanceType: t })) },
                  },
                }
              : {}),
            Tags: Object.entries({ 'ecs-autoscaler:cluster': name, ...(g.tags ?? {}) }).map(
              ([Key, Value]) => ({
                Key,
                Value,
                ResourceId: `asg-${name}`,
                ResourceType: 'auto-scaling-group',
                PropagateAtLaunch: false,
              }),
            ),
          },
        ]
      : [],
    scalableTargets: [],
    ...(spec.tasks ? { tasks: spec.tasks } : {}),
  };
  return parseSnapshot(raw, 'test snapshot');
};

/** A task of `service` on instance `id`. */
export const taskOn = (id: string, service: string, n: number, lastStatus = 'RUNNING'): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c1/${service}-${id}-${n}`,
  taskDefinitionArn: tdArn(service),
  containerInstanceArn: ciArn(id),
  lastStatus,
  group: `service:${service}`,
});

/**
 * Plans a snapshot with the default policy plus `policy`, at {@link NOW} unless `now` is given. Scale-in
 * pacing is off (`scaleInUnneededSeconds: 0`) unless `policy` sets it: these tests look at one decision;
 * the pacing has its own tests (scale-in-pacing.test.ts).
 */
export const planOf = (
  snapshot: ClusterSnapshot,
  policy: Partial<ClusterPolicy> = {},
  now = NOW,
): ClusterPlan =>
  planCluster(
    snapshot,
    analyzeCapacity(snapshot),
    { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0, ...policy },
    now,
  );

/** `n` instances i-0000000000000000{k} with the same spec. */
export const fleet = (n: number, spec: Omit<InstanceSpec, 'id'> = {}, from = 1): InstanceSpec[] =>
  Array.from({ length: n }, (_, k) => ({ id: `i-${String(from + k).padStart(17, '0')}`, ...spec }));

/** A hold plan for cluster `prod`, group `prod-asg` (desired 4, bounds 1–10) with `over` applied. */
export const emptyPlan = (over: Partial<ClusterPlan> = {}): ClusterPlan => ({
  ...holdPlan('prod', 'prod-asg', 4, { min: 1, max: 10 }),
  ...over,
});

/** Marks instances arm64 (all but those in `x86`) and makes `arm` services' task definitions ARM64. */
export const arm64 = (
  s: ClusterSnapshot,
  x86: readonly string[],
  arm: readonly string[],
): ClusterSnapshot => {
  for (const ci of s.containerInstances) {
    ci.attributes?.push({
      name: 'ecs.cpu-architecture',
      value: x86.includes(ci.ec2InstanceId ?? '') ? 'x86_64' : 'arm64',
    });
  }
  for (const name of arm) {
    const td = s.taskDefinitions.find((t) => t.taskDefinitionArn.includes(`/${name}:`))!;
    Object.assign(td, { runtimePlatform: { cpuArchitecture: 'ARM64' } });
  }
  return s;
};
