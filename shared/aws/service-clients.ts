/**
 * Default SDK clients of the service scaler beyond the reader's (shared/aws/clients.ts): CloudWatch.
 * Created once per module so warm invocations reuse connections; no endpoint is set (the SDK honours
 * AWS_ENDPOINT_URL, which is how the simulator redirects calls).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type ReaderClients, readerClients } from './clients.js';

/** The clients the service scaler uses. */
export interface ServiceScalerClients extends ReaderClients {
  cloudWatch: CloudWatchClient;
}

let cached: ServiceScalerClients | undefined;

/** The service scaler's clients (the same object on every call). */
export const serviceScalerClients = (): ServiceScalerClients => {
  cached ??= { ...readerClients(), cloudWatch: new CloudWatchClient({}) };
  return cached;
};
