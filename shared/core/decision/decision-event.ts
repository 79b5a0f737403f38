/**
 * Decision events (issue 17): what the scaler did and why, as values to put on the default EventBridge
 * bus (`source: ecs-autoscaler`) and to keep as each cluster's "last decision". Pure: the functions here
 * only shape plans into events; shared/aws/decision-events.ts puts them and records the last one.
 *
 * Which decisions make an event: every decision that changed something (scale-out, scale-in, drained
 * instances terminated, draining instances set ACTIVE again, a drain started or completed), and every
 * hold a guard caused (cooldown, MaxSize, halt, backoff, conflict, unplaceable tasks, crash loop). A
 * hold because nothing needs to change makes none. docs/observability.md documents the schema.
 *
 * Idempotence: `decisionId` is a hash of what the decision *is* (cluster, kind, guard, capacity before
 * and after, the instances it names) — never of the time or of wording that changes from one tick to the
 * next ("the last scaling action was 12 s ago"). A duplicated trigger that reaches the same decision gets
 * the same id, and the publisher skips an id equal to the last recorded one.
 */
import type { ClusterPlan } from '../cluster/index.js';
import type { DrainPlan } from '../drain/index.js';
import type { ServicePlan } from '../service/index.js';

/** The `source` of every decision event. */
export const DECISION_EVENT_SOURCE = 'ecs-autoscaler';

/** Version of the `detail` schema (docs/observability.md); bumped on an incompatible change. */
export const DECISION_SCHEMA_VERSION = '1';

/** One `detail-type` per kind of decision (rules match on these). */
export const DecisionDetailTypes = {
  'cluster-scale-out': 'ECS Autoscaler Cluster Scale-Out',
  'cluster-scale-in': 'ECS Autoscaler Cluster Scale-In',
  'cluster-instances-terminated': 'ECS Autoscaler Cluster Instances Terminated',
  'cluster-instances-reactivated': 'ECS Autoscaler Cluster Instances Reactivated',
  'cluster-hold': 'ECS Autoscaler Cluster Scaling Held',
  'service-scale-out': 'ECS Autoscaler Service Scale-Out',
  'service-scale-in': 'ECS Autoscaler Service Scale-In',
  'service-hold': 'ECS Autoscaler Service Scaling Held',
  'drain-started': 'ECS Autoscaler Instance Drain Started',
  'drain-completed': 'ECS Autoscaler Instance Drain Completed',
  'drain-hit-max-time': 'ECS Autoscaler Instance Drain Hit Max Time',
} as const;

/** A kind of decision event. */
export type DecisionKind = keyof typeof DecisionDetailTypes;

/** The guard that turned a needed change into a hold. */
export type HoldGuard =
  | 'cooldown'
  | 'max-size'
  | 'halt'
  | 'backoff'
  | 'conflict'
  | 'unplaceable-tasks'
  | 'crash-loop';

/** The `detail` of a decision event (schema version 1). */
export interface DecisionDetail {
  version: typeof DECISION_SCHEMA_VERSION;
  /** Hash of the decision's identity (16 hex digits); equal for a duplicated trigger's same decision. */
  decisionId: string;
  kind: DecisionKind;
  /** The planner's action (`scale-out`, `scale-in`, `hold`; drains: `set-draining`, `complete`, `force-complete`). */
  action: string;
  /** Set on `*-hold` kinds. */
  guard?: HoldGuard;
  cluster: string;
  autoScalingGroup?: string;
  service?: string;
  instanceId?: string;
  /** ASG desired capacity (cluster kinds) or the service's desired count (service kinds). */
  desired?: { current: number; proposed: number };
  /** EC2 instance ids the decision names (cluster kinds). */
  instances?: { drain: string[]; terminate: string[]; activate: string[] };
  /** Seconds the drain took (drain-completed, drain-hit-max-time). */
  drainSeconds?: number;
  /** Tasks still running when the drain was completed, or tasks it moves (drain-started). */
  tasks?: number;
  /** The planner's reasons, in order, as logged. */
  reasons: string[];
  /** When the decision was made (ISO 8601, the handler's clock). */
  decidedAt: string;
}

/** A decision event, ready for PutEvents (the adapter adds the bus) and for the last-decision record. */
export interface DecisionEvent {
  source: typeof DECISION_EVENT_SOURCE;
  detailType: (typeof DecisionDetailTypes)[DecisionKind];
  /** Where the last decision is recorded (cluster, or cluster + service); undefined: not recorded. */
  subject?: { cluster: string; service?: string };
  /** ARNs or ids the event is about (EventBridge `resources`). */
  resources: string[];
  detail: DecisionDetail;
}

