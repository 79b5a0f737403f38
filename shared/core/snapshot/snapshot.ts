/**
 * The cluster snapshot: the seam between observe and decide (STYLE.md §1).
 *
 * A snapshot holds the raw AWS API objects exactly as the SDK returns them, with dates as ISO strings
 * (their JSON form), so one recorded from a real account can be replayed anywhere. The schemas below
 * name only the fields the autoscaler reads and let every other field through (`looseObject`): AWS adds
 * fields over time and a recorded file must keep them.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { ConfigurationError } from '../errors.js';
import type { MetricAlarm } from './alarm-schema.js';
import { isoDate } from './iso-date.js';
import { parseTaskSize } from './task-size.js';

export type { MetricAlarm };

const int = z.int();
/** Counts and resource amounts are never negative in ECS. */
const count = z.int().check(z.minimum(0));
const amount = z.number().check(z.minimum(0));

/**
 * A task-level size string as RegisterTaskDefinition accepts it: "1024" / "1 vCPU" (CPU units) or
 * "2048" / "2 GB" (MiB). A value the autoscaler cannot read must be an error, not a silent fallback.
 */
const taskSize = (unit: 'vcpu' | 'gb') =>
  z.string().check(
    z.refine((v) => parseTaskSize(v, unit) !== undefined && (parseTaskSize(v, unit) ?? -1) >= 0, {
      message:
        unit === 'vcpu'
          ? 'expected CPU units ("1024") or vCPUs ("1 vCPU")'
          : 'expected MiB ("2048") or GB ("2 GB")',
    }),
  );

/** ECS `Resource` (registeredResources / remainingResources item). */
export const ResourceSchema = z.looseObject({
  name: z.string(),
  type: z.optional(z.string()),
  integerValue: z.optional(amount),
  doubleValue: z.optional(amount),
  longValue: z.optional(amount),
  stringSetValue: z.optional(z.array(z.string())),
});

/** ECS `Attribute`. */
export const AttributeSchema = z.looseObject({ name: z.string(), value: z.optional(z.string()) });

/** ECS DescribeContainerInstances `containerInstances[]` item. */
/**
 * ECS `CapacityProviderStrategyItem`: a service's or the cluster's default capacity provider strategy
 * (weight and base default 0 in the API).
 */
export const CapacityProviderStrategyItemSchema = z.looseObject({
  capacityProvider: z.string(),
  weight: z.optional(z.number()),
  base: z.optional(z.number()),
});

export const ContainerInstanceSchema = z.looseObject({
  containerInstanceArn: z.string(),
  ec2InstanceId: z.optional(z.string()),
  status: z.string(),
  agentConnected: z.boolean(),
  registeredResources: z._default(z.array(ResourceSchema), []),
  remainingResources: z._default(z.array(ResourceSchema), []),
  runningTasksCount: z._default(count, 0),
  pendingTasksCount: z._default(count, 0),
  attributes: z.optional(z.array(AttributeSchema)),
  registeredAt: z.optional(isoDate),
  statusReason: z.optional(z.string()),
  version: z.optional(z.number()),
  /** The capacity provider the instance belongs to: tasks of a provider strategy go only to its instances. */
  capacityProviderName: z.optional(z.string()),
  /** Task ENIs (`awsvpc`) and other attachments; the placement model counts ENI slots from them. */
  attachments: z.optional(
    z.array(
      z.looseObject({
        id: z.optional(z.string()),
        type: z.optional(z.string()),
        status: z.optional(z.string()),
      }),
    ),
  ),
});

/** ECS service `Deployment`. */
export const DeploymentSchema = z.looseObject({
  id: z.optional(z.string()),
  status: z.string(),
  taskDefinition: z.string(),
  desiredCount: z._default(count, 0),
  runningCount: z._default(count, 0),
  pendingCount: z._default(count, 0),
  rolloutState: z.optional(z.string()),
  /** Consecutive tasks of the deployment that failed (a crash-loop signal). */
  failedTasks: z.optional(count),
  launchType: z.optional(z.string()),
  createdAt: z.optional(isoDate),
  updatedAt: z.optional(isoDate),
});

