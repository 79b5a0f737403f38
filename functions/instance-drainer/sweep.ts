/**
 * The scheduled sweeper (every minute): the safety net for best-effort events. For every managed group
 * it looks at the instances a terminate hook holds and completes the empty ones (a lost event), sets
 * DRAINING where the start was missed, heartbeats long drains, and enforces the maximum drain time; and
 * it keeps Spot-warned instances DRAINING until they are gone.
 *
 * One failing group or instance never stops the others, and the sweeper never throws for them: the next
 * sweep a minute later is the retry, better than Lambda's async retry of the whole sweep. Held instances
 * are processed in parallel (a few at a time) and the sweep yields before the function's timeout: at
 * 150 held instances and 100 ms per call, a sequential sweep ran past 60 s, was killed, and hooks timed out.
 */

import { createLimiter } from '../../shared/aws/limit.js';
import { hasTime } from '../../shared/aws/retry.js';
import {
  type DrainDefaults,
  type DrainHook,
  type DrainSettings,
  DrainTags,
  DrainTriggers,
  heartbeatProtection,
  MEMBER_STATES,
  parseSpotWarned,
  resolveDrainSettings,
  type SpotWarned,
  WAITING_STATES,
} from '../../shared/core/drain/index.js';
import { describeError, TransientAwsError } from '../../shared/core/errors.js';
import { logger } from '../../shared/runtime/logger.js';
import { type DrainDeps, drainInstance, resolveHook } from './drain-instance.js';
import type { RouteResult } from './route-result.js';

/**
 * Held instances drained at once. Each costs about five calls (List/DescribeContainerInstances, ListTasks
 * ×2, DescribeTasks, plus a write); eight in flight stay well inside ECS's and Auto Scaling's per-account
 * token buckets (refill 20/s for ECS reads, lower for Auto Scaling), and the SDK's adaptive retry mode
 * slows the client down if a bucket runs dry anyway.
 */
export const SWEEP_CONCURRENCY = 8;
/**
 * Time an instance may need, ms: an instance is only started while this much of the invocation remains
 * beyond the retry reserve, so the sweep returns before Lambda's timeout instead of being killed (and
 * then retried as a whole). Five calls with a retry each.
 */
export const INSTANCE_BUDGET_MS = 5000;

interface HeldInstance {
  settings: DrainSettings;
  capacityRebalance: boolean;
  hook: DrainHook | undefined;
  instanceId: string;
  lifecycleState: string;
}

/**
 * Rotates `items` so that a sweep that must yield before the end leaves different instances to the next
 * sweep, never the same tail: every other minute the list starts at its middle, so any two consecutive
 * sweeps that each get through half of it cover all of it. (At 8 in flight and ~100 ms per call, one
 * sweep gets through some 800 held instances, so halves are a wide margin.)
 */
const rotate = <T>(items: readonly T[], now: Date): T[] => {
  const start = Math.floor(now.getTime() / 60_000) % 2 === 0 ? 0 : Math.ceil(items.length / 2);
  return [...items.slice(start), ...items.slice(0, start)];
};

/**
 * Heartbeats a held instance whose observation failed transiently (throttling, or ECS answering part of
 * a Describe under `failures` three times in a row). The drainer never decides "empty" from a partial
 * answer, but it must not let the hook time out over one either: with the heartbeat skipped, a 180 s hook
 * under 30 % partial answers expired and the instance was terminated with its tasks. Only for transient
 * errors: a permanent one (access denied) would keep the instance held for nothing.
 */
const keepAlive = async (deps: DrainDeps, h: HeldInstance): Promise<void> => {
  if (!h.hook || h.settings.dryRun) return;
  try {
    const result = await deps.autoscaling.recordHeartbeat(h.settings.asgName, h.hook.name, h.instanceId);
    logger.info('lifecycle heartbeat recorded while the instance could not be read', {
      cluster: h.settings.cluster,
      asg: h.settings.asgName,
      instanceId: h.instanceId,
      hook: h.hook.name,
      result,
    });
  } catch (error) {
    logger.error('lifecycle heartbeat failed', {
      asg: h.settings.asgName,
      instanceId: h.instanceId,
      error: describeError(error),
    });
  }
};

