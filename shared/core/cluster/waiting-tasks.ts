/**
 * Waiting tasks: desired tasks of a service that are neither running nor pending (capacity.ts
 * `unplaced`), classified by what would make them run (docs/placement.md "Waiting tasks"):
 * - `needs-capacity` — the placement model proves no current instance takes them (or ECS said so after the
 *   newest capacity change: a registration, a reactivation, an agent back — capacity-since.ts), and a new
 *   instance of a type the group launches would: scale out;
 * - `unplaceable` — no type the group launches could ever run them (architecture, a host port a daemon
 *   holds, more memory than any type, a constraint no instance meets): report, never scale out, never
 *   block scale-in;
 * - `crash-loop` — they fit, but the service's tasks keep failing (`failedTasks` of the deployment, or
 *   ECS's "unable to consistently start tasks" event): report, never scale out, never block scale-in;
 * - `waiting-for-ecs` — they fit on the current free space and nothing says otherwise: ECS places them
 *   within seconds; scale-in waits for it.
 */

import { ARCH_ATTR } from '../attributes.js';
import { type CapacityAnalysis, headroomTask, liveLargestTask } from '../capacity/capacity.js';
import { CRASH_EVENT, newestServiceEvent } from '../capacity/crash-loop.js';
import type { Resources } from '../capacity/resources.js';
import {
  type Demand,
  hasPlacementRules,
  type PlaceResult,
  placeTasks,
  type Refusal,
  refusal,
} from '../placement/index.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import { placementFailureIsCurrent } from './capacity-since.js';
import { providersOfServices } from './conflicts.js';
import { type ClusterPlacement, plainRequirements } from './placement-context.js';
import { headroomArch } from './task-arch.js';

/**
 * What would make waiting tasks run. `capacity-provider`: the task runs only on instances of capacity
 * providers whose groups this scaler does not grow (its service's capacity provider strategy): the
 * provider's managed scaling, or whoever drives that group, adds room for it.
 */
export type WaitingKind =
  | 'needs-capacity'
  | 'unplaceable'
  | 'crash-loop'
  | 'waiting-for-ecs'
  | 'capacity-provider';

/** Waiting tasks of one service deployment and one kind. */
export interface WaitingTasks {
  service: string;
  taskDefinition: string;
  count: number;
  kind: WaitingKind;
  /** What one task needs, in words (resources, ports, ENI, attributes, constraints). */
  needs: string;
  /** The decision in words. */
  reason: string;
  /** Why each kind of instance refuses one more task (current instance classes and new types). */
  refusals: { instanceClass: string; count: number; reason: string }[];
  /** The newest ECS service event that speaks to it, if any. */
  ecsSays?: string;
  /** ECS said the current instances cannot take it: size on new instances only. */
  newOnly?: boolean;
}

const PLACEMENT_FAILURE = /unable to place a task/;
/** ECS event texts whose cause more instances of the same kind cannot cure (ecs-facts §3.1, §3.2). */
const NOT_CAPACITY = /missing an attribute|MemberOf placement constraint|"ATTRIBUTE"|"LOCATION"/;

/** What one task needs, in words. */
export const describeNeeds = (r: import('../placement/index.js').TaskRequirements): string => {
  const parts = [`CPU ${r.resources.CPU}`, `MEMORY ${r.resources.MEMORY} MiB`];
  if (r.resources.GPU > 0) parts.push(`GPU ${r.resources.GPU}`);
  if (r.tcpPorts.length > 0) parts.push(`host port(s) ${r.tcpPorts.join(', ')}/tcp (${r.networkMode})`);
  if (r.udpPorts.length > 0) parts.push(`host port(s) ${r.udpPorts.join(', ')}/udp (${r.networkMode})`);
  if (r.enis > 0) parts.push('one task ENI (awsvpc)');
  if (r.cpuArchitecture) parts.push(`architecture ${r.cpuArchitecture}`);
  for (const a of r.attributes)
    parts.push(`attribute ${a.name}${a.value !== undefined ? `=${a.value}` : ''}`);
  for (const m of r.memberOf) parts.push(`memberOf(${m.expression})`);
  if (r.distinctInstance) parts.push('distinctInstance');
  return parts.join(', ');
};

