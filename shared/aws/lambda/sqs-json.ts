/**
 * The function bundles' stand-in for `@aws-sdk/client-sqs` (aliased by scripts/build.mjs for the Lambda
 * bundles only): the functions make one SQS call, SendMessageBatch to the cluster queue
 * (cluster-queue.ts). AWS JSON 1.0, `X-Amz-Target: AmazonSQS.SendMessageBatch`, Query-compatible errors
 * (`x-amzn-query-mode: true`; codes such as `AWS.SimpleQueueService.NonExistentQueue` from
 * `x-amzn-query-error`), `AWS_ENDPOINT_URL_SQS`. The SDK also checks the MD5 of each sent body
 * (`md5OfMessageBody`); the stand-in does not (TLS already protects the answer).
 * Protocol, signing, errors and retries: json-client.ts.
 */
import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { type JsonClientConfig, JsonCommand, JsonServiceClient } from './json-client.js';

export class SendMessageBatchCommand extends JsonCommand<
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput
> {
  readonly operation = 'SendMessageBatch';
}

export class SQSClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'sqs',
        endpointPrefix: 'sqs',
        envSuffix: 'SQS',
        target: 'AmazonSQS',
        jsonVersion: '1.0',
        queryCompatible: true,
      },
      config,
    );
  }
}
