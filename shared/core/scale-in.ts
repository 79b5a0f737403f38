/**
 * Scale-in selection: which instances to drain, one at a time (or several empty ones at once).
 *
 * An instance is removed only when all of these hold on the instances that remain:
 * - idle capacity exceeds one whole instance: Σ free − headroom ≥ the candidate's registered capacity;
 * - the candidate's non-daemon tasks plus the headroom fit by first-fit-decreasing on the others' free
 *   space (per-task sizes when the snapshot lists its tasks; otherwise each of its tasks is assumed to be
 *   as large as the largest task — conservative, and said so in the reasons);
 * - every dimension's reservation stays at or under its threshold afterwards.
 * Candidates are ranked by fewest non-daemon tasks, then least reserved (MEMORY, then CPU), among the
 * instances of the Availability Zones that hold the most instances, so removal keeps AZs balanced (the
 * ASG's AZRebalance would otherwise launch and terminate to even them out).
 */
import type { CapacityAnalysis, InstanceView } from './capacity.js';
import type { PlacementItem } from './placement.js';
import { placeFirstFitDecreasing } from './placement.js';
import { addResources, type Resources, ZERO } from './resources.js';
import type { GroupState } from './scale-group-state.js';
import { type InstanceTasks, instanceTasks, isEmpty, taskSize } from './scale-instance-tasks.js';
import type { ClusterSnapshot } from './snapshot.js';

/** The outcome of {@link selectScaleIn}. */
export interface ScaleInSelection {
  drain: InstanceView[];
  reasons: string[];
  /** Container instances whose task list would let the planner decide precisely (read them, re-plan). */
  needsTasks: string[];
}

/** How many ranked candidates are examined per step (bounded work on large clusters). */
const CANDIDATES_PER_STEP = 10;

interface Candidate {
  ci: InstanceView;
  az: string;
  tasks: InstanceTasks;
  nonDaemon: number;
}

const sum = (xs: readonly InstanceView[], pick: (i: InstanceView) => Resources): Resources =>
  xs.reduce((acc, i) => addResources(acc, pick(i)), ZERO);

/** Moves of one candidate's tasks as placement items, or a reason why they cannot be sized. */
const movedItems = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  c: Candidate,
): { items: PlacementItem[]; note?: string } | { error: string } => {
  const largest = analysis.largestTask.reservation;
  if (c.tasks.complete) {
    return {
      items: c.tasks.nonDaemon.map((t) => ({
        label: t.taskArn,
        reservation: taskSize(snapshot, t) ?? largest,
        count: 1,
      })),
    };
  }
  const n = c.ci.runningTasks + c.ci.pendingTasks;
  if (analysis.dimensionNames.every((d) => largest[d] === 0)) {
    return {
      error: `the sizes of the ${n} task(s) on ${label(c.ci)} are unknown (no task list, no service)`,
    };
  }
  return {
    items: [{ label: 'assumed-largest', reservation: largest, count: n }],
    note: `no task list for ${label(c.ci)}: each of its ${n} task(s) was assumed as large as the largest task (conservative)`,
  };
};

const label = (ci: InstanceView): string => ci.ec2InstanceId ?? ci.containerInstanceArn;

/**
 * Checks removing `c` from `remaining` (capacity instances that stay, `c` included).
 * @returns undefined when it may go, else why not.
 */
