/**
 * The drain decision (STYLE.md §1 "decide"): from the facts about one EC2 instance, what to do now.
 * Pure: the facts, the policy and `now` are arguments; the result is a plan value whose steps an
 * actuator applies (or only logs in dry-run). "Do nothing" is an explicit `wait` or `ignore`.
 */
import { effectiveMaxDrainSeconds, isHeartbeatDue } from './timing.js';

/** What brought the drainer to this instance. */
export const DrainTriggers = {
  lifecycleAction: 'lifecycle-action',
  spotInterruption: 'spot-interruption',
  rebalanceRecommendation: 'rebalance-recommendation',
  taskStopped: 'task-stopped',
  containerInstanceChanged: 'container-instance-changed',
  sweep: 'sweep',
} as const;
export type DrainTrigger = (typeof DrainTriggers)[keyof typeof DrainTriggers];

/** Auto Scaling lifecycle states in which a terminate hook holds the instance. */
export const WAITING_STATES: readonly string[] = ['Terminating:Wait', 'Warmed:Terminating:Wait'];

/** Lifecycle states of a member that is launching or in service (its agent may register). */
export const MEMBER_STATES: readonly string[] = ['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService'];
/**
 * States in which a terminate lifecycle action can be pending. A lifecycle event for an instance in any
 * other state (InService after a late retry of an old event, a warm-pool reuse; or past the hook) is
 * stale: acting on it would set an instance DRAINING that nothing will ever terminate.
 */
const TERMINATING_STATES: readonly string[] = [
  'Terminating',
  'Terminating:Wait',
  'Warmed:Terminating',
  'Warmed:Terminating:Wait',
  // A terminate lifecycle action with Destination WarmPool (ReuseOnScaleIn): stopped into the pool, so
  // drained all the same (issue 13; ecs-facts §4.3). Only on the event path: a launch into the pool
  // waits in the same state without a terminate action.
  'Warmed:Pending:Wait',
];
/** Container-instance statuses in which the ECS agent can still run or receive tasks. */
const REGISTERED_STATUSES: readonly string[] = ['ACTIVE', 'DRAINING', 'REGISTERING'];

/** A task on the instance, reduced to what the decision needs. */
export interface DrainTask {
  taskArn: string;
  /** `service:<name>` or `family:<name>`. */
  group?: string;
  lastStatus: string;
  /** True only for tasks of a service whose schedulingStrategy is DAEMON: they never block a drain. */
  daemon: boolean;
  /** Service name for service tasks. */
  serviceName?: string;
  /** The service's runningCount (all instances), to tell when this instance holds its last tasks. */
  serviceRunningCount?: number;
}

/** The ECS container instance of the EC2 instance. */
export interface DrainContainerInstance {
  arn: string;
  /** ACTIVE, DRAINING, REGISTERING, DEREGISTERING, INACTIVE, REGISTRATION_FAILED. */
  status: string;
  /** When the drainer first saw this drain (container-instance attribute); unknown when never recorded. */
  drainStartedAt?: Date;
  /** The drainer has recorded a Spot interruption warning on it (container-instance attribute). */
  spotWarned?: true;
}

/** The terminate lifecycle hook to complete. */
export interface DrainHook {
  name: string;
  /** Seconds (30–7200). Unknown when the hook was not described (lifecycle event path). */
  heartbeatTimeoutSeconds?: number;
  /** Seconds: min(48 h, 100 × heartbeat timeout). */
  globalTimeoutSeconds?: number;
}

/** Everything the decision knows about one instance (observed from ECS and Auto Scaling). */
export interface DrainFacts {
  trigger: DrainTrigger;
  instanceId: string;
  asgName: string;
  /** Auto Scaling LifecycleState; undefined when the group no longer lists the instance. */
  lifecycleState?: string;
  /** The group's CapacityRebalance setting (rebalance recommendations drain only when it is on). */
  capacityRebalance?: boolean;
  /** Undefined when the instance never registered with the cluster, or was deregistered. */
  containerInstance?: DrainContainerInstance;
  /** Tasks on the container instance (desired RUNNING and STOPPED); empty when not registered. */
  tasks: readonly DrainTask[];
  /** Undefined when the group has no terminate hook. */
  hook?: DrainHook;
}

