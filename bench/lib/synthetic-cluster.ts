/**
 * A synthetic cluster snapshot of any size, for the API-call and compute benchmarks: `instances`
 * m5.xlarge-like container instances, 20 tasks on each, spread over ⌈instances / 25⌉ services (at least 2)
 * of distinct task definitions, one managed Auto Scaling group. At 5,000 instances: 100,000 tasks,
 * 200 services.
 */
import { CLUSTER_TAG } from '../../shared/core/cluster/index.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
/** Tasks per instance. */
export const TASKS_PER_INSTANCE = 20;

const resources = (cpu: number, memory: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
];

/** Builds the snapshot. Deterministic. */
export const syntheticSnapshot = (instances: number, clusterName = 'bench'): ClusterSnapshot => {
  const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterName}`;
  const serviceCount = Math.max(2, Math.ceil(instances / 25));
  const tasks = instances * TASKS_PER_INSTANCE;
  const perService = Math.floor(tasks / serviceCount);
  const taskDefinitions = Array.from({ length: serviceCount }, (_, i) => ({
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/svc-${i}:1`,
    family: `svc-${i}`,
    revision: 1,
    containerDefinitions: [{ name: 'app', cpu: 128, memoryReservation: 512, essential: true }],
  }));
  const services = taskDefinitions.map((td, i) => ({
    serviceName: `svc-${i}`,
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/svc-${i}`,
    clusterArn,
    status: 'ACTIVE',
    desiredCount: i === 0 ? tasks - perService * (serviceCount - 1) : perService,
    runningCount: i === 0 ? tasks - perService * (serviceCount - 1) : perService,
    pendingCount: 0,
    taskDefinition: td.taskDefinitionArn,
    launchType: 'EC2',
    schedulingStrategy: 'REPLICA',
    deployments: [],
  }));
  const containerInstances = Array.from({ length: instances }, (_, i) => {
    const id = `i-${(i + 1).toString(16).padStart(17, '0')}`;
    return {
      containerInstanceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${clusterName}/${id.slice(2)}`,
      ec2InstanceId: id,
      status: 'ACTIVE',
      agentConnected: true,
      registeredResources: resources(4096, 15_360),
      remainingResources: resources(4096 - 128 * TASKS_PER_INSTANCE, 15_360 - 512 * TASKS_PER_INSTANCE),
      runningTasksCount: TASKS_PER_INSTANCE,
      pendingTasksCount: 0,
      attributes: [
        { name: 'ecs.availability-zone', value: `${REGION}${'abc'[i % 3]}` },
        { name: 'ecs.instance-type', value: 'm5.xlarge' },
      ],
      registeredAt: '2026-01-01T00:00:00.000Z',
    };
  });
  return {
    version: 1,
    capturedAt: '2026-01-01T12:00:00.000Z',
    region: REGION,
    cluster: { clusterName, clusterArn, status: 'ACTIVE', registeredContainerInstancesCount: instances },
    containerInstances,
    services,
    taskDefinitions,
    autoScalingGroups: [
      {
        AutoScalingGroupName: `${clusterName}-asg`,
        MinSize: 1,
        MaxSize: instances * 2,
        DesiredCapacity: instances,
        DefaultCooldown: 300,
        HealthCheckGracePeriod: 60,
        Instances: containerInstances.map((ci, i) => ({
          InstanceId: ci.ec2InstanceId,
          InstanceType: 'm5.xlarge',
          AvailabilityZone: `${REGION}${'abc'[i % 3]}`,
          LifecycleState: 'InService',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: true,
        })),
        Tags: [{ Key: CLUSTER_TAG, Value: clusterName, ResourceType: 'auto-scaling-group' }],
      },
    ],
    scalableTargets: [],
  };
};
