/**
 * Decision: the events that say what the scaler decided and why (EventBridge `source: ecs-autoscaler`)
 * and the per-cluster last-decision record (docs/observability.md).
 */
export * from './decision-event.js';
