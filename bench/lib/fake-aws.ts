/**
 * A read-only AWS backed by one snapshot, for counting the calls a decision makes at any size without
 * the simulator: every SDK client of the three services is intercepted (aws-sdk-client-mock) and
 * answered from the snapshot with the APIs' real page sizes and batch limits. Writes are counted and
 * answered with an empty success. Commands it does not know fail loudly.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeLifecycleHooksCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';

/** Calls made, by command name. */
export type CallCounts = Record<string, number>;

const page = <T>(items: readonly T[], token: string | undefined, size: number) => {
  const start = token ? Number(token) : 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), next };
};

const tooMany = (what: string, limit: number): never => {
  throw Object.assign(new Error(`${what}: at most ${limit} items per call`), {
    name: 'InvalidParameterException',
    $metadata: { httpStatusCode: 400 },
  });
};

/** Installs the fake; returns the counters and a `restore()`. */
export const installFakeAws = (snapshot: ClusterSnapshot) => {
  const calls: CallCounts = {};
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const ecs = mockClient(ECSClient);
  const asg = mockClient(AutoScalingClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  const cw = mockClient(CloudWatchClient);
  for (const [mock, service] of [
    [ecs, 'ecs'],
    [asg, 'autoscaling'],
    [aas, 'application-autoscaling'],
    [cw, 'cloudwatch'],
  ] as const) {
    (mock as ReturnType<typeof mockClient>).onAnyCommand().callsFake((input: unknown) => {
      throw new Error(
        `fake AWS: ${service} command not implemented (input ${JSON.stringify(input).slice(0, 120)})`,
      );
    });
  }
  const ciArns = snapshot.containerInstances.map((c) => c.containerInstanceArn);
  const svcArns = snapshot.services.map((s) => s.serviceArn);
  ecs.on(DescribeClustersCommand).callsFake(() => {
    count('ecs:DescribeClusters');
    return { clusters: [snapshot.cluster], failures: [] };
  });
  ecs.on(ListContainerInstancesCommand).callsFake((i: { maxResults?: number; nextToken?: string }) => {
    count('ecs:ListContainerInstances');
    const p = page(ciArns, i.nextToken, Math.min(i.maxResults ?? 100, 100));
    return { containerInstanceArns: p.items, nextToken: p.next };
  });
  ecs.on(DescribeContainerInstancesCommand).callsFake((i: { containerInstances: string[] }) => {
    count('ecs:DescribeContainerInstances');
    if (i.containerInstances.length > 100) tooMany('DescribeContainerInstances', 100);
    const want = new Set(i.containerInstances);
    return {
      containerInstances: snapshot.containerInstances.filter((c) => want.has(c.containerInstanceArn)),
      failures: [],
    };
  });
  ecs.on(ListServicesCommand).callsFake((i: { maxResults?: number; nextToken?: string }) => {
    count('ecs:ListServices');
    const p = page(svcArns, i.nextToken, Math.min(i.maxResults ?? 10, 100));
    return { serviceArns: p.items, nextToken: p.next };
  });
  ecs.on(DescribeServicesCommand).callsFake((i: { services: string[] }) => {
    count('ecs:DescribeServices');
    if (i.services.length > 10) tooMany('DescribeServices', 10);
    const want = new Set(i.services);
    return {
      services: snapshot.services.filter((s) => want.has(s.serviceArn) || want.has(s.serviceName)),
      failures: [],
    };
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake((i: { taskDefinition: string }) => {
    count('ecs:DescribeTaskDefinition');
    return { taskDefinition: snapshot.taskDefinitions.find((t) => t.taskDefinitionArn === i.taskDefinition) };
  });
  // Tasks: runningTasksCount per instance, assigned to services in order of their desired counts.
  const serviceOf: string[] = snapshot.services.flatMap((svc) =>
    Array<string>(svc.desiredCount).fill(svc.serviceName),
  );
  const firstTask = new Map<string, number>();
  let next = 0;
  for (const ci of snapshot.containerInstances) {
    firstTask.set(ci.containerInstanceArn, next);
    next += ci.runningTasksCount;
  }
  const taskArn = (g: number): string =>
    `${snapshot.cluster.clusterArn.replace(':cluster/', ':task/')}/${g.toString(16).padStart(32, '0')}`;
  ecs
    .on(ListTasksCommand)
    .callsFake((i: { containerInstance?: string; maxResults?: number; nextToken?: string }) => {
      count('ecs:ListTasks');
      const ci = snapshot.containerInstances.find((c) => c.containerInstanceArn === i.containerInstance);
      const first = ci ? firstTask.get(ci.containerInstanceArn)! : 0;
      const arns = Array.from({ length: ci?.runningTasksCount ?? 0 }, (_, j) => taskArn(first + j));
      const p = page(arns, i.nextToken, Math.min(i.maxResults ?? 100, 100));
      return { taskArns: p.items, nextToken: p.next };
    });
  ecs.on(DescribeTasksCommand).callsFake((i: { tasks: string[] }) => {
    count('ecs:DescribeTasks');
    if (i.tasks.length > 100) tooMany('DescribeTasks', 100);
    return {
      tasks: i.tasks.map((arn) => {
        const g = Number.parseInt(arn.slice(arn.lastIndexOf('/') + 1), 16);
        let owner = snapshot.containerInstances[0]!;
        for (const ci of snapshot.containerInstances)
          if (firstTask.get(ci.containerInstanceArn)! <= g) owner = ci;
        const service = serviceOf[g] ?? serviceOf[0]!;
        const svc = snapshot.services.find((x) => x.serviceName === service)!;
        return {
          taskArn: arn,
          taskDefinitionArn: svc.taskDefinition,
          containerInstanceArn: owner.containerInstanceArn,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          group: `service:${service}`,
          launchType: 'EC2',
        };
      }),
      failures: [],
    };
  });
  // Coexistence reads (issue 14): the synthetic account has no capacity provider, scaling policy,
  // scheduled action or foreign lifecycle hook. Counted like every other call.
  ecs.on(DescribeCapacityProvidersCommand).callsFake(() => {
    count('ecs:DescribeCapacityProviders');
    return { capacityProviders: [], failures: [] };
  });
  asg.on(DescribePoliciesCommand).callsFake(() => {
    count('autoscaling:DescribePolicies');
    return { ScalingPolicies: [] };
  });
  asg.on(DescribeScheduledActionsCommand).callsFake(() => {
    count('autoscaling:DescribeScheduledActions');
    return { ScheduledUpdateGroupActions: [] };
  });
  // Fleet reads (issue 13): no instance refresh; launch configurations are not used (launch template).
  asg.on(DescribeInstanceRefreshesCommand).callsFake(() => {
    count('autoscaling:DescribeInstanceRefreshes');
    return { InstanceRefreshes: [] };
  });
  asg.on(DescribeLaunchConfigurationsCommand).callsFake(() => {
    count('autoscaling:DescribeLaunchConfigurations');
    return { LaunchConfigurations: [] };
  });
  asg.on(DescribeLifecycleHooksCommand).callsFake(() => {
    count('autoscaling:DescribeLifecycleHooks');
    return { LifecycleHooks: [] };
  });
  asg.on(DescribeAutoScalingGroupsCommand).callsFake((i: { MaxRecords?: number; NextToken?: string }) => {
    count('autoscaling:DescribeAutoScalingGroups');
    const p = page(snapshot.autoScalingGroups, i.NextToken, Math.min(i.MaxRecords ?? 50, 100));
    return { AutoScalingGroups: p.items, NextToken: p.next };
  });
  aas.on(DescribeScalableTargetsCommand).callsFake((i: { ResourceIds?: string[] }) => {
    count('application-autoscaling:DescribeScalableTargets');
    if ((i.ResourceIds?.length ?? 0) > 50) tooMany('DescribeScalableTargets', 50);
    return { ScalableTargets: snapshot.scalableTargets };
  });
  cw.on(DescribeAlarmsCommand).callsFake(() => {
    count('cloudwatch:DescribeAlarms');
    return { MetricAlarms: [], CompositeAlarms: [] };
  });
  return {
    calls,
    reset: (): void => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
    restore: (): void => {
      ecs.restore();
      asg.restore();
      aas.restore();
      cw.restore();
    },
  };
};

/**
 * The fewest calls that can read a cluster of this shape, from the APIs' limits (see the table in
 * shared/aws/snapshot-reader.ts): 1 DescribeClusters; ⌈I/100⌉ list + ⌈I/100⌉ describe container
 * instances (100 per page and per call); ⌈S/100⌉ ListServices + ⌈S/10⌉ DescribeServices (10 per call);
 * one DescribeTaskDefinition per distinct revision when cold, none when warm (revisions are immutable);
 * 1 DescribeAutoScalingGroups (a tag filter, 100 groups per page); ⌈S/50⌉ DescribeScalableTargets;
 * ⌈metric alarms in the region / 100⌉ DescribeAlarms (1 here: the API cannot filter on dimensions); and,
 * when the planner asks for the tasks of some instances (scale-in candidates), 2 × ⌈tasks/100⌉ ListTasks per
 * instance (the filter takes one instance and one desired status: RUNNING, and STOPPED for tasks still
 * stopping, which hold their resources) and ⌈their tasks / 100⌉ DescribeTasks.
 */
export const minimumReadCalls = (
  snapshot: ClusterSnapshot,
  warm: boolean,
  taskInstances: readonly string[] = [],
): number => {
  const i = snapshot.containerInstances.length;
  const s = snapshot.services.length;
  const c = (n: number, per: number): number => Math.max(1, Math.ceil(n / per));
  return (
    1 +
    2 * c(i, 100) +
    c(s, 100) +
    c(s, 10) +
    (warm ? 0 : snapshot.taskDefinitions.length) +
    c(snapshot.autoScalingGroups.length, 100) +
    c(s, 50) +
    1 +
    taskReadCalls(snapshot, taskInstances)
  );
};

/** ListTasks + DescribeTasks calls to read the tasks of these instances, at the APIs' limits. */
export const taskReadCalls = (snapshot: ClusterSnapshot, instances: readonly string[]): number => {
  const picked = snapshot.containerInstances.filter(
    (c) => instances.includes(c.containerInstanceArn) || instances.includes(c.ec2InstanceId ?? ''),
  );
  const tasks = picked.reduce((s, c) => s + c.runningTasksCount, 0);
  return (
    picked.reduce((s, c) => s + 2 * Math.max(1, Math.ceil(c.runningTasksCount / 100)), 0) +
    Math.ceil(tasks / 100)
  );
};
