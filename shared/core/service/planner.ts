/**
 * The service planner: from a cluster snapshot and one alarm to an absolute desired count for one service.
 *
 * - `skip`: the service is not this scaler's to scale now (not opted in — the opt-in must be on the service
 *   itself —, no bounds, suspended, owned by Application Auto Scaling policies, DAEMON, not ACTIVE, or the
 *   alarm's side is unknown);
 * - `hold`: it is, but nothing changes (alarm not in ALARM, cooldown, already at a bound, no step applies);
 * - `scale-out` / `scale-in`: the proposed desired count, within the bounds, and for a scale-out the ASG
 *   growth the new tasks need ({@link planClusterGrowth}) — never while the cluster's ASG is in dry run
 *   (`ecs-autoscaler:dry-run=true` on the group): nobody writes to such a group, the service still scales
 *   and its new tasks wait for capacity.
 *
 * The target is computed from the state (current desired count, tags, the alarm's breach), so a duplicated
 * event — which finds the intent record of the first in the service's tags — changes nothing.
 */

import { type ClusterPolicy, DEFAULT_CLUSTER_POLICY } from '../cluster/policy.js';
import { NotFoundError } from '../errors.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import { type AlarmSignal, breachOf } from './alarm.js';
import {
  clamp,
  findScalableTarget,
  findScalingPolicies,
  resolveBounds,
  type ServiceBounds,
} from './bounds.js';
import { type ClusterGrowth, planClusterGrowth } from './cluster-growth.js';
import { checkCooldown, formatScalingRecord, parseScalingRecord, warmingUp } from './cooldown.js';
import { chooseStep, parseServiceScalingConfig, SERVICE_TAGS, tagsToRecord } from './policy.js';

/** What the planner decided for one service. "Do nothing" is an explicit `hold` or `skip`. */
export interface ServicePlan {
  action: 'scale-out' | 'scale-in' | 'hold' | 'skip';
  cluster: string;
  service: string;
  alarm: string;
  desiredCount: { current: number; proposed: number };
  bounds?: ServiceBounds | undefined;
  reasons: string[];
  /**
   * For a scale-out whose tasks do not fit: grow this ASG first. Only set when the group may be written
   * (its policy is not dry-run, its tags are valid, the service is cluster-aware).
   */
  clusterGrowth?: ClusterGrowth | undefined;
  /** Log the plan, write nothing (env DRY_RUN or the service's dry-run tag). */
  dryRun: boolean;
  /** The `ecs-autoscaler:last-scaling` tag value to write before UpdateService (scale-out/in only). */
  record?: string | undefined;
}

/** Inputs of {@link planService} beyond the snapshot and the alarm. */
export interface ServicePlanOptions {
  /** Deployment-wide dry run (env DRY_RUN). */
  dryRun?: boolean;
  /**
   * Tags of the service's scalable target (Application Auto Scaling ListTagsForResource), when read. Never
   * settings: only to explain a skip when the opt-in was put on the target instead of the service.
   */
  targetTags?: Readonly<Record<string, string>> | undefined;
  /** The cluster's planner settings, for cluster-aware scale-out; its `dryRun` keeps the ASG unwritten. */
  clusterPolicy?: ClusterPolicy;
  /** Several managed groups: each group's planner settings (its own tags), by group name. */
  clusterPolicies?: ReadonlyMap<string, ClusterPolicy>;
  /** Why the cluster may not grow now (e.g. its ASG tags are invalid): the service still scales. */
  clusterGrowthBlocked?: string;
}

/**
 * Plans one service for one alarm.
 *
 * @throws NotFoundError when the alarm names a service that is not in the snapshot's cluster.
 * @throws ConfigurationError when one of the service's `ecs-autoscaler:*` tags is invalid.
 */
