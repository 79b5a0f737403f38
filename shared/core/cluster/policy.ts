/**
 * The settings that steer the cluster planner for one cluster. Read from the ASG's
 * `ecs-autoscaler:*` tags (cluster-config.ts) over defaults from the deployment (shared/runtime/config.ts,
 * set by serverless.yml params). docs/cluster-scaler.md lists every tag.
 */

/** Planner settings of one cluster. Times in seconds, shares in percent (0..100). */
export interface ClusterPolicy {
  /** How many of the largest task must always fit on top of the current demand. */
  headroomTasks: number;
  /** Whether the planner may scale in. */
  scaleInEnabled: boolean;
  /** At most this many instances added per decision (scale-in is paced by {@link scaleInUnneededSeconds}). */
  maxStep: number;
  /**
   * Seconds instances must have been removable (placement-exact, at every decision) before they drain:
   * cluster-autoscaler's scale-down-unneeded-time. Several may drain at once; see unneeded.ts.
   */
  scaleInUnneededSeconds: number;
  /**
   * Predictive headroom (off by default): keep free, on top of `headroomTasks`, what yesterday's demand
   * in the next 20 minutes was above today's (predictive.ts).
   */
  predictiveHeadroom: boolean;
  /**
   * Seconds after the last scaling action (either direction) before a scale-out. Booting instances are
   * counted as capacity anyway, so this only spaces decisions; it never blocks placing pending tasks for
   * longer than one such window. Keep it below the tick period (60 s): the next tick's decision then
   * always falls outside it, while a duplicated alarm seconds after a scale-out falls inside.
   */
  scaleOutCooldownSeconds: number;
  /**
   * Seconds after the last scale-OUT before a scale-in (a scale-in does not delay the next one: pacing is
   * {@link scaleInUnneededSeconds}). The planner raises it to at least the ASG's instance warm-up +
   * health-check grace period (a new instance's worth is not known before both have passed), and it is
   * the hysteresis window: a scale-in never undoes a recent scale-out.
   */
  scaleInCooldownSeconds: number;
  /**
   * Seconds a launched instance may take to register with ECS. After that an unregistered instance is
   * "stuck": it no longer counts as in-flight capacity and it counts toward {@link haltUnhealthyPercent}.
   */
  bootTimeoutSeconds: number;
  /** Seconds to wait, after a scale-out whose instances did not register, before launching again. */
  scaleOutBackoffSeconds: number;
  /**
   * Halt (no change of desired capacity, no new drain) when more than this share of the group's instances
   * are unhealthy (ASG HealthStatus) or stuck unregistered, and at least two are. 100 disables the halt.
   */
  haltUnhealthyPercent: number;
  /**
   * Registered capacity of one new instance (CPU units, MiB), when the operator states it. Used before
   * anything else; otherwise learned from the registered instances, else from the instance-type table.
   */
  instanceCpu?: number | undefined;
  instanceMemory?: number | undefined;
  /** Log the plan, write nothing. */
  dryRun: boolean;
  /**
   * Seconds a DRAINING member the scaler did not drain may stay so before, once empty, the scaler
   * terminates it (foreign-state.ts). While tasks run on it, it is only reported.
   */
  foreignDrainGraceSeconds: number;
  /** Seconds an ECS agent may stay disconnected before it is reported (and, opted in, replaced). */
  disconnectedGraceSeconds: number;
  /** Mark members disconnected beyond the grace period Unhealthy so the ASG replaces them (opt-in). */
  replaceDisconnected: boolean;
  /**
   * Longest own scale-in drain, seconds: an instance still running tasks after it is set ACTIVE again
   * (never terminated with a job). Same tag as the drainer's maximum drain time.
   */
  maxDrainSeconds: number;
}

/** Defaults an operator would find safe; the deployment's params override them, tags override those. */
export const DEFAULT_CLUSTER_POLICY: ClusterPolicy = Object.freeze({
  headroomTasks: 1,
  scaleInEnabled: true,
  maxStep: 10,
  scaleInUnneededSeconds: 600,
  predictiveHeadroom: false,
  scaleOutCooldownSeconds: 30,
  scaleInCooldownSeconds: 900,
  bootTimeoutSeconds: 600,
  scaleOutBackoffSeconds: 900,
  haltUnhealthyPercent: 50,
  dryRun: false,
  foreignDrainGraceSeconds: 1800,
  disconnectedGraceSeconds: 900,
  replaceDisconnected: false,
  maxDrainSeconds: 3600,
});
