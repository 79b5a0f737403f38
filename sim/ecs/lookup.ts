/** Request-level lookups shared by the ECS read and write APIs. */
import { awsError } from '../core/aws-error.js';
import type { EcsWorld } from './ecs-world.js';
import type { SimCluster } from './model.js';

/** Resolves the request's cluster (default `default`). @throws ClusterNotFoundException */
export const requireCluster = (world: EcsWorld, ref: string | undefined): SimCluster => {
  const c = world.cluster(ref);
  if (c?.status !== 'ACTIVE') throw awsError('ecs', 'ClusterNotFoundException', 'Cluster not found.');
  return c;
};

/** A service name from a name or an ARN (old and new ARN formats). */
export const serviceName = (ref: string): string => ref.replace(/^arn:.*:service\/(?:[^/]+\/)?/, '');