/**
 * FNV-1a, 64 bit, as 16 hex digits. Not cryptographic: it only has to make equal identities equal and
 * different ones different with overwhelming likelihood.
 */
export const fnv1a64 = (text: string): string => {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
};

/**
 * Which guard a hold's reasons name. The planners phrase each guard with a fixed opening ("cooldown:",
 * "halted:", "backoff:", "the group is at its MaxSize", "… cooldown of …", "… at or above the maximum");
 * conflicts, unplaceable tasks and crash loops are recognised by their words. Undefined: no guard.
 */
export const guardOf = (reasons: readonly string[]): HoldGuard | undefined => {
  const tests: [HoldGuard, RegExp][] = [
    ['halt', /^halted:/],
    ['conflict', /another controller|stand(s|ing)? aside/i],
    ['backoff', /^backoff:/],
    ['cooldown', /^cooldown:|\bcooldown of \d+ s\b|scale-in cooldown:/i],
    ['max-size', /at its MaxSize|already at or above the maximum/],
    [
      'unplaceable-tasks',
      /\bunplaceable\b|will never be placed|can never (run|be placed)|larger than one new instance/i,
    ],
    ['crash-loop', /crash[- ]?loop/i],
  ];
  for (const [guard, re] of tests) if (reasons.some((r) => re.test(r))) return guard;
  return undefined;
};

/**
 * The guard of a cluster hold: structured facts first (a stand-aside conflict; tasks the planner found
 * unplaceable or crash-looping), the planners' wording otherwise ({@link guardOf}).
 */
export const clusterGuard = (plan: ClusterPlan): HoldGuard | undefined => {
  if (plan.conflicts?.some((c) => c.standAside)) return 'conflict';
  const worded = guardOf(plan.reasons);
  if (worded) return worded;
  if (plan.waitingTasks?.some((w) => w.kind === 'unplaceable')) return 'unplaceable-tasks';
  if (plan.waitingTasks?.some((w) => w.kind === 'crash-loop')) return 'crash-loop';
  return undefined;
};

const sorted = (ids: readonly string[]): string[] => [...ids].sort();

const identity = (parts: readonly unknown[]): string => fnv1a64(JSON.stringify(parts));

/**
 * The event of one cluster decision, or undefined when the decision makes none (a hold no guard caused).
 * Dry-run plans are not passed here: dry run writes nothing, events included.
 */
export const clusterDecisionEvent = (plan: ClusterPlan, now: Date): DecisionEvent | undefined => {
  const instances = {
    drain: sorted(plan.drain.map((d) => d.ec2InstanceId)),
    terminate: sorted(plan.terminate),
    activate: sorted(plan.activate.map((a) => a.ec2InstanceId)),
  };
  let kind: DecisionKind;
  let guard: HoldGuard | undefined;
  if (plan.action === 'scale-out') kind = 'cluster-scale-out';
  else if (plan.action === 'scale-in') kind = 'cluster-scale-in';
  else if (instances.terminate.length > 0) kind = 'cluster-instances-terminated';
  else if (instances.activate.length > 0) kind = 'cluster-instances-reactivated';
  else {
    guard = clusterGuard(plan);
    if (!guard) return undefined;
    kind = 'cluster-hold';
  }
  const desired = { ...plan.desiredCapacity };
  return {
    source: DECISION_EVENT_SOURCE,
    detailType: DecisionDetailTypes[kind],
    subject: { cluster: plan.cluster },
    resources: [],
    detail: {
      version: DECISION_SCHEMA_VERSION,
      decisionId: identity([plan.cluster, kind, guard ?? null, desired.current, desired.proposed, instances]),
      kind,
      action: plan.action,
      ...(guard ? { guard } : {}),
      cluster: plan.cluster,
      ...(plan.autoScalingGroup ? { autoScalingGroup: plan.autoScalingGroup } : {}),
      desired,
      instances,
      reasons: [...plan.reasons],
      decidedAt: now.toISOString(),
    },
  };
};

/**
 * The event of one service decision (scale-out, scale-in, or a hold by cooldown or the maximum), or
 * undefined. `skip` never makes one (the service is not this scaler's).
 */
