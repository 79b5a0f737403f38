/**
 * The every-minute sweep. CloudWatch sends one state-change event when an alarm enters ALARM and none
 * while it stays there (only alarms with Auto Scaling actions re-fire), so a service that needs several
 * steps — or whose first step was held by a cooldown — would stop half-way. The sweep re-evaluates every
 * metric alarm now in ALARM whose dimensions name an ECS service, like Application Auto Scaling re-runs a
 * step policy while its alarm stays in ALARM; each step still waits its cooldown and the previous
 * scale-out's warm-up. The alarm's datapoints are those of its transition, so a re-evaluation takes the
 * first step (the one nearest the threshold) rather than repeat a big step on a stale reading.
 *
 * Rules: at most one action per service per sweep; no scale-in of a service while one of its high alarms is
 * in ALARM (scale-out wins, as in Application Auto Scaling); the cluster snapshot is read again after an
 * action in that cluster. One service's permanent problem (bad tag) is logged and the sweep goes on.
 * The sweep does not match alarms that name their service only through tags (that would cost one
 * ListTagsForResource per alarm per minute): those scale on their events alone.
 */
import { applyServicePlan } from '../../shared/aws/service-actuator.js';
import { AutoscalerError, TransientAwsError } from '../../shared/core/errors.js';
import { type AlarmSignal, planService, signalFromMetricAlarm } from '../../shared/core/service/index.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import { logger } from '../../shared/runtime/logger.js';
import {
  logPlan,
  observeService,
  type ScaleServiceResult,
  type ServiceScalerDeps,
  type ServiceScalerEnv,
} from './scale-service.js';

/** What one sweep did: the plans it made (acted on or not), and per-service problems. */
export interface SweepResult {
  results: ScaleServiceResult[];
  errors: string[];
}

/** Runs one sweep over the alarms in ALARM. @throws TransientAwsError so Lambda retries. */
export const sweepAlarms = async (
  deps: ServiceScalerDeps,
  env: ServiceScalerEnv,
  now: Date,
): Promise<SweepResult> => {
  const signals = (await deps.alarms.inAlarm())
    .map((a) => signalFromMetricAlarm(a))
    .filter((s): s is AlarmSignal => s !== undefined)
    // Not an event: no transition to de-duplicate (the cooldown spaces the steps), and the datapoints in
    // StateReasonData are those of the transition, not of now: re-evaluations take the first step.
    .map((s) => ({ ...s, stateTimestamp: undefined, datapoints: [] }));
  const byService = new Map<string, AlarmSignal[]>();
  for (const s of signals) {
    const key = `${s.cluster}/${s.service}`;
    byService.set(key, [...(byService.get(key) ?? []), s]);
  }
  const snapshots = new Map<string, ClusterSnapshot>();
  const out: SweepResult = { results: [], errors: [] };
  for (const group of byService.values()) {
    const { cluster, service } = group[0]!;
    try {
      let read = snapshots.get(cluster);
      if (!read) {
        read = await deps.readSnapshot(cluster);
        snapshots.set(cluster, read);
      }
      const observed = await observeService(read, cluster, service, deps, env, false);
      const highs = group.filter((s) => s.comparison === 'greater');
      const candidates = highs.length > 0 ? highs : group.filter((s) => s.comparison === 'less');
      for (const signal of candidates) {
        const plan = planService(observed.snapshot, signal, observed.options, now);
        if (plan.action === 'skip' && plan.reasons.some((r) => r.includes('does not opt in'))) break;
        logPlan(plan);
        const outcome = await applyServicePlan(plan, observed.serviceArn, deps.writer, now);
        out.results.push({ plan, outcome });
        if (outcome.serviceUpdated || plan.action === 'scale-out' || plan.action === 'scale-in') {
          snapshots.delete(cluster);
          break;
        }
      }
    } catch (error) {
      if (error instanceof TransientAwsError || !(error instanceof AutoscalerError)) throw error;
      logger.error('service not swept', { cluster, service, error: error.message, errorType: error.name });
      out.errors.push(`${cluster}/${service}: ${error.message}`);
    }
  }
  return out;
};