export const planService = (
  snapshot: ClusterSnapshot,
  signal: AlarmSignal,
  options: ServicePlanOptions,
  now: Date,
): ServicePlan => {
  const cluster = snapshot.cluster.clusterName;
  const svc = snapshot.services.find((s) => s.serviceName === signal.service);
  if (!svc || cluster !== signal.cluster) {
    throw new NotFoundError(
      `alarm ${signal.alarmName} names service '${signal.service}' in cluster '${signal.cluster}', which does not exist` +
        ` in cluster '${cluster}': fix the alarm's ClusterName/ServiceName dimensions (or its ecs-autoscaler:cluster/service tags)`,
    );
  }
  const serviceTags = tagsToRecord(svc.tags);
  const config = parseServiceScalingConfig(serviceTags);
  const current = svc.desiredCount;
  const plan: ServicePlan = {
    action: 'hold',
    cluster,
    service: svc.serviceName,
    alarm: signal.alarmName,
    desiredCount: { current, proposed: current },
    reasons: [],
    dryRun: options.dryRun === true || config.dryRun,
  };
  const stop = (action: 'hold' | 'skip', reason: string): ServicePlan => {
    plan.action = action;
    plan.reasons.push(reason);
    return plan;
  };
  if (plan.dryRun) plan.reasons.push('dry run: the plan is logged, nothing is written');

  if (!config.enabled) {
    if (serviceTags[SERVICE_TAGS.scaling] === undefined && optsInOnTarget(options.targetTags)) {
      return stop('skip', TARGET_ONLY_OPT_IN);
    }
    return stop(
      'skip',
      `service ${svc.serviceName} does not opt in: tag the service itself ${SERVICE_TAGS.scaling}=enabled`,
    );
  }
  if (svc.status !== 'ACTIVE') return stop('skip', `service status is ${svc.status}, not ACTIVE`);
  if (svc.schedulingStrategy === 'DAEMON') {
    return stop('skip', 'a DAEMON service runs one task per instance: its desired count cannot be set');
  }
  if (signal.state !== 'ALARM') {
    return stop('hold', `alarm ${signal.alarmName} is ${signal.state}: the scaler acts only on ALARM`);
  }
  if (signal.comparison === undefined) {
    return stop(
      'skip',
      `cannot tell whether alarm ${signal.alarmName} is a high or a low alarm (use a GreaterThan*/LessThan* ComparisonOperator)`,
    );
  }
  const direction = signal.comparison === 'greater' ? 'scale-out' : 'scale-in';
  const target = findScalableTarget(snapshot, cluster, svc.serviceName);
  const bounds = resolveBounds(target, config);
  if ('missing' in bounds) return stop('skip', bounds.missing);
  plan.bounds = bounds;
  const suspended = target?.SuspendedState;
  if (direction === 'scale-out' && suspended?.DynamicScalingOutSuspended) {
    return stop('skip', 'the scalable target has DynamicScalingOutSuspended=true: scale-out is suspended');
  }
  if (direction === 'scale-in' && suspended?.DynamicScalingInSuspended) {
    return stop('skip', 'the scalable target has DynamicScalingInSuspended=true: scale-in is suspended');
  }
  const policies = findScalingPolicies(snapshot, cluster, svc.serviceName);
  if (policies && policies.length > 0) {
    const names = policies.map((p) => p.PolicyName).join(', ');
    if (!config.takeOver) {
      return stop(
        'skip',
        `WARNING: the scalable target has its own Application Auto Scaling policies (${names}); not fighting them. ` +
          `Delete them, or tag the service ${SERVICE_TAGS.takeOver}=true to let this scaler take over`,
      );
    }
    plan.reasons.push(`taking over from the target's own policies (${names}): ${SERVICE_TAGS.takeOver}=true`);
  } else if (policies === undefined) {
    plan.reasons.push('the scalable target policies were not read: assuming none');
  }

  const record = parseScalingRecord(serviceTags[SERVICE_TAGS.lastScaling]);
  const cooldown = checkCooldown(record, direction, current, config, now, signal.stateTimestamp);
  let proposed: number;
  if (cooldown.kind === 'cooling' || cooldown.kind === 'duplicate') return stop('hold', cooldown.reason);
  const warming =
    direction === 'scale-out' && cooldown.kind === 'clear'
      ? warmingUp(record, svc, config.scaleOutWarmupSeconds, now)
      : undefined;
  if (warming) return stop('hold', warming);
  if (cooldown.kind === 'resume') {
    plan.reasons.push(cooldown.reason);
    proposed = clamp(cooldown.to, bounds);
  } else {
    const breach = breachOf(signal);
    const step = chooseStep(direction === 'scale-out' ? config.scaleOut : config.scaleIn, breach, current);
    const metric = signal.metric ? `${signal.metric.namespace} ${signal.metric.name}` : 'the metric';
    const beyond = `${metric} is ${round2(breach)} ${signal.comparison === 'greater' ? 'above' : 'below'} the threshold ${signal.threshold ?? '(unknown)'}`;
    if (!step) return stop('hold', `${beyond}: no step starts that close to the threshold`);
    plan.reasons.push(`${beyond}: ${step.description}`);
    proposed = clamp(direction === 'scale-out' ? current + step.tasks : current - step.tasks, bounds);
  }
  const limit = `${bounds.min}..${bounds.max} (${bounds.source})`;
  if (direction === 'scale-out' && proposed <= current) {
    return stop('hold', `desired count ${current} is already at or above the maximum of ${limit}`);
  }
  if (direction === 'scale-in' && proposed >= current) {
    return stop('hold', `desired count ${current} is already at or below the minimum of ${limit}`);
  }
  plan.action = direction;
  plan.desiredCount.proposed = proposed;
  plan.reasons.push(`desired count ${current} to ${proposed}, within ${limit}`);
  plan.record = formatScalingRecord({
    action: direction,
    from: current,
    to: proposed,
    at: now.toISOString(),
    alarmStateTimestamp: signal.stateTimestamp,
  });
  if (direction === 'scale-out') planGrowth(plan, snapshot, config.clusterAware, options, now);
  return plan;
};

