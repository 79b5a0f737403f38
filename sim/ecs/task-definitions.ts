/**
 * Builds simulated task definitions from the setup spec or from a raw ECS `TaskDefinition` (as found in
 * a ClusterSnapshot), producing both the placement reservation and the raw API object.
 */
import type { SimContext } from '../core/context.js';
import type { PlacementConstraint, SimTaskDefinition } from './model.js';
import { compileQuery } from './query.js';
import { type ContainerSpec, reservationOf, type TaskDefinitionSpec } from './resources.js';

/**
 * A task definition's placement constraints as RegisterTaskDefinition accepts them (ecs-facts §1.4–1.5):
 * `memberOf` only, each with an expression of the cluster query language, at most 10. ECS refuses the
 * registration otherwise (InvalidParameterException); so does this.
 */
const taskDefinitionConstraints = (family: string, items: PlacementConstraint[]): PlacementConstraint[] => {
  const refuse = (why: string): never => {
    throw new Error(`sim: task definition '${family}': ${why} (InvalidParameterException)`);
  };
  if (items.length > 10) refuse(`${items.length} placement constraints; at most 10`);
  for (const c of items) {
    if (c.type !== 'memberOf')
      refuse(`placement constraint type '${c.type}': a task definition takes memberOf only`);
    const expression = c.expression || refuse('a memberOf constraint needs an expression');
    try {
      compileQuery(expression);
    } catch (error) {
      refuse((error as Error).message.replace(/\.$/, ''));
    }
  }
  return items.map((c) => ({ ...c }));
};

