/**
 * ECS API response shapes built from the simulator's state. Dates are `Date` objects, as the SDK
 * returns them; events convert them to ISO strings (`isoDates`).
 */
import { clusterCapacityProviders, defaultCapacityProviderStrategy } from './capacity-providers.js';
import type { Reservation, SimCluster, SimContainerInstance, SimService, SimTask } from './model.js';
import { orderedTaskSets, taskSetShape } from './task-set-shape.js';
import { tasksBySet } from './task-sets.js';

/** `Tag[]` from a record. */
/** The ECS agent version every simulated container instance reports (`versionInfo.agentVersion`). */
export const SIM_AGENT_VERSION = '1.89.0';

export const tagList = (tags: Record<string, string>): Array<{ key: string; value: string }> =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

const resources = (r: Reservation, ports: string[], udp: string[] = []) => [
  { name: 'CPU', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: r.cpu },
  { name: 'MEMORY', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: r.memory },
  { name: 'PORTS', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: ports },
  {
    name: 'PORTS_UDP',
    type: 'STRINGSET',
    doubleValue: 0,
    longValue: 0,
    integerValue: 0,
    stringSetValue: udp,
  },
  ...(r.gpu > 0
    ? [
        {
          name: 'GPU',
          type: 'STRINGSET',
          doubleValue: 0,
          longValue: 0,
          integerValue: r.gpu,
          stringSetValue: [],
        },
      ]
    : []),
];

/** Sets `o[k] = v` unless `v` is undefined (the SDK never returns undefined members). */
const put = (o: Record<string, unknown>, k: string, v: unknown): void => {
  if (v !== undefined) o[k] = v;
};

/**
 * DescribeContainerInstances item: a fresh object (nothing in it is the simulator's state) without
 * undefined members — what `compact()` would make of it, so the command answers it without a copy
 * (test/unit/sim/fresh-answers.test.ts).
 */
export const containerInstanceShape = (ci: SimContainerInstance): ContainerInstanceShape => {
  let running = 0;
  let pending = 0;
  const attachments: Array<Record<string, unknown>> = [];
  for (const t of ci.tasks) {
    // Stopping tasks' containers still run (DEACTIVATING: their target group drains them).
    if (t.lastStatus === 'RUNNING' || t.lastStatus === 'DEACTIVATING' || t.lastStatus === 'STOPPING')
      running++;
    else if (t.lastStatus === 'PENDING') pending++;
    // One task ENI per awsvpc task (type as the API documents it, ecs-facts §2).
    if (t.taskDefinition.awsvpc && t.lastStatus !== 'STOPPED') {
      attachments.push({
        id: `eni-attach-${t.id.slice(0, 17)}`,
        type: 'ElasticNetworkInterface',
        status: 'ATTACHED',
      });
    }
  }
  const o: Record<string, unknown> = {};
  put(o, 'containerInstanceArn', ci.arn);
  put(o, 'ec2InstanceId', ci.ec2InstanceId);
  put(o, 'version', ci.version);
  o.versionInfo = {
    agentVersion: SIM_AGENT_VERSION,
    agentHash: 'sim0001',
    dockerVersion: 'DockerVersion: 25.0.8',
  };
  o.remainingResources = resources(
    ci.remaining,
    [...ci.usedPorts].map(String),
    [...ci.usedPortsUdp].map(String),
  );
  o.registeredResources = resources(ci.registered, ['22', '2375', '2376', '51678', '51679']);
  put(o, 'status', ci.status);
  if (ci.status === 'INACTIVE') o.statusReason = 'Instance deregistration forced by the user.';
  put(o, 'agentConnected', ci.agentConnected);
  put(o, 'capacityProviderName', ci.capacityProviderName);
  o.runningTasksCount = running;
  o.pendingTasksCount = pending;
  o.attributes = ci.attributes.map((a) => {
    const copy: Record<string, unknown> = {};
    for (const k in a) put(copy, k, (a as Record<string, unknown>)[k]);
    return copy;
  });
  o.registeredAt = new Date(ci.registeredAt);
  o.attachments = attachments;
  o.tags = [];
  return o as unknown as ContainerInstanceShape;
};

/** The members of a DescribeContainerInstances item that the simulator itself reads back. */
export interface ContainerInstanceShape {
  containerInstanceArn: string;
  agentConnected: boolean;
  attributes: Array<{ name: string; value?: string }>;
  versionInfo: Record<string, string>;
  registeredResources: ReturnType<typeof resources>;
  remainingResources: ReturnType<typeof resources>;
  [member: string]: unknown;
}

/**
 * DescribeTasks item (with its tags unless `withTags` is false): a fresh object without undefined
 * members, like {@link containerInstanceShape}.
 */
