/**
 * What an instance runs, inferred from the snapshot alone when its task list was not read (issue 19
 * reads lists only for the instances about to drain).
 *
 * DescribeContainerInstances gives, per instance, how many tasks it holds (`runningTasksCount` +
 * `pendingTasksCount`) and what they reserve in total (registered − remaining resources). The snapshot
 * gives the size of every service's task (its deployments' task definitions). When exactly one
 * combination of those sizes — n tasks, at most one task of each DAEMON service — adds up to the
 * reserved CPU, memory and GPU, that combination is what the instance runs. Anything else (no
 * combination: a standalone task of another size, a task between states; several combinations; a search
 * beyond its budget) is "unknown", and the caller keeps its conservative sizing (each task as large as
 * the largest).
 *
 * Use: counting how many instances could go (the scale-in staircase of unneeded.ts) and choosing which
 * lists to read. It never decides a drain on its own: an instance drains only once its list was read
 * (`drainReadOnly`, scale-cluster.ts), and the plan is then made on the real tasks.
 */
import { type InstanceView, isDaemon, serviceTaskDefinitions } from '../capacity/capacity.js';
import { type Resources, taskReservation } from '../capacity/resources.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';

/** One task size that may run on an instance. */
export interface TaskKind {
  /** The service, or the services of that size joined by `|` (replica kinds). */
  service: string;
  daemon: boolean;
  size: Resources;
}

/** A combination: how many tasks of each kind (indexes into the kinds). */
export type Combination = readonly number[];

/**
 * Label prefix of a placement item whose tasks were inferred, not listed: with placement rules in use
 * (ports, ENIs, attributes, constraints) sizes alone cannot say where they go, and the list is asked for
 * (placement-context.ts), as for the assumed-largest sizing.
 */
export const INFERRED_PREFIX = 'inferred ';

/** Search steps per instance before giving up (bounded work on a 5,000-instance cluster). */
export const INFER_BUDGET = 2_000;

/** The task kinds of the cluster's ACTIVE services, one per distinct (service, size), daemons included. */
export const taskKinds = (snapshot: ClusterSnapshot): TaskKind[] => {
  const kinds: TaskKind[] = [];
  for (const s of snapshot.services) {
    if (s.status !== 'ACTIVE') continue;
    const daemon = isDaemon(s);
    for (const arn of serviceTaskDefinitions(s)) {
      const td = snapshot.taskDefinitions.find((d) => d.taskDefinitionArn === arn);
      if (!td) continue;
      const size = taskReservation(td);
      // Replica tasks of one size are one kind whatever their service (moving them is the same
      // CPU/memory demand); each daemon service is its own kind (at most one task per instance).
      const same = kinds.find(
        (k) =>
          k.daemon === daemon &&
          (!daemon || k.service === s.serviceName) &&
          k.size.CPU === size.CPU &&
          k.size.MEMORY === size.MEMORY &&
          k.size.GPU === size.GPU,
      );
      if (!same) kinds.push({ service: s.serviceName, daemon, size });
      else if (!same.service.split('|').includes(s.serviceName)) same.service += `|${s.serviceName}`;
    }
  }
  return kinds;
};

/**
 * Every combination of `n` tasks of `kinds` (at most one per daemon service) whose reservations add up
 * to `reserved` exactly, stopping at two (ambiguous). Undefined when the search ran out of `budget`.
 */
export const combinations = (
  kinds: readonly TaskKind[],
  n: number,
  reserved: Resources,
  budget = INFER_BUDGET,
): Combination[] | undefined => {
  const found: Combination[] = [];
  const counts = kinds.map(() => 0);
  const daemonUsed = new Set<string>();
  let steps = 0;
  const visit = (i: number, left: number, cpu: number, mem: number, gpu: number): boolean => {
    if (++steps > budget) return false;
    if (left === 0) {
      if (cpu === 0 && mem === 0 && gpu === 0) found.push([...counts]);
      return found.length < 2;
    }
    if (i === kinds.length) return true;
    const k = kinds[i]!;
    const { CPU: c, MEMORY: m, GPU: g } = k.size;
    let most = left;
    if (c > 0) most = Math.min(most, Math.floor(cpu / c));
    if (m > 0) most = Math.min(most, Math.floor(mem / m));
    if (g > 0) most = Math.min(most, Math.floor(gpu / g));
    if (k.daemon) most = daemonUsed.has(k.service) ? 0 : Math.min(most, 1);
    // A kind of zero size could be taken any number of times: it is not told apart; take none.
    if (c === 0 && m === 0 && g === 0) most = 0;
    for (let x = most; x >= 0; x--) {
      counts[i] = x;
      if (k.daemon && x > 0) daemonUsed.add(k.service);
      const go = visit(i + 1, left - x, cpu - x * c, mem - x * m, gpu - x * g);
      if (k.daemon && x > 0) daemonUsed.delete(k.service);
      if (!go) {
        counts[i] = 0;
        return false;
      }
    }
    counts[i] = 0;
    return true;
  };
  const complete = visit(0, n, reserved.CPU, reserved.MEMORY, reserved.GPU);
  if (!complete && found.length < 2) return undefined;
  return found;
};

/** The non-daemon tasks an instance runs, when exactly one combination explains its counts. */
export const inferInstanceTasks = (
  kinds: readonly TaskKind[],
  ci: Pick<InstanceView, 'runningTasks' | 'pendingTasks' | 'reserved'>,
): { service: string; size: Resources; count: number }[] | undefined => {
  const n = ci.runningTasks + ci.pendingTasks;
  if (n === 0 || kinds.length === 0) return undefined;
  const found = combinations(kinds, n, ci.reserved);
  if (found?.length !== 1) return undefined;
  const only = found[0]!;
  return kinds
    .map((k, i) => ({ k, count: only[i]! }))
    .filter(({ k, count }) => !k.daemon && count > 0)
    .map(({ k, count }) => ({ service: k.service, size: k.size, count }));
};
