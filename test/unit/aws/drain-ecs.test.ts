import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DRAIN_START_ATTRIBUTE, EcsDrainAdapter } from '../../../shared/aws/drain-ecs.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

const ecsMock = mockClient(ECSClient);
const adapter = new EcsDrainAdapter(new ECSClient({}));
const CI = 'arn:aws:ecs:us-east-1:123456789012:container-instance/web-prod/7d2f';
const taskArn = (i: number) => `arn:aws:ecs:us-east-1:123456789012:task/web-prod/t${i}`;

const sdkError = (name: string, status: number, message = name) =>
  new ECSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });

beforeEach(() => {
  ecsMock.reset();
});

describe('EcsDrainAdapter.findContainerInstance', () => {
  it('filters by EC2 instance ID and reads status and the drain-start attribute', async () => {
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [CI] });
    ecsMock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        {
          containerInstanceArn: CI,
          ec2InstanceId: 'i-0a1b2c3d4e5f67890',
          status: 'DRAINING',
          attributes: [
            { name: 'ecs.os-type', value: 'linux' },
            { name: DRAIN_START_ATTRIBUTE, value: '1741944413' },
          ],
        },
      ],
    });
    const found = await adapter.findContainerInstance('web-prod', 'i-0a1b2c3d4e5f67890');
    expect(ecsMock).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'web-prod',
      filter: 'ec2InstanceId == i-0a1b2c3d4e5f67890',
    });
    expect(ecsMock).toHaveReceivedCommandWith(DescribeContainerInstancesCommand, {
      cluster: 'web-prod',
      containerInstances: [CI],
    });
    expect(found).toEqual({
      arn: CI,
      status: 'DRAINING',
      ec2InstanceId: 'i-0a1b2c3d4e5f67890',
      drainStartedAt: new Date(1741944413_000),
    });
  });

  it('returns undefined when the instance never registered', async () => {
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [] });
    expect(await adapter.findContainerInstance('web-prod', 'i-0a1b2c3d4e5f67890')).toBeUndefined();
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 0);
  });

  it('ignores a malformed drain-start attribute', async () => {
    ecsMock.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [
        {
          containerInstanceArn: CI,
          status: 'DRAINING',
          attributes: [{ name: DRAIN_START_ATTRIBUTE, value: 'soon' }],
        },
      ],
    });
    expect((await adapter.describeContainerInstance('web-prod', CI))?.drainStartedAt).toBeUndefined();
  });

  it('returns undefined for a container instance ECS reports as a failure (MISSING)', async () => {
    ecsMock
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn: CI, reason: 'MISSING' }] });
    expect(await adapter.describeContainerInstance('web-prod', CI)).toBeUndefined();
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 1);
  });
});

describe('EcsDrainAdapter: partial DescribeContainerInstances answers', () => {
  const unavailable = {
    containerInstances: [],
    failures: [{ arn: CI, reason: 'UNAVAILABLE', detail: 'try again' }],
  };

  it('throws TransientAwsError, naming the ARN and reason, when a failure other than MISSING persists', async () => {
    ecsMock.on(DescribeContainerInstancesCommand).resolves(unavailable);
    const error = await adapter.describeContainerInstance('web-prod', CI).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toContain(`${CI}: UNAVAILABLE (try again)`);
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 3);
    expect(ecsMock).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 0);
    expect(ecsMock).toHaveReceivedCommandTimes(PutAttributesCommand, 0);
  });

  it('throws TransientAwsError when the ARN is in neither list', async () => {
    ecsMock.on(DescribeContainerInstancesCommand).resolves({ containerInstances: [], failures: [] });
    const error = await adapter.describeContainerInstance('web-prod', CI).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toContain('absent from the answer');
  });

  it('asks again at once and returns the instance when the next answer is whole', async () => {
    ecsMock
      .on(DescribeContainerInstancesCommand)
      .resolvesOnce(unavailable)
      .resolves({ containerInstances: [{ containerInstanceArn: CI, status: 'DRAINING' }] });
    expect(await adapter.describeContainerInstance('web-prod', CI)).toEqual({ arn: CI, status: 'DRAINING' });
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 2);
  });

  it('findContainerInstance: MISSING for an ARN ListContainerInstances just listed is not an answer', async () => {
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [CI] });
    ecsMock
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn: CI, reason: 'MISSING' }] });
    const error = await adapter
      .findContainerInstance('web-prod', 'i-0a1b2c3d4e5f67890')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toContain('yet ListContainerInstances lists it');
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 3);
  });

  it('findContainerInstance: a failure other than MISSING throws TransientAwsError too', async () => {
    ecsMock.on(ListContainerInstancesCommand).resolves({ containerInstanceArns: [CI] });
    ecsMock.on(DescribeContainerInstancesCommand).resolves(unavailable);
    await expect(adapter.findContainerInstance('web-prod', 'i-0a1b2c3d4e5f67890')).rejects.toBeInstanceOf(
      TransientAwsError,
    );
  });
});

