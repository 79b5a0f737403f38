/**
 * The placement model (shared/core/placement) set up for one cluster decision: the nodes that take
 * tasks, the requirements of every service's tasks, the daemons' load, and one template node per instance
 * type the managed group can launch. Built once per decision and shared by the waiting-task
 * classification, scale-out sizing and the scale-in check.
 */

import { ARCH_ATTR } from '../attributes.js';
import type { CapacityAnalysis } from '../capacity/capacity.js';
import { addResources, type Resources, ZERO } from '../capacity/resources.js';
import {
  accepts,
  type Demand,
  daemonLoad,
  hasPlacementRules,
  type InstanceFactsLookup,
  instanceFactsLookup,
  nodesOf,
  type PlacementNode,
  placeFirstFitDecreasing,
  placeTasks,
  refusal,
  subnetZones,
  type TaskRequirements,
  taskRequirements,
  templateNode,
} from '../placement/index.js';
import type {
  AutoScalingGroup,
  ClusterSnapshot,
  Service,
  Task,
  TaskDefinition,
} from '../snapshot/snapshot.js';
import { binpackPlace } from './binpack-moves.js';
import { capacityProviderOfGroup } from './conflicts.js';
import { agentAttributes, arrivingTypes, memoryShort } from './fleet.js';
import { INFERRED_PREFIX } from './infer-tasks.js';
import { replacementDefinition, stoppableFirst, stuckService } from './instance-tasks.js';
import { instanceTypeCapacity } from './instance-types.js';
import { headroomArch } from './task-arch.js';

/** How the plan's reasons name the placement model (one string for three reasons). */
export const MODEL = 'the placement model (host ports, task ENIs, attributes, constraints)';

/** The placement model's view of one cluster. */
export interface ClusterPlacement {
  facts: InstanceFactsLookup;
  /** Nodes that take placements now (ACTIVE, agent connected). */
  nodes: PlacementNode[];
  /** One new instance per type the group launches (empty: types unknown). */
  templates: PlacementNode[];
  /**
   * A new instance of `instanceType` that registers `registered` (before daemons), as {@link templateNode}
   * builds it for this cluster: several groups size each group's growth on the type it launches.
   */
  templateOf(
    instanceType: string,
    registered: Resources,
    capacityProvider?: string,
    /** The group that launches it: attributes of its own instances first (custom-attribute pools). */
    group?: string,
  ): PlacementNode;
  /** What the daemons whose rules take a new instance of `instanceType` (of `group`) reserve on it. */
  daemonsOn(
    instanceType: string,
    registered: Resources,
    capacityProvider?: string,
    group?: string,
  ): Resources;
  /**
   * The capacity providers of the groups the scaler grows (a task bound to other providers is theirs to
   * place: waiting-tasks.ts `capacity-provider`).
   */
  grownProviders: ReadonlySet<string>;
  /** Requirements of one task of `service` running `taskDefinition`. */
  requirements(service: string | undefined, taskDefinition: string): TaskRequirements | undefined;
  /**
   * Requirements of the task ECS starts in place of a listed task that moves (a drain): a service task's
   * replacement runs the PRIMARY deployment's definition (instance-tasks.ts `replacementDefinition`).
   */
  taskRequirementsOf(task: Task): TaskRequirements | undefined;
  /** Expressions the model could not read, per service. */
  unreadable: string[];
  /** Whether an ACTIVE REPLICA service has a rule beyond CPU/memory/GPU (ports, ENIs, attributes, constraints). */
  rulesInUse: boolean;
}

/** The service of a task group `service:<name>` (undefined: a standalone task's group). */
export const groupService = (group: string | undefined): string | undefined =>
  group?.startsWith('service:') ? group.slice('service:'.length) : undefined;

/**
 * For services with `distinctInstance` whose tasks are not all listed, marks `running − listed` nodes
 * without a task list as holding one: first those whose reserved resources can hold one of its tasks
 * (`size`; a node that reserves less runs none), then the others; within each, first those whose free
 * room could take another of its tasks, then the most free memory (the pessimistic choice: what is left
 * unmarked is where a moved task could not go anyway). ECS puts each such task on its own instance, so
 * the count is exact. Before, an r5 reserving 128 CPU units was marked for a 2,048-unit task while the c5
 * that ran it looked free: a drain counted its task as moving there, and it could not move (random world
 * 2230, eighth stop); and a full host (no CPU left) was marked while the one with room, which ran the
 * task, looked free: the drained instance's task "moved" there, waited, and an instance was bought for it
 * (random world 26402, eleventh stop).
 */
