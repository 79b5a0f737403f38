/**
 * Scale-in pacing, per instance as cluster-autoscaler does it (issue 16), instead of one cooldown after
 * any action, a cap per decision and "nothing while an instance drains":
 * - an instance becomes a candidate once instances have been removable (placement-exact, scale-in.ts)
 *   for `scaleInUnneededSeconds` (default 600 s, cluster-autoscaler's scale-down-unneeded-time), counted
 *   by the staircase of unneeded.ts kept in the ASG tag `ecs-autoscaler:unneeded`;
 * - several candidates drain at once: the tasks DRAINING instances still hand over ({@link drainingMoves})
 *   count as moved when the next ones are chosen, so concurrent drains never overfill the rest;
 * - at most MAX_COUNTED_PER_DECISION (scale-in.ts) are counted and MAX_REMOVALS_PER_DECISION drained
 *   per decision; when the count's cap bounded it, draining all that are ripe keeps the staircase (more
 *   have been unneeded as long), and otherwise those drained come off it;
 * - the scale-in cooldown only guards against undoing a recent scale-OUT (it counts from the last
 *   scale-out, never from a scale-in); the unneeded time is counted during it, so the first removal
 *   after it needs no further wait;
 * - while the demand (Σ desired tasks) is above what it was when the count began, the count starts
 *   again: capacity is not unneeded while the load climbs.
 */
import type { CapacityAnalysis, InstanceView } from '../capacity/capacity.js';
import type { AsgTag, ClusterSnapshot } from '../snapshot/snapshot.js';
import { STATE_TAGS, tagValue } from './config.js';
import { isJobTask } from './foreign-state.js';
import { secs } from './group-state.js';
import { instanceTasks, taskSize } from './instance-tasks.js';
import { type DrainingMove, MAX_REMOVALS_PER_DECISION } from './scale-in.js';
import {
  afterRemoval,
  formatUnneededState,
  observeUnneeded,
  parseUnneededState,
  ripeCount,
  type UnneededStep,
} from './unneeded.js';

/**
 * Service tasks that DRAINING instances still run: ECS starts them elsewhere, on the instances that stay
 * (standalone and protected tasks stay where they are). Per-task sizes when the task list is known;
 * otherwise each task is assumed as large as the largest task (conservative). A task ECS is already
 * stopping (desiredStatus STOPPED) hands nothing over: its replacement, if any, is already started and
 * counted (random world 625269: a drain's two old tasks, STOPPING beside their RUNNING replacements, were
 * counted as needing room again, and the drained host was set ACTIVE "as demand came back").
 */
export const drainingMoves = (snapshot: ClusterSnapshot, analysis: CapacityAnalysis): DrainingMove[] => {
  const largest = analysis.largestTask.reservation;
  const items: DrainingMove[] = [];
  for (const ci of analysis.instances) {
    if (ci.status !== 'DRAINING') continue;
    const tasks = instanceTasks(snapshot, analysis, ci);
    if (tasks.complete) {
      for (const t of tasks.nonDaemon) {
        if (isJobTask(snapshot, t) || t.desiredStatus === 'STOPPED') continue;
        items.push({ label: t.taskArn, reservation: taskSize(snapshot, t) ?? largest, count: 1 });
      }
    } else if (ci.runningTasks + ci.pendingTasks > 0) {
      items.push({
        label: `draining ${label(ci)} (assumed largest)`,
        reservation: largest,
        count: ci.runningTasks + ci.pendingTasks,
        unlisted: ci.containerInstanceArn,
      });
    }
  }
  return items;
};

const label = (ci: InstanceView): string => ci.ec2InstanceId ?? ci.containerInstanceArn;

/** Σ desired count of the cluster's ACTIVE REPLICA services: the demand the pacing watches. */
export const replicaDemand = (snapshot: ClusterSnapshot): number =>
  snapshot.services
    .filter((s) => s.status === 'ACTIVE' && s.schedulingStrategy !== 'DAEMON')
    .reduce((n, s) => n + s.desiredCount, 0);

/** The outcome of {@link paceScaleIn}. */
export interface ScaleInPace {
  /** How many of the selected instances drain now (the first ones: the emptiest). */
  drain: number;
  /** The new value of the `ecs-autoscaler:unneeded` tag, when it changes. */
  tag: string | undefined;
  reasons: string[];
}