/** Groups refusals of nodes by instance type ("3 × m5.large: host port 80/tcp is already in use"). */
const refusalSummary = (
  placement: ClusterPlacement,
  after: PlaceResult | undefined,
  req: import('../placement/index.js').TaskRequirements,
): WaitingTasks['refusals'] => {
  const counts = new Map<string, { instanceClass: string; count: number; reason: string }>();
  const add = (cls: string, why: Refusal) => {
    const key = `${cls}|${why.code}`;
    const e = counts.get(key) ?? { instanceClass: cls, count: 0, reason: why.reason };
    e.count++;
    counts.set(key, e);
  };
  for (const n of after?.nodes.filter((x) => !x.isNew) ?? placement.nodes) {
    const why = refusal(n, req);
    if (why) add(n.instanceType ?? 'unknown type', why);
  }
  for (const t of placement.templates) {
    const why = refusal(t, req);
    if (why) add(`new ${t.instanceType}`, why);
  }
  return [...counts.values()];
};

/** Classifies every waiting task of the analysis. Pure. */
export const classifyWaitingTasks = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  placement: ClusterPlacement,
): WaitingTasks[] => {
  const services = new Map(snapshot.services.map((s) => [s.serviceName, s]));
  const items = analysis.unplaced.flatMap((u) => {
    const req = placement.requirements(u.service, u.taskDefinition);
    return req ? [{ u, req }] : [];
  });
  // Which waiting tasks the current free space takes, all together (they compete for it).
  const demands: Demand[] = items.map(({ u, req }, i) => ({ key: String(i), req, count: u.count }));
  const now = placeTasks(demands, placement.nodes);
  const out: WaitingTasks[] = [];
  items.forEach(({ u, req }, i) => {
    const s = services.get(u.service);
    const deployment = s?.deployments.find((d) => d.taskDefinition === u.taskDefinition);
    const notPlaced = now.unplaced.find((x) => x.key === String(i))?.count ?? 0;
    const fits = u.count - notPlaced;
    const needs = describeNeeds(req);
    const base = { service: u.service, taskDefinition: u.taskDefinition, needs };
    const newTypeTakes = placement.templates.some((t) => !refusal(t, req));
    const refusals = () => refusalSummary(placement, now, req);
    if (boundElsewhere(req.capacityProviders, placement)) {
      const names = req.capacityProviders.join(' or ');
      out.push({
        ...base,
        count: u.count,
        kind: 'capacity-provider',
        reason: `${u.count} task(s) of ${u.service} run only on instances of capacity provider ${names} (the service's capacity provider strategy), and this scaler grows no group of ${names}: the provider's managed scaling (or whoever drives its group) adds room for them`,
        refusals: [],
      });
      return;
    }
    // A failing service is never bought for, whether or not its tasks fit now: ECS only counts tasks it
    // placed that then failed, so the failures prove the tasks found room.
    const crash = s ? newestServiceEvent(s, CRASH_EVENT) : undefined;
    const failed = deployment?.failedTasks ?? 0;
    if (failed > 0 || crash) {
      out.push({
        ...base,
        count: u.count,
        kind: 'crash-loop',
        reason: `${u.count} task(s) of ${u.service} are placed but keep failing (${failed > 0 ? `${failed} failed task(s) in the deployment` : 'ECS: unable to consistently start tasks'}): a crash loop, not a capacity problem; fix the task (its stopped reason says why)`,
        refusals: [],
        ...(crash ? { ecsSays: crash.message } : {}),
      });
      return;
    }
    if (notPlaced > 0) {
      if (newTypeTakes || placement.templates.length === 0) {
        out.push({
          ...base,
          count: notPlaced,
          kind: 'needs-capacity',
          reason: `${notPlaced} task(s) of ${u.service} fit on no current instance${
            placement.templates.length === 0
              ? ''
              : `; a new ${placement.templates
                  .filter((t) => !refusal(t, req))
                  .map((t) => t.instanceType)
                  .join(' or ')} takes them`
          }`,
          refusals: refusals(),
        });
      } else {
        out.push({
          ...base,
          count: notPlaced,
          kind: 'unplaceable',
          reason: placement.templates.every((t) =>
            /^RESOURCE:(CPU|MEMORY|GPU)$/.test(refusal(t, req)?.code ?? ''),
          )
            ? `${notPlaced} task(s) of ${u.service} are larger than one new instance of any type the group launches (${placement.templates.map((t) => t.instanceType).join(', ')}): they can never be placed`
            : `${notPlaced} task(s) of ${u.service} can never be placed: no current instance and no type the group launches (${placement.templates.map((t) => t.instanceType).join(', ')}) meets its requirements`,
          refusals: refusals(),
        });
      }
    }
    if (fits <= 0) return;
    const said = s ? newestServiceEvent(s, PLACEMENT_FAILURE) : undefined;
    // ECS's event speaks for the capacity it saw: stale once capacity arrived after it (capacity-since.ts).
    if (said && placementFailureIsCurrent(said.createdAt, snapshot)) {
      // ECS names one "closest matching" instance. An attribute missing on a host of another architecture
      // (an x86 host for an arm64 task) says nothing about the hosts of the task's own: a drain replacement
      // that only a new arm64 host could take was held as "not capacity" while ECS named x86 hosts (random
      // worlds, seventh stop: distinctInstance on a mixed-architecture cluster).
      const closest = said.message.match(/closest matching container-instance (\S+)/)?.[1];
      const named = closest ? placement.nodes.find((n) => n.id.endsWith(`/${closest}`)) : undefined;
      const namedArch = named?.attributes.get(ARCH_ATTR);
      const otherArch =
        req.cpuArchitecture !== undefined && namedArch !== undefined && namedArch !== req.cpuArchitecture;
      const permanent = (NOT_CAPACITY.test(said.message) && !otherArch) || !newTypeTakes;
      out.push({
        ...base,
        count: fits,
        kind: permanent ? 'unplaceable' : 'needs-capacity',
        reason: permanent
          ? `ECS cannot place ${fits} task(s) of ${u.service} for a reason more instances do not cure`
          : `ECS could not place ${fits} task(s) of ${u.service} after the cluster last gained capacity, though the model finds room: trusting ECS, sized on new instances`,
        refusals: [],
        ecsSays: said.message,
        ...(permanent ? {} : { newOnly: true }),
      });
      return;
    }
    out.push({
      ...base,
      count: fits,
      kind: 'waiting-for-ecs',
      reason: `${fits} task(s) of ${u.service} fit on the current free space: waiting for ECS to place them`,
      refusals: [],
    });
  });
  return out;
};

