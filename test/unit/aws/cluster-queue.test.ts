import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deduplicationIdOf,
  defaultClusterQueue,
  messageGroupOf,
  SqsClusterQueue,
} from '../../../shared/aws/cluster-queue.js';
import {
  type ClusterRequest,
  parseClusterRequest,
  REQUEST_MAX_AGE_SECONDS,
  requestAgeSeconds,
} from '../../../shared/core/cluster/index.js';
import { ConfigurationError, InvalidEventError, TransientAwsError } from '../../../shared/core/errors.js';

const sqs = mockClient(SQSClient);
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo';
const tick = (cluster: string, at = '2025-01-06T00:01:00.000Z'): ClusterRequest => ({
  v: 1,
  kind: 'tick',
  cluster,
  at,
});

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: '' })),
    Failed: [],
  }));
});

describe('cluster requests', () => {
  it('parses the three kinds and rejects anything else with the field named', () => {
    expect(parseClusterRequest(JSON.stringify(tick('a'))).kind).toBe('tick');
    const grow = {
      v: 1,
      kind: 'grow',
      cluster: 'a',
      service: 'web',
      desiredCount: 7,
      at: '2025-01-06T00:01:00Z',
    };
    expect(parseClusterRequest(JSON.stringify(grow))).toMatchObject({ service: 'web', desiredCount: 7 });
    expect(() => parseClusterRequest('{oops')).toThrow(InvalidEventError);
    expect(() => parseClusterRequest(JSON.stringify({ ...grow, desiredCount: -1 }))).toThrow(/desiredCount/);
    expect(() => parseClusterRequest(JSON.stringify({ ...tick('a'), v: 2 }))).toThrow(/'v'/);
    expect(() => parseClusterRequest(JSON.stringify({ ...tick('a'), kind: 'scale' }))).toThrow(
      InvalidEventError,
    );
  });

  it('measures a request’s age from its trigger, never negative', () => {
    const r = tick('a', '2025-01-06T00:00:00.000Z');
    expect(requestAgeSeconds(r, new Date('2025-01-06T00:05:01.000Z'))).toBe(REQUEST_MAX_AGE_SECONDS + 1);
    expect(requestAgeSeconds(r, new Date('2025-01-05T23:59:00.000Z'))).toBe(0);
  });
});

describe('SqsClusterQueue', () => {
  it('sends batches of at most 10, one message group per cluster, deduplicated by trigger', async () => {
    const requests = Array.from({ length: 23 }, (_, i) => tick(`c${i}`));
    await new SqsClusterQueue(new SQSClient({}), URL).send(requests);
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).toEqual([10, 10, 3]);
    const first = calls[0]!.Entries![0]!;
    expect(first).toMatchObject({
      MessageGroupId: 'c0',
      MessageDeduplicationId: deduplicationIdOf(tick('c0')),
    });
    expect(JSON.parse(first.MessageBody!)).toEqual(tick('c0'));
    // The same trigger sent again (a retried dispatcher) has the same deduplication id; another tick not.
    expect(deduplicationIdOf(tick('c0'))).toBe(deduplicationIdOf(structuredClone(tick('c0'))));
    expect(deduplicationIdOf(tick('c0', '2025-01-06T00:02:00.000Z'))).not.toBe(deduplicationIdOf(tick('c0')));
    expect(deduplicationIdOf(tick('c0'))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes a cluster name SQS cannot take as a message group id (over 128 characters)', () => {
    const long = 'x'.repeat(200);
    expect(messageGroupOf('prod')).toBe('prod');
    expect(messageGroupOf(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(messageGroupOf(long)).toBe(messageGroupOf('x'.repeat(200)));
  });

  it('fails the send when SQS refused an entry, so the sender’s retry resends (deduplicated)', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'InternalError', Message: 'try again', SenderFault: false }],
    });
    await expect(new SqsClusterQueue(new SQSClient({}), URL).send([tick('a')])).rejects.toThrow(
      TransientAwsError,
    );
  });

  it('refuses to run without CLUSTER_QUEUE_URL, naming the setting', () => {
    expect(() => defaultClusterQueue({})).toThrow(ConfigurationError);
    expect(() => defaultClusterQueue({})).toThrow(/CLUSTER_QUEUE_URL/);
  });
});
