/**
 * Places tasks on nodes by ECS's rules (rules.ts) and strategies, then on new instances.
 *
 * Each task goes where ECS would put it: among the nodes that take it (every rule), the strategies pick in
 * order (`binpack`: least remaining cpu/memory; `spread`: the bucket — instance or attribute value such as
 * the AZ — holding the fewest tasks of the task's group; `random` and no strategy: the first node, as
 * first-fit). When no node takes it, a new instance of the first template type that takes it is opened.
 * Pure; does not mutate its inputs. Demands are placed largest first (dominant share of a new instance).
 */
import type { Resources } from '../capacity/resources.js';
import type { PlacementNode } from './nodes.js';
import type { TaskRequirements } from './requirements.js';
import { accepts, type Refusal, refusal } from './rules.js';

/** `count` tasks with the same requirements. */
export interface Demand {
  key: string;
  req: TaskRequirements;
  count: number;
  /** Only new instances may take these (ECS said the current ones cannot). */
  newOnly?: boolean;
}

/** Options of {@link placeTasks}. */
export interface PlaceOptions {
  /** New-instance kinds (template nodes), in preference order. Omit: no new instances. */
  templates?: readonly PlacementNode[];
  /** At most this many new instances. Default unbounded. */
  maxNew?: number;
  /** Apply the demands' placement strategies (default true); false: first fit. */
  strategies?: boolean;
  /** Record where each task went (`assignments`); default false (large checks place thousands). */
  record?: boolean;
  /**
   * Among nodes the strategies leave tied, ECS picks at random: lower ranks first (default: node order).
   * The scale-in check ranks the ties adversarially (placement-context.ts).
   */
  tieRank?: (n: PlacementNode, req: TaskRequirements) => number;
  /**
   * Place the smallest demands first (default: the largest first), demands of the same size in the
   * reverse order too: the exact reverse of the default. ECS places service by service, in an order it
   * does not document: the scale-in check asks both orders (placement-context.ts). Equal sizes once kept
   * their order, so both "orders" were one (random world 10621, eleventh stop: a 256-CPU, 2,048-MiB
   * awsvpc task and a 2,048-CPU, 2,048-MiB host-port task; ECS placed the small one first, spread by AZ,
   * on the one host the large one needed).
   */
  smallestFirst?: boolean;
  /**
   * Where ECS picks at random — among the nodes a demand's strategies leave tied, or among all that take
   * a demand without `binpack` or `spread` — the task goes to the emptiest, one task at a time: the
   * scale-in check must hold for the pick that wastes the most room (placement-context.ts). Replaces
   * `tieRank`.
   */
  worstFit?: boolean;
  /**
   * Instances that take no task but whose tasks still count in a spread by attribute: those that drain
   * (DRAINING, or about to), whose tasks run until their replacements start (ECS balances the AZs over
   * all its instances).
   */
  leaving?: readonly PlacementNode[];
  /**
   * New instances land where their group's AZ balancing puts them (templates' `zoneCounts`): a task bound
   * to an AZ first opens the launches that land in the others. Sizing only: a count of copies per
   * instance must not walk.
   */
  balance?: boolean;
}

/** Tasks of a demand that found no place. */
export interface Unplaced {
  key: string;
  req: TaskRequirements;
  count: number;
  /** `no-type`: no template takes the task; `max-instances`: `maxNew` reached. */
  reason: 'no-type' | 'max-instances';
  /** Why each template refuses it (for `no-type`). */
  refusals: { instanceType: string; refusal: Refusal }[];
}

/** The outcome of {@link placeTasks}. */
export interface PlaceResult {
  placedOnExisting: number;
  placedOnNew: number;
  /** New instances opened, by template type. */
  newInstances: { instanceType: string; node: PlacementNode }[];
  unplaced: Unplaced[];
  /** Where each placed task went (demand key, node id), in placement order, when `record` is set. */
  assignments: { key: string; nodeId: string }[];
  /** Every node after placement (existing first, then new ones). */
  nodes: PlacementNode[];
}

