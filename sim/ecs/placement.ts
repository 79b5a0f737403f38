/**
 * Task placement, following "Amazon ECS task placement" (developer guide):
 *  1. keep container instances that are ACTIVE, connected, and have the CPU, memory, GPU, TCP and UDP
 *     host ports and (awsvpc) a free task ENI slot — max ENIs − 1, or the trunk limit on a trunked host;
 *  1b. keep those that carry the task definition's requiresAttributes and its runtimePlatform architecture;
 *  2. keep those that satisfy the placement constraints;
 *  3. order them by the placement strategies, applied in the order given (later ones break ties);
 *  4. pick the first (remaining ties broken by the seeded random source).
 * binpack(field) prefers the least remaining `field`; spread(field) prefers the bucket with the fewest
 * tasks of the same group (service, or task group for standalone tasks); random is random.
 * When scaling in, binpack stops the task on the instance left with the most remaining resources, and
 * spread keeps AZ balance (random within the AZ) — same guide, "binpack" / "spread" rows.
 */
import type { Rng } from '../core/random.js';
import type {
  PlacementConstraint,
  PlacementStrategy,
  Reservation,
  SimContainerInstance,
  SimTask,
  SimTaskDefinition,
} from './model.js';
import { compileQuery } from './query.js';

/** What a task of `td` needs from any instance, whoever starts it (a service, a task set, RunTask). */
export const taskNeeds = (
  td: SimTaskDefinition,
): Pick<
  PlacementRequest,
  'reservation' | 'hostPorts' | 'hostPortsUdp' | 'awsvpc' | 'requiresAttributes' | 'cpuArchitecture'
> => ({
  reservation: td.reservation,
  hostPorts: td.hostPorts,
  hostPortsUdp: td.hostPortsUdp,
  awsvpc: td.awsvpc,
  requiresAttributes: td.requiresAttributes,
  ...(td.cpuArchitecture ? { cpuArchitecture: td.cpuArchitecture } : {}),
});

/** What a task needs from an instance. */
export interface PlacementRequest {
  reservation: Reservation;
  hostPorts: readonly number[];
  hostPortsUdp?: readonly number[];
  /** awsvpc: the task needs one task ENI slot. */
  awsvpc?: boolean;
  requiresAttributes?: ReadonlyArray<{ name: string; value?: string }>;
  cpuArchitecture?: string;
  /**
   * `awsvpc` with given subnets: the AZs of those subnets. ECS creates the task ENI in a subnet of the
   * host's AZ, so a host elsewhere cannot take the task (ATTRIBUTE; ecs-facts §2, §3.1).
   */
  zones?: ReadonlySet<string>;
  /** Group the task belongs to (`service:web`, `family:job`): the unit `spread` balances. */
  group: string;
  strategy: readonly PlacementStrategy[];
  constraints: readonly PlacementConstraint[];
  /**
   * A capacity provider strategy's providers: only their instances are candidates (ECS maps the task to
   * a provider before it places it). Undefined: launch type EC2, any instance.
   */
  capacityProviders?: ReadonlySet<string>;
}

/** Why an instance cannot take the task (ECS failure reasons). */
export type PlacementReason =
  | 'RESOURCE:CPU'
  | 'RESOURCE:MEMORY'
  | 'RESOURCE:GPU'
  | 'RESOURCE:PORTS'
  | 'RESOURCE:ENI'
  | 'ATTRIBUTE'
  // As RunTask's failures[].reason names them (ECS API "API failure reasons") and service events quote them.
  | 'MemberOf placement constraint unsatisfied'
  | 'DistinctInstance placement constraint unsatisfied';

/** Returns the first missing resource, or undefined when the task fits. */
export const misfit = (ci: SimContainerInstance, req: PlacementRequest): PlacementReason | undefined => {
  const r = req.reservation;
  if (r.cpu > ci.remaining.cpu) return 'RESOURCE:CPU';
  if (r.memory > ci.remaining.memory) return 'RESOURCE:MEMORY';
  if (r.gpu > ci.remaining.gpu) return 'RESOURCE:GPU';
  for (const p of req.hostPorts) if (ci.usedPorts.has(p)) return 'RESOURCE:PORTS';
  for (const p of req.hostPortsUdp ?? []) if (ci.usedPortsUdp.has(p)) return 'RESOURCE:PORTS';
  if (req.awsvpc) {
    let used = 0;
    for (const t of ci.tasks) if (t.taskDefinition.awsvpc && t.lastStatus !== 'STOPPED') used++;
    if (used >= ci.eniSlots) return 'RESOURCE:ENI';
  }
  return undefined;
};

