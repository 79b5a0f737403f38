/**
 * The cluster snapshot: the seam between observe and decide (STYLE.md §1).
 *
 * A snapshot holds the raw AWS API objects exactly as the SDK returns them, with dates as ISO strings
 * (their JSON form), so one recorded from a real account can be replayed anywhere. The schemas below
 * name only the fields the autoscaler reads and let every other field through (`looseObject`): AWS adds
 * fields over time and a recorded file must keep them.
 */
import * as z from 'zod';
import { ConfigurationError } from '../errors.js';
import { parseTaskSize } from './task-size.js';

/** ISO-8601 string, or the SDK's Date (turned into its ISO form), as JSON would carry it. */
const isoDate = z.preprocess((v) => (v instanceof Date ? v.toISOString() : v), z.string());
const int = z.number().int();
/** Counts and resource amounts are never negative in ECS. */
const count = z.number().int().min(0);
const amount = z.number().min(0);

/**
 * A task-level size string as RegisterTaskDefinition accepts it: "1024" / "1 vCPU" (CPU units) or
 * "2048" / "2 GB" (MiB). A value the autoscaler cannot read must be an error, not a silent fallback.
 */
const taskSize = (unit: 'vcpu' | 'gb') =>
  z.string().refine((v) => parseTaskSize(v, unit) !== undefined && (parseTaskSize(v, unit) ?? -1) >= 0, {
    message:
      unit === 'vcpu'
        ? 'expected CPU units ("1024") or vCPUs ("1 vCPU")'
        : 'expected MiB ("2048") or GB ("2 GB")',
  });

/** ECS `Resource` (registeredResources / remainingResources item). */
export const ResourceSchema = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  integerValue: amount.optional(),
  doubleValue: amount.optional(),
  longValue: amount.optional(),
  stringSetValue: z.array(z.string()).optional(),
});

/** ECS `Attribute`. */
export const AttributeSchema = z.looseObject({ name: z.string(), value: z.string().optional() });

/** ECS DescribeContainerInstances `containerInstances[]` item. */
export const ContainerInstanceSchema = z.looseObject({
  containerInstanceArn: z.string(),
  ec2InstanceId: z.string().optional(),
  status: z.string(),
  agentConnected: z.boolean(),
  registeredResources: z.array(ResourceSchema).default([]),
  remainingResources: z.array(ResourceSchema).default([]),
  runningTasksCount: count.default(0),
  pendingTasksCount: count.default(0),
  attributes: z.array(AttributeSchema).optional(),
  registeredAt: isoDate.optional(),
  statusReason: z.string().optional(),
  version: z.number().optional(),
  /** Task ENIs (`awsvpc`) and other attachments; the placement model counts ENI slots from them. */
  attachments: z
    .array(z.looseObject({ id: z.string().optional(), type: z.string().optional(), status: z.string().optional() }))
    .optional(),
});

/** ECS service `Deployment`. */
export const DeploymentSchema = z.looseObject({
  id: z.string().optional(),
  status: z.string(),
  taskDefinition: z.string(),
  desiredCount: count.default(0),
  runningCount: count.default(0),
  pendingCount: count.default(0),
  rolloutState: z.string().optional(),
  /** Consecutive tasks of the deployment that failed (a crash-loop signal). */
  failedTasks: count.optional(),
  launchType: z.string().optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
});

/** ECS DescribeServices `services[]` item. */
export const ServiceSchema = z.looseObject({
  serviceName: z.string(),
  serviceArn: z.string(),
  clusterArn: z.string().optional(),
  status: z.string(),
  desiredCount: count,
  runningCount: count.default(0),
  pendingCount: count.default(0),
  taskDefinition: z.string().optional(),
  launchType: z.string().optional(),
  schedulingStrategy: z.string().optional(),
  deployments: z.array(DeploymentSchema).default([]),
  deploymentConfiguration: z
    .looseObject({ minimumHealthyPercent: int.optional(), maximumPercent: int.optional() })
    .optional(),
  placementStrategy: z.array(z.looseObject({ type: z.string(), field: z.string().optional() })).optional(),
  placementConstraints: z
    .array(z.looseObject({ type: z.string(), expression: z.string().optional() }))
    .optional(),
  /** The service's event messages, newest first (ECS keeps 100): placement failures, crash loops. */
  events: z
    .array(z.looseObject({ id: z.string().optional(), createdAt: isoDate.optional(), message: z.string() }))
    .optional(),
  tags: z.array(z.looseObject({ key: z.string().optional(), value: z.string().optional() })).optional(),
  createdAt: isoDate.optional(),
});

