/**
 * From a parsed event to the instance(s) to drain. Each route reads as little as it can before it knows
 * the event matters: ECS events fire for every task stop in the cluster, and most concern instances no
 * lifecycle hook holds.
 */

import { TERMINATING_TRANSITION } from '../../shared/aws/drain-autoscaling.js';
import {
  type DrainDefaults,
  type DrainSettings,
  DrainTriggers,
  resolveDrainSettings,
  selectTerminateHook,
  WAITING_STATES,
} from '../../shared/core/drain/index.js';
import { logger } from '../../shared/runtime/logger.js';
import { type DrainDeps, drainInstance } from './drain-instance.js';
import type { RouteResult } from './route-result.js';
import { clusterNameOf, type DrainerEvent } from './schemas.js';
import { sweep } from './sweep.js';

const ignore = (reason: string, facts: Record<string, unknown> = {}): RouteResult => {
  logger.info('event ignored', { reason, ...facts });
  return { results: [], ignored: reason, errors: [] };
};

/** Group settings for an instance's group, or a reason to ignore it. */
const managedGroup = async (
  deps: DrainDeps,
  asgName: string,
  defaults: DrainDefaults,
): Promise<
  | {
      settings: DrainSettings;
      capacityRebalance: boolean;
      instances: { instanceId: string; lifecycleState: string }[];
    }
  | string
> => {
  const group = await deps.autoscaling.describeGroup(asgName);
  if (!group) return `Auto Scaling group '${asgName}' does not exist`;
  const settings = resolveDrainSettings(group.name, group.tags, defaults);
  if (!settings) return `Auto Scaling group '${asgName}' is unmanaged (no ecs-autoscaler:cluster tag)`;
  return { settings, capacityRebalance: group.capacityRebalance, instances: [...group.instances] };
};

/**
 * Handles one parsed event.
 *
 * @throws ConfigurationError for a bad tag on the event's group; adapters' errors propagate.
 */
