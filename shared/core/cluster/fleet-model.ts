/**
 * Scale-out of a cluster of several groups when waiting tasks have placement rules (static host ports,
 * task ENIs, attributes, constraints) that CPU/memory packing cannot see.
 *
 * CPU/memory packing (fleet-scale-out.ts) may find room where ECS finds none: a second task with host
 * port 80 does not fit on an instance that has CPU to spare. With one group, the placement model's count
 * of new instances sizes the group (fleet-plan.ts `withModelDeficit`). With several groups, the same model
 * decides per task which group grows and by how much, in the order CPU/memory growth uses:
 *
 * 1. The waiting tasks and the headroom are placed by ECS's rules on the current instances, then on the
 *    in-flight instances of every group (booting members as their own type, units not yet launched as the
 *    type the group will launch).
 * 2. Each demand that does not fit is offered to the groups whose arriving type takes it (every rule,
 *    checked on a new instance of that type), in {@link growthOrder}: priority tag, cost per task,
 *    on-demand share, name. A group that may not grow now (halt, cooldown, backoff) is named, and the
 *    tasks still count in the deficit.
 * 3. Each group's demands are placed on new instances of its arriving type, capped by its max step and
 *    MaxSize; what the cap leaves passes to the next group.
 *
 * Pure.
 */
import type { CapacityAnalysis } from '../capacity/capacity.js';
import { copiesThatFit } from '../capacity/resources.js';
import {
  accepts,
  type Demand,
  type PlacementNode,
  placeTasks,
  type TaskRequirements,
} from '../placement/index.js';
import { arrivalOption, type LaunchOption } from './fleet.js';
import { type FleetGroup, growableGroups, inFlightSlots } from './fleet-plan.js';
import {
  choiceWhy,
  costPerTask,
  type FleetScaleOutAssessment,
  type GroupGrowth,
  type GrowableGroup,
  groupGrowth,
  growthCap,
  growthOrder,
  leftToOthers,
} from './fleet-scale-out.js';
import { instanceTypeCapacity } from './instance-types.js';
import { type ClusterPlacement, MODEL, runsOn, withTemplates } from './placement-context.js';
import { idleLaunches, type ModelHeadroom, modelDemands, type WaitingTasks } from './waiting-tasks.js';

/** What the placement model sizes for the groups. */
export interface FleetModelSizing {
  /** New instances the demands need beyond current and in-flight capacity, before guards. */
  deficit: number;
  growth: GroupGrowth[];
  /** Groups that would have been chosen but may not grow now, with why. */
  blocked: string[];
  problems: string[];
}

/** A new instance of a launch option, for the placement model (undefined: its size is unknown). */
const optionNode = (
  placement: ClusterPlacement,
  option: LaunchOption,
  capacityProvider: string | undefined,
  group: string,
): PlacementNode | undefined =>
  option.registered
    ? placement.templateOf(option.instanceType, option.registered, capacityProvider, group)
    : undefined;

/**
 * Whether group `fg` could ever run a task of one of `reqs`: by the rules (architecture, attributes,
 * `memberOf`, AZ, capacity provider; not a used port or ENI) and by size — a new instance of the node's
 * type holds the task (a type the group launches, or a member's type it no longer launches; a GPU task
 * never runs on a CPU group; a type of unknown size: it could) — on one of its registered instances or
 * on a new one; with `member`, on a new instance of that member's type. Requirements not known: it could.
 */
export const groupCouldRun = (
  placement: ClusterPlacement,
  fg: FleetGroup,
  reqs: readonly (TaskRequirements | undefined)[],
  member?: string,
): boolean => {
  const templates = fg.fleet.options.flatMap(
    (o) => optionNode(placement, o, fg.capacityProvider, fg.fleet.group) ?? [],
  );
  const registered = (ids: ReadonlySet<string | undefined>) =>
    placement.nodes.filter((n) => ids.has(n.ec2InstanceId));
  let nodes: PlacementNode[];
  if (member) {
    // One member: by its type (a new instance of it in this group), not by its AZ — the group's
    // balancing puts the next launch where it wants — else by itself (a type the group no longer launches).
    const type = fg.group.Instances.find((i) => i.InstanceId === member)?.InstanceType;
    const own = templates.filter((t) => t.instanceType === type);
    nodes = own.length > 0 ? own : registered(new Set([member]));
  } else nodes = [...registered(new Set(fg.group.Instances.map((i) => i.InstanceId))), ...templates];
  // Size: what a new instance of the node's type offers (its template: registered room less daemons) —
  // of a type the group no longer launches too (its launch template moved on: random world 973442, three
  // idle t3.medium kept for good for a task no t3 holds, "able to run" as a size without a template).
  // Built once per type (kept with the templates; `nodes` is already a copy).
  const holds = (n: PlacementNode, r: TaskRequirements) => {
    let t = n.isNew ? n : templates.find((x) => x.instanceType === n.instanceType);
    const reg = !t && n.instanceType ? instanceTypeCapacity(n.instanceType) : undefined;
    if (reg) {
      t = placement.templateOf(n.instanceType!, reg, fg.capacityProvider, fg.fleet.group);
      templates.push(t);
    }
    return !t || copiesThatFit(r.resources, t.free) > 0;
  };
  return reqs.some((r) => !r || nodes.some((n) => runsOn(n, r) && holds(n, r)));
};

