import { readFileSync } from 'node:fs';
import { ListTagsForResourceCommand as AasListTags } from '@aws-sdk/client-application-auto-scaling';
import {
  CreateOrUpdateTagsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
} from '@aws-sdk/client-auto-scaling';
import { ListTagsForResourceCommand as CwListTags, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeClustersCommand, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler, serviceScalerHandler } from '../../../functions/service-scaler/handler.js';
import { TransientAwsError } from '../../../shared/core/errors.js';
import { SERVICE_TAGS } from '../../../shared/core/service/policy.js';
import { setClock } from '../../../shared/runtime/clock.js';
import { logger } from '../../../shared/runtime/logger.js';
import { setEmfSink } from '../../../shared/runtime/metrics.js';
import { aas, asg, callCount, cw, ecs, serve, writeCount } from './aws-fixture.js';
import { buildSnapshot, CLUSTER, type ClusterShape, NOW, SERVICE } from './builders.js';

// biome-ignore lint/suspicious/noExplicitAny: sample events are edited freely in tests
type Json = Record<string, any>;
const load = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../../events/service-scaler/${name}`, import.meta.url), 'utf8'));
/** A sample event re-pointed at the builders' cluster and service. */
const event = (name: string): Json => {
  const e = load(name);
  const dims = e.detail.configuration.metrics[0].metricStat.metric.dimensions;
  if (dims.ClusterName) Object.assign(dims, { ClusterName: CLUSTER, ServiceName: SERVICE });
  if (e.detail.alarmTags) {
    Object.assign(e.detail.alarmTags, {
      'ecs-autoscaler:cluster': CLUSTER,
      'ecs-autoscaler:service': SERVICE,
    });
  }
  return e;
};

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/ecs-autoscaler-ClusterQueue.fifo';

const roomy: ClusterShape = { freeCpu: [1024, 1024, 1024], tasks: 6 };
const full: ClusterShape = { freeCpu: [0, 0, 512], tasks: 11 };

let restoreClock: () => void;
beforeAll(() => {
  restoreClock = setClock(() => NOW.getTime());
});
afterAll(() => restoreClock());
beforeEach(() => {
  serve(buildSnapshot(roomy));
  sqs.reset();
  sqs
    .on(SendMessageBatchCommand)
    .resolves({ Successful: [{ Id: '0', MessageId: 'm-1', MD5OfMessageBody: '' }], Failed: [] });
});
afterEach(() => {
  delete process.env.DRY_RUN;
  delete process.env.CLUSTER_QUEUE_URL;
});

describe('service-scaler handler: scaling', () => {
  it('scales out on a high CPU alarm: records the intent, then sets the absolute desired count', async () => {
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.status).toBe('ok');
    expect(result.plan?.action).toBe('scale-out');
    // 92.4 vs 70 is 22.4 above: the default '10:+2' step.
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      cluster: CLUSTER,
      service: SERVICE,
      desiredCount: 8,
    });
    expect(ecs).toHaveReceivedCommandWith(TagResourceCommand, {
      resourceArn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER}/${SERVICE}`,
      tags: [
        {
          key: SERVICE_TAGS.lastScaling,
          value: 'scale-out 6 to 8 at 2024-05-01T10:00:00.000Z alarm 2019-10-02T17:04:40.989+0000',
        },
      ],
    });
    // The tasks fit: the cluster is left alone.
    expect(asg).toHaveReceivedCommandTimes(SetDesiredCapacityCommand, 0);
    // The service opts in itself: the scalable target's tags are not read.
    expect(aas).toHaveReceivedCommandTimes(AasListTags, 0);
  });

  it('asks the cluster scaler to grow the cluster, and writes no group itself, when the new tasks do not fit', async () => {
    serve(buildSnapshot(full));
    process.env.CLUSTER_QUEUE_URL = QUEUE_URL;
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result).toMatchObject({ status: 'ok', clusterGrown: true, serviceUpdated: true });
    expect(result.plan!.clusterGrowth!.desiredCapacity.proposed).toBeGreaterThan(3);
    // One writer per group: the request goes to the cluster's message group; no Auto Scaling write here.
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 1);
    const entry = sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry.MessageGroupId).toBe(CLUSTER);
    expect(JSON.parse(entry.MessageBody!)).toMatchObject({
      v: 1,
      kind: 'grow',
      cluster: CLUSTER,
      service: SERVICE,
      desiredCount: 13,
    });
    expect(asg).toHaveReceivedCommandTimes(SetDesiredCapacityCommand, 0);
    expect(asg).toHaveReceivedCommandTimes(CreateOrUpdateTagsCommand, 0);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 13 });
  });

  it('scales in on a low alarm', async () => {
    const result = await serviceScalerHandler(event('cpu-low-alarm.json'));
    expect(result.plan?.action).toBe('scale-in');
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 5 });
  });

  it('holds when the alarm returns to OK, without any AWS call', async () => {
    const result = await serviceScalerHandler(event('cpu-high-ok.json'));
    expect(result.plan?.action).toBe('hold');
    expect(result.plan?.reasons.join(' ')).toContain('is OK');
    expect(writeCount()).toBe(0);
    expect(cw.calls()).toHaveLength(0);
  });

  it('finds the service in the alarm tags of the event', async () => {
    const result = await serviceScalerHandler(event('tagged-queue-alarm.json'));
    expect(result.plan).toMatchObject({ action: 'scale-out', service: SERVICE });
    expect(cw).toHaveReceivedCommandTimes(CwListTags, 0);
  });

  it('reads the alarm tags when the event carries none', async () => {
    const e = event('tagged-queue-alarm.json');
    delete e.detail.alarmTags;
    cw.on(CwListTags).resolves({
      Tags: [
        { Key: 'ecs-autoscaler:cluster', Value: CLUSTER },
        { Key: 'ecs-autoscaler:service', Value: SERVICE },
      ],
    });
    expect((await serviceScalerHandler(e)).plan?.action).toBe('scale-out');
    expect(cw).toHaveReceivedCommandWith(CwListTags, { ResourceARN: e.resources[0] });
  });

  it('asks DescribeAlarms once when the event does not tell high from low', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: 'servicetest-cpu-odd', ComparisonOperator: 'LessThanOrEqualToThreshold' }],
    });
    const result = await serviceScalerHandler(event('cpu-alarm-without-side.json'));
    expect(cw).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
    expect(result.plan?.action).toBe('scale-in');
  });

  it('skips a service opted in on its scalable target only, with no write even when the cluster is full', async () => {
    const snapshot = buildSnapshot(full);
    snapshot.services[0]!.tags = [];
    serve(snapshot);
    aas.on(AasListTags).resolves({ Tags: { [SERVICE_TAGS.scaling]: 'enabled' } });
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.status).toBe('ok');
    expect(result.plan?.action).toBe('skip');
    expect(result.plan?.reasons.join(' ')).toContain(
      `${SERVICE_TAGS.scaling}=enabled is on the scalable target only; tag the service itself`,
    );
    expect(result).toMatchObject({ clusterGrown: false, serviceUpdated: false });
    expect(writeCount()).toBe(0);
    expect(aas).toHaveReceivedCommandTimes(AasListTags, 1);
  });

  it('scales the service but never writes to an ASG tagged dry-run', async () => {
    const snapshot = buildSnapshot(full);
    snapshot.autoScalingGroups[0]!.Tags.push({ Key: 'ecs-autoscaler:dry-run', Value: 'true' });
    serve(snapshot);
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result).toMatchObject({ status: 'ok', clusterGrown: false, serviceUpdated: true });
    expect(result.plan?.reasons.join(' ')).toContain('Auto Scaling group is in dry run');
    expect(asg).toHaveReceivedCommandTimes(SetDesiredCapacityCommand, 0);
    expect(asg).toHaveReceivedCommandTimes(CreateOrUpdateTagsCommand, 0);
    expect(asg).toHaveReceivedCommandTimes(SetInstanceProtectionCommand, 0);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 13 });
  });

  /** The full cluster with a second managed group (no instances yet) carrying `tags`. */
  const withSecondGroup = (tags: Record<string, string>) => {
    const snapshot = buildSnapshot(full);
    const first = snapshot.autoScalingGroups[0]!;
    snapshot.autoScalingGroups.push({
      ...structuredClone(first),
      AutoScalingGroupName: 'spot-asg',
      DesiredCapacity: 0,
      MinSize: 0,
      Instances: [],
      Tags: [
        ...first.Tags.filter((t) => t.Key === 'ecs-autoscaler:cluster'),
        ...Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      ],
    });
    return snapshot;
  };

  it('several groups: a dry-run tag on any of them keeps every group unwritten, as the cluster scaler does', async () => {
    serve(withSecondGroup({ 'ecs-autoscaler:dry-run': 'true' }));
    process.env.CLUSTER_QUEUE_URL = QUEUE_URL;
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result).toMatchObject({ status: 'ok', clusterGrown: false, serviceUpdated: true });
    expect(result.plan?.reasons.join(' ')).toContain('Auto Scaling group is in dry run');
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 13 });
  });

  it('several groups: a bad tag on the second group blocks the growth, names the tag, and the service still scales', async () => {
    serve(withSecondGroup({ 'ecs-autoscaler:max-step': 'lots' }));
    process.env.CLUSTER_QUEUE_URL = QUEUE_URL;
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result).toMatchObject({ status: 'ok', clusterGrown: false, serviceUpdated: true });
    expect(result.plan?.reasons.join(' ')).toMatch(/the cluster is not grown: .*max-step/);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageBatchCommand, 0);
  });

  it('publishes one EMF document with the action metric', async () => {
    const docs: Record<string, unknown>[] = [];
    setEmfSink((d) => docs.push(d));
    try {
      await handler(event('cpu-high-alarm.json'), { functionName: 'service-scaler' } as Context);
    } finally {
      setEmfSink(undefined);
    }
    const doc = docs.find((d) => 'ServiceScaleOut' in d);
    expect(doc).toMatchObject({ ServiceScaleOut: 1, ServiceTasksAdded: 2, ClusterName: CLUSTER });
  });
});