/** ECS `KeyValuePair`-ish resource requirement of a container. */
export const ResourceRequirementSchema = z.looseObject({ type: z.string(), value: z.string() });

/** ECS `ContainerDefinition`. `cpu` in CPU units, `memory`/`memoryReservation` in MiB. */
export const ContainerDefinitionSchema = z.looseObject({
  name: z.string().optional(),
  cpu: z.number().optional(),
  memory: z.number().optional(),
  memoryReservation: z.number().optional(),
  essential: z.boolean().optional(),
  resourceRequirements: z.array(ResourceRequirementSchema).optional(),
  portMappings: z
    .array(
      z.looseObject({
        containerPort: z.number().optional(),
        hostPort: z.number().optional(),
        protocol: z.string().optional(),
      }),
    )
    .optional(),
});

/** ECS DescribeTaskDefinition `taskDefinition`. Task-level `cpu`/`memory` are strings in the API. */
export const TaskDefinitionSchema = z.looseObject({
  taskDefinitionArn: z.string(),
  family: z.string().optional(),
  revision: z.number().optional(),
  cpu: taskSize('vcpu').optional(),
  memory: taskSize('gb').optional(),
  networkMode: z.string().optional(),
  requiresCompatibilities: z.array(z.string()).optional(),
  containerDefinitions: z.array(ContainerDefinitionSchema).default([]),
  /** Host attributes the task needs (ECS derives most from the containers). */
  requiresAttributes: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
  runtimePlatform: z
    .looseObject({ cpuArchitecture: z.string().optional(), operatingSystemFamily: z.string().optional() })
    .optional(),
  placementConstraints: z
    .array(z.looseObject({ type: z.string(), expression: z.string().optional() }))
    .optional(),
});

/** ECS DescribeTasks `tasks[]` item (optional in a snapshot). */
export const TaskSchema = z.looseObject({
  taskArn: z.string(),
  taskDefinitionArn: z.string(),
  containerInstanceArn: z.string().optional(),
  lastStatus: z.string().optional(),
  desiredStatus: z.string().optional(),
  group: z.string().optional(),
  startedBy: z.string().optional(),
  launchType: z.string().optional(),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  createdAt: isoDate.optional(),
  startedAt: isoDate.optional(),
  stoppedAt: isoDate.optional(),
  version: z.number().optional(),
});

/** EC2 Auto Scaling `TagDescription`. */
export const AsgTagSchema = z.looseObject({
  Key: z.string(),
  Value: z.string().optional(),
  ResourceId: z.string().optional(),
  ResourceType: z.string().optional(),
  PropagateAtLaunch: z.boolean().optional(),
});

/** EC2 Auto Scaling `Instance` (in a group). */
export const AsgInstanceSchema = z.looseObject({
  InstanceId: z.string(),
  InstanceType: z.string().optional(),
  AvailabilityZone: z.string().optional(),
  LifecycleState: z.string(),
  HealthStatus: z.string().optional(),
  ProtectedFromScaleIn: z.boolean().optional(),
  /** The instance's weight in the group's units (a string "1"–"999"; absent: 1). */
  WeightedCapacity: z.string().optional(),
  LaunchTemplate: z.looseObject({}).optional(),
  LaunchConfigurationName: z.string().optional(),
});

/** A launch template reference (`LaunchTemplateSpecification`): id or name, and a version. */
const LaunchTemplateSpecSchema = z.looseObject({
  LaunchTemplateId: z.string().optional(),
  LaunchTemplateName: z.string().optional(),
  Version: z.string().optional(),
});

/**
 * EC2 Auto Scaling `MixedInstancesPolicy` (ecs-facts §4.1): the launch template with its overrides
 * (instance types or attribute-based `InstanceRequirements`, optional `WeightedCapacity`) and the
 * on-demand/Spot distribution. Fields fleet.ts reads; the rest passes through.
 */
