/**
 * Scale-in selection: which instances to drain in one decision (up to `maxRemovals`: the fewer of
 * desired − MinSize and {@link MAX_COUNTED_PER_DECISION}; the pacing drains at most
 * {@link MAX_REMOVALS_PER_DECISION} of them).
 *
 * Placement-exact: the threshold rule (docs/cluster-scaler.md) exists so that the largest task still fits;
 * this checks exactly that, on the instances that stay. An instance is removed only when both hold:
 * - idle capacity exceeds one whole instance: Σ free − tasks already moved − headroom ≥ the candidate's
 *   registered capacity (on every dimension);
 * - first-fit-decreasing placement of the candidate's non-daemon tasks, plus those of the instances already
 *   chosen in this decision, plus `headroomTasks` copies of the largest task, fits on the free space of the
 *   instances that stay (per-task sizes when the snapshot lists its tasks; otherwise the tasks that the
 *   only combination of the cluster's task sizes adding up to its reserved resources names
 *   (infer-tasks.ts); otherwise each of its tasks is assumed as large as the largest task — conservative;
 *   the reasons say which). An instance drains only once its list was read (scale-cluster.ts).
 * No aggregate reservation percentage gates the removal: with a large largest task the threshold is low
 * (25 % for 1,536 of 2,048 CPU) and would keep a cluster many times larger than its tasks need. After such
 * a removal the scale-out check (unplaced tasks + headroom fit) holds by construction, so it cannot
 * oscillate.
 * Candidates are ranked by fewest non-daemon tasks, then least reserved (MEMORY, then CPU), then longest
 * registered (a host that registered after a count began cannot be one unneeded since then), among the
 * instances of the Availability Zones that hold the most instances, so removal keeps AZs balanced (the
 * ASG's AZRebalance would otherwise launch and terminate to even them out); when none of those can go,
 * among the others (an idle instance is not kept for balance: docs/cluster-scaler.md).
 */
import { type CapacityAnalysis, headroomTask, type InstanceView } from '../capacity/capacity.js';
import {
  addResources,
  type Resources,
  scaleResources,
  subtractResources,
  ZERO,
} from '../capacity/resources.js';
import type { PlacementItem } from '../placement/placement.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import { isJobTask } from './foreign-state.js';
import type { GroupState } from './group-state.js';
import { INFERRED_PREFIX, inferInstanceTasks, type TaskKind, taskKinds } from './infer-tasks.js';
import {
  deploymentWords,
  type InstanceTasks,
  instanceTasks,
  runsNonDaemon,
  stuckService,
  taskSize,
} from './instance-tasks.js';
import { landingOnStaying, placeOnStaying, TASKS_NOT_LISTED } from './placement-context.js';

/** A task (or, list unknown, the tasks) a DRAINING instance still hands over (scale-in-pacing.ts). */
export interface DrainingMove extends PlacementItem {
  /** The DRAINING container instance whose task list is unknown (the item is its tasks, as largest). */
  unlisted?: string;
}

/** The outcome of {@link selectScaleIn}. */
export interface ScaleInSelection {
  drain: InstanceView[];
  reasons: string[];
  /**
   * Container instances whose task list could change the count (issue 19): sized without one they could
   * not go, and none could (read them, re-plan). Chosen instances without a list are not in it: the
   * planner asks for the lists of those it is about to drain only.
   */
  needsTasks: string[];
}

/**
 * Most instances drained in one decision (cluster-autoscaler's `--max-scale-down-parallelism` default).
 */
export const MAX_REMOVALS_PER_DECISION = 10;

