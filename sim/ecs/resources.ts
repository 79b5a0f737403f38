/**
 * Instance types and task-definition reservations.
 *
 * Registered values follow what the ECS agent reports: CPU = 1024 units per vCPU; MEMORY = physical
 * MiB minus what the OS and agent keep. Real values vary by AMI (e.g. 7680 MiB is commonly reported
 * for an m5.large, 3767 MiB for a 4 GiB t2.medium in AWS's event example); the table uses physical
 * minus 6.25 %, an approximation. Pass `{ cpu, memory }` explicitly to model a specific AMI.
 */
import type { Reservation, SimTaskDefinition } from './model.js';

/** An instance type as the simulator launches it. Units: CPU units, MiB, GPUs. */
export interface InstanceTypeSpec {
  name: string;
  /** Registered CPU units. */
  cpu: number;
  /** Registered memory, MiB. */
  memory: number;
  gpu?: number;
  /** Max ENIs of the type (primary included); absent: not modelled (no ENI limit). */
  enis?: number;
  /** ECS task-ENI limit with ENI trunking; absent: trunking not supported. */
  trunkEnis?: number;
}

/**
 * ENIs per type, from the ECS developer guide "Supported Amazon EC2 instance types" (ENI trunking) and
 * EC2's per-type network interface limits: [max ENIs, task limit with trunking].
 */
const eniTable: Record<string, [enis: number, trunk?: number]> = {
  't3.medium': [3],
  't3.large': [3],
  't3.xlarge': [4],
  'm5.large': [3, 10],
  'm5.xlarge': [4, 20],
  'm5.2xlarge': [4, 40],
  'm5.4xlarge': [8, 60],
  'm6i.large': [3, 10],
  'm6i.xlarge': [4, 20],
  'm6g.large': [3, 10],
  'c5.large': [3, 10],
  'c5.xlarge': [4, 20],
  'c5.2xlarge': [4, 40],
  'r5.large': [3, 10],
  'r5.xlarge': [4, 20],
  'g4dn.xlarge': [3],
  'g4dn.2xlarge': [3],
  'p3.2xlarge': [4, 40],
};

/** ENI facts of a type name (table), for specs that do not carry them. */
export const eniFacts = (name: string): { enis?: number; trunkEnis?: number } => {
  const row = eniTable[name];
  return row ? { enis: row[0], ...(row[1] !== undefined ? { trunkEnis: row[1] } : {}) } : {};
};

const table: Record<string, [vcpu: number, gib: number, gpu?: number]> = {
  't3.medium': [2, 4],
  't3.large': [2, 8],
  't3.xlarge': [4, 16],
  'm5.large': [2, 8],
  'm5.xlarge': [4, 16],
  'm5.2xlarge': [8, 32],
  'm5.4xlarge': [16, 64],
  'm6i.large': [2, 8],
  'm6i.xlarge': [4, 16],
  'm6g.large': [2, 8],
  'c5.large': [2, 4],
  'c5.xlarge': [4, 8],
  'c5.2xlarge': [8, 16],
  'r5.large': [2, 16],
  'r5.xlarge': [4, 32],
  'g4dn.xlarge': [4, 16, 1],
  'g4dn.2xlarge': [8, 32, 1],
  'p3.2xlarge': [8, 61, 1],
};

/**
 * What EC2 says about a type of the table (DescribeInstanceTypes facts): vCPUs, installed MiB, GPUs, max
 * ENIs, architecture (Graviton types, `g` after the generation digit, are arm64). Undefined: not in the table.
 */
export const instanceTypeFacts = (
  type: string,
): { vcpu: number; memoryMiB: number; gpus: number; enis?: number; arch: 'arm64' | 'x86_64' } | undefined => {
  const row = table[type];
  if (!row) return undefined;
  const [vcpu, gib, gpu] = row;
  const enis = eniFacts(type).enis;
  return {
    vcpu,
    memoryMiB: Math.round(gib * 1024),
    gpus: gpu ?? 0,
    ...(enis !== undefined ? { enis } : {}),
    arch: /^[a-z]+\dg[a-z]*\./.test(type) ? 'arm64' : 'x86_64',
  };
};

/** The instance types of the table. */
export const instanceTypeNames = (): string[] => Object.keys(table);

