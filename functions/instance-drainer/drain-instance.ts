/**
 * Observe → decide → act for one EC2 instance of a managed group. Every event kind ends here once it
 * has found its instance and the group's settings.
 */

import { applyDrainPlan, type DrainOutcome } from '../../shared/aws/drain-actuator.js';
import type { DrainAutoScalingPort, LifecycleHookInfo } from '../../shared/aws/drain-autoscaling.js';
import type { DrainEcsPort, ObservedContainerInstance } from '../../shared/aws/drain-ecs.js';
import { hasTime } from '../../shared/aws/retry.js';
import type { DrainSettings } from '../../shared/core/drain/index.js';
import {
  type DrainFacts,
  type DrainHook,
  type DrainPlan,
  type DrainTrigger,
  DrainTriggers,
  decideDrain,
  selectTerminateHook,
  WAITING_STATES,
} from '../../shared/core/drain/index.js';
import { logger } from '../../shared/runtime/logger.js';

/** The ports and timing the drainer works with. */
export interface DrainDeps {
  ecs: DrainEcsPort;
  autoscaling: DrainAutoScalingPort;
  /** Seconds between two sweeps (the schedule). */
  sweepIntervalSeconds: number;
}

/** One instance to drain, with whatever the caller already observed. */
export interface DrainTarget {
  trigger: DrainTrigger;
  instanceId: string;
  settings: DrainSettings;
  capacityRebalance?: boolean;
  lifecycleState?: string;
  /** The hook named by a lifecycle event (its timeouts are not needed on that path). */
  hookName?: string;
  /** The group's terminate hook, when the caller resolved it (the sweeper does, once per group). */
  hook?: DrainHook;
  /** The container instance, when the caller already described it (ECS events). */
  containerInstance?: ObservedContainerInstance;
}

/** The result for one instance. */
export interface InstanceResult {
  cluster: string;
  plan: DrainPlan;
  outcome: DrainOutcome;
}

const REGISTERED: readonly string[] = ['ACTIVE', 'DRAINING', 'REGISTERING'];

/** The hook facts the decision needs, from DescribeLifecycleHooks. */
export const toDrainHook = (hook: LifecycleHookInfo): DrainHook => ({
  name: hook.name,
  ...(hook.heartbeatTimeoutSeconds !== undefined
    ? { heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds }
    : {}),
  ...(hook.globalTimeoutSeconds !== undefined ? { globalTimeoutSeconds: hook.globalTimeoutSeconds } : {}),
});

/** Resolves the group's terminate hook (throws ConfigurationError when ambiguous). */
export const resolveHook = async (
  autoscaling: DrainAutoScalingPort,
  settings: DrainSettings,
): Promise<DrainHook | undefined> => {
  const hooks = await autoscaling.listTerminateHooks(settings.asgName);
  const hook = selectTerminateHook(settings.asgName, hooks, settings.hookName);
  return hook ? toDrainHook(hook) : undefined;
};

/** Observes the instance, decides, applies the plan (or logs it in dry-run) and returns both. */
export const drainInstance = async (
  deps: DrainDeps,
  target: DrainTarget,
  now: Date,
): Promise<InstanceResult> => {
  const { settings } = target;
  const cluster = settings.cluster;
  const containerInstance =
    target.containerInstance ?? (await deps.ecs.findContainerInstance(cluster, target.instanceId));
  const held =
    target.trigger === DrainTriggers.lifecycleAction ||
    (target.lifecycleState !== undefined && WAITING_STATES.includes(target.lifecycleState));
  // Spot warning on an ACTIVE instance: the plan is DRAINING whatever runs on it, and the reclaim is two
  // minutes away, so the tasks are listed after the write (for the logs and TasksMoved), not before.
  const spotFastPath =
    target.trigger === DrainTriggers.spotInterruption && !held && containerInstance?.status === 'ACTIVE';
  const tasks =
    containerInstance && REGISTERED.includes(containerInstance.status) && !spotFastPath
      ? await deps.ecs.listInstanceTasks(cluster, containerInstance.arn)
      : [];
  const hook = !held
    ? undefined
    : target.hookName
      ? { name: target.hookName }
      : (target.hook ?? (await resolveHook(deps.autoscaling, settings)));

  const facts: DrainFacts = {
    trigger: target.trigger,
    instanceId: target.instanceId,
    asgName: settings.asgName,
    tasks,
    ...(target.lifecycleState !== undefined ? { lifecycleState: target.lifecycleState } : {}),
    ...(target.capacityRebalance !== undefined ? { capacityRebalance: target.capacityRebalance } : {}),
    ...(containerInstance ? { containerInstance } : {}),
    ...(hook ? { hook } : {}),
  };
  let plan = decideDrain(
    facts,
    {
      maxDrainSeconds: settings.maxDrainSeconds,
      dryRun: settings.dryRun,
      sweepIntervalSeconds: deps.sweepIntervalSeconds,
    },
    now,
  );

  logPlan(target, settings, plan);
  const outcome = await applyDrainPlan(plan, cluster, deps);
  if (spotFastPath && containerInstance && hasTime()) {
    try {
      const after = await deps.ecs.listInstanceTasks(cluster, containerInstance.arn);
      const moving = after.filter((t) => !t.daemon && t.lastStatus !== 'STOPPED');
      plan = { ...plan, tasksToMove: moving.length, blockingTasks: moving.map((t) => t.taskArn) };
      logger.info('tasks leaving the Spot instance', {
        cluster,
        instanceId: target.instanceId,
        tasks: moving.length,
      });
    } catch {
      // Only the figures are lost: DRAINING is already set.
    }
  }
  return { cluster, plan, outcome };
};

/** Logs the plan once (ERROR when the maximum drain time cut a drain short). */
const logPlan = (target: DrainTarget, settings: DrainSettings, plan: DrainPlan): void => {
  const cluster = settings.cluster;
  const logFacts = {
    cluster,
    asg: settings.asgName,
    instanceId: target.instanceId,
    trigger: target.trigger,
    action: plan.action,
    reasons: plan.reasons,
    blockingTasks: plan.blockingTasks.length,
    drainSeconds: plan.drainSeconds,
    dryRun: plan.dryRun,
  };
  if (plan.action === 'force-complete') {
    logger.error('maximum drain time reached: completing the lifecycle action with tasks still running', {
      ...logFacts,
      tasks: plan.blockingTasks,
    });
  } else {
    logger.info('drain plan', logFacts);
  }
  if (plan.lastOfServices.length > 0 && plan.steps.some((s) => s.kind === 'set-draining')) {
    logger.warn('every running task of these services is on the draining instance', {
      ...logFacts,
      services: plan.lastOfServices,
    });
  }
};
