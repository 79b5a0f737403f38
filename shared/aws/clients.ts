/**
 * Default SDK clients, created once per module so warm Lambda invocations reuse their connections
 * (STYLE.md §2). No endpoint is set here: the SDK honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>,
 * which is how the simulator and local tools redirect calls.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';

/** The SDK clients the snapshot reader uses. */
export interface ReaderClients {
  ecs: ECSClient;
  autoScaling: AutoScalingClient;
  applicationAutoScaling: ApplicationAutoScalingClient;
}

const cache = new Map<string, ReaderClients>();

/**
 * The reader's clients for a region (default: the SDK's own resolution, AWS_REGION / profile).
 * The same object is returned on every call with the same region.
 */
export const readerClients = (region?: string): ReaderClients => {
  const key = region ?? '';
  let clients = cache.get(key);
  if (!clients) {
    const config = region ? { region } : {};
    clients = {
      ecs: new ECSClient(config),
      autoScaling: new AutoScalingClient(config),
      applicationAutoScaling: new ApplicationAutoScalingClient(config),
    };
    cache.set(key, clients);
  }
  return clients;
};
