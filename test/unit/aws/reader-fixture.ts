/**
 * A mocked AWS account for reader tests and the benchmark: one cluster of N instances and S services
 * served by aws-sdk-client-mock, paginated and batched the way the real APIs are, with a record of every
 * command sent and the highest number of calls in flight.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  type DescribeScalableTargetsCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  type DescribeContainerInstancesCommandInput,
  DescribeServicesCommand,
  type DescribeServicesCommandInput,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandInput,
  DescribeTasksCommand,
  type DescribeTasksCommandInput,
  ECSClient,
  ListContainerInstancesCommand,
  type ListContainerInstancesCommandInput,
  ListServicesCommand,
  type ListServicesCommandInput,
  ListTasksCommand,
  type ListTasksCommandInput,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { ReaderClients } from '../../../shared/aws/clients.js';

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';

/** Shape of the fake cluster. */
export interface FakeClusterOptions {
  cluster?: string;
  instances: number;
  services: number;
  /** Services mid-deployment (a second deployment on the previous revision). */
  rollouts?: number;
  /**
   * The last services are CodeDeploy blue/green services mid-deployment: task sets (revision 2 PRIMARY,
   * revision 3 ACTIVE at 100 %) and, as DescribeServices gives them, no deployments.
   */
  blueGreen?: number;
  /** Tasks per instance (only the counts; remaining resources are derived). Default 4. */
  tasksPerInstance?: number;
  /** What each instance registers: CPU units and MiB. Default 4096 / 15576 (m5.xlarge). */
  instanceCpu?: number;
  instanceMemory?: number;
  /** CloudWatch metric alarms of the account (DescribeAlarms serves them 100 per page at most). Default none. */
  alarms?: MetricAlarm[];
}

const page = <T>(items: readonly T[], token: string | undefined, size: number) => {
  const start = token ? Number(token) : 0;
  const next = start + size < items.length ? String(start + size) : undefined;
  return { items: items.slice(start, start + size), next };
};

