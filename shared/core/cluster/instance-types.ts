/**
 * What one new instance will register with ECS, when no instance of the group is registered to learn it
 * from (scale from zero), and the facts fleet.ts needs about each type (vCPU, MiB, architecture, GPUs,
 * us-east-1 on-demand price). The fact rows are the placement model's built-in table (Karpenter's generated
 * instance-type reference) with prices from AWS's price list (/work/research/instance-types.json, read
 * 2026-12-03); c/m/r types outside the rows fall back to the family formula below.
 *
 * CPU: ECS registers vCPU × 1024 CPU units. MEMORY: ECS registers less than the installed memory (the
 * kernel and platform overhead; ECS developer guide "Reserving Amazon ECS Linux container instance
 * memory": an m4.large with 8 GiB registers 7985 MiB), and `ECS_RESERVED_MEMORY` lowers it further. The
 * table takes 95 % of the installed MiB minus 128 MiB, which is at or under what ECS registers on the
 * ECS-optimized AMIs, so the estimate errs toward one instance too many, never too few for the first
 * launch. The first instance that registers replaces the estimate (or set the instance-cpu /
 * instance-memory tags).
 */
import type { Resources } from '../capacity/resources.js';
import { builtinInstanceFacts, builtinInstanceTypes, builtinUsdHour } from '../placement/instance-facts.js';
import type { AutoScalingGroup } from '../snapshot/snapshot.js';

/** Facts of one instance type. Memory is installed MiB (not what ECS registers). */
export interface InstanceTypeFacts {
  vcpu: number;
  memoryMiB: number;
  arch: 'x86_64' | 'arm64';
  gpus: number;
  /** us-east-1 Linux on-demand USD per hour (undefined: not known). */
  priceUsdHour: number | undefined;
}

/** Installed GiB per vCPU for the families the table knows. */
const FAMILY_GIB_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };
const GENERATIONS = new Set(['5', '5a', '6i', '6a', '6g', '7i', '7a', '7g']);
/** vCPUs of the sizes common to the c/m/r families. */
const SIZE_VCPU: Record<string, number> = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
  '24xlarge': 96,
};
/** Burstable families: [vCPU, installed GiB] per size (t3, t3a and t4g share them). */
const BURSTABLE: Record<string, [number, number]> = {
  nano: [2, 0.5],
  micro: [2, 1],
  small: [2, 2],
  medium: [2, 4],
  large: [2, 8],
  xlarge: [4, 16],
  '2xlarge': [8, 32],
};

const registered = (vcpu: number, gib: number, gpus = 0): Resources => ({
  CPU: vcpu * 1024,
  MEMORY: Math.floor(gib * 1024 * 0.95 - 128),
  GPU: gpus,
});

/** The names of every type the fact rows know (attribute-based selection chooses among them). */
export const knownInstanceTypes = (): string[] => builtinInstanceTypes();

/**
 * Facts of an instance type: the research rows, else the c/m/r/t family formula (architecture from the
 * generation letter `g`, no price); undefined when neither knows it.
 */
export const instanceTypeFacts = (instanceType: string): InstanceTypeFacts | undefined => {
  const row = builtinInstanceFacts(instanceType);
  if (row) {
    return {
      vcpu: row.vcpu,
      memoryMiB: row.memoryMiB,
      arch: row.architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
      gpus: row.gpus,
      priceUsdHour: builtinUsdHour(instanceType),
    };
  }
  const cap = formulaCapacity(instanceType);
  if (!cap) return undefined;
  const family = instanceType.split('.')[0] ?? '';
  return {
    vcpu: cap.CPU / 1024,
    memoryMiB: Math.round((cap.MEMORY + 128) / 0.95),
    arch: /\dg/.test(family) || family === 't4g' ? 'arm64' : 'x86_64',
    gpus: 0,
    priceUsdHour: undefined,
  };
};

/**
 * The estimated registered capacity of an instance type, or undefined when the table does not know it.
 * Knows the fact rows (GPUs included), t3/t3a/t4g (nano..2xlarge) and c/m/r generations 5, 5a, 6i, 6a, 6g, 7i, 7a, 7g (large..24xlarge).
 */
export const instanceTypeCapacity = (instanceType: string): Resources | undefined => {
  const row = builtinInstanceFacts(instanceType);
  if (row) return registered(row.vcpu, row.memoryMiB / 1024, row.gpus);
  return formulaCapacity(instanceType);
};

const formulaCapacity = (instanceType: string): Resources | undefined => {
  const [family, size] = instanceType.split('.');
  if (!family || !size) return undefined;
  if (family === 't3' || family === 't3a' || family === 't4g') {
    const spec = BURSTABLE[size];
    return spec ? registered(spec[0], spec[1]) : undefined;
  }
  const m = /^([cmr])(\d[a-z]?)$/.exec(family);
  const vcpu = SIZE_VCPU[size];
  if (!m || !vcpu || !GENERATIONS.has(m[2]!)) return undefined;
  return registered(vcpu, vcpu * FAMILY_GIB_PER_VCPU[m[1]!]!);
};

interface Overrides {
  LaunchTemplate?: { Overrides?: { InstanceType?: string }[] };
}

/** The instance types a group launches: its instances' types, else its MixedInstancesPolicy overrides. */
export const groupInstanceTypes = (group: AutoScalingGroup): string[] => {
  const fromInstances = group.Instances.map((i) => i.InstanceType).filter((t): t is string => !!t);
  if (fromInstances.length > 0) return [...new Set(fromInstances)];
  const mixed = (group as { MixedInstancesPolicy?: Overrides }).MixedInstancesPolicy;
  const overrides = mixed?.LaunchTemplate?.Overrides ?? [];
  return [...new Set(overrides.map((o) => o.InstanceType).filter((t): t is string => !!t))];
};

/**
 * The smallest table capacity, per dimension, over the group's instance types (conservative for mixed
 * groups), with the types it came from; undefined when the group names no type or one the table lacks.
 */
export const tableCapacity = (
  group: AutoScalingGroup,
): { capacity: Resources; instanceTypes: string[] } | undefined => {
  const types = groupInstanceTypes(group);
  const capacities = types.map(instanceTypeCapacity);
  if (types.length === 0 || capacities.some((c) => c === undefined)) return undefined;
  const known = capacities as Resources[];
  return {
    capacity: {
      CPU: Math.min(...known.map((c) => c.CPU)),
      MEMORY: Math.min(...known.map((c) => c.MEMORY)),
      GPU: 0,
    },
    instanceTypes: types,
  };
};