describe('service-scaler handler: nothing is written when it must not be', () => {
  it.each([
    ['not an object', 'oops', "field '(root)'"],
    ['another source', { ...load('cpu-high-alarm.json'), source: 'aws.ec2' }, "field 'source'"],
    [
      'no state',
      (() => {
        const e = load('cpu-high-alarm.json');
        delete e.detail.state;
        return e;
      })(),
      "field 'detail.state'",
    ],
    [
      'an unknown state',
      (() => {
        const e = load('cpu-high-alarm.json');
        e.detail.state.value = 'ON_FIRE';
        return e;
      })(),
      "field 'detail.state.value'",
    ],
  ])('rejects %s as an invalid event', async (_name, bad, field) => {
    const result = await serviceScalerHandler(bad);
    expect(result.status).toBe('invalid-event');
    expect(result.message).toContain('not a CloudWatch Alarm State Change event');
    expect(result.message).toContain(field);
    expect(callCount()).toBe(0);
  });

  it('ignores an alarm that names no service at INFO: no error, no error metric, no write', async () => {
    const e = event('tagged-queue-alarm.json');
    delete e.detail.alarmTags;
    const docs: Record<string, unknown>[] = [];
    setEmfSink((d) => docs.push(d));
    const errors = vi.spyOn(logger, 'error');
    const infos = vi.spyOn(logger, 'info');
    try {
      const result = await serviceScalerHandler(e);
      expect(result.status).toBe('ignored');
      expect(result.message).toContain('orders-queue-deep names no ECS service');
    } finally {
      setEmfSink(undefined);
      errors.mockRestore();
    }
    expect(errors).not.toHaveBeenCalled();
    expect(infos).toHaveBeenCalledWith(
      'alarm ignored',
      expect.objectContaining({ alarm: 'orders-queue-deep' }),
    );
    infos.mockRestore();
    expect(docs.filter((d) => 'ServiceScalerErrors' in d)).toEqual([]);
    // Finding out took one read of the alarm's tags, and nothing else.
    expect(cw).toHaveReceivedCommandTimes(CwListTags, 1);
    expect(callCount()).toBe(1);
  });

  it('ignores a cluster-level ECS alarm (ClusterName without ServiceName)', async () => {
    const e = event('cpu-high-alarm.json');
    delete e.detail.configuration.metrics[0].metricStat.metric.dimensions.ServiceName;
    const result = await serviceScalerHandler(e);
    expect(result.status).toBe('ignored');
    expect(writeCount()).toBe(0);
  });

  it('rejects an alarm tagged with its service but not its cluster, saying what to add', async () => {
    const e = event('tagged-queue-alarm.json');
    delete e.detail.alarmTags['ecs-autoscaler:cluster'];
    const result = await serviceScalerHandler(e);
    expect(result.status).toBe('configuration-error');
    expect(result.message).toContain('has the tag ecs-autoscaler:service=api but no ecs-autoscaler:cluster');
    expect(writeCount()).toBe(0);
  });

  it('names the bad tag and writes nothing', async () => {
    serve(buildSnapshot({ ...roomy, tags: { [SERVICE_TAGS.scaleOutStep]: '+lots' } }));
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.status).toBe('configuration-error');
    expect(result.message).toContain(`tag ${SERVICE_TAGS.scaleOutStep}='+lots' is invalid`);
    expect(writeCount()).toBe(0);
  });

  it('answers not-found for an unknown cluster', async () => {
    // AWS's answer for a cluster that does not exist: no item, one MISSING failure.
    ecs.on(DescribeClustersCommand).resolves({
      clusters: [],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/web', reason: 'MISSING' }],
    });
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.status).toBe('not-found');
    expect(writeCount()).toBe(0);
  });

  it('writes nothing in dry run (DRY_RUN=true), and says so', async () => {
    serve(buildSnapshot(full));
    process.env.DRY_RUN = 'true';
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.plan).toMatchObject({ action: 'scale-out', dryRun: true });
    expect(result.plan?.clusterGrowth).toBeDefined();
    expect(writeCount()).toBe(0);
  });

  it('rejects a bad DRY_RUN before any AWS call', async () => {
    process.env.DRY_RUN = 'maybe';
    const result = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(result.status).toBe('configuration-error');
    expect(result.message).toContain("DRY_RUN='maybe'");
    expect(callCount()).toBe(0);
  });

  it('changes nothing for a duplicate of an event it already applied', async () => {
    await serviceScalerHandler(event('cpu-high-alarm.json'));
    const record = ecs.commandCalls(TagResourceCommand)[0]!.args[0].input.tags![0]!.value!;
    serve(buildSnapshot({ ...roomy, tasks: 8, tags: { [SERVICE_TAGS.lastScaling]: record } }));
    const again = await serviceScalerHandler(event('cpu-high-alarm.json'));
    expect(again.plan?.action).toBe('hold');
    expect(writeCount()).toBe(0);
  });

  it('rethrows throttling so Lambda retries', async () => {
    ecs
      .on(UpdateServiceCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(serviceScalerHandler(event('cpu-high-alarm.json'))).rejects.toBeInstanceOf(
      TransientAwsError,
    );
  });
});

