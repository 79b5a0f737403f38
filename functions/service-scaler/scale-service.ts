/**
 * One service-scaler invocation: observe (snapshot + the service's Application Auto Scaling state) →
 * decide (planService, pure) → act (applyServicePlan). Ports are injected so tests and the simulator
 * run it unchanged.
 */
import {
  applyServicePlan,
  type ServiceActOutcome,
  type ServiceWriter,
} from '../../shared/aws/service-actuator.js';
import type { AlarmReader } from '../../shared/aws/service-alarm-reader.js';
import type { ServiceScalingReader } from '../../shared/aws/service-scaling-reader.js';
import type { ClusterPolicy } from '../../shared/core/cluster/index.js';
import { managedGroups, resolveClusterPolicy } from '../../shared/core/cluster/index.js';
import { ConfigurationError } from '../../shared/core/errors.js';
import type { AlarmSignal } from '../../shared/core/service/index.js';
import {
  ECS_SERVICE_DIMENSION,
  planService,
  SERVICE_TAGS,
  type ServicePlan,
  type ServicePlanOptions,
  serviceResourceId,
  tagsToRecord,
} from '../../shared/core/service/index.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import { logger } from '../../shared/runtime/logger.js';
import type { ParsedAlarmEvent } from './alarm-event.js';

/** The AWS ports of the service scaler. */
export interface ServiceScalerDeps {
  readSnapshot(cluster: string): Promise<ClusterSnapshot>;
  scaling: ServiceScalingReader;
  alarms: AlarmReader;
  writer: ServiceWriter;
}

/** Settings from the environment. */
export interface ServiceScalerEnv {
  dryRun: boolean;
  /** Cluster planner defaults (the ASG's tags override them). */
  clusterDefaults: ClusterPolicy;
}

/** The result of one plan and its application. */
export interface ScaleServiceResult {
  plan: ServicePlan;
  outcome: ServiceActOutcome;
}

/** An alarm that is not the service scaler's: it names no ECS service. Nothing was planned or written. */
export interface IgnoredAlarm {
  ignored: string;
}

/**
 * Resolves the cluster and service an alarm scales: its dimensions, else the event's or the alarm's tags.
 * `undefined` when the alarm names no service at all (neither both dimensions nor an
 * `ecs-autoscaler:service` tag): the EventBridge rule delivers every alarm of the account but the cluster
 * scaler's, so most of those are other teams' alarms, not mistakes.
 * @throws ConfigurationError when the alarm has the service tag but not the cluster tag (a half-done setup).
 */
const resolveNames = async (
  event: ParsedAlarmEvent,
  alarms: AlarmReader,
): Promise<{ cluster: string; service: string } | undefined> => {
  if (event.cluster && event.service) return { cluster: event.cluster, service: event.service };
  let tags = event.alarmTags;
  if (!tags?.[SERVICE_TAGS.alarmService] && event.alarmArn) tags = await alarms.tags(event.alarmArn);
  const cluster = tags?.[SERVICE_TAGS.alarmCluster];
  const service = tags?.[SERVICE_TAGS.alarmService];
  if (!service) return undefined;
  if (cluster) return { cluster, service };
  throw new ConfigurationError(
    `alarm ${event.alarmName} has the tag ${SERVICE_TAGS.alarmService}=${service} but no ${SERVICE_TAGS.alarmCluster} ` +
      `tag: add ${SERVICE_TAGS.alarmCluster}=<cluster name> to the alarm; nothing was changed.`,
  );
};

/** The snapshot with the service's scalable target and policies as just read (replacing the reader's). */
const withScalingState = (
  snapshot: ClusterSnapshot,
  cluster: string,
  service: string,
  state: Awaited<ReturnType<ServiceScalingReader['read']>>,
): ClusterSnapshot => {
  const id = serviceResourceId(cluster, service);
  const mine = (t: { ResourceId: string; ScalableDimension: string }) =>
    t.ResourceId === id && t.ScalableDimension === ECS_SERVICE_DIMENSION;
  return {
    ...snapshot,
    scalableTargets: [
      ...snapshot.scalableTargets.filter((t) => !mine(t)),
      ...(state.target ? [state.target] : []),
    ],
    scalingPolicies: [...(snapshot.scalingPolicies ?? []).filter((p) => !mine(p)), ...state.policies],
  };
};

/** One service's observed state: the cluster snapshot with its scaling state, and its planning options. */
export interface ObservedService {
  snapshot: ClusterSnapshot;
  serviceArn: string;
  options: ServicePlanOptions;
}