describe('EcsDrainAdapter: partial DescribeTasks and DescribeServices answers', () => {
  const listTwo = () => {
    ecsMock
      .on(ListTasksCommand, { desiredStatus: 'RUNNING' })
      .resolves({ taskArns: [taskArn(1), taskArn(2)] });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] });
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'web', schedulingStrategy: 'REPLICA', runningCount: 4 }],
    });
  };
  const running = (n: number) => ({ taskArn: taskArn(n), lastStatus: 'RUNNING', group: 'service:web' });

  it.each([
    ['MISSING', { tasks: [running(1)], failures: [{ arn: taskArn(2), reason: 'MISSING' }] }, 'MISSING'],
    [
      'another reason',
      { tasks: [running(1)], failures: [{ arn: taskArn(2), reason: 'UNAVAILABLE' }] },
      'UNAVAILABLE',
    ],
    ['absent from the answer', { tasks: [running(1)] }, 'absent from the answer'],
  ])(
    'throws TransientAwsError naming the task when it stays unread (%s), never a shorter list',
    async (_c, answer, why) => {
      listTwo();
      ecsMock.on(DescribeTasksCommand).resolves(answer);
      const error = await adapter.listInstanceTasks('web-prod', CI).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientAwsError);
      expect((error as Error).message).toContain(`${taskArn(2)}: ${why}`);
      expect((error as Error).message).not.toContain(taskArn(1));
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeTasksCommand, 3);
      expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 0);
      expect(ecsMock).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 0);
    },
  );

  it('asks again only for the tasks it could not read, and returns them all', async () => {
    listTwo();
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [running(1)], failures: [{ arn: taskArn(2), reason: 'UNAVAILABLE' }] })
      .resolves({ tasks: [running(2)] });
    const tasks = await adapter.listInstanceTasks('web-prod', CI);
    expect(tasks.map((t) => t.taskArn)).toEqual([taskArn(1), taskArn(2)]);
    expect(ecsMock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks)).toEqual([
      [taskArn(1), taskArn(2)],
      [taskArn(2)],
    ]);
  });

  it('throws TransientAwsError when a service stays under failures with a reason other than MISSING', async () => {
    listTwo();
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [running(1), running(2)] });
    ecsMock.on(DescribeServicesCommand).resolves({ failures: [{ arn: 'svc/web', reason: 'UNAVAILABLE' }] });
    await expect(adapter.listInstanceTasks('web-prod', CI)).rejects.toBeInstanceOf(TransientAwsError);
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 3);
  });

  it('counts the tasks of a MISSING (deleted) service as blocking (not daemon)', async () => {
    listTwo();
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [running(1), running(2)] });
    ecsMock.on(DescribeServicesCommand).resolves({ failures: [{ arn: 'svc/web', reason: 'MISSING' }] });
    const tasks = await adapter.listInstanceTasks('web-prod', CI);
    expect(tasks.map((t) => t.daemon)).toEqual([false, false]);
  });
});

describe('EcsDrainAdapter.listInstanceTasks', () => {
  it('lists desired RUNNING and STOPPED tasks with pagination, describes them, and flags daemon services', async () => {
    ecsMock.on(ListTasksCommand).callsFake((input: { desiredStatus?: string; nextToken?: string }) => {
      if (input.desiredStatus === 'STOPPED') return { taskArns: [taskArn(4)] };
      return input.nextToken === 'page2'
        ? { taskArns: [taskArn(3)] }
        : { taskArns: [taskArn(1), taskArn(2)], nextToken: 'page2' };
    });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: taskArn(1), lastStatus: 'RUNNING', group: 'service:web' },
        { taskArn: taskArn(2), lastStatus: 'RUNNING', group: 'service:agent' },
        { taskArn: taskArn(3), lastStatus: 'RUNNING', group: 'family:nightly' },
        { taskArn: taskArn(4), lastStatus: 'DEACTIVATING', group: 'service:web' },
      ],
    });
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        { serviceName: 'web', schedulingStrategy: 'REPLICA', runningCount: 4 },
        { serviceName: 'agent', schedulingStrategy: 'DAEMON', runningCount: 3 },
      ],
    });
    const tasks = await adapter.listInstanceTasks('web-prod', CI);
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'web-prod',
      containerInstance: CI,
      desiredStatus: 'RUNNING',
    });
    expect(ecsMock).toHaveReceivedCommandWith(ListTasksCommand, {
      cluster: 'web-prod',
      containerInstance: CI,
      desiredStatus: 'STOPPED',
    });
    expect(ecsMock).toHaveReceivedCommandTimes(ListTasksCommand, 3);
    expect(ecsMock).toHaveReceivedCommandWith(DescribeTasksCommand, {
      cluster: 'web-prod',
      tasks: [taskArn(1), taskArn(2), taskArn(3), taskArn(4)],
    });
    expect(ecsMock).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: 'web-prod',
      services: ['web', 'agent'],
    });
    expect(tasks.map((t) => [t.taskArn, t.lastStatus, t.daemon])).toEqual([
      [taskArn(1), 'RUNNING', false],
      [taskArn(2), 'RUNNING', true],
      [taskArn(3), 'RUNNING', false],
      [taskArn(4), 'DEACTIVATING', false],
    ]);
    expect(tasks[0]).toMatchObject({ serviceName: 'web', serviceRunningCount: 4 });
  });

  it('describes tasks in batches of 100 and services in batches of 10', async () => {
    const arns = Array.from({ length: 150 }, (_, i) => taskArn(i));
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: arns });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] });
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((t) => ({
        taskArn: t,
        lastStatus: 'RUNNING',
        group: `service:s${t.slice(-2)}`,
      })),
    }));
    ecsMock.on(DescribeServicesCommand).resolves({ services: [] });
    await adapter.listInstanceTasks('web-prod', CI);
    const describeCalls = ecsMock
      .commandCalls(DescribeTasksCommand)
      .map((c) => c.args[0].input.tasks?.length);
    expect(describeCalls).toEqual([100, 50]);
    const serviceCalls = ecsMock
      .commandCalls(DescribeServicesCommand)
      .map((c) => c.args[0].input.services?.length);
    expect(serviceCalls.every((n) => (n ?? 0) <= 10)).toBe(true);
  });

  it('makes no describe call for an instance without tasks', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
    expect(await adapter.listInstanceTasks('web-prod', CI)).toEqual([]);
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeTasksCommand, 0);
    expect(ecsMock).toHaveReceivedCommandTimes(DescribeServicesCommand, 0);
  });
});