/**
 * ECS service `TaskSet`: what a service of the CodeDeploy blue/green (`CODE_DEPLOY`) or `EXTERNAL`
 * deployment controller runs instead of deployments (its `deployments` list is empty). ECS keeps each at
 * `computedDesiredCount` = ⌈service desiredCount × scale %⌉, independently of the others: during a
 * blue/green deployment both sets are at 100 %, so the service runs twice its desired count. (The shared
 * deployment fields give a parsed set a `desiredCount` of 0, which AWS's TaskSet lacks and nothing reads:
 * capacity.ts `ec2View` takes `computedDesiredCount`.)
 */
export const TaskSetSchema = z.looseObject({
  ...DeploymentSchema.shape,
  computedDesiredCount: z._default(count, 0),
  scale: z.optional(z.looseObject({ value: z.optional(amount) })),
});

/** ECS DescribeServices `services[]` item. */
export const ServiceSchema = z.looseObject({
  serviceName: z.string(),
  serviceArn: z.string(),
  clusterArn: z.optional(z.string()),
  status: z.string(),
  desiredCount: count,
  runningCount: z._default(count, 0),
  pendingCount: z._default(count, 0),
  taskDefinition: z.optional(z.string()),
  launchType: z.optional(z.string()),
  /** Instead of a launch type: the providers ECS places the service's tasks on (only their instances). */
  capacityProviderStrategy: z.optional(z.array(CapacityProviderStrategyItemSchema)),
  schedulingStrategy: z.optional(z.string()),
  deployments: z._default(z.array(DeploymentSchema), []),
  /** CODE_DEPLOY and EXTERNAL services: their task sets (see TaskSetSchema); absent otherwise. */
  taskSets: z.optional(z.array(TaskSetSchema)),
  deploymentConfiguration: z.optional(
    z.looseObject({ minimumHealthyPercent: z.optional(int), maximumPercent: z.optional(int) }),
  ),
  placementStrategy: z.optional(z.array(z.looseObject({ type: z.string(), field: z.optional(z.string()) }))),
  placementConstraints: z.optional(
    z.array(z.looseObject({ type: z.string(), expression: z.optional(z.string()) })),
  ),
  /** `awsvpc`: the subnets its task ENIs go in; a host takes a task only in one of their AZs (ecs-facts §2). */
  networkConfiguration: z.optional(
    z.looseObject({
      awsvpcConfiguration: z.optional(z.looseObject({ subnets: z.optional(z.array(z.string())) })),
    }),
  ),
  /** The service's event messages, newest first (ECS keeps 100): placement failures, crash loops. */
  events: z.optional(
    z.array(
      z.looseObject({ id: z.optional(z.string()), createdAt: z.optional(isoDate), message: z.string() }),
    ),
  ),
  tags: z.optional(z.array(z.looseObject({ key: z.optional(z.string()), value: z.optional(z.string()) }))),
  createdAt: z.optional(isoDate),
});

/** ECS `KeyValuePair`-ish resource requirement of a container. */
export const ResourceRequirementSchema = z.looseObject({ type: z.string(), value: z.string() });

/** ECS `ContainerDefinition`. `cpu` in CPU units, `memory`/`memoryReservation` in MiB. */
export const ContainerDefinitionSchema = z.looseObject({
  name: z.optional(z.string()),
  cpu: z.optional(z.number()),
  memory: z.optional(z.number()),
  memoryReservation: z.optional(z.number()),
  essential: z.optional(z.boolean()),
  resourceRequirements: z.optional(z.array(ResourceRequirementSchema)),
  portMappings: z.optional(
    z.array(
      z.looseObject({
        containerPort: z.optional(z.number()),
        hostPort: z.optional(z.number()),
        protocol: z.optional(z.string()),
      }),
    ),
  ),
});

