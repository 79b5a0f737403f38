/**
 * Builders for placement tables: raw ECS shapes (task definitions, services, container instances) in a
 * few fields, turned into the model's requirements and nodes.
 */
import {
  instanceFactsLookup,
  nodeOf,
  type PlacementNode,
  type TaskRequirements,
  taskRequirements,
} from '../../../shared/core/placement/index.js';
import {
  type ContainerInstance,
  ContainerInstanceSchema,
  type Service,
  ServiceSchema,
  type TaskDefinition,
  TaskDefinitionSchema,
} from '../../../shared/core/snapshot/snapshot.js';

export interface TdSpec {
  cpu?: number;
  memory?: number;
  gpu?: number;
  networkMode?: string;
  tcp?: number[];
  udp?: number[];
  requiresAttributes?: { name: string; value?: string }[];
  arch?: 'ARM64' | 'X86_64';
  memberOf?: string;
}

export const taskDef = (spec: TdSpec = {}, family = 'app'): TaskDefinition =>
  TaskDefinitionSchema.parse({
    taskDefinitionArn: `arn:aws:ecs:us-east-1:111122223333:task-definition/${family}:1`,
    family,
    networkMode: spec.networkMode ?? 'bridge',
    containerDefinitions: [
      {
        name: 'main',
        cpu: spec.cpu ?? 256,
        memoryReservation: spec.memory ?? 512,
        ...(spec.gpu ? { resourceRequirements: [{ type: 'GPU', value: String(spec.gpu) }] } : {}),
        portMappings: [
          ...(spec.tcp ?? []).map((p) => ({ containerPort: p, hostPort: p, protocol: 'tcp' })),
          ...(spec.udp ?? []).map((p) => ({ containerPort: p, hostPort: p, protocol: 'udp' })),
        ],
      },
    ],
    ...(spec.requiresAttributes ? { requiresAttributes: spec.requiresAttributes } : {}),
    ...(spec.arch ? { runtimePlatform: { cpuArchitecture: spec.arch, operatingSystemFamily: 'LINUX' } } : {}),
    ...(spec.memberOf ? { placementConstraints: [{ type: 'memberOf', expression: spec.memberOf }] } : {}),
  });

export interface ServiceSpec {
  name?: string;
  distinct?: boolean;
  memberOf?: string;
  strategy?: { type: string; field?: string }[];
}

export const service = (spec: ServiceSpec = {}): Service =>
  ServiceSchema.parse({
    serviceName: spec.name ?? 'web',
    serviceArn: `arn:aws:ecs:us-east-1:111122223333:service/c/${spec.name ?? 'web'}`,
    status: 'ACTIVE',
    desiredCount: 1,
    placementConstraints: [
      ...(spec.distinct ? [{ type: 'distinctInstance' }] : []),
      ...(spec.memberOf ? [{ type: 'memberOf', expression: spec.memberOf }] : []),
    ],
    placementStrategy: spec.strategy ?? [],
  });

export const req = (td: TdSpec = {}, svc: ServiceSpec = {}): TaskRequirements =>
  taskRequirements(taskDef(td), service(svc));

export interface NodeSpec {
  id?: string;
  type?: string;
  az?: string;
  cpu?: number;
  memory?: number;
  gpu?: number;
  tcpUsed?: number[];
  udpUsed?: number[];
  enis?: number;
  trunk?: boolean;
  arch?: string;
  attributes?: Record<string, string | undefined>;
  groups?: Record<string, number>;
}

export const containerInstance = (spec: NodeSpec = {}): ContainerInstance => {
  const id = spec.id ?? 'a';
  const type = spec.type ?? 'm5.large';
  return ContainerInstanceSchema.parse({
    containerInstanceArn: `arn:aws:ecs:us-east-1:111122223333:container-instance/c/${id}`,
    ec2InstanceId: `i-${id}`,
    status: 'ACTIVE',
    agentConnected: true,
    registeredResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
    ],
    remainingResources: [
      { name: 'CPU', type: 'INTEGER', integerValue: spec.cpu ?? 2048 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: spec.memory ?? 7680 },
      ...(spec.gpu
        ? [
            {
              name: 'GPU',
              type: 'STRINGSET',
              stringSetValue: Array.from({ length: spec.gpu }, (_, k) => `gpu${k}`),
            },
          ]
        : []),
      {
        name: 'PORTS',
        type: 'STRINGSET',
        stringSetValue: ['22', '2375', '2376', '51678', '51679', ...(spec.tcpUsed ?? []).map(String)],
      },
      { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: (spec.udpUsed ?? []).map(String) },
    ],
    runningTasksCount: Object.values(spec.groups ?? {}).reduce((s, n) => s + n, 0),
    attributes: [
      { name: 'ecs.instance-type', value: type },
      { name: 'ecs.availability-zone', value: spec.az ?? 'us-east-1a' },
      { name: 'ecs.cpu-architecture', value: spec.arch ?? (type.includes('g.') ? 'arm64' : 'x86_64') },
      { name: 'ecs.os-type', value: 'linux' },
      ...(spec.trunk ? [{ name: 'ecs.awsvpc-trunk-id', value: 'eni-trunk' }] : []),
      ...Object.entries(spec.attributes ?? {}).map(([name, value]) =>
        value === undefined ? { name } : { name, value },
      ),
    ],
    attachments: Array.from({ length: spec.enis ?? 0 }, (_, k) => ({
      id: `att-${k}`,
      type: 'ElasticNetworkInterface',
      status: 'ATTACHED',
    })),
  });
};

export const node = (spec: NodeSpec = {}): PlacementNode =>
  nodeOf(
    containerInstance(spec),
    instanceFactsLookup(),
    spec.groups ? new Map(Object.entries(spec.groups)) : new Map(),
  );
