/**
 * The capacity report's "what each service alarm would do now": the snapshot's metric alarms that name a
 * service of the cluster, each planned by the service planner as if it had just fired in its current state
 * ({@link previewServiceAlarms}). Pure; one alarm's problem (bad tag, unknown service) is a `skip` row.
 */
import type { ClusterPolicy } from '../cluster/policy.js';
import { type AlarmSignal, signalFromMetricAlarm } from '../service/alarm.js';
import type { ServicePlan } from '../service/planner.js';
import { previewServiceAlarms } from '../service/preview.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';

/** The planner's first reason in dry run (service-planner.ts). */
const DRY_RUN_REASON = 'dry run: ';

/** One row of the report's `serviceAlarms` (a {@link ServicePlan}, without what only the actuator needs). */
export interface ServiceAlarmReport {
  /** The CloudWatch alarm's name. */
  alarm: string;
  /** The ECS service its `ServiceName` dimension names. */
  service: string;
  /** The alarm's state now (`StateValue`): only `ALARM` makes the scaler act. */
  state: AlarmSignal['state'];
  /**
   * What the service scaler would do if this alarm fired now: `scale-out` / `scale-in`; `hold` (alarm not
   * in ALARM, cooldown, already at a bound); `skip` (service not opted in, no bounds, suspended, own
   * Application Auto Scaling policies, bad tag, unknown service).
   */
  action: ServicePlan['action'];
  /** The service's desired count (tasks) now and after the action; equal unless scaling. */
  desiredCount: { current: number; proposed: number };
  /** Why, in words (step taken, bounds, cooldown, the cluster growth a scale-out needs, the problem). */
  reasons: string[];
}

/**
 * Plans every alarm of `snapshot.alarms` that names a service of this cluster, ordered by service then
 * alarm name. Alarms that name no service (no `ClusterName`/`ServiceName` dimensions) or another cluster
 * are left out. Empty when the snapshot has no alarms.
 * @param policy the cluster's planner settings (a scale-out that needs instances asks the cluster planner).
 * @param now the report time (cooldowns are measured against it).
 */
export const reportServiceAlarms = (
  snapshot: ClusterSnapshot,
  policy: ClusterPolicy,
  now: Date,
): ServiceAlarmReport[] => {
  const signals = (snapshot.alarms ?? [])
    .map((a) => signalFromMetricAlarm(a))
    .filter((s): s is AlarmSignal => s !== undefined && s.cluster === snapshot.cluster.clusterName)
    .sort((a, b) => a.service.localeCompare(b.service) || a.alarmName.localeCompare(b.alarmName));
  const plans = previewServiceAlarms(snapshot, signals, now, { clusterPolicy: policy });
  // previewServiceAlarms keeps the order of the signals it plans (all of them: the cluster matches).
  return plans.map((plan, i) => ({
    alarm: plan.alarm,
    service: plan.service,
    state: signals[i]?.state ?? 'INSUFFICIENT_DATA',
    action: plan.action,
    desiredCount: { ...plan.desiredCount },
    // The preview always plans in dry run; the report is one, so that reason would repeat on every row.
    reasons: plan.reasons.filter((r) => !r.startsWith(DRY_RUN_REASON)),
  }));
};
