/**
 * The dry-run capacity report: what the threshold rule sees in each cluster and what the cluster
 * scaler would do about it. The field names of {@link CapacityReport} are a contract (README "Capacity
 * report"): the CLI's `--json`, the capacity-report Lambda and any dashboard read them. Fields may be
 * added, never renamed. Percentages are unrounded (the table rounds them).
 */
import {
  analyzeCapacity,
  type CapacityAnalysis,
  type DimensionCapacity,
  type InstanceView,
} from '../capacity/capacity.js';
import type { Dimension, Resources } from '../capacity/resources.js';
import { resolveClusterPolicy } from '../cluster/config.js';
import { type ClusterPlan, managedGroups, planCluster } from '../cluster/planner.js';
import { type ClusterPolicy, DEFAULT_CLUSTER_POLICY } from '../cluster/policy.js';
import type { LastDecisionRecord } from '../decision/index.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';
import { type GroupReport, groupReports } from './group-report.js';
import {
  type InstanceRemovability,
  instanceRemovability,
  type WaitingTaskReport,
  waitingTaskReport,
} from './placement-explanations.js';
import { reportServiceAlarms, type ServiceAlarmReport } from './service-alarms.js';

export type { ServiceAlarmReport } from './service-alarms.js';

/** Per-dimension amounts (CPU units, MiB, GPUs); GPU only when the cluster has GPUs. */
export type DimensionAmounts = { CPU: number; MEMORY: number; GPU?: number };

/** One container instance in the report. */
export interface InstanceDetail {
  containerInstanceArn: string;
  ec2InstanceId: string | null;
  status: string;
  agentConnected: boolean;
  /** ACTIVE and agent connected: counts towards capacity. */
  givesCapacity: boolean;
  instanceType: string | null;
  availabilityZone: string | null;
  runningTasks: number;
  pendingTasks: number;
  registered: DimensionAmounts;
  remaining: DimensionAmounts;
}

/** The report of one cluster. */
export interface ClusterReport {
  cluster: string;
  /** ASGs tagged `ecs-autoscaler:cluster=<cluster>` (the ones the scaler manages). */
  autoScalingGroups: string[];
  instances: { total: number; active: number; draining: number; capacity: number };
  largestTask: { taskDefinition: string | null } & DimensionAmounts;
  dimensions: { CPU: DimensionCapacity; MEMORY: DimensionCapacity; GPU?: DimensionCapacity };
  /** How many more of the largest task fit on the capacity instances right now. */
  schedulableTasks: number;
  instanceDetails: InstanceDetail[];
  /** The cluster planner's plan, exactly (dry run: nothing is applied). */
  decision: {
    action: ClusterPlan['action'];
    desiredCapacity: { current: number; proposed: number };
    reasons: string[];
    /** Added: the ASG the plan applies to (null: none tagged). */
    autoScalingGroup: string | null;
    /** Added: EC2 instance ids the plan would set DRAINING. */
    drain: string[];
    /** Added: EC2 instance ids the plan would terminate (DRAINING and empty). */
    terminate: string[];
  };
  /** Added: desired tasks that are neither running nor pending, per service deployment. */
  unplacedTasks: { service: string; taskDefinition: string; count: number }[];
  /** Added: DAEMON services (left out of "largest task"; their reservation is subtracted from a new instance). */
  daemonServices: string[];
  /** Added: problems an operator must act on ("will never be placed", describe failures, …). */
  findings: string[];
  /** Added: how to read the numbers (conservative instance capacity, daemons, …). */
  notes: string[];
  /**
   * Added: what each service alarm of the cluster would make the service scaler do now (dry run), one row
   * per alarm in `snapshot.alarms`; empty when the snapshot has none.
   */
  serviceAlarms: ServiceAlarmReport[];
  /**
   * Added: what the scaler last decided for this cluster and why, as recorded (docs/observability.md);
   * null: nothing recorded yet; absent: not read (a snapshot file, or decision events switched off).
   */
  lastDecision?: LastDecisionRecord | null;
  /**
   * Added: when the snapshot was recorded, for a recorded file (`report --snapshot`): its decision is judged
   * at that time, as the scaler would have judged it then. Absent: judged at `generatedAt` (a live read).
   */
  recordedAt?: string;
  /** Added (issue 12): waiting tasks by cause, what each needs, why each instance class refuses it. */
  waitingTasks: WaitingTaskReport[];
  /** Added (issue 12): for each capacity instance, whether it could be removed and why. */
  removability: InstanceRemovability[];
  /** Added (issue 13): per managed group, what it launches, its units, what a unit holds, what the plan does. */
  groups: GroupReport[];
}

