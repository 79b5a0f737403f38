/** Internal state of the simulated EC2 Auto Scaling. */
import type { ScheduledEvent } from '../core/scheduler.js';
import type { SimContainerInstance } from '../ecs/model.js';
import type { InstanceTypeSpec } from '../ecs/resources.js';

/** Auto Scaling lifecycle states the simulator uses. */
export type AsgLifecycleState =
  | 'Pending'
  | 'Pending:Wait'
  | 'Pending:Proceed'
  | 'InService'
  | 'Standby'
  | 'Warmed:Pending'
  | 'Warmed:Pending:Wait'
  | 'Warmed:Stopped'
  | 'Terminating'
  | 'Terminating:Wait'
  | 'Terminating:Proceed'
  | 'Terminated';

/** A termination lifecycle hook. Heartbeat timeout 30–7200 s (AWS default 3600), DefaultResult default ABANDON. */
export interface LifecycleHookSpec {
  name: string;
  heartbeatTimeout?: number;
  defaultResult?: 'CONTINUE' | 'ABANDON';
  notificationMetadata?: string;
}

/**
 * A launch lifecycle hook (`autoscaling:EC2_INSTANCE_LAUNCHING`): a new instance waits in Pending:Wait
 * after its startup sequence until the action is completed or times out (EC2 Auto Scaling user guide,
 * "How lifecycle hooks work"). What the hook's owner does is part of the spec: `completeAfterSeconds` — a
 * bootstrap script (or a function) completes the action with `result` (default CONTINUE) that long after
 * the wait began; undefined: nobody completes it and the timeout's DefaultResult applies. `agentAfterHook`:
 * the ECS agent starts only once the instance proceeds (the script completes the action as its last step
 * and the agent starts after user data); otherwise the agent registers during the wait, as it does at boot.
 */
export interface LaunchHookSpec extends LifecycleHookSpec {
  completeAfterSeconds?: number;
  result?: 'CONTINUE' | 'ABANDON';
  /** Share (0–1) of launches whose bootstrap fails: the owner completes them ABANDON instead. */
  abandonShare?: number;
  agentAfterHook?: boolean;
}

/** An in-progress lifecycle action (Pending:Wait, Terminating:Wait). Times in epoch ms. */
export interface LifecycleAction {
  hookName: string;
  token: string;
  startedAt: number;
  heartbeatDeadline: number;
  /** min(48 h, 100 × heartbeat timeout) after the start (EC2 Auto Scaling user guide). */
  globalDeadline: number;
  timer?: ScheduledEvent;
}

/** One instance of a group (EC2 view and Auto Scaling view together). */
export interface SimAsgInstance {
  id: string;
  group: SimAsg;
  az: string;
  type: InstanceTypeSpec;
  lifecycleState: AsgLifecycleState;
  health: 'Healthy' | 'Unhealthy';
  protectedFromScaleIn: boolean;
  launchedAt: number;
  launchTemplateVersion: string;
  spot: boolean;
  ec2State: 'pending' | 'running' | 'shutting-down' | 'stopped' | 'terminated';
  /** Units it counts for in the group (its override's WeightedCapacity; 1 without weights). */
  weight: number;
  /** Leaving for the warm pool (ReuseOnScaleIn), not for termination. */
  toWarmPool?: boolean;
  /** Capacity Rebalancing: a rebalance recommendation marked it at risk; the group replaces it. */
  atRisk?: boolean;
  /** Capacity Rebalancing: the instance launched to replace this at-risk one. */
  replacement?: SimAsgInstance;
  /** Capacity Rebalancing: the at-risk instance this one replaces (terminated once this is InService). */
  replaces?: SimAsgInstance;
  /** The cause of the replaced instance's termination when not Capacity Rebalancing's (AZRebalance). */
  replaceCause?: string;
  /** False for the share of instances whose agent never registers with ECS. */
  willRegister: boolean;
  containerInstance?: SimContainerInstance;
  action?: LifecycleAction;
  /** The launch hook's action while the instance is in Pending:Wait. */
  launchAction?: LifecycleAction;
  /** Its launch action ended ABANDON: Auto Scaling terminates it. */
  launchAbandoned?: boolean;
  terminatedAt?: number;
  /** Why it is being terminated (activity Cause). */
  terminationCause?: string;
  /** When it began terminating (entered Terminating:Wait, or proceeded at once without a hook). */
  terminatingSince?: number;
}

