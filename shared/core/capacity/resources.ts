/**
 * Resource vectors: what instances register and what tasks reserve, per dimension.
 *
 * Units follow ECS: CPU in CPU units (1 vCPU = 1024), MEMORY in MiB, GPU in whole GPUs.
 */
import type { ContainerInstance, Resource, TaskDefinition } from '../snapshot/snapshot.js';
import { parseTaskSize } from '../snapshot/task-size.js';

/** The dimensions the autoscaler reasons about. GPU only counts when an instance registers it. */
export const DIMENSIONS = ['CPU', 'MEMORY', 'GPU'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** An amount of each dimension (CPU units, MiB, GPUs). */
export type Resources = Readonly<Record<Dimension, number>>;

/** No resources. */
export const ZERO: Resources = Object.freeze({ CPU: 0, MEMORY: 0, GPU: 0 });

/**
 * The numeric value of one ECS `Resource`: `integerValue` (CPU, MEMORY), else `longValue`/`doubleValue`,
 * else the size of `stringSetValue` (GPU registers as a set of GPU ids). Missing → 0.
 */
export const resourceValue = (resources: readonly Resource[] | undefined, name: Dimension): number => {
  const r = resources?.find((x) => x.name === name);
  if (!r) return 0;
  const n = r.integerValue ?? r.longValue ?? r.doubleValue ?? r.stringSetValue?.length ?? 0;
  return Number.isFinite(n) ? n : 0;
};

/** What a container instance registered (its total capacity). */
export const registeredOf = (ci: ContainerInstance): Resources => ({
  CPU: resourceValue(ci.registeredResources, 'CPU'),
  MEMORY: resourceValue(ci.registeredResources, 'MEMORY'),
  GPU: resourceValue(ci.registeredResources, 'GPU'),
});

/** What is still free on a container instance. */
export const remainingOf = (ci: ContainerInstance): Resources => ({
  CPU: resourceValue(ci.remainingResources, 'CPU'),
  MEMORY: resourceValue(ci.remainingResources, 'MEMORY'),
  GPU: resourceValue(ci.remainingResources, 'GPU'),
});

/**
 * The reservation a task of this definition makes on an EC2 container instance.
 * - CPU: task-level `cpu` if set, else Σ container `cpu`.
 * - MEMORY: task-level `memory` if set, else Σ containers (`memoryReservation` ?? `memory` ?? 0) — ECS
 *   reserves the soft limit when one is given.
 * - GPU: Σ container `resourceRequirements` of type GPU.
 */
export const taskReservation = (td: TaskDefinition): Resources => {
  const containers = td.containerDefinitions ?? [];
  const cpu = parseTaskSize(td.cpu, 'vcpu') ?? containers.reduce((s, c) => s + (c.cpu ?? 0), 0);
  const memory =
    parseTaskSize(td.memory, 'gb') ??
    containers.reduce((s, c) => s + (c.memoryReservation ?? c.memory ?? 0), 0);
  const gpu = containers.reduce(
    (s, c) =>
      s +
      (c.resourceRequirements ?? [])
        .filter((r) => r.type === 'GPU')
        .reduce((g, r) => g + (Number.parseInt(r.value, 10) || 0), 0),
    0,
  );
  return { CPU: cpu, MEMORY: memory, GPU: gpu };
};

/** a + b, per dimension. */
export const addResources = (a: Resources, b: Resources): Resources => ({
  CPU: a.CPU + b.CPU,
  MEMORY: a.MEMORY + b.MEMORY,
  GPU: a.GPU + b.GPU,
});

/** a − b, per dimension (may go negative: callers check with {@link fits}). */
export const subtractResources = (a: Resources, b: Resources): Resources => ({
  CPU: a.CPU - b.CPU,
  MEMORY: a.MEMORY - b.MEMORY,
  GPU: a.GPU - b.GPU,
});

/** k × a. */
export const scaleResources = (a: Resources, k: number): Resources => ({
  CPU: a.CPU * k,
  MEMORY: a.MEMORY * k,
  GPU: a.GPU * k,
});

/** Whether `need` fits in `free` on every dimension. */
export const fits = (need: Resources, free: Resources): boolean =>
  need.CPU <= free.CPU && need.MEMORY <= free.MEMORY && need.GPU <= free.GPU;

/**
 * How many copies of `task` fit in `free`: min over dimensions the task uses of floor(free / task).
 * A task that uses no dimension "fits" without bound: returns `Infinity` (callers decide what that means).
 */
export const copiesThatFit = (
  task: Resources,
  free: Resources,
  dims: readonly Dimension[] = DIMENSIONS,
): number => {
  let best = Infinity;
  for (const d of dims) {
    if (task[d] > 0) best = Math.min(best, Math.max(0, Math.floor(free[d] / task[d])));
  }
  return best;
};

/** The smaller of a and b on each dimension. */
export const minResources = (a: Resources, b: Resources): Resources => ({
  CPU: Math.min(a.CPU, b.CPU),
  MEMORY: Math.min(a.MEMORY, b.MEMORY),
  GPU: Math.min(a.GPU, b.GPU),
});

/** The larger of a and b on each dimension. */
export const maxResources = (a: Resources, b: Resources): Resources => ({
  CPU: Math.max(a.CPU, b.CPU),
  MEMORY: Math.max(a.MEMORY, b.MEMORY),
  GPU: Math.max(a.GPU, b.GPU),
});
