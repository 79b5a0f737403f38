/**
 * Capacity: the reservation threshold rule per CPU and memory — threshold % = (1 − largest task
 * reservation / one instance's capacity) × 100 — and how many of the largest task still fit, instance by
 * instance. Decides nothing on its own; every planner asks it.
 */
export * from './capacity.js';
export * from './resources.js';
