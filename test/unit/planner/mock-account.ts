/**
 * A mocked AWS account serving one cluster snapshot through the real SDK clients (aws-sdk-client-mock),
 * for handler tests that run the real adapters end to end. Every command sent is recorded; the write
 * commands are listed in {@link WRITES}.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandInput,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';

/** Commands that change something. */
export const WRITES = new Set([
  'SetDesiredCapacityCommand',
  'SetInstanceProtectionCommand',
  'TerminateInstanceInAutoScalingGroupCommand',
  'CreateOrUpdateTagsCommand',
  'UpdateContainerInstancesStateCommand',
  'PutMetricAlarmCommand',
  'DeleteAlarmsCommand',
]);

/** Installs the mocks. `alarms` is the account's existing metric alarms (mutated by put/delete). */
export const mockAccount = (snapshot: ClusterSnapshot, alarms: MetricAlarm[] = []) => {
  const ecs = mockClient(ECSClient);
  const asg = mockClient(AutoScalingClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  const cw = mockClient(CloudWatchClient);
  const name = snapshot.cluster.clusterName;
  const clone = <T>(v: T): T => structuredClone(v);

  ecs
    .on(DescribeClustersCommand)
    .callsFake((i: { clusters?: string[] }) =>
      i.clusters?.[0] === name ? { clusters: [clone(snapshot.cluster)] } : { clusters: [], failures: [] },
    );
  ecs.on(ListContainerInstancesCommand).resolves({
    containerInstanceArns: snapshot.containerInstances.map((c) => c.containerInstanceArn),
  });
  ecs.on(DescribeContainerInstancesCommand).callsFake((i: { containerInstances?: string[] }) => ({
    containerInstances: clone(
      snapshot.containerInstances.filter((c) => i.containerInstances?.includes(c.containerInstanceArn)),
    ),
    failures: [],
  }));
  ecs.on(ListServicesCommand).resolves({ serviceArns: snapshot.services.map((s) => s.serviceArn) });
  ecs.on(DescribeServicesCommand).callsFake((i: { services?: string[] }) => ({
    services: clone(snapshot.services.filter((s) => i.services?.includes(s.serviceArn))),
    failures: [],
  }));
  ecs.on(DescribeTaskDefinitionCommand).callsFake((i: { taskDefinition?: string }) => ({
    taskDefinition: clone(snapshot.taskDefinitions.find((t) => t.taskDefinitionArn === i.taskDefinition)),
  }));
  ecs.on(ListTasksCommand).callsFake((i: { containerInstance?: string }) => ({
    taskArns: (snapshot.tasks ?? [])
      .filter((t) => t.containerInstanceArn === i.containerInstance)
      .map((t) => t.taskArn),
  }));
  ecs.on(DescribeTasksCommand).callsFake((i: { tasks?: string[] }) => ({
    tasks: clone((snapshot.tasks ?? []).filter((t) => i.tasks?.includes(t.taskArn))),
  }));
  ecs.on(UpdateContainerInstancesStateCommand).resolves({ failures: [] });
  asg.on(DescribeAutoScalingGroupsCommand).callsFake((i: DescribeAutoScalingGroupsCommandInput) => {
    const f = i.Filters?.[0];
    const groups = snapshot.autoScalingGroups.filter((g) =>
      g.Tags.some((t) =>
        f?.Name === 'tag-key'
          ? f.Values?.includes(t.Key)
          : `tag:${t.Key}` === f?.Name && f.Values?.includes(t.Value ?? ''),
      ),
    );
    return { AutoScalingGroups: clone(groups) };
  });
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(SetInstanceProtectionCommand).resolves({});
  asg.on(TerminateInstanceInAutoScalingGroupCommand).resolves({});
  asg.on(CreateOrUpdateTagsCommand).resolves({});
  aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
  cw.on(DescribeAlarmsCommand).callsFake(() => ({ MetricAlarms: clone(alarms) }));
  cw.on(PutMetricAlarmCommand).callsFake((i: MetricAlarm) => {
    const at = alarms.findIndex((a) => a.AlarmName === i.AlarmName);
    if (at >= 0) alarms.splice(at, 1);
    alarms.push(clone(i));
    return {};
  });
  cw.on(DeleteAlarmsCommand).callsFake((i: { AlarmNames?: string[] }) => {
    for (const n of i.AlarmNames ?? []) {
      const at = alarms.findIndex((a) => a.AlarmName === n);
      if (at >= 0) alarms.splice(at, 1);
    }
    return {};
  });

  const all = () => [ecs, asg, aas, cw].flatMap((m) => m.calls().map((c) => c.args[0].constructor.name));
  return {
    ecs,
    asg,
    aas,
    cw,
    alarms,
    /** Names of every command sent, in order per client. */
    commands: all,
    /** Names of the write commands sent. */
    writes: () => all().filter((n) => WRITES.has(n)),
    restore: () => {
      for (const m of [ecs, asg, aas, cw]) m.restore();
    },
  };
};
