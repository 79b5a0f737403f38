/**
 * ECS API response shapes built from the simulator's state. Dates are `Date` objects, as the SDK
 * returns them; events convert them to ISO strings (`isoDates`).
 */
import { clusterCapacityProviders } from './capacity-providers.js';
import type { Reservation, SimCluster, SimContainerInstance, SimService, SimTask } from './model.js';

/** `Tag[]` from a record. */
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

/** DescribeContainerInstances item. */
export const containerInstanceShape = (ci: SimContainerInstance) => {
  let running = 0;
  let pending = 0;
  for (const t of ci.tasks) {
    if (t.lastStatus === 'RUNNING' || t.lastStatus === 'STOPPING') running++;
    else if (t.lastStatus === 'PENDING') pending++;
  }
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    capacityProviderName: undefined,
    version: ci.version,
    versionInfo: { agentVersion: '1.89.0', agentHash: 'sim0001', dockerVersion: 'DockerVersion: 25.0.8' },
    remainingResources: resources(
      ci.remaining,
      [...ci.usedPorts].map(String),
      [...ci.usedPortsUdp].map(String),
    ),
    registeredResources: resources(ci.registered, ['22', '2375', '2376', '51678', '51679']),
    status: ci.status,
    statusReason: ci.status === 'INACTIVE' ? 'Instance deregistration forced by the user.' : undefined,
    agentConnected: ci.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: ci.attributes.map((a) => ({ ...a })),
    registeredAt: new Date(ci.registeredAt),
    // One task ENI per awsvpc task (type as the API documents it, ecs-facts §2).
    attachments: [...ci.tasks]
      .filter((t) => t.taskDefinition.awsvpc && t.lastStatus !== 'STOPPED')
      .map((t) => ({
        id: `eni-attach-${t.id.slice(0, 17)}`,
        type: 'ElasticNetworkInterface',
        status: 'ATTACHED',
      })),
    tags: [],
  };
};

/** DescribeTasks item. */
export const taskShape = (t: SimTask) => {
  const td = t.taskDefinition;
  const containers = (td.raw.containerDefinitions as Array<Record<string, unknown>> | undefined) ?? [];
  return {
    taskArn: t.arn,
    clusterArn: t.cluster.arn,
    taskDefinitionArn: td.arn,
    containerInstanceArn: t.instance.arn,
    availabilityZone: t.instance.az,
    launchType: 'EC2',
    cpu: String(td.reservation.cpu),
    memory: String(td.reservation.memory),
    group: t.group,
    startedBy: t.startedBy,
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    healthStatus: 'UNKNOWN',
    connectivity: t.lastStatus === 'STOPPED' ? undefined : 'CONNECTED',
    createdAt: new Date(t.createdAt),
    pullStartedAt: t.startedAt ? new Date(t.createdAt + 1000) : undefined,
    pullStoppedAt: t.startedAt ? new Date(Math.max(t.createdAt + 1000, t.startedAt - 1000)) : undefined,
    startedAt: t.startedAt ? new Date(t.startedAt) : undefined,
    stoppingAt: t.stoppingAt ? new Date(t.stoppingAt) : undefined,
    executionStoppedAt: t.stoppedAt ? new Date(t.stoppedAt) : undefined,
    stoppedAt: t.stoppedAt ? new Date(t.stoppedAt) : undefined,
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    version: t.version,
    containers: containers.map((c) => ({
      containerArn: `${t.arn.replace(':task/', ':container/')}/${String(c.name)}`,
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      lastStatus: t.lastStatus === 'STOPPING' ? 'RUNNING' : t.lastStatus,
      ...(t.lastStatus === 'STOPPED'
        ? { exitCode: t.stopCode === 'EssentialContainerExited' ? 1 : 137 }
        : {}),
      networkInterfaces: [],
      cpu: String(c.cpu ?? 0),
      ...(c.memory !== undefined ? { memory: String(c.memory) } : {}),
      ...(c.memoryReservation !== undefined ? { memoryReservation: String(c.memoryReservation) } : {}),
    })),
    overrides: {
      containerOverrides: containers.map((c) => ({ name: c.name })),
      inferenceAcceleratorOverrides: [],
    },
    attachments: [],
    tags: tagList(t.tags),
  };
};

/** Daemon desired count: one per ACTIVE, connected instance. */
export const effectiveDesired = (s: SimService): number => {
  if (s.schedulingStrategy === 'REPLICA') return s.desiredCount;
  let n = 0;
  for (const ci of s.cluster.instances.values()) if (ci.status === 'ACTIVE') n++;
  return n;
};

/** DescribeServices item (`tags` only when `include: ['TAGS']`). */
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
    loadBalancers: [],
    serviceRegistries: [],
    status: s.status,
    desiredCount: desired,
    runningCount: running,
    pendingCount: pending,
    launchType: 'EC2',
    taskDefinition: s.taskDefinition.arn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: s.maximumPercent,
      minimumHealthyPercent: s.minimumHealthyPercent,
    },
    deployments: [
      {
        id: s.deploymentId,
        status: 'PRIMARY',
        taskDefinition: s.taskDefinition.arn,
        desiredCount: desired,
        pendingCount: pending,
        runningCount: running,
        failedTasks: s.failedTasks,
        createdAt: new Date(s.deploymentCreatedAt),
        updatedAt: new Date(s.deploymentCreatedAt),
        launchType: 'EC2',
        rolloutState: running === desired ? 'COMPLETED' : 'IN_PROGRESS',
      },
    ],
    events: s.events
      .slice(0, 100)
      .map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(s.createdAt),
    placementConstraints: s.placementConstraints.map((c) => ({ ...c })),
    placementStrategy: s.placementStrategy.map((p) => ({ ...p })),
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
    defaultCapacityProviderStrategy: [],
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
