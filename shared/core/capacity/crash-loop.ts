/**
 * Crash loops (ecs-facts §3.4): a service whose tasks go PENDING → STOPPED without reaching RUNNING. ECS
 * counts them in the deployment's `failedTasks` (back to 0 once a task of the deployment runs) and, after
 * repeated failures, says the service "is unable to consistently start tasks successfully" — until a
 * steady-state event. Such a service's PENDING tasks hold their instance's room for seconds between
 * throttled retries: they stop, they do not run.
 */
import type { ClusterSnapshot, Service, Task } from '../snapshot/snapshot.js';
import { addResources, type Resources, taskReservation, ZERO } from './resources.js';

/** ECS's crash-loop service event text. */
export const CRASH_EVENT = /unable to consistently start tasks/;
const STEADY = /has reached a steady state/;

/** The newest event of a kind, unless a steady-state event came after it (events are newest first). */
export const newestServiceEvent = (
  s: Service,
  re: RegExp,
): { message: string; createdAt: string | undefined } | undefined => {
  for (const e of s.events ?? []) {
    if (STEADY.test(e.message)) return undefined;
    if (re.test(e.message)) return { message: e.message, createdAt: e.createdAt };
  }
  return undefined;
};

/** Whether the service crash-loops now: failed tasks in a deployment, or ECS's crash-loop event. */
export const isCrashLooping = (s: Service): boolean =>
  s.deployments.some((d) => (d.failedTasks ?? 0) > 0) || newestServiceEvent(s, CRASH_EVENT) !== undefined;

/** Task states before RUNNING: the task holds its room but has not started. */
const NOT_STARTED = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/**
 * Per container instance, the room held by listed tasks of crash-looping REPLICA services that have not
 * started: they stop within seconds (each retry fails before RUNNING), so the room is free for every
 * decision. Counting it as taken made a retry that happened to be PENDING at a tick look like missing
 * headroom: the scaler bought an instance, drained it later, bought it again at the next retry (random
 * worlds, wave 2 sixth stop). Empty without task lists.
 */
export const crashLoopRoom = (
  snapshot: Pick<ClusterSnapshot, 'services' | 'tasks' | 'taskDefinitions'>,
): Map<string, Resources> => {
  const out = new Map<string, Resources>();
  const defs = new Map(snapshot.taskDefinitions.map((d) => [d.taskDefinitionArn, d]));
  for (const t of crashRetries(snapshot)) {
    const td = defs.get(t.taskDefinitionArn);
    if (!td) continue;
    out.set(
      t.containerInstanceArn!,
      addResources(out.get(t.containerInstanceArn!) ?? ZERO, taskReservation(td)),
    );
  }
  return out;
};

const RETRIES = new WeakMap<object, Set<Task>>();

/**
 * The listed tasks that are a crash loop's retries (not started, of a crash-looping REPLICA service): they
 * stop within seconds, so they hold neither room nor an instance — a drained instance with one is empty
 * (random world 991266: the last idle host, holding a retry at the decision that drained the others, stayed
 * 10 minutes more).
 */
export const crashRetries = (snapshot: Pick<ClusterSnapshot, 'services' | 'tasks'>): Set<Task> => {
  const tasks = snapshot.tasks ?? [];
  let out = RETRIES.get(tasks);
  if (out) return out;
  const crashing = new Set(
    snapshot.services
      .filter((s) => s.status === 'ACTIVE' && s.schedulingStrategy !== 'DAEMON' && isCrashLooping(s))
      .map((s) => `service:${s.serviceName}`),
  );
  out = new Set(
    tasks.filter(
      (t) => t.containerInstanceArn && crashing.has(t.group ?? '') && NOT_STARTED.has(t.lastStatus ?? ''),
    ),
  );
  RETRIES.set(tasks, out);
  return out;
};

/** At most this many instances' task lists are asked for a crash loop's retries per decision. */
const CRASH_READS = 20;

/**
 * The instances whose task lists would show a crash loop's retries ({@link crashLoopRoom}): ACTIVE ones
 * with pending tasks and no listed task, while a service crash-loops. The cluster scaler reads them
 * (`needsTasks`) and plans again. Not only while the service counts a pending task: a retry being stopped
 * (PENDING, desired STOPPED) is no longer the service's pending task but still holds its instance's room
 * for a second or two — read at that moment it looked like lost headroom, and an instance was bought
 * (random world 15601, tenth stop).
 */
export const crashLoopReads = (
  snapshot: Pick<ClusterSnapshot, 'services' | 'tasks' | 'containerInstances'>,
): string[] => {
  const retrying = snapshot.services.some(
    (s) => s.status === 'ACTIVE' && s.schedulingStrategy !== 'DAEMON' && isCrashLooping(s),
  );
  if (!retrying) return [];
  const listed = new Set((snapshot.tasks ?? []).map((t) => t.containerInstanceArn));
  return snapshot.containerInstances
    .filter(
      (ci) => ci.status === 'ACTIVE' && ci.pendingTasksCount > 0 && !listed.has(ci.containerInstanceArn),
    )
    .slice(0, CRASH_READS)
    .map((ci) => ci.containerInstanceArn);
};
