/**
 * One cluster, observe → decide → act:
 * observe — the snapshot (shared/aws/snapshot-reader.ts), plus the tasks of the few instances the plan
 * asks about (`needsTasks`: the instances about to drain, own draining instances), read and planned
 * again (up to {@link TASK_READ_ROUNDS} times);
 * decide — the ASG tags → policy (a bad tag is a ConfigurationError: skipped, nothing written), then
 * planCluster; act — applyClusterPlan, or only the log line in dry run.
 */
import { applyClusterPlan, type ClusterActOutcome } from '../../shared/aws/cluster-actuator.js';
import type { ClusterWriter } from '../../shared/aws/cluster-writer.js';
import { type DecisionPublisher, emitDecision } from '../../shared/aws/decision-events.js';
import { instanceStamp } from '../../shared/aws/task-reader.js';
import { analyzeCapacity, type CapacityAnalysis } from '../../shared/core/capacity/index.js';
import type { ClusterPolicy } from '../../shared/core/cluster/index.js';
import {
  CLUSTER_TAG,
  type ClusterPlan,
  managedGroups,
  planCluster,
  resolveClusterPolicy,
} from '../../shared/core/cluster/index.js';
import { clusterDecisionEvent } from '../../shared/core/decision/index.js';
import { NotFoundError, TransientAwsError } from '../../shared/core/errors.js';
import type { ClusterSnapshot, ProtectedTask, Task } from '../../shared/core/snapshot/index.js';
import { logger } from '../../shared/runtime/logger.js';

/**
 * Task-list reads per decision at most (issue 19). The first plan names the instances about to drain;
 * when their lists show jobs they rank last and the next plan may pick others, whose lists are read in
 * turn. After the last round, instances whose list was not read stay (they drain on a later decision).
 */
export const TASK_READ_ROUNDS = 2;

/** The AWS ports one cluster decision needs. */
export interface ClusterPorts {
  readSnapshot(cluster: string): Promise<ClusterSnapshot>;
  /**
   * Tasks (not STOPPED) on the given container instances. `stamps`: each instance's version and task
   * counts from the snapshot (issue 19: an adapter may answer an unchanged instance from its cache).
   */
  readTasks(
    cluster: string,
    containerInstanceArns: readonly string[],
    stamps?: ReadonlyMap<string, string | undefined>,
  ): Promise<Task[]>;
  /** ECS task scale-in protection of (service) tasks (issue 14); absent: protection is not considered. */
  readTaskProtection?(cluster: string, tasks: readonly Task[]): Promise<ProtectedTask[]>;
  writer: ClusterWriter;
  /** Where decision events go (default: EventBridge + SSM unless DECISION_EVENTS=disabled). */
  decisions?: DecisionPublisher;
}

/** What one cluster decision produced. */
export interface ClusterDecision {
  plan: ClusterPlan;
  analysis: CapacityAnalysis;
  policy: ClusterPolicy;
  dryRun: boolean;
  outcome: ClusterActOutcome;
}

/**
 * Observes, plans and acts for one cluster.
 * @param clock the time of the decision (read after the snapshot, so cooldowns use the latest time).
 * @throws NotFoundError when the cluster is gone or no ASG is tagged for it; ConfigurationError for bad
 *   tags or several tagged groups (nothing written); the adapters' translated AWS errors otherwise.
 */