/** Whether the instance lacks an attribute the task definition requires (ECS reason ATTRIBUTE). */
const lacksAttribute = (ci: SimContainerInstance, req: PlacementRequest): boolean => {
  if (req.cpuArchitecture) {
    const arch = ci.attributes.find((a) => a.name === 'ecs.cpu-architecture')?.value;
    if (arch !== req.cpuArchitecture) return true;
  }
  for (const need of req.requiresAttributes ?? []) {
    const have = ci.attributes.find((a) => a.name === need.name);
    if (!have || (need.value !== undefined && have.value !== need.value)) return true;
  }
  return false;
};

const attributeOf = (ci: SimContainerInstance, field: string): string => {
  if (field === 'instanceId' || field === 'host') return ci.arn;
  const name = field.startsWith('attribute:') ? field.slice('attribute:'.length) : field;
  return ci.attributes.find((a) => a.name === name)?.value ?? '';
};

const groupCount = (ci: SimContainerInstance, group: string): number => {
  let n = 0;
  for (const t of ci.tasks) if (t.group === group && t.desiredStatus === 'RUNNING') n++;
  return n;
};

/** Result of choosing an instance for one task. */
export type PlacementChoice =
  | { ok: true; instance: SimContainerInstance }
  | { ok: false; reason: PlacementReason | 'NO_INSTANCES'; instances: SimContainerInstance[] };

/** Per-loop memo of {@link chooseInstance} (see its `memo` parameter). */
export interface PlacementMemo {
  groupCounts: Map<SimContainerInstance, number>;
  buckets: Map<string, Map<SimContainerInstance, string>>;
}

/**
 * Chooses the container instance for one task among `instances` (all of the cluster), or reports why
 * none fits: the most common reason among ACTIVE instances, with the instances that failed for it.
 */
export const chooseInstance = (
  instances: Iterable<SimContainerInstance>,
  req: PlacementRequest,
  rng: Rng,
  /**
   * For a caller placing several tasks of one group in a row (nothing else changes in between): the
   * group's tasks per instance, filled as counted (the caller adds each task it places), and each
   * instance's spread bucket per field.
   */
  memo?: PlacementMemo,
): PlacementChoice => {
  const groupCounts = memo?.groupCounts;
  const countOf = groupCounts
    ? (ci: SimContainerInstance): number => {
        let n = groupCounts.get(ci);
        if (n === undefined) {
          n = groupCount(ci, req.group);
          groupCounts.set(ci, n);
        }
        return n;
      }
    : (ci: SimContainerInstance): number => groupCount(ci, req.group);
  const usable: SimContainerInstance[] = [];
  const reasons = new Map<PlacementReason, SimContainerInstance[]>();
  const constraintPreds = req.constraints
    .filter((c) => c.type === 'memberOf' && c.expression)
    .map((c) => compileQuery(c.expression!));
  const distinct = req.constraints.some((c) => c.type === 'distinctInstance');
  const providers = req.capacityProviders;
  for (const ci of instances) {
    if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
    if (providers && !providers.has(ci.capacityProviderName ?? '')) continue;
    let reason: PlacementReason | undefined = misfit(ci, req);
    if (!reason && (lacksAttribute(ci, req) || (req.zones && !req.zones.has(ci.az)))) reason = 'ATTRIBUTE';
    if (!reason && constraintPreds.some((p) => !p(ci))) reason = 'MemberOf placement constraint unsatisfied';
    if (!reason && distinct && countOf(ci) > 0) reason = 'DistinctInstance placement constraint unsatisfied';
    if (reason) {
      const list = reasons.get(reason) ?? [];
      list.push(ci);
      reasons.set(reason, list);
    } else {
      usable.push(ci);
    }
  }
  if (usable.length === 0) {
    let best: [PlacementReason, SimContainerInstance[]] | undefined;
    for (const entry of reasons) if (!best || entry[1].length > best[1].length) best = entry;
    return best
      ? { ok: false, reason: best[0], instances: best[1] }
      : { ok: false, reason: 'NO_INSTANCES', instances: [] };
  }
  const bucketOf = memo
    ? (ci: SimContainerInstance, field: string): string => {
        let byInstance = memo.buckets.get(field);
        if (!byInstance) {
          byInstance = new Map();
          memo.buckets.set(field, byInstance);
        }
        let b = byInstance.get(ci);
        if (b === undefined) {
          b = attributeOf(ci, field);
          byInstance.set(ci, b);
        }
        return b;
      }
    : attributeOf;
  return { ok: true, instance: rank(usable, req, rng, countOf, bucketOf) };
};

