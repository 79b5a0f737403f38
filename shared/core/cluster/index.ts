/**
 * Cluster: the cluster planner. Decides scale-out (how many units waiting tasks plus headroom need),
 * scale-in (which instances to drain, placement-exact) or hold, per Auto Scaling group, from a snapshot,
 * the group's policy tags and `now`. Also the specs of the reservation alarms it keeps.
 */
export * from './alarm-specs.js';
export * from './config.js';
export * from './conflicts.js';
export * from './fleet.js';
export * from './fleet-plan.js';
export * from './fleet-scale-out.js';
export * from './foreign-state.js';
export * from './group-state.js';
export * from './instance-tasks.js';
export * from './instance-types.js';
export * from './planner.js';
export * from './policy.js';
export * from './release.js';
export * from './request.js';
export * from './scale-in.js';
export * from './scale-out.js';
export * from './tick-pacing.js';
