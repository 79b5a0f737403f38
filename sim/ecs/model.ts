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

/**
 * Task lifecycle states ECS reports in `lastStatus` (EC2 launch type, no capacity provider). DEACTIVATING:
 * a stopped service task behind a load balancer while its target group deregisters it (ECS developer
 * guide, "Task lifecycle"), its containers still running.
 */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';

/** A service's `loadBalancers` item (ECS `LoadBalancer`: an ALB/NLB target group). */
export interface SimLoadBalancer {
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
}

/** A task definition revision, as registered through the setup API. */
export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  /** Total reservation used for placement (task-level if set, else sum of containers). */
  reservation: Reservation;
  /** Static host ports (bridge/host mode) that must be free on the instance, TCP. */
  hostPorts: number[];
  /** Static host ports, UDP (PORTS_UDP). */
  hostPortsUdp: number[];
  /** `awsvpc` network mode: each task takes one task ENI slot of its instance. */
  awsvpc: boolean;
  /** `requiresAttributes` (container-instance target): name, and value when given. */
  requiresAttributes: Array<{ name: string; value?: string }>;
  /** `runtimePlatform.cpuArchitecture`, lower case (`arm64`, `x86_64`), when set. */
  cpuArchitecture?: string;
  /** Task-definition `placementConstraints` (memberOf only, per the API). */
  placementConstraints: PlacementConstraint[];
  /** Simulation knob (not ECS): the essential container exits this many seconds after it starts. */
  exitsAfterSeconds?: number;
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
  /**
   * The capacity provider the instance belongs to (DescribeContainerInstances `capacityProviderName`):
   * its Auto Scaling group is a provider's group of the cluster. Tasks placed through a capacity provider
   * strategy go only to instances of the providers named.
   */
  capacityProviderName?: string;
  registered: Reservation;
  remaining: Reservation;
  /** Host ports the agent reserves (22, 2375, 2376, 51678, 51679) plus those in use by tasks. */
  usedPorts: Set<number>;
  /** UDP host ports in use by tasks. */
  usedPortsUdp: Set<number>;
  /**
   * Task ENI slots for `awsvpc` tasks: max ENIs − 1 (the primary), or the ECS trunk limit when the
   * instance has `ecs.awsvpc-trunk-id`. Infinity when the instance type is not in the table.
   */
  eniSlots: number;
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
  /**
   * The task definition the service runs. Always set for the rolling (`ECS`) controller; a CODE_DEPLOY
   * service's follows its PRIMARY task set; an EXTERNAL service may have none (its task sets name theirs).
   */
  taskDefinition?: SimTaskDefinition;
  /**
   * The deployment controller as given to CreateService (absent: not given, which is `ECS`). DescribeServices
   * returns `deploymentController` only when it was given.
   */
  deploymentController?: DeploymentControllerType;
  /**
   * CODE_DEPLOY and EXTERNAL services only (absent for `ECS`): their task sets, which hold the service's
   * tasks instead of deployments (task-sets.ts). PRIMARY, ACTIVE and DRAINING ones; a DRAINING set leaves the
   * list once its last task has stopped.
   */
  taskSets?: SimTaskSet[];
  desiredCount: number;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  /**
   * The strategy ECS places by: the one given, else its default for services, spread on
   * `attribute:ecs.availability-zone` (ecs-facts §1.1).
   */
  placementStrategy: PlacementStrategy[];
  /** The strategy as given to CreateService/UpdateService, which DescribeServices returns (`[]` when none). */
  declaredPlacementStrategy: PlacementStrategy[];
  /**
   * The service's capacity provider strategy (empty: launch type EC2). ECS maps each task to a provider
   * of the strategy first, then places it on that provider's instances only (ecs-facts §1.1).
   */
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  placementConstraints: PlacementConstraint[];
  /**
   * Target groups its tasks register with (CreateService `loadBalancers`); absent: none. A RUNNING task the
   * service stops is DEACTIVATING for the longest deregistration delay of its target groups first.
   */
  loadBalancers?: SimLoadBalancer[];
  /** `awsvpc`: its task ENIs' subnets (ServiceSpec.subnets); absent: every AZ's. */
  subnets?: string[];
  minimumHealthyPercent: number;
  maximumPercent: number;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  createdAt: number;
  /**
   * The PRIMARY deployment: its id (tasks it starts carry it as `startedBy`) and when it was created. Empty
   * for a service with task sets (it has no deployment).
   */
  deploymentId: string;
  deploymentCreatedAt: number;
  /**
   * Earlier deployments that still have tasks (DescribeServices `ACTIVE` deployments): an UpdateService
   * with a new task definition, or `forceNewDeployment`, makes the PRIMARY one of them; a rolling update
   * (service-scheduler.ts) replaces their tasks, and a deployment leaves the list once none is left.
   */
  previousDeployments: SimDeployment[];
  tags: Record<string, string>;
  /** Tasks of the service that are not STOPPED yet. */
  tasks: Set<SimTask>;
  /** Service event messages (newest first, at most 100, as DescribeServices shows). */
  events: Array<{ id: string; createdAt: number; message: string }>;
  lastPlacementFailureAt?: number;
  /** Consecutive tasks that stopped before reaching RUNNING (the deployment's `failedTasks`). */
  failedTasks: number;
  /** No task is started before this time (ECS's start throttle after repeated failures). */
  throttledUntil?: number;
  /** When the service first had fewer tasks than desired (for the pending-too-long invariant). */
  unplacedSince?: number;
}

/** An earlier deployment of a service whose tasks the rolling update has not all stopped yet. */
export interface SimDeployment {
  id: string;
  taskDefinition: SimTaskDefinition;
  createdAt: number;
}

/** A service's deployment controller (ECS `DeploymentController.type`; this simulator models no other). */
export type DeploymentControllerType = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';

/** Task set status values (ECS `TaskSet.status`). */
export type TaskSetStatus = 'PRIMARY' | 'ACTIVE' | 'DRAINING';

/**
 * One task set of a CODE_DEPLOY or EXTERNAL service (ECS API reference, `TaskSet`): a group of the
 * service's tasks of one task definition, kept by the scheduler at ⌈service desiredCount × scale %⌉ tasks
 * (`computedDesiredCount`), independently of the service's other sets. Its tasks carry its id as `startedBy`.
 */
export interface SimTaskSet {
  /** `ecs-svc/` and 19 digits, as deployment ids. */
  id: string;
  /** `arn:aws:ecs:<region>:<account>:task-set/<cluster>/<service>/<id>`. */
  arn: string;
  service: SimService;
  taskDefinition: SimTaskDefinition;
  status: TaskSetStatus;
  /** `scale.value`, percent of the service's desired count (0–100; unit PERCENT). */
  scale: number;
  /** Who created it: `CodeDeploy` for CodeDeploy's sets; absent for those created otherwise. */
  startedBy?: string;
  /** CreateTaskSet `externalId` (an EXTERNAL controller's own reference, e.g. a CodeDeploy deployment id). */
  externalId?: string;
  /** Its own capacity provider strategy (empty: its launch type, else the service's placement target). */
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  /** `EC2` when given to CreateTaskSet. */
  launchType?: 'EC2';
  /** `awsvpc`: its own task ENI subnets (absent: the service's). */
  subnets?: string[];
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** As of the last scheduler pass (see task-set-scheduler.ts). */
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  stabilityStatusAt: number;
}

/** One item of a capacity provider strategy (ECS `CapacityProviderStrategyItem`). */
export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight: number;
  base: number;
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
