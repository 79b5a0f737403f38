/**
 * The cluster queue (SQS FIFO): sends cluster decision requests with `MessageGroupId` = the cluster, so
 * SQS hands one cluster's requests to the worker one at a time and in order, while different clusters run
 * in parallel (SQS Developer Guide, "FIFO queue message grouping"; ecs-facts §7.3).
 *
 * - `SendMessageBatch`, ≤ 10 entries per call (the API's limit);
 * - `MessageGroupId`: the cluster name when it fits SQS's 128-character id, else `sha256:` + its hash
 *   (ECS names may have 255 characters);
 * - `MessageDeduplicationId`: a SHA-256 of the request's key (requestKey), so a retried sender's copy of
 *   the same trigger is dropped by SQS within its 5-minute deduplication interval.
 *
 * The queue URL comes from `CLUSTER_QUEUE_URL` (serverless.yml: `Ref: ClusterQueue`).
 */
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type ClusterRequest, requestKey } from '../core/cluster/index.js';
import { ConfigurationError, TransientAwsError } from '../core/errors.js';
import { awsCall } from './errors.js';
import { chunk } from './limit.js';

/** SendMessageBatch takes at most 10 entries (SQS API reference). */
export const SEND_BATCH = 10;

/** The port: send requests. */
export interface ClusterQueue {
  /** Sends every request; resolves when SQS accepted all of them. */
  send(requests: readonly ClusterRequest[]): Promise<void>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The FIFO message group of a cluster (≤ 128 characters, alphanumerics and punctuation). */
export const messageGroupOf = (cluster: string): string =>
  cluster.length <= 128 && /^[\x21-\x7e]+$/.test(cluster) ? cluster : `sha256:${sha256(cluster)}`;

/** The deduplication id of a request (64 hex characters; SQS allows 128). */
export const deduplicationIdOf = (r: ClusterRequest): string => sha256(requestKey(r));

/** {@link ClusterQueue} over SQS. */
export class SqsClusterQueue implements ClusterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * @throws TransientAwsError when SQS refused some entries for a server-side reason (the caller's retry
   *   resends them all; deduplication drops the copies); AwsRejectedError / TransientAwsError from the call.
   */
  async send(requests: readonly ClusterRequest[]): Promise<void> {
    for (const batch of chunk(requests, SEND_BATCH)) {
      const out = await awsCall({ action: 'sqs:SendMessage' }, () =>
        this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((r, i) => ({
              Id: String(i),
              MessageBody: JSON.stringify(r),
              MessageGroupId: messageGroupOf(r.cluster),
              MessageDeduplicationId: deduplicationIdOf(r),
            })),
          }),
        ),
      );
      const failed = out.Failed ?? [];
      if (failed.length > 0) {
        const first = failed[0]!;
        throw new TransientAwsError(
          `sqs:SendMessage: ${failed.length} of ${batch.length} request(s) not queued (${first.Code}: ${first.Message}); retry later`,
        );
      }
    }
  }
}

let client: SQSClient | undefined;

/**
 * The queue of this deployment.
 * @throws ConfigurationError when `CLUSTER_QUEUE_URL` is not set (the function was deployed without it).
 */
export const defaultClusterQueue = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClusterQueue => {
  const url = env.CLUSTER_QUEUE_URL?.trim();
  if (!url) {
    throw new ConfigurationError(
      'CLUSTER_QUEUE_URL is not set: the function cannot ask the cluster scaler for a decision; deploy it with serverless.yml (environment CLUSTER_QUEUE_URL: Ref ClusterQueue)',
    );
  }
  client ??= new SQSClient({});
  return new SqsClusterQueue(client, url);
};