/** ECS DescribeTaskDefinition `taskDefinition`. Task-level `cpu`/`memory` are strings in the API. */
export const TaskDefinitionSchema = z.looseObject({
  taskDefinitionArn: z.string(),
  family: z.optional(z.string()),
  revision: z.optional(z.number()),
  cpu: z.optional(taskSize('vcpu')),
  memory: z.optional(taskSize('gb')),
  networkMode: z.optional(z.string()),
  requiresCompatibilities: z.optional(z.array(z.string())),
  containerDefinitions: z._default(z.array(ContainerDefinitionSchema), []),
  /** Host attributes the task needs (ECS derives most from the containers). */
  requiresAttributes: z.optional(z.array(z.looseObject({ name: z.string(), value: z.optional(z.string()) }))),
  runtimePlatform: z.optional(
    z.looseObject({ cpuArchitecture: z.optional(z.string()), operatingSystemFamily: z.optional(z.string()) }),
  ),
  placementConstraints: z.optional(
    z.array(z.looseObject({ type: z.string(), expression: z.optional(z.string()) })),
  ),
});

/** ECS DescribeTasks `tasks[]` item (optional in a snapshot). */
export const TaskSchema = z.looseObject({
  taskArn: z.string(),
  taskDefinitionArn: z.string(),
  containerInstanceArn: z.optional(z.string()),
  lastStatus: z.optional(z.string()),
  desiredStatus: z.optional(z.string()),
  group: z.optional(z.string()),
  startedBy: z.optional(z.string()),
  launchType: z.optional(z.string()),
  cpu: z.optional(z.string()),
  memory: z.optional(z.string()),
  createdAt: z.optional(isoDate),
  startedAt: z.optional(isoDate),
  stoppedAt: z.optional(isoDate),
  version: z.optional(z.number()),
  availabilityZone: z.optional(z.string()),
  /** A task ENI's `details` name its subnet (`subnetId`): where the awsvpc services' subnets are. */
  attachments: z.optional(
    z.array(
      z.looseObject({
        details: z.optional(
          z.array(z.looseObject({ name: z.optional(z.string()), value: z.optional(z.string()) })),
        ),
      }),
    ),
  ),
});

/** `{ Field?: number }`: an EC2 `InstanceTypeInfo` member the placement model reads one number of. */
const numberIn = (field: string) => z.looseObject({ [field]: z.optional(amount) });

/** EC2 DescribeInstanceTypes `InstanceTypes[]` item: the fields the placement model reads. */
export const InstanceTypeInfoSchema = z.looseObject({
  InstanceType: z.string(),
  VCpuInfo: z.optional(numberIn('DefaultVCpus')),
  MemoryInfo: z.optional(numberIn('SizeInMiB')),
  NetworkInfo: z.optional(numberIn('MaximumNetworkInterfaces')),
  ProcessorInfo: z.optional(z.looseObject({ SupportedArchitectures: z.optional(z.array(z.string())) })),
  GpuInfo: z.optional(z.looseObject({ Gpus: z.optional(z.array(numberIn('Count'))) })),
});

/** EC2 Auto Scaling `TagDescription`. */
export const AsgTagSchema = z.looseObject({
  Key: z.string(),
  Value: z.optional(z.string()),
  ResourceId: z.optional(z.string()),
  ResourceType: z.optional(z.string()),
  PropagateAtLaunch: z.optional(z.boolean()),
});

/** EC2 Auto Scaling `Instance` (in a group). */
export const AsgInstanceSchema = z.looseObject({
  InstanceId: z.string(),
  InstanceType: z.optional(z.string()),
  AvailabilityZone: z.optional(z.string()),
  LifecycleState: z.string(),
  HealthStatus: z.optional(z.string()),
  ProtectedFromScaleIn: z.optional(z.boolean()),
  /** The instance's weight in the group's units (a string "1"–"999"; absent: 1). */
  WeightedCapacity: z.optional(z.string()),
  LaunchTemplate: z.optional(z.looseObject({})),
  LaunchConfigurationName: z.optional(z.string()),
});

