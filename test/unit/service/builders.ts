/** Small snapshot builders for the service-scaler tests. Every call returns fresh objects. */
import type { AlarmSignal } from '../../../shared/core/service/alarm.js';
import type { ClusterSnapshot, ScalableTarget, Service } from '../../../shared/core/snapshot/snapshot.js';

export const CLUSTER = 'web';
export const SERVICE = 'api';
export const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:1';
export const NOW = new Date('2024-05-01T10:00:00.000Z');

const res = (cpu: number, mem: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: mem },
];

export interface ClusterShape {
  /** Free CPU units of each registered instance (each registers 2048 CPU, 4096 MiB). */
  freeCpu: readonly number[];
  /** Tasks of the service (desired = running). */
  tasks: number;
  /** ASG desired capacity (default: one per instance). */
  asgDesired?: number;
  asgMax?: number;
  /** Tags on the service. */
  tags?: Record<string, string>;
  target?: Partial<ScalableTarget> | null;
  policies?: readonly string[];
}

/** A cluster of 2048-CPU / 4096-MiB instances running one REPLICA service of 512-CPU / 512-MiB tasks. */
export const buildSnapshot = (shape: ClusterShape): ClusterSnapshot => {
  const instances = shape.freeCpu.map((free, i) => ({
    containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/ci-${i}`,
    ec2InstanceId: `i-${String(i).padStart(17, '0')}`,
    status: 'ACTIVE',
    agentConnected: true,
    registeredResources: res(2048, 4096),
    remainingResources: res(free, 4096 - ((2048 - free) / 512) * 512),
    runningTasksCount: (2048 - free) / 512,
    pendingTasksCount: 0,
  }));
  const tags = {
    'ecs-autoscaler:service-scaling': 'enabled',
    ...(shape.tags ?? {}),
  };
  const service: Service = {
    serviceName: SERVICE,
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/${SERVICE}`,
    status: 'ACTIVE',
    desiredCount: shape.tasks,
    runningCount: shape.tasks,
    pendingCount: 0,
    schedulingStrategy: 'REPLICA',
    taskDefinition: TD,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: TD,
        desiredCount: shape.tasks,
        runningCount: shape.tasks,
        pendingCount: 0,
      },
    ],
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
  const desired = shape.asgDesired ?? instances.length;
  return {
    version: 1,
    capturedAt: '2024-05-01T10:00:00.000Z',
    cluster: { clusterName: CLUSTER, clusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${CLUSTER}` },
    containerInstances: instances,
    services: [service],
    taskDefinitions: [
      {
        taskDefinitionArn: TD,
        family: 'api',
        containerDefinitions: [{ name: 'app', cpu: 512, memory: 512 }],
      },
    ],
    autoScalingGroups: [
      {
        AutoScalingGroupName: 'web-asg',
        MinSize: 1,
        MaxSize: shape.asgMax ?? 10,
        DesiredCapacity: desired,
        Instances: instances.map((ci) => ({ InstanceId: ci.ec2InstanceId, LifecycleState: 'InService' })),
        Tags: [{ Key: 'ecs-autoscaler:cluster', Value: CLUSTER }],
      },
    ],
    scalableTargets:
      shape.target === null
        ? []
        : [
            {
              ServiceNamespace: 'ecs',
              ResourceId: `service/${CLUSTER}/${SERVICE}`,
              ScalableDimension: 'ecs:service:DesiredCount',
              MinCapacity: 1,
              MaxCapacity: 20,
              ...(shape.target ?? {}),
            },
          ],
    scalingPolicies: (shape.policies ?? []).map((name) => ({
      PolicyName: name,
      ServiceNamespace: 'ecs',
      ResourceId: `service/${CLUSTER}/${SERVICE}`,
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
    })),
  };
};

/** A CPU alarm on the service: `value` against `threshold`, high (`greater`) by default. */
export const alarm = (value: number, overrides: Partial<AlarmSignal> = {}): AlarmSignal => ({
  alarmName: 'api-cpu-high',
  state: 'ALARM',
  stateTimestamp: '2024-05-01T09:59:58.000+0000',
  cluster: CLUSTER,
  service: SERVICE,
  metric: { namespace: 'AWS/ECS', name: 'CPUUtilization' },
  comparison: 'greater',
  threshold: 70,
  datapoints: [value],
  ...overrides,
});