/** A raw ECS TaskDefinition (DescribeTaskDefinition shape; task-level cpu/memory are strings). */
export interface RawTaskDefinitionInput {
  family: string;
  taskDefinitionArn?: string;
  revision?: number;
  cpu?: string;
  memory?: string;
  networkMode?: string;
  containerDefinitions: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

const isRaw = (s: TaskDefinitionSpec | RawTaskDefinitionInput): s is RawTaskDefinitionInput =>
  Array.isArray((s as RawTaskDefinitionInput).containerDefinitions);

const num = (v: unknown): number | undefined =>
  typeof v === 'number'
    ? v
    : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : undefined;

/** Reads a raw container definition into the setup form. */
const containerFromRaw = (c: Record<string, unknown>, networkMode: string | undefined): ContainerSpec => {
  const reqs = (c.resourceRequirements as Array<{ type: string; value: string }> | undefined) ?? [];
  const gpu = reqs.filter((r) => r.type === 'GPU').reduce((s, r) => s + Number(r.value), 0);
  const ports =
    (c.portMappings as Array<{ containerPort?: number; hostPort?: number; protocol?: string }> | undefined) ??
    [];
  const hostPort = (p: { containerPort?: number; hostPort?: number }) =>
    networkMode === 'host' ? (p.hostPort ?? p.containerPort) : p.hostPort;
  const isPort = (p: number | undefined): p is number => typeof p === 'number' && p > 0;
  const hostPorts = ports
    .filter((p) => p.protocol !== 'udp')
    .map(hostPort)
    .filter(isPort);
  const hostPortsUdp = ports
    .filter((p) => p.protocol === 'udp')
    .map(hostPort)
    .filter(isPort);
  const spec: ContainerSpec = { hostPorts, hostPortsUdp };
  if (typeof c.name === 'string') spec.name = c.name;
  const cpu = num(c.cpu);
  if (cpu !== undefined) spec.cpu = cpu;
  const memory = num(c.memory);
  if (memory !== undefined) spec.memory = memory;
  const memoryReservation = num(c.memoryReservation);
  if (memoryReservation !== undefined) spec.memoryReservation = memoryReservation;
  if (gpu) spec.gpu = gpu;
  return spec;
};

/** Builds the raw container definition for a setup-API container. */
const containerToRaw = (c: ContainerSpec, i: number, networkMode: string, stopTimeout: number) => ({
  name: c.name ?? `app${i}`,
  image: 'public.ecr.aws/docker/library/busybox:latest',
  cpu: c.cpu ?? 0,
  ...(c.memory !== undefined ? { memory: c.memory } : {}),
  ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
  essential: c.essential ?? true,
  portMappings: [
    ...(c.hostPorts ?? []).map((p) => ({ containerPort: p, hostPort: p, protocol: 'tcp' })),
    ...(c.hostPortsUdp ?? []).map((p) => ({ containerPort: p, hostPort: p, protocol: 'udp' })),
  ],
  ...(c.gpu ? { resourceRequirements: [{ type: 'GPU', value: String(c.gpu) }] } : {}),
  stopTimeout,
  environment: [],
  mountPoints: [],
  volumesFrom: [],
});

/** Creates the simulated task definition (revision `revision` unless the raw input names one). */
export const buildTaskDefinition = (
  input: TaskDefinitionSpec | RawTaskDefinitionInput,
  revision: number,
  arnOf: (resource: string) => string,
  ctx: SimContext,
): SimTaskDefinition => {
  let spec: TaskDefinitionSpec;
  let raw: Record<string, unknown>;
  if (isRaw(input)) {
    spec = {
      family: input.family,
      containers: input.containerDefinitions.map((c) => containerFromRaw(c, input.networkMode)),
      ...(input.networkMode === 'awsvpc' || input.networkMode === 'host' || input.networkMode === 'none'
        ? { networkMode: input.networkMode }
        : {}),
    };
    const cpu = num(input.cpu);
    if (cpu !== undefined) spec.cpu = cpu;
    const memory = num(input.memory);
    if (memory !== undefined) spec.memory = memory;
    raw = structuredClone(input) as Record<string, unknown>;
  } else {
    spec = input;
    raw = {};
  }
  const rev = isRaw(input) && input.revision ? input.revision : revision;
  const arn = (isRaw(input) && input.taskDefinitionArn) || arnOf(`task-definition/${spec.family}:${rev}`);
  const { reservation, hostPorts, hostPortsUdp } = reservationOf(spec);
  const stopTimeout = spec.stopTimeout ?? ctx.settings.stopTimeoutSeconds;
  const networkMode = spec.networkMode ?? (typeof raw.networkMode === 'string' ? raw.networkMode : 'bridge');
  if (!isRaw(input)) {
    raw = {
      taskDefinitionArn: arn,
      family: spec.family,
      revision: rev,
      status: 'ACTIVE',
      networkMode,
      containerDefinitions: (spec.containers ?? []).map((c, i) =>
        containerToRaw(c, i, networkMode, stopTimeout),
      ),
      requiresCompatibilities: ['EC2'],
      compatibilities: ['EC2'],
      ...(spec.cpu !== undefined ? { cpu: String(spec.cpu) } : {}),
      ...(spec.memory !== undefined ? { memory: String(spec.memory) } : {}),
      volumes: [],
      placementConstraints: spec.placementConstraints ?? [],
      ...(spec.requiresAttributes ? { requiresAttributes: spec.requiresAttributes } : {}),
      ...(spec.cpuArchitecture
        ? { runtimePlatform: { cpuArchitecture: spec.cpuArchitecture, operatingSystemFamily: 'LINUX' } }
        : {}),
      registeredAt: new Date(ctx.clock.nowMs),
    };
  } else {
    raw.taskDefinitionArn = arn;
    raw.revision = rev;
  }
  return {
    arn,
    family: spec.family,
    revision: rev,
    reservation,
    hostPorts,
    hostPortsUdp,
    awsvpc: networkMode === 'awsvpc',
    requiresAttributes: (
      (raw.requiresAttributes as Array<{ name: string; value?: string; targetType?: string }>) ?? []
    )
      .filter((a) => !a.targetType || a.targetType === 'container-instance')
      .map((a) => (a.value === undefined ? { name: a.name } : { name: a.name, value: a.value })),
    ...(typeof (raw.runtimePlatform as { cpuArchitecture?: string } | undefined)?.cpuArchitecture === 'string'
      ? {
          cpuArchitecture: (raw.runtimePlatform as { cpuArchitecture: string }).cpuArchitecture.toLowerCase(),
        }
      : {}),
    placementConstraints: taskDefinitionConstraints(
      spec.family,
      (raw.placementConstraints as PlacementConstraint[] | undefined) ?? [],
    ),
    ...(spec.exitsAfterSeconds !== undefined ? { exitsAfterSeconds: spec.exitsAfterSeconds } : {}),
    raw,
    stopTimeoutSeconds: stopTimeout,
    tags: { ...spec.tags },
  };
};
