/**
 * The decision-event publisher (shared/aws/decision-events.ts): exact PutEvents and PutParameter
 * inputs, once per decision (warm container and cold container), and failures reported, not thrown.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type DecisionPublisher,
  EventBridgeDecisionPublisher,
  emitDecision,
  readLastDecision,
} from '../../../shared/aws/decision-events.js';
import type { ClusterPlan } from '../../../shared/core/cluster/index.js';
import { clusterDecisionEvent, lastDecisionValue } from '../../../shared/core/decision/index.js';
import { setEmfSink } from '../../../shared/runtime/metrics.js';

const eb = mockClient(EventBridgeClient);
const ssm = mockClient(SSMClient);
const NOW = new Date('2026-11-22T12:00:00.000Z');

const plan: ClusterPlan = {
  cluster: 'prod',
  autoScalingGroup: 'prod-asg',
  action: 'scale-out',
  desiredCapacity: { current: 2, proposed: 4 },
  drain: [],
  terminate: [],
  activate: [],
  protect: [],
  stateTags: {},
  capacityDeficitInstances: 2,
  needsTasks: [],
  limits: { min: 1, max: 10 },
  reasons: ['first-fit placement needs 2 more instance(s)'],
};
const event = clusterDecisionEvent(plan, NOW)!;
const publisher = () =>
  new EventBridgeDecisionPublisher({ eventBridge: new EventBridgeClient({}), ssm: new SSMClient({}) });

beforeEach(() => {
  eb.reset();
  ssm.reset();
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
  ssm.on(PutParameterCommand).resolves({ Version: 1 });
});

describe('EventBridgeDecisionPublisher', () => {
  it("puts one event on the default bus and records it as the cluster's last decision", async () => {
    const out = await publisher().publish(event);
    expect(out).toEqual({ status: 'published', decisionId: event.detail.decisionId });
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eb).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'ecs-autoscaler',
          DetailType: 'ECS Autoscaler Cluster Scale-Out',
          Detail: JSON.stringify(event.detail),
          Resources: [],
        },
      ],
    });
    // No EventBusName: the default bus.
    expect(eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.EventBusName).toBeUndefined();
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
      Name: '/ecs-autoscaler/prod/last-decision',
      Value: lastDecisionValue(event),
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
    });
  });

  it('skips the same decision in a warm container without reading SSM again', async () => {
    const p = publisher();
    await p.publish(event);
    const again = await p.publish(clusterDecisionEvent(plan, new Date(NOW.getTime() + 5000))!);
    expect(again.status).toBe('duplicate');
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('forgets its last ids as a new container would: the recorded parameter decides again', async () => {
    // The simulator's worlds and fault runs each start as a new deployment (random world 16519).
    const p = publisher();
    await p.publish(event);
    p.forget();
    const again = await p.publish(event);
    expect(again.status).toBe('published'); // SSM (mocked) has no record: a new deployment's SSM
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });

  it('skips the same decision in a cold container, from the recorded parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: lastDecisionValue(event) } });
    const out = await publisher().publish(event);
    expect(out.status).toBe('duplicate');
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 0);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 0);
  });

  it('puts a different decision after a recorded one', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: lastDecisionValue(event) } });
    const next = clusterDecisionEvent({ ...plan, desiredCapacity: { current: 4, proposed: 5 } }, NOW)!;
    expect((await publisher().publish(next)).status).toBe('published');
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('reports an entry EventBridge refused, and records nothing', async () => {
    eb.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const out = await publisher().publish(event);
    expect(out.status).toBe('failed');
    expect(out.status === 'failed' && out.error).toMatch(/PutEvents rejected .*InternalFailure/);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 0);
  });

  it('names the missing permission when PutEvents is denied, without throwing', async () => {
    eb.on(PutEventsCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    const out = await publisher().publish(event);
    expect(out.status).toBe('failed');
    expect(out.status === 'failed' && out.error).toMatch(/events:PutEvents/);
  });

  it('still publishes when the last decision cannot be read (at least once)', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    expect((await publisher().publish(event)).status).toBe('published');
  });
});

describe('readLastDecision', () => {
  it('reads the record, and undefined when there is none', async () => {
    const client = new SSMClient({});
    expect(await readLastDecision(client, { cluster: 'prod' })).toBeUndefined();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: lastDecisionValue(event) } });
    const record = await readLastDecision(client, { cluster: 'prod' });
    expect(record).toMatchObject({ kind: 'cluster-scale-out', decisionId: event.detail.decisionId });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/ecs-autoscaler/prod/last-decision',
    });
  });
});

describe('emitDecision', () => {
  const failing: DecisionPublisher = {
    publish: async (e) => ({
      status: 'failed',
      decisionId: e.detail.decisionId,
      error: 'events:PutEvents was rejected',
    }),
  };

  it('counts a failed event as DecisionEventErrors of its cluster, and does not throw', async () => {
    const docs: Record<string, unknown>[] = [];
    setEmfSink((d) => docs.push(d));
    try {
      const out = await emitDecision(event, undefined, failing);
      expect(out?.status).toBe('failed');
    } finally {
      setEmfSink(undefined);
    }
    expect(docs).toEqual([expect.objectContaining({ DecisionEventErrors: 1, ClusterName: 'prod' })]);
    const aws = docs[0]!._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] };
    expect(aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['ClusterName']]);
  });

  it('does nothing for a decision that makes no event, or when events are switched off', async () => {
    expect(await emitDecision(undefined, undefined, failing)).toBeUndefined();
    expect(await emitDecision(event, undefined, undefined)).toBeUndefined();
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});