export const serviceDecisionEvent = (plan: ServicePlan, now: Date): DecisionEvent | undefined => {
  let kind: DecisionKind;
  let guard: HoldGuard | undefined;
  if (plan.action === 'scale-out') kind = 'service-scale-out';
  else if (plan.action === 'scale-in') kind = 'service-scale-in';
  else if (plan.action === 'hold') {
    guard = guardOf(plan.reasons);
    if (!guard) return undefined;
    kind = 'service-hold';
  } else return undefined;
  const desired = { ...plan.desiredCount };
  return {
    source: DECISION_EVENT_SOURCE,
    detailType: DecisionDetailTypes[kind],
    subject: { cluster: plan.cluster, service: plan.service },
    resources: [],
    detail: {
      version: DECISION_SCHEMA_VERSION,
      decisionId: identity([
        plan.cluster,
        plan.service,
        kind,
        guard ?? null,
        desired.current,
        desired.proposed,
      ]),
      kind,
      action: plan.action,
      ...(guard ? { guard } : {}),
      cluster: plan.cluster,
      ...(plan.clusterGrowth?.autoScalingGroup
        ? { autoScalingGroup: plan.clusterGrowth.autoScalingGroup }
        : {}),
      service: plan.service,
      desired,
      reasons: [...plan.reasons],
      decidedAt: now.toISOString(),
    },
  };
};

/** What the drainer did for one instance: the writes that took effect. */
export interface DrainDone {
  drainingSet: boolean;
  completed: boolean;
}

/**
 * The event of one drain decision that took effect (the instance set DRAINING, or its lifecycle action
 * completed by this call), or undefined. Emitting only on an applied write keeps it once per decision:
 * a duplicate event finds the instance already DRAINING or no lifecycle action pending.
 */
export const drainDecisionEvent = (
  cluster: string,
  plan: DrainPlan,
  done: DrainDone,
  now: Date,
): DecisionEvent | undefined => {
  let kind: DecisionKind;
  if (done.completed) kind = plan.action === 'force-complete' ? 'drain-hit-max-time' : 'drain-completed';
  else if (done.drainingSet) kind = 'drain-started';
  else return undefined;
  const tasks = kind === 'drain-started' ? plan.tasksToMove : plan.blockingTasks.length;
  return {
    source: DECISION_EVENT_SOURCE,
    detailType: DecisionDetailTypes[kind],
    resources: [],
    detail: {
      version: DECISION_SCHEMA_VERSION,
      decisionId: identity([cluster, plan.instanceId, kind]),
      kind,
      action: plan.action,
      cluster,
      autoScalingGroup: plan.asgName,
      instanceId: plan.instanceId,
      ...(plan.drainSeconds !== undefined && kind !== 'drain-started'
        ? { drainSeconds: Math.round(plan.drainSeconds) }
        : {}),
      tasks,
      reasons: [...plan.reasons],
      decidedAt: now.toISOString(),
    },
  };
};

/** Prefix of every SSM parameter the scaler writes. */
export const PARAMETER_PREFIX = '/ecs-autoscaler';

/**
 * The SSM parameter that holds a subject's last decision: `/ecs-autoscaler/<cluster>/last-decision`, or
 * `/ecs-autoscaler/<cluster>/services/<service>/last-decision` for a service. ECS cluster and service
 * names are letters, digits, `-` and `_`, all valid in a parameter name.
 */
export const lastDecisionParameterName = (subject: { cluster: string; service?: string }): string =>
  subject.service === undefined
    ? `${PARAMETER_PREFIX}/${subject.cluster}/last-decision`
    : `${PARAMETER_PREFIX}/${subject.cluster}/services/${subject.service}/last-decision`;

/** A standard SSM parameter's value holds at most 4 KB. */
export const MAX_PARAMETER_VALUE_BYTES = 4096;

/**
 * The parameter value of a decision: the event's detail plus its detail-type, as JSON within 4 KB (the
 * longest reasons are shortened, then dropped from the end, with a note; the event keeps them all).
 */
export const lastDecisionValue = (event: DecisionEvent): string => {
  const record = { detailType: event.detailType, ...event.detail, reasons: [...event.detail.reasons] };
  const size = (): number => new TextEncoder().encode(JSON.stringify(record)).length;
  for (const [i, r] of record.reasons.entries())
    if (r.length > 500) record.reasons[i] = `${r.slice(0, 497)}...`;
  let dropped = 0;
  while (size() > MAX_PARAMETER_VALUE_BYTES && record.reasons.length > 0) {
    record.reasons.pop();
    dropped++;
    record.reasons.push(`(${dropped} more reason(s) in the event and the logs)`);
    if (size() <= MAX_PARAMETER_VALUE_BYTES) break;
    record.reasons.pop();
  }
  return JSON.stringify(record);
};

/** A last-decision record read back (the shape {@link lastDecisionValue} writes). */
export type LastDecisionRecord = DecisionDetail & { detailType: string };

/** Parses a last-decision parameter value; undefined when it is not one (never throws). */
export const parseLastDecision = (value: string | undefined): LastDecisionRecord | undefined => {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<LastDecisionRecord>;
    return typeof parsed.decisionId === 'string' && typeof parsed.kind === 'string'
      ? (parsed as LastDecisionRecord)
      : undefined;
  } catch {
    return undefined;
  }
};
