/**
 * Serves a snapshot through aws-sdk-client-mock, so the real handler and adapters read it as if it were a
 * live account. Records every write.
 */
import {
  ListTagsForResourceCommand as AasListTags,
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  ListTagsForResourceCommand as CwListTags,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';

export const ecs = mockClient(ECSClient);
export const asg = mockClient(AutoScalingClient);
export const aas = mockClient(ApplicationAutoScalingClient);
export const cw = mockClient(CloudWatchClient);

/** The write commands of the service scaler. */
export const WRITES = [
  UpdateServiceCommand,
  TagResourceCommand,
  SetDesiredCapacityCommand,
  CreateOrUpdateTagsCommand,
];

/** How many writes were sent. */
export const writeCount = (): number =>
  ecs.commandCalls(UpdateServiceCommand).length +
  ecs.commandCalls(TagResourceCommand).length +
  asg.commandCalls(SetDesiredCapacityCommand).length +
  asg.commandCalls(CreateOrUpdateTagsCommand).length;

/** How many calls of any kind were sent. */
export const callCount = (): number =>
  ecs.calls().length + asg.calls().length + aas.calls().length + cw.calls().length;

/** Resets the mocks and serves `snapshot` (SDK shapes: dates stay ISO strings, which the reader accepts). */
export const serve = (snapshot: ClusterSnapshot): void => {
  for (const m of [ecs, asg, aas, cw]) m.reset();
  // SDK output types want Dates and enums; the reader accepts the snapshot's JSON form, so serve it as is.
  const s = structuredClone(snapshot) as unknown as Record<string, never[]> & { cluster: never };
  const snap = snapshot;
  ecs.on(DescribeClustersCommand).resolves({ clusters: [s.cluster] });
  ecs.on(ListContainerInstancesCommand).resolves({
    containerInstanceArns: snap.containerInstances.map((c) => c.containerInstanceArn),
  });
  ecs.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => ({
    containerInstances: structuredClone(
      snap.containerInstances.filter((c) => input.containerInstances.includes(c.containerInstanceArn)),
    ),
  }));
  ecs.on(ListServicesCommand).resolves({ serviceArns: snap.services.map((x) => x.serviceArn) });
  ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: structuredClone(snap.services.filter((x) => input.services.includes(x.serviceArn))),
  }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
    taskDefinition: structuredClone(
      snap.taskDefinitions.find((t) => t.taskDefinitionArn === input.taskDefinition),
    ),
  }));
  ecs.on(UpdateServiceCommand).resolves({});
  ecs.on(TagResourceCommand).resolves({});
  asg
    .on(DescribeAutoScalingGroupsCommand)
    .resolves({ AutoScalingGroups: structuredClone(s.autoScalingGroups) });
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(CreateOrUpdateTagsCommand).resolves({});
  aas.on(DescribeScalableTargetsCommand).resolves({
    ScalableTargets: snap.scalableTargets.map((t) => ({
      ...structuredClone(t),
      ScalableTargetARN: `arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/${t.ResourceId}`,
    })) as never[],
  });
  aas.on(DescribeScalingPoliciesCommand).resolves({
    ScalingPolicies: structuredClone(s.scalingPolicies ?? []),
  });
  aas.on(AasListTags).resolves({ Tags: {} });
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cw.on(CwListTags).resolves({ Tags: [] });
};
