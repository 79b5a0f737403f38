/**
 * Observe, for one service: its Application Auto Scaling scalable target, the target's own scaling
 * policies, and the target's tags (the opt-in may live there). The cluster snapshot reader reads the
 * targets of every service but not policies or tags; this adds them for the one service an alarm names.
 *
 * Calls: DescribeScalableTargets (1), DescribeScalingPolicies (1 per 10 policies — its page limit),
 * ListTagsForResource (1, only when a target exists and its tags are wanted).
 */
import {
  type ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ECS_SERVICE_DIMENSION, serviceResourceId } from '../core/service-bounds.js';
import {
  type ScalableTarget,
  ScalableTargetSchema,
  type ScalingPolicy,
  ScalingPolicySchema,
} from '../core/snapshot.js';
import { readerClients } from './clients.js';
import { awsCall } from './errors.js';
import { jsonShaped } from './limit.js';

/** What Application Auto Scaling knows about one service. */
export interface ServiceScalingState {
  target: ScalableTarget | undefined;
  policies: ScalingPolicy[];
  /** The target's tags (empty without a target). */
  targetTags: Record<string, string>;
}

/** Options of {@link ServiceScalingReader.read}. */
export interface ReadScalingOptions {
  /**
   * Read the target's tags (default true). The handler skips them when the service's own tags opt in:
   * the settings then come from the service alone, and the call (and its IAM permission) is saved.
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

    const arn = options.targetTags === false ? undefined : raw.ScalableTargetARN;
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
  new AasServiceScalingReader(readerClients().applicationAutoScaling);