/**
 * Orders candidates lexicographically by the strategies, then randomly. Each strategy's key is computed
 * only when an earlier one left a tie, and each instance's bucket once per choice (keys are pure).
 */
const rank = (
  usable: SimContainerInstance[],
  req: PlacementRequest,
  rng: Rng,
  countOf: (ci: SimContainerInstance) => number,
  bucketOf: (ci: SimContainerInstance, field: string) => string,
): SimContainerInstance => {
  let best: SimContainerInstance[] = usable;
  for (const s of req.strategy) {
    if (best.length === 1) break;
    let key: (ci: SimContainerInstance) => number;
    if (s.type === 'binpack') {
      const f = s.field === 'cpu' ? 'cpu' : 'memory';
      key = (ci) => ci.remaining[f];
    } else if (s.type === 'spread') {
      const field = s.field ?? 'instanceId';
      if (field === 'instanceId' || field === 'host') {
        // One bucket per instance: its own count of the group.
        key = countOf;
      } else {
        const usableSet = new Set(usable);
        const buckets = new Map<string, number>();
        for (const ci of usable) {
          const b = bucketOf(ci, field);
          buckets.set(b, (buckets.get(b) ?? 0) + countOf(ci));
        }
        // A bucket's count must include instances that cannot take the task: AZ balance is over all.
        for (const ci of usable[0]!.cluster.instances.values()) {
          if (usableSet.has(ci) || ci.status === 'INACTIVE') continue;
          const b = bucketOf(ci, field);
          if (buckets.has(b)) buckets.set(b, buckets.get(b)! + countOf(ci));
        }
        key = (ci) => buckets.get(bucketOf(ci, field)) ?? 0;
      }
    } else continue;
    let min = Number.POSITIVE_INFINITY;
    let next: SimContainerInstance[] = [];
    for (const ci of best) {
      const k = key(ci);
      if (k < min) {
        min = k;
        next = [ci];
      } else if (k === min) next.push(ci);
    }
    best = next;
  }
  return best.length === 1 ? best[0]! : rng.pick(best);
};

/**
 * Picks which of a service's tasks to stop when scaling in (count `n`): tasks not RUNNING yet first,
 * then by the service's first strategy (binpack: the instance left with the most remaining `field`;
 * spread: the most loaded bucket, random inside it; random).
 */
export const chooseTasksToStop = (
  tasks: readonly SimTask[],
  n: number,
  strategy: readonly PlacementStrategy[],
  rng: Rng,
): SimTask[] => {
  const pool = [...tasks];
  const out: SimTask[] = [];
  const first = strategy[0];
  // spread: each task's bucket, and the bucket counts over the pool, kept up to date as tasks leave it.
  const spreadField = first?.type === 'spread' ? (first.field ?? 'instanceId') : undefined;
  const bucketOf = new Map<SimTask, string>();
  const counts = new Map<string, number>();
  if (spreadField !== undefined) {
    for (const t of pool) {
      const b = attributeOf(t.instance, spreadField);
      bucketOf.set(t, b);
      counts.set(b, (counts.get(b) ?? 0) + 1);
    }
  }
  while (out.length < n && pool.length > 0) {
    let idx = pool.findIndex((t) => t.lastStatus !== 'RUNNING');
    if (idx < 0 && first?.type === 'binpack') {
      const f = first.field === 'cpu' ? 'cpu' : 'memory';
      let bestVal = Number.NEGATIVE_INFINITY;
      pool.forEach((t, i) => {
        const v = t.instance.remaining[f] + t.taskDefinition.reservation[f];
        if (v > bestVal) {
          bestVal = v;
          idx = i;
        }
      });
    } else if (idx < 0 && first?.type === 'spread') {
      let max = 0;
      for (const c of counts.values()) if (c > max) max = c;
      const inMax: number[] = [];
      for (let i = 0; i < pool.length; i++) if (counts.get(bucketOf.get(pool[i]!)!) === max) inMax.push(i);
      idx = rng.pick(inMax);
    } else if (idx < 0) {
      idx = rng.int(pool.length);
    }
    const [gone] = pool.splice(idx, 1);
    out.push(gone!);
    if (spreadField !== undefined) {
      const b = bucketOf.get(gone!)!;
      counts.set(b, counts.get(b)! - 1);
    }
  }
  return out;
};
