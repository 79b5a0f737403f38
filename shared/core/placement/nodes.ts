/**
 * Container instances as the placement model sees them (a "node"): free CPU/memory/GPU, the host ports in
 * use (TCP and UDP, from `remainingResources` PORTS / PORTS_UDP, which list the ports *taken*), free task
 * ENI slots, attributes, and the task groups on it. New instances of a type are template nodes.
 */
import { ARCH_ATTR, AZ_ATTR, attributeOf, TYPE_ATTR } from '../attributes.js';
import { crashLoopRoom } from '../capacity/crash-loop.js';
import {
  addResources,
  minResources,
  type Resources,
  registeredOf,
  remainingOf,
  subtractResources,
} from '../capacity/resources.js';
import type { ClusterSnapshot, ContainerInstance, Task } from '../snapshot/snapshot.js';
import type { QueryTarget } from './cluster-query.js';
import { type InstanceFactsLookup, type InstanceTypeFacts, taskEniSlots } from './instance-facts.js';
import type { TaskRequirements } from './requirements.js';

/** One place a task could go. */
export interface PlacementNode {
  /** Container instance ARN, or `new:<type>` for a template. */
  id: string;
  ec2InstanceId: string | undefined;
  instanceType: string | undefined;
  availabilityZone: string | undefined;
  free: Resources;
  tcpPortsUsed: ReadonlySet<number>;
  udpPortsUsed: ReadonlySet<number>;
  /** Free task ENI slots; Infinity when the instance type is unknown (not modelled). */
  enisFree: number;
  /** Attribute name → value (undefined for a name-only attribute such as `ecs.capability.task-eni`). */
  attributes: ReadonlyMap<string, string | undefined>;
  /** Task groups on the node (desired status not STOPPED), with counts. */
  groups: ReadonlyMap<string, number>;
  /** Whether the task list of the node is known (else `groups` may miss tasks). */
  groupsKnown: boolean;
  /** False when the attribute list holds no agent capability: capability requirements are assumed met. */
  capabilitiesKnown: boolean;
  agentConnected: boolean;
  agentVersion: string | undefined;
  registeredAt: string | undefined;
  runningTasks: number;
  /** A new instance (not launched yet). */
  isNew: boolean;
  /**
   * A new instance's AZ is its group's choice (it balances its AZs): the AZs it may land in (its group's,
   * or the one a booting member was launched in). Undefined: not known, any.
   */
  zones?: readonly string[] | undefined;
  /** A template: its group's members (Pending, InService) in each of `zones` — where it launches next. */
  zoneCounts?: { group: string; counts: readonly number[] } | undefined;
  /** The capacity provider the instance belongs to (`capacityProviderName`; a template: its group's). */
  capacityProvider?: string | undefined;
}

const INACTIVE_ATTACHMENT = new Set(['DELETED', 'DETACHED', 'FAILED']);
const ENI_TYPES = new Set(['ElasticNetworkInterface', 'eni']);
const CAPABILITY = /^(com\.amazonaws\.)?ecs\.capability\./;

const portSet = (ci: ContainerInstance, name: 'PORTS' | 'PORTS_UDP'): Set<number> => {
  const r = ci.remainingResources.find((x) => x.name === name);
  return new Set((r?.stringSetValue ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0));
};

/** Task ENIs ECS attached to the instance (attachments not deleted/detached/failed). */
export const attachedTaskEnis = (ci: ContainerInstance): number =>
  (ci.attachments ?? []).filter(
    (a) => ENI_TYPES.has(a.type ?? '') && !INACTIVE_ATTACHMENT.has(a.status ?? ''),
  ).length;

/** The query view of a node (for `memberOf`). */
export const queryTarget = (n: PlacementNode): QueryTarget => ({
  attribute: (name) => n.attributes.get(name),
  hasAttribute: (name) => n.attributes.has(name),
  ec2InstanceId: n.ec2InstanceId,
  agentConnected: n.agentConnected,
  agentVersion: n.agentVersion,
  registeredAt: n.registeredAt,
  runningTasksCount: n.runningTasks,
  hasTaskGroup: (g) => (n.groups.get(g) ?? 0) > 0,
});

/**
 * Subnet → AZ, as the snapshot tells it: EC2 DescribeSubnets (`subnets`), each container instance's
 * `ecs.subnet-id` and `ecs.availability-zone`, and each `awsvpc` task's ENI subnet and `availabilityZone`.
 */
export const subnetZones = (snapshot: ClusterSnapshot): Map<string, string> => {
  const out = new Map<string, string>((snapshot.subnets ?? []).map((s) => [s.SubnetId, s.AvailabilityZone]));
  for (const ci of snapshot.containerInstances) {
    const [subnet, az] = [attributeOf(ci, 'ecs.subnet-id'), attributeOf(ci, AZ_ATTR)];
    if (subnet && az) out.set(subnet, az);
  }
  for (const t of snapshot.tasks ?? []) {
    const { availabilityZone: az, attachments } = t as {
      availabilityZone?: string;
      attachments?: { details?: { name?: string; value?: string }[] }[];
    };
    for (const a of attachments ?? [])
      for (const d of a.details ?? []) if (az && d.name === 'subnetId' && d.value) out.set(d.value, az);
  }
  return out;
};