describe('EcsDrainAdapter writes', () => {
  it('sets DRAINING with UpdateContainerInstancesState', async () => {
    ecsMock
      .on(UpdateContainerInstancesStateCommand)
      .resolves({ containerInstances: [{ containerInstanceArn: CI }] });
    await adapter.setDraining('web-prod', CI);
    expect(ecsMock).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      cluster: 'web-prod',
      containerInstances: [CI],
      status: 'DRAINING',
    });
  });

  it('turns an UpdateContainerInstancesState failure into AwsRejectedError', async () => {
    ecsMock.on(UpdateContainerInstancesStateCommand).resolves({ failures: [{ arn: CI, reason: 'MISSING' }] });
    await expect(adapter.setDraining('web-prod', CI)).rejects.toThrow(/could not set .* DRAINING: MISSING/);
  });

  it('records the drain start as epoch seconds in a container-instance attribute', async () => {
    ecsMock.on(PutAttributesCommand).resolves({});
    await adapter.recordDrainStart('web-prod', CI, new Date('2025-03-14T09:26:53.900Z'));
    expect(ecsMock).toHaveReceivedCommandWith(PutAttributesCommand, {
      cluster: 'web-prod',
      attributes: [
        { name: DRAIN_START_ATTRIBUTE, value: '1741944413', targetType: 'container-instance', targetId: CI },
      ],
    });
  });
});

describe('EcsDrainAdapter error translation', () => {
  it.each([
    [
      'UpdateContainerInstancesState',
      () => adapter.setDraining('web-prod', CI),
      UpdateContainerInstancesStateCommand,
      'ecs:UpdateContainerInstancesState',
    ],
    [
      'PutAttributes',
      () => adapter.recordDrainStart('web-prod', CI, new Date(0)),
      PutAttributesCommand,
      'ecs:PutAttributes',
    ],
    ['ListTasks', () => adapter.listInstanceTasks('web-prod', CI), ListTasksCommand, 'ecs:ListTasks'],
    [
      'ListContainerInstances',
      () => adapter.findContainerInstance('web-prod', 'i-0a1b2c3d4e5f67890'),
      ListContainerInstancesCommand,
      'ecs:ListContainerInstances',
    ],
    [
      'DescribeContainerInstances',
      () => adapter.describeContainerInstance('web-prod', CI),
      DescribeContainerInstancesCommand,
      'ecs:DescribeContainerInstances',
    ],
  ] as const)(
    '%s: AccessDenied names the action, throttling is transient',
    async (_name, call, command, action) => {
      ecsMock.on(command as never).rejects(sdkError('AccessDeniedException', 400, 'not authorized'));
      const denied = await call().catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(AwsRejectedError);
      expect((denied as Error).message).toContain(action);

      ecsMock.reset();
      ecsMock.on(command as never).rejects(sdkError('ThrottlingException', 400, 'Rate exceeded'));
      await expect(call()).rejects.toBeInstanceOf(TransientAwsError);

      ecsMock.reset();
      ecsMock.on(command as never).rejects(sdkError('ServerException', 500));
      await expect(call()).rejects.toBeInstanceOf(TransientAwsError);
    },
  );
});
