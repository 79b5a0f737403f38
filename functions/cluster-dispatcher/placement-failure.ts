/**
 * ECS's "ECS Service Action" event SERVICE_TASK_PLACEMENT_FAILURE, parsed for the dispatcher: a service
 * of some cluster could not place a task (ecs-facts §3.3; the shape is AWS's sample,
 * events/ecs/service-action-task-placement-failure.sample.json). The dispatcher turns it into one
 * `placement` request for that cluster when the cluster is managed, so tasks that start waiting in a
 * quiet cluster of a paced account are decided within seconds, not at its next tick (docs/account-scale.md).
 *
 * What is passed on and what is not:
 * - `detail.eventName` other than SERVICE_TASK_PLACEMENT_FAILURE (the rule filters on it; another service
 *   action reaching the function is ignored, not an error);
 * - `detail.reason` `RESOURCE:FARGATE`: Fargate capacity, which no Auto Scaling group adds — ignored;
 * - every other reason is passed on (RESOURCE:CPU/MEMORY/ENI/GPU/ports, ATTRIBUTE, constraints, no
 *   instances): whether more instances would help is the planner's call, made on the cluster as read.
 * Unknown keys pass (AWS adds fields).
 */
import * as z from 'zod/mini';
import '../../shared/core/zod-messages.js';
import { InvalidEventError } from '../../shared/core/errors.js';
import { formatIssuePath } from '../../shared/core/snapshot/index.js';

/** The service action this module passes on. */
export const PLACEMENT_FAILURE = 'SERVICE_TASK_PLACEMENT_FAILURE';

const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9_-]{1,255})$/;

const ServiceActionSchema = z.looseObject({
  source: z.literal('aws.ecs'),
  'detail-type': z.literal('ECS Service Action'),
  time: z.optional(z.string()),
  resources: z._default(z.array(z.string()), []),
  detail: z.looseObject({
    eventName: z.string().check(z.minLength(1)),
    clusterArn: z.string().check(z.regex(CLUSTER_ARN, 'expected an ECS cluster ARN')),
    reason: z.optional(z.string()),
  }),
});

/** What the dispatcher does with a service action event. */
export type ServiceAction =
  | { kind: 'placement-failure'; cluster: string; service?: string; reason?: string }
  | { kind: 'ignored'; why: string };

/** Whether the event is one of ECS's (the dispatcher's other triggers come from aws.events and aws.cloudwatch). */
export const isEcsEvent = (event: unknown): boolean =>
  (event as { source?: unknown } | null)?.source === 'aws.ecs';

/**
 * Parses an "ECS Service Action" event.
 * @throws InvalidEventError naming the bad field (nothing is sent for it).
 */
export const parseServiceAction = (event: unknown): ServiceAction => {
  const r = ServiceActionSchema.safeParse(event);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InvalidEventError(
      `not an ECS service action event: field '${formatIssuePath(issue.path)}' is invalid (${issue.message}). ` +
        `The dispatcher expects "ECS Service Action" events of ${PLACEMENT_FAILURE} from its EventBridge rule; nothing was sent.`,
    );
  }
  const { eventName, clusterArn, reason } = r.data.detail;
  if (eventName !== PLACEMENT_FAILURE) return { kind: 'ignored', why: `service action ${eventName}` };
  if (reason === 'RESOURCE:FARGATE')
    return { kind: 'ignored', why: 'Fargate capacity (reason RESOURCE:FARGATE)' };
  const cluster = CLUSTER_ARN.exec(clusterArn)![1]!;
  // The service ARN: arn:…:service/<cluster>/<name> (long ARN format) or arn:…:service/<name> (old format).
  const serviceArn = r.data.resources.find((a) => a.includes(':service/'));
  const service = serviceArn?.slice(serviceArn.lastIndexOf('/') + 1) || undefined;
  return {
    kind: 'placement-failure',
    cluster,
    ...(service ? { service } : {}),
    ...(reason ? { reason } : {}),
  };
};