/** Groups per container instance from the snapshot's tasks (desired status not STOPPED). */
const groupsByInstance = (tasks: readonly Task[]): Map<string, Map<string, number>> => {
  const out = new Map<string, Map<string, number>>();
  for (const t of tasks) {
    if (!t.containerInstanceArn || t.desiredStatus === 'STOPPED' || t.lastStatus === 'STOPPED') continue;
    const group = t.group ?? '';
    let m = out.get(t.containerInstanceArn);
    if (!m) {
      m = new Map();
      out.set(t.containerInstanceArn, m);
    }
    m.set(group, (m.get(group) ?? 0) + 1);
  }
  return out;
};

/**
 * The nodes of a snapshot's container instances that take placements (ACTIVE, agent connected), in the
 * snapshot's order. `awsvpc` tasks listed on an instance count as ENIs when attachments are absent.
 */
export const nodesOf = (snapshot: ClusterSnapshot, facts: InstanceFactsLookup): PlacementNode[] => {
  const groups = groupsByInstance(snapshot.tasks ?? []);
  const awsvpcDefs = new Set(
    snapshot.taskDefinitions.filter((d) => d.networkMode === 'awsvpc').map((d) => d.taskDefinitionArn),
  );
  const awsvpcTasks = new Map<string, number>();
  for (const t of snapshot.tasks ?? []) {
    if (!t.containerInstanceArn || t.lastStatus === 'STOPPED' || !awsvpcDefs.has(t.taskDefinitionArn))
      continue;
    awsvpcTasks.set(t.containerInstanceArn, (awsvpcTasks.get(t.containerInstanceArn) ?? 0) + 1);
  }
  // Room held by a crash loop's retry is free, as in the capacity analysis (capacity/crash-loop.ts).
  const crashRoom = crashLoopRoom(snapshot);
  return snapshot.containerInstances
    .filter((ci) => ci.status === 'ACTIVE' && ci.agentConnected)
    .map((ci) => {
      const n = nodeOf(
        ci,
        facts,
        groups.get(ci.containerInstanceArn),
        awsvpcTasks.get(ci.containerInstanceArn) ?? 0,
      );
      const back = crashRoom.get(ci.containerInstanceArn);
      return back ? { ...n, free: minResources(addResources(n.free, back), registeredOf(ci)) } : n;
    });
};

/** One container instance as a node. `groups` undefined: its tasks are not in the snapshot. */
export const nodeOf = (
  ci: ContainerInstance,
  facts: InstanceFactsLookup,
  groups: Map<string, number> | undefined,
  awsvpcTasks = 0,
): PlacementNode => {
  const attributes = new Map<string, string | undefined>((ci.attributes ?? []).map((a) => [a.name, a.value]));
  const type = attributes.get(TYPE_ATTR);
  const slots = taskEniSlots(type ? facts(type) : undefined, attributes.has('ecs.awsvpc-trunk-id'));
  const used = Math.max(attachedTaskEnis(ci), awsvpcTasks);
  const listed = groups ? [...groups.values()].reduce((s, n) => s + n, 0) : 0;
  return {
    id: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    instanceType: type,
    availabilityZone: attributes.get(AZ_ATTR),
    free: remainingOf(ci),
    tcpPortsUsed: portSet(ci, 'PORTS'),
    udpPortsUsed: portSet(ci, 'PORTS_UDP'),
    enisFree: slots === undefined ? Infinity : Math.max(0, slots - used),
    attributes,
    groups: groups ?? new Map(),
    groupsKnown:
      ci.runningTasksCount + ci.pendingTasksCount === 0 ||
      listed >= ci.runningTasksCount + ci.pendingTasksCount,
    capabilitiesKnown: [...attributes.keys()].some((k) => CAPABILITY.test(k)),
    agentConnected: ci.agentConnected,
    agentVersion: (ci as { versionInfo?: { agentVersion?: string } }).versionInfo?.agentVersion,
    registeredAt: ci.registeredAt,
    runningTasks: ci.runningTasksCount,
    isNew: false,
    ...(ci.capacityProviderName ? { capacityProvider: ci.capacityProviderName } : {}),
  };
};

/** Attributes that belong to one instance, not to its launch template. */
const PER_INSTANCE = new Set([
  AZ_ATTR,
  'ecs.subnet-id',
  TYPE_ATTR,
  ARCH_ATTR,
  'ecs.awsvpc-trunk-id',
  'ecs.ami-id',
]);

/** What daemons take on every new instance. */
export interface DaemonLoad {
  resources: Resources;
  tcpPorts: readonly number[];
  udpPorts: readonly number[];
  enis: number;
}