/**
 * Most instances counted removable in one decision (cluster-autoscaler's
 * `--scale-down-non-empty-candidates-count` default: the nodes whose unneeded time it tracks per loop).
 * The placement-exact check re-places the tasks of every instance already chosen at each step, so without
 * a bound a 1,000-instance cluster with a third of it unneeded took 0.6 s per decision checking 333
 * instances. Counting beyond the drain cap keeps the unneeded staircase true when only part of a surplus
 * is ripe: counted at 10, a surplus of 20 of which 1 was ripe drained 1, and the next count (10 again, the
 * cap) was taken as 9 old and 1 new — the rest of the surplus lost its age, and went in rounds of 1 and 9
 * ten minutes apart (random world 1127691). A surplus beyond this count drains
 * {@link MAX_REMOVALS_PER_DECISION} per decision without waiting the unneeded time again
 * (scale-in-pacing.ts `saturated`).
 */
export const MAX_COUNTED_PER_DECISION = 30;

/**
 * The count's cap for a cluster of `instances`: each step checks the instances that stay, so beyond the
 * drain cap the count is bounded by work too — all 30 up to 1,000 instances, fewer above, 10 from 3,000
 * (a decision on 5,000 instances keeps the time it took with 10: docs/performance.md).
 */
export const countCap = (instances: number): number =>
  Math.max(MAX_REMOVALS_PER_DECISION, Math.min(MAX_COUNTED_PER_DECISION, (30_000 / instances) | 0));

/**
 * Task lists asked for at most when no instance counts as removable from the snapshot alone although the
 * idle capacity exceeds one (issue 19): that of the emptiest candidate the conservative sizing kept.
 */
const UNDECIDED_READS = 1;

/** How many ranked candidates are examined per step (bounded work on large clusters). */
const CANDIDATES_PER_STEP = 10;

interface Candidate {
  ci: InstanceView;
  az: string;
  tasks: InstanceTasks;
  nonDaemon: number;
  /** Standalone or ECS-protected tasks on it (known task list only): such an instance is last in line. */
  jobs: number;
  /** Epoch ms it registered (0: unknown): of equally empty hosts the longest registered goes first. */
  at: number;
  /** Its non-daemon tasks inferred without a list (infer-tasks.ts), once; null: not inferable. */
  inferred?: ReturnType<typeof inferInstanceTasks> | null;
}

/** Σ reservation × count of placement items. */
const totalOf = (items: readonly PlacementItem[]): Resources =>
  items.reduce((acc, it) => addResources(acc, scaleResources(it.reservation, it.count)), ZERO);

const sum = (xs: readonly InstanceView[], pick: (i: InstanceView) => Resources): Resources =>
  xs.reduce((acc, i) => addResources(acc, pick(i)), ZERO);