/** One Auto Scaling group. */
export interface SimAsg {
  name: string;
  arn: string;
  cluster: string | undefined;
  min: number;
  max: number;
  desired: number;
  azs: string[];
  instanceTypes: InstanceTypeSpec[];
  nextTypeIndex: number;
  bootSeconds: number;
  registerSeconds: number;
  jitterSeconds: number;
  neverRegisterShare: number;
  spotShare: number;
  newInstancesProtectedFromScaleIn: boolean;
  launchTemplate: { id: string; name: string; version: string };
  /** `ECS_INSTANCE_ATTRIBUTES` of the launch template's user data: custom attributes of every instance. */
  agentAttributes?: Record<string, string>;
  /** `ECS_RESERVED_MEMORY` of the launch template's user data, MiB. */
  agentReservedMemory?: number;
  tags: Map<string, { value: string; propagateAtLaunch: boolean }>;
  hooks: LifecycleHookSpec[];
  /** The launch lifecycle hook (PutLifecycleHook `autoscaling:EC2_INSTANCE_LAUNCHING`), if any. */
  launchHook?: LaunchHookSpec;
  createdAt: number;
  instances: Map<string, SimAsgInstance>;
  /** MixedInstancesPolicy (ASG user guide "Auto Scaling groups with multiple instance types"). */
  mixed?: SimMixedPolicy;
  /** PutWarmPool (ASG user guide "Warm pools"); Stopped pool state. */
  warmPool?: { minSize: number; reuseOnScaleIn: boolean };
  /** Instance refreshes, newest first (StartInstanceRefresh). */
  refreshes: SimInstanceRefresh[];
  /** Suspended processes (SuspendProcesses) and when each was suspended (epoch ms). */
  suspended: Map<string, number>;
  /** CapacityRebalance: replace Spot instances that get a rebalance recommendation (launch first). */
  capacityRebalance: boolean;
  /** The AZRebalance process is modelled for this group (AsgSpec.azRebalance). */
  azRebalance: boolean;
}

/** The simulator's mixed instances policy: overrides in priority order, each with its weight. */
export interface SimMixedPolicy {
  overrides: { type: InstanceTypeSpec; weight: number }[];
  /** `prioritized`: the first override always; `lowest-price`: the lowest price per unit (seeded pick among ties). */
  strategy: 'prioritized' | 'lowest-price';
  /** Whether WeightedCapacity was given (DesiredCapacityType units). */
  weighted: boolean;
  /** OnDemandPercentageAboveBaseCapacity (0..100). */
  onDemandPercentAboveBase: number;
  /** Attribute-based overrides as given (DescribeAutoScalingGroups shows these, not the types). */
  requirements?: {
    vcpu: { min: number; max?: number };
    memoryMiB: { min: number; max?: number };
    acceleratorCount?: { min?: number; max?: number };
    onDemandMaxPricePercent?: number;
  }[];
  desiredCapacityType?: 'units' | 'vcpu' | 'memory-mib';
}

/** One instance refresh (DescribeInstanceRefreshes item). Times in epoch ms. */
export interface SimInstanceRefresh {
  id: string;
  status: 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  statusReason?: string;
  startTime: number;
  endTime?: number;
  minHealthyPercentage: number;
  instanceWarmupSeconds: number;
  /** Wait (default): protected instances hold the refresh, which fails after an hour. */
  scaleInProtectedInstances: 'Refresh' | 'Ignore' | 'Wait';
  /** Since when a protected instance has blocked progress (epoch ms), for the one-hour Wait limit. */
  blockedSince?: number;
  instancesToUpdate: number;
  total: number;
}