interface Work extends PlacementNode {
  free: Resources;
  tcpPortsUsed: Set<number>;
  udpPortsUsed: Set<number>;
  groups: Map<string, number>;
  /** This placement's own copy (the input nodes are never mutated). */
  owned: true;
  /** Whether the port sets are this copy's own yet (copied when a task with host ports lands). */
  ownPorts: boolean;
}

/** A working copy of a node, made when it first takes a task (copy-on-write). */
const work = (n: PlacementNode): Work =>
  (n as Partial<Work>).owned
    ? (n as Work)
    : {
        ...n,
        tcpPortsUsed: n.tcpPortsUsed as Set<number>,
        udpPortsUsed: n.udpPortsUsed as Set<number>,
        groups: n.groups.size > 0 ? new Map(n.groups) : new Map(),
        owned: true,
        ownPorts: false,
      };

/** Takes `m` copies of the task on `n` (a working copy). */
const take = (n: Work, req: TaskRequirements, m: number): void => {
  n.free = {
    CPU: n.free.CPU - m * req.resources.CPU,
    MEMORY: n.free.MEMORY - m * req.resources.MEMORY,
    GPU: n.free.GPU - m * req.resources.GPU,
  };
  if (!n.ownPorts && (req.tcpPorts.length > 0 || req.udpPorts.length > 0)) {
    n.tcpPortsUsed = new Set(n.tcpPortsUsed);
    n.udpPortsUsed = new Set(n.udpPortsUsed);
    n.ownPorts = true;
  }
  for (const p of req.tcpPorts) n.tcpPortsUsed.add(p);
  for (const p of req.udpPorts) n.udpPortsUsed.add(p);
  n.enisFree -= m * req.enis;
  n.groups.set(req.group, (n.groups.get(req.group) ?? 0) + m);
  n.runningTasks += m;
};

/**
 * How many copies of the task the node takes at once (0: it refuses one): resources divide, a static host
 * port or `distinctInstance` allows one, ENIs divide; attributes and `memberOf` are all or nothing.
 */
const copiesFit = (n: PlacementNode, req: TaskRequirements): number => {
  if (!accepts(n, req)) return 0;
  let k = Infinity;
  for (const d of ['CPU', 'MEMORY', 'GPU'] as const) {
    if (req.resources[d] > 0) k = Math.min(k, Math.floor(n.free[d] / req.resources[d]));
  }
  if (req.tcpPorts.length > 0 || req.udpPorts.length > 0 || req.distinctInstance) k = Math.min(k, 1);
  if (req.enis > 0) k = Math.min(k, Math.floor(n.enisFree / req.enis));
  return Math.max(1, k);
};

const share = (r: Resources, scale: Resources | undefined): number => {
  let s = 0;
  for (const d of ['CPU', 'MEMORY', 'GPU'] as const) {
    const den = scale && scale[d] > 0 ? scale[d] : 1;
    s = Math.max(s, r[d] / den);
  }
  return s;
};

/**
 * A demand's spread buckets (attribute value, or the node itself without one) and their task counts of the
 * demand's group, by field: built once per demand and kept up to date as its tasks land (`put`), rather
 * than recounted over every node for every task.
 */
type Spreads = Map<string, { buckets: string[]; counts: Map<string, number> }>;

const spreadOf = (
  spreads: Spreads,
  all: readonly PlacementNode[],
  req: TaskRequirements,
  field: string,
  leaving: readonly PlacementNode[] = [],
) => {
  const name = field.startsWith('attribute:') ? field.slice(10) : field;
  const bucket = (n: PlacementNode) => n.attributes.get(name) ?? `(none:${n.id})`;
  let sp = spreads.get(field);
  if (!sp) {
    sp = { buckets: [], counts: new Map() };
    spreads.set(field, sp);
    for (const n of leaving)
      sp.counts.set(bucket(n), (sp.counts.get(bucket(n)) ?? 0) + (n.groups.get(req.group) ?? 0));
  }
  for (let i = sp.buckets.length; i < all.length; i++) {
    const n = all[i]!;
    const b = bucket(n);
    sp.buckets.push(b);
    sp.counts.set(b, (sp.counts.get(b) ?? 0) + (n.groups.get(req.group) ?? 0));
  }
  return sp;
};