/**
 * The cluster's placement view with one template per type any managed group launches (first by group
 * order, then each group's launch order; types of unknown size left out): a waiting task is unplaceable
 * only when no group can ever run it.
 */
export const fleetPlacement = (placement: ClusterPlacement, fgs: readonly FleetGroup[]): ClusterPlacement => {
  const seen = new Set<string>();
  const templates: PlacementNode[] = [];
  for (const fg of fgs) {
    // A group whose order is known (prioritized) launches its first type, one on on-demand lowest-price its
    // cheapest per unit: a task only another type could run is not placed by growing it (fleet.ts
    // `arrivingTypes`).
    for (const o of fg.fleet.orderKnown ? fg.fleet.options.slice(0, 1) : fg.fleet.arriving) {
      // Per group: groups of one type may register different custom attributes (templateNode).
      const key = `${fg.fleet.group}|${o.instanceType}`;
      if (seen.has(key)) continue;
      const node = optionNode(placement, o, fg.capacityProvider, fg.fleet.group);
      if (!node) continue;
      seen.add(key);
      templates.push(node);
    }
  }
  // Tasks bound to the providers of groups another controller drives are theirs (waiting-tasks.ts).
  const grown = new Set(fgs.flatMap((fg) => (!fg.aside && fg.capacityProvider ? [fg.capacityProvider] : [])));
  return withTemplates(placement, templates.length > 0 ? templates : placement.templates, grown);
};

/** In-flight instances of every group as placement nodes: booting members by type, the rest as arrives. */
const inFlightNodes = (
  placement: ClusterPlacement,
  fgs: readonly FleetGroup[],
  analysis: CapacityAnalysis,
): PlacementNode[] =>
  inFlightSlots(fgs, analysis).flatMap(({ id, fleet, member, arrival }) => {
    const type = member?.InstanceType;
    const option =
      (member && fleet.options.find((o) => o.instanceType === type && o.registered)) ?? arrival?.option;
    const provider = fgs.find((f) => f.fleet === fleet)?.capacityProvider;
    const node = option && optionNode(placement, option, provider, fleet.group);
    // A booting member is in the AZ its group launched it in.
    const az = member?.AvailabilityZone;
    return node ? [{ ...node, id, ...(az ? { zones: [az] } : {}) }] : [];
  });

/** The service (or `headroom`) a demand stands for, for reasons. */
const demandName = (d: Demand): string => (d.key === 'headroom' ? 'the headroom' : d.req.group);

/**
 * The cost per task of a new instance by the placement model: the copies one instance holds by its rules,
 * not by size alone — one per host with a static host port, as many as its ENIs with task ENIs (random
 * world 23112, eleventh stop: a task with host port 80 went to m5.2xlarge, "3 copies per instance", over
 * c5.xlarge at 1; the hosts were twice the price, and its old revision then held the only hosts its new
 * one ran on).
 */
const modelCost = (option: LaunchOption, node: PlacementNode, d: Demand): number => {
  const cost = costPerTask(option, d.req.resources);
  if (!Number.isFinite(cost)) return cost;
  const copies = copiesThatFit(d.req.resources, option.free!);
  const n = Math.min(copies, 64);
  const left = placeTasks([{ ...d, count: n }], [], { templates: [node], maxNew: 1 }).unplaced;
  const held = n - left.reduce((k, u) => k + u.count, 0);
  return held >= n ? cost : held > 0 ? (cost * copies) / held : Infinity;
};