export const routeEvent = async (
  event: DrainerEvent,
  deps: DrainDeps,
  defaults: DrainDefaults,
  now: Date,
): Promise<RouteResult> => {
  switch (event.kind) {
    case 'unsupported':
      return ignore('event type not handled by the drainer', {
        detailType: event.detailType,
        source: event.source,
      });
    case 'sweep':
      return sweep(deps, defaults, now);
    case 'lifecycle-action': {
      const d = event.detail;
      const facts = { asg: d.AutoScalingGroupName, instanceId: d.EC2InstanceId, hook: d.LifecycleHookName };
      if (d.LifecycleTransition !== TERMINATING_TRANSITION)
        return ignore('not a terminate lifecycle action', facts);
      const group = await managedGroup(deps, d.AutoScalingGroupName, defaults);
      if (typeof group === 'string') return ignore(group, facts);
      if (group.settings.hookName && group.settings.hookName !== d.LifecycleHookName) {
        return ignore(
          `hook is not the one tagged ecs-autoscaler:drain-hook='${group.settings.hookName}'`,
          facts,
        );
      }
      // Issue 14: complete only the drainer's own hook. Untagged, it is the group's only terminate hook
      // besides ECS's managed-draining one; several → ConfigurationError (tag ecs-autoscaler:drain-hook).
      if (!group.settings.hookName) {
        const hooks = await deps.autoscaling.listTerminateHooks(group.settings.asgName);
        const own = selectTerminateHook(group.settings.asgName, hooks, undefined);
        if (own && own.name !== d.LifecycleHookName) {
          return ignore(`hook is not the drainer's own (${own.name}); its owner completes it`, facts);
        }
      }
      // Destination WarmPool: the instance is stopped into the warm pool, so it is drained all the same.
      // Issue 13: on its way into the pool the instance is listed by DescribeWarmPool only; the event says
      // where it is (AWS: the terminate hook of ReuseOnScaleIn runs at Warmed:Pending:Wait).
      const state =
        group.instances.find((i) => i.instanceId === d.EC2InstanceId)?.lifecycleState ??
        (d.Destination === 'WarmPool' ? 'Warmed:Pending:Wait' : undefined);
      const result = await drainInstance(
        deps,
        {
          trigger: DrainTriggers.lifecycleAction,
          instanceId: d.EC2InstanceId,
          settings: group.settings,
          capacityRebalance: group.capacityRebalance,
          hookName: d.LifecycleHookName,
          ...(state ? { lifecycleState: state } : {}),
        },
        now,
      );
      return { results: [result], errors: [] };
    }
    case 'spot-interruption':
    case 'rebalance-recommendation': {
      const instanceId = event.detail['instance-id'];
      const instance = await deps.autoscaling.describeInstance(instanceId);
      if (!instance) return ignore('instance is not in an Auto Scaling group', { instanceId });
      const group = await managedGroup(deps, instance.asgName, defaults);
      if (typeof group === 'string') return ignore(group, { instanceId, asg: instance.asgName });
      const trigger =
        event.kind === 'spot-interruption'
          ? DrainTriggers.spotInterruption
          : DrainTriggers.rebalanceRecommendation;
      const result = await drainInstance(
        deps,
        {
          trigger,
          instanceId,
          settings: group.settings,
          capacityRebalance: group.capacityRebalance,
          lifecycleState: instance.lifecycleState,
        },
        now,
      );
      return { results: [result], errors: [] };
    }
    case 'task-state-change':
    case 'container-instance-state-change': {
      const d = event.detail;
      const cluster = clusterNameOf(d.clusterArn);
      const ciArn = d.containerInstanceArn;
      if (!ciArn) return ignore('task has no container instance (Fargate)', { cluster });
      if (event.kind === 'task-state-change' && event.detail.lastStatus !== 'STOPPED') {
        return ignore('task is not STOPPED', { cluster });
      }
      if (
        event.kind === 'container-instance-state-change' &&
        ['ACTIVE', 'REGISTERING'].includes(event.detail.status)
      ) {
        return ignore('container instance is not draining', { cluster, status: event.detail.status });
      }
      // Issue 19: a container-instance event names its EC2 instance, so Auto Scaling is asked first
      // whether a lifecycle hook holds it. Most DRAINING events are the cluster scaler's own scale-ins or
      // an operator's drain, which no hook holds yet: they are ignored without an ECS read (ECS's
      // cluster-resource read bucket is shared account-wide with every cluster decision).
      const named = event.kind === 'container-instance-state-change' ? event.detail.ec2InstanceId : undefined;
      const early = named ? await deps.autoscaling.describeInstance(named) : undefined;
      if (named && (!early || !WAITING_STATES.includes(early.lifecycleState))) {
        return ignore('no lifecycle hook holds the instance', {
          cluster,
          instanceId: named,
          lifecycleState: early?.lifecycleState,
        });
      }
      // Re-read the container instance: events arrive late and out of order.
      const ci = await deps.ecs.describeContainerInstance(cluster, ciArn);
      const deregistered = !ci || !['ACTIVE', 'DRAINING', 'REGISTERING'].includes(ci.status);
      if (ci && ci.status !== 'DRAINING' && !deregistered) {
        return ignore('container instance is not draining', { cluster, status: ci.status });
      }
      const instanceId =
        ci?.ec2InstanceId ??
        (event.kind === 'container-instance-state-change' ? event.detail.ec2InstanceId : undefined);
      if (!instanceId) {
        return ignore(
          ci
            ? 'container instance has no EC2 instance'
            : 'ECS answered MISSING for the container instance and the event names no EC2 instance; ' +
                'the sweeper checks every held instance within a minute',
          { cluster, containerInstanceArn: ciArn },
        );
      }
      const instance =
        early && instanceId === named ? early : await deps.autoscaling.describeInstance(instanceId);
      if (!instance || !WAITING_STATES.includes(instance.lifecycleState)) {
        return ignore('no lifecycle hook holds the instance', {
          cluster,
          instanceId,
          lifecycleState: instance?.lifecycleState,
        });
      }
      const group = await managedGroup(deps, instance.asgName, defaults);
      if (typeof group === 'string') return ignore(group, { cluster, instanceId });
      if (group.settings.cluster !== cluster) {
        logger.warn('instance is in a different cluster than its group is tagged for', {
          cluster,
          taggedCluster: group.settings.cluster,
          asg: group.settings.asgName,
          instanceId,
        });
        return ignore('cluster does not match the group tag', { cluster, instanceId });
      }
      const result = await drainInstance(
        deps,
        {
          trigger:
            event.kind === 'task-state-change'
              ? DrainTriggers.taskStopped
              : DrainTriggers.containerInstanceChanged,
          instanceId,
          settings: group.settings,
          capacityRebalance: group.capacityRebalance,
          lifecycleState: instance.lifecycleState,
          // A deregistered (INACTIVE) instance is passed as such so the decision completes at once. On
          // MISSING, drainInstance looks the instance up again by EC2 instance ID (ListContainerInstances):
          // one Describe answer alone never makes a held instance "unregistered".
          ...(ci ? { containerInstance: ci } : {}),
        },
        now,
      );
      return { results: [result], errors: [] };
    }
  }
};