/** Moves of one candidate's tasks as placement items, or a reason why they cannot be sized. */
const movedItems = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  c: Candidate,
  kinds: () => readonly TaskKind[],
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
  c.inferred ??= inferInstanceTasks(kinds(), c.ci) ?? null;
  if (c.inferred) {
    return {
      items: c.inferred.map((t) => ({
        label: `${INFERRED_PREFIX}${t.service}`,
        reservation: t.size,
        count: t.count,
      })),
      note: `no task list for ${label(c.ci)}: its tasks inferred from its task count and reserved resources (${c.inferred.map((t) => `${t.count} × ${t.service}`).join(', ') || 'daemon tasks only'}; the only combination of the cluster's task sizes that adds up); its list is read before it drains`,
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
 * How many copies of the headroom task (up to `wanted`) ECS would place on the current capacity. Scale-in
 * keeps that many free: when the largest wanted task fits on none of them (it needs a GPU only a group
 * another controller drives has, say), no removal can make it fit, and requiring it would freeze
 * scale-in for good. Scale-out decides separately whether such room is bought.
 */
const headroomThatFits = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  capacity: readonly InstanceView[],
  wanted: number,
): number => {
  const largest = headroomTask(analysis);
  if (wanted <= 0 || analysis.dimensionNames.every((d) => largest[d] === 0)) return wanted;
  const unplaced = placeOnStaying(
    snapshot,
    analysis,
    [{ label: 'headroom', reservation: largest, count: wanted }],
    capacity,
  ).unplaced.reduce((n, u) => n + u.count, 0);
  return Math.max(0, wanted - unplaced);
};

/**
 * Checks removing `c` from `remaining` (capacity instances that stay, `c` included), when the tasks of the
 * instances already chosen in this decision (`alreadyMoved`) must also move onto the instances that stay.
 * @returns no `why` when it may go, else why not.
 */
const blockReason = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  c: Candidate,
  remaining: readonly InstanceView[],
  alreadyMoved: readonly PlacementItem[],
  headroomTasks: number,
  idle: Resources,
  movedBefore: Resources,
  kinds: () => readonly TaskKind[],
): {
  why?: string;
  note?: string;
  items?: PlacementItem[];
  listDecides?: boolean;
  listRequired?: boolean;
} => {
  const dims = analysis.dimensionNames;
  // Headroom is kept for the largest task of the services that want tasks (capacity.ts `headroomTask`).
  const largest = headroomTask(analysis);
  const hasTasks = dims.some((d) => largest[d] > 0);
  const others = remaining.filter((i) => i !== c.ci);
  const headroom: PlacementItem[] =
    hasTasks && headroomTasks > 0 ? [{ label: 'headroom', reservation: largest, count: headroomTasks }] : [];
  // The idle-capacity check needs no task list (issue 19): it is decided before the list is asked for.
  // Removing `c` takes its free room and moves its non-daemon tasks: the others' idle room must hold
  // what `c` offers beyond its daemon tasks, which stop with it. Its daemon reservation is bounded by
  // what every DAEMON service reserves (unknown which run there), so the check never refuses a removal
  // the placement below would allow; that placement decides.
  for (const d of dims) {
    const spare = idle[d] - movedBefore[d] - (hasTasks ? largest[d] * headroomTasks : 0);
    const needed = c.ci.registered[d] - Math.min(c.ci.reserved[d], analysis.daemonReservation[d]);
    if (c.ci.registered[d] > 0 && spare < needed) {
      return {
        why: `idle ${d} (${spare} beyond the headroom) is less than one instance beyond its daemon tasks (${needed})`,
      };
    }
  }
  const moved = movedItems(snapshot, analysis, c, kinds);
  if ('error' in moved) return { why: moved.error, listDecides: true };
  // A task its service's deployment configuration keeps in place never leaves: the drain would never end
  // (random world 6937, ninth stop: one task at 50 / 100 on an instance the scaler drained).
  const stuck = c.tasks.complete
    ? c.tasks.nonDaemon.map((t) => stuckService(snapshot, t)).find((s) => s !== undefined)
    : undefined;
  if (stuck) {
    return {
      why: `its task of ${stuck.serviceName} cannot move (at ${deploymentWords(stuck)}): a drain would never end`,
    };
  }
  // Issue 12: would ECS place them there (ports, ENIs, attributes, constraints, strategies)?
  const placement = placeOnStaying(
    snapshot,
    analysis,
    [...alreadyMoved, ...moved.items, ...headroom],
    others,
  );
  if (placement.unplaced.length > 0) {
    return {
      listDecides: true,
      // Placement rules are in use and the candidate's list is unknown: no sizing can decide (the model
      // refuses unlisted tasks), only its list can.
      listRequired: placement.unplaced.some((u) => u.label === TASKS_NOT_LISTED),
      why:
        (alreadyMoved.length > 0
          ? `its tasks, those of the instances already chosen or draining and the headroom do not all fit on the other instances' free space`
          : `its tasks and the headroom do not all fit on the other instances' free space`) +
        `: ${placement.unplaced.map((u) => `${u.count} × ${u.label} fit nowhere else (${u.reason})`).join('; ')}`,
    };
  }
  return moved.note ? { note: moved.note, items: moved.items } : { items: moved.items };
};

/**
 * Picks the instances that may drain (at most `maxRemovals`: desired − MinSize), given the tasks that
 * DRAINING instances still move (`moving`). The caller has checked the guards (nothing booting, min
 * size) and paces the removal (unneeded.ts: how many, and since when).
 */
