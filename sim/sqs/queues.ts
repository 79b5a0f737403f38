/**
 * Simulated Amazon SQS, standard and FIFO, written from the SQS Developer Guide (not from the project's
 * code):
 * - FIFO `SendMessage` needs a `MessageGroupId`, and a `MessageDeduplicationId` unless the queue has
 *   content-based deduplication; a message with a deduplication id seen in the last 5 minutes is accepted
 *   but not delivered again ("Exactly-once processing"); per-message `DelaySeconds` is rejected on FIFO.
 * - `SendMessageBatch` takes 1–10 entries with distinct ids, answers `Successful` / `Failed` per entry.
 * - Receive, FIFO: messages of one group come in order; while any message of a group is in flight
 *   (received, not deleted, visibility timeout not expired) no later message of that group is returned
 *   ("interleaving multiple ordered message groups"); a receive fills its batch from as few groups as it can.
 * - Every receive starts the message's visibility timeout and increments `ApproximateReceiveCount`; a
 *   message whose receive count already reached the redrive policy's `maxReceiveCount` is moved to the
 *   dead-letter queue instead of being returned.
 * - `DeleteMessage` / `ChangeMessageVisibility` take the receipt handle of the latest receive.
 */
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import type { CommandTable } from '../core/registry.js';

/** FIFO deduplication interval (SQS Developer Guide, "Using the message deduplication ID"): 5 minutes. */
export const DEDUP_INTERVAL_MS = 5 * 60 * 1000;

/** A queue as created by setup or from a serverless.yml resource. */
export interface QueueSpec {
  name: string;
  fifo?: boolean;
  contentBasedDeduplication?: boolean;
  /** Seconds (default 30, the SQS default). */
  visibilityTimeout?: number;
  /** Dead-letter queue name and the receive count after which a message moves there. */
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

/** One message. */
export interface SimMessage {
  messageId: string;
  body: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber: string;
  sentMs: number;
  visibleAtMs: number;
  receiveCount: number;
  firstReceiveMs?: number;
  receiptHandle?: string;
}

/** A simulated queue. */
export interface SimQueue {
  spec: Required<Omit<QueueSpec, 'redrive'>> & Pick<QueueSpec, 'redrive'>;
  url: string;
  arn: string;
  /** In send order. */
  messages: SimMessage[];
  /** Deduplication id → { message id, sent at }. */
  dedup: Map<string, { messageId: string; sentMs: number }>;
  /** Messages moved here from a source queue, and deliveries counted (for tests and benches). */
  stats: { sent: number; deduplicated: number; received: number; deleted: number; movedToDlq: number };
}

/** Called when messages may have become receivable (new message, visibility expired). */
export type QueueListener = (queue: SimQueue, atMs: number) => void;

/** The account's queues. */
export class SqsWorld {
  readonly queues = new Map<string, SimQueue>();
  private seq = 0;
  private readonly listeners: QueueListener[] = [];

  constructor(private readonly ctx: SimContext) {}

  /** Creates a queue (FIFO names must end in `.fifo`). */
  createQueue(spec: QueueSpec): SimQueue {
    const fifo = spec.fifo ?? spec.name.endsWith('.fifo');
    if (fifo !== spec.name.endsWith('.fifo')) {
      throw awsError('sqs', 'InvalidAttributeValue', `FIFO queue names end in .fifo: '${spec.name}'`);
    }
    const { region, accountId } = this.ctx.settings;
    const queue: SimQueue = {
      spec: {
        name: spec.name,
        fifo,
        contentBasedDeduplication: spec.contentBasedDeduplication ?? false,
        visibilityTimeout: spec.visibilityTimeout ?? 30,
        ...(spec.redrive ? { redrive: spec.redrive } : {}),
      },
      url: `https://sqs.${region}.amazonaws.com/${accountId}/${spec.name}`,
      arn: `arn:aws:sqs:${region}:${accountId}:${spec.name}`,
      messages: [],
      dedup: new Map(),
      stats: { sent: 0, deduplicated: 0, received: 0, deleted: 0, movedToDlq: 0 },
    };
    this.queues.set(spec.name, queue);
    return queue;
  }