/** A launch template reference (`LaunchTemplateSpecification`): id or name, and a version. */
const LaunchTemplateSpecSchema = z.looseObject({
  LaunchTemplateId: z.optional(z.string()),
  LaunchTemplateName: z.optional(z.string()),
  Version: z.optional(z.string()),
});

/**
 * EC2 Auto Scaling `MixedInstancesPolicy` (ecs-facts §4.1): the launch template with its overrides
 * (instance types or attribute-based `InstanceRequirements`, optional `WeightedCapacity`) and the
 * on-demand/Spot distribution. Fields fleet.ts reads; the rest passes through.
 */
export const MixedInstancesPolicySchema = z.looseObject({
  LaunchTemplate: z.optional(
    z.looseObject({
      LaunchTemplateSpecification: z.optional(LaunchTemplateSpecSchema),
      Overrides: z.optional(
        z.array(
          z.looseObject({
            InstanceType: z.optional(z.string()),
            InstanceRequirements: z.optional(z.looseObject({})),
            WeightedCapacity: z.optional(z.string()),
            LaunchTemplateSpecification: z.optional(LaunchTemplateSpecSchema),
          }),
        ),
      ),
    }),
  ),
  InstancesDistribution: z.optional(
    z.looseObject({
      OnDemandAllocationStrategy: z.optional(z.string()),
      OnDemandBaseCapacity: z.optional(z.number()),
      OnDemandPercentageAboveBaseCapacity: z.optional(z.number()),
      SpotAllocationStrategy: z.optional(z.string()),
    }),
  ),
});

/** EC2 Auto Scaling DescribeAutoScalingGroups `AutoScalingGroups[]` item. */
export const AutoScalingGroupSchema = z
  .looseObject({
    AutoScalingGroupName: z.string(),
    AutoScalingGroupARN: z.optional(z.string()),
    MinSize: count,
    MaxSize: count,
    DesiredCapacity: count,
    DefaultCooldown: z.optional(int),
    HealthCheckGracePeriod: z.optional(int),
    DefaultInstanceWarmup: z.optional(int),
    AvailabilityZones: z.optional(z.array(z.string())),
    Instances: z._default(z.array(AsgInstanceSchema), []),
    Tags: z._default(z.array(AsgTagSchema), []),
    NewInstancesProtectedFromScaleIn: z.optional(z.boolean()),
    LaunchTemplate: z.optional(LaunchTemplateSpecSchema),
    LaunchConfigurationName: z.optional(z.string()),
    MixedInstancesPolicy: z.optional(MixedInstancesPolicySchema),
    /** `units` (default), `vcpu` or `memory-mib`: the unit of Desired/Min/Max (ecs-facts §4.2). */
    DesiredCapacityType: z.optional(z.string()),
    WarmPoolConfiguration: z.optional(z.looseObject({})),
    /** The group's suspended processes (SuspendProcesses: `Launch`, `Terminate`, …). */
    SuspendedProcesses: z.optional(z.array(z.looseObject({ ProcessName: z.string() }))),
    CreatedTime: z.optional(isoDate),
    Status: z.optional(z.string()),
  })
  .check(
    // Auto Scaling keeps desired within the group's bounds (a new MinSize or MaxSize moves it): a group
    // outside them is a broken file, and its desired would be taken for instances still to launch.
    z.refine((g) => g.MinSize <= g.DesiredCapacity && g.DesiredCapacity <= g.MaxSize, {
      message: 'expected MinSize ≤ DesiredCapacity ≤ MaxSize, as Auto Scaling keeps them',
      path: ['DesiredCapacity'],
    }),
  );

