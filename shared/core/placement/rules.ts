/**
 * ECS's placement rules for one task on one node, in ECS's order (ecs-facts §1.1): resources (CPU,
 * memory, GPU, host ports, ENI slots), then host attributes, then constraints. The first rule that fails
 * is the refusal, with ECS's failure code and the reason in words.
 */
import { ARCH_ATTR, AZ_ATTR } from '../attributes.js';
import { type PlacementNode, queryTarget } from './nodes.js';
import type { TaskRequirements } from './requirements.js';

/** ECS failure codes (ecs-facts §3.2), plus the constraint names ECS uses in its service events. */
export type RefusalCode =
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:GPU'
  | 'RESOURCE:PORTS_TCP'
  | 'RESOURCE:PORTS_UDP'
  | 'RESOURCE:ENI'
  | 'ATTRIBUTE'
  | 'MemberOf'
  | 'DistinctInstance'
  | 'CapacityProvider';

/** Why a node refuses a task. */
export interface Refusal {
  code: RefusalCode;
  reason: string;
}

/** Codes a larger or additional instance of the same kind can cure (the others need another kind). */
export const CAPACITY_CODES: ReadonlySet<RefusalCode> = new Set([
  'RESOURCE:CPU',
  'RESOURCE:MEMORY',
  'RESOURCE:GPU',
  'RESOURCE:PORTS_TCP',
  'RESOURCE:PORTS_UDP',
  'RESOURCE:ENI',
  'DistinctInstance',
]);

const CAPABILITY = /^(com\.amazonaws\.)?ecs\.capability\./;

/** The first requirement of `req` that `node` does not meet, or undefined when it takes the task. */
export const refusal = (node: PlacementNode, req: TaskRequirements): Refusal | undefined => {
  // ECS maps a task of a capacity provider strategy to a provider before it places it.
  if (req.capacityProviders && !req.capacityProviders.includes(node.capacityProvider ?? '')) {
    return {
      code: 'CapacityProvider',
      reason: `runs only on instances of capacity provider ${req.capacityProviders.join(' or ')} (its capacity provider strategy); this instance ${node.capacityProvider ? `is of ${node.capacityProvider}` : 'belongs to no capacity provider'}`,
    };
  }
  const r = req.resources;
  const f = node.free;
  if (r.CPU > f.CPU)
    return { code: 'RESOURCE:CPU', reason: `needs ${r.CPU} CPU units, ${Math.max(0, f.CPU)} free` };
  if (r.MEMORY > f.MEMORY) {
    return { code: 'RESOURCE:MEMORY', reason: `needs ${r.MEMORY} MiB, ${Math.max(0, f.MEMORY)} free` };
  }
  if (r.GPU > f.GPU)
    return { code: 'RESOURCE:GPU', reason: `needs ${r.GPU} GPU(s), ${Math.max(0, f.GPU)} free` };
  for (const p of req.tcpPorts) {
    if (node.tcpPortsUsed.has(p))
      return { code: 'RESOURCE:PORTS_TCP', reason: `host port ${p}/tcp is already in use` };
  }
  for (const p of req.udpPorts) {
    if (node.udpPortsUsed.has(p))
      return { code: 'RESOURCE:PORTS_UDP', reason: `host port ${p}/udp is already in use` };
  }
  if (req.enis > node.enisFree) {
    return {
      code: 'RESOURCE:ENI',
      reason: `awsvpc needs a task ENI: ${node.enisFree} free on ${node.instanceType ?? 'this instance'}${node.attributes.has('ecs.awsvpc-trunk-id') ? ' (trunked)' : ' (no ENI trunking)'}`,
    };
  }
  if (req.cpuArchitecture !== undefined) {
    const arch = node.attributes.get(ARCH_ATTR);
    if (arch !== undefined && arch !== req.cpuArchitecture) {
      return {
        code: 'ATTRIBUTE',
        reason: `needs CPU architecture ${req.cpuArchitecture}, the instance is ${arch}`,
      };
    }
  }
  for (const a of req.attributes) {
    if (!node.capabilitiesKnown && CAPABILITY.test(a.name)) continue;
    if (!node.attributes.has(a.name)) return { code: 'ATTRIBUTE', reason: `missing attribute ${a.name}` };
    const v = node.attributes.get(a.name);
    if (a.value !== undefined && v !== a.value) {
      return {
        code: 'ATTRIBUTE',
        reason: `needs attribute ${a.name}=${a.value}, the instance has ${v ?? '(no value)'}`,
      };
    }
  }
  const zones = node.availabilityZone ? [node.availabilityZone] : node.zones;
  if (req.zones && zones && !zones.some((z) => req.zones!.includes(z))) {
    return {
      code: 'ATTRIBUTE',
      reason: `its subnets are in ${req.zones.join(', ')}, the instance ${node.availabilityZone ? 'is' : 'launches'} in ${zones.join(' or ')}`,
    };
  }
  if (req.memberOf.length > 0) {
    const target = queryTarget(node);
    // A new instance's AZ is its group's to choose: a constraint on the AZ holds when one of the AZs it
    // may land in satisfies it (if the group launches elsewhere, the next decision sees where).
    const az = (z: string): typeof target => ({
      ...target,
      attribute: (n) => (n === AZ_ATTR ? z : target.attribute(n)),
      hasAttribute: (n) => n === AZ_ATTR || target.hasAttribute(n),
    });
    for (const m of req.memberOf) {
      if (node.availabilityZone || !node.zones ? !m.test(target) : !node.zones.some((z) => m.test(az(z))))
        return { code: 'MemberOf', reason: `memberOf(${m.expression}) is not satisfied` };
    }
  }
  if (req.distinctInstance && (node.groups.get(req.group) ?? 0) > 0) {
    return { code: 'DistinctInstance', reason: `distinctInstance: a task of ${req.group} already runs here` };
  }
  return undefined;
};

/**
 * Whether `node` takes the task: {@link refusal} without building the refusal (the placement loops ask
 * this for thousands of nodes; the words are built only for explanations). Same rules, same order.
 */
export const accepts = (node: PlacementNode, req: TaskRequirements): boolean => {
  if (req.capacityProviders && !req.capacityProviders.includes(node.capacityProvider ?? '')) return false;
  const r = req.resources;
  const f = node.free;
  if (r.CPU > f.CPU || r.MEMORY > f.MEMORY || r.GPU > f.GPU || req.enis > node.enisFree) return false;
  for (const p of req.tcpPorts) if (node.tcpPortsUsed.has(p)) return false;
  for (const p of req.udpPorts) if (node.udpPortsUsed.has(p)) return false;
  if (req.distinctInstance && (node.groups.get(req.group) ?? 0) > 0) return false;
  if (
    req.cpuArchitecture === undefined &&
    req.attributes.length === 0 &&
    req.memberOf.length === 0 &&
    !req.zones
  )
    return true;
  return refusal(node, req) === undefined;
};