/**
 * Whether a task may run only on instances of capacity providers whose groups this scaler does not grow
 * (ECS places a task of a provider strategy on that provider's instances alone: ecs-facts §1.1).
 */
const boundElsewhere = (
  providers: readonly string[] | undefined,
  placement: ClusterPlacement,
): providers is readonly string[] =>
  providers !== undefined && !providers.some((p) => placement.grownProviders.has(p));

/** Services whose tasks run only on providers this scaler does not grow: they get no headroom. */
const servicesBoundElsewhere = (snapshot: ClusterSnapshot, placement: ClusterPlacement): Set<string> => {
  const providersOf = providersOfServices(snapshot);
  return new Set(
    snapshot.services
      .filter((s) => s.status === 'ACTIVE' && boundElsewhere(providersOf(s.serviceName), placement))
      .map((s) => s.serviceName),
  );
};

/** Σ count of the waiting tasks of a kind. */
export const countWaiting = (tasks: readonly WaitingTasks[], kind: WaitingKind): number =>
  tasks.filter((t) => t.kind === kind).reduce((s, t) => s + t.count, 0);

/** The outcome of {@link sizeWithModel}. */
export interface ModelSizing {
  /** New instances the waiting tasks that need capacity and the headroom need. */
  deficit: number;
  /** New instances by type. */
  byType: Record<string, number>;
  /** Tasks no new instance takes (should not happen: classified unplaceable before). */
  unplaced: number;
  /** A reason when some new instances take no task (launches in other AZs first; {@link idleLaunches}). */
  idle: string[];
}

/** `count` copies of the largest task kept free (CPU/memory/GPU only). */
export interface ModelHeadroom {
  resources: Resources;
  count: number;
  /** The architecture the largest wanted task needs (task-arch.ts), undefined: any. */
  arch?: 'x86_64' | 'arm64' | undefined;
}

/**
 * What the placement model sizes a scale-out for: the waiting tasks that need capacity or are about to
 * take the current free space (each with its requirements; `w<i>` keys), and the headroom (`headroom`).
 */
export const modelDemands = (
  placement: ClusterPlacement,
  waiting: readonly WaitingTasks[],
  headroom: ModelHeadroom | undefined,
): Demand[] => {
  const demands: Demand[] = [];
  waiting.forEach((w, i) => {
    if (w.kind !== 'needs-capacity' && w.kind !== 'waiting-for-ecs') return;
    const req = placement.requirements(w.service, w.taskDefinition);
    if (req) demands.push({ key: `w${i}`, req, count: w.count, ...(w.newOnly ? { newOnly: true } : {}) });
  });
  if (headroom && headroom.count > 0) {
    demands.push({
      key: 'headroom',
      count: headroom.count,
      req: { ...plainRequirements('headroom', headroom.resources), cpuArchitecture: headroom.arch },
    });
  }
  return demands;
};

