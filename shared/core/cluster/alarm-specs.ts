/**
 * The CloudWatch alarms the cluster scaler keeps for every managed cluster, and the reconciliation of
 * wanted against existing alarms (pure: the tick's adapter applies the result).
 *
 * All are single-metric alarms on the metrics the tick publishes (EMF, one datapoint per minute), so each
 * is 1 datapoint of 1 period of 60 s, and a missing datapoint (no tick) is not breaching. Their state
 * changes reach the scaler through EventBridge ("CloudWatch Alarm State Change", alarm name prefix
 * {@link ALARM_PREFIX}); no alarm action is needed for that.
 *
 * - `<prefix><cluster>-capacity-deficit`: CapacityDeficitInstances ≥ 1 (Maximum).
 * - `<prefix><cluster>-schedulable-tasks-low`: SchedulableTasks < headroom tasks (Minimum); only when the
 *   headroom is ≥ 1.
 * - `<prefix><cluster>-cpu-reservation-high`, `…-memory-reservation-high`: the threshold rule as an alarm,
 *   ReservationPercent{Resource} > ThresholdPercent (Maximum). The threshold depends on the largest task
 *   and the instance size, so the tick re-puts the alarm when it moves (rounded down to 0.1 %); only for
 *   dimensions some task reserves.
 */
import type { CapacityAnalysis } from '../capacity/capacity.js';
import type { ClusterPolicy } from './policy.js';

/** Every alarm the scaler manages starts with this (the EventBridge rule filters on it). */
export const ALARM_PREFIX = 'ecs-autoscaler-cluster-';

/** The alarm kinds, as name suffixes. */
export const ALARM_KINDS = [
  'capacity-deficit',
  'schedulable-tasks-low',
  'cpu-reservation-high',
  'memory-reservation-high',
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/** The PutMetricAlarm input of one alarm (exactly the fields the scaler sets and compares). */
export interface AlarmSpec {
  AlarmName: string;
  AlarmDescription: string;
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Statistic: 'Maximum' | 'Minimum';
  Period: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
  TreatMissingData: 'notBreaching';
}

/** An existing alarm as DescribeAlarms returns it (the fields compared). */
export type ExistingAlarm = Partial<Omit<AlarmSpec, 'Dimensions'>> & {
  AlarmName?: string;
  Dimensions?: { Name?: string; Value?: string }[];
  /** OK, ALARM or INSUFFICIENT_DATA (the dispatcher ticks a cluster in ALARM every minute, issue 19). */
  StateValue?: string;
};

/** The alarm name of a cluster's alarm kind. CloudWatch allows 255 characters. */
export const alarmName = (cluster: string, kind: AlarmKind): string => `${ALARM_PREFIX}${cluster}-${kind}`;

/** The cluster and kind an alarm name encodes, or undefined when it is not one of the scaler's. */
export const parseAlarmName = (name: string): { cluster: string; kind: AlarmKind } | undefined => {
  if (!name.startsWith(ALARM_PREFIX)) return undefined;
  const rest = name.slice(ALARM_PREFIX.length);
  const kind = ALARM_KINDS.find((k) => rest.endsWith(`-${k}`));
  if (!kind) return undefined;
  const cluster = rest.slice(0, -(kind.length + 1));
  return cluster ? { cluster, kind } : undefined;
};

const floor1 = (n: number): number => Math.floor(n * 10) / 10;

/** The alarms wanted for one cluster, given its analysis and policy. */
export const wantedAlarms = (
  cluster: string,
  analysis: CapacityAnalysis,
  policy: Pick<ClusterPolicy, 'headroomTasks'>,
  namespace: string,
): AlarmSpec[] => {
  const base = (kind: AlarmKind, what: string) => ({
    AlarmName: alarmName(cluster, kind),
    AlarmDescription: `ecs-autoscaler cluster ${cluster}: ${what}. Managed by the cluster scaler (created and updated every minute; deleted when no ASG is tagged ecs-autoscaler:cluster=${cluster}). Do not edit.`,
    Namespace: namespace,
    Period: 60,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    TreatMissingData: 'notBreaching' as const,
  });
  const cd = [{ Name: 'ClusterName', Value: cluster }];
  const specs: AlarmSpec[] = [
    {
      ...base('capacity-deficit', 'pending tasks plus headroom need more instances'),
      MetricName: 'CapacityDeficitInstances',
      Dimensions: cd,
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    },
  ];
  if (policy.headroomTasks > 0) {
    specs.push({
      ...base('schedulable-tasks-low', `fewer than ${policy.headroomTasks} more of the largest task fit`),
      MetricName: 'SchedulableTasks',
      Dimensions: cd,
      Statistic: 'Minimum',
      Threshold: policy.headroomTasks,
      ComparisonOperator: 'LessThanThreshold',
    });
  }
  for (const d of ['CPU', 'MEMORY'] as const) {
    const dim = analysis.dimensions[d];
    if (!dim || dim.largestTask === 0) continue;
    const threshold = floor1(dim.thresholdPercent);
    specs.push({
      ...base(
        d === 'CPU' ? 'cpu-reservation-high' : 'memory-reservation-high',
        `${d} reservation above the threshold ${threshold}% (100 × (1 − largest task / instance))`,
      ),
      MetricName: 'ReservationPercent',
      Dimensions: [...cd, { Name: 'Resource', Value: d }],
      Statistic: 'Maximum',
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  }
  return specs;
};

const dimKey = (ds: readonly { Name?: string; Value?: string }[] | undefined): string =>
  (ds ?? [])
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join(',');

/** Whether an existing alarm differs from the spec in any field the scaler sets. */
export const alarmDiffers = (spec: AlarmSpec, existing: ExistingAlarm): boolean =>
  (
    [
      'AlarmDescription',
      'Namespace',
      'MetricName',
      'Statistic',
      'Period',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'Threshold',
      'ComparisonOperator',
      'TreatMissingData',
    ] as const
  ).some((k) => spec[k] !== existing[k]) || dimKey(spec.Dimensions) !== dimKey(existing.Dimensions);

/** What to change so that CloudWatch holds exactly the wanted alarms. */
export interface AlarmChanges {
  put: AlarmSpec[];
  delete: string[];
}

/**
 * Reconciles: put the wanted alarms that are missing or different; delete the scaler's alarms (by name)
 * that are not wanted, except those of `keep` clusters (skipped this tick: bad tags or dry-run — their
 * alarms are left as they are). Names with the prefix but an unknown kind are never touched.
 */
export const reconcileAlarms = (
  wanted: readonly AlarmSpec[],
  existing: readonly ExistingAlarm[],
  keep: ReadonlySet<string>,
): AlarmChanges => {
  const byName = new Map(existing.filter((a) => a.AlarmName).map((a) => [a.AlarmName!, a]));
  const wantedNames = new Set(wanted.map((w) => w.AlarmName));
  const put = wanted.filter((w) => {
    const e = byName.get(w.AlarmName);
    return !e || alarmDiffers(w, e);
  });
  const del = [...byName.keys()].filter((name) => {
    const parsed = parseAlarmName(name);
    return parsed !== undefined && !wantedNames.has(name) && !keep.has(parsed.cluster);
  });
  return { put, delete: del.sort() };
};