/**
 * Seconds a group's Spot-warning tag is kept even when no warned container instance is found: the
 * drainer tags the group before it writes the instance's mark, so a sweep in between sees the tag first.
 */
export const SPOT_TAG_GRACE_SECONDS = 300;

/**
 * The Spot watch: ACTIVE container instances carrying the Spot-warning mark in a managed cluster are set
 * DRAINING again, every sweep, until the reclaim deregisters them (the mark goes with the container
 * instance). Issue 19: only the clusters of groups tagged {@link DrainTags.spotWarnedAt} (the drainer tags
 * the group when it handles a warning) are listed — one ListContainerInstances each, instead of one for
 * every managed cluster every minute; once none of a cluster's marked instances is left (in any status),
 * the tag is removed. A dry-run group's cluster is only logged.
 */
const watchSpotWarned = async (
  deps: DrainDeps,
  groups: Awaited<ReturnType<DrainDeps['autoscaling']['listManagedGroups']>>,
  defaults: DrainDefaults,
  out: RouteResult,
  now: Date,
): Promise<void> => {
  const list = deps.ecs.listSpotWarnedActive?.bind(deps.ecs);
  if (!list) return;
  const warned = new Map<string, { dryRun: boolean; groups: string[]; since: number; pending: number }>();
  const waitingFor: {
    cluster: string;
    group: (typeof groups)[number];
    warned: SpotWarned;
    dryRun: boolean;
  }[] = [];
  for (const group of groups) {
    const tag = group.tags.find((t) => t.Key === DrainTags.spotWarnedAt)?.Value;
    if (tag === undefined) continue;
    try {
      const settings = resolveDrainSettings(group.name, group.tags, defaults);
      if (!settings) continue;
      const parsed = parseSpotWarned(tag);
      const w = warned.get(settings.cluster) ?? { dryRun: false, groups: [], since: 0, pending: 0 };
      w.dryRun ||= settings.dryRun;
      w.groups.push(group.name);
      w.since = Math.max(w.since, parsed.since);
      warned.set(settings.cluster, w);
      if (parsed.pending.length > 0) {
        waitingFor.push({ cluster: settings.cluster, group, warned: parsed, dryRun: settings.dryRun });
      }
    } catch {
      // A bad tag is reported where the group's held instances are swept.
    }
  }
  // Warned members whose agent had not registered: drained once it has (then marked like the others).
  for (const { cluster, group, warned: w, dryRun } of waitingFor) {
    try {
      const left = await drainRegistered(deps, cluster, group, w.pending, dryRun, now);
      if (left.length !== w.pending.length && !dryRun) {
        await deps.autoscaling.setSpotWarned?.(group.name, { since: w.since, pending: left });
      }
      const entry = warned.get(cluster);
      if (entry) entry.pending += left.length;
    } catch (error) {
      logger.error('Spot watch failed; the next sweep retries', { cluster, error: describeError(error) });
      out.errors.push({ cluster, message: describeError(error) });
      const entry = warned.get(cluster);
      if (entry) entry.pending += w.pending.length;
    }
  }
  const nowS = Math.floor(now.getTime() / 1000);
  for (const [cluster, { dryRun, groups: tagged, since, pending }] of warned) {
    try {
      const active = await list(cluster);
      for (const arn of active) {
        logger.warn('Spot-warned container instance is ACTIVE again: setting it DRAINING', {
          cluster,
          containerInstance: arn,
          dryRun,
        });
        if (!dryRun) await deps.ecs.setDraining(cluster, arn);
      }
      const clear = deps.autoscaling.clearSpotWarning?.bind(deps.autoscaling);
      if (active.length > 0 || pending > 0 || dryRun || !clear || !deps.ecs.listSpotWarned) continue;
      if (nowS - since < SPOT_TAG_GRACE_SECONDS) continue;
      if ((await deps.ecs.listSpotWarned(cluster)).length > 0) continue;
      for (const asg of tagged) await clear(asg);
      logger.info('no Spot-warned container instance left: Spot watch of the cluster ends', {
        cluster,
        groups: tagged,
      });
    } catch (error) {
      logger.error('Spot watch failed; the next sweep retries', { cluster, error: describeError(error) });
      out.errors.push({ cluster, message: describeError(error) });
    }
  }
};

