/**
 * The built-in container-instance attributes the core reads (ECS developer guide, "Attributes"): one
 * string each in the Lambda bundles.
 */
export const ARCH_ATTR = 'ecs.cpu-architecture';
export const AZ_ATTR = 'ecs.availability-zone';
export const TYPE_ATTR = 'ecs.instance-type';