/**
 * Chooses among candidates by the strategies (lexicographic; none with `strategies` off), then the emptiest
 * with `worstFit`, else `tieRank`, first in order on ties.
 */
const choose = (
  cands: number[],
  all: readonly PlacementNode[],
  req: TaskRequirements,
  spreads: Spreads,
  options: PlaceOptions,
  strategies = true,
  rest: readonly Demand[] = [],
  at = 0,
): number => {
  const { tieRank, worstFit } = options;
  let best = cands;
  for (const s of strategies ? req.strategy : []) {
    if (best.length === 1) break;
    let key: (n: PlacementNode, i: number) => number;
    if (s.type === 'binpack') {
      const field = s.field === 'cpu' ? 'CPU' : 'MEMORY';
      key = (n) => n.free[field];
    } else if (s.type === 'spread') {
      const field = s.field ?? 'instanceId';
      if (field === 'instanceId' || field === 'host') key = (n) => n.groups.get(req.group) ?? 0;
      else {
        const sp = spreadOf(spreads, all, req, field, options.leaving);
        key = (_n, i) => sp.counts.get(sp.buckets[i]!) ?? 0;
      }
    } else continue;
    let min = Infinity;
    let next: number[] = [];
    for (const i of best) {
      const k = key(all[i]!, i);
      if (k < min) {
        min = k;
        next = [i];
      } else if (k === min) next.push(i);
    }
    best = next;
  }
  if (worstFit && best.length > 1) {
    // The pick that costs the other moved tasks most: a node more of the tasks still to place (the demands
    // after `at` in `rest`) can use — the one arm64 host an arm64 task needs, not an emptier x86 one —
    // then the emptiest of those. Passed as the list and an index: no copy per task placed.
    let top = -1;
    let most: number[] = [];
    for (const i of best) {
      const k = rest.filter((d, j) => j > at && accepts(all[i]!, d.req)).length;
      if (k > top) {
        top = k;
        most = [];
      }
      if (k === top) most.push(i);
    }
    return emptiest(most, all);
  }
  if (tieRank && best.length > 1) {
    let pick = best[0]!;
    let low = tieRank(all[pick]!, req);
    for (const i of best) {
      const r = tieRank(all[i]!, req);
      if (r < low) {
        low = r;
        pick = i;
      }
    }
    return pick;
  }
  return best[0]!;
};

/**
 * Of the candidate nodes, the one with the most room left for a task of any shape: the largest of its
 * smaller free fraction (CPU, memory) against the candidates' largest free. -1 when there is none.
 */
const emptiest = (cands: readonly number[], all: readonly PlacementNode[]): number => {
  let cpu = 0;
  let mem = 0;
  for (const k of cands) {
    cpu = Math.max(cpu, all[k]!.free.CPU);
    mem = Math.max(mem, all[k]!.free.MEMORY);
  }
  let pick = -1;
  let most = Number.NEGATIVE_INFINITY;
  for (const k of cands) {
    const f = all[k]!.free;
    const room = Math.min(cpu > 0 ? f.CPU / cpu : 1, mem > 0 ? f.MEMORY / mem : 1);
    if (room > most) {
      most = room;
      pick = k;
    }
  }
  return pick;
};

