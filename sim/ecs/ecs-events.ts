/**
 * ECS EventBridge payloads (`detail` objects). Shapes follow AWS's examples in
 * shared/reference/aws-events: task state change, container instance state change, service action.
 */
import type { SimContainerInstance, SimService, SimTask } from './model.js';
import { containerInstanceShape, isoDates, taskShape } from './shapes.js';

/** `detail` of "ECS Task State Change" (the Task object with ISO dates, plus `updatedAt`). */
export const taskEvent = (task: SimTask): Record<string, unknown> => {
  const shape = taskShape(task) as Record<string, unknown>;
  delete shape.tags;
  delete shape.healthStatus;
  const detail = isoDates(shape) as Record<string, unknown>;
  const updated = task.stoppedAt ?? task.stoppingAt ?? task.startedAt ?? task.createdAt;
  detail.updatedAt = new Date(updated).toISOString();
  return detail;
};

/** `detail` of "ECS Container Instance State Change". */
export const containerInstanceEvent = (ci: SimContainerInstance, nowMs: number): Record<string, unknown> => {
  const s = containerInstanceShape(ci);
  return isoDates({
    agentConnected: s.agentConnected,
    attributes: s.attributes,
    clusterArn: ci.cluster.arn,
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    registeredResources: s.registeredResources.map(({ doubleValue: _d, longValue: _l, ...r }) => r),
    remainingResources: s.remainingResources.map(({ doubleValue: _d, longValue: _l, ...r }) => r),
    status: ci.status,
    version: ci.version,
    versionInfo: s.versionInfo,
    updatedAt: new Date(nowMs),
  }) as Record<string, unknown>;
};

/** `detail` of the "ECS Service Action" SERVICE_TASK_PLACEMENT_FAILURE event (no `version`, per AWS). */
export const placementFailureEvent = (
  service: SimService,
  reason: string,
  instances: readonly SimContainerInstance[],
  nowMs: number,
): Record<string, unknown> => ({
  eventType: 'ERROR',
  eventName: 'SERVICE_TASK_PLACEMENT_FAILURE',
  clusterArn: service.cluster.arn,
  containerInstanceArns: instances.slice(0, 10).map((ci) => ci.arn),
  reason,
  createdAt: new Date(nowMs).toISOString(),
});