export const taskShape = (t: SimTask, withTags = true): Record<string, unknown> => {
  const td = t.taskDefinition;
  const containers = (td.raw.containerDefinitions as Array<Record<string, unknown>> | undefined) ?? [];
  const o: Record<string, unknown> = {};
  put(o, 'taskArn', t.arn);
  put(o, 'clusterArn', t.cluster.arn);
  put(o, 'taskDefinitionArn', td.arn);
  put(o, 'containerInstanceArn', t.instance.arn);
  put(o, 'availabilityZone', t.instance.az);
  o.launchType = 'EC2';
  o.cpu = String(td.reservation.cpu);
  o.memory = String(td.reservation.memory);
  put(o, 'group', t.group);
  put(o, 'startedBy', t.startedBy);
  put(o, 'lastStatus', t.lastStatus);
  put(o, 'desiredStatus', t.desiredStatus);
  o.healthStatus = 'UNKNOWN';
  if (t.lastStatus !== 'STOPPED') o.connectivity = 'CONNECTED';
  o.createdAt = new Date(t.createdAt);
  if (t.startedAt) {
    o.pullStartedAt = new Date(t.createdAt + 1000);
    o.pullStoppedAt = new Date(Math.max(t.createdAt + 1000, t.startedAt - 1000));
    o.startedAt = new Date(t.startedAt);
  }
  if (t.stoppingAt) o.stoppingAt = new Date(t.stoppingAt);
  if (t.stoppedAt) {
    o.executionStoppedAt = new Date(t.stoppedAt);
    o.stoppedAt = new Date(t.stoppedAt);
  }
  put(o, 'stopCode', t.stopCode);
  put(o, 'stoppedReason', t.stoppedReason);
  put(o, 'version', t.version);
  const containerArn = t.arn.replace(':task/', ':container/');
  o.containers = containers.map((c) => {
    const out: Record<string, unknown> = {};
    out.containerArn = `${containerArn}/${String(c.name)}`;
    put(out, 'taskArn', t.arn);
    put(out, 'name', c.name);
    put(out, 'image', c.image);
    out.lastStatus =
      t.lastStatus === 'STOPPING' || t.lastStatus === 'DEACTIVATING' ? 'RUNNING' : t.lastStatus;
    if (t.lastStatus === 'STOPPED') out.exitCode = t.stopCode === 'EssentialContainerExited' ? 1 : 137;
    out.networkInterfaces = [];
    out.cpu = String(c.cpu ?? 0);
    if (c.memory !== undefined) out.memory = String(c.memory);
    if (c.memoryReservation !== undefined) out.memoryReservation = String(c.memoryReservation);
    return out;
  });
  o.overrides = {
    containerOverrides: containers.map((c) => {
      const out: Record<string, unknown> = {};
      put(out, 'name', c.name);
      return out;
    }),
    inferenceAcceleratorOverrides: [],
  };
  // An awsvpc task's ENI, in the subnet of its host's AZ (the simulator has one subnet per AZ).
  const subnet = t.instance.attributes.find((a) => a.name === 'ecs.subnet-id')?.value;
  o.attachments =
    td.awsvpc && subnet
      ? [
          {
            id: `eni-attach-${t.id.slice(0, 17)}`,
            type: 'ElasticNetworkInterface',
            status: t.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
            details: [{ name: 'subnetId', value: subnet }],
          },
        ]
      : [];
  if (withTags) o.tags = tagList(t.tags);
  return o;
};

/** Daemon desired count: one per ACTIVE, connected instance. */
export const effectiveDesired = (s: SimService): number => {
  if (s.schedulingStrategy === 'REPLICA') return s.desiredCount;
  let n = 0;
  for (const ci of s.cluster.instances.values()) if (ci.status === 'ACTIVE') n++;
  return n;
};

/**
 * A service's deployments, PRIMARY first, then the ACTIVE ones a rolling update is replacing. Counts are
 * per deployment (its tasks carry its id as `startedBy`; tasks seeded from elsewhere count as PRIMARY).
 * An ACTIVE deployment's desiredCount is how many of its tasks ECS still keeps (those not told to stop):
 * AWS does not document it; a stalled rolling update shows the old deployment at desired = running
 * (amazon-ecs-agent#731), and it goes down as the update stops its tasks.
 */
