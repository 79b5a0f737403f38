/**
 * The capacity providers associated with each simulated cluster (DescribeClusters `capacityProviders`,
 * `defaultCapacityProviderStrategy`) and the group each provider stands for. Kept apart from
 * sim/coexist.ts, which models the providers, so the response shapes and the scheduler can read it
 * without an import cycle.
 *
 * What ECS does with them (ECS developer guide "Amazon ECS capacity providers", CreateService /
 * RunTask API reference; ecs-facts §1.1): a service or task names either a launch type or a capacity
 * provider strategy, never both; with neither, the cluster's default strategy applies (when it has one);
 * a task of a strategy is placed only on container instances of a provider of that strategy (an
 * instance's `capacityProviderName`); a task of the EC2 launch type may go on any container instance.
 * Simplification, written down: the simulator places a task on any provider its strategy names with a
 * weight or a base (it does not split tasks between several providers by base and weight).
 */
import type { CapacityProviderStrategyItem, SimCluster } from './model.js';

const names = new WeakMap<SimCluster, string[]>();
const groupProvider = new WeakMap<SimCluster, Map<string, string>>();
const defaults = new WeakMap<SimCluster, CapacityProviderStrategyItem[]>();

/** Capacity provider names of a cluster. */
export const clusterCapacityProviders = (c: SimCluster): string[] => names.get(c) ?? [];

/** Associates a provider (for Auto Scaling group `group`) with a cluster. */
export const addClusterCapacityProvider = (c: SimCluster, name: string, group?: string): void => {
  names.set(c, [...clusterCapacityProviders(c), name]);
  if (group) {
    const m = groupProvider.get(c) ?? new Map<string, string>();
    m.set(group, name);
    groupProvider.set(c, m);
  }
};

/** The provider of the cluster whose group is `group`, if any. */
export const capacityProviderOfGroup = (c: SimCluster, group: string): string | undefined =>
  groupProvider.get(c)?.get(group);

/** Normalises strategy items as the API does (weight and base default 0; one item alone weighs 1). */
export const strategyItems = (
  items: ReadonlyArray<{ capacityProvider: string; weight?: number; base?: number }>,
): CapacityProviderStrategyItem[] =>
  items.map((i) => ({
    capacityProvider: i.capacityProvider,
    weight: i.weight ?? (items.length === 1 ? 1 : 0),
    base: i.base ?? 0,
  }));

/** PutClusterCapacityProviders' default strategy (empty: none). */
export const setDefaultCapacityProviderStrategy = (
  c: SimCluster,
  items: ReadonlyArray<{ capacityProvider: string; weight?: number; base?: number }>,
): void => {
  for (const i of items) {
    if (!clusterCapacityProviders(c).includes(i.capacityProvider)) {
      throw new Error(`sim: capacity provider '${i.capacityProvider}' is not associated with ${c.name}.`);
    }
  }
  defaults.set(c, strategyItems(items));
};

/** The cluster's default capacity provider strategy. */
export const defaultCapacityProviderStrategy = (c: SimCluster): CapacityProviderStrategyItem[] =>
  defaults.get(c) ?? [];

/**
 * The strategy a new service runs with: its own, else (no launch type given) the cluster's default, else
 * none (launch type EC2). A provider not associated with the cluster is refused, as ECS does.
 */
export const serviceProviderStrategy = (
  c: SimCluster,
  spec: {
    capacityProviderStrategy?: ReadonlyArray<{ capacityProvider: string; weight?: number; base?: number }>;
    launchType?: 'EC2';
  },
): CapacityProviderStrategyItem[] => {
  const given = spec.capacityProviderStrategy ?? [];
  if (given.length > 0 && spec.launchType) {
    throw new Error('sim: createService: launchType and capacityProviderStrategy are mutually exclusive.');
  }
  for (const i of given) {
    if (!clusterCapacityProviders(c).includes(i.capacityProvider)) {
      throw new Error(`sim: capacity provider '${i.capacityProvider}' is not associated with ${c.name}.`);
    }
  }
  if (given.length > 0) return strategyItems(given);
  return spec.launchType ? [] : defaultCapacityProviderStrategy(c);
};

/** The providers a task of `strategy` may be placed on (undefined: any instance, launch type EC2). */
export const eligibleProviders = (
  strategy: readonly CapacityProviderStrategyItem[],
): ReadonlySet<string> | undefined =>
  strategy.length === 0
    ? undefined
    : new Set(strategy.filter((i) => i.weight > 0 || i.base > 0).map((i) => i.capacityProvider));
