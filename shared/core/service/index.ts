/**
 * Service: the service scaler. Decides a service's new desired count on its CloudWatch alarms within
 * its Application Auto Scaling min/max and cooldowns, and whether the cluster must grow first.
 */
export * from './alarm.js';
export * from './bounds.js';
export * from './cluster-growth.js';
export * from './cooldown.js';
export * from './planner.js';
export * from './policy.js';
export * from './preview.js';