/** The whole report. */
export interface CapacityReport {
  /** ISO-8601 time the report was built (the `now` passed in). */
  generatedAt: string;
  /** Always true: the report never changes anything. */
  dryRun: true;
  clusters: ClusterReport[];
}

/** One cluster to report: its snapshot and, to override the ASG's tags, the policy to plan with. */
export interface ReportInput {
  snapshot: ClusterSnapshot;
  policy?: ClusterPolicy;
  /** The scaler's last recorded decision for the cluster (SSM); null: none recorded; absent: not read. */
  lastDecision?: LastDecisionRecord | null;
  /**
   * Judge the snapshot at this time instead of the report's `now`: a recorded file at its `capturedAt`
   * (cooldowns, how long an instance has been DRAINING, which service events are recent are all times).
   */
  at?: Date;
}

/**
 * The policy the cluster scaler would run this cluster with: the managed ASG's `ecs-autoscaler:*` tags
 * over `defaults` (cluster-config.ts). `problem` is set when the tags are invalid: the scaler then skips
 * the cluster, and so does the report's decision.
 */
export const resolveReportPolicy = (
  snapshot: ClusterSnapshot,
  defaults: ClusterPolicy = DEFAULT_CLUSTER_POLICY,
): { policy: ClusterPolicy; problem: string | null } => {
  const group = managedGroups(snapshot)[0];
  if (!group) return { policy: defaults, problem: null };
  try {
    return { policy: resolveClusterPolicy(group, defaults), problem: null };
  } catch (error) {
    return { policy: defaults, problem: error instanceof Error ? error.message : String(error) };
  }
};

const amounts = (r: Resources, dims: readonly Dimension[]): DimensionAmounts => {
  const out: DimensionAmounts = { CPU: r.CPU, MEMORY: r.MEMORY };
  if (dims.includes('GPU')) out.GPU = r.GPU;
  return out;
};

const detail = (i: InstanceView, dims: readonly Dimension[]): InstanceDetail => ({
  containerInstanceArn: i.containerInstanceArn,
  ec2InstanceId: i.ec2InstanceId ?? null,
  status: i.status,
  agentConnected: i.agentConnected,
  givesCapacity: i.isCapacity,
  instanceType: i.instanceType ?? null,
  availabilityZone: i.availabilityZone ?? null,
  runningTasks: i.runningTasks,
  pendingTasks: i.pendingTasks,
  registered: amounts(i.registered, dims),
  remaining: amounts(i.remaining, dims),
});

/** Findings the snapshot shows beyond the capacity model's own. */
const snapshotFindings = (snapshot: ClusterSnapshot, analysis: CapacityAnalysis): string[] => {
  const out: string[] = [];
  for (const f of snapshot.failures ?? []) {
    out.push(
      `AWS could not describe ${f.arn ?? 'an item'}: ${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}; the figures leave it out`,
    );
  }
  if (analysis.counts.total > 0 && analysis.counts.capacity === 0) {
    out.push('no container instance is ACTIVE with its agent connected: the cluster has no capacity');
  }
  const disconnected = analysis.instances.filter((i) => i.status === 'ACTIVE' && !i.agentConnected);
  if (disconnected.length > 0) {
    out.push(
      `${disconnected.length} ACTIVE instance(s) have a disconnected ECS agent and give no capacity: ${disconnected
        .map((i) => i.ec2InstanceId ?? i.containerInstanceArn)
        .join(', ')}`,
    );
  }
  if (managedGroups(snapshot).length === 0) {
    out.push(
      `no Auto Scaling group is tagged ecs-autoscaler:cluster=${snapshot.cluster.clusterName}: the scaler would not manage this cluster; tag its ASG to opt in`,
    );
  }
  return out;
};

/** Notes that explain how to read the figures. */
const notes = (analysis: CapacityAnalysis): string[] => {
  const out: string[] = [];
  const capacity = analysis.instances.filter((i) => i.isCapacity);
  const mixed = analysis.dimensionNames.some((d) => new Set(capacity.map((i) => i.registered[d])).size > 1);
  if (mixed) {
    out.push(
      "instance capacity is the smallest instance's registered resources: conservative for mixed instance types",
    );
  }
  if (analysis.daemonServices.length > 0) {
    const r = analysis.daemonReservation;
    out.push(
      `DAEMON services (${analysis.daemonServices.join(', ')}) are left out of the largest task: ECS places them on every instance as it joins; their ${r.CPU} CPU / ${r.MEMORY} MiB are subtracted from a new instance's free space`,
    );
  }
  if (analysis.counts.total === 0) out.push('the cluster has no container instances');
  if (analysis.largestTask.taskDefinition === null) {
    out.push('no ACTIVE REPLICA service: there is no largest task, so the threshold is 100 %');
  }
  return out;
};