/**
 * Observe for one service: merges the service's Application Auto Scaling state into the cluster snapshot
 * and resolves the cluster's planner policy from its ASG tags.
 *
 * @param explainOptIn read the scalable target's tags when the service has no opt-in tag of its own, only
 *   so the plan can say "the opt-in is on the target only" (settings never come from the target). The
 *   sweep passes false: it skips services that do not opt in without a word, every minute.
 */
export const observeService = async (
  read: ClusterSnapshot,
  cluster: string,
  service: string,
  deps: Pick<ServiceScalerDeps, 'scaling'>,
  env: ServiceScalerEnv,
  explainOptIn = true,
): Promise<ObservedService> => {
  const svc = read.services.find((s) => s.serviceName === service);
  const hasOptInTag = tagsToRecord(svc?.tags)[SERVICE_TAGS.scaling] !== undefined;
  const scaling = await deps.scaling.read(cluster, service, {
    targetTags: explainOptIn && svc !== undefined && !hasOptInTag,
  });
  const snapshot = withScalingState(read, cluster, service, scaling);
  let clusterPolicy = env.clusterDefaults;
  let clusterPolicies: Map<string, ClusterPolicy> | undefined;
  let clusterGrowthBlocked: string | undefined;
  const groups = managedGroups(snapshot);
  if (groups.length > 0) {
    try {
      // Every managed group's own tags, as the cluster scaler reads them (several groups: docs/fleets.md).
      clusterPolicies = new Map(
        groups.map((g) => [g.AutoScalingGroupName, resolveClusterPolicy(g, env.clusterDefaults)]),
      );
      clusterPolicy = clusterPolicies.get(groups[0]!.AutoScalingGroupName)!;
      // A dry-run tag on any group makes the whole cluster dry-run (the cluster scaler's rule).
      if ([...clusterPolicies.values()].some((p) => p.dryRun))
        clusterPolicy = { ...clusterPolicy, dryRun: true };
    } catch (error) {
      // A bad ASG tag on any group stops the cluster from growing, not the service from scaling.
      clusterGrowthBlocked = (error as Error).message;
      clusterPolicies = undefined;
    }
  }
  return {
    snapshot,
    serviceArn: svc?.serviceArn ?? '',
    options: {
      dryRun: env.dryRun,
      ...(scaling.targetTags ? { targetTags: scaling.targetTags } : {}),
      clusterPolicy,
      ...(clusterPolicies && clusterPolicies.size > 1 ? { clusterPolicies } : {}),
      ...(clusterGrowthBlocked ? { clusterGrowthBlocked } : {}),
    },
  };
};

/** Logs a plan once, with its facts as keys (STYLE.md §4). */
export const logPlan = (plan: ServicePlan): void => {
  logger.info('service plan', {
    cluster: plan.cluster,
    service: plan.service,
    alarm: plan.alarm,
    action: plan.action,
    from: plan.desiredCount.current,
    to: plan.desiredCount.proposed,
    asg: plan.clusterGrowth?.autoScalingGroup,
    asgFrom: plan.clusterGrowth?.desiredCapacity.current,
    asgTo: plan.clusterGrowth?.desiredCapacity.proposed,
    reasons: plan.reasons,
    dryRun: plan.dryRun,
  });
};

/**
 * Handles one parsed alarm event end to end. An alarm that names no service is {@link IgnoredAlarm}.
 * @throws ConfigurationError (service tag without cluster tag, bad tag), NotFoundError (unknown cluster or
 *   service), AwsRejectedError, TransientAwsError — all before any write, except a failing write itself.
 */
export const scaleService = async (
  event: ParsedAlarmEvent,
  deps: ServiceScalerDeps,
  env: ServiceScalerEnv,
  now: Date,
): Promise<ScaleServiceResult | IgnoredAlarm> => {
  const names = await resolveNames(event, deps.alarms);
  if (!names) {
    return {
      ignored:
        `alarm ${event.alarmName} names no ECS service (no ClusterName and ServiceName dimensions, no ` +
        `${SERVICE_TAGS.alarmService} tag): not a service-scaling alarm`,
    };
  }
  const { cluster, service } = names;
  let comparison = event.comparison;
  // The state-change event has no ComparisonOperator; ask once when neither its reason nor its
  // datapoints tell (and only when it matters: in ALARM).
  if (comparison === undefined && event.state === 'ALARM') {
    comparison = await deps.alarms.comparison(event.alarmName);
  }
  const signal: AlarmSignal = { ...event, cluster, service, comparison };
  const observed = await observeService(await deps.readSnapshot(cluster), cluster, service, deps, env);
  const plan = planService(observed.snapshot, signal, observed.options, now);
  logPlan(plan);
  const outcome = await applyServicePlan(plan, observed.serviceArn, deps.writer, now);
  return { plan, outcome };
};
