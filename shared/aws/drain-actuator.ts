/**
 * The drainer's actuator (STYLE.md §1 "act"): applies a {@link DrainPlan}'s steps in order, logs every
 * write with its outcome, and writes nothing in dry-run.
 */
import type { DrainPlan, DrainStep } from '../core/drain/decision.js';
import { logger } from '../runtime/logger.js';
import type { DrainAutoScalingPort } from './drain-autoscaling.js';
import type { DrainEcsPort } from './drain-ecs.js';

/** What applying a plan did. */
export interface DrainOutcome {
  /** Steps that were applied (none in dry-run). */
  applied: readonly DrainStep['kind'][];
  /** The lifecycle action was completed by this call. */
  completed: boolean;
  /** The complete step found no pending lifecycle action (a duplicate or late event): success, no-op. */
  alreadyCompleted: boolean;
  /** The instance was set DRAINING by this call. */
  drainingSet: boolean;
}

/** The ports the actuator writes through. */
export interface DrainActuatorPorts {
  ecs: DrainEcsPort;
  autoscaling: DrainAutoScalingPort;
}

/**
 * Tags the instance's group with its Spot warning ({@link DrainAutoScalingPort.recordSpotWarning}). A
 * failure is logged and does not stop the plan: DRAINING is set already (the Spot order), and a retry of
 * the event would find the instance DRAINING and write nothing more.
 */
const recordSpotOnGroup = async (
  plan: DrainPlan,
  ports: DrainActuatorPorts,
  facts: Record<string, unknown>,
  at: Date,
  pendingInstanceId?: string,
): Promise<void> => {
  if (!ports.autoscaling.recordSpotWarning) return;
  try {
    await ports.autoscaling.recordSpotWarning(plan.asgName, at, pendingInstanceId);
    logger.info('Spot warning recorded on the group', facts);
  } catch (error) {
    logger.error('Spot warning not recorded on the group: the sweeper will not re-drive this instance', {
      ...facts,
      error: error instanceof Error ? error.message : String(error),
    });
  }
};

/**
 * Applies `plan` for cluster `cluster`.
 *
 * A failed drain-start record after DRAINING (the Spot order) does not stop the plan: it only feeds the
 * maximum drain time, and the next sweep records it again. Before DRAINING it does, and so does every
 * other failure (already translated by the adapters).
 */
export const applyDrainPlan = async (
  plan: DrainPlan,
  cluster: string,
  ports: DrainActuatorPorts,
): Promise<DrainOutcome> => {
  const outcome = {
    applied: [] as DrainStep['kind'][],
    completed: false,
    alreadyCompleted: false,
    drainingSet: false,
  };
  const facts = { cluster, asg: plan.asgName, instanceId: plan.instanceId, dryRun: plan.dryRun };
  for (const step of plan.steps) {
    if (plan.dryRun) {
      logger.info('dry-run: write skipped', { ...facts, step: step.kind });
      continue;
    }
    switch (step.kind) {
      case 'set-draining':
        await ports.ecs.setDraining(cluster, step.containerInstanceArn);
        outcome.drainingSet = true;
        logger.info('container instance set DRAINING', {
          ...facts,
          containerInstance: step.containerInstanceArn,
        });
        break;
      case 'record-drain-start':
        // Issue 19: the group carries the latest Spot warning, so the sweeper's Spot watch lists this
        // cluster (and only the clusters that have one) until the warned instance is gone.
        if (step.spotWarning) await recordSpotOnGroup(plan, ports, facts, step.at);
        try {
          await ports.ecs.recordDrainStart(
            cluster,
            step.containerInstanceArn,
            step.at,
            step.spotWarning ? { spotWarning: true } : {},
          );
          logger.debug('drain start recorded', { ...facts, at: step.at.toISOString() });
        } catch (error) {
          // Before DRAINING, a failed record stops the plan (the retry sets both): an old attribute left
          // in place beside a fresh DRAINING would make the maximum drain time look reached at once.
          const beforeDraining = plan.steps
            .slice(plan.steps.indexOf(step))
            .some((s) => s.kind === 'set-draining');
          logger.error(
            beforeDraining
              ? 'drain start not recorded; DRAINING is not set without it, the event is retried'
              : 'drain start not recorded; the maximum drain time counts from the next record',
            { ...facts, error: error instanceof Error ? error.message : String(error) },
          );
          if (beforeDraining) throw error;
          continue;
        }
        break;
      case 'remember-spot-warning':
        await recordSpotOnGroup(plan, ports, facts, step.at, plan.instanceId);
        break;
      case 'heartbeat': {
        const result = await ports.autoscaling.recordHeartbeat(plan.asgName, step.hookName, plan.instanceId);
        logger.info('lifecycle heartbeat recorded', { ...facts, hook: step.hookName, result });
        break;
      }
      case 'complete': {
        const result = await ports.autoscaling.completeLifecycleAction(
          plan.asgName,
          step.hookName,
          plan.instanceId,
        );
        outcome.completed = result === 'done';
        outcome.alreadyCompleted = result === 'not-pending';
        logger.info(result === 'done' ? 'lifecycle action completed' : 'lifecycle action already completed', {
          ...facts,
          hook: step.hookName,
          result: step.result,
          forced: plan.action === 'force-complete',
        });
        break;
      }
    }
    outcome.applied.push(step.kind);
  }
  return outcome;
};
