import { readFileSync } from 'node:fs';
import {
  CreateOrUpdateTagsCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterScalerHandler } from '../../../functions/cluster-scaler/handler.js';
import { clearTaskDefinitionCache } from '../../../shared/aws/snapshot-reader.js';
import { setClock } from '../../../shared/runtime/clock.js';
import { setEmfSink } from '../../../shared/runtime/metrics.js';
import { type ClusterSpec, fleet, NOW, snapshotOf, taskOn } from '../planner/builders.js';
import { mockAccount } from '../planner/mock-account.js';

const event = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`events/${path}`, 'utf8'));
const FULL = { usedCpu: 4096, usedMem: 8192, running: 2 };
/** Cluster web-prod: two full instances, three api tasks unplaced → scale out by 2. */
const busy = (group: ClusterSpec['group'] = {}): ClusterSpec => ({
  name: 'web-prod',
  instances: fleet(2, FULL),
  services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 10, running: 7 }],
  group,
});

let emf: Record<string, unknown>[] = [];
let restoreClock: () => void = () => {};
let account: ReturnType<typeof mockAccount> | undefined;
const env = { ...process.env };

beforeEach(() => {
  emf = [];
  setEmfSink((d) => emf.push(d));
  restoreClock = setClock(() => NOW.getTime());
  clearTaskDefinitionCache();
});
afterEach(() => {
  setEmfSink(undefined);
  restoreClock();
  account?.restore();
  process.env = { ...env };
});

const metric = (name: string, dims: Record<string, string>): unknown =>
  emf.find((d) => name in d && Object.entries(dims).every(([k, v]) => d[k] === v))?.[name];