const assumeDistinctOccupancy = (
  nodes: PlacementNode[],
  services: readonly Service[],
  reserved: ReadonlyMap<string, Resources>,
  size: (s: Service) => TaskRequirements | undefined,
  all: readonly PlacementNode[] = nodes,
): PlacementNode[] => {
  const out = nodes;
  for (const s of services) {
    const group = `service:${s.serviceName}`;
    let missing = s.runningCount + s.pendingCount;
    for (const n of all) missing -= n.groups.get(group) ?? 0;
    if (missing <= 0) continue;
    const req = size(s);
    const task = req?.resources;
    const within = (r: Resources | undefined): number =>
      Number(!task || !r || (r.CPU >= task.CPU && r.MEMORY >= task.MEMORY));
    // Only where its tasks can run at all: not an x86 host for an arm64 task, whatever its room (random
    // world 113171, thirteenth stop: an r5 was marked, the arm64 host that ran the task looked free, and
    // a drain counted the distinct task as moving there).
    const runs = (n: PlacementNode) => !req || runsOn(n, req);
    const unknown = out
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => !n.groupsKnown && (n.groups.get(group) ?? 0) === 0 && runs(n))
      .sort(
        (a, b) =>
          within(reserved.get(b.n.id)) - within(reserved.get(a.n.id)) ||
          within(b.n.free) - within(a.n.free) ||
          b.n.free.MEMORY - a.n.free.MEMORY,
      );
    for (const { n, i } of unknown) {
      if (missing-- <= 0) break;
      out[i] = { ...n, groups: new Map([...n.groups, [group, 1]]) };
    }
  }
  return out;
};

/** Room aside: a refusal for room (CPU, memory, GPU, a port, an ENI) comes first and hid the rules. */
const ROOMY = {
  free: { CPU: 1e9, MEMORY: 1e9, GPU: 1e9 },
  tcpPortsUsed: new Set<number>(),
  udpPortsUsed: new Set<number>(),
  enisFree: 1e9,
};

/**
 * Whether `req`'s tasks can run on `n` at all, room aside: its architecture, attributes, AZ (awsvpc
 * subnets), `memberOf` and capacity provider (refusal codes ATTRIBUTE, MemberOf, CapacityProvider), not a
 * used port or a full ENI list.
 */
export const runsOn = (n: PlacementNode, req: TaskRequirements): boolean =>
  !/^[ACM]/.test(refusal({ ...n, ...ROOMY }, req)?.code ?? '');

/**
 * {@link runsOn}, and a copy more fits there but for CPU, memory and GPU: its host ports free, a task ENI
 * slot, no copy of its service under `distinctInstance`.
 */
export const runsOnNow = (n: PlacementNode, req: TaskRequirements): boolean =>
  accepts({ ...n, free: ROOMY.free }, req);

const reservedOf = (analysis: CapacityAnalysis) =>
  new Map(analysis.instances.map((i) => [i.containerInstanceArn, i.reserved]));

/**
 * Builds the placement view. `fallbackRegistered` is what one new instance registers when neither a
 * registered instance of the type nor the instance-type table knows it (the planner's estimate).
 */
export const clusterPlacement = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  group: AutoScalingGroup | undefined,
  fallbackRegistered: Resources | undefined,
): ClusterPlacement => {
  const memo = MEMO.get(snapshot);
  if (
    memo &&
    memo.tasks === snapshot.tasks &&
    // Of the analysis only the daemons' reservation shapes the view: the scale-in check passes the
    // analysis without out-of-service instances (a copy), which must not rebuild 5,000 nodes.
    memo.analysis.daemonReservation === analysis.daemonReservation &&
    (group === undefined || memo.group === group) &&
    (fallbackRegistered === undefined || memo.fallback === fallbackRegistered)
  ) {
    return memo.placement;
  }
  const placement = buildPlacement(snapshot, analysis, group, fallbackRegistered);
  MEMO.set(snapshot, { tasks: snapshot.tasks, analysis, group, fallback: fallbackRegistered, placement });
  return placement;
};