/** Application Auto Scaling DescribeScalableTargets `ScalableTargets[]` item. */
export const ScalableTargetSchema = z.looseObject({
  ServiceNamespace: z.string(),
  ResourceId: z.string(),
  ScalableDimension: z.string(),
  MinCapacity: int,
  MaxCapacity: int,
  SuspendedState: z.optional(
    z.looseObject({
      DynamicScalingInSuspended: z.optional(z.boolean()),
      DynamicScalingOutSuspended: z.optional(z.boolean()),
      ScheduledScalingSuspended: z.optional(z.boolean()),
    }),
  ),
  CreationTime: z.optional(isoDate),
});

/** Application Auto Scaling DescribeScalingPolicies `ScalingPolicies[]` item (optional in a snapshot). */
export const ScalingPolicySchema = z.looseObject({
  PolicyName: z.string(),
  PolicyARN: z.optional(z.string()),
  ServiceNamespace: z.string(),
  ResourceId: z.string(),
  ScalableDimension: z.string(),
  PolicyType: z.optional(z.string()),
});

/**
 * ECS DescribeCapacityProviders `capacityProviders[]` item (optional in a snapshot): how a capacity
 * provider drives its Auto Scaling group (ecs-facts §5). Only the fields the conflict check reads.
 */
export const CapacityProviderSchema = z.looseObject({
  name: z.string(),
  status: z.optional(z.string()),
  autoScalingGroupProvider: z.optional(
    z.looseObject({
      autoScalingGroupArn: z.string(),
      managedScaling: z.optional(z.looseObject({ status: z.optional(z.string()) })),
      managedTerminationProtection: z.optional(z.string()),
      managedDraining: z.optional(z.string()),
    }),
  ),
});

/**
 * What else drives one Auto Scaling group (optional in a snapshot): its scaling policies
 * (DescribePolicies), scheduled actions (DescribeScheduledActions) and lifecycle hooks
 * (DescribeLifecycleHooks), as the APIs return them.
 */
export const GroupControllersSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  ScalingPolicies: z._default(
    z.array(
      z.looseObject({
        PolicyName: z.string(),
        PolicyType: z.optional(z.string()),
        Enabled: z.optional(z.boolean()),
        PredictiveScalingConfiguration: z.optional(z.looseObject({ Mode: z.optional(z.string()) })),
      }),
    ),
    [],
  ),
  ScheduledActions: z._default(
    z.array(
      z.looseObject({
        ScheduledActionName: z.string(),
        DesiredCapacity: z.optional(z.number()),
        MinSize: z.optional(z.number()),
        MaxSize: z.optional(z.number()),
        Recurrence: z.optional(z.string()),
      }),
    ),
    [],
  ),
  LifecycleHooks: z._default(
    z.array(
      z.looseObject({
        LifecycleHookName: z.string(),
        LifecycleTransition: z.optional(z.string()),
        HeartbeatTimeout: z.optional(z.number()),
      }),
    ),
    [],
  ),
});

/** ECS GetTaskProtection `protectedTasks[]` item (optional in a snapshot). */
export const ProtectedTaskSchema = z.looseObject({
  taskArn: z.string(),
  protectionEnabled: z.optional(z.boolean()),
  expirationDate: z.optional(isoDate),
});

/**
 * EC2 DescribeLaunchTemplateVersions `LaunchTemplateVersions[]` item (optional in a snapshot): what a
 * group's launch template launches when it names no overrides (InstanceType or InstanceRequirements).
 */
export const LaunchTemplateVersionSchema = z.looseObject({
  LaunchTemplateId: z.optional(z.string()),
  LaunchTemplateName: z.optional(z.string()),
  VersionNumber: z.optional(z.number()),
  DefaultVersion: z.optional(z.boolean()),
  LaunchTemplateData: z.optional(
    z.looseObject({
      InstanceType: z.optional(z.string()),
      InstanceRequirements: z.optional(z.looseObject({})),
      /** Not an EC2 field: `ECS_INSTANCE_ATTRIBUTES` of the user data (shared/aws/launch-templates.ts). */
      EcsInstanceAttributes: z.optional(z.record(z.string(), z.string())),
      /** Not an EC2 field: `ECS_RESERVED_MEMORY` of the user data, MiB. */
      EcsReservedMemory: z.optional(z.number()),
    }),
  ),
});