describe('cluster scaler handler — alarm events', () => {
  it('scales the alarm’s cluster out exactly and records the scale-out in the ASG tags', async () => {
    account = mockAccount(snapshotOf(busy()));
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-alarm.json'));
    expect(result.status).toBe('ok');
    expect(result.clusters[0]).toMatchObject({
      cluster: 'web-prod',
      status: 'ok',
      action: 'scale-out',
      desiredCapacity: { current: 2, proposed: 4 },
    });
    expect(account.asg).toHaveReceivedCommandWith(SetDesiredCapacityCommand, {
      AutoScalingGroupName: 'asg-web-prod',
      DesiredCapacity: 4,
      HonorCooldown: false,
    });
    // The scale-out and the two instances it launches (dated now: group-state.ts).
    expect(account.asg).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [
        expect.objectContaining({ Key: 'ecs-autoscaler:last-scale-out', Value: NOW.toISOString() }),
        expect.objectContaining({
          Key: 'ecs-autoscaler:unregistered',
          Value: `2@${Math.floor(NOW.getTime() / 1000)}`,
        }),
      ],
    });
    expect(metric('ScaleOutInstances', { ClusterName: 'web-prod' })).toBe(2);
    // Alarm events neither publish the capacity metrics nor touch the alarms (the tick does).
    expect(metric('CapacityDeficitInstances', { ClusterName: 'web-prod' })).toBeUndefined();
    expect(account.cw.calls()).toHaveLength(0);
  });

  it('a duplicated alarm event after the scale-out changes nothing', async () => {
    account = mockAccount(
      snapshotOf(
        busy({
          desired: 4,
          unregistered: ['i-000000000000000b1', 'i-000000000000000b2'],
          // The tags the scale-out above wrote.
          tags: {
            'ecs-autoscaler:last-scale-out': NOW.toISOString(),
            'ecs-autoscaler:unregistered': `2@${Math.floor(NOW.getTime() / 1000)}`,
          },
        }),
      ),
    );
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-alarm.json'));
    expect(result.clusters[0]).toMatchObject({
      action: 'hold',
      desiredCapacity: { current: 4, proposed: 4 },
    });
    expect(account.writes()).toEqual([]);
    expect(metric('ScaleOutInstances', { ClusterName: 'web-prod' })).toBeUndefined();
  });

  it('acknowledges an OK transition without any AWS call', async () => {
    account = mockAccount(snapshotOf(busy()));
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-ok.json'));
    expect(result).toMatchObject({ status: 'ignored', trigger: 'alarm' });
    expect(account.commands()).toEqual([]);
  });

  it.each([
    ['cloudwatch/invalid-bad-state.json', /field 'detail.state.value' is invalid/],
    ['cloudwatch/invalid-foreign-alarm.json', /alarm 'ServerCpuTooHigh' is not one of the cluster scaler's/],
    [
      'cloudwatch/invalid-cluster-mismatch.json',
      /names cluster 'web-prod' but its metric's ClusterName dimension is 'batch'/,
    ],
    ['scheduled/invalid-detail-type.json', /field 'detail-type' is invalid/],
  ])('rejects %s with a clear error and zero AWS calls', async (file, message) => {
    account = mockAccount(snapshotOf(busy()));
    const result = await clusterScalerHandler(event(file));
    expect(result.status).toBe('invalid-event');
    expect(result.message).toMatch(message);
    expect(result.message).toMatch(/nothing was changed/i);
    expect(account.commands()).toEqual([]);
    expect(metric('ClusterScalerErrors', {})).toBe(1);
  });

  it('a bad tag value skips the cluster with an error metric and zero writes', async () => {
    account = mockAccount(snapshotOf(busy({ tags: { 'ecs-autoscaler:max-step': 'lots' } })));
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-alarm.json'));
    expect(result.clusters[0]).toMatchObject({ status: 'configuration-error' });
    expect(result.clusters[0]!.message).toMatch(
      /tag ecs-autoscaler:max-step='lots' is invalid; allowed: an integer 1..100/,
    );
    expect(account.writes()).toEqual([]);
    expect(metric('ConfigurationErrors', { ClusterName: 'web-prod' })).toBe(1);
  });

  it('a bad environment variable is a configuration error with zero AWS calls', async () => {
    process.env.DEFAULT_SCALE_IN_COOLDOWN = 'soon';
    account = mockAccount(snapshotOf(busy()));
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-alarm.json'));
    expect(result.status).toBe('configuration-error');
    expect(result.message).toMatch(/DEFAULT_SCALE_IN_COOLDOWN='soon'/);
    expect(account.commands()).toEqual([]);
  });

  it.each([
    ['DRY_RUN=true', { DRY_RUN: 'true' }, {}],
    ['the dry-run tag', {}, { 'ecs-autoscaler:dry-run': 'true' }],
  ])('dry run (%s) plans but writes nothing', async (_label, vars, tags) => {
    Object.assign(process.env, vars);
    account = mockAccount(snapshotOf(busy({ tags })));
    const result = await clusterScalerHandler(event('cloudwatch/capacity-deficit-alarm.json'));
    expect(result.clusters[0]).toMatchObject({ action: 'scale-out', dryRun: true, writes: [] });
    expect(account.writes()).toEqual([]);
  });
});

