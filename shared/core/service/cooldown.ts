/**
 * Stateless cooldowns: the scaler writes its intent into the service's `ecs-autoscaler:last-scaling` tag
 * *before* UpdateService, and reads it back from DescribeServices (include TAGS) on the next event.
 *
 * Why a tag and not the service's own data: a deployment's `updatedAt` also moves when tasks start and stop,
 * and service events do not record desired-count changes. Why before the write: if UpdateService then
 * fails, the retry sees "intent recorded, desired count still at `from`" and re-applies the same absolute
 * target instead of stepping again from a count it already left.
 *
 * Value format (tag values allow only letters, digits, spaces and `+ - = . _ : / @`):
 * `scale-out 3 to 5 at 2024-05-01T10:00:00.000Z alarm 2024-05-01T09:59:58.120+0000`
 * (the alarm part is the state timestamp of the alarm transition that caused it; optional).
 */

/** The last scaling the scaler recorded on a service. */
export interface ScalingRecord {
  action: 'scale-out' | 'scale-in';
  from: number;
  to: number;
  /** When the scaler decided it (ISO-8601). */
  at: string;
  /** The alarm state timestamp that caused it, if known. */
  alarmStateTimestamp?: string | undefined;
}

/** Formats a record as a tag value (≤ 256 characters). */
export const formatScalingRecord = (r: ScalingRecord): string =>
  `${r.action} ${r.from} to ${r.to} at ${r.at}${r.alarmStateTimestamp ? ` alarm ${r.alarmStateTimestamp}` : ''}`;

/** Parses a tag value; undefined when absent or unreadable (a hand-edited tag must not block scaling). */
export const parseScalingRecord = (value: string | undefined): ScalingRecord | undefined => {
  if (!value) return undefined;
  const m = /^(scale-out|scale-in) (\d+) to (\d+) at (\S+)(?: alarm (\S+))?$/.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(m[4]!))) return undefined;
  return {
    action: m[1] as ScalingRecord['action'],
    from: Number(m[2]),
    to: Number(m[3]),
    at: m[4]!,
    alarmStateTimestamp: m[5],
  };
};

/** The outcome of {@link checkCooldown}. */
export type CooldownCheck =
  | { kind: 'clear' }
  /** Within the cooldown: hold until `until`. */
  | { kind: 'cooling'; until: string; reason: string }
  /** The record says a change of this direction was intended but never applied: re-apply `to`. */
  | { kind: 'resume'; to: number; reason: string }
  /** The record already handled this very alarm transition (a duplicate event). */
  | { kind: 'duplicate'; reason: string };

/**
 * Applies the Application Auto Scaling cooldown rules to the last record:
 * - scale-out waits `scaleOutCooldownSeconds` after the last *scale-out* (a scale-out right after a
 *   scale-in proceeds: capacity problems must not wait);
 * - scale-in waits `scaleInCooldownSeconds` after *any* scaling.
 *
 * @param current the service's desired count now.
 * @param alarmStateTimestamp the state timestamp of the alarm being handled.
 */
export const checkCooldown = (
  record: ScalingRecord | undefined,
  direction: 'scale-out' | 'scale-in',
  current: number,
  cooldowns: { scaleOutCooldownSeconds: number; scaleInCooldownSeconds: number },
  now: Date,
  alarmStateTimestamp?: string,
): CooldownCheck => {
  if (!record) return { kind: 'clear' };
  const applied = current !== record.from || record.from === record.to;
  if (
    applied &&
    alarmStateTimestamp !== undefined &&
    record.alarmStateTimestamp === alarmStateTimestamp &&
    record.action === direction
  ) {
    return {
      kind: 'duplicate',
      reason: `this alarm transition (${alarmStateTimestamp}) was already handled: ${formatScalingRecord(record)}`,
    };
  }
  const seconds =
    direction === 'scale-out'
      ? record.action === 'scale-out'
        ? cooldowns.scaleOutCooldownSeconds
        : 0
      : cooldowns.scaleInCooldownSeconds;
  const untilMs = Date.parse(record.at) + seconds * 1000;
  if (now.getTime() >= untilMs) return { kind: 'clear' };
  if (!applied && record.action === direction) {
    return {
      kind: 'resume',
      to: record.to,
      reason: `the last ${record.action} (${record.from} to ${record.to} at ${record.at}) was recorded but the desired count is still ${current}: applying it again`,
    };
  }
  const until = new Date(untilMs).toISOString();
  return {
    kind: 'cooling',
    until,
    reason: `${direction} cooldown of ${seconds} s after the ${record.action} at ${record.at} lasts until ${until}`,
  };
};

/**
 * Whether the last scale-out is still warming up: its tasks are not all running yet (they may wait for
 * instances to boot) and it is younger than `warmupSeconds`. Until then the metric cannot reflect them,
 * and another step would stack capacity on a reading taken before the first one landed. The time limit
 * keeps a service whose tasks never start (crash loop, no capacity) from being held forever.
 */
export const warmingUp = (
  record: ScalingRecord | undefined,
  service: { desiredCount: number; runningCount: number },
  warmupSeconds: number,
  now: Date,
): string | undefined => {
  if (record?.action !== 'scale-out' || service.desiredCount !== record.to) return undefined;
  const waiting = service.desiredCount - service.runningCount;
  const ageSeconds = (now.getTime() - Date.parse(record.at)) / 1000;
  if (waiting <= 0 || ageSeconds >= warmupSeconds) return undefined;
  return `the last scale-out (${record.from} to ${record.to} at ${record.at}) is warming up: ${waiting} of its tasks are not running yet (waits at most ${warmupSeconds} s)`;
};
