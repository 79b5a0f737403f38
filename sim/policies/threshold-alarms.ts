/**
 * The rule of thumb, set up by hand: CloudWatch alarms on the cluster's CPUReservation and
 * MemoryReservation (AWS/ECS, 1-minute period) at the threshold rule, each driving an EC2 Auto Scaling
 * simple scaling policy of +1 / −1 instance.
 *
 * - Threshold rule (what the capacity report prints): per dimension, threshold = 100 × (1 − largest task /
 *   smallest instance capacity): above it, one more largest task may not fit anywhere. The largest task
 *   is that of the services that want tasks (desired > 0), not of a service scaled to 0.
 * - Scale-out alarm: any dimension's reservation > its threshold for `scaleOutDatapoints` consecutive
 *   1-minute datapoints → +1 instance.
 * - Scale-in alarm: every dimension's reservation < threshold × (N − 1) / N (one instance fewer would still
 *   be under the threshold; an operator writes it as metric math) for `scaleInDatapoints` datapoints → −1.
 * - Simple scaling: after an activity the group's cooldown (DefaultCooldown, 300 s) blocks the next one;
 *   while an alarm stays in ALARM, Auto Scaling runs its policy again once the cooldown is over.
 *   (EC2 Auto Scaling User Guide, "Step and simple scaling policies" and "Scaling cooldowns":
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html,
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html)
 * - Scale-in goes through the group's default termination policy: nothing drains the instance first
 *   ("without the rest"): its tasks are stopped and ECS places them again.
 * Reservation metrics do not see tasks that could not be placed: a burst shows only as 100 % reservation.
 */
import { DIMENSIONS, type Dimension } from '../../shared/core/capacity/index.js';
import {
  holdDecision,
  liveInstances,
  type PolicyDecision,
  type PolicyObservation,
  type ScalingPolicyModel,
} from './types.js';

/** Alarm and scaling-policy settings an operator would pick. */
export interface ThresholdAlarmSettings {
  /** Consecutive 1-minute datapoints over the threshold before +1. */
  scaleOutDatapoints: number;
  /** Consecutive 1-minute datapoints under the scale-in line before −1. */
  scaleInDatapoints: number;
  /** Simple scaling cooldown (ASG DefaultCooldown), seconds. */
  cooldownSeconds: number;
}

/** Ordinary settings: react within a minute, scale in after 15 quiet minutes, default 300 s cooldown. */
export const DEFAULT_THRESHOLD_ALARM_SETTINGS: ThresholdAlarmSettings = Object.freeze({
  scaleOutDatapoints: 1,
  scaleInDatapoints: 15,
  cooldownSeconds: 300,
});

/** Alarm datapoints and the cooldown clock. */
export interface ThresholdAlarmState {
  high: number;
  low: number;
  /** When the last scaling activity started (s). */
  lastActivityAt: number | undefined;
}

/** Reservation and threshold per dimension, percent, over registered instances (AWS/ECS cluster metrics). */
export interface ReservationFigures {
  dimension: Dimension;
  reservation: number;
  threshold: number;
}

/** The CPUReservation / MemoryReservation metrics and the threshold rule, from an observation. */
export const reservationFigures = (o: PolicyObservation): ReservationFigures[] => {
  const registered = liveInstances(o).filter((i) => i.registered);
  const figures: ReservationFigures[] = [];
  for (const d of DIMENSIONS) {
    if (d === 'GPU' && o.largestTask.GPU === 0) continue;
    const total = registered.reduce((s, i) => s + i.capacity[d], 0);
    const reserved = registered.reduce((s, i) => s + i.reserved[d], 0);
    const smallest = registered.length > 0 ? Math.min(...registered.map((i) => i.capacity[d])) : 0;
    const largest = o.largestTask[d];
    const threshold = largest === 0 ? 100 : smallest > 0 ? Math.max(0, 100 * (1 - largest / smallest)) : 0;
    figures.push({ dimension: d, reservation: total > 0 ? (100 * reserved) / total : 0, threshold });
  }
  return figures;
};

/** One evaluation of the two alarms and their simple scaling policies. Pure. */
export const thresholdAlarmStep = (
  settings: ThresholdAlarmSettings,
  state: ThresholdAlarmState,
  o: PolicyObservation,
): { state: ThresholdAlarmState; decision: PolicyDecision } => {
  const figures = reservationFigures(o);
  const n = liveInstances(o).filter((i) => i.registered).length;
  const over = figures.some((f) => f.reservation > f.threshold) || (n === 0 && o.provisioning.length > 0);
  const under = n > 1 && figures.every((f) => f.reservation < (f.threshold * (n - 1)) / n);
  const next: ThresholdAlarmState = {
    high: over ? state.high + 1 : 0,
    low: under ? state.low + 1 : 0,
    lastActivityAt: state.lastActivityAt,
  };
  const facts = figures
    .map((f) => `${f.dimension} ${f.reservation.toFixed(1)}% (threshold ${f.threshold.toFixed(1)}%)`)
    .join(', ');
  const cooling =
    state.lastActivityAt !== undefined && o.now - state.lastActivityAt < settings.cooldownSeconds;
  if (next.high >= settings.scaleOutDatapoints) {
    if (cooling) return { state: next, decision: holdDecision(facts, 'scale-out alarm: in cooldown') };
    if (o.group.desired >= o.group.max) return { state: next, decision: holdDecision(facts, 'at MaxSize') };
    next.lastActivityAt = o.now;
    return {
      state: next,
      decision: { desired: o.group.desired + 1, terminate: [], reasons: [facts, 'scale-out alarm: +1'] },
    };
  }
  if (next.low >= settings.scaleInDatapoints) {
    if (cooling) return { state: next, decision: holdDecision(facts, 'scale-in alarm: in cooldown') };
    if (o.group.desired <= o.group.min) return { state: next, decision: holdDecision(facts, 'at MinSize') };
    next.lastActivityAt = o.now;
    return {
      state: next,
      decision: { desired: o.group.desired - 1, terminate: [], reasons: [facts, 'scale-in alarm: −1'] },
    };
  }
  return { state: next, decision: holdDecision(facts, 'no alarm') };
};

/** The threshold-alarms baseline as a pluggable policy. */
export const thresholdAlarmsPolicy = (
  settings: Partial<ThresholdAlarmSettings> = {},
): ScalingPolicyModel<ThresholdAlarmState> => {
  const s = { ...DEFAULT_THRESHOLD_ALARM_SETTINGS, ...settings };
  return {
    name: 'threshold-alarms',
    periodSeconds: 60,
    initialState: () => ({ high: 0, low: 0, lastActivityAt: undefined }),
    step: (state, o) => thresholdAlarmStep(s, state, o),
  };
};
