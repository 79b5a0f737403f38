/**
 * Lifecycle-hook timing without state: when the sweeper must send RecordLifecycleActionHeartbeat, how
 * much of an outage a hook survives, and how long a drain may last before the hook's absolute limit.
 *
 * AWS rules relied on: a heartbeat restarts the hook's heartbeat timeout H (30–7200 s); an instance
 * cannot wait longer than the hook's GlobalTimeout = min(48 h, 100 × H), heartbeats or not; after a
 * timeout the hook's DefaultResult applies and the instance is terminated, tasks or not.
 *
 * Heartbeat schedule (with slack): a heartbeat is attempted at least every H/3, and a hook survives
 * several failed or lost heartbeats in a row. The API cannot tell when the hook started or when the last
 * heartbeat was sent, and the drainer keeps no state, so the schedule is tied to the wall clock:
 * - H ≤ 900 s (15 sweeps): every sweep heartbeats. The hook then survives an outage (Auto Scaling errors,
 *   lost or failed sweeps) of H − 2 sweep intervals, e.g. 480 s at H = 600 s;
 * - H > 900 s: time is cut into periods of P = H/4 and the sweeps of the last three sweep intervals of
 *   each period heartbeat (windows of three sweeps). Whatever the hook's phase, the three windows after
 *   the last successful heartbeat all end before its deadline, so nine heartbeat attempts in a row must
 *   fail for the hook to time out; about 12 heartbeats per H instead of one per sweep (H = 3600 s: 12
 *   calls an hour instead of 60).
 * A heartbeat that fails is also retried within the invocation (shared/aws/retry.ts) before any slack is
 * spent.
 */

/** Seconds between two sweeps (the EventBridge schedule `rate(1 minute)`). */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;

/** Up to this heartbeat timeout, seconds, every sweep heartbeats. */
export const EVERY_SWEEP_UP_TO_SECONDS = 900;
/** Sweeps per heartbeat window above {@link EVERY_SWEEP_UP_TO_SECONDS}. */
const WINDOW_SWEEPS = 3;

/**
 * The heartbeat period P for a heartbeat timeout H, seconds (heartbeats in the last three sweep
 * intervals of each period); `undefined` when every sweep heartbeats.
 */
export const heartbeatPeriodSeconds = (
  heartbeatTimeoutSeconds: number,
  sweepIntervalSeconds: number,
): number | undefined =>
  heartbeatTimeoutSeconds <= EVERY_SWEEP_UP_TO_SECONDS ||
  heartbeatTimeoutSeconds / 4 <= 2 * WINDOW_SWEEPS * sweepIntervalSeconds
    ? undefined
    : heartbeatTimeoutSeconds / 4;

/**
 * The longest gap between two heartbeat attempts while every sweep runs, seconds: one sweep interval
 * when every sweep heartbeats, else P − W + one sweep (under H/3).
 */
export const maxHeartbeatGapSeconds = (
  heartbeatTimeoutSeconds: number,
  sweepIntervalSeconds: number,
): number => {
  const period = heartbeatPeriodSeconds(heartbeatTimeoutSeconds, sweepIntervalSeconds);
  return period === undefined
    ? sweepIntervalSeconds
    : period - WINDOW_SWEEPS * sweepIntervalSeconds + sweepIntervalSeconds;
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
  const period = heartbeatPeriodSeconds(heartbeatTimeoutSeconds, sweepIntervalSeconds);
  if (period === undefined) return true;
  const phase = (nowMs / 1000) % period;
  return phase >= period - WINDOW_SWEEPS * sweepIntervalSeconds;
};

/** How well the heartbeat schedule protects a hook (see {@link heartbeatProtection}). */
export interface HeartbeatProtection {
  /** `ok`: survives a 2-minute Auto Scaling outage; `weak`: survives a lost sweep only; `none`: not even that. */
  level: 'ok' | 'weak' | 'none';
  /** The longest Auto Scaling outage (or run of lost sweeps), seconds, the hook survives whatever its phase. */
  toleratedOutageSeconds: number;
  /** Advice for the log, empty when `ok`. */
  advice: string;
}

/** The outage a hook must survive to be `ok`: a 2-minute Auto Scaling error burst (seen in practice). */
export const REQUIRED_OUTAGE_SECONDS = 120;

/**
 * How much of an outage the schedule lets a hook with heartbeat timeout H survive. The drainer warns
 * (`weak`) or errs (`none`) for hooks it cannot protect, naming the timeout to set instead.
 */
export const heartbeatProtection = (
  heartbeatTimeoutSeconds: number,
  sweepIntervalSeconds: number,
): HeartbeatProtection => {
  // Every sweep: the last success at t, attempts every S; the deadline t + H is met by an attempt
  // landing after the outage unless the outage reaches H − S, minus one S for the phase. Windowed: the
  // outage must cover the three windows after the last success: 3·P less a window and a sweep.
  const period = heartbeatPeriodSeconds(heartbeatTimeoutSeconds, sweepIntervalSeconds);
  const tolerated = Math.max(
    0,
    period === undefined
      ? heartbeatTimeoutSeconds - 2 * sweepIntervalSeconds
      : 3 * period - (WINDOW_SWEEPS + 1) * sweepIntervalSeconds,
  );
  const level =
    tolerated >= REQUIRED_OUTAGE_SECONDS ? 'ok' : tolerated >= sweepIntervalSeconds ? 'weak' : 'none';
  const advice =
    level === 'ok'
      ? ''
      : `HeartbeatTimeout ${heartbeatTimeoutSeconds} s survives an Auto Scaling outage (or lost sweeps) of ` +
        `${tolerated} s only; set it to 300 s or more (600 s recommended, see docs/reliability.md)`;
  return { level, toleratedOutageSeconds: tolerated, advice };
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