/** Places the demands. See the module comment. */
export const placeTasks = (
  demands: readonly Demand[],
  nodes: readonly PlacementNode[],
  options: PlaceOptions = {},
): PlaceResult => {
  const templates = options.templates ?? [];
  const maxNew = options.maxNew ?? Infinity;
  const useStrategies = options.strategies ?? true;
  const open: PlacementNode[] = [...nodes];
  const scale = templates[0]?.free;
  const sorted = demands
    .filter((d) => d.count > 0)
    .map((d, i) => ({ d, i, s: share(d.req.resources, scale) }))
    .sort((a, b) => (options.smallestFirst ? a.s - b.s || b.i - a.i : b.s - a.s || a.i - b.i))
    .map((x) => x.d);
  const result: PlaceResult = {
    placedOnExisting: 0,
    placedOnNew: 0,
    newInstances: [],
    unplaced: [],
    assignments: [],
    nodes: open,
  };
  // Members per AZ of each group, as the new instances of this call join them.
  const walk = new Map<string, number[]>();
  let spreads: Spreads = new Map();
  const put = (k: number, key: string, req: TaskRequirements, m: number): void => {
    const n = work(open[k]!);
    open[k] = n;
    take(n, req, m);
    for (const sp of spreads.values()) {
      const b = sp.buckets[k];
      if (b !== undefined) sp.counts.set(b, (sp.counts.get(b) ?? 0) + m);
    }
    if (n.isNew) result.placedOnNew += m;
    else result.placedOnExisting += m;
    if (options.record) for (let j = 0; j < m; j++) result.assignments.push({ key, nodeId: n.id });
  };
  for (const [at, demand] of sorted.entries()) {
    const { req } = demand;
    spreads = new Map();
    const strategic = useStrategies && req.strategy.some((s) => s.type === 'binpack' || s.type === 'spread');
    // newOnly: ECS said the registered instances cannot take it; booting and new ones may.
    const allowed = (n: PlacementNode) => !demand.newOnly || n.isNew;
    let cursor = 0;
    let left = demand.count;
    while (left > 0) {
      if (strategic || options.worstFit) {
        // One task at a time: the strategies re-rank after every placement, as ECS does (worstFit without
        // a strategy: every node that takes the task is a tie).
        const cands: number[] = [];
        for (let k = 0; k < open.length; k++) if (allowed(open[k]!) && accepts(open[k]!, req)) cands.push(k);
        if (cands.length > 0) {
          put(choose(cands, open, req, spreads, options, strategic, sorted, at), demand.key, req, 1);
          left--;
          continue;
        }
      } else {
        // First fit, as many copies as the node takes at once; a node that refused stays refused (nodes
        // only fill up), so the cursor only advances.
        let placed = false;
        while (cursor < open.length) {
          const n = open[cursor]!;
          const m = allowed(n) ? Math.min(left, copiesFit(n, req)) : 0;
          if (m > 0) {
            put(cursor, demand.key, req, m);
            left -= m;
            placed = true;
            break;
          }
          cursor++;
        }
        if (placed) continue;
      }
      const refusals: Unplaced['refusals'] = [];
      const kind = templates.find((t) => {
        const why = refusal(t, req);
        if (why) refusals.push({ instanceType: t.instanceType ?? t.id, refusal: why });
        return !why;
      });
      // The group launches in the AZ with the fewest members (AWS "Auto Scaling group Availability Zone
      // distribution"; how it breaks a tie is not documented: taken to be against the task, so one ask
      // reaches its AZ): a launch that lands in another AZ than the task's is opened empty, and the next
      // one tried (random world 282092: 11 launches, one a minute, before one landed in the AZ of a task a
      // Spot reclaim had taken).
      // `kind` takes the task (refusal above), so a launch fails it only by landing in an AZ it refuses.
      const zc = options.balance ? kind?.zoneCounts : undefined;
      let fits = false;
      while (kind && !fits && result.newInstances.length < maxNew) {
        let zones = kind.zones;
        fits = true;
        if (zc && zones) {
          const c = walk.get(zc.group) ?? [...zc.counts];
          walk.set(zc.group, c);
          const least = Math.min(...c);
          const ties = zones.filter((_, i) => c[i] === least);
          const away = ties.find((t) => refusal({ ...kind, zones: [t] }, req));
          const z = away ?? ties[0]!;
          fits = away === undefined;
          c[zones.indexOf(z)]!++;
          zones = [z];
        }
        const node = work({ ...kind, id: `${kind.id}#${result.newInstances.length + 1}`, zones });
        open.push(node);
        result.newInstances.push({ instanceType: kind.instanceType ?? kind.id, node });
      }
      if (!fits) {
        result.unplaced.push({
          key: demand.key,
          req,
          count: left,
          reason: kind ? 'max-instances' : 'no-type',
          refusals: kind ? [] : refusals,
        });
        break;
      }
    }
  }
  return result;
};
