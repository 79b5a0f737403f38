/**
 * Conflicts: other controllers that drive a managed Auto Scaling group. The scaler must never fight them
 * (issue 14 "coexist or stand aside"):
 *
 * | what (where it is read)                                          | effect                        |
 * |------------------------------------------------------------------|-------------------------------|
 * | capacity provider of the cluster with managed scaling ENABLED on the group (DescribeCapacityProviders) | stand aside |
 * | capacity provider with managed termination protection ENABLED   | stand aside                   |
 * | tag `AmazonECSManaged` on the group, no provider proving both off | stand aside                 |
 * | an enabled scaling policy of the group (DescribePolicies; predictive `ForecastOnly` excepted) | stand aside |
 * | a scheduled action that sets DesiredCapacity (DescribeScheduledActions) | stand aside            |
 * | a scheduled action that sets only MinSize / MaxSize              | coexist: the scaler keeps to the bounds |
 * | a terminate lifecycle hook that is not the drainer's own (DescribeLifecycleHooks) | coexist: the drainer completes only its own hook |
 *
 * "Stand aside" means the plan for the group is an explicit hold and nothing is written to it (no desired
 * capacity, protection, termination, tag or drain). ECS facts: shared/reference/ecs-facts.md §5 (managed
 * scaling owns a target-tracking policy `ECSManagedAutoScalingPolicy-*` and says "don't change desired
 * capacity yourself"; managed termination protection turns instance protection on and off itself; managed
 * draining adds hook `ecs-managed-draining-termination-hook`). Pure: everything comes from the snapshot.
 */
import { serviceCapacityProviders } from '../placement/requirements.js';
import type { AutoScalingGroup, ClusterSnapshot, GroupControllers } from '../snapshot/snapshot.js';
import { tagValue } from './config.js';

/** The tag ECS writes on a group it binds to a capacity provider (ecs-facts §5). */
export const ECS_MANAGED_TAG = 'AmazonECSManaged';
/** The terminate hook ECS managed draining adds (ecs-facts §5). */
export const ECS_MANAGED_DRAINING_HOOK = 'ecs-managed-draining-termination-hook';
/** The tag naming the drainer's own terminate hook when a group has several (drain/config.ts). */
const DRAIN_HOOK_TAG = 'ecs-autoscaler:drain-hook';
const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

/** Kinds of conflict. */
export const ConflictKinds = {
  capacityProviderScaling: 'capacity-provider-managed-scaling',
  managedTerminationProtection: 'managed-termination-protection',
  ecsManagedTag: 'ecs-managed-tag',
  scalingPolicy: 'scaling-policy',
  scheduledDesired: 'scheduled-action-desired-capacity',
  scheduledBounds: 'scheduled-action-bounds',
  otherTerminateHook: 'other-terminate-hook',
} as const;
export type ConflictKind = (typeof ConflictKinds)[keyof typeof ConflictKinds];

/** One conflict on one group. */
export interface Conflict {
  kind: ConflictKind;
  /** The Auto Scaling group name. */
  group: string;
  /** What was found, naming the resource, and what to do about it. */
  detail: string;
  /** True: another controller drives the group; the scaler writes nothing to it. False: coexist. */
  standAside: boolean;
}

const groupArnMatches = (providerAsg: string, group: AutoScalingGroup): boolean =>
  providerAsg === group.AutoScalingGroupARN ||
  providerAsg === group.AutoScalingGroupName ||
  providerAsg.endsWith(`:autoScalingGroupName/${group.AutoScalingGroupName}`);

/** The capacity provider of the cluster whose Auto Scaling group is `group` (undefined: none read). */
export const capacityProviderOfGroup = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
): string | undefined =>
  (snapshot.capacityProviders ?? []).find(
    (p) =>
      p.autoScalingGroupProvider && groupArnMatches(p.autoScalingGroupProvider.autoScalingGroupArn, group),
  )?.name;

/**
 * The capacity providers each service's tasks may run on, by service name (placement/requirements.ts
 * `serviceCapacityProviders`; undefined: the EC2 launch type, any instance).
 */
export const providersOfServices = (
  snapshot: ClusterSnapshot,
): ((service: string) => readonly string[] | undefined) => {
  const by = new Map<string, readonly string[]>();
  for (const s of snapshot.services) {
    const p = serviceCapacityProviders(s, snapshot.cluster.defaultCapacityProviderStrategy);
    if (p) by.set(s.serviceName, p);
  }
  return (service) => by.get(service);
};

/** The group's controllers as read (undefined: not read, e.g. an older snapshot). */
export const controllersOf = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
): GroupControllers | undefined =>
  snapshot.groupControllers?.find((c) => c.AutoScalingGroupName === group.AutoScalingGroupName);