/**
 * Of `pending` (warned members not registered at their warning), sets DRAINING — and marks, so the watch
 * keeps them DRAINING — those registered and ACTIVE now; returns those still to wait for (members whose
 * agent has not registered yet). One no longer a launching or running member is forgotten.
 */
const drainRegistered = async (
  deps: DrainDeps,
  cluster: string,
  group: { instances: readonly { instanceId: string; lifecycleState: string }[] },
  pending: readonly string[],
  dryRun: boolean,
  now: Date,
): Promise<string[]> => {
  const left: string[] = [];
  for (const id of pending) {
    const member = group.instances.find((i) => i.instanceId === id);
    if (!member || !MEMBER_STATES.includes(member.lifecycleState)) continue;
    const ci = await deps.ecs.findContainerInstance(cluster, id);
    if (!ci) {
      left.push(id);
      continue;
    }
    if (ci.status !== 'ACTIVE') continue;
    logger.warn('Spot-warned instance registered after its warning: setting it DRAINING', {
      cluster,
      instanceId: id,
      containerInstance: ci.arn,
      dryRun,
    });
    if (dryRun) continue;
    await deps.ecs.setDraining(cluster, ci.arn);
    await deps.ecs.recordDrainStart(cluster, ci.arn, now, { spotWarning: true });
  }
  return left;
};

/** Sweeps every managed group. */
export const sweep = async (deps: DrainDeps, defaults: DrainDefaults, now: Date): Promise<RouteResult> => {
  const out: RouteResult = { results: [], errors: [] };
  const groups = await deps.autoscaling.listManagedGroups();
  await watchSpotWarned(deps, groups, defaults, out, now);
  const held: HeldInstance[] = [];
  for (const group of groups) {
    const waiting = group.instances.filter((i) => WAITING_STATES.includes(i.lifecycleState));
    if (waiting.length === 0) continue;
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
    if (hook?.heartbeatTimeoutSeconds !== undefined) {
      const protection = heartbeatProtection(hook.heartbeatTimeoutSeconds, deps.sweepIntervalSeconds);
      if (protection.level !== 'ok') {
        (protection.level === 'none' ? logger.error : logger.warn).call(
          logger,
          'lifecycle hook heartbeat timeout is too short to protect long drains',
          {
            asg: group.name,
            hook: hook.name,
            heartbeatTimeoutSeconds: hook.heartbeatTimeoutSeconds,
            toleratedOutageSeconds: protection.toleratedOutageSeconds,
            advice: protection.advice,
          },
        );
      }
    }
    for (const instance of waiting) {
      held.push({
        settings,
        capacityRebalance: group.capacityRebalance,
        hook,
        instanceId: instance.instanceId,
        lifecycleState: instance.lifecycleState,
      });
    }
  }

  const limit = createLimiter(SWEEP_CONCURRENCY);
  let yielded = 0;
  await Promise.all(
    rotate(held, now).map((h) =>
      limit(async () => {
        if (!hasTime(INSTANCE_BUDGET_MS)) {
          yielded++;
          return;
        }
        try {
          out.results.push(
            await drainInstance(
              deps,
              {
                trigger: DrainTriggers.sweep,
                instanceId: h.instanceId,
                settings: h.settings,
                capacityRebalance: h.capacityRebalance,
                lifecycleState: h.lifecycleState,
                ...(h.hook ? { hook: h.hook } : {}),
              },
              now,
            ),
          );
        } catch (error) {
          logger.error('instance skipped by the sweeper', {
            cluster: h.settings.cluster,
            asg: h.settings.asgName,
            instanceId: h.instanceId,
            error: describeError(error),
          });
          out.errors.push({ cluster: h.settings.cluster, message: describeError(error) });
          if (error instanceof TransientAwsError) await keepAlive(deps, h);
        }
      }),
    ),
  );
  if (yielded > 0) {
    logger.warn('sweep yielded before the function timeout; the next sweep starts with the rest', {
      heldInstances: held.length,
      yielded,
    });
  }
  logger.info('sweep done', {
    managedGroups: groups.length,
    heldInstances: held.length,
    yielded,
    errors: out.errors.length,
  });
  return { ...out, ...(yielded > 0 ? { yielded } : {}) };
};
