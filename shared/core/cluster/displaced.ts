/**
 * Tasks that DRAINING instances still run and that no ACTIVE instance takes now wait for capacity like
 * tasks that never started. ECS replaces a draining instance's service tasks by the service's
 * `minimumHealthyPercent` and `maximumPercent` (ECS/container-instance-draining.html; ecs-facts §6): with
 * the defaults (100, 200) it starts each replacement first and the old task runs on until it does, so
 * nothing counts them as waiting (desired = running) while no instance can take the replacement.
 * Someone's maintenance drain of an instance whose tasks need a new one (a `distinctInstance` service,
 * a `memberOf` only its group meets) stayed DRAINING with its tasks for good (random world 471, eighth
 * stop). Replacements ECS has already started (running + pending above desired) are not counted twice;
 * standalone and protected tasks stay where they are and are not counted. Pure.
 */
import type { CapacityAnalysis, UnplacedTasks } from '../capacity/capacity.js';
import { accepts } from '../placement/index.js';
import type { ClusterSnapshot, Service } from '../snapshot/snapshot.js';
import { deploymentWords, replacementDefinition, stuckService } from './instance-tasks.js';
import { type ClusterPlacement, groupService, taskIndex } from './placement-context.js';
import type { DrainingMove } from './scale-in.js';
import { drainingMoves } from './scale-in-pacing.js';

/**
 * One reason per service whose tasks on DRAINING instances cannot move ({@link canMoveTask}). Not while
 * ECS has a replacement under way (running + pending above desired): that replacement is what fills the
 * service's `maximumPercent`, and the old task stops once it runs (random world 67582, twelfth stop: the
 * plan said "cannot move" a minute after the drain, while the replacement was PENDING).
 */
export const stuckDrainReasons = (snapshot: ClusterSnapshot, moves: readonly DrainingMove[]): string[] => {
  const byArn = taskIndex(snapshot);
  const stuck = new Set<Service>();
  for (const it of moves) {
    const t = byArn.get(it.label);
    const s = t && stuckService(snapshot, t);
    if (s && s.runningCount + s.pendingCount <= s.desiredCount) stuck.add(s);
  }
  return [...stuck].map(
    (s) =>
      `${s.serviceName}'s tasks on DRAINING instances cannot move: at ${deploymentWords(s)} let ECS neither start a replacement nor stop a task; the drain waits until the service's deployment configuration allows one`,
  );
};

/**
 * The analysis with those tasks added to its unplaced ones, and how many were added. `moves`: what the
 * DRAINING instances hand over ({@link drainingMoves}; the planner passes the list its scale-in uses).
 * `movable`: the moves an ACTIVE instance takes and ECS may move now (not kept by their deployment
 * configuration) — each alone; together they may not fit (planner.ts, an own drain kept).
 */
export const withDisplacedTasks = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  placement: ClusterPlacement,
  moves: readonly DrainingMove[] = drainingMoves(snapshot, analysis),
): { analysis: CapacityAnalysis; displaced: number; movable: DrainingMove[] } => {
  const byArn = taskIndex(snapshot);
  const counts = new Map<string, UnplacedTasks>();
  const movable: DrainingMove[] = [];
  for (const it of moves) {
    const t = byArn.get(it.label);
    const service = groupService(t?.group);
    const req = t && placement.taskRequirementsOf(t);
    if (!t || !service || !req) continue;
    if (placement.nodes.some((n) => accepts(n, req))) {
      if (!stuckService(snapshot, t)) movable.push(it);
      continue;
    }
    // Its replacement runs the service's PRIMARY deployment (a rolling update's new revision).
    const taskDefinition = replacementDefinition(snapshot, t);
    const key = `${service}|${taskDefinition}`;
    const u = counts.get(key) ?? {
      service,
      taskDefinition,
      count: 0,
      reservation: it.reservation,
    };
    u.count++;
    counts.set(key, u);
  }
  if (counts.size === 0) return { analysis, displaced: 0, movable };
  const services = new Map(snapshot.services.map((s) => [s.serviceName, s]));
  const unplaced = analysis.unplaced.map((u) => ({ ...u }));
  let displaced = 0;
  for (const u of counts.values()) {
    const s = services.get(u.service);
    if (s?.status !== 'ACTIVE') continue;
    // Started replacements; and ECS runs at most desired × maximumPercent / 100 tasks at once.
    const started = Math.max(0, s.runningCount + s.pendingCount - s.desiredCount);
    const ceiling =
      Math.floor((s.desiredCount * (s.deploymentConfiguration?.maximumPercent ?? 200)) / 100) -
      s.runningCount -
      s.pendingCount;
    const missing = unplaced.filter((x) => x.service === u.service).reduce((n, x) => n + x.count, 0);
    const count = Math.min(u.count - started, ceiling - missing);
    if (count <= 0) continue;
    const same = unplaced.find((x) => x.service === u.service && x.taskDefinition === u.taskDefinition);
    if (same) same.count += count;
    else unplaced.push({ ...u, count });
    displaced += count;
  }
  if (displaced === 0) return { analysis, displaced, movable };
  return {
    analysis: { ...analysis, unplaced, unplacedCount: analysis.unplacedCount + displaced },
    displaced,
    movable,
  };
};