/**
 * One placement view per snapshot and decision: the planner, the classification and the scale-in check
 * share it. Keyed by the snapshot object, checked against its task list (the handler adds tasks and
 * plans again) and the analysis.
 */
const MEMO = new WeakMap<
  ClusterSnapshot,
  {
    tasks: ClusterSnapshot['tasks'];
    analysis: CapacityAnalysis;
    group: AutoScalingGroup | undefined;
    fallback: Resources | undefined;
    placement: ClusterPlacement;
  }
>();

const buildPlacement = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  group: AutoScalingGroup | undefined,
  fallbackRegistered: Resources | undefined,
): ClusterPlacement => {
  const facts = instanceFactsLookup((snapshot.instanceTypes ?? []) as never[]);
  const defs = new Map<string, TaskDefinition>(snapshot.taskDefinitions.map((d) => [d.taskDefinitionArn, d]));
  const services = new Map(snapshot.services.map((s) => [s.serviceName, s]));
  const cache = new Map<string, TaskRequirements | undefined>();
  const unreadable = new Set<string>();
  const zones = subnetZones(snapshot);
  const requirements = (service: string | undefined, arn: string): TaskRequirements | undefined => {
    const key = `${service ?? ''}|${arn}`;
    if (cache.has(key)) return cache.get(key);
    const td = defs.get(arn);
    const r = td
      ? taskRequirements(
          td,
          service ? services.get(service) : undefined,
          snapshot.cluster.defaultCapacityProviderStrategy,
          zones,
        )
      : undefined;
    for (const u of r?.unreadable ?? []) unreadable.add(`${service ?? arn}: ${u}`);
    cache.set(key, r);
    return r;
  };
  const active = snapshot.services.filter((s) => s.status === 'ACTIVE');
  const nodes = assumeDistinctOccupancy(
    nodesOf(snapshot, facts),
    active.filter((s) => s.placementConstraints?.some((c) => c.type === 'distinctInstance')),
    reservedOf(analysis),
    (s) => {
      const arn = s.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? s.taskDefinition;
      return arn ? requirements(s.serviceName, arn) : undefined;
    },
  );
  const daemons = active
    .filter((s) => s.schedulingStrategy === 'DAEMON')
    .map((s) => {
      const arn = s.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? s.taskDefinition;
      return arn ? requirements(s.serviceName, arn) : undefined;
    })
    .filter((r): r is TaskRequirements => r !== undefined);
  const load = daemonLoad(daemons, analysis.daemonReservation ?? ZERO);
  // What a new instance of the group is: what it launches next — the first override of a prioritized
  // group, the cheapest per unit of on-demand lowest-price (all of a price tie), its launch template's
  // type (a group at zero: an unknown template node let a task that needs another type look placeable, so
  // the group grew for it and shrank again, for good); its members' types only when that is not known.
  // Members' types alone hid the larger types of an equal price per vCPU: a task too large for the one
  // c5.large member was "never placeable", and its service waited for good (random world 5214).
  const arriving = group ? arrivingTypes(snapshot, group) : [];
  const members = group ? group.Instances.map((i) => i.InstanceType).filter((t): t is string => !!t) : [];
  const types = arriving.length > 0 ? arriving : [...new Set(members)];
  const provider = group ? capacityProviderOfGroup(snapshot, group) : undefined;
  // A new instance of a group: the attributes its own instances, or its user data, give it (templateNode),
  // and room taken by the daemons whose rules take it: a GPU-only daemon reserves nothing on a new CPU
  // instance (all of them did, and a task sized to a CPU type's room was "never placeable").
  const make = (type: string, registered: Resources, l: typeof load, cp?: string, of?: string) =>
    templateNode(
      type,
      facts(type),
      registered,
      l,
      snapshot,
      cp,
      of,
      agentAttributes(
        snapshot,
        snapshot.autoScalingGroups.find((g) => g.AutoScalingGroupName === of),
      ),
    );
  // Which daemons take a new instance depends on its attributes only (type, provider, group), not on its
  // room: found once per view, not on every template the planner asks for.
  const loads = new Map<string, typeof load>();
  const loadOn = (type: string, registered: Resources, cp?: string, of?: string) => {
    const key = `${type}|${cp}|${of}`;
    let l = loads.get(key);
    if (!l) {
      const bare = make(type, registered, daemonLoad([], ZERO), cp, of);
      const running = daemons.filter((d) => runsOn(bare, d));
      l =
        running.length === daemons.length
          ? load
          : daemonLoad(
              running,
              running.reduce((sum, d) => addResources(sum, d.resources), ZERO),
            );
      loads.set(key, l);
    }
    return l;
  };
  const templateOf = (type: string, registered: Resources, cp?: string, of?: string) =>
    make(type, registered, loadOn(type, registered, cp, of), cp, of);
  const name = group?.AutoScalingGroupName;
  // A type no instance registered yet is sized by the table, less the memory the group's registered
  // members fall short of it by: ECS_RESERVED_MEMORY in the user data (or the AMI) takes as much from every
  // type (random world 992213: c5.large registered 1 GiB under the table; c6i.large, the same size at the
  // table's word, held a task no c5.large holds, and the lowest-price group bought c5.large for it up to
  // MaxSize, again and again).
  const ids = new Set(group?.Instances.map((i) => i.InstanceId));
  const short = memoryShort(
    snapshot,
    group,
    analysis.instances
      .filter((ci) => ids.has(ci.ec2InstanceId!))
      .map((ci) => [ci.instanceType, ci.registered]),
  );
  const templates = types.flatMap((type) => {
    const table = instanceTypeCapacity(type);
    const registered = table ? { ...table, MEMORY: table.MEMORY - short } : fallbackRegistered;
    return registered ? [templateOf(type, registered, provider, name)] : [];
  });
  if (templates.length === 0 && fallbackRegistered) {
    templates.push(templateOf('(unknown type)', fallbackRegistered, provider, name));
  }
  const rulesInUse = active.some((s) => {
    if (s.schedulingStrategy === 'DAEMON') return false;
    const arns =
      s.deployments.length > 0 ? s.deployments.map((d) => d.taskDefinition) : [s.taskDefinition ?? ''];
    return arns.some((arn) => {
      const r = requirements(s.serviceName, arn);
      return r !== undefined && hasPlacementRules(r);
    });
  });
  return {
    facts,
    nodes,
    templates,
    templateOf,
    daemonsOn: (type, registered, cp, of) => loadOn(type, registered, cp, of).resources,
    grownProviders: new Set(provider ? [provider] : []),
    rulesInUse,
    requirements,
    taskRequirementsOf: (t) =>
      requirements(groupService(t.group), replacementDefinition(snapshot, t)) ??
      requirements(groupService(t.group), t.taskDefinitionArn),
    get unreadable() {
      return [...unreadable];
    },
  };
};