describe('service-scaler handler: the every-minute sweep', () => {
  const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
  const metricAlarm = (name: string, op: string, value: number, threshold: number) => ({
    AlarmName: name,
    StateValue: 'ALARM' as const,
    StateReasonData: JSON.stringify({ recentDatapoints: [value], threshold }),
    StateUpdatedTimestamp: new Date('2024-05-01T09:00:00.000Z'),
    ComparisonOperator: op as never,
    Threshold: threshold,
    Namespace: 'AWS/ECS',
    MetricName: 'CPUUtilization',
    Dimensions: [
      { Name: 'ClusterName', Value: CLUSTER },
      { Name: 'ServiceName', Value: SERVICE },
    ],
  });

  it('re-evaluates an alarm that stays in ALARM, and its cooldown spaces the steps', async () => {
    // 30 points above in the transition's datapoints, but those are stale: the first step (+1), not +50 %.
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('hi', 'GreaterThanThreshold', 100, 70)],
    });
    const first = await serviceScalerHandler(tick);
    expect(first.plans?.map((p) => p.action)).toEqual(['scale-out']);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { desiredCount: 7 });
    expect(cw).toHaveReceivedCommandWith(DescribeAlarmsCommand, { StateValue: 'ALARM' });

    const record = ecs.commandCalls(TagResourceCommand)[0]!.args[0].input.tags![0]!.value!;
    serve(buildSnapshot({ ...roomy, tasks: 7, tags: { [SERVICE_TAGS.lastScaling]: record } }));
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('hi', 'GreaterThanThreshold', 75, 70)],
    });
    const second = await serviceScalerHandler(tick);
    expect(second.plans?.map((p) => p.action)).toEqual(['hold']);
    expect(second.plans?.[0]?.reasons.join(' ')).toContain('cooldown');
    expect(writeCount()).toBe(0);
  });

  it('lets a high alarm win over a low one of the same service', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        metricAlarm('lo', 'LessThanThreshold', 10, 30),
        metricAlarm('hi', 'GreaterThanThreshold', 90, 70),
      ],
    });
    const result = await serviceScalerHandler(tick);
    expect(result.plans?.map((p) => [p.alarm, p.action])).toEqual([['hi', 'scale-out']]);
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
  });

  it('passes over a service that does not opt in itself, without reading its target tags', async () => {
    const snapshot = buildSnapshot(roomy);
    snapshot.services[0]!.tags = [];
    serve(snapshot);
    aas.on(AasListTags).resolves({ Tags: { [SERVICE_TAGS.scaling]: 'enabled' } });
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('hi', 'GreaterThanThreshold', 90, 70)],
    });
    const result = await serviceScalerHandler(tick);
    expect(result).toMatchObject({ status: 'ok', plans: [], errors: [] });
    expect(aas).toHaveReceivedCommandTimes(AasListTags, 0);
    expect(writeCount()).toBe(0);
  });

  it('goes on past a service with a bad tag, reporting it', async () => {
    serve(buildSnapshot({ ...roomy, tags: { [SERVICE_TAGS.scaleInCooldown]: 'forever' } }));
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm('hi', 'GreaterThanThreshold', 90, 70)],
    });
    const result = await serviceScalerHandler(tick);
    expect(result.status).toBe('ok');
    expect(result.errors?.[0]).toContain(`tag ${SERVICE_TAGS.scaleInCooldown}='forever'`);
    expect(writeCount()).toBe(0);
  });
});