/** EC2 Auto Scaling DescribeLaunchConfigurations item (optional in a snapshot). */
export const LaunchConfigurationSchema = z.looseObject({
  LaunchConfigurationName: z.string(),
  InstanceType: z.optional(z.string()),
});

/** EC2 Auto Scaling DescribeInstanceRefreshes `InstanceRefreshes[]` item (optional in a snapshot). */
export const InstanceRefreshSchema = z.looseObject({
  InstanceRefreshId: z.optional(z.string()),
  AutoScalingGroupName: z.string(),
  Status: z.string(),
  StartTime: z.optional(isoDate),
  PercentageComplete: z.optional(z.number()),
  InstancesToUpdate: z.optional(z.number()),
});

/** ECS DescribeClusters `clusters[]` item. */
export const ClusterSchema = z.looseObject({
  clusterName: z.string(),
  clusterArn: z.string(),
  status: z.optional(z.string()),
  registeredContainerInstancesCount: z.optional(int),
  runningTasksCount: z.optional(int),
  pendingTasksCount: z.optional(int),
  activeServicesCount: z.optional(int),
  /** Capacity providers associated with the cluster (DescribeClusters returns their names). */
  capacityProviders: z.optional(z.array(z.string())),
  /** What a service or task that names neither a launch type nor a strategy runs with. */
  defaultCapacityProviderStrategy: z.optional(z.array(CapacityProviderStrategyItemSchema)),
});

/**
 * ECS `Failure` (DescribeContainerInstances / DescribeServices / DescribeClusters `failures[]`): an ARN
 * the API could not describe. The reader keeps them so the report can say what it could not see.
 */
export const DescribeFailureSchema = z.looseObject({
  arn: z.optional(z.string()),
  reason: z.optional(z.string()),
  detail: z.optional(z.string()),
});

/** The snapshot file format, version 1. See docs/report.md, "The snapshot". */
export const ClusterSnapshotSchema = z.looseObject({
  version: z.literal(1),
  capturedAt: z.pipe(
    z.transform((v: unknown) => (v instanceof Date ? v.toISOString() : v)),
    z.iso.datetime({
      offset: true,
      message: 'expected an ISO-8601 date-time such as 2026-11-22T10:00:00.000Z',
    }),
  ),
  region: z.optional(z.string()),
  cluster: ClusterSchema,
  containerInstances: z.array(ContainerInstanceSchema),
  services: z.array(ServiceSchema),
  taskDefinitions: z.array(TaskDefinitionSchema),
  autoScalingGroups: z.array(AutoScalingGroupSchema),
  scalableTargets: z._default(z.array(ScalableTargetSchema), []),
  scalingPolicies: z.optional(z.array(ScalingPolicySchema)),
  tasks: z.optional(z.array(TaskSchema)),
  /** Items the describe calls reported as failures (added field; absent in older files). */
  failures: z.optional(z.array(DescribeFailureSchema)),
  /**
   * Metric alarms that name a service of this cluster (added field; absent in older files: no alarms).
   * Checked by `parseSnapshotAlarms` (alarms.ts), where a report reads them: the scalers never do, and
   * their bundles leave the alarm schema out.
   */
  alarms: z.optional(z.array(z.looseObject({}))),
  /** Launch template versions the managed groups name (added field; absent: types from overrides only). */
  launchTemplateVersions: z.optional(z.array(LaunchTemplateVersionSchema)),
  /** Launch configurations the managed groups name (added field). */
  launchConfigurations: z.optional(z.array(LaunchConfigurationSchema)),
  /** Recent instance refreshes of the managed groups (added field; absent: none known). */
  instanceRefreshes: z.optional(z.array(InstanceRefreshSchema)),
  /**
   * EC2 DescribeInstanceTypes `InstanceTypes[]` items for the cluster's and groups' instance types (added
   * field; absent: the placement model's built-in table).
   */
  instanceTypes: z.optional(z.array(InstanceTypeInfoSchema)),
  /** EC2 DescribeSubnets: the AZs of awsvpc services' subnets no instance is in (added field). */
  subnets: z.optional(z.array(z.looseObject({ SubnetId: z.string(), AvailabilityZone: z.string() }))),
  /** The cluster's capacity providers (added field; absent: none read). */
  capacityProviders: z.optional(z.array(CapacityProviderSchema)),
  /**
   * The groups of the cluster's capacity providers that `autoScalingGroups` lacks (not tagged for the
   * scaler): recorded by `snapshot` for `simulate`; the planner never reads them (added field).
   */
  providerGroups: z.optional(z.array(AutoScalingGroupSchema)),
  /** Scaling policies, scheduled actions and lifecycle hooks per managed group (added field). */
  groupControllers: z.optional(z.array(GroupControllersSchema)),
  /** Task scale-in protection of the tasks read for scale-in candidates (added field). */
  protectedTasks: z.optional(z.array(ProtectedTaskSchema)),
});

