/**
 * Schemas of the events the instance drainer receives through EventBridge. Loose objects: AWS adds
 * fields over time (ECS says so), so unknown keys pass. `time` is a plain string because AWS's own
 * Auto Scaling and EC2 samples carry the placeholder `yyyy-mm-ddThh:mm:ssZ` there.
 */
import * as z from 'zod/mini';
import '../../shared/core/zod-messages.js';
import { InvalidEventError } from '../../shared/core/errors.js';
import { formatIssuePath } from '../../shared/core/snapshot/index.js';

/** EC2 instance IDs: `i-` and 8 (older) or 17 hex digits. */
const instanceId = z
  .string()
  .check(z.regex(/^i-[0-9a-f]{8,17}$/, 'expected an EC2 instance ID like i-0123456789abcdef0'));
const nonEmpty = z.string().check(z.minLength(1));

/** The EventBridge envelope common to every event. */
export const EnvelopeSchema = z.looseObject({
  version: z.optional(z.string()),
  id: z.optional(z.string()),
  'detail-type': nonEmpty,
  source: nonEmpty,
  account: z.optional(z.string()),
  time: z.optional(z.string()),
  region: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.looseObject({}),
});

/** "EC2 Instance-terminate Lifecycle Action" (source aws.autoscaling). */
export const LifecycleActionDetailSchema = z.looseObject({
  AutoScalingGroupName: nonEmpty,
  LifecycleHookName: nonEmpty,
  EC2InstanceId: instanceId,
  LifecycleTransition: nonEmpty,
  LifecycleActionToken: z.optional(z.string()),
  NotificationMetadata: z.optional(z.string()),
  Origin: z.optional(z.string()),
  Destination: z.optional(z.string()),
});

/** "EC2 Spot Instance Interruption Warning" and "EC2 Instance Rebalance Recommendation" (source aws.ec2). */
export const Ec2InstanceDetailSchema = z.looseObject({
  'instance-id': instanceId,
  // hibernate | stop | terminate; AWS's sample has the placeholder "action", so any string passes.
  'instance-action': z.optional(z.string()),
});

/** "ECS Task State Change" (source aws.ecs). */
export const TaskStateChangeDetailSchema = z.looseObject({
  clusterArn: nonEmpty,
  taskArn: nonEmpty,
  lastStatus: nonEmpty,
  // Present only for tasks on EC2 or external instances.
  containerInstanceArn: z.optional(z.string()),
  desiredStatus: z.optional(z.string()),
  group: z.optional(z.string()),
  launchType: z.optional(z.string()),
  version: z.optional(z.number()),
});

/** "ECS Container Instance State Change" (source aws.ecs). */
export const ContainerInstanceStateChangeDetailSchema = z.looseObject({
  clusterArn: nonEmpty,
  containerInstanceArn: nonEmpty,
  status: nonEmpty,
  ec2InstanceId: z.optional(z.string()),
  version: z.optional(z.number()),
});

/** The detail-types the drainer handles, by name. */
export const DetailTypes = {
  lifecycleAction: 'EC2 Instance-terminate Lifecycle Action',
  spotInterruption: 'EC2 Spot Instance Interruption Warning',
  rebalanceRecommendation: 'EC2 Instance Rebalance Recommendation',
  taskStateChange: 'ECS Task State Change',
  containerInstanceStateChange: 'ECS Container Instance State Change',
  scheduled: 'Scheduled Event',
} as const;

/** A parsed drainer event. `unsupported` is a well-formed event of a kind the drainer does not act on. */
export type DrainerEvent =
  | { kind: 'lifecycle-action'; detail: z.infer<typeof LifecycleActionDetailSchema> }
  | {
      kind: 'spot-interruption' | 'rebalance-recommendation';
      detail: z.infer<typeof Ec2InstanceDetailSchema>;
    }
  | { kind: 'task-state-change'; detail: z.infer<typeof TaskStateChangeDetailSchema> }
  | {
      kind: 'container-instance-state-change';
      detail: z.infer<typeof ContainerInstanceStateChangeDetailSchema>;
    }
  | { kind: 'sweep' }
  | { kind: 'unsupported'; detailType: string; source: string };

const parse = <T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidEventError(
    `${what}: field '${formatIssuePath(issue.path)}' is invalid: ${issue.message}. ` +
      'The EventBridge rule must deliver the unmodified AWS event (see docs/drain.md for the patterns).',
  );
};

/**
 * Parses an EventBridge event for the drainer.
 *
 * @throws InvalidEventError naming the first bad field.
 */
export const parseDrainerEvent = (event: unknown): DrainerEvent => {
  const envelope = parse(EnvelopeSchema, event, 'event');
  const type = envelope['detail-type'];
  const what = `'${type}' event`;
  const is = (source: string, detailType: string) => envelope.source === source && type === detailType;
  if (is('aws.autoscaling', DetailTypes.lifecycleAction)) {
    return { kind: 'lifecycle-action', detail: parse(LifecycleActionDetailSchema, envelope.detail, what) };
  }
  if (is('aws.ec2', DetailTypes.spotInterruption)) {
    return { kind: 'spot-interruption', detail: parse(Ec2InstanceDetailSchema, envelope.detail, what) };
  }
  if (is('aws.ec2', DetailTypes.rebalanceRecommendation)) {
    return {
      kind: 'rebalance-recommendation',
      detail: parse(Ec2InstanceDetailSchema, envelope.detail, what),
    };
  }
  if (is('aws.ecs', DetailTypes.taskStateChange)) {
    return { kind: 'task-state-change', detail: parse(TaskStateChangeDetailSchema, envelope.detail, what) };
  }
  if (is('aws.ecs', DetailTypes.containerInstanceStateChange)) {
    return {
      kind: 'container-instance-state-change',
      detail: parse(ContainerInstanceStateChangeDetailSchema, envelope.detail, what),
    };
  }
  if (is('aws.events', DetailTypes.scheduled)) return { kind: 'sweep' };
  return { kind: 'unsupported', detailType: type, source: envelope.source };
};

/** The cluster name in an ECS cluster ARN (`arn:aws:ecs:region:account:cluster/NAME`), or the input. */
export const clusterNameOf = (clusterArnOrName: string): string =>
  clusterArnOrName.includes(':cluster/') ? clusterArnOrName.split(':cluster/')[1]! : clusterArnOrName;
