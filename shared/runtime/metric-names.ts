/**
 * Every CloudWatch metric the functions publish (EMF, namespace `POWERTOOLS_METRICS_NAMESPACE`, default
 * `EcsAutoscaler`), in one place, with the dimensions each carries. docs/observability.md lists the
 * same table; the stack's alarms (deploy/alarms.yml) and the dashboard refer to these names, and
 * test/unit/runtime/emf-dimensions.test.ts checks each function's EMF output against {@link MetricDimensions}.
 *
 * Dimensions (exactly, no others — a CloudWatch metric is identified by its full dimension set, so an
 * alarm on `ClusterName` alone never sees a datapoint published with `[service, ClusterName]`):
 * - cluster metrics: `ClusterName`;
 * - per-resource metrics: `ClusterName` + `Resource` (CPU / MEMORY / GPU);
 * - service metrics: `ClusterName` + `ServiceName`.
 */

/** Metric names. */
export const MetricNames = {
  // cluster scaler — capacity (each tick, per cluster)
  ReservationPercent: 'ReservationPercent',
  ThresholdPercent: 'ThresholdPercent',
  SchedulableTasks: 'SchedulableTasks',
  PendingTasks: 'PendingTasks',
  UnplacedTasks: 'UnplacedTasks',
  CapacityDeficitInstances: 'CapacityDeficitInstances',
  DesiredCapacity: 'DesiredCapacity',
  // cluster scaler — actions and errors
  ScaleOutInstances: 'ScaleOutInstances',
  ScaleInInstances: 'ScaleInInstances',
  InstancesTerminated: 'InstancesTerminated',
  ConfigurationErrors: 'ConfigurationErrors',
  ClusterScalerErrors: 'ClusterScalerErrors',
  /** Seconds from a cluster's tick or alarm to its decision (the queue worker, issue 19). */
  DecisionLatency: 'DecisionLatency',
  /** Tasks no instance type the group can launch could ever run (issue 12). Alarmed. */
  UnplaceableTasks: 'UnplaceableTasks',
  /** Services whose tasks fit, start and keep failing (issue 12). */
  CrashLoops: 'CrashLoops',
  /** Groups another controller drives, or other conflicts the scaler stands aside for (issue 14). Alarmed. */
  Conflicts: 'Conflicts',
  /** Decision events that could not be put on EventBridge (the decision itself was applied). */
  DecisionEventErrors: 'DecisionEventErrors',
  // instance drainer
  DrainDurationSeconds: 'DrainDurationSeconds',
  TasksMoved: 'TasksMoved',
  DrainsHitMaxTime: 'DrainsHitMaxTime',
  LifecycleActionsCompleted: 'LifecycleActionsCompleted',
  DrainErrors: 'DrainErrors',
  // service scaler (dimensions ClusterName + ServiceName, but ServiceScalerErrors: ClusterName)
  ServiceScaleOut: 'ServiceScaleOut',
  ServiceScaleIn: 'ServiceScaleIn',
  ServiceHold: 'ServiceHold',
  ServiceSkip: 'ServiceSkip',
  ServiceTasksAdded: 'ServiceTasksAdded',
  ServiceTasksRemoved: 'ServiceTasksRemoved',
  ClusterInstancesAddedForService: 'ClusterInstancesAddedForService',
  ServiceScalerErrors: 'ServiceScalerErrors',
} as const;

/** A metric name. */
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** Dimension names. */
export const DimensionNames = {
  cluster: 'ClusterName',
  service: 'ServiceName',
  resource: 'Resource',
} as const;

/** The dimension set (sorted as published) of each metric. */
export const MetricDimensions: Record<MetricName, readonly string[]> = {
  ReservationPercent: ['ClusterName', 'Resource'],
  ThresholdPercent: ['ClusterName', 'Resource'],
  SchedulableTasks: ['ClusterName'],
  PendingTasks: ['ClusterName'],
  UnplacedTasks: ['ClusterName'],
  CapacityDeficitInstances: ['ClusterName'],
  DesiredCapacity: ['ClusterName'],
  ScaleOutInstances: ['ClusterName'],
  ScaleInInstances: ['ClusterName'],
  InstancesTerminated: ['ClusterName'],
  ConfigurationErrors: ['ClusterName'],
  ClusterScalerErrors: ['ClusterName'],
  DecisionLatency: ['ClusterName'],
  UnplaceableTasks: ['ClusterName'],
  CrashLoops: ['ClusterName'],
  Conflicts: ['ClusterName'],
  DecisionEventErrors: ['ClusterName'],
  DrainDurationSeconds: ['ClusterName'],
  TasksMoved: ['ClusterName'],
  DrainsHitMaxTime: ['ClusterName'],
  LifecycleActionsCompleted: ['ClusterName'],
  DrainErrors: ['ClusterName'],
  ServiceScaleOut: ['ClusterName', 'ServiceName'],
  ServiceScaleIn: ['ClusterName', 'ServiceName'],
  ServiceHold: ['ClusterName', 'ServiceName'],
  ServiceSkip: ['ClusterName', 'ServiceName'],
  ServiceTasksAdded: ['ClusterName', 'ServiceName'],
  ServiceTasksRemoved: ['ClusterName', 'ServiceName'],
  ClusterInstancesAddedForService: ['ClusterName', 'ServiceName'],
  ServiceScalerErrors: ['ClusterName'],
};