/** Drain settings (see drain-config.ts). */
export interface DrainPolicy {
  /** Seconds. */
  maxDrainSeconds: number;
  dryRun: boolean;
  /** Seconds between sweeps. */
  sweepIntervalSeconds: number;
}

/** One write, in the order the actuator applies them. */
export type DrainStep =
  | { kind: 'set-draining'; containerInstanceArn: string }
  | {
      kind: 'record-drain-start';
      containerInstanceArn: string;
      at: Date;
      /** Also mark the Spot warning, so the sweeper keeps the instance DRAINING until it is gone. */
      spotWarning?: true;
    }
  | { kind: 'heartbeat'; hookName: string }
  | { kind: 'complete'; hookName: string; result: 'CONTINUE' }
  /** A Spot-warned member whose agent has not registered yet: kept on its group for the sweeper. */
  | { kind: 'remember-spot-warning'; at: Date };

/** The headline of a plan, for logs and metrics. */
export type DrainAction = 'complete' | 'force-complete' | 'set-draining' | 'heartbeat' | 'wait' | 'ignore';

/** The decision for one instance. */
export interface DrainPlan {
  action: DrainAction;
  trigger: DrainTrigger;
  instanceId: string;
  asgName: string;
  containerInstanceArn?: string;
  /** Writes to apply in order; for `wait`, only a Spot warning's record; none for `ignore`. */
  steps: readonly DrainStep[];
  /** Why, in words a user understands. */
  reasons: readonly string[];
  /** Non-daemon tasks not yet STOPPED (ARNs). They block completion. */
  blockingTasks: readonly string[];
  /** Seconds since the drain started, when known. */
  drainSeconds?: number;
  /** Non-daemon tasks the drain has to move (set when this plan starts the drain). */
  tasksToMove: number;
  /** Services whose every running task is on this instance: they are down until the replacements start. */
  lastOfServices: readonly string[];
  dryRun: boolean;
}

/**
 * Seconds past the maximum drain time after which a recorded drain start is taken as stale: ten sweeps
 * (each of which would have force-completed the drain), at least 15 minutes.
 */
export const staleGraceSeconds = (sweepIntervalSeconds: number): number =>
  Math.max(900, 10 * sweepIntervalSeconds);

const blocking = (tasks: readonly DrainTask[]) =>
  tasks.filter((t) => !t.daemon && t.lastStatus !== 'STOPPED');

const servicesOnlyHere = (tasks: readonly DrainTask[]): string[] => {
  const here = new Map<string, { count: number; running: number | undefined }>();
  for (const task of tasks) {
    if (!task.serviceName || task.daemon || task.lastStatus === 'STOPPED') continue;
    const entry = here.get(task.serviceName) ?? { count: 0, running: task.serviceRunningCount };
    entry.count += 1;
    here.set(task.serviceName, entry);
  }
  return [...here]
    .filter(([, e]) => e.running !== undefined && e.running <= e.count)
    .map(([name]) => name)
    .sort();
};

/**
 * Decides what to do for one instance.
 *
 * - Not registered with ECS (never, or deregistered) → complete at once if a hook holds it, else ignore.
 * - ACTIVE and about to go (hook waiting, Spot warning, rebalance with capacity rebalancing) →
 *   set DRAINING, record the drain start, and complete at once if no non-daemon task is left.
 * - DRAINING and held by the hook → complete when no non-daemon task is in any state but STOPPED;
 *   force-complete when the maximum drain time (capped by the hook's GlobalTimeout) is reached;
 *   on a sweep, heartbeat when the stateless schedule says so (drain-timing.ts); otherwise wait.
 * - Anything else (an ECS event on an instance no hook holds) → ignore: not ours to finish.
 */