describe('cluster scaler handler — the tick', () => {
  it('publishes the metrics, creates the alarms once, and deletes those of untagged clusters', async () => {
    account = mockAccount(snapshotOf(busy()), [
      { AlarmName: 'ecs-autoscaler-cluster-gone-capacity-deficit' },
      { AlarmName: 'some-other-alarm' },
    ]);
    const result = await clusterScalerHandler(event('scheduled/tick.json'));
    expect(result).toMatchObject({ status: 'ok', trigger: 'tick' });
    expect(result.clusters[0]).toMatchObject({ cluster: 'web-prod', action: 'scale-out' });
    expect(metric('ReservationPercent', { ClusterName: 'web-prod', Resource: 'CPU' })).toBe(100);
    expect(metric('ThresholdPercent', { ClusterName: 'web-prod', Resource: 'MEMORY' })).toBe(50);
    expect(metric('SchedulableTasks', { ClusterName: 'web-prod' })).toBe(0);
    expect(metric('PendingTasks', { ClusterName: 'web-prod' })).toBe(0);
    expect(metric('UnplacedTasks', { ClusterName: 'web-prod' })).toBe(3);
    expect(metric('CapacityDeficitInstances', { ClusterName: 'web-prod' })).toBe(2);
    const doc = emf.find((d) => 'CapacityDeficitInstances' in d) as {
      _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
    };
    expect(doc._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['ClusterName']]);
    expect(account.alarms.map((a) => a.AlarmName).sort()).toEqual([
      'ecs-autoscaler-cluster-web-prod-capacity-deficit',
      'ecs-autoscaler-cluster-web-prod-cpu-reservation-high',
      'ecs-autoscaler-cluster-web-prod-memory-reservation-high',
      'ecs-autoscaler-cluster-web-prod-schedulable-tasks-low',
      'some-other-alarm',
    ]);
    // Second tick: same alarms, no PutMetricAlarm.
    account.cw.resetHistory();
    await clusterScalerHandler(event('scheduled/tick.json'));
    expect(account.cw).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 0);
  });

  it('drains the emptiest instance after reading its tasks, and terminates it once empty', async () => {
    const id = (n: number) => `i-${String(n).padStart(17, '0')}`;
    const spec: ClusterSpec = {
      name: 'web-prod',
      instances: fleet(3, { usedCpu: 512, usedMem: 1024, running: 1 }),
      services: [{ name: 'web', cpu: 512, mem: 1024, desired: 3 }],
      tasks: [1, 2, 3].map((n) => taskOn(id(n), 'web', n)),
      // One instance has been unneeded for the whole scale-in-unneeded-time (600 s default; the pacing
      // tag is already aged), so exactly one drains and the story follows it to its termination.
      group: {
        tags: { 'ecs-autoscaler:unneeded': `3:1@${Math.floor(NOW.getTime() / 1000) - 600}` },
      },
    };
    account = mockAccount(snapshotOf(spec));
    const first = await clusterScalerHandler(event('scheduled/tick.json'));
    expect(first.clusters[0]).toMatchObject({
      action: 'scale-in',
      desiredCapacity: { current: 3, proposed: 2 },
    });
    expect(account.ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
      status: 'DRAINING',
    });
    expect(account.asg).toHaveReceivedCommandTimes(TerminateInstanceInAutoScalingGroupCommand, 0);
    expect(metric('ScaleInInstances', { ClusterName: 'web-prod' })).toBe(1);
    const drained = (account.ecs.commandCalls(UpdateContainerInstancesStateCommand)[0]!.args[0].input
      .containerInstances ?? [])[0]!;
    const drainedId = drained.slice(drained.lastIndexOf('/') + 1);
    account.restore();

    // Later: the instance is DRAINING and its task has moved.
    const later = snapshotOf({
      ...spec,
      instances: spec.instances!.map((i) =>
        i.id === drainedId ? { ...i, status: 'DRAINING', usedCpu: 0, usedMem: 0, running: 0 } : i,
      ),
      group: {
        tags: {
          'ecs-autoscaler:draining': drainedId,
          'ecs-autoscaler:last-scale-in': NOW.toISOString(),
        },
      },
      tasks: spec.tasks!.filter((t) => !t.containerInstanceArn?.endsWith(drainedId)),
    });
    account = mockAccount(later);
    const second = await clusterScalerHandler(event('scheduled/tick.json'));
    expect(second.clusters[0]).toMatchObject({
      action: 'hold',
      desiredCapacity: { current: 3, proposed: 2 },
    });
    expect(account.asg).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: drainedId,
      ShouldDecrementDesiredCapacity: true,
    });
    expect(metric('InstancesTerminated', { ClusterName: 'web-prod' })).toBe(1);
  });
});
