/**
 * Default SDK clients of the cluster scaler: the reader's but Application Auto Scaling (it reads no
 * scalable targets), plus CloudWatch. Created once per module so warm invocations reuse connections; no endpoint is set (the
 * SDK honours AWS_ENDPOINT_URL, which is how the simulator redirects calls).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  autoScalingClient,
  ecsClient,
  instanceTypesClient,
  launchTemplatesClient,
  type ReaderClients,
} from './clients.js';

/** The clients the cluster scaler uses. */
export interface ClusterScalerClients extends ReaderClients {
  cloudWatch: CloudWatchClient;
}

let cached: ClusterScalerClients | undefined;

/** The cluster scaler's clients (the same object on every call). */
export const clusterScalerClients = (): ClusterScalerClients => {
  cached ??= {
    ecs: ecsClient(),
    autoScaling: autoScalingClient(),
    instanceTypes: instanceTypesClient(),
    launchTemplates: launchTemplatesClient(),
    cloudWatch: new CloudWatchClient({}),
  };
  return cached;
};
