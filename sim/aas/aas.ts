/**
 * Simulated Application Auto Scaling for `ecs:service:DesiredCount` targets: registration (min/max,
 * suspended state) and description. Scaling policies are stored and described but not executed.
 * RegisterScalableTarget moves the service's desiredCount into the new [min, max] range, as AWS does.
 * Limits (API reference): DescribeScalableTargets ResourceIds ≤ 50, MaxResults ≤ 50 (default 50).
 */
import type {
  DeregisterScalableTargetCommandInput,
  DescribeScalableTargetsCommandInput,
  DescribeScalingPoliciesCommandInput,
  RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { checkBatch, paginate } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';
import type { EcsWorld } from '../ecs/ecs-world.js';

/** A scalable target in the setup API. */
export interface ScalableTargetSpec {
  cluster: string;
  service: string;
  min: number;
  max: number;
  suspended?: { in?: boolean; out?: boolean; scheduled?: boolean };
}

/** The stored target (API shape). */
export interface SimScalableTarget {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  RoleARN: string;
  CreationTime: Date;
  ScalableTargetARN: string;
  SuspendedState: {
    DynamicScalingInSuspended: boolean;
    DynamicScalingOutSuspended: boolean;
    ScheduledScalingSuspended: boolean;
  };
}

const invalid = (m: string) => awsError('application-autoscaling', 'ValidationException', m);

/** State of the simulated Application Auto Scaling. */
export class AasWorld {
  readonly targets = new Map<string, SimScalableTarget>();
  readonly policies: Array<Record<string, unknown>> = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsWorld,
  ) {}

  /** Registers (or updates) an ECS service target. */
  registerTarget(spec: ScalableTargetSpec): SimScalableTarget {
    return this.upsert({
      ServiceNamespace: 'ecs',
      ResourceId: `service/${spec.cluster}/${spec.service}`,
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: spec.min,
      MaxCapacity: spec.max,
      SuspendedState: {
        DynamicScalingInSuspended: spec.suspended?.in ?? false,
        DynamicScalingOutSuspended: spec.suspended?.out ?? false,
        ScheduledScalingSuspended: spec.suspended?.scheduled ?? false,
      },
    });
  }

  private upsert(i: RegisterScalableTargetCommandInput): SimScalableTarget {
    if (!i.ServiceNamespace || !i.ResourceId || !i.ScalableDimension)
      throw invalid('ServiceNamespace, ResourceId and ScalableDimension are required.');
    const key = `${i.ServiceNamespace}|${i.ResourceId}|${i.ScalableDimension}`;
    const old = this.targets.get(key);
    const min = i.MinCapacity ?? old?.MinCapacity;
    const max = i.MaxCapacity ?? old?.MaxCapacity;
    if (min === undefined || max === undefined)
      throw invalid('MinCapacity and MaxCapacity are required for a new scalable target.');
    if (min > max) throw invalid(`Minimum capacity ${min} cannot be greater than maximum capacity ${max}.`);
    const { region, accountId } = this.ctx.settings;
    const t: SimScalableTarget = {
      ServiceNamespace: i.ServiceNamespace,
      ResourceId: i.ResourceId,
      ScalableDimension: i.ScalableDimension,
      MinCapacity: min,
      MaxCapacity: max,
      RoleARN: `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      CreationTime: old?.CreationTime ?? new Date(this.ctx.clock.nowMs),
      ScalableTargetARN:
        old?.ScalableTargetARN ??
        `arn:aws:application-autoscaling:${region}:${accountId}:scalable-target/${this.ctx.rng.hex(36)}`,
      SuspendedState: {
        DynamicScalingInSuspended:
          i.SuspendedState?.DynamicScalingInSuspended ??
          old?.SuspendedState.DynamicScalingInSuspended ??
          false,
        DynamicScalingOutSuspended:
          i.SuspendedState?.DynamicScalingOutSuspended ??
          old?.SuspendedState.DynamicScalingOutSuspended ??
          false,
        ScheduledScalingSuspended:
          i.SuspendedState?.ScheduledScalingSuspended ??
          old?.SuspendedState.ScheduledScalingSuspended ??
          false,
      },
    };
    this.targets.set(key, t);
    const [, cluster, service] = i.ResourceId.split('/');
    const s = this.ecs.cluster(cluster)?.services.get(service ?? '');
    if (s && i.ServiceNamespace === 'ecs' && (s.desiredCount < min || s.desiredCount > max)) {
      s.desiredCount = Math.min(max, Math.max(min, s.desiredCount));
      this.ecs.requestReconcile(s.cluster);
    }
    return t;
  }

  /** The Application Auto Scaling command table. */
  api(): CommandTable {
    return {
      RegisterScalableTarget: command<RegisterScalableTargetCommandInput>((i) => ({
        ScalableTargetARN: this.upsert(i).ScalableTargetARN,
      })),
      DeregisterScalableTarget: command<DeregisterScalableTargetCommandInput>((i) => {
        const key = `${i.ServiceNamespace}|${i.ResourceId}|${i.ScalableDimension}`;
        if (!this.targets.delete(key))
          throw awsError(
            'application-autoscaling',
            'ObjectNotFoundException',
            'No scalable target found for service namespace, resource ID and scalable dimension.',
          );
        return {};
      }),
      DescribeScalableTargets: command<DescribeScalableTargetsCommandInput>((i) => {
        if (!i.ServiceNamespace) throw invalid('ServiceNamespace is required.');
        checkBatch('application-autoscaling', 'DescribeScalableTargets', 'ResourceIds', i.ResourceIds, 50);
        const all = [...this.targets.values()].filter(
          (t) =>
            t.ServiceNamespace === i.ServiceNamespace &&
            (!i.ResourceIds?.length || i.ResourceIds.includes(t.ResourceId)) &&
            (!i.ScalableDimension || t.ScalableDimension === i.ScalableDimension),
        );
        const page = paginate(
          'application-autoscaling',
          'DescribeScalableTargets',
          all,
          i.NextToken,
          i.MaxResults,
          50,
          50,
        );
        // No copy here: the dispatcher's compact() deep-copies every answer.
        return { ScalableTargets: page.items, NextToken: page.nextToken };
      }),
      DescribeScalingPolicies: command<DescribeScalingPoliciesCommandInput>((i) => {
        if (!i.ServiceNamespace) throw invalid('ServiceNamespace is required.');
        const all = this.policies.filter(
          (p) =>
            p.ServiceNamespace === i.ServiceNamespace &&
            (!i.ResourceId || p.ResourceId === i.ResourceId) &&
            (!i.PolicyNames?.length || i.PolicyNames.includes(String(p.PolicyName))),
        );
        const page = paginate(
          'application-autoscaling',
          'DescribeScalingPolicies',
          all,
          i.NextToken,
          i.MaxResults,
          50,
          50,
        );
        return { ScalingPolicies: page.items, NextToken: page.nextToken };
      }),
    };
  }
}