/** Says how many new instances take no task: launches the group's AZ balancing puts before its tasks' AZ. */
export const idleLaunches = (opened: PlaceResult['newInstances']): string[] => {
  const idle = opened.filter((n) => n.node.groups.size === 0).length;
  return idle > 0
    ? [
        `${idle} new instance(s) take no task: the group balances its AZs and launches them before one lands where the tasks may run`,
      ]
    : [];
};

/**
 * Sizes a scale-out with the placement model: the waiting tasks that need capacity, and `headroom` copies of
 * the largest task (CPU/memory/GPU only), on the current nodes, then on `inFlight` instances (booting or not
 * launched: template nodes of the first type; the first `zones.length` of them, booting members, in their
 * AZs), then on new instances of the group's types.
 */
export const sizeWithModel = (
  placement: ClusterPlacement,
  waiting: readonly WaitingTasks[],
  headroom: ModelHeadroom | undefined,
  inFlight: number,
  zones: readonly (string | undefined)[] = [],
): ModelSizing => {
  const demands = modelDemands(placement, waiting, headroom);
  const first = placement.templates[0];
  // No more in-flight nodes than booting members and tasks to place (each takes at most one): a desired
  // capacity of millions above the members (API-legal) would otherwise build a node for each, and fill the
  // heap. Every booting member counts, in its AZ: the first few may be in other AZs than a task's.
  const tasks = demands.reduce((n, d) => n + d.count, 0);
  const booting = first
    ? Array.from({ length: Math.min(inFlight, zones.length + tasks) }, (_, k) => ({
        ...first,
        id: `in-flight-${k + 1}`,
        // A booting member is in the AZ its group launched it in (random world 1041807: 4 tasks bound to
        // us-east-1c, one per host, held by 10 members booting of which 3 in us-east-1c).
        ...(zones[k] ? { zones: [zones[k]] } : {}),
      }))
    : [];
  const r = placeTasks(demands, [...placement.nodes, ...booting], {
    templates: placement.templates,
    balance: true,
  });
  const byType: Record<string, number> = {};
  for (const n of r.newInstances) byType[n.instanceType] = (byType[n.instanceType] ?? 0) + 1;
  return {
    deficit: r.newInstances.length,
    byType,
    unplaced: r.unplaced.reduce((s, u) => s + u.count, 0),
    idle: idleLaunches(r.newInstances),
  };
};

/** What the planner takes from the waiting tasks. */
export interface WaitingAssessment {
  tasks: WaitingTasks[];
  /** One line per service and kind, for the plan's reasons (crash loops and unplaceable tasks named). */
  reasons: string[];
  /** The analysis the scale-out sizing sees: only the waiting tasks that need capacity. */
  sizing: CapacityAnalysis;
  /**
   * The placement model's deficit, when a waiting task that needs capacity has placement rules (ports,
   * ENIs, attributes, constraints) that CPU/memory packing cannot see; undefined: CPU/memory packing is exact.
   */
  modelDeficit: number | undefined;
  /** The model's word on new instances that take no task (launches in other AZs first). */
  modelIdle: string[];
  /** The headroom the placement model sizes for (undefined: no task to keep room for). */
  modelHeadroom: ModelHeadroom | undefined;
  waitingForEcs: number;
  crashLoop: number;
  unplaceable: number;
}

/**
 * The analysis with the headroom task (`largestTask.live`, capacity.ts) taken over the services that can
 * run somewhere: a service none of whose tasks runs and whose waiting tasks are unplaceable (no current
 * instance, no type any group launches) gets no headroom. Else its room could never be kept (scale-in
 * gives it up: scale-in.ts `headroomThatFits`) yet scale-out bought it — a group grew for it, shrank, and
 * grew again. The task definition named as the largest (its architecture places the headroom) is the
 * largest by CPU of those left.
 */
export const withoutUnplaceableHeadroom = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  tasks: readonly WaitingTasks[],
  boundElsewhere: ReadonlySet<string> = new Set(),
): CapacityAnalysis => {
  const never = new Set(tasks.filter((t) => t.kind === 'unplaceable').map((t) => t.service));
  for (const t of tasks) if (t.kind !== 'unplaceable') never.delete(t.service);
  const excluded = new Set([
    ...snapshot.services
      .filter((s) => never.has(s.serviceName) && s.runningCount === 0 && s.pendingCount === 0)
      .map((s) => s.serviceName),
    ...boundElsewhere,
  ]);
  if (excluded.size === 0) return analysis;
  const { live, taskDefinition } = liveLargestTask(snapshot, excluded);
  return {
    ...analysis,
    largestTask: {
      ...analysis.largestTask,
      live,
      taskDefinition: taskDefinition ?? null,
      liveTaskDefinition: taskDefinition,
    },
  };
};

