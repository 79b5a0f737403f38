/**
 * Per-task facts about one container instance, from the snapshot's optional `tasks`.
 *
 * The snapshot's counts (`runningTasksCount`, `pendingTasksCount`) say how many tasks an instance holds,
 * not which: whether they are daemon tasks (which never block a drain) and how large each is. The handler
 * reads the tasks of the few instances the planner asks for ({@link ClusterPlan.needsTasks}); a snapshot
 * without them is planned conservatively.
 */

import type { CapacityAnalysis, InstanceView } from '../capacity/capacity.js';
import { crashRetries } from '../capacity/crash-loop.js';
import { type Resources, taskReservation } from '../capacity/resources.js';
import type { ClusterSnapshot, Service, Task } from '../snapshot/snapshot.js';
import { parseTaskSize } from '../snapshot/task-size.js';

/** What is known about the tasks of one instance. */
export interface InstanceTasks {
  /**
   * The snapshot lists every task the instance's counts announce (or the counts are zero). Per-task data
   * for an instance is complete when its not-STOPPED tasks are at least runningTasksCount + pendingTasksCount.
   */
  complete: boolean;
  /** Tasks that are not STOPPED and not of a DAEMON service: what a drain must wait for. */
  nonDaemon: Task[];
}

/** Whether a task belongs to one of the cluster's DAEMON services (`group` is `service:<name>`). */
const isDaemonTask = (t: Task, daemonServices: readonly string[]): boolean =>
  daemonServices.some((s) => t.group === `service:${s}`);

/**
 * Not-STOPPED tasks by container instance, built once per task list (the scale-in ranking asks for
 * every instance of a 5,000-instance cluster: one scan, not one per instance).
 */
const BY_INSTANCE = new WeakMap<readonly Task[], Map<string, Task[]>>();
const tasksByInstance = (tasks: readonly Task[]): Map<string, Task[]> => {
  let m = BY_INSTANCE.get(tasks);
  if (!m) {
    m = new Map();
    for (const t of tasks) {
      if (t.lastStatus === 'STOPPED' || t.containerInstanceArn === undefined) continue;
      const list = m.get(t.containerInstanceArn);
      if (list) list.push(t);
      else m.set(t.containerInstanceArn, [t]);
    }
    BY_INSTANCE.set(tasks, m);
  }
  return m;
};

/** The tasks on `instance` that a drain waits for, and whether the list is complete. */
export const instanceTasks = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  instance: InstanceView,
): InstanceTasks => {
  const announced = instance.runningTasks + instance.pendingTasks;
  const listed = tasksByInstance(snapshot.tasks ?? []).get(instance.containerInstanceArn) ?? [];
  return {
    complete: announced === 0 || listed.length >= announced,
    nonDaemon: listed.filter(
      (t) => !isDaemonTask(t, analysis.daemonServices) && !crashRetries(snapshot).has(t),
    ),
  };
};

/** Whether an instance certainly holds no task a drain waits for. Unknown → false. */
export const isEmpty = (tasks: InstanceTasks): boolean => tasks.complete && tasks.nonDaemon.length === 0;

/**
 * Whether an instance runs a non-daemon task, known without its list: a daemon service puts at most one
 * task on an instance, so more tasks than the cluster has daemon services means one (issue 19).
 */
export const runsNonDaemon = (ci: InstanceView, analysis: CapacityAnalysis): boolean =>
  ci.runningTasks + ci.pendingTasks > analysis.daemonServices.length;

const SERVICES = new WeakMap<object, Map<string, Service>>();

/** The ACTIVE service a task belongs to (its group `service:<name>`), undefined for any other task. */
const serviceOf = (snapshot: ClusterSnapshot, task: Task): Service | undefined => {
  let byName = SERVICES.get(snapshot.services);
  if (!byName) {
    byName = new Map(snapshot.services.filter((s) => s.status === 'ACTIVE').map((s) => [s.serviceName, s]));
    SERVICES.set(snapshot.services, byName);
  }
  return task.group?.startsWith('service:') ? byName.get(task.group.slice(8)) : undefined;
};

/**
 * The task definition of the task ECS starts in place of `task` when it moves (a drain): a service
 * task's replacement runs the service's PRIMARY deployment — a rolling update replaces old revisions —
 * and any other task its own. Random world 839 (ninth stop): a drained instance's old-revision task was
 * counted as moving onto the one idle instance, which stayed for good, while its replacement (the new,
 * larger revision) fit nowhere and the old task stayed where it was.
 */
export const replacementDefinition = (snapshot: ClusterSnapshot, task: Task): string => {
  const s = serviceOf(snapshot, task);
  return (
    // A task set replaces its own tasks (CodeDeploy blue/green, EXTERNAL): the task's own definition.
    (s &&
      !s.taskSets?.length &&
      (s.deployments.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? s.taskDefinition)) ||
    task.taskDefinitionArn
  );
};

/**
 * The reservation of one task as it moves: its replacement's task definition's ({@link
 * replacementDefinition}, from snapshot.taskDefinitions), else its own, else the task's own `cpu`/`memory`
 * strings, else undefined (unknown size).
 */
export const taskSize = (snapshot: ClusterSnapshot, task: Task): Resources | undefined => {
  const arn = replacementDefinition(snapshot, task);
  const td =
    snapshot.taskDefinitions.find((d) => d.taskDefinitionArn === arn) ??
    snapshot.taskDefinitions.find((d) => d.taskDefinitionArn === task.taskDefinitionArn);
  if (td) return taskReservation(td);
  const cpu = parseTaskSize(task.cpu, 'vcpu');
  const memory = parseTaskSize(task.memory, 'gb');
  return cpu !== undefined && memory !== undefined ? { CPU: cpu, MEMORY: memory, GPU: 0 } : undefined;
};

/**
 * Whether ECS can move a task of `s` off a DRAINING instance: start a replacement within
 * `maximumPercent` of desired (rounded down), or stop the task within `minimumHealthyPercent` (rounded
 * up). One task at 50 / 100 allows neither: its drain waits for good, in ECS as in the simulator (random
 * world 2944, ninth stop: an idle instance was kept as the room that task would move to).
 */
export const canMoveTask = (s: Service): boolean =>
  s.runningCount + s.pendingCount <
    Math.floor((s.desiredCount * (s.deploymentConfiguration?.maximumPercent ?? 200)) / 100) ||
  stoppableFirst(s) >= 1;

/**
 * How many of `s`'s running tasks ECS may stop before it starts their replacements: running −
 * ⌈desired × `minimumHealthyPercent`⌉ (ECS/container-instance-draining.html).
 */
export const stoppableFirst = (s: Service): number =>
  s.runningCount -
  Math.ceil((s.desiredCount * (s.deploymentConfiguration?.minimumHealthyPercent ?? 100)) / 100);

/** The ACTIVE service whose deployment configuration keeps `task` where it is ({@link canMoveTask}). */
export const stuckService = (snapshot: ClusterSnapshot, task: Task): Service | undefined => {
  const s = serviceOf(snapshot, task);
  return s && !canMoveTask(s) ? s : undefined;
};

/** What {@link canMoveTask} reads, in words: "desired 1, minimumHealthyPercent 50 and maximumPercent 100". */
export const deploymentWords = (s: Service): string =>
  `desired ${s.desiredCount}, minimumHealthyPercent ${s.deploymentConfiguration?.minimumHealthyPercent ?? 100} and maximumPercent ${s.deploymentConfiguration?.maximumPercent ?? 200}`;
