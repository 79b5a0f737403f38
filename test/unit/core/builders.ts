/** Small snapshot builders for the capacity, report and placement tests (STYLE.md §5). */
import type {
  AutoScalingGroup,
  ClusterSnapshot,
  ContainerDefinition,
  ContainerInstance,
  Deployment,
  Service,
  TaskDefinition,
} from '../../../shared/core/snapshot/snapshot.js';

const res = (cpu: number, mem: number, gpu?: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: mem },
  ...(gpu === undefined
    ? []
    : [
        { name: 'GPU', type: 'STRINGSET', stringSetValue: Array.from({ length: gpu }, (_, i) => `gpu-${i}`) },
      ]),
];

/** A container instance; `used` is what its tasks reserve (remaining = registered − used). */
export const instance = (
  id: string,
  o: {
    cpu?: number;
    mem?: number;
    gpu?: number;
    usedCpu?: number;
    usedMem?: number;
    usedGpu?: number;
    status?: string;
    connected?: boolean;
    running?: number;
    pending?: number;
    type?: string;
  } = {},
): ContainerInstance => {
  const cpu = o.cpu ?? 2048;
  const mem = o.mem ?? 7680;
  return {
    containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/c/${id}`,
    ec2InstanceId: id,
    status: o.status ?? 'ACTIVE',
    agentConnected: o.connected ?? true,
    registeredResources: res(cpu, mem, o.gpu),
    remainingResources: res(
      cpu - (o.usedCpu ?? 0),
      mem - (o.usedMem ?? 0),
      o.gpu === undefined ? undefined : o.gpu - (o.usedGpu ?? 0),
    ),
    runningTasksCount: o.running ?? 0,
    pendingTasksCount: o.pending ?? 0,
    attributes: [
      { name: 'ecs.instance-type', value: o.type ?? 'm5.large' },
      { name: 'ecs.availability-zone', value: 'us-east-1a' },
    ],
  };
};

/** A task definition ARN for a family:revision. */
export const tdArn = (name: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${name}`;

/** A task definition with task-level sizes and/or containers. */
export const taskDef = (
  name: string,
  o: { cpu?: string; memory?: string; containers?: ContainerDefinition[] } = {},
): TaskDefinition => ({
  taskDefinitionArn: tdArn(name),
  ...(o.cpu === undefined ? {} : { cpu: o.cpu }),
  ...(o.memory === undefined ? {} : { memory: o.memory }),
  containerDefinitions: o.containers ?? [],
});

/** A deployment of a service. */
export const deployment = (
  td: string,
  o: { status?: string; desired?: number; running?: number; pending?: number } = {},
): Deployment => ({
  status: o.status ?? 'PRIMARY',
  taskDefinition: tdArn(td),
  desiredCount: o.desired ?? 1,
  runningCount: o.running ?? o.desired ?? 1,
  pendingCount: o.pending ?? 0,
});

/** A REPLICA (or DAEMON) ACTIVE service with one PRIMARY deployment unless deployments are given. */
export const service = (
  name: string,
  td: string,
  o: {
    desired?: number;
    running?: number;
    pending?: number;
    daemon?: boolean;
    status?: string;
    deployments?: Deployment[];
    maximumPercent?: number;
  } = {},
): Service => {
  const desired = o.desired ?? 1;
  const running = o.running ?? desired;
  const pending = o.pending ?? 0;
  return {
    serviceName: name,
    serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/c/${name}`,
    status: o.status ?? 'ACTIVE',
    desiredCount: desired,
    runningCount: running,
    pendingCount: pending,
    taskDefinition: tdArn(td),
    schedulingStrategy: o.daemon ? 'DAEMON' : 'REPLICA',
    deployments: o.deployments ?? [deployment(td, { desired, running, pending })],
    ...(o.maximumPercent === undefined
      ? {}
      : { deploymentConfiguration: { maximumPercent: o.maximumPercent, minimumHealthyPercent: 100 } }),
  };
};

/** An ASG tagged for cluster `c`, with these EC2 instances InService. */
export const asg = (
  desired: number,
  instanceIds: readonly string[] = [],
  cluster = 'c',
): AutoScalingGroup => ({
  AutoScalingGroupName: 'asg',
  MinSize: 0,
  MaxSize: 100,
  DesiredCapacity: desired,
  Instances: instanceIds.map((id) => ({
    InstanceId: id,
    LifecycleState: 'InService',
    HealthStatus: 'Healthy',
  })),
  Tags: [{ Key: 'ecs-autoscaler:cluster', Value: cluster }],
});

/** A snapshot of cluster `c`. */
export const snapshot = (o: {
  instances?: ContainerInstance[];
  services?: Service[];
  taskDefinitions?: TaskDefinition[];
  groups?: AutoScalingGroup[];
}): ClusterSnapshot => ({
  version: 1,
  capturedAt: '2026-11-22T10:00:00.000Z',
  region: 'us-east-1',
  cluster: { clusterName: 'c', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c' },
  containerInstances: o.instances ?? [],
  services: o.services ?? [],
  taskDefinitions: o.taskDefinitions ?? [],
  autoScalingGroups: o.groups ?? [
    asg(
      o.instances?.length ?? 0,
      (o.instances ?? []).map((i) => i.ec2InstanceId ?? ''),
    ),
  ],
  scalableTargets: [],
});

/** A fixed report time. */
export const NOW = new Date('2026-11-22T10:00:05.000Z');