export const MixedInstancesPolicySchema = z.looseObject({
  LaunchTemplate: z
    .looseObject({
      LaunchTemplateSpecification: LaunchTemplateSpecSchema.optional(),
      Overrides: z
        .array(
          z.looseObject({
            InstanceType: z.string().optional(),
            InstanceRequirements: z.looseObject({}).optional(),
            WeightedCapacity: z.string().optional(),
            LaunchTemplateSpecification: LaunchTemplateSpecSchema.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  InstancesDistribution: z
    .looseObject({
      OnDemandAllocationStrategy: z.string().optional(),
      OnDemandBaseCapacity: z.number().optional(),
      OnDemandPercentageAboveBaseCapacity: z.number().optional(),
      SpotAllocationStrategy: z.string().optional(),
    })
    .optional(),
});

/** EC2 Auto Scaling DescribeAutoScalingGroups `AutoScalingGroups[]` item. */
export const AutoScalingGroupSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  AutoScalingGroupARN: z.string().optional(),
  MinSize: count,
  MaxSize: count,
  DesiredCapacity: count,
  DefaultCooldown: int.optional(),
  HealthCheckGracePeriod: int.optional(),
  DefaultInstanceWarmup: int.optional(),
  AvailabilityZones: z.array(z.string()).optional(),
  Instances: z.array(AsgInstanceSchema).default([]),
  Tags: z.array(AsgTagSchema).default([]),
  NewInstancesProtectedFromScaleIn: z.boolean().optional(),
  LaunchTemplate: LaunchTemplateSpecSchema.optional(),
  LaunchConfigurationName: z.string().optional(),
  MixedInstancesPolicy: MixedInstancesPolicySchema.optional(),
  /** `units` (default), `vcpu` or `memory-mib`: the unit of Desired/Min/Max (ecs-facts §4.2). */
  DesiredCapacityType: z.string().optional(),
  WarmPoolConfiguration: z.looseObject({}).optional(),
  CreatedTime: isoDate.optional(),
  Status: z.string().optional(),
});

/** Application Auto Scaling DescribeScalableTargets `ScalableTargets[]` item. */
export const ScalableTargetSchema = z.looseObject({
  ServiceNamespace: z.string(),
  ResourceId: z.string(),
  ScalableDimension: z.string(),
  MinCapacity: int,
  MaxCapacity: int,
  SuspendedState: z
    .looseObject({
      DynamicScalingInSuspended: z.boolean().optional(),
      DynamicScalingOutSuspended: z.boolean().optional(),
      ScheduledScalingSuspended: z.boolean().optional(),
    })
    .optional(),
  CreationTime: isoDate.optional(),
});

/** Application Auto Scaling DescribeScalingPolicies `ScalingPolicies[]` item (optional in a snapshot). */
export const ScalingPolicySchema = z.looseObject({
  PolicyName: z.string(),
  PolicyARN: z.string().optional(),
  ServiceNamespace: z.string(),
  ResourceId: z.string(),
  ScalableDimension: z.string(),
  PolicyType: z.string().optional(),
});

/**
 * CloudWatch DescribeAlarms `MetricAlarms[]` item (optional in a snapshot): an alarm whose metric names a
 * service of the cluster (`ClusterName` + `ServiceName` dimensions). Only the fields the service preview
 * reads are checked (service-alarm.ts `signalFromMetricAlarm`); the rest (Period, Statistic, actions, …)
 * passes through.
 */
export const MetricAlarmSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmArn: z.string().optional(),
  StateValue: z.string().optional(),
  StateReason: z.string().optional(),
  StateReasonData: z.string().optional(),
  StateUpdatedTimestamp: isoDate.optional(),
  ComparisonOperator: z.string().optional(),
  Threshold: z.number().optional(),
  Namespace: z.string().optional(),
  MetricName: z.string().optional(),
  Dimensions: z
    .array(z.looseObject({ Name: z.string().optional(), Value: z.string().optional() }))
    .optional(),
});

/**
 * ECS DescribeCapacityProviders `capacityProviders[]` item (optional in a snapshot): how a capacity
 * provider drives its Auto Scaling group (ecs-facts §5). Only the fields the conflict check reads.
 */
export const CapacityProviderSchema = z.looseObject({
  name: z.string(),
  status: z.string().optional(),
  autoScalingGroupProvider: z
    .looseObject({
      autoScalingGroupArn: z.string(),
      managedScaling: z.looseObject({ status: z.string().optional() }).optional(),
      managedTerminationProtection: z.string().optional(),
      managedDraining: z.string().optional(),
    })
    .optional(),
});

/**
 * What else drives one Auto Scaling group (optional in a snapshot): its scaling policies
 * (DescribePolicies), scheduled actions (DescribeScheduledActions) and lifecycle hooks
 * (DescribeLifecycleHooks), as the APIs return them.
 */
export const GroupControllersSchema = z.looseObject({
  AutoScalingGroupName: z.string(),
  ScalingPolicies: z
    .array(
      z.looseObject({
        PolicyName: z.string(),
        PolicyType: z.string().optional(),
        Enabled: z.boolean().optional(),
        PredictiveScalingConfiguration: z.looseObject({ Mode: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  ScheduledActions: z
    .array(
      z.looseObject({
        ScheduledActionName: z.string(),
        DesiredCapacity: z.number().optional(),
        MinSize: z.number().optional(),
        MaxSize: z.number().optional(),
        Recurrence: z.string().optional(),
      }),
    )
    .default([]),
  LifecycleHooks: z
    .array(
      z.looseObject({
        LifecycleHookName: z.string(),
        LifecycleTransition: z.string().optional(),
        HeartbeatTimeout: z.number().optional(),
      }),
    )
    .default([]),
});

/** ECS GetTaskProtection `protectedTasks[]` item (optional in a snapshot). */
export const ProtectedTaskSchema = z.looseObject({
  taskArn: z.string(),
  protectionEnabled: z.boolean().optional(),
  expirationDate: isoDate.optional(),
});

/**
 * EC2 DescribeLaunchTemplateVersions `LaunchTemplateVersions[]` item (optional in a snapshot): what a
 * group's launch template launches when it names no overrides (InstanceType or InstanceRequirements).
 */
export const LaunchTemplateVersionSchema = z.looseObject({
  LaunchTemplateId: z.string().optional(),
  LaunchTemplateName: z.string().optional(),
  VersionNumber: z.number().optional(),
  DefaultVersion: z.boolean().optional(),
  LaunchTemplateData: z
    .looseObject({ InstanceType: z.string().optional(), InstanceRequirements: z.looseObject({}).optional() })
    .optional(),
});

/** EC2 Auto Scaling DescribeLaunchConfigurations item (optional in a snapshot). */
export const LaunchConfigurationSchema = z.looseObject({
  LaunchConfigurationName: z.string(),
  InstanceType: z.string().optional(),
});

/** EC2 Auto Scaling DescribeInstanceRefreshes `InstanceRefreshes[]` item (optional in a snapshot). */
export const InstanceRefreshSchema = z.looseObject({
  InstanceRefreshId: z.string().optional(),
  AutoScalingGroupName: z.string(),
  Status: z.string(),
  StartTime: isoDate.optional(),
  PercentageComplete: z.number().optional(),
  InstancesToUpdate: z.number().optional(),
});

/** ECS DescribeClusters `clusters[]` item. */
export const ClusterSchema = z.looseObject({
  clusterName: z.string(),
  clusterArn: z.string(),
  status: z.string().optional(),
  registeredContainerInstancesCount: int.optional(),
  runningTasksCount: int.optional(),
  pendingTasksCount: int.optional(),
  activeServicesCount: int.optional(),
  /** Capacity providers associated with the cluster (DescribeClusters returns their names). */
  capacityProviders: z.array(z.string()).optional(),
});

/**
 * ECS `Failure` (DescribeContainerInstances / DescribeServices / DescribeClusters `failures[]`): an ARN
 * the API could not describe. The reader keeps them so the report can say what it could not see.
 */
export const DescribeFailureSchema = z.looseObject({
  arn: z.string().optional(),
  reason: z.string().optional(),
  detail: z.string().optional(),
});

/** The snapshot file format, version 1. See docs/report.md, "The snapshot". */
export const ClusterSnapshotSchema = z.looseObject({
  version: z.literal(1),
  capturedAt: z.preprocess(
    (v) => (v instanceof Date ? v.toISOString() : v),
    z.iso.datetime({
      offset: true,
      message: 'expected an ISO-8601 date-time such as 2026-11-22T10:00:00.000Z',
    }),
  ),
  region: z.string().optional(),
  cluster: ClusterSchema,
  containerInstances: z.array(ContainerInstanceSchema),
  services: z.array(ServiceSchema),
  taskDefinitions: z.array(TaskDefinitionSchema),
  autoScalingGroups: z.array(AutoScalingGroupSchema),
  scalableTargets: z.array(ScalableTargetSchema).default([]),
  scalingPolicies: z.array(ScalingPolicySchema).optional(),
  tasks: z.array(TaskSchema).optional(),
  /** Items the describe calls reported as failures (added field; absent in older files). */
  failures: z.array(DescribeFailureSchema).optional(),
  /** Metric alarms that name a service of this cluster (added field; absent in older files: no alarms). */
  alarms: z.array(MetricAlarmSchema).optional(),
  /** Launch template versions the managed groups name (added field; absent: types from overrides only). */
  launchTemplateVersions: z.array(LaunchTemplateVersionSchema).optional(),
  /** Launch configurations the managed groups name (added field). */
  launchConfigurations: z.array(LaunchConfigurationSchema).optional(),
  /** Recent instance refreshes of the managed groups (added field; absent: none known). */
  instanceRefreshes: z.array(InstanceRefreshSchema).optional(),
  /**
   * EC2 DescribeInstanceTypes `InstanceTypes[]` items for the cluster's and groups' instance types (added
   * field; absent: the placement model's built-in table).
   */
  instanceTypes: z.array(z.looseObject({ InstanceType: z.string() })).optional(),
  /** The cluster's capacity providers (added field; absent: none read). */
  capacityProviders: z.array(CapacityProviderSchema).optional(),
  /** Scaling policies, scheduled actions and lifecycle hooks per managed group (added field). */
  groupControllers: z.array(GroupControllersSchema).optional(),
  /** Task scale-in protection of the tasks read for scale-in candidates (added field). */
  protectedTasks: z.array(ProtectedTaskSchema).optional(),
});

export type Resource = z.infer<typeof ResourceSchema>;
export type ContainerInstance = z.infer<typeof ContainerInstanceSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
export type Service = z.infer<typeof ServiceSchema>;
export type ContainerDefinition = z.infer<typeof ContainerDefinitionSchema>;
export type TaskDefinition = z.infer<typeof TaskDefinitionSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type AsgTag = z.infer<typeof AsgTagSchema>;
export type AsgInstance = z.infer<typeof AsgInstanceSchema>;
export type AutoScalingGroup = z.infer<typeof AutoScalingGroupSchema>;
export type ScalableTarget = z.infer<typeof ScalableTargetSchema>;
export type ScalingPolicy = z.infer<typeof ScalingPolicySchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type MetricAlarm = z.infer<typeof MetricAlarmSchema>;
export type DescribeFailure = z.infer<typeof DescribeFailureSchema>;
export type MixedInstancesPolicy = z.infer<typeof MixedInstancesPolicySchema>;
export type LaunchTemplateVersion = z.infer<typeof LaunchTemplateVersionSchema>;
export type InstanceRefresh = z.infer<typeof InstanceRefreshSchema>;
export type CapacityProvider = z.infer<typeof CapacityProviderSchema>;
export type GroupControllers = z.infer<typeof GroupControllersSchema>;
export type ProtectedTask = z.infer<typeof ProtectedTaskSchema>;
/** A parsed, validated snapshot. Dates are ISO strings. */
export type ClusterSnapshot = z.infer<typeof ClusterSnapshotSchema>;

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
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  throw new ConfigurationError(
    `${source}: field '${formatIssuePath(issue.path)}' is invalid: ${issue.message}${more}. ` +
      'A snapshot holds the raw AWS API objects (docs/report.md, "The snapshot"); record one with ' +
      '`ecs-autoscaler snapshot --cluster NAME`.',
  );
};
