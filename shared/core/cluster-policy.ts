/**
 * The settings that steer the cluster planner for one cluster. Read from the ASG's
 * `ecs-autoscaler:*` tags over defaults from the deployment (see README "Configuration reference").
 */

/** Planner settings of one cluster. Times in seconds. */
export interface ClusterPolicy {
  /** How many of the largest task must always fit on top of the current demand. */
  headroomTasks: number;
  /** Whether the planner may scale in. */
  scaleInEnabled: boolean;
  /** At most this many instances added or removed per decision. */
  maxStep: number;
  /** Seconds after a scale-out before another scale-out (booting instances are counted anyway). */
  scaleOutCooldownSeconds: number;
  /** Seconds after any scaling action before a scale-in. */
  scaleInCooldownSeconds: number;
  /** Log the plan, write nothing. */
  dryRun: boolean;
}

/** Defaults an operator would find safe; the deployment's params override them, tags override those. */
export const DEFAULT_CLUSTER_POLICY: ClusterPolicy = Object.freeze({
  headroomTasks: 1,
  scaleInEnabled: true,
  maxStep: 10,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 900,
  dryRun: false,
});