/**
 * The same view with other templates (several groups: the types every managed group launches), so the
 * waiting tasks are classified against what any group can add, not one group's types.
 */
export const withTemplates = (
  placement: ClusterPlacement,
  templates: PlacementNode[],
  grownProviders: ReadonlySet<string> = placement.grownProviders,
): ClusterPlacement => ({
  facts: placement.facts,
  nodes: placement.nodes,
  templates,
  templateOf: placement.templateOf,
  daemonsOn: placement.daemonsOn,
  grownProviders,
  requirements: placement.requirements,
  taskRequirementsOf: placement.taskRequirementsOf,
  rulesInUse: placement.rulesInUse,
  get unreadable() {
    return placement.unreadable;
  },
});

/** A resource vector to move without any other rule (unknown task, assumed-largest, headroom). */
export const plainRequirements = (label: string, resources: Resources): TaskRequirements => ({
  group: label,
  taskDefinition: label,
  resources,
  networkMode: 'bridge',
  tcpPorts: [],
  udpPorts: [],
  enis: 0,
  attributes: [],
  cpuArchitecture: undefined,
  memberOf: [],
  distinctInstance: false,
  strategy: [],
  unreadable: [],
});

/** The outcome of {@link placeOnStaying}. */
export interface StayingPlacement {
  /** Tasks that no staying instance would take, with why (the most common refusal among them). */
  unplaced: { label: string; count: number; reason: string }[];
}