/** Classifies the waiting tasks and prepares the scale-out sizing. Pure. */
export const assessWaitingTasks = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  placement: ClusterPlacement,
  headroomTasks: number,
  inFlight: number,
  zones?: readonly (string | undefined)[],
): WaitingAssessment => {
  // Services bound to capacity providers this scaler does not grow get no headroom from it (their room
  // is the provider's to add), whether or not their tasks wait.
  const bound = servicesBoundElsewhere(snapshot, placement);
  if (analysis.unplaced.length === 0) {
    return {
      tasks: [],
      reasons: [],
      sizing: bound.size > 0 ? withoutUnplaceableHeadroom(snapshot, analysis, [], bound) : analysis,
      modelDeficit: undefined,
      modelIdle: [],
      modelHeadroom: undefined,
      waitingForEcs: 0,
      crashLoop: 0,
      unplaceable: 0,
    };
  }
  const tasks = classifyWaitingTasks(snapshot, analysis, placement);
  // Sizing counts the tasks that need capacity and those about to take the current free space (waiting
  // for ECS): the headroom must not be planned on room they will fill. Crash loops and unplaceable tasks
  // are left out.
  const sized = tasks.filter((t) => t.kind === 'needs-capacity' || t.kind === 'waiting-for-ecs');
  const capacityKeys = new Set(sized.map((t) => `${t.service}|${t.taskDefinition}`));
  const needs = new Map<string, number>();
  for (const t of sized) {
    const key = `${t.service}|${t.taskDefinition}`;
    needs.set(key, (needs.get(key) ?? 0) + t.count);
  }
  const unplaced = analysis.unplaced
    .filter((u) => capacityKeys.has(`${u.service}|${u.taskDefinition}`))
    .map((u) => ({ ...u, count: needs.get(`${u.service}|${u.taskDefinition}`) ?? u.count }));
  const sizing: CapacityAnalysis = {
    ...withoutUnplaceableHeadroom(snapshot, analysis, tasks, bound),
    unplaced,
    unplacedCount: unplaced.reduce((s, u) => s + u.count, 0),
  };
  const ruled = tasks.some((t) => {
    if (t.kind !== 'needs-capacity') return false;
    const req = placement.requirements(t.service, t.taskDefinition);
    return t.newOnly === true || (req !== undefined && hasPlacementRules(req));
  });
  // The model keeps room for the largest task that is wanted, as the CPU/memory sizing and the scale-in
  // check do (a service at 0 desired with the largest definition bought a host for its size while
  // another service's task waited, which scale-in then gave back).
  const largest = headroomTask(sizing);
  const hasTasks = analysis.dimensionNames.some((d) => largest[d] > 0);
  const modelHeadroom = hasTasks
    ? { resources: largest, count: headroomTasks, arch: headroomArch(snapshot, sizing) }
    : undefined;
  const model = ruled ? sizeWithModel(placement, tasks, modelHeadroom, inFlight, zones) : undefined;
  const modelDeficit = model?.deficit;
  const headroomLeftOut =
    sizing.largestTask.taskDefinition === analysis.largestTask.taskDefinition &&
    sizing.largestTask.live === analysis.largestTask.live
      ? []
      : [
          `the headroom is kept for the largest task of the other services: ${[
            ...[...new Set(tasks.filter((t) => t.kind === 'unplaceable').map((t) => t.service))].map(
              (name) => `no type can run ${name}`,
            ),
            ...[...bound].map((name) => `${name} runs on a capacity provider this scaler does not grow`),
          ].join('; ')}`,
        ];
  const reasons = tasks
    .filter((t) => t.kind === 'crash-loop' || t.kind === 'unplaceable' || t.kind === 'capacity-provider')
    .map(
      (t) =>
        `${t.reason}${t.refusals.length > 0 ? ` (${t.refusals.map((r) => `${r.count} × ${r.instanceClass}: ${r.reason}`).join('; ')})` : ''}; not scaled for, and it does not hold scale-in`,
    )
    .concat(headroomLeftOut);
  return {
    tasks,
    reasons,
    sizing,
    modelDeficit,
    modelIdle: model?.idle ?? [],
    modelHeadroom,
    waitingForEcs: countWaiting(tasks, 'waiting-for-ecs'),
    crashLoop: countWaiting(tasks, 'crash-loop'),
    unplaceable: countWaiting(tasks, 'unplaceable'),
  };
};