/** Sizes each group's growth with the placement model (module comment). */
export const sizeFleetWithModel = (
  placement: ClusterPlacement,
  waiting: readonly WaitingTasks[],
  headroom: ModelHeadroom | undefined,
  fgs: readonly FleetGroup[],
  analysis: CapacityAnalysis,
): FleetModelSizing => {
  const demands = modelDemands(placement, waiting, headroom);
  const now = placeTasks(demands, [...placement.nodes, ...inFlightNodes(placement, fgs, analysis)]);
  const groups = growableGroups(fgs);
  const growth: GroupGrowth[] = [];
  const blocked = new Set<string>();
  const problems: string[] = [];
  const full = new Set<string>();
  let deficit = 0;
  let pending: Demand[] = now.unplaced.map((u) => ({ key: u.key, req: u.req, count: u.count }));
  for (let round = 0; round <= groups.length && pending.length > 0; round++) {
    const byGroup = new Map<
      GrowableGroup,
      { demands: Demand[]; option: LaunchOption; node: PlacementNode; why: string }
    >();
    const next: Demand[] = [];
    for (const d of pending) {
      const ranked = groups
        .filter((g) => !full.has(g.fleet.group))
        .flatMap((g) => {
          const arrival = arrivalOption(g.fleet, [d.req.resources], (o) => {
            const n = optionNode(placement, o, g.capacityProvider, g.fleet.group);
            return n !== undefined && accepts(n, d.req);
          });
          const node = arrival && optionNode(placement, arrival.option, g.capacityProvider, g.fleet.group);
          return arrival && node && accepts(node, d.req)
            ? [{ g, arrival, node, cost: modelCost(arrival.option, node, d) }]
            : [];
        })
        .sort(growthOrder);
      if (ranked.length === 0) {
        if (round === 0) {
          problems.push(
            `${d.count} task(s) of ${demandName(d)}: no type a managed group launches takes them by ${MODEL}`,
          );
        }
        continue;
      }
      if (ranked.every((c) => c.g.aside)) {
        if (round === 0) problems.push(leftToOthers(d.count, demandName(d), ranked));
        continue;
      }
      const open = ranked.filter((c) => !c.g.blocked);
      for (const c of open.length === 0 ? ranked : []) blocked.add(`${c.g.fleet.group}: ${c.g.blocked}`);
      const best = open[0] ?? ranked[0]!;
      const why = `${best.arrival.why}; chosen for ${demandName(d)}: ${choiceWhy(
        best,
        ranked.filter((c) => c !== best),
      )}`;
      const entry = byGroup.get(best.g) ?? { demands: [], option: best.arrival.option, node: best.node, why };
      entry.demands.push(d);
      byGroup.set(best.g, entry);
    }
    for (const [g, { demands: gd, option, node, why }] of byGroup) {
      const want = placeTasks(gd, [], { templates: [node], balance: true }).newInstances.length;
      // The deficit is before guards: what the tasks need, counted once (first round).
      if (round === 0) deficit += want;
      if (g.blocked) continue;
      const cap = growthCap(g, option);
      const got = placeTasks(gd, [], { templates: [node], maxNew: cap, balance: true });
      const overflow = got.unplaced.filter((u) => u.reason === 'max-instances');
      const instances = got.newInstances.length;
      if (instances > 0) {
        growth.push(
          groupGrowth(g, option, {
            instances,
            wanted: want,
            cap,
            tasks: got.placedOnNew,
            reasons: [
              why,
              `${MODEL} needs ${want} new ${option.instanceType || 'instance'}(s) for what this group takes`,
              ...idleLaunches(got.newInstances),
            ],
            capped: overflow.length > 0,
          }),
        );
      }
      if (overflow.length > 0) {
        full.add(g.fleet.group);
        next.push(...overflow.map((u) => ({ key: u.key, req: u.req, count: u.count })));
      }
    }
    pending = next;
  }
  return { deficit, growth, blocked: [...blocked], problems };
};

/**
 * The scale-out of several groups with placement rules in play: the model's sizing when it needs at
 * least as many instances as CPU/memory packing (it sees every rule CPU/memory sees and more), else the
 * CPU/memory sizing. Reactivations, wants and CPU/memory's problems are kept.
 */
export const withFleetModel = (
  cpuMemory: FleetScaleOutAssessment,
  model: FleetModelSizing,
): FleetScaleOutAssessment =>
  model.deficit >= cpuMemory.deficit && model.deficit > 0
    ? {
        ...cpuMemory,
        deficit: model.deficit,
        growth: model.growth,
        blocked: [...new Set([...cpuMemory.blocked, ...model.blocked])],
        problems: [...cpuMemory.problems, ...model.problems],
      }
    : cpuMemory;
