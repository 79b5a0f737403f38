/**
 * A permissive fake account for fuzzing: every read answers as if the resources an event names exist,
 * belong to a managed cluster, and are in the state that makes a handler act (the instance is held in
 * Terminating:Wait, its container instance is ACTIVE and empty, the group is tagged). A handler that let
 * a bad event through would therefore reach its writes — which is what makes "a rejected event writes
 * nothing" a property that can fail. Writes succeed (empty answers) and are only recorded.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTagsForResourceCommand as EcsListTagsForResourceCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';
const CLUSTER = 'web-prod';
const GROUP = 'web-prod-asg';
const INSTANCE = 'i-0a1b2c3d4e5f67890';

const clusterName = (ref: string | undefined): string => (ref ?? CLUSTER).replace(/^arn:.*:cluster\//, '');
const ciArn = (cluster: string, id = '0123456789abcdef0123456789abcdef') =>
  `${ACCOUNT}:container-instance/${cluster}/${id}`;
const resources = (cpu: number, memory: number) => [
  { name: 'CPU', type: 'INTEGER', integerValue: cpu },
  { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
];
const group = (name: string, instanceId: string) => ({
  AutoScalingGroupName: name,
  AutoScalingGroupARN: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/${name}`,
  MinSize: 0,
  MaxSize: 10,
  DesiredCapacity: 1,
  Instances: [
    {
      InstanceId: instanceId,
      AvailabilityZone: 'us-east-1a',
      LifecycleState: 'Terminating:Wait',
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false,
    },
  ],
  Tags: [{ Key: 'ecs-autoscaler:cluster', Value: CLUSTER, ResourceId: name }],
});

/** Installs the permissive account; returns the four stubs (to read calls) and a restore function. */
export const permissiveAccount = () => {
  const ecs = mockClient(ECSClient);
  const asg = mockClient(AutoScalingClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  const cw = mockClient(CloudWatchClient);

  ecs.onAnyCommand().resolves({});
  ecs.on(ListClustersCommand).resolves({ clusterArns: [`${ACCOUNT}:cluster/${CLUSTER}`] });
  ecs.on(DescribeClustersCommand).callsFake((i: { clusters?: string[] }) => ({
    clusters: (i.clusters ?? [CLUSTER]).map((c) => ({
      clusterName: clusterName(c),
      clusterArn: `${ACCOUNT}:cluster/${clusterName(c)}`,
      status: 'ACTIVE',
    })),
    failures: [],
  }));
  ecs.on(ListContainerInstancesCommand).callsFake((i: { cluster?: string }) => ({
    containerInstanceArns: [ciArn(clusterName(i.cluster))],
  }));
  ecs
    .on(DescribeContainerInstancesCommand)
    .callsFake((i: { cluster?: string; containerInstances?: string[] }) => ({
      containerInstances: (i.containerInstances ?? []).map((arn) => ({
        containerInstanceArn: arn.startsWith('arn:') ? arn : ciArn(clusterName(i.cluster), arn),
        ec2InstanceId: INSTANCE,
        status: 'ACTIVE',
        agentConnected: true,
        registeredResources: resources(2048, 7680),
        remainingResources: resources(2048, 7680),
        runningTasksCount: 0,
        pendingTasksCount: 0,
        attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1a' }],
      })),
      failures: [],
    }));
  ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
  ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [] });
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [] });
  ecs.on(EcsListTagsForResourceCommand).resolves({ tags: [] });

  asg.onAnyCommand().resolves({});
  asg.on(DescribeAutoScalingInstancesCommand).callsFake((i: { InstanceIds?: string[] }) => ({
    AutoScalingInstances: (i.InstanceIds ?? []).map((InstanceId) => ({
      InstanceId,
      AutoScalingGroupName: GROUP,
      AvailabilityZone: 'us-east-1a',
      LifecycleState: 'Terminating:Wait',
      HealthStatus: 'HEALTHY',
      ProtectedFromScaleIn: false,
    })),
  }));
  asg.on(DescribeAutoScalingGroupsCommand).callsFake((i: { AutoScalingGroupNames?: string[] }) => ({
    AutoScalingGroups: (i.AutoScalingGroupNames ?? [GROUP]).map((name) => group(name, INSTANCE)),
  }));
  asg.on(DescribeLifecycleHooksCommand).callsFake((i: { AutoScalingGroupName?: string }) => ({
    LifecycleHooks: [
      {
        LifecycleHookName: 'ecs-drain',
        AutoScalingGroupName: i.AutoScalingGroupName ?? GROUP,
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 300,
        GlobalTimeout: 30000,
        DefaultResult: 'CONTINUE',
      },
    ],
  }));

  aas.onAnyCommand().resolves({});
  aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
  aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });

  cw.onAnyCommand().resolves({});
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
  cw.on(ListTagsForResourceCommand).resolves({ Tags: [] });

  /** The part of a stub read here (the four stubs differ in their types). */
  const stubs = [ecs, asg, aas, cw] as unknown as {
    calls(): { args: unknown[] }[];
    resetHistory(): void;
    restore(): void;
  }[];
  return {
    /** Names (without `Command`) of every mutating command sent since the last reset. */
    writes: (): string[] =>
      stubs
        .flatMap((m) => m.calls())
        .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))
        .filter((n) => !/^(Describe|List|Get)/.test(n)),
    resetHistory: () => {
      for (const m of stubs) m.resetHistory();
    },
    restore: () => {
      for (const m of stubs) m.restore();
    },
  };
};
