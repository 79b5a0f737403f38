/**
 * The simulator through the real SDK v3 clients: pagination, batch limits with AWS's error names,
 * unimplemented commands failing loudly, and injected faults (throttling, 5xx, partial failures,
 * latency and killed invocations).
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  paginateListTasks,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nowMs } from '../../shared/runtime/clock.js';
import { createSim, type SdkMocks, type Sim } from '../../sim/index.js';

let sim: Sim;
let mocks: SdkMocks;
const ecs = new ECSClient({});

beforeEach(() => {
  sim = createSim({ seed: 9 });
  sim.createCluster('c');
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 16, memory: 32 }] });
  sim.createAutoScalingGroup({
    name: 'asg',
    cluster: 'c',
    min: 0,
    max: 200,
    desired: 120,
    instanceTypes: ['m5.xlarge'],
    tags: { 'ecs-autoscaler:cluster': 'c' },
  });
  for (let k = 0; k < 15; k++)
    sim.createService({
      cluster: 'c',
      name: `svc-${k}`,
      taskDefinition: 'web',
      desiredCount: k === 0 ? 250 : 1,
    });
  mocks = sim.install();
});
afterEach(() => sim.dispose());

describe('sim through the SDK', () => {
  it('paginates ListContainerInstances (100), ListServices (10) and ListTasks', async () => {
    const first = await ecs.send(new ListContainerInstancesCommand({ cluster: 'c' }));
    expect(first.containerInstanceArns).toHaveLength(100);
    const second = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'c', nextToken: first.nextToken }),
    );
    expect(second.containerInstanceArns).toHaveLength(20);
    expect(second.nextToken).toBeUndefined();
    const services = await ecs.send(new ListServicesCommand({ cluster: 'c' }));
    expect(services.serviceArns).toHaveLength(10);
    expect(services.nextToken).toBeDefined();
    const all: string[] = [];
    for await (const page of paginateListTasks({ client: ecs }, { cluster: 'c', serviceName: 'svc-0' }))
      all.push(...(page.taskArns ?? []));
    expect(all).toHaveLength(250);
    expect(new Set(all).size).toBe(250);
    expect(mocks.ecs).toHaveReceivedCommandTimes(ListTasksCommand, 3);
  });

  it('rejects oversized batches with the real error names', async () => {
    const arns = (await ecs.send(new ListContainerInstancesCommand({ cluster: 'c' }))).containerInstanceArns!;
    await expect(
      ecs.send(new DescribeContainerInstancesCommand({ cluster: 'c', containerInstances: [...arns, 'x'] })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      ecs.send(
        new DescribeServicesCommand({
          cluster: 'c',
          services: Array.from({ length: 11 }, (_, k) => `svc-${k}`),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      ecs.send(
        new DescribeTasksCommand({ cluster: 'c', tasks: Array.from({ length: 101 }, (_, k) => `t${k}`) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster: 'c',
          containerInstances: arns.slice(0, 11),
          status: 'DRAINING',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecs.send(new ListTasksCommand({ cluster: 'c', maxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(ecs.send(new ListServicesCommand({ cluster: 'nope' }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    const asg = new AutoScalingClient({});
    await expect(
      asg.send(
        new DescribeAutoScalingInstancesCommand({
          InstanceIds: Array.from({ length: 51 }, (_, k) => `i-${k}`),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      new ApplicationAutoScalingClient({}).send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'ecs',
          ResourceIds: Array.from({ length: 51 }, (_, k) => `service/c/s${k}`),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      new CloudWatchClient({}).send(
        new DeleteAlarmsCommand({ AlarmNames: Array.from({ length: 101 }, (_, k) => `a${k}`) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      ecs.send(new ListContainerInstancesCommand({ cluster: 'c', nextToken: 'garbage' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answers Describe calls with failures for unknown ARNs, filters and Date objects', async () => {
    const cis = await ecs.send(new ListContainerInstancesCommand({ cluster: 'c', maxResults: 1 }));
    const described = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: 'c',
        containerInstances: [cis.containerInstanceArns![0]!, 'nope'],
      }),
    );
    expect(described.failures).toEqual([{ arn: 'nope', reason: 'MISSING' }]);
    const ci = described.containerInstances![0]!;
    expect(ci.registeredAt).toBeInstanceOf(Date);
    const byId = await ecs.send(
      new ListContainerInstancesCommand({ cluster: 'c', filter: `ec2InstanceId == ${ci.ec2InstanceId}` }),
    );
    expect(byId.containerInstanceArns).toEqual([ci.containerInstanceArn]);
    const groups = await new AutoScalingClient({}).send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [{ Name: 'tag:ecs-autoscaler:cluster', Values: ['c'] }],
      }),
    );
    expect(groups.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['asg']);
  });

  it('fails loudly on a command the simulator does not implement', async () => {
    await expect(ecs.send(new CreateServiceCommand({ serviceName: 'x' }))).rejects.toThrow(
      /ecs CreateService is not implemented/,
    );
  });

  it('injects throttling, 5xx and partial failures per command', async () => {
    sim.faults.api({ service: 'ecs', command: 'ListServices', kind: 'throttle', count: 1 });
    sim.faults.api({
      service: 'ecs',
      command: 'UpdateService',
      kind: 'server-error',
      errorName: 'ServiceUnavailable',
    });
    sim.faults.api({ service: 'ecs', command: 'DescribeServices', kind: 'partial-failure', share: 0.5 });
    await expect(ecs.send(new ListServicesCommand({ cluster: 'c' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ecs.send(new ListServicesCommand({ cluster: 'c' }))).resolves.toBeDefined();
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'c', service: 'svc-1', desiredCount: 3 })),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(sim.ecs.clusters.get('c')!.services.get('svc-1')!.desiredCount).toBe(1);
    const d = await ecs.send(
      new DescribeServicesCommand({ cluster: 'c', services: ['svc-1', 'svc-2', 'svc-3', 'svc-4'] }),
    );
    expect(d.failures!.length).toBeGreaterThan(0);
    expect(d.services!.length + d.failures!.length).toBe(4);
  });

  it('kills an invocation after N API calls; later calls never take effect; time advances by latency', async () => {
    const seen: number[] = [];
    sim.register({
      name: 'writer',
      timeoutSeconds: 30,
      handler: async () => {
        for (let k = 1; k <= 5; k++) {
          seen.push(nowMs());
          await ecs.send(new UpdateServiceCommand({ cluster: 'c', service: `svc-${k}`, desiredCount: 2 }));
        }
      },
    });
    sim.faults.invocations({ function: 'writer', killAfterApiCalls: 2, count: 1 });
    sim.faults.api({ command: 'UpdateService', kind: 'latency', latencyMs: 500 });
    const rec = await sim.invoke('writer');
    expect(rec.outcome).toBe('timeout');
    expect(rec.apiCalls).toBe(2);
    const desired = [1, 2, 3, 4, 5].map(
      (k) => sim.ecs.clusters.get('c')!.services.get(`svc-${k}`)!.desiredCount,
    );
    expect(desired).toEqual([2, 2, 1, 1, 1]);
    expect(seen[1]! - seen[0]!).toBe(520);
    const again = await sim.invoke('writer');
    expect(again.outcome).toBe('ok');
  });
});
