/**
 * Lifecycle-hook timing without state: when the sweeper must send RecordLifecycleActionHeartbeat, and
 * how long a drain may last before the hook's absolute limit.
 *
 * AWS rules relied on: a heartbeat restarts the hook's heartbeat timeout H (30–7200 s); an instance
 * cannot wait longer than the hook's GlobalTimeout = min(48 h, 100 × H), heartbeats or not; after a
 * timeout the hook's DefaultResult applies and the instance is terminated.
 *
 * Heartbeat schedule: the API cannot tell when the hook started or when the last heartbeat was sent, and
 * the drainer keeps no state. So heartbeats are tied to the wall clock: time is cut into periods of
 * P = H/2 and the sweeper heartbeats in the last W seconds of each period (W = one to two sweep
 * intervals). Whatever the phase of the hook, a heartbeat sent in the window of period k moves the
 * deadline to at least (k+2)·P − W, after the end of the window of period k+1 (as W < P), and the
 * first window after the hook started ends within P < H of it. So the hook never times out while at
 * least one sweep per window runs, at the cost of about 2 heartbeats per H per draining instance
 * instead of one per sweep.
 */

/** Seconds between two sweeps (the EventBridge schedule `rate(1 minute)`). */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;

/** The heartbeat window W for a heartbeat timeout H, seconds; `undefined` when every sweep must heartbeat. */
export const heartbeatWindowSeconds = (
  heartbeatTimeoutSeconds: number,
  sweepIntervalSeconds: number,
): number | undefined => {
  const period = heartbeatTimeoutSeconds / 2;
  const window = Math.max(
    sweepIntervalSeconds,
    Math.min(2 * sweepIntervalSeconds, heartbeatTimeoutSeconds / 4),
  );
  return window < period ? window : undefined;
};

/**
 * Whether a sweep at `nowMs` must heartbeat a hook with heartbeat timeout `heartbeatTimeoutSeconds`.
 * Unknown timeout → always (safe, costs one call per sweep).
 */
export const isHeartbeatDue = (
  nowMs: number,
  heartbeatTimeoutSeconds: number | undefined,
  sweepIntervalSeconds: number,
): boolean => {
  if (heartbeatTimeoutSeconds === undefined || heartbeatTimeoutSeconds <= 0) return true;
  const window = heartbeatWindowSeconds(heartbeatTimeoutSeconds, sweepIntervalSeconds);
  if (window === undefined) return true;
  const period = heartbeatTimeoutSeconds / 2;
  const phase = (nowMs / 1000) % period;
  return phase >= period - window;
};

/**
 * The drain time after which the lifecycle action is completed anyway, seconds: the configured maximum,
 * but never later than two sweeps before the hook's GlobalTimeout (after which AWS would apply the
 * DefaultResult on its own, without the ERROR log and metric).
 */
export const effectiveMaxDrainSeconds = (
  maxDrainSeconds: number,
  globalTimeoutSeconds: number | undefined,
  sweepIntervalSeconds: number,
): number =>
  globalTimeoutSeconds === undefined
    ? maxDrainSeconds
    : Math.max(0, Math.min(maxDrainSeconds, globalTimeoutSeconds - 2 * sweepIntervalSeconds));