export const selectScaleIn = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  gs: GroupState,
  headroomTasks: number,
  maxRemovals: number,
  moving: readonly DrainingMove[] = [],
  unreadLast = false,
  inferUnread = false,
  units?: { budget: number; weightOf: (ci: InstanceView) => number },
): ScaleInSelection => {
  const result: ScaleInSelection = { drain: [], reasons: [], needsTasks: [] };
  // Issue 14: members the ASG reports Unhealthy are neither candidates nor destinations (it replaces them).
  const impaired = new Set(gs.unhealthy);
  const capacity = analysis.instances.filter((i) => i.isCapacity && !impaired.has(i.ec2InstanceId ?? ''));
  const kept = headroomThatFits(snapshot, analysis, capacity, headroomTasks);
  if (kept < headroomTasks) {
    const r = headroomTask(analysis);
    result.reasons.push(
      `the headroom (${headroomTasks} × CPU ${r.CPU}, MEMORY ${r.MEMORY}, GPU ${r.GPU}: the largest wanted task) fits ${kept === 0 ? 'on no current instance' : `only ${kept} time(s) on the current instances`}: scale-in keeps the room that exists, not room no instance has (a task only a group another controller drives can run, or one no type can)`,
    );
    headroomTasks = kept;
  }
  const azOf = new Map(gs.members.map((m) => [m.InstanceId, m.AvailabilityZone]));
  const candidates: Candidate[] = [...gs.registered.entries()]
    .filter(([id, ci]) => ci.isCapacity && !impaired.has(id))
    .map(([id, ci]) => {
      const tasks = instanceTasks(snapshot, analysis, ci);
      const nonDaemon = tasks.complete ? tasks.nonDaemon.length : ci.runningTasks + ci.pendingTasks;
      // `unreadLast` (issue 19, no more task reads this decision): a busy host whose list was not read
      // may hold jobs, so it ranks with the job hosts, not before them.
      const jobs =
        !tasks.complete && unreadLast && nonDaemon > 0
          ? 1
          : tasks.nonDaemon.filter((t) => isJobTask(snapshot, t)).length;
      // When it registered, parsed once (0: unknown — `Date.parse` of undefined is NaN).
      const at = Date.parse(ci.registeredAt as string) || 0;
      return { ci, az: azOf.get(id) ?? ci.availabilityZone ?? 'unknown', tasks, nonDaemon, jobs, at };
    })
    .sort(
      (a, b) =>
        Number(a.jobs > 0) - Number(b.jobs > 0) ||
        a.nonDaemon - b.nonDaemon ||
        a.ci.reserved.MEMORY - b.ci.reserved.MEMORY ||
        a.ci.reserved.CPU - b.ci.reserved.CPU ||
        a.at - b.at ||
        a.ci.containerInstanceArn.localeCompare(b.ci.containerInstanceArn),
    );
  let remaining = capacity;
  // Issue 14: a host running a task with ECS task scale-in protection on is no candidate while it lasts —
  // a drain stops and replaces service tasks (ecs-facts §6), which is what the protection asks not to do
  // (cluster-autoscaler treats safe-to-evict=false pods alike). It stays a destination. Standalone tasks
  // only rank their host last: a drain does not stop them (max-drain-time returns it ACTIVE).
  const guarded = new Set(
    candidates
      .filter((c) => c.tasks.nonDaemon.some((t) => t.group?.startsWith('service:') && isJobTask(snapshot, t)))
      .map((c) => c.ci),
  );
  for (const ci of guarded) {
    result.reasons.push(
      `${label(ci)} runs task(s) with ECS task scale-in protection: not drained while it is on`,
    );
  }
  let pool = candidates.filter((c) => !guarded.has(c.ci));
  let known: TaskKind[] | undefined;
  // Inferred sizes only where every drain waits for its list (`inferUnread`: the handler's plans);
  // elsewhere (the report, the service scaler's growth check) an unread instance stays sized as largest.
  const kinds = (): readonly TaskKind[] => {
    known ??= inferUnread ? taskKinds(snapshot) : [];
    return known;
  };
  // Tasks that DRAINING instances are handing over land on the instances that stay, like those of the
  // instances chosen here: several drains may run at once, each sized against all the others.
  const handedOver = landingOnStaying(snapshot, analysis, moving, capacity);
  let moved: PlacementItem[] = [...handedOver];
  // Kept up to date as instances are chosen, not summed again per candidate (5,000 instances).
  let idle = sum(remaining, (i) => i.remaining);
  let movedTotal = totalOf(moved);
  let lastWhy = 'no registered ACTIVE instance of the group to remove';
  const undecided: string[] = [];
  // Of those, the candidates only a task list can decide: placement rules in use, or no more tasks than
  // the cluster's daemon services (perhaps those alone, which stop with the host).
  const listRequired: string[] = [];
  // Candidates per AZ, kept up to date as instances are chosen (not recounted over 5,000 per step).
  const perAz = new Map<string, number>();
  for (const c of pool) perAz.set(c.az, (perAz.get(c.az) ?? 0) + 1);
  // The units above MinSize: a member heavier than what is left is skipped, not chosen and then dropped
  // (random world 1785, tenth stop: of an idle c5.xlarge (4 vCPUs) and an idle c5.large (2) with 2 vCPUs
  // above MinSize, the count of one removal went to the c5.xlarge, the planner dropped it as over budget,
  // and the c5.large was never tried — kept for good).
  let unitsLeft = units?.budget ?? Infinity;
  while (result.drain.length < maxRemovals && pool.length > 0) {
    const most = Math.max(...perAz.values());
    // The fullest AZs' candidates first (removal keeps AZs balanced); when none of those can go, the
    // others' (random world 1206, ninth stop: the fullest AZ's two instances held tasks that could not
    // move, and the idle instances of the other AZs were never tried — kept for good).
    const eligible = (fullest: boolean): Candidate[] => {
      const out: Candidate[] = [];
      for (const c of pool) {
        if ((perAz.get(c.az) === most) !== fullest) continue;
        out.push(c);
        if (out.length === CANDIDATES_PER_STEP) break;
      }
      return out;
    };
    let chosen: Candidate | undefined;
    for (const c of [...eligible(true), ...eligible(false)]) {
      if (units && units.weightOf(c.ci) > unitsLeft) {
        lastWhy = `${label(c.ci)} cannot go: its ${units.weightOf(c.ci)} unit(s) would take the group below MinSize`;
        continue;
      }
      const {
        why,
        note,
        items,
        listDecides,
        listRequired: required,
      } = blockReason(snapshot, analysis, c, remaining, moved, headroomTasks, idle, movedTotal, kinds);
      if (why) {
        // Issue 19: the candidate was sized without a task list (each task as large as the largest) and
        // that sizing, not the idle capacity, kept it: its list could make it removable.
        if (listDecides && !c.tasks.complete && !undecided.includes(c.ci.containerInstanceArn)) {
          undecided.push(c.ci.containerInstanceArn);
          if (required || !runsNonDaemon(c.ci, analysis)) listRequired.push(c.ci.containerInstanceArn);
        }
        lastWhy = `${label(c.ci)} cannot go: ${why}`;
        continue;
      }
      chosen = c;
      result.reasons.push(
        `drain ${label(c.ci)} (${c.az}, ${c.nonDaemon} non-daemon task(s), reserved CPU ${c.ci.reserved.CPU} MEMORY ${c.ci.reserved.MEMORY}): ${result.drain.length > 0 ? 'with those of the instances already chosen, ' : handedOver.length > 0 ? 'with those DRAINING instances still move, ' : ''}its tasks and the headroom fit on the instances that stay`,
      );
      if (note) result.reasons.push(note);
      moved = [...moved, ...(items ?? [])];
      movedTotal = addResources(movedTotal, totalOf(items ?? []));
      break;
    }
    if (!chosen) break;
    if (units) unitsLeft -= units.weightOf(chosen.ci);
    result.drain.push(chosen.ci);
    if (remaining.includes(chosen.ci)) idle = subtractResources(idle, chosen.ci.remaining);
    remaining = remaining.filter((i) => i !== chosen.ci);
    pool = pool.filter((c) => c !== chosen);
    perAz.set(chosen.az, (perAz.get(chosen.az) ?? 1) - 1);
  }
  // Issue 19: the count is made from the snapshot (conservative sizes where no list is known); lists
  // are asked for only when that count is zero although the idle capacity exceeds an instance (they may
  // make scale-in possible at all): the emptiest such candidate's whose list is not known, one per plan.
  // A known list that keeps its instance does not stop the next one being asked for (issue 15: with one
  // busy candidate's list known, two daemon-only instances were never read, never drained —
  // `no-convergence` in ramp-down / throttling / seed 2). The planner asks for those about to drain.
  // The emptiest first (the candidates' order), not the order they were tried in: that puts the fullest
  // AZ first, and with busy hosts there a decision's reads went to them, every decision — the idle hosts
  // of the other AZs were read last, counted last, and each waited its own unneeded time after the others
  // (zone world 245299: one idle since 45 min was counted at 81).
  const rank = new Map(candidates.map((c, k) => [c.ci.containerInstanceArn, k]));
  const byRank = (a: string, b: string) => rank.get(a)! - rank.get(b)!;
  undecided.sort(byRank);
  listRequired.sort(byRank);
  // A DRAINING instance whose list is unknown hands over that many of the largest task, wherever they
  // can run: its list says what moves, and whether it can land here at all (landingOnStaying; eighth
  // stop: someone else's drained instance of another group held this one's scale-in for good). Asked for
  // when nothing can go, and when the emptiest candidate that stays would go without those assumed tasks
  // (random world 310268: with one idle host counted, the list was never read, so each of three idle
  // hosts waited its own unneeded time after the one before).
  const draining = handedOver.flatMap((it) => (it.unlisted ? [it.unlisted] : []));
  const next = pool[0];
  const goesWithoutThem = (c: Candidate): boolean => {
    const listed = moved.filter((m) => !(m as DrainingMove).unlisted);
    return !blockReason(snapshot, analysis, c, remaining, listed, headroomTasks, idle, totalOf(listed), kinds)
      .why;
  };
  if (
    draining.length > 0 &&
    next &&
    result.drain.length < maxRemovals &&
    (result.drain.length === 0 || goesWithoutThem(next))
  ) {
    result.needsTasks.push(...draining.slice(0, UNDECIDED_READS));
  }
  if (result.drain.length === 0) {
    result.needsTasks.push(...undecided.slice(0, UNDECIDED_READS));
  } else {
    // With placement rules in use an unlisted busy candidate is never counted (no sizing is trusted), so
    // the count would only reach it once the instances before it are gone — each such step then waiting
    // the whole unneeded time again. Their lists are asked for now, up to the removals still possible and
    // at most as many as drain per decision (re-reads of an unchanged instance come from the task cache,
    // not from ECS). So are those running no more tasks than the cluster has daemon services, the sizing
    // having kept them: random world 326631's
    // idle hosts ran a daemon as large as a service's task, each was sized as a task of the largest, and
    // they went one per unneeded time. (Asking for every candidate the sizing kept cost bench:account
    // its 60 s decision target.)
    result.needsTasks.push(
      ...listRequired.slice(0, Math.min(maxRemovals - result.drain.length, MAX_REMOVALS_PER_DECISION)),
    );
  }
  if (result.drain.length === 0) result.reasons.push(`no instance can be removed: ${lastWhy}`);
  return result;
};