export const scaleCluster = async (
  cluster: string,
  ports: ClusterPorts,
  options: { dryRun: boolean; defaults: ClusterPolicy },
  clock: () => Date,
): Promise<ClusterDecision> => {
  const snapshot = await ports.readSnapshot(cluster);
  const groups = managedGroups(snapshot);
  if (groups.length === 0) {
    throw new NotFoundError(
      `cluster ${cluster}: no Auto Scaling group is tagged ${CLUSTER_TAG}=${cluster} any more; nothing to scale (the next tick removes its alarms)`,
    );
  }
  // Several groups (issue 13): each has its own policy tags; a bad tag on any stops the cluster (nothing written).
  const policies = new Map(
    groups.map((g) => [g.AutoScalingGroupName, resolveClusterPolicy(g, options.defaults)]),
  );
  const policy = policies.get(groups[0]!.AutoScalingGroupName)!;
  const dryRun = options.dryRun || [...policies.values()].some((p) => p.dryRun);
  let analysis = analyzeCapacity(snapshot);
  // Issue 19: plan on the snapshot alone, then read the task lists the plan asks for (the instances about
  // to drain, own and ownerless draining ones, candidates whose sizing needs one) and plan again, up to
  // TASK_READ_ROUNDS times; an instance whose list was not read is never drained (`drainReadOnly`).
  const planOptions = { policies, drainReadOnly: 'ask' as const };
  let plan = planCluster(snapshot, analysis, policy, clock(), planOptions);
  const read = new Set<string>();
  const stamps = new Map(
    snapshot.containerInstances.map((ci) => [ci.containerInstanceArn, instanceStamp(ci)]),
  );
  let unread: string | undefined;
  for (let round = 0; round < TASK_READ_ROUNDS; round++) {
    const ask = plan.needsTasks.filter((arn) => !read.has(arn));
    if (ask.length === 0) break;
    let tasks: Task[];
    let added: ProtectedTask[] | undefined;
    try {
      tasks = await ports.readTasks(snapshot.cluster.clusterName, ask, stamps);
      added = await ports.readTaskProtection?.(snapshot.cluster.clusterName, tasks);
    } catch (error) {
      // A list (or its tasks' protection) that could not be read now leaves those instances unread: never
      // drained this decision, while the rest of it stands — a scale-out, a reactivation, the end of an
      // own drain past its maximum time (fault matrix: three throttled ticks in a row kept such a drain).
      if (!(error instanceof TransientAwsError)) throw error;
      unread = `the task lists of ${ask.length} instance(s) could not be read (${error.message}): none of them drains this decision`;
      break;
    }
    for (const arn of ask) read.add(arn);
    const known = new Set(tasks.map((t) => t.taskArn));
    snapshot.tasks = [...(snapshot.tasks ?? []).filter((t) => !known.has(t.taskArn)), ...tasks];
    if (added) {
      const seen = new Set(added.map((p) => p.taskArn));
      snapshot.protectedTasks = [
        ...(snapshot.protectedTasks ?? []).filter((p) => !seen.has(p.taskArn)),
        ...added,
      ];
    }
    // The lists read may change what the analysis sees (a crash loop's retries hold no room).
    analysis = analyzeCapacity(snapshot);
    plan = planCluster(snapshot, analysis, policy, clock(), planOptions);
  }
  if (plan.needsTasks.some((arn) => !read.has(arn))) {
    // Out of rounds: the instances read so far are the choice (unread busy ones rank with job hosts).
    plan = planCluster(snapshot, analysis, policy, clock(), { policies, drainReadOnly: 'final' });
  }
  if (unread) plan.reasons.push(unread);
  logger.info('cluster plan', {
    cluster: plan.cluster,
    asg: plan.autoScalingGroup,
    action: plan.action,
    from: plan.desiredCapacity.current,
    to: plan.desiredCapacity.proposed,
    drain: plan.drain.map((d) => d.ec2InstanceId),
    terminate: plan.terminate,
    activate: plan.activate.map((a) => a.ec2InstanceId),
    protect: plan.protect.length,
    deficit: plan.capacityDeficitInstances,
    reasons: plan.reasons,
    dryRun,
  });
  const outcome = await applyClusterPlan(plan, ports.writer, { dryRun });
  if (dryRun && outcome.writes.length > 0) {
    logger.info('dry run: writes skipped', { cluster: plan.cluster, writes: outcome.writes });
  }
  // What it did and why, once per decision (docs/observability.md). Dry run writes nothing, events included.
  if (!dryRun) await emitDecision(clusterDecisionEvent(plan, clock()), undefined, ports.decisions);
  return { plan, analysis, policy, dryRun, outcome };
};