  /** Registers a listener (the Lambda event source mappings). */
  onReceivable(listener: QueueListener): void {
    this.listeners.push(listener);
  }

  /** The queue of a URL, ARN or name. */
  find(ref: string): SimQueue | undefined {
    for (const q of this.queues.values()) if (q.url === ref || q.arn === ref || q.spec.name === ref) return q;
    return undefined;
  }

  private queueOf(url: unknown): SimQueue {
    const q = typeof url === 'string' ? this.find(url) : undefined;
    if (!q) throw awsError('sqs', 'QueueDoesNotExist', `The specified queue does not exist: ${String(url)}`);
    return q;
  }

  /** Sends one message; answers as SendMessage would. */
  send(
    queue: SimQueue,
    input: {
      MessageBody?: unknown;
      MessageGroupId?: unknown;
      MessageDeduplicationId?: unknown;
      DelaySeconds?: unknown;
    },
  ): { MessageId: string; SequenceNumber?: string } {
    const body = input.MessageBody;
    if (typeof body !== 'string' || body.length === 0) {
      throw awsError('sqs', 'MissingParameter', 'The request must contain the parameter MessageBody.');
    }
    if (body.length > 262_144) {
      throw awsError('sqs', 'InvalidParameterValue', 'Message must be shorter than 262144 bytes.');
    }
    const now = this.ctx.clock.nowMs;
    let groupId: string | undefined;
    let dedupId: string | undefined;
    if (queue.spec.fifo) {
      if (typeof input.MessageGroupId !== 'string' || input.MessageGroupId === '') {
        throw awsError('sqs', 'MissingParameter', 'The request must contain the parameter MessageGroupId.');
      }
      if (input.DelaySeconds !== undefined && input.DelaySeconds !== 0) {
        throw awsError(
          'sqs',
          'InvalidParameterValue',
          'Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
        );
      }
      groupId = input.MessageGroupId;
      dedupId =
        typeof input.MessageDeduplicationId === 'string'
          ? input.MessageDeduplicationId
          : queue.spec.contentBasedDeduplication
            ? `sha256:${body}`
            : undefined;
      if (!dedupId) {
        throw awsError(
          'sqs',
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      const seen = queue.dedup.get(dedupId);
      if (seen && now - seen.sentMs < DEDUP_INTERVAL_MS) {
        queue.stats.deduplicated++;
        return { MessageId: seen.messageId, SequenceNumber: String(++this.seq).padStart(20, '0') };
      }
    }
    const messageId = this.ctx.rng.uuid();
    const sequenceNumber = String(++this.seq).padStart(20, '0');
    const m: SimMessage = {
      messageId,
      body,
      sequenceNumber,
      sentMs: now,
      visibleAtMs: now,
      receiveCount: 0,
      ...(groupId ? { groupId } : {}),
      ...(dedupId ? { dedupId } : {}),
    };
    if (dedupId) queue.dedup.set(dedupId, { messageId, sentMs: now });
    queue.messages.push(m);
    queue.stats.sent++;
    this.notify(queue, now);
    return queue.spec.fifo
      ? { MessageId: messageId, SequenceNumber: sequenceNumber }
      : { MessageId: messageId };
  }

  private notify(queue: SimQueue, atMs: number): void {
    for (const l of this.listeners) l(queue, atMs);
  }

  /**
   * Receives up to `max` messages (the FIFO group rules in the file header). Messages past their
   * receive limit move to the dead-letter queue on the way.
   */
  receive(queue: SimQueue, max: number, visibilityTimeout?: number): SimMessage[] {
    const now = this.ctx.clock.nowMs;
    const timeout = (visibilityTimeout ?? queue.spec.visibilityTimeout) * 1000;
    const inFlightGroups = new Set<string>();
    for (const m of queue.messages) if (m.visibleAtMs > now && m.groupId) inFlightGroups.add(m.groupId);
    const out: SimMessage[] = [];
    const blocked = new Set(inFlightGroups);
    // FIFO: fill from the group of the oldest available message first, in order, then the next group.
    const order = queue.spec.fifo
      ? this.fifoOrder(queue, blocked, now)
      : queue.messages.filter((m) => m.visibleAtMs <= now);
    for (const m of order) {
      if (out.length >= max) break;
      const redrive = queue.spec.redrive;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetter(queue, m, redrive.deadLetterQueue);
        continue;
      }
      m.receiveCount++;
      m.firstReceiveMs ??= now;
      m.visibleAtMs = now + timeout;
      m.receiptHandle = `${m.messageId}#${this.ctx.rng.hex(16)}`;
      out.push(m);
      queue.stats.received++;
      // The visibility timeout's end may make this message receivable again.
      this.ctx.clock.at(m.visibleAtMs, `sqs:visible:${queue.spec.name}`, () => {
        if (queue.messages.includes(m) && m.visibleAtMs <= this.ctx.clock.nowMs)
          this.notify(queue, m.visibleAtMs);
      });
    }
    return out;
  }

  /** FIFO receive order: groups by their oldest available message; a group's messages in order. */
  private fifoOrder(queue: SimQueue, blocked: Set<string>, now: number): SimMessage[] {
    const byGroup = new Map<string, SimMessage[]>();
    for (const m of queue.messages) {
      const g = m.groupId ?? '';
      if (blocked.has(g)) continue;
      // A group's later messages wait behind an earlier one that is not visible yet.
      if (m.visibleAtMs > now) {
        blocked.add(g);
        continue;
      }
      const list = byGroup.get(g) ?? [];
      list.push(m);
      byGroup.set(g, list);
    }
    return [...byGroup.values()].flat();
  }

  private moveToDeadLetter(queue: SimQueue, m: SimMessage, dlqName: string): void {
    const dlq = this.find(dlqName);
    queue.messages.splice(queue.messages.indexOf(m), 1);
    queue.stats.movedToDlq++;
    if (!dlq) return;
    dlq.messages.push({ ...m, visibleAtMs: this.ctx.clock.nowMs, receiveCount: 0 });
    dlq.stats.sent++;
  }

  /** Deletes by receipt handle. @throws ReceiptHandleIsInvalid for a handle SQS never gave. */
  delete(queue: SimQueue, receiptHandle: unknown): void {
    const i = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i < 0) {
      // Deleting a message already deleted succeeds (idempotent); an unknown handle does not.
      if (typeof receiptHandle === 'string' && receiptHandle.includes('#')) return;
      throw awsError(
        'sqs',
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${String(receiptHandle)}" is not a valid receipt handle.`,
      );
    }
    queue.messages.splice(i, 1);
    queue.stats.deleted++;
    this.notify(queue, this.ctx.clock.nowMs);
  }

