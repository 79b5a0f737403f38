/**
 * Simulated Lambda event source mapping for SQS, from the Lambda Developer Guide ("Using Lambda with
 * Amazon SQS", "Scaling", "Handling errors"):
 * - the poller receives batches of up to `batchSize` (FIFO ≤ 10) and invokes the function synchronously;
 *   at most `maximumConcurrency` invocations of the mapping run at once (2–1000; for a FIFO queue no more
 *   than the number of message groups with work, since a group in flight is not received again);
 * - success deletes the batch; an error or a timeout deletes nothing: every message of the batch becomes
 *   visible again when its visibility timeout ends (and the queue's redrive policy applies);
 * - with `ReportBatchItemFailures`, the response `{ batchItemFailures: [{ itemIdentifier }] }` keeps the
 *   listed messages and deletes the rest; an identifier that is empty or not in the batch fails the whole
 *   batch; an empty list or no list is full success.
 *
 * Virtual time: an invocation starts when it is polled and holds its concurrency slot and its messages
 * for its virtual duration (the sum of its API latencies); deletions happen when it ends. Messages are
 * polled `pollDelayMs` after they become receivable (Lambda long-polls continuously).
 */
import type { SimContext } from '../core/context.js';
import type { InvocationRecord, Lambdas } from '../events/lambdas.js';
import { messageAttributes, type SimMessage, type SimQueue, type SqsWorld } from './queues.js';

/** One mapping. */
export interface EventSourceMappingSpec {
  functionName: string;
  /** Queue name, URL or ARN. */
  queue: string;
  batchSize?: number;
  /** `ScalingConfig.MaximumConcurrency` (default: unbounded → 1000). */
  maximumConcurrency?: number;
  reportBatchItemFailures?: boolean;
}

/** One batch handed to the function, and what became of it (tests and benches read these). */
export interface SqsBatchRecord {
  functionName: string;
  /** Seconds since the start of the run, when the batch was polled. */
  t: number;
  messageIds: string[];
  groups: string[];
  /** Messages the function reported failed (or every message on error / timeout / bad response). */
  failed: string[];
  outcome: InvocationRecord['outcome'] | 'bad-response';
  durationMs: number;
}

interface Mapping {
  spec: Required<Omit<EventSourceMappingSpec, 'queue'>>;
  queue: SimQueue;
  /** End of each running invocation, epoch ms. */
  running: number[];
  pollAt: number | undefined;
}

/** All SQS event source mappings of the account. */
export class EventSourceMappings {
  readonly mappings: Mapping[] = [];
  readonly batches: SqsBatchRecord[] = [];
  /** Delay between a message becoming receivable and the poller picking it up, ms. */
  pollDelayMs = 200;

  constructor(
    private readonly ctx: SimContext,
    private readonly sqs: SqsWorld,
    private readonly lambdas: Lambdas,
  ) {
    sqs.onReceivable((queue, atMs) => {
      for (const m of this.mappings) if (m.queue === queue) this.schedulePoll(m, atMs);
    });
  }

  /**
   * Creates a mapping. @throws Error for a queue that does not exist or limits AWS rejects
   * (FIFO batch size > 10, maximum concurrency outside 2–1000).
   */
  create(spec: EventSourceMappingSpec): void {
    const queue = this.sqs.find(spec.queue);
    if (!queue)
      throw new Error(`sim: event source mapping for ${spec.functionName}: no queue '${spec.queue}'.`);
    const batchSize = spec.batchSize ?? 10;
    if (queue.spec.fifo && batchSize > 10) {
      throw new Error(
        `sim: event source mapping for ${spec.functionName}: FIFO batch size ≤ 10 (got ${batchSize}).`,
      );
    }
    const max = spec.maximumConcurrency ?? 1000;
    if (max < 2 || max > 1000) {
      throw new Error(
        `sim: event source mapping for ${spec.functionName}: MaximumConcurrency is 2–1000 (got ${max}).`,
      );
    }
    const mapping: Mapping = {
      spec: {
        functionName: spec.functionName,
        batchSize,
        maximumConcurrency: max,
        reportBatchItemFailures: spec.reportBatchItemFailures ?? false,
      },
      queue,
      running: [],
      pollAt: undefined,
    };
    this.mappings.push(mapping);
    if (queue.messages.length > 0) this.schedulePoll(mapping, this.ctx.clock.nowMs);
  }

  private schedulePoll(m: Mapping, atMs: number): void {
    const when = Math.max(atMs, this.ctx.clock.nowMs) + this.pollDelayMs;
    if (m.pollAt !== undefined && m.pollAt <= when) return;
    m.pollAt = when;
    this.ctx.clock.at(when, `sqs:poll:${m.spec.functionName}`, async () => {
      if (m.pollAt !== when) return;
      m.pollAt = undefined;
      await this.poll(m);
    });
  }

  private async poll(m: Mapping): Promise<void> {
    const now = this.ctx.clock.nowMs;
    m.running = m.running.filter((end) => end > now);
    while (m.running.length < m.spec.maximumConcurrency) {
      const batch = this.sqs.receive(m.queue, m.spec.batchSize);
      if (batch.length === 0) return;
      await this.invokeBatch(m, batch);
    }
    // Every slot busy: poll again when the first one frees.
    this.schedulePoll(m, Math.min(...m.running) - this.pollDelayMs);
  }

  private async invokeBatch(m: Mapping, batch: SimMessage[]): Promise<void> {
    const { settings, clock } = this.ctx;
    const event = {
      Records: batch.map((msg) => ({
        messageId: msg.messageId,
        receiptHandle: msg.receiptHandle,
        body: msg.body,
        attributes: messageAttributes(msg),
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: m.queue.arn,
        awsRegion: settings.region,
      })),
    };
    const handles = new Map(batch.map((msg) => [msg.messageId, msg.receiptHandle]));
    const rec = await this.lambdas.invoke(m.spec.functionName, event, 'SQS', 0);
    const ids = batch.map((msg) => msg.messageId);
    let failed: string[] = ids;
    let outcome: SqsBatchRecord['outcome'] = rec.outcome;
    if (rec.outcome === 'ok') {
      const reported = m.spec.reportBatchItemFailures ? failuresOf(rec.result, ids) : [];
      if (reported === undefined) outcome = 'bad-response';
      else failed = reported;
    }
    const end = clock.nowMs + Math.max(1, Math.ceil(rec.durationMs));
    m.running.push(end);
    this.batches.push({
      functionName: m.spec.functionName,
      t: clock.elapsedSeconds,
      messageIds: ids,
      groups: [...new Set(batch.map((msg) => msg.groupId ?? ''))],
      failed,
      outcome,
      durationMs: rec.durationMs,
    });
    const done = new Set(failed);
    clock.at(end, `sqs:complete:${m.spec.functionName}`, () => {
      for (const id of ids) {
        if (done.has(id)) continue;
        const msg = m.queue.messages.find((x) => x.messageId === id);
        // The handle of this receive: a message received again meanwhile is not deleted by an old handle.
        if (msg && msg.receiptHandle === handles.get(id)) this.sqs.delete(m.queue, msg.receiptHandle);
      }
      this.schedulePoll(m, clock.nowMs);
    });
  }
}

/**
 * The failed message ids of a partial batch response, `[]` for full success, `undefined` for a response
 * Lambda treats as a failure of the whole batch (an identifier that is empty or not in the batch).
 */
export const failuresOf = (result: unknown, ids: readonly string[]): string[] | undefined => {
  if (result === null || typeof result !== 'object') return [];
  const list = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.includes(id)) return undefined;
    out.push(id);
  }
  return out;
};