/**
 * The drainer's own terminate hook among `hooks`: the one the `ecs-autoscaler:drain-hook` tag names, else
 * the only terminate hook that is not ECS's managed-draining hook. Undefined when none or ambiguous.
 */
export const ownTerminateHook = (
  group: AutoScalingGroup,
  hookNames: readonly string[],
): string | undefined => {
  const tagged = tagValue(group.Tags, DRAIN_HOOK_TAG)?.trim();
  if (tagged) return hookNames.includes(tagged) ? tagged : undefined;
  const candidates = hookNames.filter((h) => h !== ECS_MANAGED_DRAINING_HOOK);
  return candidates.length === 1 ? candidates[0] : undefined;
};

/** Every conflict on `group`, stand-aside ones first. */
export const detectConflicts = (snapshot: ClusterSnapshot, group: AutoScalingGroup): Conflict[] => {
  const name = group.AutoScalingGroupName;
  const out: Conflict[] = [];
  const add = (kind: ConflictKind, standAside: boolean, detail: string) =>
    out.push({ kind, group: name, detail, standAside });

  const providers = (snapshot.capacityProviders ?? []).filter(
    (p) =>
      p.autoScalingGroupProvider && groupArnMatches(p.autoScalingGroupProvider.autoScalingGroupArn, group),
  );
  for (const p of providers) {
    const asg = p.autoScalingGroupProvider!;
    if (asg.managedScaling?.status === 'ENABLED') {
      add(
        ConflictKinds.capacityProviderScaling,
        true,
        `capacity provider ${p.name} has managed scaling ENABLED on group ${name}: ECS sets its desired capacity. Remove the ecs-autoscaler:cluster tag, or migrate (docs/coexistence.md "Migrating from capacity providers")`,
      );
    }
    if (asg.managedTerminationProtection === 'ENABLED') {
      add(
        ConflictKinds.managedTerminationProtection,
        true,
        `capacity provider ${p.name} has managed termination protection ENABLED: ECS turns instance scale-in protection on and off on group ${name}`,
      );
    }
  }
  // The tag alone does not prove managed scaling is on (ecs-facts §5): a provider of this cluster that
  // names the group decides; without one (not read, or a provider of another cluster) stand aside.
  if (group.Tags.some((t) => t.Key === ECS_MANAGED_TAG) && providers.length === 0) {
    add(
      ConflictKinds.ecsManagedTag,
      true,
      `group ${name} carries tag ${ECS_MANAGED_TAG} (ECS binds it to a capacity provider) and no capacity provider of cluster ${snapshot.cluster.clusterName} shows managed scaling and managed termination protection off: standing aside`,
    );
  }

  const controllers = controllersOf(snapshot, group);
  for (const p of controllers?.ScalingPolicies ?? []) {
    if (p.Enabled === false) continue;
    if (p.PolicyType === 'PredictiveScaling' && p.PredictiveScalingConfiguration?.Mode === 'ForecastOnly') {
      continue;
    }
    add(
      ConflictKinds.scalingPolicy,
      true,
      `group ${name} has scaling policy ${p.PolicyName} (${p.PolicyType ?? 'SimpleScaling'}): it sets desired capacity. Delete or disable it (aws autoscaling delete-policy) to let the scaler manage the group`,
    );
  }
  for (const a of controllers?.ScheduledActions ?? []) {
    if (a.DesiredCapacity !== undefined) {
      add(
        ConflictKinds.scheduledDesired,
        true,
        `group ${name} has scheduled action ${a.ScheduledActionName} that sets DesiredCapacity ${a.DesiredCapacity}: set only MinSize/MaxSize in it (the scaler keeps to them) or delete it`,
      );
    } else {
      add(
        ConflictKinds.scheduledBounds,
        false,
        `group ${name} has scheduled action ${a.ScheduledActionName} that sets only MinSize/MaxSize: the scaler keeps to them`,
      );
    }
  }
  const hooks = (controllers?.LifecycleHooks ?? [])
    .filter((h) => (h.LifecycleTransition ?? TERMINATING) === TERMINATING)
    .map((h) => h.LifecycleHookName);
  const own = ownTerminateHook(group, hooks);
  for (const h of hooks) {
    if (h === own) continue;
    add(
      ConflictKinds.otherTerminateHook,
      false,
      own
        ? `group ${name} has terminate hook ${h} besides the drainer's ${own}: left to its owner`
        : `group ${name} has terminate hook ${h} and the drainer's own hook is not known: tag the group ${DRAIN_HOOK_TAG}=<hook name>; meanwhile the drainer completes none`,
    );
  }
  return out.sort((a, b) => Number(b.standAside) - Number(a.standAside));
};

/** The conflicts that make the scaler stand aside. */
export const standAsideConflicts = (conflicts: readonly Conflict[]): Conflict[] =>
  conflicts.filter((c) => c.standAside);
