/**
 * Internal state of the simulated ECS. API shapes are produced from it in `shapes.ts`.
 * Units: CPU units (1024 per vCPU), MiB, GPUs (count).
 */

/** A reservation vector. */
export interface Reservation {
  cpu: number;
  memory: number;
  gpu: number;
}

/** Task lifecycle states ECS reports in `lastStatus` (EC2 launch type, no capacity provider). */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

/** A task definition revision, as registered through the setup API. */
export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  /** Total reservation used for placement (task-level if set, else sum of containers). */
  reservation: Reservation;
  /** Static host ports (bridge/host mode) that must be free on the instance. */
  hostPorts: number[];
  /** The raw ECS TaskDefinition object returned by DescribeTaskDefinition. */
  raw: Record<string, unknown>;
  stopTimeoutSeconds: number;
  tags: Record<string, string>;
}

/** One ECS task. */
export interface SimTask {
  arn: string;
  id: string;
  cluster: SimCluster;
  taskDefinition: SimTaskDefinition;
  instance: SimContainerInstance;
  /** `service:<name>` or `family:<name>` (or a RunTask `group`). */
  group: string;
  service: SimService | undefined;
  startedBy: string | undefined;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  version: number;
  tags: Record<string, string>;
}

/** Container instance status values (ECS API). */
export type ContainerInstanceStatus = 'REGISTERING' | 'ACTIVE' | 'DRAINING' | 'DEREGISTERING' | 'INACTIVE';

/** One ECS container instance (an EC2 instance registered by its agent). */
export interface SimContainerInstance {
  arn: string;
  id: string;
  cluster: SimCluster;
  ec2InstanceId: string;
  instanceType: string;
  az: string;
  status: ContainerInstanceStatus;
  agentConnected: boolean;
  registered: Reservation;
  remaining: Reservation;
  /** Host ports the agent reserves (22, 2375, 2376, 51678, 51679) plus those in use by tasks. */
  usedPorts: Set<number>;
  registeredAt: number;
  deregisteredAt?: number;
  version: number;
  /** Tasks on the instance that are not STOPPED yet. */
  tasks: Set<SimTask>;
  attributes: Array<{ name: string; value?: string }>;
}

/** Placement strategy item (ECS API shape). */
export interface PlacementStrategy {
  type: 'binpack' | 'spread' | 'random';
  field?: string;
}

/** Placement constraint item (ECS API shape; `distinctInstance` and `memberOf` with simple expressions). */
export interface PlacementConstraint {
  type: 'distinctInstance' | 'memberOf';
  expression?: string;
}

/** One ECS service. */
export interface SimService {
  name: string;
  arn: string;
  cluster: SimCluster;
  taskDefinition: SimTaskDefinition;
  desiredCount: number;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  placementStrategy: PlacementStrategy[];
  placementConstraints: PlacementConstraint[];
  minimumHealthyPercent: number;
  maximumPercent: number;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  createdAt: number;
  deploymentId: string;
  deploymentCreatedAt: number;
  tags: Record<string, string>;
  /** Tasks of the service that are not STOPPED yet. */
  tasks: Set<SimTask>;
  /** Service event messages (newest first, at most 100, as DescribeServices shows). */
  events: Array<{ id: string; createdAt: number; message: string }>;
  lastPlacementFailureAt?: number;
  /** When the service first had fewer tasks than desired (for the pending-too-long invariant). */
  unplacedSince?: number;
}

/** One ECS cluster. */
export interface SimCluster {
  name: string;
  arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: Record<string, string>;
  instances: Map<string, SimContainerInstance>;
  services: Map<string, SimService>;
  /** All tasks by ARN, including recently STOPPED ones. */
  tasks: Map<string, SimTask>;
}
