/**
 * The capacity provider names associated with each simulated cluster (DescribeClusters
 * `capacityProviders`). Kept apart from sim/coexist.ts, which models the providers, so the response
 * shapes can read it without an import cycle.
 */
import type { SimCluster } from './model.js';

const names = new WeakMap<SimCluster, string[]>();

/** Capacity provider names of a cluster. */
export const clusterCapacityProviders = (c: SimCluster): string[] => names.get(c) ?? [];

/** Associates a provider with a cluster. */
export const addClusterCapacityProvider = (c: SimCluster, name: string): void => {
  names.set(c, [...clusterCapacityProviders(c), name]);
};
