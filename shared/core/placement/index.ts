/**
 * Placement: whether tasks fit on instances the way ECS places them — resources, host ports, task ENIs,
 * attributes, constraints, strategies (placement/rules.ts, place.ts) — and the first-fit-decreasing packing
 * of plain resource vectors. Decides where moved or waiting tasks would go.
 */
export * from './cluster-query.js';
export * from './instance-facts.js';
export * from './nodes.js';
export * from './place.js';
export * from './placement.js';
export * from './requirements.js';
export * from './rules.js';
