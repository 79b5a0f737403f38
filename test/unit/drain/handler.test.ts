import { readFileSync } from 'node:fs';
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  type LifecycleState,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
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
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/instance-drainer/handler.js';
import { DRAIN_START_ATTRIBUTE, SPOT_WARNING_ATTRIBUTE } from '../../../shared/aws/drain-ecs.js';
import { DrainTags } from '../../../shared/core/drain/index.js';
import { TransientAwsError } from '../../../shared/core/errors.js';
import { setClock, setSleep } from '../../../shared/runtime/clock.js';
import { setEmfSink } from '../../../shared/runtime/metrics.js';

const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
const load = (path: string): Record<string, unknown> =>
  structuredClone(JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8')));
const context = { functionName: 'instance-drainer', awsRequestId: 'req-1' } as Context;
const invoke = (event: unknown) => handler(event, context);

const NOW = Date.parse('2025-03-14T10:00:00Z');
const ID = 'i-0a1b2c3d4e5f67890';
const CI = 'arn:aws:ecs:us-east-1:123456789012:container-instance/web-prod/7d2f1b4a9c8e4f3a8b6d5e4c3b2a1f09';
const TASK = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/web-prod/t${n}`;
const MANAGED = [{ Key: 'ecs-autoscaler:cluster', Value: 'web-prod' }];

interface World {
  tags?: { Key: string; Value: string }[];
  lifecycleState?: string;
  ciStatus?: string | undefined;
  drainStartedAtSeconds?: number;
  tasks?: { n: number; lastStatus: string; service?: string }[];
  daemonServices?: string[];
  /** The container instance carries the Spot-warning mark and is ACTIVE (the sweeper's Spot watch). */
  spotWarnedActive?: boolean;
  /** The container instance carries the Spot-warning mark (a warning the drainer already recorded). */
  spotMarked?: boolean;
}

/** A mocked account: one group 'web-prod-asg' with one instance, its container instance and tasks. */
const world = (w: World = {}) => {
  const tags = w.tags ?? MANAGED;
  const state = (w.lifecycleState ?? 'Terminating:Wait') as LifecycleState;
  const group = {
    AutoScalingGroupName: 'web-prod-asg',
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: 2,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date(0),
    Tags: tags,
    Instances: [
      {
        InstanceId: ID,
        LifecycleState: state,
        AvailabilityZone: 'us-east-1a',
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: false,
      },
    ],
  };
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group] });
  asg.on(DescribeAutoScalingInstancesCommand).resolves({
    AutoScalingInstances: [
      {
        InstanceId: ID,
        AutoScalingGroupName: 'web-prod-asg',
        LifecycleState: state,
        AvailabilityZone: 'us-east-1a',
        HealthStatus: 'HEALTHY',
        ProtectedFromScaleIn: false,
      },
    ],
  });
  asg.on(DescribeLifecycleHooksCommand).resolves({
    LifecycleHooks: [
      {
        LifecycleHookName: 'ecs-drain',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        HeartbeatTimeout: 600,
        GlobalTimeout: 60_000,
      },
    ],
  });
  asg.on(CompleteLifecycleActionCommand).resolves({});
  asg.on(RecordLifecycleActionHeartbeatCommand).resolves({});
  const status = 'ciStatus' in w ? w.ciStatus : 'ACTIVE';
  // The instance by EC2 instance ID; the sweeper's Spot watch (`attribute:… exists`) finds nothing unless told.
  ecs.on(ListContainerInstancesCommand).callsFake((input: { filter?: string }) => ({
    containerInstanceArns: input.filter?.startsWith('attribute:')
      ? w.spotWarnedActive
        ? [CI]
        : []
      : status
        ? [CI]
        : [],
  }));
  ecs.on(DescribeContainerInstancesCommand).resolves({
    containerInstances: status
      ? [
          {
            containerInstanceArn: CI,
            ec2InstanceId: ID,
            status,
            attributes: [
              ...(w.drainStartedAtSeconds !== undefined
                ? [{ name: DRAIN_START_ATTRIBUTE, value: String(w.drainStartedAtSeconds) }]
                : []),
              ...(w.spotMarked ? [{ name: SPOT_WARNING_ATTRIBUTE, value: String(NOW / 1000 - 30) }] : []),
            ],
          },
        ]
      : [],
  });
  const tasks = w.tasks ?? [];
  ecs.on(ListTasksCommand).callsFake((input: { desiredStatus?: string }) => ({
    taskArns: tasks
      .filter((t) => (input.desiredStatus === 'STOPPED') === (t.lastStatus !== 'RUNNING'))
      .map((t) => TASK(t.n)),
  }));
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
    tasks: tasks
      .filter((t) => input.tasks.includes(TASK(t.n)))
      .map((t) => ({ taskArn: TASK(t.n), lastStatus: t.lastStatus, group: `service:${t.service ?? 'web'}` })),
  }));
  ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => ({
    services: input.services.map((s) => ({
      serviceName: s,
      schedulingStrategy: w.daemonServices?.includes(s) ? 'DAEMON' : 'REPLICA',
      runningCount: 4,
    })),
  }));
  ecs
    .on(UpdateContainerInstancesStateCommand)
    .resolves({ containerInstances: [{ containerInstanceArn: CI }] });
  ecs.on(PutAttributesCommand).resolves({});
};

const writes = () =>
  ecs.commandCalls(UpdateContainerInstancesStateCommand).length +
  ecs.commandCalls(PutAttributesCommand).length +
  asg.commandCalls(CompleteLifecycleActionCommand).length +
  asg.commandCalls(RecordLifecycleActionHeartbeatCommand).length;

let emf: Record<string, unknown>[] = [];
const metricValues = (name: string) =>
  emf.filter((d) => name in d).map((d) => ({ value: d[name], cluster: d.ClusterName }));
let restoreClock: () => void;
let restoreSleep: () => void;
/** Backoffs the drainer asked for (ms); no real waiting in tests. */
let slept: number[] = [];

beforeEach(() => {
  slept = [];
  restoreSleep = setSleep(async (ms) => {
    slept.push(ms);
  });
  ecs.reset();
  asg.reset();
  emf = [];
  setEmfSink((doc) => emf.push(doc));
  restoreClock = setClock(() => NOW);
  delete process.env.DRY_RUN;
  delete process.env.MAX_DRAIN_SECONDS;
});
afterEach(() => {
  setEmfSink(undefined);
  restoreClock();
  restoreSleep();
});

describe('instance-drainer handler: lifecycle action', () => {
  it('sets an ACTIVE instance with tasks DRAINING, records the start, and does not complete yet', async () => {
    world({
      tasks: [
        { n: 1, lastStatus: 'RUNNING' },
        { n: 2, lastStatus: 'RUNNING' },
      ],
    });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result).toMatchObject({ status: 'ok', plans: [{ action: 'set-draining', completed: false }] });
    expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      cluster: 'web-prod',
      containerInstances: [CI],
      status: 'DRAINING',
    });
    expect(ecs).toHaveReceivedCommandWith(PutAttributesCommand, {
      attributes: [
        {
          name: DRAIN_START_ATTRIBUTE,
          value: String(NOW / 1000),
          targetType: 'container-instance',
          targetId: CI,
        },
      ],
    });
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
    expect(metricValues('TasksMoved')).toEqual([{ value: 2, cluster: 'web-prod' }]);
  });

  it('completes at once when only daemon tasks are left', async () => {
    world({ tasks: [{ n: 1, lastStatus: 'RUNNING', service: 'agent' }], daemonServices: ['agent'] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
    expect(asg).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      AutoScalingGroupName: 'web-prod-asg',
      LifecycleHookName: 'ecs-drain',
      InstanceId: ID,
      LifecycleActionResult: 'CONTINUE',
    });
    expect(metricValues('LifecycleActionsCompleted')).toEqual([{ value: 1, cluster: 'web-prod' }]);
  });

  it('completes at once when the instance is already DRAINING and empty', async () => {
    world({ ciStatus: 'DRAINING', tasks: [{ n: 1, lastStatus: 'STOPPED' }] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 0);
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
  });

  it('completes at once for an instance that never registered with ECS', async () => {
    world({ ciStatus: undefined });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
    expect(ecs).toHaveReceivedCommandTimes(ListTasksCommand, 0);
  });

  it('drains an instance going back to the warm pool too (it is stopped)', async () => {
    world({ tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action-to-warm-pool.json'));
    expect(result.plans[0]?.action).toBe('set-draining');
  });

  it('treats a duplicate completion ("No active Lifecycle Action found") as success', async () => {
    world({ ciStatus: 'DRAINING' });
    asg.on(CompleteLifecycleActionCommand).rejects(
      new AutoScalingServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `No active Lifecycle Action found with instance ID ${ID}`,
      }),
    );
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result).toMatchObject({ status: 'ok', plans: [{ action: 'complete', completed: false }] });
    expect(metricValues('LifecycleActionsCompleted')).toEqual([]);
  });

  it('ignores an unmanaged group with no write', async () => {
    world({ tags: [{ Key: 'Name', Value: 'legacy' }], tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.status).toBe('ignored');
    expect(writes()).toBe(0);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('ignores launch lifecycle actions', async () => {
    world();
    const result = await invoke(load('autoscaling/launch-lifecycle-action.json'));
    expect(result.status).toBe('ignored');
    expect(asg.calls()).toHaveLength(0);
  });
});

describe('instance-drainer handler: partial ECS answers never complete a busy instance', () => {
  const busyDraining = () =>
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 60,
      tasks: [
        { n: 1, lastStatus: 'RUNNING' },
        { n: 2, lastStatus: 'RUNNING' },
      ],
    });
  const partialTasks = () =>
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [{ taskArn: TASK(1), lastStatus: 'STOPPED', group: 'service:web' }],
      failures: [{ arn: TASK(2), reason: 'MISSING' }],
    });

  it('rethrows TransientAwsError when DescribeContainerInstances answers with a failure, and writes nothing', async () => {
    busyDraining();
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn: CI, reason: 'UNAVAILABLE' }] });
    await expect(invoke(load('autoscaling/terminate-lifecycle-action.json'))).rejects.toBeInstanceOf(
      TransientAwsError,
    );
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
    expect(writes()).toBe(0);
  });

  it('rethrows TransientAwsError when a running task is under DescribeTasks failures, and writes nothing', async () => {
    busyDraining();
    partialTasks();
    await expect(invoke(load('autoscaling/terminate-lifecycle-action.json'))).rejects.toBeInstanceOf(
      TransientAwsError,
    );
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
    expect(writes()).toBe(0);
  });

  it('the sweeper reports the partial answer as an error, completes nothing, and keeps the hook alive', async () => {
    busyDraining();
    partialTasks();
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.status).toBe('ok');
    expect(result.errors[0]).toContain(`ecs:DescribeTasks could not describe 1 task(s)`);
    expect(result.errors[0]).toContain(TASK(2));
    // The only write: a heartbeat, so that the hook does not time out over a partial answer.
    expect(writes()).toBe(1);
    expect(asg).toHaveReceivedCommandTimes(RecordLifecycleActionHeartbeatCommand, 1);
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
  });

  it('a container-instance event answered MISSING is re-read by EC2 instance ID, not taken as deregistered', async () => {
    busyDraining();
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolvesOnce({ containerInstances: [], failures: [{ arn: CI, reason: 'MISSING' }] })
      .resolves({
        containerInstances: [
          {
            containerInstanceArn: CI,
            ec2InstanceId: ID,
            status: 'DRAINING',
            attributes: [{ name: DRAIN_START_ATTRIBUTE, value: String(NOW / 1000 - 60) }],
          },
        ],
      });
    const result = await invoke(load('ecs/container-instance-state-change-draining.json'));
    expect(result.plans[0]?.action).toBe('wait');
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'web-prod',
      filter: `ec2InstanceId == ${ID}`,
    });
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
  });

  it('a container-instance event answered MISSING completes when the instance is not listed either', async () => {
    world({ ciStatus: undefined });
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn: CI, reason: 'MISSING' }] });
    const result = await invoke(load('ecs/container-instance-state-change-deregistered.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
  });

  it('a task-stopped event answered MISSING is left to the sweeper, with no write', async () => {
    busyDraining();
    ecs
      .on(DescribeContainerInstancesCommand)
      .resolves({ containerInstances: [], failures: [{ arn: CI, reason: 'MISSING' }] });
    const result = await invoke(load('ecs/task-state-change-stopped.json'));
    expect(result.status).toBe('ignored');
    expect(result.message).toContain('MISSING');
    expect(writes()).toBe(0);
  });
});

describe('instance-drainer handler: bad input and configuration', () => {
  it.each([
    'autoscaling/invalid-terminate-lifecycle-action-no-instance.json',
    'ec2/invalid-spot-interruption-bad-instance-id.json',
    'ecs/invalid-task-state-change-bad-status.json',
  ])('answers %s with invalid-event, no AWS call at all, and a DrainErrors metric', async (file) => {
    world();
    const result = await invoke(load(file));
    expect(result.status).toBe('invalid-event');
    expect(result.message).toMatch(/field '.*' is invalid/);
    expect(ecs.calls().length + asg.calls().length).toBe(0);
    expect(metricValues('DrainErrors')).toEqual([{ value: 1, cluster: 'unknown' }]);
  });

  it('refuses a bad max-drain-time tag with a message naming it, and writes nothing', async () => {
    world({
      tags: [...MANAGED, { Key: 'ecs-autoscaler:max-drain-time', Value: 'forever' }],
      tasks: [{ n: 1, lastStatus: 'RUNNING' }],
    });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.status).toBe('configuration-error');
    expect(result.message).toContain('ecs-autoscaler:max-drain-time');
    expect(result.message).toContain('allowed values');
    expect(writes()).toBe(0);
  });

  it('refuses an invalid MAX_DRAIN_SECONDS before any AWS call', async () => {
    world();
    process.env.MAX_DRAIN_SECONDS = 'ten';
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.status).toBe('configuration-error');
    expect(ecs.calls().length + asg.calls().length).toBe(0);
  });

  it.each([
    ['the group tag', [...MANAGED, { Key: 'ecs-autoscaler:dry-run', Value: 'true' }], undefined],
    ['DRY_RUN', MANAGED, 'true'],
  ])('writes nothing in dry-run set by %s, but returns the plan', async (_how, tags, env) => {
    if (env) process.env.DRY_RUN = env;
    world({ tags, tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.plans[0]).toMatchObject({ action: 'set-draining', dryRun: true });
    expect(writes()).toBe(0);
  });

  it('rethrows throttling so Lambda retries the event', async () => {
    world();
    asg.on(DescribeAutoScalingGroupsCommand).rejects(
      new AutoScalingServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );
    await expect(invoke(load('autoscaling/terminate-lifecycle-action.json'))).rejects.toBeInstanceOf(
      TransientAwsError,
    );
  });

  it('answers a denied write with a result naming the missing permission (no retry)', async () => {
    world({ tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    ecs.on(UpdateContainerInstancesStateCommand).rejects(
      new ECSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'not authorized',
      }),
    );
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.status).toBe('rejected');
    expect(result.message).toContain('ecs:UpdateContainerInstancesState');
  });
});

describe('instance-drainer handler: ECS events', () => {
  it('completes when the last non-daemon task on a held instance stops', async () => {
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 420,
      tasks: [{ n: 1, lastStatus: 'STOPPED' }],
    });
    const result = await invoke(load('ecs/task-state-change-stopped.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
    expect(metricValues('DrainDurationSeconds')).toEqual([{ value: 420, cluster: 'web-prod' }]);
  });

  it('waits while a task is still stopping (desired STOPPED, last status not yet STOPPED)', async () => {
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 60,
      tasks: [
        { n: 1, lastStatus: 'STOPPED' },
        { n: 2, lastStatus: 'DEACTIVATING' },
      ],
    });
    const result = await invoke(load('ecs/task-state-change-stopped.json'));
    expect(result.plans[0]?.action).toBe('wait');
    expect(writes()).toBe(0);
  });

  it('costs one read and no write for a task stopping on an ACTIVE instance', async () => {
    world({ ciStatus: 'ACTIVE', lifecycleState: 'InService' });
    const result = await invoke(load('ecs/task-state-change-stopped.json'));
    expect(result.status).toBe('ignored');
    expect(ecs.calls()).toHaveLength(1);
    expect(asg.calls()).toHaveLength(0);
  });

  it('ignores a stopping (not yet STOPPED) task without any AWS call', async () => {
    world();
    expect((await invoke(load('ecs/task-state-change-stopping.json'))).status).toBe('ignored');
    expect(ecs.calls().length + asg.calls().length).toBe(0);
  });

  it('leaves the scaler its own drain: DRAINING but InService is ignored', async () => {
    world({ ciStatus: 'DRAINING', lifecycleState: 'InService' });
    expect((await invoke(load('ecs/container-instance-state-change-draining.json'))).status).toBe('ignored');
    expect(writes()).toBe(0);
  });

  it('asks Auto Scaling before ECS: a DRAINING instance no hook holds costs one Auto Scaling read, no ECS read (issue 19)', async () => {
    world({ ciStatus: 'DRAINING', lifecycleState: 'InService' });
    expect((await invoke(load('ecs/container-instance-state-change-draining.json'))).status).toBe('ignored');
    expect(ecs.calls()).toHaveLength(0);
    expect(asg.commandCalls(DescribeAutoScalingInstancesCommand)).toHaveLength(1);
    expect(asg.calls()).toHaveLength(1);
  });

  it('reads ECS only once a hook holds the instance, and asks Auto Scaling about it once (issue 19)', async () => {
    world({
      ciStatus: 'DRAINING',
      lifecycleState: 'Terminating:Wait',
      tasks: [{ n: 1, lastStatus: 'RUNNING' }],
    });
    const result = await invoke(load('ecs/container-instance-state-change-draining.json'));
    expect(result.plans[0]?.action).toBe('wait');
    expect(asg.commandCalls(DescribeAutoScalingInstancesCommand)).toHaveLength(1);
    expect(ecs.commandCalls(DescribeContainerInstancesCommand).length).toBeGreaterThan(0);
  });

  it('completes when the container instance was deregistered', async () => {
    world({ ciStatus: 'INACTIVE' });
    const result = await invoke(load('ecs/container-instance-state-change-deregistered.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
  });
});

describe('instance-drainer handler: Spot', () => {
  it('drains a managed Spot instance at the interruption warning', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('ec2/spot-instance-interruption-warning.json'));
    expect(result.plans[0]?.action).toBe('set-draining');
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 1);
  });

  it('ignores an instance that is in no Auto Scaling group', async () => {
    world();
    asg.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });
    expect((await invoke(load('ec2/spot-instance-interruption-warning.json'))).status).toBe('ignored');
    expect(writes()).toBe(0);
  });

  it('ignores a rebalance recommendation when the group has capacity rebalancing off', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('ec2/instance-rebalance-recommendation.json'));
    expect(result.plans[0]?.action).toBe('ignore');
    expect(writes()).toBe(0);
  });
});

describe('instance-drainer handler: sweeper', () => {
  it('force-completes a drain past the maximum drain time and counts it', async () => {
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 3700,
      tasks: [{ n: 9, lastStatus: 'RUNNING' }],
    });
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.plans[0]).toMatchObject({ action: 'force-complete', completed: true });
    expect(result.plans[0]?.reasons.join(' ')).toContain(TASK(9));
    expect(metricValues('DrainsHitMaxTime')).toEqual([{ value: 1, cluster: 'web-prod' }]);
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag-key', Values: ['ecs-autoscaler:cluster'] }],
    });
  });

  it('completes an empty held instance whose task-stopped event was lost', async () => {
    world({ ciStatus: 'DRAINING', drainStartedAtSeconds: NOW / 1000 - 100 });
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.plans[0]).toMatchObject({ action: 'complete', completed: true });
  });

  it('does not throw on throttling: the next sweep is the retry', async () => {
    world();
    asg.on(DescribeAutoScalingGroupsCommand).rejects(
      new AutoScalingServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.status).toBe('ok');
    expect(result.errors[0]).toContain('autoscaling:DescribeAutoScalingGroups');
  });

  it('skips a group with a bad tag, logs it as an error, and never throws', async () => {
    world({ tags: [...MANAGED, { Key: 'ecs-autoscaler:dry-run', Value: 'yes' }] });
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.status).toBe('ok');
    expect(result.errors[0]).toContain('ecs-autoscaler:dry-run');
    expect(writes()).toBe(0);
  });
});

describe('instance-drainer handler: reliability (issue 15)', () => {
  const throttle = () =>
    new ECSServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });
  const asgThrottle = () =>
    new AutoScalingServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });
  const withContext = (remainingMs: number, arn = 'arn:aws:lambda:us-east-1:123456789012:function:drainer') =>
    ({ ...context, invokedFunctionArn: arn, getRemainingTimeInMillis: () => remainingMs }) as Context;

  it('Spot: sets DRAINING before listing the tasks (the one write that matters goes first)', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const order: string[] = [];
    ecs.on(UpdateContainerInstancesStateCommand).callsFake(() => {
      order.push('draining');
      return { containerInstances: [{ containerInstanceArn: CI }] };
    });
    ecs.on(ListTasksCommand).callsFake(() => {
      order.push('list-tasks');
      return { taskArns: [TASK(1)] };
    });
    const result = await invoke(load('ec2/spot-instance-interruption-warning.json'));
    expect(order[0]).toBe('draining');
    expect(result.plans[0]).toMatchObject({ action: 'set-draining' });
  });

  it('Spot: a throttled call is retried within the invocation, not 60 s later by Lambda', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    ecs
      .on(UpdateContainerInstancesStateCommand)
      .rejectsOnce(throttle())
      .resolves({ containerInstances: [{ containerInstanceArn: CI }] });
    const result = await handler(load('ec2/spot-instance-interruption-warning.json'), withContext(50_000));
    expect(result.plans[0]).toMatchObject({ action: 'set-draining' });
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 2);
    expect(slept).toHaveLength(1);
  });

  it('retries a failed heartbeat within the same sweep', async () => {
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 600,
      tasks: [{ n: 1, lastStatus: 'RUNNING' }],
    });
    asg.on(RecordLifecycleActionHeartbeatCommand).rejectsOnce(asgThrottle()).resolves({});
    const result = await handler(load('capacity-report/scheduled-event.json'), withContext(50_000));
    expect(result.plans[0]).toMatchObject({ action: 'heartbeat' });
    expect(result.errors).toEqual([]);
    expect(asg).toHaveReceivedCommandTimes(RecordLifecycleActionHeartbeatCommand, 2);
  });

  it('gives up retrying when the invocation has no time left for the backoff', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    ecs.on(UpdateContainerInstancesStateCommand).rejects(throttle());
    await expect(
      handler(load('ec2/spot-instance-interruption-warning.json'), withContext(4_000)),
    ).rejects.toBeInstanceOf(TransientAwsError);
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 1);
  });

  it('never sets DRAINING beside a stale drain start: a failed record stops the plan', async () => {
    // Back from a warm pool: ACTIVE, with the attribute of an old drain; PutAttributes throttled throughout.
    world({ drainStartedAtSeconds: NOW / 1000 - 86_400, tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    ecs.on(PutAttributesCommand).rejects(throttle());
    await expect(invoke(load('autoscaling/terminate-lifecycle-action.json'))).rejects.toBeInstanceOf(
      TransientAwsError,
    );
    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 0);
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
  });

  it('does not force-complete a busy instance whose drain start belongs to an earlier drain', async () => {
    world({
      ciStatus: 'DRAINING',
      drainStartedAtSeconds: NOW / 1000 - 86_400,
      tasks: [
        { n: 1, lastStatus: 'RUNNING' },
        { n: 2, lastStatus: 'RUNNING' },
        { n: 3, lastStatus: 'RUNNING' },
      ],
    });
    const result = await invoke(load('capacity-report/scheduled-event.json'));
    expect(result.plans[0]?.action).not.toBe('force-complete');
    expect(asg).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 0);
    expect(result.plans[0]?.reasons.join(' ')).toContain('stale');
  });

  it('leaves an InService instance ACTIVE on a terminate event for it (a late retry, a warm-pool reuse)', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('autoscaling/terminate-lifecycle-action.json'));
    expect(result.plans[0]?.action).toBe('ignore');
    expect(writes()).toBe(0);
  });

  it('Spot: marks the warning with the drain start, in one PutAttributes after DRAINING', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    await invoke(load('ec2/spot-instance-interruption-warning.json'));
    const names = ecs
      .commandCalls(PutAttributesCommand)
      .flatMap((c) => (c.args[0].input.attributes ?? []).map((a) => a.name));
    expect(names).toEqual([DRAIN_START_ATTRIBUTE, SPOT_WARNING_ATTRIBUTE]);
  });

  it('Spot: an instance the scaler was already draining gets the mark too (no other write), once', async () => {
    // World 282076: unmarked, the scaler read it as its own drain and set it ACTIVE again for waiting tasks.
    world({ lifecycleState: 'InService', ciStatus: 'DRAINING', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const result = await invoke(load('ec2/spot-instance-interruption-warning.json'));
    expect(result.plans[0]?.action).toBe('wait');
    const names = ecs
      .commandCalls(PutAttributesCommand)
      .flatMap((c) => (c.args[0].input.attributes ?? []).map((a) => a.name));
    expect(names).toEqual([DRAIN_START_ATTRIBUTE, SPOT_WARNING_ATTRIBUTE]);
    expect(asg).toHaveReceivedCommandTimes(CreateOrUpdateTagsCommand, 1);
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    // The duplicate delivery (EventBridge delivers at least once) finds the mark and writes nothing.
    ecs.resetHistory();
    asg.resetHistory();
    world({
      lifecycleState: 'InService',
      ciStatus: 'DRAINING',
      spotMarked: true,
      tasks: [{ n: 1, lastStatus: 'RUNNING' }],
    });
    expect((await invoke(load('ec2/spot-instance-interruption-warning.json'))).plans[0]?.action).toBe('wait');
    expect(writes()).toBe(0);
  });

  it('Spot: tags the group of the instance with the warning, so the sweeper watches its cluster (issue 19)', async () => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    await invoke(load('ec2/spot-instance-interruption-warning.json'));
    const tags = asg.commandCalls(CreateOrUpdateTagsCommand).flatMap((c) => c.args[0].input.Tags ?? []);
    expect(tags.map((t) => [t.ResourceId, t.Key])).toEqual([['web-prod-asg', DrainTags.spotWarnedAt]]);
    expect(Number(tags[0]?.Value)).toBeGreaterThan(0);
  });

  it('Spot: a member whose agent has not registered yet is remembered on its group, not dropped', async () => {
    // Found by random worlds: the warning came 30–50 s after the instance went InService, before its
    // agent registered; "nothing to drain" — then it registered, ECS placed tasks on it, the reclaim took them.
    world({
      lifecycleState: 'InService',
      ciStatus: undefined,
      tags: [...MANAGED, { Key: DrainTags.spotWarnedAt, Value: '1000 i-0aaa' }],
    });
    const result = await invoke(load('ec2/spot-instance-interruption-warning.json'));
    expect(result.plans[0]?.action).toBe('wait');
    expect(result.plans[0]?.reasons.join(' ')).toMatch(/sweeper sets it DRAINING once its agent registers/);
    const tags = asg.commandCalls(CreateOrUpdateTagsCommand).flatMap((c) => c.args[0].input.Tags ?? []);
    // The id already waited for is kept; this one is added.
    expect(tags.map((t) => [t.Key, t.Value?.split(' ')[1]])).toEqual([
      [DrainTags.spotWarnedAt, `i-0aaa,${ID}`],
    ]);
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
  });

  it('the sweeper drains a remembered Spot-warned member once its agent has registered, then forgets it', async () => {
    world({
      lifecycleState: 'InService',
      tags: [...MANAGED, { Key: DrainTags.spotWarnedAt, Value: `4102444800 ${ID}` }],
    });
    await invoke(load('capacity-report/scheduled-event.json'));
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'web-prod',
      filter: `ec2InstanceId == ${ID}`,
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      containerInstances: [CI],
      status: 'DRAINING',
    });
    const names = ecs
      .commandCalls(PutAttributesCommand)
      .flatMap((c) => (c.args[0].input.attributes ?? []).map((a) => a.name));
    expect(names).toContain(SPOT_WARNING_ATTRIBUTE);
    const tags = asg.commandCalls(CreateOrUpdateTagsCommand).flatMap((c) => c.args[0].input.Tags ?? []);
    expect(tags.map((t) => [t.Key, t.Value])).toEqual([[DrainTags.spotWarnedAt, '4102444800']]);
  });

  it('the sweeper keeps waiting for a remembered member whose agent has not registered, and keeps the tag', async () => {
    world({
      lifecycleState: 'InService',
      ciStatus: undefined,
      tags: [...MANAGED, { Key: DrainTags.spotWarnedAt, Value: `1000 ${ID}` }],
    });
    await invoke(load('capacity-report/scheduled-event.json'));
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(asg).not.toHaveReceivedCommand(CreateOrUpdateTagsCommand);
    expect(asg).not.toHaveReceivedCommand(DeleteTagsCommand);
  });

  it('the sweeper lists no cluster for its Spot watch unless a group carries the Spot-warning tag', async () => {
    world({ lifecycleState: 'InService', spotWarnedActive: true });
    await invoke(load('capacity-report/scheduled-event.json'));
    expect(ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
  });

  it.each([
    ['keeps the tag within its grace period', '4102444800', 0],
    ['removes the tag once no warned instance is left', '1000', 1],
  ])('the sweeper %s', async (_what, since, deletes) => {
    world({
      lifecycleState: 'InService',
      spotWarnedActive: false,
      tags: [...MANAGED, { Key: DrainTags.spotWarnedAt, Value: since }],
    });
    await invoke(load('capacity-report/scheduled-event.json'));
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(asg.commandCalls(DeleteTagsCommand)).toHaveLength(deletes);
    if (deletes > 0) {
      // Gone means in no status (ListContainerInstances without `status` lists all but INACTIVE).
      const lists = ecs.commandCalls(ListContainerInstancesCommand).map((c) => c.args[0].input);
      expect(lists.map((i) => [i.cluster, i.filter, i.status])).toEqual([
        ['web-prod', `attribute:${SPOT_WARNING_ATTRIBUTE} exists`, 'ACTIVE'],
        ['web-prod', `attribute:${SPOT_WARNING_ATTRIBUTE} exists`, undefined],
      ]);
      expect(asg).toHaveReceivedCommandWith(DeleteTagsCommand, {
        Tags: [
          { ResourceId: 'web-prod-asg', ResourceType: 'auto-scaling-group', Key: DrainTags.spotWarnedAt },
        ],
      });
    }
  });

  it('the sweeper sets a Spot-warned instance found ACTIVE again DRAINING, until it is gone', async () => {
    world({
      lifecycleState: 'InService',
      spotWarnedActive: true,
      tags: [...MANAGED, { Key: DrainTags.spotWarnedAt, Value: '1000' }],
    });
    await invoke(load('capacity-report/scheduled-event.json'));
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'web-prod',
      status: 'ACTIVE',
      filter: `attribute:${SPOT_WARNING_ATTRIBUTE} exists`,
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      containerInstances: [CI],
      status: 'DRAINING',
    });
    // Still there: the tag stays.
    expect(asg).not.toHaveReceivedCommand(DeleteTagsCommand);
  });

  it.each([
    ['account', { account: '999999999999' }],
    ['region', { region: 'eu-west-1' }],
  ])('ignores a Spot warning from another %s, with no AWS call', async (_what, override) => {
    world({ lifecycleState: 'InService', tasks: [{ n: 1, lastStatus: 'RUNNING' }] });
    const event = { ...load('ec2/spot-instance-interruption-warning.json'), ...override };
    const result = await handler(event, withContext(50_000));
    expect(result.status).toBe('ignored');
    expect(asg.calls()).toHaveLength(0);
    expect(ecs.calls()).toHaveLength(0);
  });
});
