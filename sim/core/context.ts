/**
 * What every simulated service gets from the simulator: clock, random source, settings, and the
 * outlets for events, actions and invariant violations. Kept as an interface so the service worlds
 * do not import the façade (no cycles).
 */
import type { Rng } from './random.js';
import type { Scheduler } from './scheduler.js';

/** Timing and identity settings (seconds unless named otherwise). */
export interface SimSettings {
  /** AWS account id put in ARNs and events. */
  accountId: string;
  /** Region put in ARNs and events. */
  region: string;
  /** Delay between a change and the ECS service scheduler acting on it. */
  ecsSchedulerDelaySeconds: number;
  /** Task PENDING → RUNNING time range (image pull and container start). */
  taskStartSeconds: readonly [number, number];
  /** Time a container takes to exit after SIGTERM, capped by the task's stopTimeout. */
  taskExitSeconds: readonly [number, number];
  /** Default stopTimeout of containers (ECS default 30 s). */
  stopTimeoutSeconds: number;
  /** Delay between an ASG desired change and the group launching/terminating. */
  asgReactionSeconds: number;
  /** EC2 shutting-down → terminated time. */
  ec2TerminateSeconds: number;
  /** Minimum gap between two SERVICE_TASK_PLACEMENT_FAILURE events of one service. */
  placementFailureEventIntervalSeconds: number;
  /** How long STOPPED tasks and INACTIVE container instances stay visible (ECS: about 1 hour). */
  stoppedRetentionSeconds: number;
  /**
   * Instances the account may run at once (EC2's Running On-Demand instances quota, in vCPUs at AWS;
   * counted in instances here): a launch above it fails as EC2's `VcpuLimitExceeded` does, and the group
   * retries it. Also what keeps a desired capacity of millions from filling the simulator's heap.
   */
  instanceQuota: number;
}

/** Default settings (documented in sim/README.md). */
export const defaultSettings: SimSettings = {
  accountId: '123456789012',
  region: 'us-east-1',
  ecsSchedulerDelaySeconds: 2,
  taskStartSeconds: [5, 20],
  taskExitSeconds: [1, 5],
  stopTimeoutSeconds: 30,
  asgReactionSeconds: 10,
  ec2TerminateSeconds: 30,
  placementFailureEventIntervalSeconds: 300,
  stoppedRetentionSeconds: 3600,
  instanceQuota: 5000,
};

/** One invariant violation found during the run. */
export interface Violation {
  /** Seconds since the start of the run. */
  t: number;
  kind:
    | 'instance-terminated-with-tasks'
    | 'desired-outside-min-max'
    | 'lifecycle-action-timed-out'
    | 'task-pending-too-long';
  message: string;
  data?: Record<string, unknown>;
}

/** Services' view of the simulator. */
export interface SimContext {
  readonly clock: Scheduler;
  readonly rng: Rng;
  readonly settings: SimSettings;
  /** True once the first run call started; before that, worlds are built in their steady state. */
  readonly started: boolean;
  /** Publishes an EventBridge event; `detail` is built only if someone can receive it. */
  emit(source: string, detailType: string, resources: string[], detail: () => Record<string, unknown>): void;
  /** Records an invariant violation. */
  violation(kind: Violation['kind'], message: string, data?: Record<string, unknown>): void;
}

/** ISO time as EventBridge prints it: second precision, `Z`. */
export const eventTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;