export type Resource = z.infer<typeof ResourceSchema>;
export type ContainerInstance = z.infer<typeof ContainerInstanceSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
export type Service = z.infer<typeof ServiceSchema>;
export type CapacityProviderStrategyItem = z.infer<typeof CapacityProviderStrategyItemSchema>;
export type ContainerDefinition = z.infer<typeof ContainerDefinitionSchema>;
export type TaskDefinition = z.infer<typeof TaskDefinitionSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type AsgTag = z.infer<typeof AsgTagSchema>;
export type AsgInstance = z.infer<typeof AsgInstanceSchema>;
export type AutoScalingGroup = z.infer<typeof AutoScalingGroupSchema>;
export type ScalableTarget = z.infer<typeof ScalableTargetSchema>;
export type ScalingPolicy = z.infer<typeof ScalingPolicySchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type DescribeFailure = z.infer<typeof DescribeFailureSchema>;
export type MixedInstancesPolicy = z.infer<typeof MixedInstancesPolicySchema>;
export type LaunchTemplateVersion = z.infer<typeof LaunchTemplateVersionSchema>;
export type InstanceRefresh = z.infer<typeof InstanceRefreshSchema>;
export type CapacityProvider = z.infer<typeof CapacityProviderSchema>;
export type GroupControllers = z.infer<typeof GroupControllersSchema>;
export type ProtectedTask = z.infer<typeof ProtectedTaskSchema>;
/** A parsed, validated snapshot. Dates are ISO strings. */
export type ClusterSnapshot = z.infer<typeof ClusterSnapshotSchema> & { alarms?: MetricAlarm[] };

/** Formats a zod issue path as `containerInstances[3].registeredResources[0].name`. */
export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  ) || '(root)';

/**
 * Validates an unknown value (a parsed JSON file, or the reader's output) as a snapshot.
 *
 * @param source where the value came from, named in the error ("snapshot file x.json").
 * @throws ConfigurationError naming the first bad field, what was expected, and what to do.
 */
export const parseSnapshot = (value: unknown, source = 'snapshot'): ClusterSnapshot => {
  const result = ClusterSnapshotSchema.safeParse(value);
  // `alarms` is checked where it is read (alarms.ts `parseSnapshotAlarms`).
  if (result.success) return result.data as ClusterSnapshot;
  const issue = result.error.issues[0]!;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  throw new ConfigurationError(
    `${source}: field '${formatIssuePath(issue.path)}' is invalid: ${issue.message}${more}. ` +
      'A snapshot holds the raw AWS API objects (docs/report.md, "The snapshot"); record one with ' +
      '`ecs-autoscaler snapshot --cluster NAME`.',
  );
};
