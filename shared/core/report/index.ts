/**
 * Report: the dry-run capacity report — the capacity figures, the plan the cluster planner would make,
 * and what the service alarms would do. Computes text-free values; rendering lives in the CLI.
 */
export * from './group-report.js';
export * from './placement-explanations.js';
export * from './report.js';
export * from './service-alarms.js';