/**
 * The report of one cluster: {@link analyzeCapacity} then the cluster planner, with findings and notes.
 * Pure; never throws on a valid snapshot.
 */
export const buildClusterReport = (
  snapshot: ClusterSnapshot,
  policy: ClusterPolicy,
  now: Date,
): ClusterReport => {
  const analysis = analyzeCapacity(snapshot);
  const plan = planCluster(snapshot, analysis, policy, now);
  const dims = analysis.dimensionNames;
  const dimensions = {
    CPU: analysis.dimensions.CPU!,
    MEMORY: analysis.dimensions.MEMORY!,
    ...(analysis.dimensions.GPU ? { GPU: analysis.dimensions.GPU } : {}),
  };
  return {
    cluster: analysis.cluster,
    autoScalingGroups: managedGroups(snapshot).map((g) => g.AutoScalingGroupName),
    instances: { ...analysis.counts },
    largestTask: {
      taskDefinition: analysis.largestTask.taskDefinition,
      ...amounts(analysis.largestTask.reservation, dims),
    },
    dimensions,
    schedulableTasks: analysis.schedulableTasks,
    instanceDetails: analysis.instances.map((i) => detail(i, dims)),
    decision: {
      action: plan.action,
      desiredCapacity: { ...plan.desiredCapacity },
      reasons: [...plan.reasons],
      autoScalingGroup: plan.autoScalingGroup,
      drain: plan.drain.map((d) => d.ec2InstanceId || d.containerInstanceArn),
      terminate: [...plan.terminate],
    },
    unplacedTasks: analysis.unplaced.map((u) => ({
      service: u.service,
      taskDefinition: u.taskDefinition,
      count: u.count,
    })),
    daemonServices: [...analysis.daemonServices],
    findings: [...analysis.findings, ...snapshotFindings(snapshot, analysis)],
    notes: notes(analysis),
    serviceAlarms: reportServiceAlarms(snapshot, policy, now),
    waitingTasks: waitingTaskReport(plan),
    removability: instanceRemovability(snapshot, analysis),
    groups: groupReports(plan),
  };
};

/** The report of a cluster whose ASG tags are invalid: figures as usual, and the scaler's skip as decision. */
const skippedClusterReport = (
  snapshot: ClusterSnapshot,
  policy: ClusterPolicy,
  now: Date,
  problem: string,
) => {
  const report = buildClusterReport(snapshot, policy, now);
  const current = report.decision.desiredCapacity.current;
  report.decision = {
    ...report.decision,
    action: 'hold',
    desiredCapacity: { current, proposed: current },
    reasons: ['the cluster scaler skips this cluster until its ASG tags are fixed (see findings)'],
    drain: [],
    terminate: [],
  };
  report.findings.unshift(problem);
  return report;
};

/**
 * The report of several clusters, in the order given. Each cluster is planned with its input's `policy`
 * when given, else with its managed ASG's tags over `defaults` ({@link resolveReportPolicy}).
 * @param now the report time (`generatedAt`, and the planner's cooldown clock).
 */
export const buildReport = (
  inputs: readonly ReportInput[],
  now: Date,
  defaults: ClusterPolicy = DEFAULT_CLUSTER_POLICY,
): CapacityReport => ({
  generatedAt: now.toISOString(),
  dryRun: true,
  clusters: inputs.map((i) => {
    const at = i.at ?? now;
    const withLast = (r: ClusterReport): ClusterReport => ({
      ...r,
      ...(i.lastDecision === undefined ? {} : { lastDecision: i.lastDecision }),
      ...(i.at ? { recordedAt: i.at.toISOString() } : {}),
    });
    if (i.policy) return withLast(buildClusterReport(i.snapshot, i.policy, at));
    const { policy, problem } = resolveReportPolicy(i.snapshot, defaults);
    return withLast(
      problem === null
        ? buildClusterReport(i.snapshot, policy, at)
        : skippedClusterReport(i.snapshot, policy, at, problem),
    );
  }),
});
