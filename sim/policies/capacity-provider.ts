/**
 * ECS capacity provider managed scaling ("cluster auto scaling"), modelled from AWS's documentation:
 *
 * - Amazon ECS Developer Guide, "Amazon ECS cluster auto scaling" (cluster-auto-scaling.md, sections
 *   "How cluster Auto Scaling works", "Managed scale-out behavior", "Managed scale-in behavior",
 *   "Scale-in considerations"): https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html
 * - ECS API Reference, ManagedScaling (targetCapacity, minimumScalingStepSize default 1,
 *   maximumScalingStepSize default 10000, instanceWarmupPeriod default 300 s):
 *   https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ManagedScaling.html
 * - "Deep dive on Amazon ECS cluster auto scaling" (the metric M / N × 100 and its special cases):
 *   https://aws.amazon.com/blogs/containers/deep-dive-on-amazon-ecs-cluster-auto-scaling/
 * - "Faster scaling-in for Amazon ECS cluster auto scaling" (scale-in step limit 50 % of the group):
 *   https://aws.amazon.com/blogs/containers/faster-scaling-in-for-amazon-ecs-cluster-auto-scaling/
 *
 * The model, once a minute:
 * 1. CapacityProviderReservation = M / N × 100, N = instances in the group, M = instances needed.
 *    - Provisioning tasks present: tasks are grouped by identical size; for each group the number of new
 *      instances a binpack needs is computed on the largest instance type; groups that do not fit the
 *      smallest type are excluded. M = N + clamp(max over groups, minimumScalingStepSize,
 *      maximumScalingStepSize). N = 0 and M > 0 → 200 (ECS "scales out to 200 %").
 *    - Otherwise M = instances running at least one non-daemon task (an instance with only daemon tasks
 *      is empty); M = 0 and N = 0 → 100.
 * 2. Target tracking on that metric at `targetCapacity`: desired = ceil(M × 100 / targetCapacity).
 *    - Scale-out (metric > target) fires on the high alarm (1 datapoint of 1 minute) and is blocked while
 *      any instance is inside `instanceWarmupPeriod` since its launch ("Auto Scaling checks if all
 *      existing instances have passed the instanceWarmupPeriod").
 *    - Scale-in (metric < target) needs the low alarm: 15 datapoints of 1 minute. Then, each minute the
 *      alarm stays in ALARM, desired drops by at least 1 and at most 50 % of the group. With managed
 *      termination protection (AWS's recommended setting, and the one that never kills tasks) only empty
 *      instances lose protection, so the terminated instances are empty ones. A scale-out during a
 *      scale-in stops it and the 15 datapoints start again.
 * Nothing here is weakened: defaults are AWS's defaults, with targetCapacity 100.
 */

import { fits, type Resources } from '../../shared/core/capacity/index.js';
import { type PlacementItem, placeFirstFitDecreasing } from '../../shared/core/placement/index.js';
import {
  holdDecision,
  liveInstances,
  type PolicyDecision,
  type PolicyObservation,
  type ScalingPolicyModel,
} from './types.js';

/** Managed-scaling settings (ECS API ManagedScaling) and the alarms ECS creates. */
export interface CapacityProviderSettings {
  /** Percent, 1..100 (API default 100). */
  targetCapacity: number;
  /** Instances, default 1. */
  minimumScalingStepSize: number;
  /** Instances, default 10000. */
  maximumScalingStepSize: number;
  /** Seconds, default 300. */
  instanceWarmupPeriod: number;
  /** Consecutive 1-minute datapoints above target before scale-out (high alarm): 1. */
  scaleOutDatapoints: number;
  /** Consecutive 1-minute datapoints below target before scale-in (low alarm): 15. */
  scaleInDatapoints: number;
  /** Largest share of the group removed per minute of scale-in: 0.5. */
  scaleInMaxFraction: number;
}

/** AWS's defaults. */
export const DEFAULT_CAPACITY_PROVIDER_SETTINGS: CapacityProviderSettings = Object.freeze({
  targetCapacity: 100,
  minimumScalingStepSize: 1,
  maximumScalingStepSize: 10_000,
  instanceWarmupPeriod: 300,
  scaleOutDatapoints: 1,
  scaleInDatapoints: 15,
  scaleInMaxFraction: 0.5,
});

/** Alarm datapoints carried between evaluations. */
export interface CapacityProviderState {
  /** Consecutive datapoints above target. */
  high: number;
  /** Consecutive datapoints below target. */
  low: number;
  /** When this policy last scaled out (s): the launch time of instances whose own launch time is unknown. */
  lastScaleOutAt: number | undefined;
  /** The last metric value published (for charts and tests). */
  lastMetric: number;
}

/** The metric and how it was derived. */
export interface ReservationMetric {
  /** CapacityProviderReservation, percent. */
  value: number;
  m: number;
  n: number;
  /** Tasks excluded because they do not fit the smallest instance type (they stay PROVISIONING). */
  incompatibleTasks: number;
}