/** Everything the pacing looks at. */
export interface PaceInput {
  tags: readonly AsgTag[];
  /** Instances the placement-exact selection may remove now. */
  removable: number;
  /**
   * The count stopped at the cap per decision (scale-in.ts MAX_COUNTED_PER_DECISION), not at the last
   * removable instance: more are removable. Draining all of them then leaves the staircase as it was
   * (the count is "at least the cap" since the same time), so a large surplus drains the cap per
   * decision without waiting the unneeded time again; the next decision re-counts, placement-exact.
   */
  saturated?: boolean;
  /** Seconds since the scaler's last scale-out (Infinity: none recorded). */
  sinceLastScaleOutSeconds: number;
  /** Its scale-in cooldown (≥ warm-up + health-check grace), seconds. */
  cooldownSeconds: number;
  unneededSeconds: number;
  /** Epoch ms of the last scale-out (undefined: none): unneeded steps older than it are void. */
  lastScaleOutMs: number | undefined;
  /** Σ desired tasks of the REPLICA services now (a rise since the staircase began restarts it). */
  demand: number;
  now: Date;
  /**
   * Of the instances that would drain now, how many may (issue 19: those whose task list was read);
   * default all. The others wait for their lists, their unneeded time kept.
   */
  drainable?: number;
  /**
   * The selection asked for task lists it could not count without (scale-in.ts `needsTasks`): fewer
   * instances may look removable than are. The staircase then does not fall this decision (it may rise):
   * an unread list is no evidence that capacity is needed (random world 677384). The count is then "at
   * least" as a saturated one is: draining all of it, all ripe, keeps the staircase.
   */
  unread?: boolean;
}

/** Decides how many of the removable instances go now, and the staircase to remember. Pure. */
export const paceScaleIn = (input: PaceInput): ScaleInPace => {
  const raw = tagValue(input.tags, STATE_TAGS.unneeded);
  const now = Math.floor(input.now.getTime() / 1000);
  // A scale-out proves capacity was needed then: nothing has been unneeded since before it.
  const outAt = input.lastScaleOutMs === undefined ? -Infinity : Math.floor(input.lastScaleOutMs / 1000);
  const stored = parseUnneededState(raw);
  // While the load climbs nothing is unneeded: a rise since the staircase began starts it again.
  const rising = stored.demand !== undefined && input.demand > stored.demand;
  const before = rising ? [] : stored.steps.filter((s) => s.since >= outAt);
  let steps: UnneededStep[] = observeUnneeded(
    before,
    Math.max(input.removable, input.unread ? (before.at(-1)?.count ?? 0) : 0),
    now,
  );
  const reasons: string[] = [];
  let drain = 0;
  if (input.removable > 0) {
    const ripe = Math.min(input.removable, ripeCount(steps, now, input.unneededSeconds));
    // At most MAX_REMOVALS_PER_DECISION drain; the rest of the ripe keep their age for the next decision.
    const ripeNow = Math.min(ripe, MAX_REMOVALS_PER_DECISION);
    const can = Math.min(ripeNow, input.drainable ?? ripe);
    const oldest = steps[0]?.since ?? now;
    if (input.sinceLastScaleOutSeconds < input.cooldownSeconds) {
      reasons.push(
        `${input.removable} instance(s) could go, unneeded for ${secs(now - oldest)}; scale-in cooldown: the last scale-out was ${secs(input.sinceLastScaleOutSeconds)} ago, scale-in waits ${secs(input.cooldownSeconds)} so it never undoes it`,
      );
    } else if (ripe === 0) {
      reasons.push(
        `${input.removable} instance(s) could go, unneeded for ${secs(now - oldest)} of the ${secs(input.unneededSeconds)} before they drain (scale-in-unneeded-time)`,
      );
    } else if (can === 0) {
      reasons.push(
        `${ripe} instance(s) unneeded for at least ${secs(input.unneededSeconds)}: they drain once their task lists are read`,
      );
    } else {
      drain = can;
      // Saturated and all ripe: the staircase stays "at least the cap", whether every ripe one drains now
      // or some wait for their lists (else the surplus beyond the cap, unneeded as long, started its 600 s
      // again when one list was unread). So when lists it could not read this decision bounded the count
      // (`unread`): the hosts beyond it lost their age at each round of 10 (random world 1022170: 26 idle
      // hosts, 11 lists read per decision; after the first 10 drained, the next 10 waited another 600 s).
      const capped = (input.saturated || input.unread) && ripe === input.removable;
      if (!capped) steps = afterRemoval(steps, drain);
      reasons.push(
        `${ripe} instance(s) unneeded for at least ${secs(input.unneededSeconds)}: drain the ${drain} emptiest now${input.removable > ripe ? ` (${input.removable - ripe} more wait until they have been unneeded as long)` : ''}${ripeNow > drain ? ` (${ripeNow - drain} wait for their task lists)` : ''}${(capped && input.saturated) || ripe > ripeNow ? ` (at most ${MAX_REMOVALS_PER_DECISION} per decision)` : ''}`,
      );
    }
  }
  if (rising && input.removable > 0) {
    reasons.push(
      `demand rose from ${stored.demand} to ${input.demand} desired tasks: unneeded time starts again`,
    );
  }
  const demand = before.length > 0 && stored.demand !== undefined ? stored.demand : input.demand;
  const value = formatUnneededState({ demand, steps });
  return { drain, tag: value === (raw ?? '') ? undefined : value, reasons };
};

/** The tag value that forgets the staircase when scale-in is blocked (undefined: nothing to forget). */
export const forgetUnneeded = (tags: readonly AsgTag[]): string | undefined =>
  tagValue(tags, STATE_TAGS.unneeded) ? '' : undefined;
