/**
 * "What each service alarm would do now", for the capacity report: the service planner run over a list of
 * alarms without acting. One bad tag or unknown service gives a `skip` row with the error's message, so the
 * report shows every other alarm.
 */

import type { ClusterPolicy } from '../cluster/policy.js';
import { AutoscalerError } from '../errors.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import type { AlarmSignal } from './alarm.js';
import { planService, type ServicePlan } from './planner.js';

/** Options of {@link previewServiceAlarms}. */
export interface PreviewOptions {
  /** The cluster's planner settings (cluster-aware scale-out). Default: DEFAULT_CLUSTER_POLICY. */
  clusterPolicy?: ClusterPolicy;
  /**
   * Scalable-target tags per service name, when the caller read them. Never settings: only to explain the
   * skip of a service whose opt-in is on its target instead of on the service.
   */
  targetTags?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Plans every alarm that names a service of the snapshot's cluster (others are left out), as if each had
 * just fired in its current state. Never throws for one alarm's problem; never writes (it is pure).
 *
 * Build `alarms` from DescribeAlarms with `signalFromMetricAlarm` (service-alarm.ts). The scalable targets
 * and policies come from the snapshot (`scalableTargets`, `scalingPolicies`).
 */
export const previewServiceAlarms = (
  snapshot: ClusterSnapshot,
  alarms: readonly AlarmSignal[],
  now: Date,
  options: PreviewOptions = {},
): ServicePlan[] =>
  alarms
    .filter((a) => a.cluster === snapshot.cluster.clusterName)
    .map((alarm) => {
      try {
        return planService(
          snapshot,
          alarm,
          {
            dryRun: true,
            targetTags: options.targetTags?.[alarm.service],
            ...(options.clusterPolicy ? { clusterPolicy: options.clusterPolicy } : {}),
          },
          now,
        );
      } catch (error) {
        if (!(error instanceof AutoscalerError)) throw error;
        const svc = snapshot.services.find((s) => s.serviceName === alarm.service);
        const count = svc?.desiredCount ?? 0;
        return {
          action: 'skip',
          cluster: alarm.cluster,
          service: alarm.service,
          alarm: alarm.alarmName,
          desiredCount: { current: count, proposed: count },
          reasons: [error.message],
          dryRun: true,
        } satisfies ServicePlan;
      }
    });