/** The label of what {@link placeOnStaying} refuses when rules are in use and a task list is missing. */
export const TASKS_NOT_LISTED = 'tasks not listed';

/** The label of the headroom item: a reserve kept free, not a task ECS places. */
const HEADROOM = 'headroom';

/** Up to this many moved tasks are placed one at a time by their strategies (a scan of every node each). */
const STRATEGY_TASK_LIMIT = 200;

/**
 * Whether ECS would place `items` (tasks moved off instances that leave, the headroom) on the instances
 * that stay, by its rules and the tasks' strategies. An item whose label is a task ARN of the snapshot
 * moves with its task's requirements (ports, ENI, attributes, constraints, strategy); others are
 * CPU/memory/GPU only.
 *
 * The headroom (label `headroom`) is not a task ECS places: it is what must still fit once ECS has placed
 * the moved tasks. When a moved task has a `binpack` or `spread` strategy, ECS (not first-fit-decreasing)
 * decides where it lands: `binpack` puts it on the staying instance with the least free memory (or CPU)
 * that takes it — typically the one emptier slot the headroom was counted on (the scale-out check then
 * finds no room for the largest task and buys back the instance just drained: issue 15's direction
 * reversals). Those tasks are placed one at a time by their strategies first, and the headroom must fit on
 * the free space they leave. Tasks without a strategy (ECS picks at random among the instances that take
 * them) are packed first-fit-decreasing with the headroom: one placement that leaves room must exist.
 */