/**
 * A new instance of `instanceType` as a node: registered capacity (what an instance of that type in
 * `group` registered, else the caller's `registered`) minus the daemons; attributes copied from
 * a registered instance of the same type (else of any type, launch-template attributes only) with the
 * type's own `ecs.instance-type` and `ecs.cpu-architecture` — an instance of `group` first, when it has
 * one registered: groups of one type may register different custom attributes (`ECS_INSTANCE_ATTRIBUTES`
 * in their user data: pools a `memberOf` constraint chooses). With none registered, its custom attributes
 * are `agent` (its launch template's user data) when known, else the other instance's. ENI trunking is assumed when the instances
 * of the type have it (the account setting applies to every instance launched after opt-in).
 */
export const templateNode = (
  instanceType: string,
  facts: InstanceTypeFacts | undefined,
  registered: Resources,
  daemons: DaemonLoad,
  snapshot: ClusterSnapshot,
  capacityProvider?: string,
  group?: string,
  agent?: Record<string, string>,
): PlacementNode => {
  const capacity = snapshot.containerInstances.filter(
    (ci) => ci.status === 'ACTIVE' || ci.status === 'DRAINING',
  );
  const typed = (list: ContainerInstance[]) => list.find((ci) => attributeOf(ci, TYPE_ATTR) === instanceType);
  const of = snapshot.autoScalingGroups.find((g) => g.AutoScalingGroupName === group);
  const members = new Set(of?.Instances.map((i) => i.InstanceId));
  const zones = of?.AvailabilityZones;
  const own = capacity.filter((ci) => members.has(ci.ec2InstanceId!));
  const sameType = typed(capacity);
  const ownType = typed(own);
  const source = ownType ?? own[0] ?? sameType ?? capacity[0];
  // No instance of the group registered: another group's custom attributes are not this one's; its user
  // data's are, when read (`agent`).
  const foreign = own.length === 0 && agent;
  const attributes = new Map<string, string | undefined>(foreign ? Object.entries(agent) : []);
  const ofType = !!source && attributeOf(source, TYPE_ATTR) === instanceType;
  for (const a of source?.attributes ?? []) {
    if ((ofType || !PER_INSTANCE.has(a.name)) && (!foreign || /^(ecs|com\.amazonaws)\./.test(a.name)))
      attributes.set(a.name, a.value);
  }
  attributes.delete(AZ_ATTR);
  attributes.delete('ecs.subnet-id');
  attributes.set(TYPE_ATTR, instanceType);
  const arch = facts?.architectures[0];
  if (arch) attributes.set(ARCH_ATTR, arch);
  if (!attributes.has('ecs.os-type')) attributes.set('ecs.os-type', 'linux');
  const trunked = !!sameType?.attributes?.some((a) => a.name === 'ecs.awsvpc-trunk-id');
  const slots = taskEniSlots(facts, trunked);
  return {
    id: `new:${instanceType}`,
    ec2InstanceId: undefined,
    instanceType,
    availabilityZone: undefined,
    // The group's own instance of the type (another group's may register less: ECS_RESERVED_MEMORY).
    free: subtractResources(ownType ? registeredOf(ownType) : registered, daemons.resources),
    tcpPortsUsed: new Set([
      ...(source ? portSetRegistered(source, 'PORTS') : DEFAULT_AGENT_PORTS),
      ...daemons.tcpPorts,
    ]),
    udpPortsUsed: new Set([...(source ? portSetRegistered(source, 'PORTS_UDP') : []), ...daemons.udpPorts]),
    enisFree: slots === undefined ? Infinity : Math.max(0, slots - daemons.enis),
    attributes,
    groups: new Map(),
    groupsKnown: true,
    capabilitiesKnown: [...attributes.keys()].some((k) => CAPABILITY.test(k)),
    agentConnected: true,
    agentVersion: undefined,
    registeredAt: undefined,
    runningTasks: 0,
    isNew: true,
    ...(zones?.length
      ? {
          zones,
          zoneCounts: {
            group: group!,
            counts: zones.map(
              (z) =>
                of!.Instances.filter((i) => i.AvailabilityZone === z && /^(Pe|In)/.test(i.LifecycleState))
                  .length,
            ),
          },
        }
      : {}),
    ...(capacityProvider ? { capacityProvider } : {}),
  };
};

/** The Linux agent's default reserved TCP ports (ecs-facts §1.2). */
const DEFAULT_AGENT_PORTS = [22, 2375, 2376, 51678, 51679];

const portSetRegistered = (ci: ContainerInstance, name: 'PORTS' | 'PORTS_UDP'): number[] =>
  (ci.registeredResources.find((x) => x.name === name)?.stringSetValue ?? [])
    .map(Number)
    .filter((n) => n > 0);

/** The daemon load of a task requirement list (one task of each daemon service per instance). */
export const daemonLoad = (daemons: readonly TaskRequirements[], resources: Resources): DaemonLoad => ({
  resources,
  tcpPorts: daemons.flatMap((d) => d.tcpPorts),
  udpPorts: daemons.flatMap((d) => d.udpPorts),
  enis: daemons.reduce((s, d) => s + d.enis, 0),
});