/** Installs the mocks and returns the clients, the mocks and the call log. */
export const mockAccount = (o: FakeClusterOptions) => {
  const cluster = o.cluster ?? 'big';
  const ecs = mockClient(ECSClient);
  const autoScaling = mockClient(AutoScalingClient);
  const aas = mockClient(ApplicationAutoScalingClient);
  const cw = mockClient(CloudWatchClient);
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  // Every response waits one macrotask, so concurrent calls really overlap (no clock is involved).
  const serve =
    <I, R>(name: string, fn: (input: I) => R) =>
    async (input: I): Promise<R> => {
      calls.push(name);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return fn(input);
    };

  const ciArns = Array.from(
    { length: o.instances },
    (_, i) => `${ACCOUNT}:container-instance/${cluster}/${String(i).padStart(32, '0')}`,
  );
  const names = Array.from({ length: o.services }, (_, i) => `svc-${i}`);
  const tdArn = (i: number, rev: number) => `${ACCOUNT}:task-definition/svc-${i}:${rev}`;
  const tasks = o.tasksPerInstance ?? 4;
  const cpu = o.instanceCpu ?? 4096;
  const memory = o.instanceMemory ?? 15576;

  ecs.on(DescribeClustersCommand).callsFake(
    serve('DescribeClusters', (input: { clusters?: string[] }) =>
      input.clusters?.[0] === cluster
        ? {
            clusters: [
              { clusterName: cluster, clusterArn: `${ACCOUNT}:cluster/${cluster}`, status: 'ACTIVE' },
            ],
            failures: [],
          }
        : {
            clusters: [],
            failures: [{ arn: `${ACCOUNT}:cluster/${input.clusters?.[0]}`, reason: 'MISSING' }],
          },
    ),
  );
  ecs.on(ListContainerInstancesCommand).callsFake(
    serve('ListContainerInstances', (input: ListContainerInstancesCommandInput) => {
      const p = page(ciArns, input.nextToken, Math.min(input.maxResults ?? 100, 100));
      return { containerInstanceArns: p.items, nextToken: p.next };
    }),
  );
  ecs.on(DescribeContainerInstancesCommand).callsFake(
    serve('DescribeContainerInstances', (input: DescribeContainerInstancesCommandInput) => {
      if ((input.containerInstances?.length ?? 0) > 100)
        throw new Error('InvalidParameterException: too many');
      return {
        containerInstances: (input.containerInstances ?? []).map((arn, i) => ({
          containerInstanceArn: arn,
          ec2InstanceId: `i-${arn.slice(-8)}`,
          status: 'ACTIVE',
          agentConnected: true,
          registeredAt: new Date('2026-11-20T00:00:00Z'),
          registeredResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: cpu },
            { name: 'MEMORY', type: 'INTEGER', integerValue: memory },
          ],
          remainingResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: Math.max(0, cpu - tasks * 256 - (i % 3) * 128) },
            { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, memory - tasks * 512) },
          ],
          runningTasksCount: tasks,
          pendingTasksCount: 0,
        })),
        failures: [],
      };
    }),
  );
  ecs.on(ListServicesCommand).callsFake(
    serve('ListServices', (input: ListServicesCommandInput) => {
      const p = page(
        names.map((n) => `${ACCOUNT}:service/${cluster}/${n}`),
        input.nextToken,
        Math.min(input.maxResults ?? 10, 100),
      );
      return { serviceArns: p.items, nextToken: p.next };
    }),
  );
  ecs.on(DescribeServicesCommand).callsFake(
    serve('DescribeServices', (input: DescribeServicesCommandInput) => {
      if ((input.services?.length ?? 0) > 10) throw new Error('InvalidParameterException: too many');
      return {
        services: (input.services ?? []).map((arn) => {
          const i = Number(arn.slice(arn.lastIndexOf('-') + 1));
          const count = Math.round((o.instances * tasks) / Math.max(1, o.services));
          const deployments = [
            {
              status: 'PRIMARY',
              taskDefinition: tdArn(i, 2),
              desiredCount: count,
              runningCount: count,
              pendingCount: 0,
            },
            ...(i < (o.rollouts ?? 0)
              ? [
                  {
                    status: 'ACTIVE',
                    taskDefinition: tdArn(i, 1),
                    desiredCount: 0,
                    runningCount: 0,
                    pendingCount: 0,
                  },
                ]
              : []),
          ];
          const blueGreen = i >= o.services - (o.blueGreen ?? 0);
          const taskSet = (rev: number, status: string, running: number) => ({
            id: `ecs-svc/${rev}00000000000000000${i}`,
            status,
            taskDefinition: tdArn(i, rev),
            computedDesiredCount: count,
            runningCount: running,
            pendingCount: 0,
            scale: { value: 100, unit: 'PERCENT' },
          });
          return {
            serviceName: `svc-${i}`,
            serviceArn: arn,
            status: 'ACTIVE',
            desiredCount: count,
            runningCount: count,
            pendingCount: 0,
            schedulingStrategy: 'REPLICA',
            taskDefinition: tdArn(i, 2),
            ...(blueGreen
              ? {
                  deploymentController: { type: 'CODE_DEPLOY' },
                  deployments: [],
                  taskSets: [taskSet(2, 'PRIMARY', count), taskSet(3, 'ACTIVE', 0)],
                }
              : { deployments }),
            createdAt: new Date('2026-01-01T00:00:00Z'),
          };
        }),
        failures: [],
      };
    }),
  );
  ecs.on(DescribeTaskDefinitionCommand).callsFake(
    serve('DescribeTaskDefinition', (input: DescribeTaskDefinitionCommandInput) => ({
      taskDefinition: {
        taskDefinitionArn: input.taskDefinition,
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', cpu: 256, memory: 512 }],
      },
    })),
  );
  // Tasks: instance n runs `tasks` tasks, the k-th of service (n + k) mod S.
  ecs.on(ListTasksCommand).callsFake(
    serve('ListTasks', (input: ListTasksCommandInput) => {
      const n = ciArns.indexOf(input.containerInstance ?? '');
      return {
        taskArns:
          n < 0 ? [] : Array.from({ length: tasks }, (_, k) => `${ACCOUNT}:task/${cluster}/${n}-${k}`),
      };
    }),
  );
  ecs.on(DescribeTasksCommand).callsFake(
    serve('DescribeTasks', (input: DescribeTasksCommandInput) => ({
      tasks: (input.tasks ?? []).map((taskArn) => {
        const [n, k] = taskArn
          .slice(taskArn.lastIndexOf('/') + 1)
          .split('-')
          .map(Number) as [number, number];
        const svc = (n + k) % Math.max(1, o.services);
        return {
          taskArn,
          taskDefinitionArn: tdArn(svc, 2),
          containerInstanceArn: ciArns[n],
          group: `service:svc-${svc}`,
          lastStatus: 'RUNNING',
          desiredStatus: 'RUNNING',
          launchType: 'EC2',
          cpu: '256',
          memory: '512',
        };
      }),
      failures: [],
    })),
  );
  autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(
    serve('DescribeAutoScalingGroups', (_input: DescribeAutoScalingGroupsCommandInput) => ({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: `${cluster}-asg`,
          MinSize: 1,
          MaxSize: o.instances * 2,
          DesiredCapacity: o.instances,
          Instances: ciArns.map((arn) => ({ InstanceId: `i-${arn.slice(-8)}`, LifecycleState: 'InService' })),
          Tags: [{ Key: 'ecs-autoscaler:cluster', Value: cluster }],
          CreatedTime: new Date('2026-01-01T00:00:00Z'),
        },
      ],
    })),
  );
  aas.on(DescribeScalableTargetsCommand).callsFake(
    serve('DescribeScalableTargets', (input: DescribeScalableTargetsCommandInput) => ({
      ScalableTargets: (input.ResourceIds ?? []).slice(0, 5).map((ResourceId) => ({
        ServiceNamespace: 'ecs',
        ResourceId,
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 10,
        CreationTime: new Date('2026-01-01T00:00:00Z'),
      })),
    })),
  );

  cw.on(DescribeAlarmsCommand).callsFake(
    serve('DescribeAlarms', (input: DescribeAlarmsCommandInput) => {
      if ((input.MaxRecords ?? 50) > 100) throw new Error('InvalidParameterValue: MaxRecords');
      const metric = !input.AlarmTypes?.length || input.AlarmTypes.includes('MetricAlarm');
      const all = (metric ? (o.alarms ?? []) : []).filter(
        (a) => !input.StateValue || a.StateValue === input.StateValue,
      );
      const p = page(all, input.NextToken, input.MaxRecords ?? 50);
      return { MetricAlarms: p.items, CompositeAlarms: [], NextToken: p.next };
    }),
  );

  const clients: ReaderClients = {
    ecs: new ECSClient({ region: 'us-east-1' }),
    autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
    applicationAutoScaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
  };
  const count = (name: string) => calls.filter((c) => c === name).length;
  const mocks = [ecs, autoScaling, aas, cw];
  /**
   * Every command any client sent, served or not (`calls` only logs the reads the fixture serves; a write
   * it does not serve would resolve to undefined and be missed there). Names without the `Command` suffix.
   */
  const sent = (): string[] =>
    mocks.flatMap((m) =>
      m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')),
    );
  return {
    cluster,
    clients,
    mocks: { ecs, autoScaling, aas, cw },
    calls,
    sent,
    count,
    maxInFlight: () => maxInFlight,
    restore: () => {
      ecs.restore();
      autoScaling.restore();
      aas.restore();
      cw.restore();
    },
  };
};