export const placeOnStaying = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  items: readonly { label: string; reservation: Resources; count: number }[],
  staying: readonly { containerInstanceArn: string; remaining?: Resources }[],
): StayingPlacement => {
  const placement = clusterPlacement(snapshot, analysis, undefined, undefined);
  const tasks = taskIndex(snapshot);
  // Tasks of unknown size and kind (no task list): CPU/memory alone cannot say they move when a service
  // of the cluster has a host port, an ENI, an attribute or a constraint — ask for the task list instead.
  const unknown = items.filter(
    (it) => !tasks.has(it.label) && it.label !== HEADROOM && !it.label.startsWith('in-flight'),
  );
  if (
    unknown.some((it) => it.label === 'assumed-largest' || it.label.startsWith(INFERRED_PREFIX)) &&
    placement.rulesInUse
  ) {
    return {
      unplaced: [
        {
          label: TASKS_NOT_LISTED,
          count: unknown.reduce((s, it) => s + it.count, 0),
          reason:
            'the task list is needed: services of the cluster have placement rules (ports, ENIs, attributes, constraints) that sizes alone cannot check',
        },
      ],
    };
  }
  const moves = items.filter((it) => it.label !== HEADROOM);
  const reserve = items.filter((it) => it.label === HEADROOM);
  const movedCount = moves.reduce((s, it) => s + it.count, 0);
  const strategic =
    movedCount <= STRATEGY_TASK_LIMIT &&
    moves.some((it) => {
      const t = tasks.get(it.label);
      const req = t ? placement.taskRequirementsOf(t) : undefined;
      return req?.strategy.some((s) => s.type === 'binpack' || s.type === 'spread') ?? false;
    });
  if (!placement.rulesInUse && !strategic) {
    // No service has a rule beyond CPU/memory/GPU and no moved task a strategy: the model is resource
    // packing; the plain first-fit-decreasing does it without building requirements per task (the check
    // runs per candidate).
    const ffd = placeFirstFitDecreasing(
      items,
      staying.map((s) => ({ id: s.containerInstanceArn, free: s.remaining ?? ZERO })),
    );
    return { unplaced: ffd.unplaced.map((u) => plainUnplaced(tasks, u)) };
  }
  const keep = new Set(staying.map((s) => s.containerInstanceArn));
  const nodes = placement.nodes.filter((n) => keep.has(n.id));
  // The headroom is kept where the largest wanted task can run: on its architecture, if it names one
  // (task-arch.ts; scale-out sizes it so too).
  let arch: { value: 'x86_64' | 'arm64' | undefined } | undefined;
  const headArch = () => {
    arch ??= { value: headroomArch(snapshot, analysis) };
    return arch.value;
  };
  // Tasks with the same requirements (same service and revision) are one demand: the placement walks the
  // nodes once per demand, not once per task (a scale-in check may move thousands of tasks).
  const byReq = new Map<TaskRequirements, Demand>();
  const firstLabel = new Map<Demand, string>();
  const demands: Demand[] = [];
  for (const it of strategic ? moves : items) {
    const task = tasks.get(it.label);
    const req =
      (task && placement.taskRequirementsOf(task)) ??
      (it.label === HEADROOM
        ? { ...plainRequirements(it.label, it.reservation), cpuArchitecture: headArch() }
        : plainRequirements(it.label, it.reservation));
    const same = task ? byReq.get(req) : undefined;
    if (same) {
      same.count += it.count;
      continue;
    }
    const d: Demand = { key: String(demands.length), req, count: it.count };
    demands.push(d);
    firstLabel.set(d, it.label);
    if (task) byReq.set(req, d);
  }
  const field = placement.rulesInUse ? undefined : binpackField(demands);
  if (strategic && field) {
    // CPU/memory only and one `binpack` strategy for every moved task (the common service setup): the
    // same choice as placeTasks, on instances kept sorted (5,000 staying instances, 200 moved tasks).
    // ECS places service by service in an order it does not document: both orders, as below (fault
    // matrix seed 11, partial failures: three 512-unit web tasks and a 1,024-unit api task moved; ECS
    // started the webs first, they took the room the api needed beside the headroom, and the cluster
    // scaled out again a minute after the drain).
    const want = headArch();
    const archOf = new Map(nodes.map((n) => [n.id, n.attributes.get(ARCH_ATTR)]));
    const binpackDemands = demands.map((d) => ({
      label: firstLabel.get(d)!,
      reservation: d.req.resources,
      count: d.count,
    }));
    const bins = staying.map((st) => ({ id: st.containerInstanceArn, free: st.remaining ?? ZERO }));
    const check = (smallestFirst: boolean) => {
      const packed = binpackPlace(binpackDemands, bins, field, smallestFirst);
      const left = placeFirstFitDecreasing(
        reserve,
        packed.bins.filter((b) => archTakes(archOf.get(b.id), want)),
      );
      return [
        ...packed.unplaced.map((u) => plainUnplaced(tasks, u)),
        ...left.unplaced.map((u) => ({
          ...plainUnplaced(tasks, u),
          reason: afterMovesReason(u.reservation),
        })),
      ];
    };
    const unplaced = check(false);
    return { unplaced: unplaced.length > 0 || demands.length < 2 ? unplaced : check(true) };
  }
  // A spread counts the tasks of the moved task's service on each instance, and a staying instance whose
  // list was not read may run some: marked as in assumeDistinctOccupancy (random world 67582, twelfth
  // stop: an unread r5 ran one of an instance-spread service's two tasks; counted as running none it
  // drew the moved task, which ECS put on the one empty arm64 host a moved 2,048-unit task needed).
  const spreads = (s: Service) =>
    demands.find(
      (d) => d.req.group === `service:${s.serviceName}` && d.req.strategy.some((x) => x.type === 'spread'),
    )?.req;
  const spread = snapshot.services.filter(spreads);
  if (spread.length > 0)
    assumeDistinctOccupancy(nodes, spread, reservedOf(analysis), spreads, placement.nodes);
  // ECS's strategies decide where each task goes (one scan of every node per task): applied when a moved
  // task has one, or when rules beyond CPU/memory are in play, for up to 200 tasks.
  const total = demands.reduce((s, d) => s + d.count, 0);
  // Where the strategies leave a tie (spread by AZ: any instance of the AZ), ECS picks at random: the
  // check assumes the pick that costs the headroom most — an instance whose room for the headroom task the
  // moved task takes (random world 3427, eighth stop: a drained instance's task landed on the one empty
  // instance of its AZ, the headroom was gone, and the drain was undone a minute later).
  const room = reserve[0]?.reservation;
  const holds = (free: Resources, less: Resources = ZERO): boolean =>
    room !== undefined &&
    free.CPU - less.CPU >= room.CPU &&
    free.MEMORY - less.MEMORY >= room.MEMORY &&
    free.GPU - less.GPU >= room.GPU;
  const tieRank =
    room && strategic
      ? (n: PlacementNode, req: TaskRequirements): number =>
          !holds(n.free) || !archTakes(n.attributes.get(ARCH_ATTR), headArch())
            ? 2
            : holds(n.free, req.resources)
              ? 1
              : 0
      : undefined;
  // The moved tasks run on until their replacements start: ECS's AZ spread still counts them (random
  // world 15827, twelfth stop: a drained 1a host's task went to the empty 1c host, not the 1a one the
  // check chose, and the arm64 task that needed the 1c host waited) — unless the service's
  // minimumHealthyPercent lets ECS stop them all first (ECS "Draining container instances"; the
  // simulator stops first as far as the minimum allows).
  const gone = placement.nodes.filter((n) => !keep.has(n.id));
  const held = new Map<string, number>();
  for (const n of gone) for (const [g, k] of n.groups) held.set(g, (held.get(g) ?? 0) + k);
  const first = new Set<string>();
  for (const v of snapshot.services) {
    const g = `service:${v.serviceName}`;
    if (held.has(g) && stoppableFirst(v) >= held.get(g)!) first.add(g);
  }
  const leaving = gone.map((n) => ({ ...n, groups: new Map([...n.groups].filter(([g]) => !first.has(g))) }));
  const options = { strategies: total <= STRATEGY_TASK_LIMIT, leaving, ...(tieRank ? { tieRank } : {}) };
  let result = placeTasks(demands, nodes, options);
  const passes = [result];
  // ECS places service by service, in an order it does not document: the moved tasks must also fit
  // when the smaller ones go first (random world 6693, ninth stop: a small awsvpc task's replacement,
  // spread by AZ, took the room the large one's needed; it waited, and the drain was undone).
  const moved = demands.filter((d) => d.req.group !== HEADROOM);
  if (result.unplaced.length === 0 && moved.length > 1) {
    result = placeTasks(demands, nodes, { ...options, smallestFirst: true });
    passes.push(result);
  }
  // Where ECS picks at random (the instances spread by AZ leaves tied; any that takes a task without a
  // strategy), the moved tasks must also fit when each pick is the emptiest instance, the smaller first
  // (random world 5161, tenth stop: a drained instance's 1,024-unit task, spread by AZ, took the one empty
  // instance its AZ tie offered, the 2,048-unit task that needed it waited, and the drain was undone every
  // 12 minutes). The headroom is kept on what those picks leave.
  if (result.unplaced.length === 0 && moved.length > 1 && total <= STRATEGY_TASK_LIMIT) {
    const scattered = placeTasks(moved, nodes, { ...options, smallestFirst: true, worstFit: true });
    const head = demands.filter((d) => d.req.group === HEADROOM);
    result =
      scattered.unplaced.length > 0 || head.length === 0
        ? scattered
        : placeTasks(
            head,
            scattered.nodes.filter((n) => !n.isNew),
            options,
          );
    passes.push(result);
  }
  const unplaced = result.unplaced.map((u) => {
    const item = { label: firstLabel.get(demands[Number(u.key)]!) ?? u.key };
    const why = nodes.map((n) => refusal(n, u.req)).filter((r) => r !== undefined);
    const common = new Map<string, { n: number; reason: string }>();
    for (const r of why) {
      const e = common.get(r.code) ?? { n: 0, reason: r.reason };
      e.n++;
      common.set(r.code, e);
    }
    const top = [...common.values()].sort((a, b) => b.n - a.n)[0];
    const name = task(tasks, item.label);
    return {
      label: name,
      count: u.count,
      reason: top ? `${top.n} of ${nodes.length} staying instance(s): ${top.reason}` : 'no instance stays',
    };
  });
  if (strategic && reserve.length > 0) {
    // The headroom on what ECS's placement of the moved tasks leaves free, after each order tried: the
    // first one's tie picks cost the headroom most (random world 9521, eleventh stop: checked only after
    // the emptiest-first picks, a small task's spread tie went to the one arm64 instance with room for the
    // headroom; scale-out bought the headroom back by undoing the drain, every 12 minutes).
    const want = headArch();
    for (const r of passes) {
      const left = placeFirstFitDecreasing(
        reserve,
        r.nodes
          .filter((n) => !n.isNew && archTakes(n.attributes.get(ARCH_ATTR), want))
          .map((n) => ({ id: n.id, free: n.free })),
      );
      for (const u of left.unplaced) {
        unplaced.push({ ...plainUnplaced(tasks, u), reason: afterMovesReason(u.reservation) });
      }
      if (left.unplaced.length > 0) break;
    }
  }
  return { unplaced };
};