/** Resolves an instance type name (from the table) or passes a custom spec through. */
export const instanceType = (type: string | InstanceTypeSpec): InstanceTypeSpec => {
  if (typeof type !== 'string') return type;
  const row = table[type];
  if (!row) {
    throw new Error(
      `sim: unknown instance type '${type}'. Known: ${Object.keys(table).join(', ')}; or pass { name, cpu, memory }.`,
    );
  }
  const [vcpu, gib, gpu] = row;
  const spec: InstanceTypeSpec = {
    name: type,
    cpu: vcpu * 1024,
    memory: Math.round(gib * 1024 * 0.9375),
    ...eniFacts(type),
  };
  if (gpu) spec.gpu = gpu;
  return spec;
};

/** A container of a task definition in the setup API. Units: CPU units, MiB. */
export interface ContainerSpec {
  name?: string;
  cpu?: number;
  /** Hard limit, MiB. */
  memory?: number;
  /** Soft limit, MiB (what placement reserves when set). */
  memoryReservation?: number;
  /** GPUs (resourceRequirements type GPU). */
  gpu?: number;
  /** Static host ports (bridge mode `hostPort`, or host mode ports), TCP. */
  hostPorts?: number[];
  /** Static host ports, UDP. */
  hostPortsUdp?: number[];
  essential?: boolean;
}

/** A task definition in the setup API. */
export interface TaskDefinitionSpec {
  family: string;
  /** Task-level CPU units (a string in the ECS API). */
  cpu?: number;
  /** Task-level memory, MiB. */
  memory?: number;
  containers?: ContainerSpec[];
  networkMode?: 'bridge' | 'host' | 'awsvpc' | 'none';
  /** Container stopTimeout, seconds (ECS default 30). */
  stopTimeout?: number;
  /** `requiresAttributes` of the definition. */
  requiresAttributes?: Array<{ name: string; value?: string }>;
  /** `runtimePlatform.cpuArchitecture` (`ARM64` / `X86_64`). */
  cpuArchitecture?: 'ARM64' | 'X86_64';
  /** Task-definition memberOf constraints. */
  placementConstraints?: Array<{ type: 'memberOf'; expression: string }>;
  /** Simulation knob (not ECS): the essential container exits this many seconds after starting. */
  exitsAfterSeconds?: number;
  tags?: Record<string, string>;
}

/**
 * Computes the placement reservation of a task definition, as ECS does for the EC2 launch type:
 * task-level cpu/memory when present, else the sum over containers (memoryReservation, else memory);
 * GPUs from the containers' resourceRequirements.
 * @throws Error when neither task- nor container-level memory is set (ECS rejects such a definition).
 */
export const reservationOf = (
  spec: TaskDefinitionSpec,
): { reservation: Reservation; hostPorts: number[]; hostPortsUdp: number[] } => {
  const containers = spec.containers ?? [];
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  const hostPorts: number[] = [];
  const hostPortsUdp: number[] = [];
  for (const c of containers) {
    cpu += c.cpu ?? 0;
    const m = c.memoryReservation ?? c.memory;
    if (m === undefined && spec.memory === undefined) {
      throw new Error(
        `sim: task definition '${spec.family}' container '${c.name ?? '?'}': ECS needs 'memory' or ` +
          "'memoryReservation' on the container when the task has no task-level memory.",
      );
    }
    memory += m ?? 0;
    gpu += c.gpu ?? 0;
    for (const p of c.hostPorts ?? []) if (p > 0) hostPorts.push(p);
    for (const p of c.hostPortsUdp ?? []) if (p > 0) hostPortsUdp.push(p);
  }
  if (containers.length === 0 && spec.memory === undefined) {
    throw new Error(`sim: task definition '${spec.family}' needs task-level memory or containers.`);
  }
  return {
    reservation: { cpu: spec.cpu ?? cpu, memory: spec.memory ?? memory, gpu },
    hostPorts: spec.networkMode === 'awsvpc' || spec.networkMode === 'none' ? [] : hostPorts,
    hostPortsUdp: spec.networkMode === 'awsvpc' || spec.networkMode === 'none' ? [] : hostPortsUdp,
  };
};

/** Whether `r` fits in `free` (all dimensions). */
export const fits = (r: Reservation, free: Reservation): boolean =>
  r.cpu <= free.cpu && r.memory <= free.memory && r.gpu <= free.gpu;

/** The host ports the ECS agent reserves on every instance (as in AWS's event example). */
export const agentPorts: readonly number[] = [22, 2375, 2376, 51678, 51679];

/** Sum of reservations of tasks that are placed (not STOPPED). */
export const addReservation = (a: Reservation, b: Reservation, sign = 1): void => {
  a.cpu += sign * b.cpu;
  a.memory += sign * b.memory;
  a.gpu += sign * b.gpu;
};

/** A definition's reservation as a plain copy. */
export const reservationCopy = (td: SimTaskDefinition): Reservation => ({ ...td.reservation });
