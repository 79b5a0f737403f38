/**
 * Snapshot: the `ClusterSnapshot` shape every decision reads (what `ecs-autoscaler snapshot` writes and
 * `report --snapshot` reads), its schema and parser.
 */
export * from './snapshot.js';
export * from './task-size.js';