/**
 * The moved items (tasks DRAINING instances hand over) that some staying instance takes now, each on its
 * own. A task no staying instance takes — only another kind of instance runs it (an attribute, memberOf,
 * architecture, another capacity provider), or it needs room or a distinct host none has — waits for a
 * new instance whatever this decision removes: it neither takes the staying instances' room nor keeps one
 * of them (random worlds, eighth stop: the tasks of someone else's drained instance, bound to `m5.*` and
 * to its group's capacity provider, held an idle r5 group's scale-in for good). Items of unknown kind
 * stay (conservative).
 */
export const landingOnStaying = <T extends { label: string }>(
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  items: readonly T[],
  staying: readonly { containerInstanceArn: string }[],
): T[] => {
  const placement = clusterPlacement(snapshot, analysis, undefined, undefined);
  const tasks = taskIndex(snapshot);
  const keep = new Set(staying.map((s) => s.containerInstanceArn));
  const nodes = placement.nodes.filter((n) => keep.has(n.id));
  return items.filter((it) => {
    const t = tasks.get(it.label);
    const req = t && placement.taskRequirementsOf(t);
    // A task its service's deployment configuration keeps where it is does not move.
    return !req || (!stuckService(snapshot, t!) && nodes.some((n) => accepts(n, req)));
  });
};

