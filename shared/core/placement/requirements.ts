/**
 * What one task needs from a container instance, read from its task definition and its service, in the
 * terms ECS places by (ECS developer guide "Amazon ECS task placement"; ecs-facts §1):
 * - resources: CPU units, MiB, GPUs (capacity/resources.ts `taskReservation`);
 * - static host ports, TCP and UDP: `bridge` mode ports with a fixed `hostPort` (0 or absent is dynamic),
 *   `host` mode every mapping (`hostPort` = `containerPort`); `awsvpc` and `none` use no host port;
 * - one task ENI slot in `awsvpc` mode;
 * - host attributes: the task definition's `requiresAttributes` and `runtimePlatform.cpuArchitecture`;
 * - constraints: `memberOf` (service and task definition) and `distinctInstance` (service);
 * - the service's placement strategies;
 * - its capacity provider strategy: ECS maps the task to a provider first and places it only on that
 *   provider's container instances (`capacityProviderName`); a task of the EC2 launch type goes anywhere.
 */
import { type Resources, taskReservation } from '../capacity/resources.js';
import type { CapacityProviderStrategyItem, Service, TaskDefinition } from '../snapshot/snapshot.js';
import { type CompiledQuery, compileClusterQuery } from './cluster-query.js';

/** A placement strategy as ECS names it. */
export interface Strategy {
  type: string;
  field?: string;
}

/** A `memberOf` constraint, compiled. */
export interface MemberOf {
  expression: string;
  test: CompiledQuery;
}

/** What one task of a service (or a standalone family) needs. */
export interface TaskRequirements {
  /** `service:<name>` or `family:<family>`: the task group `distinctInstance` and `spread` count. */
  group: string;
  taskDefinition: string;
  resources: Resources;
  networkMode: string;
  tcpPorts: readonly number[];
  udpPorts: readonly number[];
  /** Task ENI slots (1 in awsvpc mode, else 0). */
  enis: number;
  /** Required host attributes (value undefined: the attribute must exist). */
  attributes: readonly { name: string; value?: string }[];
  /** `ecs.cpu-architecture` the task needs (from runtimePlatform; undefined: any). */
  cpuArchitecture: string | undefined;
  memberOf: readonly MemberOf[];
  distinctInstance: boolean;
  strategy: readonly Strategy[];
  /**
   * The capacity providers whose instances may take the task (its service's capacity provider strategy,
   * or the cluster's default when the service names neither a strategy nor a launch type); undefined:
   * the EC2 launch type, any instance.
   */
  capacityProviders?: readonly string[] | undefined;
  /**
   * The Availability Zones a host must be in (`awsvpc`: the AZs of its service's subnets — a task ENI is
   * created in a subnet of the host's AZ; ecs-facts §2). Undefined: any (not awsvpc, no subnets given, or
   * a subnet whose AZ the snapshot does not tell).
   */
  zones?: readonly string[] | undefined;
  /** Expressions the model could not read (they are ignored, and reported). */
  unreadable: string[];
}

/** ECS's default network mode on Linux. */
const DEFAULT_NETWORK_MODE = 'bridge';

/** Static host ports of a task definition, per protocol. */
export const hostPortsOf = (td: TaskDefinition): { tcp: number[]; udp: number[] } => {
  const mode = td.networkMode ?? DEFAULT_NETWORK_MODE;
  const tcp: number[] = [];
  const udp: number[] = [];
  if (mode !== 'bridge' && mode !== 'host') return { tcp, udp };
  for (const c of td.containerDefinitions) {
    for (const m of c.portMappings ?? []) {
      const port = mode === 'host' ? (m.hostPort ?? m.containerPort) : m.hostPort;
      if (!port || port <= 0) continue;
      ((m.protocol ?? 'tcp').toLowerCase() === 'udp' ? udp : tcp).push(port);
    }
  }
  return { tcp: [...new Set(tcp)], udp: [...new Set(udp)] };
};

/** `ARM64` → `arm64`, `X86_64` → `x86_64` (ECS's attribute values). */
const architectureOf = (td: TaskDefinition): string | undefined => {
  const a = td.runtimePlatform?.cpuArchitecture;
  return a ? a.toLowerCase() : undefined;
};

/**
 * ECS's default strategy for a service that names none: spread on `attribute:ecs.availability-zone`
 * (ecs-facts §1.1). DescribeServices returns such a service's `placementStrategy` as `[]`.
 */
