/**
 * Places tasks on nodes by ECS's rules (rules.ts) and strategies, then on new instances.
 *
 * Each task goes where ECS would put it: among the nodes that take it (every rule), the strategies pick in
 * order (`binpack`: least remaining cpu/memory; `spread`: the bucket — instance or attribute value such as
 * the AZ — holding the fewest tasks of the task's group; `random` and no strategy: the first node, as
 * first-fit). When no node takes it, a new instance of the first template type that takes it is opened.
 * Pure; does not mutate its inputs. Demands are placed largest first (dominant share of a new instance).
 */
import { type Resources, subtractResources } from '../capacity/resources.js';
import type { PlacementNode } from './nodes.js';
import type { TaskRequirements } from './requirements.js';
import { type Refusal, refusal } from './rules.js';

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
  /** Where each placed task went (demand key, node id), in placement order. */
  assignments: { key: string; nodeId: string }[];
  /** Every node after placement (existing first, then new ones). */
  nodes: PlacementNode[];
}

interface Work extends PlacementNode {
  free: Resources;
  tcpPortsUsed: Set<number>;
  udpPortsUsed: Set<number>;
  groups: Map<string, number>;
}

const work = (n: PlacementNode): Work =>
  ({
    ...n,
    tcpPortsUsed: n.tcpPortsUsed as Set<number>,
    udpPortsUsed: n.udpPortsUsed as Set<number>,
    groups: n.groups as Map<string, number>,
    owned: false,
  }) as Work;

/** Takes the task on `n` (copy-on-write of the shared sets). */
const take = (n: Work & { owned?: boolean }, req: TaskRequirements): void => {
  if (!n.owned) {
    n.tcpPortsUsed = new Set(n.tcpPortsUsed);
    n.udpPortsUsed = new Set(n.udpPortsUsed);
    n.groups = new Map(n.groups);
    n.owned = true;
  }
  n.free = subtractResources(n.free, req.resources);
  for (const p of req.tcpPorts) n.tcpPortsUsed.add(p);
  for (const p of req.udpPorts) n.udpPortsUsed.add(p);
  n.enisFree -= req.enis;
  n.groups.set(req.group, (n.groups.get(req.group) ?? 0) + 1);
  n.runningTasks++;
};

const share = (r: Resources, scale: Resources | undefined): number => {
  let s = 0;
  for (const d of ['CPU', 'MEMORY', 'GPU'] as const) {
    const den = scale && scale[d] > 0 ? scale[d] : 1;
    s = Math.max(s, r[d] / den);
  }
  return s;
};

const bucketOf = (n: PlacementNode, field: string): string => {
  if (field === 'instanceId' || field === 'host') return n.id;
  const name = field.startsWith('attribute:') ? field.slice('attribute:'.length) : field;
  return n.attributes.get(name) ?? `(none:${n.id})`;
};

/** Chooses among candidates by the strategies (lexicographic), first in order on ties. */
const choose = (cands: Work[], all: readonly Work[], req: TaskRequirements): Work => {
  let best = cands;
  for (const s of req.strategy) {
    if (best.length === 1) break;
    let key: (n: Work) => number;
    if (s.type === 'binpack') {
      const field = s.field === 'cpu' ? 'CPU' : 'MEMORY';
      key = (n) => n.free[field];
    } else if (s.type === 'spread') {
      const field = s.field ?? 'instanceId';
      const counts = new Map<string, number>();
      if (field !== 'instanceId' && field !== 'host') {
        for (const n of all) {
          const b = bucketOf(n, field);
          counts.set(b, (counts.get(b) ?? 0) + (n.groups.get(req.group) ?? 0));
        }
      }
      key = (n) => (counts.size > 0 ? (counts.get(bucketOf(n, field)) ?? 0) : (n.groups.get(req.group) ?? 0));
    } else continue;
    let min = Number.POSITIVE_INFINITY;
    let next: Work[] = [];
    for (const n of best) {
      const k = key(n);
      if (k < min) {
        min = k;
        next = [n];
      } else if (k === min) next.push(n);
    }
    best = next;
  }
  return best[0]!;
};

/** Places the demands. See the module comment. */
export const placeTasks = (
  demands: readonly Demand[],
  nodes: readonly PlacementNode[],
  options: PlaceOptions = {},
): PlaceResult => {
  const templates = options.templates ?? [];
  const maxNew = options.maxNew ?? Number.POSITIVE_INFINITY;
  const useStrategies = options.strategies ?? true;
  const open: Work[] = nodes.map(work);
  const scale = templates[0]?.free;
  const sorted = demands
    .filter((d) => d.count > 0)
    .map((d, i) => ({ d, i, s: share(d.req.resources, scale) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.d);
  const result: PlaceResult = {
    placedOnExisting: 0,
    placedOnNew: 0,
    newInstances: [],
    unplaced: [],
    assignments: [],
    nodes: open,
  };
  for (const demand of sorted) {
    const { req } = demand;
    const strategic = useStrategies && req.strategy.some((s) => s.type === 'binpack' || s.type === 'spread');
    // newOnly: ECS said the registered instances cannot take it; booting and new ones may.
    let cursor = 0;
    const allowed = (n: Work) => !demand.newOnly || n.isNew;
    let left = demand.count;
    while (left > 0) {
      let chosen: Work | undefined;
      if (strategic) {
        const cands: Work[] = [];
        for (let k = cursor; k < open.length; k++) {
          if (allowed(open[k]!) && !refusal(open[k]!, req)) cands.push(open[k]!);
        }
        if (cands.length > 0) chosen = choose(cands, open, req);
      } else {
        // First fit; a node that refused stays refused (nodes only fill up), so the cursor only advances.
        while (cursor < open.length && (!allowed(open[cursor]!) || refusal(open[cursor]!, req))) cursor++;
        chosen = open[cursor];
      }
      if (chosen) {
        take(chosen, req);
        if (chosen.isNew) result.placedOnNew++;
        else result.placedOnExisting++;
        result.assignments.push({ key: demand.key, nodeId: chosen.id });
        left--;
        continue;
      }
      const refusals: Unplaced['refusals'] = [];
      const kind = templates.find((t) => {
        const why = refusal(t, req);
        if (why) refusals.push({ instanceType: t.instanceType ?? t.id, refusal: why });
        return !why;
      });
      if (!kind || result.newInstances.length >= maxNew) {
        result.unplaced.push({
          key: demand.key,
          req,
          count: left,
          reason: kind ? 'max-instances' : 'no-type',
          refusals: kind ? [] : refusals,
        });
        break;
      }
      const node = work({ ...kind, id: `${kind.id}#${result.newInstances.length + 1}` });
      open.push(node);
      result.newInstances.push({ instanceType: kind.instanceType ?? kind.id, node });
    }
  }
  return result;
};
