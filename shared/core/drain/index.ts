/**
 * Drain: what to do with one instance that is leaving — set DRAINING, wait, heartbeat, complete the
 * lifecycle action when no non-daemon task is left, or give up at the maximum drain time.
 */
export * from './config.js';
export * from './decision.js';
export * from './timing.js';
