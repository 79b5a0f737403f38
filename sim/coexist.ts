/**
 * What else may drive a cluster's groups, modelled from AWS's documentation (issue 14), for the scaler's
 * coexistence rules to be checked against:
 *
 * - ECS capacity providers: `DescribeCapacityProviders` (≤ 100 names, pages of ≤ 10) and the cluster's
 *   provider names in `DescribeClusters`; attaching a provider tags the group `AmazonECSManaged` (ECS
 *   Developer Guide, "Auto Scaling group capacity providers"). Only their presence is modelled: the
 *   managed-scaling behaviour itself is the baseline model in sim/policies/capacity-provider.ts.
 * - ECS task scale-in protection: `UpdateTaskProtection` (≤ 10 tasks, 1–2880 min, default 120) and
 *   `GetTaskProtection` (≤ 100); service tasks only, a standalone task is a `TASK_NOT_VALID` failure
 *   (ECS API reference; ecs-facts §6).
 * - ECS `DeleteAttributes` (≤ 10, container-instance targets).
 * - EC2 Auto Scaling scaling policies (`PutScalingPolicy`, `DescribePolicies`) and scheduled actions
 *   (`PutScheduledUpdateGroupAction`, `DescribeScheduledActions`): stored, not executed (as the
 *   Application Auto Scaling policies of this simulator).
 * - Several terminate lifecycle hooks (`PutLifecycleHook`): each runs its own lifecycle action; the
 *   instance proceeds once every one is completed or timed out (EC2 Auto Scaling user guide, "Amazon EC2
 *   Auto Scaling lifecycle hooks"). A hook with `completeAfterSeconds` stands for another controller (a
 *   log-flush script) that completes its own action that long after it starts.
 * - A launch lifecycle hook (`autoscaling:EC2_INSTANCE_LAUNCHING`, one per group): new instances wait in
 *   Pending:Wait until it is completed or times out (sim/asg/asg-world.ts `launchWait`).
 * - `SetInstanceHealth` Unhealthy: the group replaces the instance (terminate, then launch).
 * - A disconnected ECS agent: `sim.disconnectAgent(ec2Id)` — no placements, its tasks keep running.
 */