  /** Makes an in-flight message visible after `seconds` (0: at once). */
  changeVisibility(queue: SimQueue, receiptHandle: unknown, seconds: number): void {
    const m = queue.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m)
      throw awsError(
        'sqs',
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${String(receiptHandle)}" is not a valid receipt handle.`,
      );
    if (m.visibleAtMs <= this.ctx.clock.nowMs) {
      throw awsError('sqs', 'MessageNotInflight', 'The message referred to is not in flight.');
    }
    m.visibleAtMs = this.ctx.clock.nowMs + seconds * 1000;
    this.ctx.clock.at(m.visibleAtMs, `sqs:visible:${queue.spec.name}`, () =>
      this.notify(queue, m.visibleAtMs),
    );
  }

  /** Messages in the queue that are visible now / in flight now. */
  depth(queue: SimQueue): { visible: number; inFlight: number } {
    const now = this.ctx.clock.nowMs;
    const inFlight = queue.messages.filter((m) => m.visibleAtMs > now).length;
    return { visible: queue.messages.length - inFlight, inFlight };
  }

  /** The SQS command table. */
  api(): CommandTable {
    const sendEntry = (q: SimQueue, e: Record<string, unknown>) => this.send(q, e);
    return {
      GetQueueUrl: (input) => ({ QueueUrl: this.queueOf(input.QueueName).url }),
      SendMessage: (input) => sendEntry(this.queueOf(input.QueueUrl), input),
      SendMessageBatch: (input) => {
        const q = this.queueOf(input.QueueUrl);
        const entries = (input.Entries ?? []) as Record<string, unknown>[];
        if (entries.length === 0)
          throw awsError(
            'sqs',
            'EmptyBatchRequest',
            'There should be at least one SendMessageBatchRequestEntry in the request.',
          );
        if (entries.length > 10) {
          throw awsError(
            'sqs',
            'TooManyEntriesInBatchRequest',
            `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
          );
        }
        const ids = entries.map((e) => e.Id);
        if (new Set(ids).size !== ids.length) {
          throw awsError('sqs', 'BatchEntryIdsNotDistinct', 'Id values of the entries must be distinct.');
        }
        const Successful: Record<string, unknown>[] = [];
        const Failed: Record<string, unknown>[] = [];
        for (const e of entries) {
          try {
            Successful.push({ Id: e.Id, ...sendEntry(q, e) });
          } catch (err) {
            Failed.push({
              Id: e.Id,
              Code: (err as Error).name,
              Message: (err as Error).message,
              SenderFault: true,
            });
          }
        }
        return { Successful, Failed };
      },
      ReceiveMessage: (input) => {
        const q = this.queueOf(input.QueueUrl);
        const max = Number(input.MaxNumberOfMessages ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > 10) {
          throw awsError(
            'sqs',
            'InvalidParameterValue',
            'Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.',
          );
        }
        const vt = input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout);
        return { Messages: this.receive(q, max, vt).map((m) => toSqsMessage(m)) };
      },
      DeleteMessage: (input) => {
        this.delete(this.queueOf(input.QueueUrl), input.ReceiptHandle);
        return {};
      },
      ChangeMessageVisibility: (input) => {
        this.changeVisibility(
          this.queueOf(input.QueueUrl),
          input.ReceiptHandle,
          Number(input.VisibilityTimeout ?? 0),
        );
        return {};
      },
      GetQueueAttributes: (input) => {
        const q = this.queueOf(input.QueueUrl);
        const d = this.depth(q);
        return {
          Attributes: {
            QueueArn: q.arn,
            ApproximateNumberOfMessages: String(d.visible),
            ApproximateNumberOfMessagesNotVisible: String(d.inFlight),
            FifoQueue: String(q.spec.fifo),
            VisibilityTimeout: String(q.spec.visibilityTimeout),
          },
        };
      },
    };
  }
}

/** A message as ReceiveMessage returns it (attributes always included). */
export const toSqsMessage = (m: SimMessage): Record<string, unknown> => ({
  MessageId: m.messageId,
  ReceiptHandle: m.receiptHandle,
  Body: m.body,
  Attributes: messageAttributes(m),
});

/** The system attributes of a message (ReceiveMessage `Attributes`, the Lambda record's `attributes`). */
export const messageAttributes = (m: SimMessage): Record<string, string> => ({
  ApproximateReceiveCount: String(m.receiveCount),
  SentTimestamp: String(m.sentMs),
  SenderId: 'AIDASIMULATEDSENDER',
  ApproximateFirstReceiveTimestamp: String(m.firstReceiveMs ?? m.sentMs),
  ...(m.groupId ? { MessageGroupId: m.groupId, SequenceNumber: m.sequenceNumber } : {}),
  ...(m.dedupId ? { MessageDeduplicationId: m.dedupId } : {}),
});
