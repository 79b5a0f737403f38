/**
 * Observe, for one service: its Application Auto Scaling scalable target and the target's own scaling
 * policies; and, only when asked, the target's tags. The cluster snapshot reader reads the targets of every
 * service but not policies; this adds them for the one service an alarm names.
 *
 * The target's tags are never settings (the opt-in and every setting live on the service, where the IAM
 * policy can check them); they are read only to explain the skip of a service that does not opt in itself
 * but whose target carries the opt-in tag.
 *
 * Calls: DescribeScalableTargets (1), DescribeScalingPolicies (1 per 10 policies — its page limit),
 * ListTagsForResource (1, only when asked and a target with an ARN exists).
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ECS_SERVICE_DIMENSION, serviceResourceId } from '../core/service/bounds.js';
import {
  type ScalableTarget,
  ScalableTargetSchema,
  type ScalingPolicy,
  ScalingPolicySchema,
} from '../core/snapshot/snapshot.js';
import { applicationAutoScalingClient } from './clients.js';
import { awsCall } from './errors.js';
import { jsonShaped } from './limit.js';

/** What Application Auto Scaling knows about one service. */
export interface ServiceScalingState {
  target: ScalableTarget | undefined;
  policies: ScalingPolicy[];
  /** The target's tags (empty when not asked for, or without a target). */
  targetTags: Record<string, string>;
}

/** Options of {@link ServiceScalingReader.read}. */
export interface ReadScalingOptions {
  /**
   * Read the target's tags (default false). The handler asks only when the service has no opt-in tag of
   * its own, to tell an operator who tagged the target instead of the service.
   */
  targetTags?: boolean;
}

/** The read the service scaler needs (a narrow port: tests and the simulator provide their own). */
export interface ServiceScalingReader {
  read(cluster: string, service: string, options?: ReadScalingOptions): Promise<ServiceScalingState>;
}

/** {@link ServiceScalingReader} over the Application Auto Scaling API. */
export class AasServiceScalingReader implements ServiceScalingReader {
  constructor(private readonly client: ApplicationAutoScalingClient) {}

  /**
   * @throws AwsRejectedError naming the missing `application-autoscaling:*` action; TransientAwsError on
   *   throttling/5xx.
   */
  async read(
    cluster: string,
    service: string,
    options: ReadScalingOptions = {},
  ): Promise<ServiceScalingState> {
    const resourceId = serviceResourceId(cluster, service);
    const ctx = (action: string) => ({ action, cluster });
    const targets = await awsCall(ctx('application-autoscaling:DescribeScalableTargets'), () =>
      this.client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'ecs',
          ScalableDimension: ECS_SERVICE_DIMENSION,
          ResourceIds: [resourceId],
        }),
      ),
    );
    const raw = targets.ScalableTargets?.find((t) => t.ResourceId === resourceId);
    if (!raw) return { target: undefined, policies: [], targetTags: {} };
    const target = ScalableTargetSchema.parse(jsonShaped(raw));

    const policies: ScalingPolicy[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await awsCall(ctx('application-autoscaling:DescribeScalingPolicies'), () =>
        this.client.send(
          new DescribeScalingPoliciesCommand({
            ServiceNamespace: 'ecs',
            ScalableDimension: ECS_SERVICE_DIMENSION,
            ResourceId: resourceId,
            MaxResults: 10,
            NextToken: token,
          }),
        ),
      );
      for (const p of page.ScalingPolicies ?? []) policies.push(ScalingPolicySchema.parse(jsonShaped(p)));
      nextToken = page.NextToken;
    } while (nextToken);

    const arn = options.targetTags === true ? raw.ScalableTargetARN : undefined;
    const targetTags = arn
      ? ((
          await awsCall(ctx('application-autoscaling:ListTagsForResource'), () =>
            this.client.send(new ListTagsForResourceCommand({ ResourceARN: arn })),
          )
        ).Tags ?? {})
      : {};
    return { target, policies, targetTags };
  }
}

/** The reader over the default client (created once per module). */
export const defaultServiceScalingReader = (): ServiceScalingReader =>
  new AasServiceScalingReader(applicationAutoScalingClient());