export const decideDrain = (facts: DrainFacts, policy: DrainPolicy, now: Date): DrainPlan => {
  const reasons: string[] = [];
  const steps: DrainStep[] = [];
  const left = blocking(facts.tasks);
  const ci = facts.containerInstance;
  const plan = (action: DrainAction, extra: Partial<DrainPlan> = {}): DrainPlan => ({
    action,
    trigger: facts.trigger,
    instanceId: facts.instanceId,
    asgName: facts.asgName,
    ...(ci ? { containerInstanceArn: ci.arn } : {}),
    steps,
    reasons: policy.dryRun && steps.length > 0 ? [...reasons, 'dry-run: nothing is written'] : reasons,
    blockingTasks: left.map((t) => t.taskArn),
    tasksToMove: 0,
    lastOfServices: servicesOnlyHere(facts.tasks),
    dryRun: policy.dryRun,
    ...extra,
  });

  const state = facts.lifecycleState;
  const eventSaysWaiting =
    facts.trigger === DrainTriggers.lifecycleAction &&
    state !== undefined &&
    TERMINATING_STATES.includes(state);
  const waiting = (state !== undefined && WAITING_STATES.includes(state)) || eventSaysWaiting;
  const leaving =
    waiting ||
    facts.trigger === DrainTriggers.spotInterruption ||
    (facts.trigger === DrainTriggers.rebalanceRecommendation && facts.capacityRebalance === true);

  if (
    facts.trigger === DrainTriggers.rebalanceRecommendation &&
    facts.capacityRebalance !== true &&
    !waiting
  ) {
    reasons.push(
      'rebalance recommendation ignored: the group has capacity rebalancing off, so nothing will replace ' +
        'or terminate the instance; the Spot interruption warning will drain it',
    );
    return plan('ignore');
  }
  if (facts.trigger === DrainTriggers.lifecycleAction && !waiting) {
    reasons.push(`lifecycle action no longer pending (instance state: ${state ?? 'not in the group'})`);
    return plan('ignore');
  }

  const hook = facts.hook;
  const complete = (
    reason: string,
    action: 'complete' | 'force-complete',
    extra: Partial<DrainPlan> = {},
  ) => {
    if (!hook) {
      reasons.push(`${reason}, but the group has no terminate lifecycle hook to complete`);
      return plan('ignore', extra);
    }
    reasons.push(reason);
    steps.push({ kind: 'complete', hookName: hook.name, result: 'CONTINUE' });
    return plan(action, extra);
  };

  if (!ci || !REGISTERED_STATUSES.includes(ci.status)) {
    const why = ci ? `container instance is ${ci.status}` : 'instance is not registered with the cluster';
    if (waiting) return complete(`${why}: nothing to drain`, 'complete');
    if (!ci && facts.trigger === DrainTriggers.spotInterruption && MEMBER_STATES.includes(state ?? '')) {
      // Its agent registers within a minute or so of InService: then ECS places tasks on it, and the
      // reclaim takes them. The sweeper drains it once it registers (sweep.ts, the Spot watch).
      steps.push({ kind: 'remember-spot-warning', at: now });
      reasons.push(
        `${why} yet (${state}): the warning is kept on the group, and the sweeper sets it DRAINING once its agent registers`,
      );
      return plan('wait');
    }
    reasons.push(`${why}: nothing to drain`);
    return plan('ignore');
  }

  if (ci.status !== 'DRAINING') {
    if (!leaving) {
      reasons.push(`container instance is ${ci.status} and not being terminated`);
      return plan('ignore');
    }
    // Spot: two minutes to the reclaim, so the one write that matters (DRAINING) goes first. Otherwise
    // the drain start is recorded first and a failed record stops the plan: DRAINING must never be
    // paired with a stale start (an instance back from a warm pool keeps its old attribute), which
    // would make the maximum drain time look reached at once.
    const drainingFirst = facts.trigger === DrainTriggers.spotInterruption && !waiting;
    const record = {
      kind: 'record-drain-start',
      containerInstanceArn: ci.arn,
      at: now,
      ...(facts.trigger === DrainTriggers.spotInterruption ? { spotWarning: true as const } : {}),
    } as const;
    const setDraining = { kind: 'set-draining', containerInstanceArn: ci.arn } as const;
    steps.push(...(drainingFirst ? [setDraining, record] : [record, setDraining]));
    reasons.push(`set DRAINING (${facts.trigger}): ECS moves service tasks to other instances`);
    const extra = { tasksToMove: left.length, drainSeconds: 0 };
    if (waiting && left.length === 0)
      return complete('no non-daemon task on the instance', 'complete', extra);
    if (left.length > 0) reasons.push(`${left.length} non-daemon task(s) to move`);
    return plan('set-draining', extra);
  }

  if (!waiting) {
    reasons.push(
      `instance is DRAINING but no lifecycle hook holds it (state: ${state ?? 'not in the group'})`,
    );
    if (facts.trigger === DrainTriggers.spotInterruption && !ci.spotWarned) {
      // Already DRAINING (the scaler's scale-in, or an operator): the warning is still recorded, or the
      // scaler, seeing its own drain and tasks waiting, would set it ACTIVE again for the reclaim to take.
      // The mark makes the drain the drainer's: the scaler leaves it alone, the sweeper re-drains it.
      steps.push({
        kind: 'record-drain-start',
        containerInstanceArn: ci.arn,
        at: ci.drainStartedAt ?? now,
        spotWarning: true,
      });
      reasons.push('the Spot warning is recorded on it: it stays DRAINING until the reclaim');
    }
    return plan(leaving ? 'wait' : 'ignore');
  }

  const limit = effectiveMaxDrainSeconds(
    policy.maxDrainSeconds,
    hook?.globalTimeoutSeconds,
    policy.sweepIntervalSeconds,
  );
  const recorded = ci.drainStartedAt;
  const recordedSeconds = recorded
    ? Math.max(0, Math.floor((now.getTime() - recorded.getTime()) / 1000))
    : undefined;
  // A start older than the limit plus the grace would have been force-completed by an earlier sweep: it
  // belongs to an earlier drain (a warm-pool instance keeps its attributes), not to this one.
  const stale =
    recordedSeconds !== undefined &&
    recordedSeconds >= limit + staleGraceSeconds(policy.sweepIntervalSeconds);
  const startedAt = stale ? undefined : recorded;
  if (!startedAt) {
    // DRAINING set by someone else (the cluster scaler's targeted scale-in), or our record was lost.
    steps.push({ kind: 'record-drain-start', containerInstanceArn: ci.arn, at: now });
    reasons.push(
      stale
        ? `recorded drain start is ${recordedSeconds} s old, past any drain of this instance: stale, recorded now`
        : 'drain start unknown: recorded now',
    );
  }
  const drainSeconds = startedAt ? (recordedSeconds ?? 0) : 0;
  if (left.length === 0)
    return complete('no non-daemon task left on the instance', 'complete', { drainSeconds });

  if (startedAt && drainSeconds >= limit) {
    const capped = limit < policy.maxDrainSeconds ? ` (capped by the hook's global timeout)` : '';
    return complete(
      `maximum drain time ${limit} s${capped} reached after ${drainSeconds} s; ` +
        `${left.length} task(s) would not leave: ${left.map((t) => t.taskArn).join(', ')}`,
      'force-complete',
      { drainSeconds },
    );
  }

  reasons.push(`${left.length} non-daemon task(s) not yet STOPPED`);
  if (facts.trigger === DrainTriggers.sweep && hook) {
    const due =
      !startedAt || isHeartbeatDue(now.getTime(), hook.heartbeatTimeoutSeconds, policy.sweepIntervalSeconds);
    if (due) {
      steps.push({ kind: 'heartbeat', hookName: hook.name });
      reasons.push('heartbeat keeps the lifecycle hook from timing out');
      return plan('heartbeat', { drainSeconds });
    }
  }
  return plan('wait', { drainSeconds });
};
