/**
 * The scheduled sweeper (every minute): the safety net for best-effort events. For every managed group
 * it looks at the instances a terminate hook holds and completes the empty ones (a lost event), sets
 * DRAINING where the start was missed, heartbeats long drains, and enforces the maximum drain time.
 *
 * One failing group or instance never stops the others, and the sweeper never throws for them: the next
 * sweep a minute later is the retry, better than Lambda's async retry of the whole sweep.
 */
import {
  type DrainDefaults,
  DrainTriggers,
  resolveDrainSettings,
  WAITING_STATES,
} from '../../shared/core/drain/index.js';
import { describeError } from '../../shared/core/errors.js';
import { logger } from '../../shared/runtime/logger.js';
import { type DrainDeps, drainInstance, resolveHook } from './drain-instance.js';
import type { RouteResult } from './route-result.js';

/** Sweeps every managed group. */
export const sweep = async (deps: DrainDeps, defaults: DrainDefaults, now: Date): Promise<RouteResult> => {
  const out: RouteResult = { results: [], errors: [] };
  const groups = await deps.autoscaling.listManagedGroups();
  let held = 0;
  for (const group of groups) {
    const waiting = group.instances.filter((i) => WAITING_STATES.includes(i.lifecycleState));
    if (waiting.length === 0) continue;
    held += waiting.length;
    let settings: ReturnType<typeof resolveDrainSettings>;
    let hook: Awaited<ReturnType<typeof resolveHook>>;
    try {
      settings = resolveDrainSettings(group.name, group.tags, defaults);
      if (!settings) continue;
      hook = await resolveHook(deps.autoscaling, settings);
    } catch (error) {
      logger.error('group skipped by the sweeper', { asg: group.name, error: describeError(error) });
      out.errors.push({ message: describeError(error) });
      continue;
    }
    if (
      hook?.heartbeatTimeoutSeconds !== undefined &&
      hook.heartbeatTimeoutSeconds < 2 * deps.sweepIntervalSeconds
    ) {
      logger.warn('lifecycle hook heartbeat timeout is shorter than two sweeps; long drains may time out', {
        asg: group.name,
        hook: hook.name,
        heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds,
        advice: 'set HeartbeatTimeout to 300 s or more (see docs/drain.md)',
      });
    }
    for (const instance of waiting) {
      try {
        out.results.push(
          await drainInstance(
            deps,
            {
              trigger: DrainTriggers.sweep,
              instanceId: instance.instanceId,
              settings,
              capacityRebalance: group.capacityRebalance,
              lifecycleState: instance.lifecycleState,
              ...(hook ? { hook } : {}),
            },
            now,
          ),
        );
      } catch (error) {
        logger.error('instance skipped by the sweeper', {
          cluster: settings.cluster,
          asg: group.name,
          instanceId: instance.instanceId,
          error: describeError(error),
        });
        out.errors.push({ cluster: settings.cluster, message: describeError(error) });
      }
    }
  }
  logger.info('sweep done', { managedGroups: groups.length, heldInstances: held, errors: out.errors.length });
  return out;
};