const blockReason = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  c: Candidate,
  remaining: readonly InstanceView[],
  headroomTasks: number,
): { why?: string; note?: string } => {
  const dims = analysis.dimensionNames;
  const largest = analysis.largestTask.reservation;
  const hasTasks = dims.some((d) => largest[d] > 0);
  const moved = movedItems(snapshot, analysis, c);
  if ('error' in moved) return { why: moved.error };
  const others = remaining.filter((i) => i !== c.ci);
  const headroom: PlacementItem[] =
    hasTasks && headroomTasks > 0 ? [{ label: 'headroom', reservation: largest, count: headroomTasks }] : [];
  const idle = sum(remaining, (i) => i.remaining);
  for (const d of dims) {
    const spare = idle[d] - (hasTasks ? largest[d] * headroomTasks : 0);
    if (c.ci.registered[d] > 0 && spare < c.ci.registered[d]) {
      return {
        why: `idle ${d} (${spare} beyond the headroom) is less than one instance (${c.ci.registered[d]})`,
      };
    }
  }
  const placement = placeFirstFitDecreasing(
    [...moved.items, ...headroom],
    others.map((i) => ({ id: i.containerInstanceArn, free: i.remaining })),
    { dimensions: dims },
  );
  if (placement.unplaced.length > 0) {
    return { why: `its tasks and the headroom do not all fit on the other instances' free space` };
  }
  const movedTotal = moved.items.reduce(
    (acc, it) => ({
      CPU: acc.CPU + it.reservation.CPU * it.count,
      MEMORY: acc.MEMORY + it.reservation.MEMORY * it.count,
      GPU: acc.GPU + it.reservation.GPU * it.count,
    }),
    ZERO,
  );
  const registeredAfter = sum(others, (i) => i.registered);
  const reservedAfter = addResources(
    sum(others, (i) => i.reserved),
    movedTotal,
  );
  for (const d of dims) {
    const dim = analysis.dimensions[d]!;
    if (dim.largestTask === 0) continue;
    const pct = registeredAfter[d] > 0 ? (100 * reservedAfter[d]) / registeredAfter[d] : 100;
    if (pct > dim.thresholdPercent) {
      return {
        why: `${d} reservation would be ${Math.round(pct * 10) / 10}%, above the threshold ${Math.round(dim.thresholdPercent * 10) / 10}%`,
      };
    }
  }
  return moved.note ? { note: moved.note } : {};
};

/**
 * Picks the instances to drain. The caller has checked the guards (cooldown, nothing booting/draining,
 * min size); `maxRemovals` is min(max step, desired − MinSize).
 */
export const selectScaleIn = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  gs: GroupState,
  headroomTasks: number,
  maxRemovals: number,
): ScaleInSelection => {
  const result: ScaleInSelection = { drain: [], reasons: [], needsTasks: [] };
  const capacity = analysis.instances.filter((i) => i.isCapacity);
  const azOf = new Map(gs.members.map((m) => [m.InstanceId, m.AvailabilityZone]));
  const candidates: Candidate[] = [...gs.registered.entries()]
    .filter(([, ci]) => ci.isCapacity)
    .map(([id, ci]) => {
      const tasks = instanceTasks(snapshot, analysis, ci);
      const nonDaemon = tasks.complete ? tasks.nonDaemon.length : ci.runningTasks + ci.pendingTasks;
      return { ci, az: azOf.get(id) ?? ci.availabilityZone ?? 'unknown', tasks, nonDaemon };
    })
    .sort(
      (a, b) =>
        a.nonDaemon - b.nonDaemon ||
        a.ci.reserved.MEMORY - b.ci.reserved.MEMORY ||
        a.ci.reserved.CPU - b.ci.reserved.CPU ||
        a.ci.containerInstanceArn.localeCompare(b.ci.containerInstanceArn),
    );
  let remaining = capacity;
  let pool = candidates;
  let lastWhy = 'no registered ACTIVE instance of the group to remove';
  while (result.drain.length < maxRemovals && pool.length > 0) {
    const perAz = new Map<string, number>();
    for (const c of pool) perAz.set(c.az, (perAz.get(c.az) ?? 0) + 1);
    const most = Math.max(...perAz.values());
    const eligible = pool.filter((c) => perAz.get(c.az) === most).slice(0, CANDIDATES_PER_STEP);
    let chosen: Candidate | undefined;
    for (const c of eligible) {
      // After the first, only empty instances go in the same decision ("N empty ones at once").
      if (result.drain.length > 0 && !isEmpty(c.tasks)) continue;
      if (!c.tasks.complete && !result.needsTasks.includes(c.ci.containerInstanceArn)) {
        result.needsTasks.push(c.ci.containerInstanceArn);
      }
      const { why, note } = blockReason(snapshot, analysis, c, remaining, headroomTasks);
      if (why) {
        lastWhy = `${label(c.ci)} cannot go: ${why}`;
        continue;
      }
      chosen = c;
      result.reasons.push(
        `drain ${label(c.ci)} (${c.az}, ${c.nonDaemon} non-daemon task(s), reserved CPU ${c.ci.reserved.CPU} MEMORY ${c.ci.reserved.MEMORY}): its tasks and the headroom fit on the other instances with reservation at or under the threshold`,
      );
      if (note) result.reasons.push(note);
      break;
    }
    if (!chosen) break;
    result.drain.push(chosen.ci);
    remaining = remaining.filter((i) => i !== chosen.ci);
    pool = pool.filter((c) => c !== chosen);
    if (!isEmpty(chosen.tasks)) break;
  }
  if (result.drain.length === 0) result.reasons.push(`no instance can be removed: ${lastWhy}`);
  return result;
};
