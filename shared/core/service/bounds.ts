/**
 * Bounds of a service's desired count: its Application Auto Scaling scalable target
 * (`ecs` / `ecs:service:DesiredCount` / `service/<cluster>/<service>`), else the `min-tasks`/`max-tasks`
 * tags. Without either the scaler does not act: scaling without a ceiling is how a bad metric becomes a
 * bill.
 */

import type { ClusterSnapshot, ScalableTarget, ScalingPolicy } from '../snapshot/snapshot.js';
import type { ServiceScalingConfig } from './policy.js';

/** The Application Auto Scaling dimension of an ECS service's desired count. */
export const ECS_SERVICE_DIMENSION = 'ecs:service:DesiredCount';

/** The scalable target `ResourceId` of an ECS service (Application Auto Scaling's format). */
export const serviceResourceId = (cluster: string, service: string): string =>
  `service/${cluster}/${service}`;

/** Inclusive bounds of the desired count, in tasks. */
export interface ServiceBounds {
  min: number;
  max: number;
  source: 'scalable-target' | 'tags';
}

/** The service's scalable target in a snapshot, if registered. */
export const findScalableTarget = (
  snapshot: ClusterSnapshot,
  cluster: string,
  service: string,
): ScalableTarget | undefined =>
  snapshot.scalableTargets.find(
    (t) =>
      t.ServiceNamespace === 'ecs' &&
      t.ScalableDimension === ECS_SERVICE_DIMENSION &&
      t.ResourceId === serviceResourceId(cluster, service),
  );

/**
 * The Application Auto Scaling policies attached to the service's target. Undefined when the snapshot did
 * not record policies (unknown is not "none": the caller says so in its reasons).
 */
export const findScalingPolicies = (
  snapshot: ClusterSnapshot,
  cluster: string,
  service: string,
): ScalingPolicy[] | undefined =>
  snapshot.scalingPolicies?.filter(
    (p) =>
      p.ServiceNamespace === 'ecs' &&
      p.ScalableDimension === ECS_SERVICE_DIMENSION &&
      p.ResourceId === serviceResourceId(cluster, service),
  );

/** The bounds, or why there are none. The scalable target wins over the tags. */
export const resolveBounds = (
  target: ScalableTarget | undefined,
  config: Pick<ServiceScalingConfig, 'minTasks' | 'maxTasks'>,
): ServiceBounds | { missing: string } => {
  if (target) return { min: target.MinCapacity, max: target.MaxCapacity, source: 'scalable-target' };
  if (config.minTasks !== undefined && config.maxTasks !== undefined) {
    return { min: config.minTasks, max: config.maxTasks, source: 'tags' };
  }
  return {
    missing:
      'the service has no scalable target (ecs:service:DesiredCount) and no ecs-autoscaler:min-tasks/max-tasks tags: ' +
      'register a scalable target with MinCapacity/MaxCapacity or set both tags',
  };
};

/** `n` kept within the bounds. */
export const clamp = (n: number, bounds: Pick<ServiceBounds, 'min' | 'max'>): number =>
  Math.min(bounds.max, Math.max(bounds.min, n));