import type {
  DescribePoliciesCommandInput,
  DescribeScheduledActionsCommandInput,
  PutLifecycleHookCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledUpdateGroupActionCommandInput,
  SetInstanceHealthCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type {
  DeleteAttributesCommandInput,
  DescribeCapacityProvidersCommandInput,
  GetTaskProtectionCommandInput,
  UpdateTaskProtectionCommandInput,
} from '@aws-sdk/client-ecs';
import type { AsgWorld } from './asg/asg-world.js';
import type { LifecycleHookSpec, SimAsg } from './asg/model.js';
import { awsError } from './core/aws-error.js';
import type { SimContext } from './core/context.js';
import { checkBatch, paginate } from './core/paginate.js';
import { type CommandTable, command } from './core/registry.js';
import { addClusterCapacityProvider } from './ecs/capacity-providers.js';
import type { EcsWorld } from './ecs/ecs-world.js';
import { requireCluster } from './ecs/lookup.js';
import type { SimCluster, SimTask } from './ecs/model.js';
import { setTaskProtection, taskProtection } from './ecs/task-protection.js';

/** A capacity provider as the setup API takes it. */
export interface CapacityProviderSpec {
  name: string;
  cluster: string;
  autoScalingGroup: string;
  managedScaling?: boolean;
  managedTerminationProtection?: boolean;
  managedDraining?: boolean;
}

/** Capacity providers by name, per simulated account. Other state hangs off the simulated objects. */
const providersOf = new WeakMap<EcsWorld, Map<string, CapacityProviderSpec>>();
const policies = new WeakMap<SimAsg, Record<string, unknown>[]>();
const scheduled = new WeakMap<SimAsg, Record<string, unknown>[]>();

const providers = (ecs: EcsWorld): Map<string, CapacityProviderSpec> => {
  let m = providersOf.get(ecs);
  if (!m) {
    m = new Map();
    providersOf.set(ecs, m);
  }
  return m;
};

export { clusterCapacityProviders, setDefaultCapacityProviderStrategy } from './ecs/capacity-providers.js';

/** The capacity providers of the simulated account, as created. */
export const capacityProviderSpecs = (ecs: EcsWorld): CapacityProviderSpec[] => [...providers(ecs).values()];

/**
 * Creates a capacity provider for `spec.autoScalingGroup` and associates it with the cluster; the group
 * gets the tag `AmazonECSManaged` as ECS writes it (setup API, `sim.createCapacityProvider`).
 */
export const createCapacityProvider = (ecs: EcsWorld, asg: AsgWorld, spec: CapacityProviderSpec): void => {
  const c = ecs.cluster(spec.cluster);
  const g = asg.groups.get(spec.autoScalingGroup);
  if (!c || !g) throw new Error(`sim: createCapacityProvider '${spec.name}': unknown cluster or group.`);
  providers(ecs).set(spec.name, spec);
  addClusterCapacityProvider(c, spec.name, g.name);
  // Instances that register from now on carry the provider's name (asg-world's registration asks
  // capacityProviderOfGroup). Those already registered: AWS says they "might not be properly registered
  // with the capacity provider" and recommends an empty group; the simulator associates them.
  for (const i of g.instances.values()) {
    if (i.containerInstance && i.containerInstance.cluster === c)
      i.containerInstance.capacityProviderName = spec.name;
  }
  g.tags.set('AmazonECSManaged', { value: '', propagateAtLaunch: true });
};

const invalidEcs = (m: string) => awsError('ecs', 'InvalidParameterException', m);
const invalidAsg = (m: string) => awsError('autoscaling', 'ValidationError', m);

/**
 * The cluster's task with this ARN or id, as a scan for the first with `arn === ref || id === ref`
 * would find it: tasks are keyed by ARN, and an id (hex) never starts with `arn:`, so an ARN is
 * answered by the map alone and only an id needs the scan.
 */
const taskByRef = (c: SimCluster, ref: string): SimTask | undefined =>
  c.tasks.get(ref) ??
  (ref.startsWith('arn:') ? undefined : [...c.tasks.values()].find((x) => x.arn === ref || x.id === ref));

/** The ECS commands of this module. */
export const coexistEcsApi = (world: EcsWorld): CommandTable => {
  const clock = () => world.ctx.clock.nowMs;
  return {
    DescribeCapacityProviders: command<DescribeCapacityProvidersCommandInput>((i) => {
      checkBatch('ecs', 'DescribeCapacityProviders', 'capacityProviders', i.capacityProviders, 100);
      const names = i.capacityProviders?.length ? i.capacityProviders : [...providers(world).keys()];
      const found = names.flatMap((n) => {
        const p = providers(world).get(n.split('/').pop() ?? n);
        return p ? [p] : [];
      });
      const page = paginate('ecs', 'DescribeCapacityProviders', found, i.nextToken, i.maxResults, 10, 10);
      return {
        capacityProviders: page.items.map((p) => ({
          capacityProviderArn: world.arn(`capacity-provider/${p.name}`),
          name: p.name,
          status: 'ACTIVE',
          autoScalingGroupProvider: {
            autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${p.autoScalingGroup}`,
            managedScaling: {
              status: p.managedScaling ? 'ENABLED' : 'DISABLED',
              targetCapacity: 100,
              minimumScalingStepSize: 1,
              maximumScalingStepSize: 10000,
              instanceWarmupPeriod: 300,
            },
            managedTerminationProtection: p.managedTerminationProtection ? 'ENABLED' : 'DISABLED',
            managedDraining: p.managedDraining ? 'ENABLED' : 'DISABLED',
          },
        })),
        failures: names
          .filter((n) => !providers(world).has(n.split('/').pop() ?? n))
          .map((n) => ({ arn: n, reason: 'MISSING' })),
        nextToken: page.nextToken,
      };
    }),

    UpdateTaskProtection: command<UpdateTaskProtectionCommandInput>((i) => {
      const c = requireCluster(world, i.cluster);
      checkBatch('ecs', 'UpdateTaskProtection', 'tasks', i.tasks, 10, 1);
      const minutes = i.expiresInMinutes ?? 120;
      if (minutes < 1 || minutes > 2880) throw invalidEcs('expiresInMinutes must be between 1 and 2880.');
      const protectedTasks: unknown[] = [];
      const failures: unknown[] = [];
      for (const ref of i.tasks ?? []) {
        const t = taskByRef(c, ref);
        if (!t) failures.push({ arn: ref, reason: 'TASK_NOT_FOUND' });
        else if (!t.service) failures.push({ arn: t.arn, reason: 'TASK_NOT_VALID' });
        else {
          const expiresAt = clock() + minutes * 60_000;
          setTaskProtection(t, i.protectionEnabled === true, expiresAt);
          // The service scheduler looks again when the protection ends (a surplus it kept may stop then).
          if (i.protectionEnabled) {
            world.ctx.clock.after(minutes * 60, 'ecs:protection-expired', () =>
              world.requestReconcile(t.cluster),
            );
          }
          protectedTasks.push({
            taskArn: t.arn,
            protectionEnabled: i.protectionEnabled === true,
            ...(i.protectionEnabled ? { expirationDate: new Date(expiresAt) } : {}),
          });
        }
      }
      return { protectedTasks, failures };
    }),

    GetTaskProtection: command<GetTaskProtectionCommandInput>((i) => {
      const c = requireCluster(world, i.cluster);
      checkBatch('ecs', 'GetTaskProtection', 'tasks', i.tasks, 100);
      const protectedTasks: unknown[] = [];
      const failures: unknown[] = [];
      for (const ref of i.tasks ?? []) {
        const t = taskByRef(c, ref);
        if (!t) failures.push({ arn: ref, reason: 'TASK_NOT_FOUND' });
        else if (!t.service) failures.push({ arn: t.arn, reason: 'TASK_NOT_VALID' });
        else {
          const p = taskProtection(t);
          const enabled = p?.enabled && p.expiresAt > clock();
          protectedTasks.push({
            taskArn: t.arn,
            protectionEnabled: enabled,
            ...(enabled ? { expirationDate: new Date(p.expiresAt) } : {}),
          });
        }
      }
      return { protectedTasks, failures };
    }),

    DeleteAttributes: command<DeleteAttributesCommandInput>((i) => {
      const c = requireCluster(world, i.cluster);
      checkBatch('ecs', 'DeleteAttributes', 'attributes', i.attributes, 10, 1);
      for (const a of i.attributes ?? []) {
        const ci = a.targetId ? world.containerInstance(c, a.targetId) : undefined;
        if (!ci) throw awsError('ecs', 'TargetNotFoundException', `Could not find ${String(a.targetId)}.`);
        ci.attributes = ci.attributes.filter((x) => x.name !== a.name);
      }
      return { attributes: i.attributes };
    }),
  };
};

/** The Auto Scaling commands of this module. */
export const coexistAsgApi = (world: AsgWorld, ctx: SimContext): CommandTable => {
  const group = (name: string | undefined): SimAsg => {
    const g = world.groups.get(name ?? '');
    if (!g)
      throw invalidAsg(`AutoScalingGroup name not found - AutoScalingGroup '${String(name)}' not found`);
    return g;
  };
  return {
    PutScalingPolicy: command<PutScalingPolicyCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const list = (policies.get(g) ?? []).filter((p) => p.PolicyName !== i.PolicyName);
      list.push({
        PolicyName: i.PolicyName,
        PolicyType: i.PolicyType ?? 'SimpleScaling',
        Enabled: i.Enabled ?? true,
        AutoScalingGroupName: g.name,
        ...(i.PredictiveScalingConfiguration
          ? { PredictiveScalingConfiguration: i.PredictiveScalingConfiguration }
          : {}),
      });
      policies.set(g, list);
      return { PolicyARN: `arn:aws:autoscaling:policy/${g.name}/${i.PolicyName}` };
    }),
    DescribePolicies: command<DescribePoliciesCommandInput>((i) => {
      const items = i.AutoScalingGroupName
        ? (policies.get(group(i.AutoScalingGroupName)) ?? [])
        : [...world.groups.values()].flatMap((g) => policies.get(g) ?? []);
      const page = paginate('autoscaling', 'DescribePolicies', items, i.NextToken, i.MaxRecords, 50, 100);
      return { ScalingPolicies: page.items, NextToken: page.nextToken };
    }),
    PutScheduledUpdateGroupAction: command<PutScheduledUpdateGroupActionCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const list = (scheduled.get(g) ?? []).filter((a) => a.ScheduledActionName !== i.ScheduledActionName);
      list.push({
        ScheduledActionName: i.ScheduledActionName,
        AutoScalingGroupName: g.name,
        ...(i.DesiredCapacity !== undefined ? { DesiredCapacity: i.DesiredCapacity } : {}),
        ...(i.MinSize !== undefined ? { MinSize: i.MinSize } : {}),
        ...(i.MaxSize !== undefined ? { MaxSize: i.MaxSize } : {}),
        ...(i.Recurrence ? { Recurrence: i.Recurrence } : {}),
      });
      scheduled.set(g, list);
      return {};
    }),
    DescribeScheduledActions: command<DescribeScheduledActionsCommandInput>((i) => {
      const items = scheduled.get(group(i.AutoScalingGroupName)) ?? [];
      const page = paginate(
        'autoscaling',
        'DescribeScheduledActions',
        items,
        i.NextToken,
        i.MaxRecords,
        50,
        100,
      );
      return { ScheduledUpdateGroupActions: page.items, NextToken: page.nextToken };
    }),
    PutLifecycleHook: command<PutLifecycleHookCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const spec: LifecycleHookSpec = {
        name: i.LifecycleHookName ?? '',
        heartbeatTimeout: i.HeartbeatTimeout ?? 3600,
        defaultResult: (i.DefaultResult as 'CONTINUE' | 'ABANDON' | undefined) ?? 'ABANDON',
      };
      if (!(spec.heartbeatTimeout! >= 30 && spec.heartbeatTimeout! <= 7200)) {
        throw invalidAsg('HeartbeatTimeout must be between 30 and 7200 seconds.');
      }
      if (i.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING') {
        // One launch hook is modelled; nobody completes its actions (their timeout's DefaultResult applies).
        if (g.launchHook && g.launchHook.name !== spec.name) {
          throw invalidAsg('The simulator models one launch lifecycle hook per group.');
        }
        if (g.warmPool) throw invalidAsg('The simulator does not model a launch hook with a warm pool.');
        g.launchHook = spec;
        return {};
      }
      if (i.LifecycleTransition !== 'autoscaling:EC2_INSTANCE_TERMINATING') {
        throw invalidAsg(`Invalid LifecycleTransition: ${String(i.LifecycleTransition)}.`);
      }
      g.hooks = [...g.hooks.filter((h) => h.name !== spec.name), spec];
      return {};
    }),
    SetInstanceHealth: command<SetInstanceHealthCommandInput>((i) => {
      const inst = world.instance(i.InstanceId ?? '');
      if (!inst)
        throw invalidAsg(
          `Instance Id not found - No managed instance found for instance ID: ${String(i.InstanceId)}`,
        );
      if (i.HealthStatus !== 'Healthy' && i.HealthStatus !== 'Unhealthy') {
        throw invalidAsg('HealthStatus must be Healthy or Unhealthy.');
      }
      inst.health = i.HealthStatus;
      if (i.HealthStatus === 'Unhealthy') {
        // The group replaces an unhealthy instance: terminate it (hooks run) and launch to desired.
        ctx.clock.after(10, 'asg:health-replace', () => {
          world.beginTerminate(
            inst,
            'an instance was taken out of service in response to a user health-check.',
          );
          world.requestReconcile(inst.group);
        });
      }
      return {};
    }),
  };
};

/** A hook beyond the first: its own action, event and timeout; `completeAfterSeconds` completes it. */
export interface ExtraHookSpec extends LifecycleHookSpec {
  completeAfterSeconds?: number;
}