const deploymentsOf = (s: SimService, desired: number) => {
  const counts = new Map<string, { running: number; pending: number; kept: number }>();
  const old = new Set(s.previousDeployments.map((d) => d.id));
  for (const t of s.tasks) {
    const id = t.startedBy !== undefined && old.has(t.startedBy) ? t.startedBy : s.deploymentId;
    const c = counts.get(id) ?? { running: 0, pending: 0, kept: 0 };
    if (t.lastStatus === 'RUNNING') c.running++;
    else if (t.lastStatus === 'PENDING') c.pending++;
    if (t.desiredStatus === 'RUNNING') c.kept++;
    counts.set(id, c);
  }
  const primary = counts.get(s.deploymentId) ?? { running: 0, pending: 0, kept: 0 };
  return [
    {
      id: s.deploymentId,
      status: 'PRIMARY',
      taskDefinition: s.taskDefinition!.arn,
      desiredCount: desired,
      pendingCount: primary.pending,
      runningCount: primary.running,
      failedTasks: s.failedTasks,
      createdAt: new Date(s.deploymentCreatedAt),
      updatedAt: new Date(s.deploymentCreatedAt),
      ...launchOf(s),
      rolloutState: primary.running === desired && old.size === 0 ? 'COMPLETED' : 'IN_PROGRESS',
    },
    ...s.previousDeployments.map((d) => {
      const c = counts.get(d.id) ?? { running: 0, pending: 0, kept: 0 };
      return {
        id: d.id,
        status: 'ACTIVE',
        taskDefinition: d.taskDefinition.arn,
        desiredCount: c.kept,
        pendingCount: c.pending,
        runningCount: c.running,
        failedTasks: 0,
        createdAt: new Date(d.createdAt),
        updatedAt: new Date(d.createdAt),
        ...launchOf(s),
        rolloutState: 'COMPLETED',
      };
    }),
  ];
};

/** A service's task sets (DescribeServices `taskSets`), PRIMARY first. */
const taskSetsOf = (s: SimService) => {
  const bySet = tasksBySet(s);
  return orderedTaskSets(s).map((set) => taskSetShape(set, false, bySet));
};

/** A service's launch type, or its capacity provider strategy (DescribeServices shows one or the other). */
const launchOf = (s: SimService): { launchType: 'EC2' } | { capacityProviderStrategy: object[] } =>
  s.capacityProviderStrategy.length > 0
    ? { capacityProviderStrategy: s.capacityProviderStrategy.map((i) => ({ ...i })) }
    : { launchType: 'EC2' };

/**
 * DescribeServices item (`tags` only when `include: ['TAGS']`). A CODE_DEPLOY or EXTERNAL service lists
 * `taskSets` and no deployments; `taskDefinition` only when it has one (an EXTERNAL service may not);
 * `deploymentController` only when CreateService was given one.
 */
export const serviceShape = (s: SimService, withTags: boolean) => {
  let running = 0;
  let pending = 0;
  for (const t of s.tasks) {
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING') pending++;
  }
  const desired = effectiveDesired(s);
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.cluster.arn,
    loadBalancers: (s.loadBalancers ?? []).map((lb) => ({ ...lb })),
    serviceRegistries: [],
    status: s.status,
    desiredCount: desired,
    runningCount: running,
    pendingCount: pending,
    ...launchOf(s),
    ...(s.taskDefinition ? { taskDefinition: s.taskDefinition.arn } : {}),
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: s.maximumPercent,
      minimumHealthyPercent: s.minimumHealthyPercent,
    },
    ...(s.deploymentController ? { deploymentController: { type: s.deploymentController } } : {}),
    ...(s.taskSets ? { taskSets: taskSetsOf(s) } : {}),
    deployments: s.taskSets ? [] : deploymentsOf(s, desired),
    events: s.events
      .slice(0, 100)
      .map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(s.createdAt),
    placementConstraints: s.placementConstraints.map((c) => ({ ...c })),
    placementStrategy: s.declaredPlacementStrategy.map((p) => ({ ...p })),
    ...(s.subnets
      ? {
          networkConfiguration: {
            awsvpcConfiguration: { subnets: [...s.subnets], securityGroups: [], assignPublicIp: 'DISABLED' },
          },
        }
      : {}),
    schedulingStrategy: s.schedulingStrategy,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    ...(withTags ? { tags: tagList(s.tags) } : {}),
  };
};

/** DescribeClusters item. */
export const clusterShape = (c: SimCluster) => {
  let registered = 0;
  let running = 0;
  let pending = 0;
  for (const ci of c.instances.values()) {
    if (ci.status === 'INACTIVE') continue;
    registered++;
    for (const t of ci.tasks) {
      if (t.lastStatus === 'RUNNING') running++;
      else if (t.lastStatus === 'PENDING') pending++;
    }
  }
  let active = 0;
  for (const s of c.services.values()) if (s.status === 'ACTIVE') active++;
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: c.status,
    registeredContainerInstancesCount: registered,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: active,
    statistics: [],
    tags: tagList(c.tags),
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: clusterCapacityProviders(c),
    defaultCapacityProviderStrategy: defaultCapacityProviderStrategy(c).map((i) => ({ ...i })),
  };
};

/** Deep copy with every Date turned into its ISO string (event payloads). */
export const isoDates = <T>(value: T): unknown => {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(isoDates);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = isoDates(v);
    return out;
  }
  return value;
};
