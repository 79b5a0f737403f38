/**
 * The built-in container-instance attributes the core reads (ECS developer guide, "Attributes"): one
 * string each in the Lambda bundles.
 */
import type { ContainerInstance } from './snapshot/snapshot.js';

export const ARCH_ATTR = 'ecs.cpu-architecture';
export const AZ_ATTR = 'ecs.availability-zone';
export const TYPE_ATTR = 'ecs.instance-type';

/** A container instance's attribute value (undefined: not set). One reader for the core (bundle bytes). */
export const attributeOf = (ci: ContainerInstance | undefined, name: string): string | undefined =>
  ci?.attributes?.find((a) => a.name === name)?.value;
