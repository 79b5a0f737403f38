/**
 * The report's placement explanations (issue 12): for each waiting task, what it needs and why each
 * instance class refuses it; for each capacity instance, whether it could be removed and why (empty or
 * daemon-only, a task that fits nowhere else and the rule that refuses it, a protected or standalone task,
 * tasks not listed in the snapshot). Data for `--json`; the table renders a short form.
 */
import type { CapacityAnalysis } from '../capacity/capacity.js';
import { instanceTasks, taskSize } from '../cluster/instance-tasks.js';
import { placeOnStaying } from '../cluster/placement-context.js';
import type { ClusterPlan } from '../cluster/planner.js';
import type { WaitingKind } from '../cluster/waiting-tasks.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';

/** One group of waiting tasks in the report. */
export interface WaitingTaskReport {
  service: string;
  taskDefinition: string;
  count: number;
  kind: WaitingKind;
  needs: string;
  reason: string;
  /** Why each instance class refuses one more task ("4 × m5.large: host port 80/tcp is already in use"). */
  refusals: { instanceClass: string; count: number; reason: string }[];
  ecsSays: string | null;
}

/** Whether one capacity instance could leave. */
export interface InstanceRemovability {
  ec2InstanceId: string;
  removable: boolean | null;
  /** `empty`, `daemon-only`, `tasks-fit-elsewhere`, `fits-nowhere-else`, `protected-or-standalone`, `tasks-unknown`, `not-examined`. */
  cause: string;
  reason: string;
}

/** How many instances the report examines one by one (each is a placement of its tasks on the others). */
export const REMOVABILITY_LIMIT = 200;

/** The waiting tasks of a plan, as report rows. */
export const waitingTaskReport = (plan: ClusterPlan): WaitingTaskReport[] =>
  (plan.waitingTasks ?? []).map((w) => ({
    service: w.service,
    taskDefinition: w.taskDefinition,
    count: w.count,
    kind: w.kind,
    needs: w.needs,
    reason: w.reason,
    refusals: w.refusals.map((r) => ({ ...r })),
    ecsSays: w.ecsSays ?? null,
  }));

/**
 * For each capacity instance (at most {@link REMOVABILITY_LIMIT}), whether its non-daemon tasks would be
 * placed on the other capacity instances by ECS's rules (headroom not included: the planner adds it).
 */
export const instanceRemovability = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
): InstanceRemovability[] => {
  const capacity = analysis.instances.filter((i) => i.isCapacity);
  return capacity.map((ci, k): InstanceRemovability => {
    const id = ci.ec2InstanceId ?? ci.containerInstanceArn;
    if (k >= REMOVABILITY_LIMIT) {
      return {
        ec2InstanceId: id,
        removable: null,
        cause: 'not-examined',
        reason: `only the first ${REMOVABILITY_LIMIT} instances are examined`,
      };
    }
    const tasks = instanceTasks(snapshot, analysis, ci);
    if (!tasks.complete) {
      return {
        ec2InstanceId: id,
        removable: null,
        cause: 'tasks-unknown',
        reason: `${ci.runningTasks + ci.pendingTasks} task(s) not listed in the snapshot (record it with its tasks to know)`,
      };
    }
    if (tasks.nonDaemon.length === 0) {
      const daemons = ci.runningTasks + ci.pendingTasks;
      return {
        ec2InstanceId: id,
        removable: true,
        cause: daemons > 0 ? 'daemon-only' : 'empty',
        reason: daemons > 0 ? `only daemon tasks (${daemons}): they leave with the instance` : 'no task',
      };
    }
    const jobs = tasks.nonDaemon.filter((t) => {
      if (!t.group?.startsWith('service:')) return true;
      const p = snapshot.protectedTasks?.find((x) => x.taskArn === t.taskArn);
      return p?.protectionEnabled === true;
    });
    if (jobs.length > 0) {
      return {
        ec2InstanceId: id,
        removable: false,
        cause: 'protected-or-standalone',
        reason: `${jobs.length} task(s) ECS would not move (scale-in protected, or standalone): ${jobs.map((t) => t.group ?? t.taskArn).join(', ')}`,
      };
    }
    const items = tasks.nonDaemon.map((t) => ({
      label: t.taskArn,
      reservation: taskSize(snapshot, t) ?? analysis.largestTask.reservation,
      count: 1,
    }));
    const others = capacity.filter((o) => o !== ci);
    const placed = placeOnStaying(snapshot, analysis, items, others);
    if (placed.unplaced.length > 0) {
      return {
        ec2InstanceId: id,
        removable: false,
        cause: 'fits-nowhere-else',
        reason: placed.unplaced.map((u) => `${u.label} fits nowhere else: ${u.reason}`).join('; '),
      };
    }
    return {
      ec2InstanceId: id,
      removable: true,
      cause: 'tasks-fit-elsewhere',
      reason: `its ${items.length} task(s) would be placed on the other instances by ECS's rules (before headroom)`,
    };
  });
};
