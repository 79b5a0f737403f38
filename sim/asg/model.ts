/** Internal state of the simulated EC2 Auto Scaling. */
import type { ScheduledEvent } from '../core/scheduler.js';
import type { SimContainerInstance } from '../ecs/model.js';
import type { InstanceTypeSpec } from '../ecs/resources.js';

/** Auto Scaling lifecycle states the simulator uses (no warm pools, no launch hooks). */
export type AsgLifecycleState =
  | 'Pending'
  | 'InService'
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

/** An in-progress lifecycle action (Terminating:Wait). Times in epoch ms. */
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
  ec2State: 'pending' | 'running' | 'shutting-down' | 'terminated';
  /** False for the share of instances whose agent never registers with ECS. */
  willRegister: boolean;
  containerInstance?: SimContainerInstance;
  action?: LifecycleAction;
  terminatedAt?: number;
  /** Why it is being terminated (activity Cause). */
  terminationCause?: string;
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
  tags: Map<string, { value: string; propagateAtLaunch: boolean }>;
  hooks: LifecycleHookSpec[];
  createdAt: number;
  instances: Map<string, SimAsgInstance>;
}
