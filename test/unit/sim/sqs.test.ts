/**
 * The simulator's SQS and Lambda event source mapping against the rules of the SQS and Lambda
 * documentation (sim/sqs/): FIFO groups, deduplication, visibility, redrive, partial batch responses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';
import { failuresOf } from '../../../sim/sqs/event-source.js';

let sim: Sim;
afterEach(() => sim?.dispose());

const fifo = () => {
  sim = createSim({ seed: 1 });
  sim.createQueue({ name: 'dlq.fifo' });
  const q = sim.createQueue({
    name: 'q.fifo',
    visibilityTimeout: 30,
    redrive: { deadLetterQueue: 'dlq.fifo', maxReceiveCount: 2 },
  });
  sim.start();
  return q;
};
const send = (url: string, group: string | undefined, body: string, dedup?: string) =>
  sim.call('sqs', 'SendMessage', {
    QueueUrl: url,
    MessageBody: body,
    ...(group ? { MessageGroupId: group } : {}),
    ...(dedup ? { MessageDeduplicationId: dedup } : {}),
  });
const receive = async (url: string, max = 10) =>
  ((await sim.call('sqs', 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: max })).Messages ?? []) as {
    Body: string;
    ReceiptHandle: string;
    Attributes: Record<string, string>;
  }[];

describe('simulated SQS FIFO', () => {
  it('requires a group and a deduplication id, and drops a copy sent within 5 minutes', async () => {
    const q = fifo();
    await expect(send(q.url, undefined, 'x', 'd')).rejects.toThrow(/MessageGroupId/);
    await expect(send(q.url, 'g', 'x')).rejects.toThrow(/ContentBasedDeduplication/);
    const a = await send(q.url, 'g', 'x', 'd1');
    const b = await send(q.url, 'g', 'x', 'd1');
    expect(b.MessageId).toBe(a.MessageId);
    expect(q.messages).toHaveLength(1);
    await sim.runFor(301);
    await send(q.url, 'g', 'x', 'd1');
    expect(q.messages).toHaveLength(2);
  });

  it('hands out a group in order, never while one of its messages is in flight; other groups meanwhile', async () => {
    const q = fifo();
    await send(q.url, 'a', 'a1', '1');
    await send(q.url, 'a', 'a2', '2');
    await send(q.url, 'b', 'b1', '3');
    const first = await receive(q.url, 1);
    expect(first.map((m) => m.Body)).toEqual(['a1']);
    // a1 in flight: a2 waits, b1 comes.
    expect((await receive(q.url)).map((m) => m.Body)).toEqual(['b1']);
    expect(await receive(q.url)).toEqual([]);
    await sim.call('sqs', 'DeleteMessage', { QueueUrl: q.url, ReceiptHandle: first[0]!.ReceiptHandle });
    expect((await receive(q.url)).map((m) => m.Body)).toEqual(['a2']);
  });

  it('redelivers after the visibility timeout, then moves the message to the dead-letter queue', async () => {
    const q = fifo();
    await send(q.url, 'a', 'poison', '1');
    expect((await receive(q.url))[0]!.Attributes.ApproximateReceiveCount).toBe('1');
    await sim.runFor(31);
    expect((await receive(q.url))[0]!.Attributes.ApproximateReceiveCount).toBe('2');
    await sim.runFor(31);
    expect(await receive(q.url)).toEqual([]);
    expect(sim.sqs.find('dlq.fifo')!.messages.map((m) => m.body)).toEqual(['poison']);
  });

  it('rejects batches over 10 entries or with repeated ids, and per-message delays on FIFO', async () => {
    const q = fifo();
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        Id: `e${i}`,
        MessageBody: 'x',
        MessageGroupId: 'g',
        MessageDeduplicationId: `d${i}`,
      }));
    await expect(
      sim.call('sqs', 'SendMessageBatch', { QueueUrl: q.url, Entries: entries(11) }),
    ).rejects.toThrow(/Maximum number of entries/);
    const dup = [...entries(1), ...entries(1)];
    await expect(sim.call('sqs', 'SendMessageBatch', { QueueUrl: q.url, Entries: dup })).rejects.toThrow(
      /distinct/,
    );
    const out = await sim.call('sqs', 'SendMessageBatch', {
      QueueUrl: q.url,
      Entries: [
        ...entries(2),
        { Id: 'late', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'z', DelaySeconds: 5 },
      ],
    });
    expect((out.Successful as unknown[]).length).toBe(2);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: 'late', Code: 'InvalidParameterValue' })]);
  });
});

describe('simulated Lambda event source mapping', () => {
  const mapped = (
    handler: (event: { Records: { messageId: string; body: string }[] }) => unknown,
    max = 2,
  ) => {
    const q = fifo();
    sim.register({ name: 'worker', handler: handler as never, timeoutSeconds: 10 });
    sim.eventSources.create({
      functionName: 'worker',
      queue: q.url,
      batchSize: 3,
      maximumConcurrency: max,
      reportBatchItemFailures: true,
    });
    return q;
  };

  it('deletes what the function did not report failed, and redelivers the rest', async () => {
    const seen: string[] = [];
    const q = mapped((e) => {
      seen.push(...e.Records.map((r) => r.body));
      return {
        batchItemFailures: e.Records.filter((r) => r.body === 'bad').map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    await send(q.url, 'a', 'ok', '1');
    await send(q.url, 'b', 'bad', '2');
    await sim.runFor(5);
    expect(q.messages.map((m) => m.body)).toEqual(['bad']);
    await sim.runFor(30);
    expect(seen.filter((b) => b === 'bad')).toHaveLength(2);
  });

  it('treats a thrown error or a malformed response as a failure of the whole batch', async () => {
    const q = mapped(() => ({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }));
    await send(q.url, 'a', 'x', '1');
    await sim.runFor(5);
    expect(q.messages).toHaveLength(1);
    expect(sim.eventSources.batches[0]!.outcome).toBe('bad-response');
    expect(failuresOf({ batchItemFailures: [{ itemIdentifier: '' }] }, ['m'])).toBeUndefined();
    expect(failuresOf(null, ['m'])).toEqual([]);
  });

  it('runs at most MaximumConcurrency batches at once', async () => {
    const q = mapped(async () => {
      // 40 API calls of 20 ms: each batch holds its slot for 0.8 s of virtual time.
      for (let i = 0; i < 40; i++)
        await sim.call('sqs', 'GetQueueAttributes', { QueueUrl: sim.sqs.find('q.fifo')!.url });
      return {};
    }, 2);
    for (let i = 0; i < 9; i++) await send(q.url, `g${i}`, 'x', `${i}`);
    await sim.runFor(10);
    const b = sim.eventSources.batches;
    expect(b.map((x) => x.t)).toEqual([b[0]!.t, b[0]!.t, expect.any(Number)]);
    expect(b[2]!.t).toBeGreaterThanOrEqual(b[0]!.t + 0.8);
  });
});
