/**
 * Baseline autoscalers ("policies") the benchmark compares the project against, as pure step functions.
 *
 * A policy sees one {@link PolicyObservation} per evaluation (every minute, as CloudWatch metrics and
 * ECS's managed-scaling loop do) and returns a {@link PolicyDecision}: a new desired capacity for the
 * Auto Scaling group, and/or instances to remove. The state it carries between steps (alarm datapoints,
 * last scaling time) is an explicit value, so a step is a plain function of (settings, state, observation)
 * and unit tests need no simulator.
 *
 * Units: CPU units (1024 per vCPU), MiB; times in seconds since the start of the run.
 */

import type { Resources } from '../../shared/core/capacity/index.js';
import type { PlacementItem } from '../../shared/core/placement/index.js';

/** One EC2 instance of the managed Auto Scaling group, as a policy sees it. */
export interface ObservedInstance {
  /** EC2 instance id. */
  id: string;
  /** ASG lifecycle: `pending` (launching, not yet InService), `in-service`, `terminating`. */
  lifecycle: 'pending' | 'in-service' | 'terminating';
  /** Registered with ECS, ACTIVE and agent connected: gives capacity. */
  registered: boolean;
  /** ECS status of its container instance (ACTIVE, DRAINING, …), undefined before it registers. */
  ecsStatus: string | undefined;
  /** Running + pending tasks that are not daemon tasks. */
  nonDaemonTasks: number;
  /** Registered capacity (zero before registration). */
  capacity: Resources;
  /** Reserved by tasks, daemon ones included. */
  reserved: Resources;
  /** When the instance was launched (seconds since the start of the run), if known. */
  launchedAt: number | undefined;
}

/** What a policy sees at one evaluation. */
export interface PolicyObservation {
  /** Seconds since the start of the run. */
  now: number;
  /** The managed Auto Scaling group. */
  group: { name: string; min: number; max: number; desired: number };
  instances: ObservedInstance[];
  /**
   * Desired service tasks that are neither running nor pending (ECS could not place them), grouped by
   * size: what a capacity provider would hold in PROVISIONING.
   */
  provisioning: PlacementItem[];
  /**
   * The largest task of the REPLICA services that want tasks (desired > 0), per dimension: the threshold
   * rule's "largest task", as an operator computes it from the services that are running.
   */
  largestTask: Resources;
  /**
   * Free space of one new instance of each instance type the group launches (registered capacity less
   * what daemon services reserve), smallest first.
   */
  instanceTypes: Resources[];
  /** What daemon services reserve on every instance. */
  daemonReservation: Resources;
}

/** What a policy wants done. "Nothing" is `{ desired: undefined, terminate: [] }` with its reasons. */
export interface PolicyDecision {
  /** New desired capacity of the group (undefined: leave it). */
  desired: number | undefined;
  /**
   * Instances to terminate, each decrementing desired capacity (TerminateInstanceInAutoScalingGroup with
   * ShouldDecrementDesiredCapacity=true): how managed termination protection lets only empty ones go.
   */
  terminate: string[];
  reasons: string[];
}

/** A baseline policy: a name, its evaluation period, and a pure step. */
export interface ScalingPolicyModel<State> {
  /** Key used in the benchmark's JSON output. */
  name: string;
  /** Seconds between evaluations (CloudWatch period). */
  periodSeconds: number;
  initialState: () => State;
  step: (state: State, observation: PolicyObservation) => { state: State; decision: PolicyDecision };
}

/** A decision that changes nothing. */
export const holdDecision = (...reasons: string[]): PolicyDecision => ({
  desired: undefined,
  terminate: [],
  reasons,
});

/** Instances that count toward the group's current size (not terminating). */
export const liveInstances = (o: PolicyObservation): ObservedInstance[] =>
  o.instances.filter((i) => i.lifecycle !== 'terminating');