/** New instances a binpack needs for one group of identical tasks on one instance type. */
const instancesFor = (item: PlacementItem, type: Resources): number =>
  placeFirstFitDecreasing([item], [], { newInstance: type, dimensions: ['CPU', 'MEMORY', 'GPU'] })
    .newInstances;

/**
 * Computes CapacityProviderReservation (the documented M / N × 100).
 * @param settings only the step sizes are used.
 */
export const capacityProviderReservation = (
  o: PolicyObservation,
  settings: CapacityProviderSettings = DEFAULT_CAPACITY_PROVIDER_SETTINGS,
): ReservationMetric => {
  const live = liveInstances(o);
  const n = live.length;
  const smallest = o.instanceTypes[0];
  const largest = o.instanceTypes[o.instanceTypes.length - 1];
  let incompatibleTasks = 0;
  let maxCount = 0;
  for (const item of o.provisioning) {
    if (item.count <= 0) continue;
    if (!smallest || !largest || !fits(item.reservation, smallest)) {
      incompatibleTasks += item.count;
      continue;
    }
    maxCount = Math.max(maxCount, instancesFor(item, largest));
  }
  if (maxCount > 0) {
    if (n === 0) return { value: 200, m: 2, n, incompatibleTasks };
    const add = Math.max(
      settings.minimumScalingStepSize,
      Math.min(settings.maximumScalingStepSize, maxCount),
    );
    return { value: (100 * (n + add)) / n, m: n + add, n, incompatibleTasks };
  }
  // An instance still launching or not yet registered cannot report to the metric: it counts as needed,
  // not as empty (the favourable reading: no scale-in of capacity that is on its way).
  const m = live.filter((i) => i.nonDaemonTasks > 0 || i.lifecycle === 'pending' || !i.registered).length;
  if (n === 0) return { value: 100, m: 0, n, incompatibleTasks };
  return { value: (100 * m) / n, m, n, incompatibleTasks };
};

/** Whether any live instance is still inside its warm-up. */
const warmingUp = (
  o: PolicyObservation,
  s: CapacityProviderSettings,
  state: CapacityProviderState,
): boolean =>
  liveInstances(o).some((i) => {
    const launched = i.launchedAt ?? state.lastScaleOutAt;
    return i.lifecycle === 'pending' || (launched !== undefined && o.now - launched < s.instanceWarmupPeriod);
  });

/** One evaluation of managed scaling. Pure. */
export const capacityProviderStep = (
  settings: CapacityProviderSettings,
  state: CapacityProviderState,
  o: PolicyObservation,
): { state: CapacityProviderState; decision: PolicyDecision } => {
  const metric = capacityProviderReservation(o, settings);
  const target = settings.targetCapacity;
  const next: CapacityProviderState = {
    high: metric.value > target ? state.high + 1 : 0,
    low: metric.value < target ? state.low + 1 : 0,
    lastScaleOutAt: state.lastScaleOutAt,
    lastMetric: metric.value,
  };
  const facts = `CapacityProviderReservation ${metric.value.toFixed(1)} (M=${metric.m}, N=${metric.n})`;
  if (next.high >= settings.scaleOutDatapoints) {
    if (warmingUp(o, settings, state)) {
      return { state: next, decision: holdDecision(facts, 'scale-out blocked: an instance is warming up') };
    }
    const desired = Math.min(o.group.max, Math.max(o.group.desired, Math.ceil((metric.m * 100) / target)));
    if (desired <= o.group.desired) return { state: next, decision: holdDecision(facts, 'at MaxSize') };
    next.lastScaleOutAt = o.now;
    next.low = 0;
    return { state: next, decision: { desired, terminate: [], reasons: [facts, 'high alarm: scale out'] } };
  }
  if (next.low >= settings.scaleInDatapoints) {
    const live = liveInstances(o);
    const wanted = Math.max(o.group.min, Math.ceil((metric.m * 100) / target));
    const cap = Math.max(1, Math.floor(settings.scaleInMaxFraction * live.length));
    const remove = Math.min(cap, live.length - wanted);
    const empty = live
      .filter((i) => i.lifecycle === 'in-service' && i.registered && i.nonDaemonTasks === 0)
      .map((i) => i.id)
      .slice(0, Math.max(0, remove));
    if (empty.length === 0) return { state: next, decision: holdDecision(facts, 'no empty instance') };
    return {
      state: next,
      decision: {
        desired: undefined,
        terminate: empty,
        reasons: [facts, `low alarm (${next.low} datapoints): terminate ${empty.length} empty instance(s)`],
      },
    };
  }
  return { state: next, decision: holdDecision(facts, 'within target') };
};

/** The capacity-provider baseline as a pluggable policy. */
export const capacityProviderPolicy = (
  settings: Partial<CapacityProviderSettings> = {},
): ScalingPolicyModel<CapacityProviderState> => {
  const s = { ...DEFAULT_CAPACITY_PROVIDER_SETTINGS, ...settings };
  return {
    name: 'capacity-provider',
    periodSeconds: 60,
    initialState: () => ({ high: 0, low: 0, lastScaleOutAt: undefined, lastMetric: 100 }),
    step: (state, o) => capacityProviderStep(s, state, o),
  };
};