/** The skip reason of a service whose opt-in is on its scalable target only. */
export const TARGET_ONLY_OPT_IN =
  `${SERVICE_TAGS.scaling}=enabled is on the scalable target only; tag the service itself: ` +
  'the deployed IAM policy only lets ecs-autoscaler change services that carry the tag';

const optsInOnTarget = (tags: Readonly<Record<string, string>> | undefined): boolean =>
  tags?.[SERVICE_TAGS.scaling]?.trim().toLowerCase() === 'enabled';

/** Cluster-aware scale-out: sets `plan.clusterGrowth` when the group may and must grow; says why not otherwise. */
const planGrowth = (
  plan: ServicePlan,
  snapshot: ClusterSnapshot,
  clusterAware: boolean,
  options: ServicePlanOptions,
  now: Date,
): void => {
  if (!clusterAware) {
    plan.reasons.push(`${SERVICE_TAGS.clusterAware}=false: the cluster is left to its own scaler`);
    return;
  }
  if (options.clusterGrowthBlocked) {
    plan.reasons.push(`the cluster is not grown: ${options.clusterGrowthBlocked}`);
    return;
  }
  const policy = options.clusterPolicy ?? DEFAULT_CLUSTER_POLICY;
  const { desiredCount } = plan;
  const check = planClusterGrowth(
    snapshot,
    plan.service,
    desiredCount.proposed - desiredCount.current,
    policy,
    now,
    options.clusterPolicies,
  );
  if (check.unplaceable) {
    // More tasks that can never be placed add nothing but waiting tasks (and a longer way back down).
    plan.reasons.push(
      `scale-out from ${desiredCount.current} to ${desiredCount.proposed} held: the new tasks could never run — ${check.unplaceable}`,
    );
    plan.action = 'hold';
    plan.desiredCount.proposed = desiredCount.current;
    plan.record = undefined;
    return;
  }
  const g = check.growth;
  if (!policy.dryRun || !g) {
    plan.clusterGrowth = g;
    plan.reasons.push(...check.reasons);
    return;
  }
  // An ASG in dry run is written by no one — not its own scaler, not this one. The service still scales
  // (unless it is dry-run itself) and its new tasks wait for capacity.
  plan.reasons.push(
    'the cluster is not grown: its Auto Scaling group is in dry run (ASG tag ecs-autoscaler:dry-run=true); ' +
      `it would grow ${g.autoScalingGroup} from ${g.desiredCapacity.current} to ${g.desiredCapacity.proposed} ` +
      'instance(s): the new tasks wait for capacity',
  );
};

const round2 = (n: number): string => (Math.round(n * 100) / 100).toString();