/** Whether a host of architecture `host` (undefined: not known) can take a task that needs `want`. */
const archTakes = (host: string | undefined, want: string | undefined): boolean =>
  want === undefined || host === undefined || host === want;

const afterMovesReason = (r: Resources): string =>
  `needs CPU ${r.CPU}, MEMORY ${r.MEMORY} MiB; no staying instance has that much free once ECS has placed the moved tasks by their placement strategies`;

/** The field when every demand's only strategy is `binpack` on the same field; else undefined. */
const binpackField = (demands: readonly Demand[]): 'CPU' | 'MEMORY' | undefined => {
  let field: 'CPU' | 'MEMORY' | undefined;
  for (const d of demands) {
    const [s, ...rest] = d.req.strategy;
    if (!s || rest.length > 0 || s.type !== 'binpack') return undefined;
    const f = s.field === 'cpu' ? 'CPU' : 'MEMORY';
    if (field && f !== field) return undefined;
    field = f;
  }
  return field;
};

const plainUnplaced = (
  tasks: Map<string, Task>,
  u: { label: string; count: number; reservation: Resources },
): StayingPlacement['unplaced'][number] => ({
  label: task(tasks, u.label),
  count: u.count,
  reason: `needs CPU ${u.reservation.CPU}, MEMORY ${u.reservation.MEMORY} MiB; no staying instance has that much free`,
});

const TASK_INDEX = new WeakMap<object, Map<string, Task>>();
/** The snapshot's tasks by ARN (one map per task list). */
export const taskIndex = (snapshot: ClusterSnapshot): Map<string, Task> => {
  const list = snapshot.tasks ?? [];
  let m = TASK_INDEX.get(list);
  if (!m) {
    m = new Map(list.map((t) => [t.taskArn, t]));
    TASK_INDEX.set(list, m);
  }
  return m;
};
const task = (tasks: Map<string, Task>, label: string): string => {
  const t = tasks.get(label);
  return t ? `${t.group ?? 'task'} (${label.split('/').pop()})` : label;
};
