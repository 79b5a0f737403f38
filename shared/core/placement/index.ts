/**
 * Placement: whether tasks fit on instances the way ECS places them (resources, and the rules ECS
 * applies), and first-fit-decreasing packing for sizing. Decides where moved or waiting tasks would go.
 */
export * from './placement.js';