export const DEFAULT_SERVICE_STRATEGY: readonly Strategy[] = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
];

/** The strategy ECS places a task by: its service's, ECS's default for a service, none for a standalone task (random). */
const strategyOf = (service: Service | undefined): readonly Strategy[] => {
  if (!service || service.schedulingStrategy === 'DAEMON') return [];
  const given = service.placementStrategy ?? [];
  return given.length > 0 ? given : DEFAULT_SERVICE_STRATEGY;
};

/**
 * The providers a task of `service` may be placed on: its strategy's, else (no launch type named) the
 * cluster's default strategy's; undefined for the EC2 launch type, a daemon or a standalone task.
 * Simplification, written down (docs/coexistence.md): ECS splits a strategy's tasks between its providers
 * by base and weight; the model lets a task use any provider of the strategy with a weight or a base.
 */
export const serviceCapacityProviders = (
  service: Service | undefined,
  clusterDefault: readonly CapacityProviderStrategyItem[] = [],
): string[] | undefined => {
  if (!service || service.schedulingStrategy === 'DAEMON') return undefined;
  const own = service.capacityProviderStrategy ?? [];
  const items = own.length > 0 ? own : service.launchType ? [] : clusterDefault;
  if (items.length === 0) return undefined;
  const used = items.filter((i) => (i.weight ?? 0) > 0 || (i.base ?? 0) > 0);
  return [...new Set((used.length > 0 ? used : items).map((i) => i.capacityProvider))];
};

/**
 * The requirements of one task of `td`, run by `service` (undefined: a standalone task of the family),
 * in a cluster whose default capacity provider strategy is `clusterDefault`.
 * Never throws: an unreadable `memberOf` expression is kept in `unreadable` and not enforced.
 */
export const taskRequirements = (
  td: TaskDefinition,
  service?: Service,
  clusterDefault?: readonly CapacityProviderStrategyItem[],
  subnetZones?: ReadonlyMap<string, string>,
): TaskRequirements => {
  const { tcp, udp } = hostPortsOf(td);
  const unreadable: string[] = [];
  const memberOf: MemberOf[] = [];
  let distinctInstance = false;
  for (const c of [...(service?.placementConstraints ?? []), ...(td.placementConstraints ?? [])]) {
    if (c.type === 'distinctInstance') distinctInstance = true;
    else if (c.type === 'memberOf' && c.expression) {
      const compiled = compileClusterQuery(c.expression);
      if (compiled.ok) memberOf.push({ expression: c.expression, test: compiled.test });
      else unreadable.push(compiled.error);
    }
  }
  const networkMode = td.networkMode ?? DEFAULT_NETWORK_MODE;
  const attributes = (td.requiresAttributes ?? [])
    .filter(
      (a) =>
        (a as { targetType?: string }).targetType === undefined ||
        (a as { targetType?: string }).targetType === 'container-instance',
    )
    .map((a) => (a.value === undefined ? { name: a.name } : { name: a.name, value: a.value }));
  const subnets =
    networkMode === 'awsvpc' ? service?.networkConfiguration?.awsvpcConfiguration?.subnets : undefined;
  const zones = subnets?.length ? subnets.map((id) => subnetZones?.get(id)) : [undefined];
  return {
    group: service ? `service:${service.serviceName}` : `family:${td.family ?? td.taskDefinitionArn}`,
    taskDefinition: td.taskDefinitionArn,
    resources: taskReservation(td),
    networkMode,
    tcpPorts: tcp,
    udpPorts: udp,
    enis: networkMode === 'awsvpc' ? 1 : 0,
    attributes,
    cpuArchitecture: architectureOf(td),
    memberOf,
    distinctInstance,
    strategy: strategyOf(service),
    capacityProviders: serviceCapacityProviders(service, clusterDefault),
    ...(zones.every((z) => z) ? { zones: [...new Set(zones as string[])] } : {}),
    unreadable,
  };
};

/** Whether the task needs anything beyond CPU, memory and GPU (ports, ENIs, attributes, constraints). */
export const hasPlacementRules = (r: TaskRequirements): boolean =>
  r.tcpPorts.length > 0 ||
  r.udpPorts.length > 0 ||
  r.enis > 0 ||
  r.attributes.length > 0 ||
  r.cpuArchitecture !== undefined ||
  r.memberOf.length > 0 ||
  r.distinctInstance ||
  r.capacityProviders !== undefined ||
  r.zones !== undefined;
