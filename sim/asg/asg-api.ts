/**
 * EC2 Auto Scaling API. Limits per the API reference: DescribeAutoScalingGroups MaxRecords ≤ 100
 * (default 50); DescribeAutoScalingInstances InstanceIds ≤ 50 and MaxRecords ≤ 50 (default 50);
 * SetInstanceProtection ≤ 50 instances. Errors are `ValidationError` with AWS's messages.
 */
import type {
  CompleteLifecycleActionCommandInput,
  CreateOrUpdateTagsCommandInput,
  DeleteTagsCommandInput,
  DescribeAutoScalingGroupsCommandInput,
  DescribeAutoScalingInstancesCommandInput,
  DescribeInstanceRefreshesCommandInput,
  DescribeLaunchConfigurationsCommandInput,
  DescribeLifecycleHooksCommandInput,
  EnterStandbyCommandInput,
  ExitStandbyCommandInput,
  RecordLifecycleActionHeartbeatCommandInput,
  ResumeProcessesCommandInput,
  SetDesiredCapacityCommandInput,
  SetInstanceProtectionCommandInput,
  StartInstanceRefreshCommandInput,
  SuspendProcessesCommandInput,
  TerminateInstanceInAutoScalingGroupCommandInput,
  UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { coexistAsgApi } from '../coexist.js';
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { checkBatch, paginate } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';
import { builtAnswer } from '../sdk/responses.js';
import { activityShape, groupShape, instanceDetailShape } from './asg-shapes.js';
import type { AsgWorld } from './asg-world.js';
import { refreshShape } from './instance-refresh.js';
import type { SimAsg, SimAsgInstance } from './model.js';

const invalid = (message: string) => awsError('autoscaling', 'ValidationError', message);

/** The processes SuspendProcesses takes (API reference; RemoveFromLoadBalancerLowPriority is deprecated). */
export const SCALING_PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
] as const;

const processNames = (names: string[] | undefined): readonly string[] => {
  if (!names?.length) return SCALING_PROCESSES;
  const bad = names.find((n) => !(SCALING_PROCESSES as readonly string[]).includes(n));
  if (bad !== undefined) throw invalid(`Invalid scaling process name: ${bad}`);
  return names;
};

/** What CompleteLifecycleAction and RecordLifecycleActionHeartbeat name a lifecycle action by. */
interface ActionInput {
  AutoScalingGroupName?: string;
  LifecycleHookName?: string;
  InstanceId?: string;
  LifecycleActionToken?: string;
}

/** The Auto Scaling command table. */
export const asgApi = (world: AsgWorld, ctx: SimContext): CommandTable => {
  const group = (name: string | undefined): SimAsg => {
    const g = world.groups.get(name ?? '');
    if (!g) throw invalid(`AutoScalingGroup name not found - AutoScalingGroup '${String(name)}' not found`);
    return g;
  };
  const activeAction = (i: ActionInput): SimAsgInstance => {
    const g = group(i.AutoScalingGroupName);
    if (!i.InstanceId && !i.LifecycleActionToken)
      throw invalid('Either InstanceId or LifecycleActionToken must be specified.');
    const inst = i.InstanceId
      ? g.instances.get(i.InstanceId)
      : [...g.instances.values()].find((x) => x.action?.token === i.LifecycleActionToken);
    const a = inst?.action;
    if (
      !inst ||
      !a ||
      a.hookName !== i.LifecycleHookName ||
      (i.LifecycleActionToken && a.token !== i.LifecycleActionToken)
    ) {
      throw invalid(
        i.InstanceId
          ? `No active Lifecycle Action found with instance ID ${i.InstanceId}`
          : `No active Lifecycle Action found with token ${String(i.LifecycleActionToken)}`,
      );
    }
    return inst;
  };

  /** The instance whose launch action (Pending:Wait) the call names, if any. */
  const launchAction = (i: ActionInput): SimAsgInstance | undefined =>
    world.launchActionOf(
      group(i.AutoScalingGroupName),
      i.LifecycleHookName,
      i.InstanceId,
      i.LifecycleActionToken,
    );

  return {
    ...coexistAsgApi(world, ctx),
    DescribeAutoScalingGroups: command<DescribeAutoScalingGroupsCommandInput>((i) => {
      let groups = [...world.groups.values()];
      if (i.AutoScalingGroupNames?.length)
        groups = groups.filter((g) => i.AutoScalingGroupNames!.includes(g.name));
      for (const f of i.Filters ?? []) {
        const values = f.Values ?? [];
        const name = f.Name ?? '';
        groups = groups.filter((g) => {
          if (name === 'tag-key') return values.some((v) => g.tags.has(v));
          if (name === 'tag-value') return [...g.tags.values()].some((t) => values.includes(t.value));
          if (name.startsWith('tag:')) {
            const t = g.tags.get(name.slice(4));
            return t !== undefined && values.includes(t.value);
          }
          throw invalid(`Filter name '${name}' is not supported; use tag-key, tag-value or tag:<key>.`);
        });
      }
      const page = paginate(
        'autoscaling',
        'DescribeAutoScalingGroups',
        groups,
        i.NextToken,
        i.MaxRecords,
        50,
        100,
      );
      // groupShape builds every member for this call (tests: test/unit/sim/fresh-answers.test.ts).
      const out: Record<string, unknown> = { AutoScalingGroups: page.items.map(groupShape) };
      if (page.nextToken !== undefined) out.NextToken = page.nextToken;
      return builtAnswer(out);
    }),

    DescribeAutoScalingInstances: command<DescribeAutoScalingInstancesCommandInput>((i) => {
      checkBatch('autoscaling', 'DescribeAutoScalingInstances', 'InstanceIds', i.InstanceIds, 50);
      const all = [...world.groups.values()].flatMap((g) => [...g.instances.values()]);
      const selected = i.InstanceIds?.length ? all.filter((x) => i.InstanceIds!.includes(x.id)) : all;
      const page = paginate(
        'autoscaling',
        'DescribeAutoScalingInstances',
        selected,
        i.NextToken,
        i.MaxRecords,
        50,
        50,
      );
      return { AutoScalingInstances: page.items.map(instanceDetailShape), NextToken: page.nextToken };
    }),

    SetDesiredCapacity: command<SetDesiredCapacityCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const d = i.DesiredCapacity ?? Number.NaN;
      if (d > g.max)
        throw invalid(
          `New SetDesiredCapacity value ${d} is above max value ${g.max} for the AutoScalingGroup.`,
        );
      if (d < g.min)
        throw invalid(
          `New SetDesiredCapacity value ${d} is below min value ${g.min} for the AutoScalingGroup.`,
        );
      if (!Number.isInteger(d)) throw invalid('DesiredCapacity must be an integer.');
      world.setDesired(g, d);
      return {};
    }),

    UpdateAutoScalingGroup: command<UpdateAutoScalingGroupCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const min = i.MinSize ?? g.min;
      const max = i.MaxSize ?? g.max;
      // A new min above desired (or max below it) moves desired with it (UpdateAutoScalingGroup reference).
      const desired = i.DesiredCapacity ?? Math.min(max, Math.max(min, g.desired));
      if (!(min <= desired && desired <= max)) {
        throw invalid(
          `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
        );
      }
      g.min = min;
      g.max = max;
      if (i.NewInstancesProtectedFromScaleIn !== undefined)
        g.newInstancesProtectedFromScaleIn = i.NewInstancesProtectedFromScaleIn;
      world.setDesired(g, desired);
      return {};
    }),

    SetInstanceProtection: command<SetInstanceProtectionCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      checkBatch('autoscaling', 'SetInstanceProtection', 'InstanceIds', i.InstanceIds, 50, 1);
      for (const id of i.InstanceIds ?? []) {
        if (!g.instances.has(id) || g.instances.get(id)!.lifecycleState.startsWith('Warmed'))
          throw invalid(`The instance ${id} is not part of Auto Scaling group ${g.name}.`);
      }
      for (const id of i.InstanceIds ?? [])
        g.instances.get(id)!.protectedFromScaleIn = i.ProtectedFromScaleIn ?? false;
      return {};
    }),

    TerminateInstanceInAutoScalingGroup: command<TerminateInstanceInAutoScalingGroupCommandInput>((i) => {
      const inst = world.instance(i.InstanceId ?? '');
      if (!inst)
        throw invalid(
          `Instance Id not found - No managed instance found for instance ID: ${String(i.InstanceId)}`,
        );
      const g = inst.group;
      const already = inst.lifecycleState.startsWith('Terminat') || inst.lifecycleState.startsWith('Warmed');
      if (i.ShouldDecrementDesiredCapacity && !already) {
        // With weights desired capacity drops by the instance's weight (units).
        if (g.desired - inst.weight < g.min) {
          throw invalid(
            `Currently, desiredSize equals minSize (${g.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
          );
        }
        g.desired -= inst.weight;
      }
      const cause = i.ShouldDecrementDesiredCapacity
        ? 'an instance was taken out of service in response to a user request, shrinking the capacity.'
        : 'an instance was taken out of service in response to a user request.';
      // A group that reuses instances on scale-in (warm pool ReuseOnScaleIn) parks a decrementing
      // termination in the pool (modelled as a scale-in; AWS's text names scale-in only).
      world.beginTerminate(
        inst,
        cause,
        g.warmPool?.reuseOnScaleIn === true && i.ShouldDecrementDesiredCapacity === true,
      );
      world.requestReconcile(g);
      return { Activity: activityShape(inst, ctx.rng.uuid(), ctx.clock.nowMs) };
    }),

    // SuspendProcesses / ResumeProcesses (API reference): the named processes, or every one when none is
    // named. A name outside the list is a ValidationError (the message is the simulator's wording).
    SuspendProcesses: command<SuspendProcessesCommandInput>((i) => {
      world.suspendProcesses(group(i.AutoScalingGroupName), processNames(i.ScalingProcesses), true);
      return {};
    }),
    ResumeProcesses: command<ResumeProcessesCommandInput>((i) => {
      world.suspendProcesses(group(i.AutoScalingGroupName), processNames(i.ScalingProcesses), false);
      return {};
    }),

    EnterStandby: command<EnterStandbyCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      checkBatch('autoscaling', 'EnterStandby', 'InstanceIds', i.InstanceIds, 20, 1);
      const insts = (i.InstanceIds ?? []).map((id) => {
        const inst = g.instances.get(id);
        if (inst?.lifecycleState !== 'InService') {
          throw invalid(`The instance ${id} is not in InService.`);
        }
        return inst;
      });
      const units = insts.reduce((u, x) => u + x.weight, 0);
      if (i.ShouldDecrementDesiredCapacity && g.desired - units < g.min) {
        throw invalid(
          `Cannot decrement the desired capacity below the min size ${g.min}; set ShouldDecrementDesiredCapacity to false.`,
        );
      }
      for (const inst of insts) world.enterStandby(inst, i.ShouldDecrementDesiredCapacity === true);
      return { Activities: insts.map((x) => activityShape(x, ctx.rng.uuid(), ctx.clock.nowMs)) };
    }),

    ExitStandby: command<ExitStandbyCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      checkBatch('autoscaling', 'ExitStandby', 'InstanceIds', i.InstanceIds, 20, 1);
      const insts = (i.InstanceIds ?? []).map((id) => {
        const inst = g.instances.get(id);
        if (inst?.lifecycleState !== 'Standby') throw invalid(`The instance ${id} is not in Standby.`);
        return inst;
      });
      if (g.desired + insts.reduce((u, x) => u + x.weight, 0) > g.max) {
        throw invalid(`Cannot exit standby: desired capacity would exceed the max size ${g.max}.`);
      }
      for (const inst of insts) world.exitStandby(inst);
      return { Activities: insts.map((x) => activityShape(x, ctx.rng.uuid(), ctx.clock.nowMs)) };
    }),

    StartInstanceRefresh: command<StartInstanceRefreshCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      if (g.refreshes.some((r) => r.status === 'Pending' || r.status === 'InProgress')) {
        throw awsError(
          'autoscaling',
          'InstanceRefreshInProgress',
          `An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.`,
        );
      }
      const p = i.Preferences ?? {};
      const r = world.startInstanceRefresh(g, {
        ...(p.MinHealthyPercentage !== undefined ? { minHealthyPercentage: p.MinHealthyPercentage } : {}),
        ...(p.InstanceWarmup !== undefined ? { instanceWarmupSeconds: p.InstanceWarmup } : {}),
        ...(p.ScaleInProtectedInstances
          ? { scaleInProtectedInstances: p.ScaleInProtectedInstances as 'Refresh' | 'Ignore' | 'Wait' }
          : {}),
      });
      return { InstanceRefreshId: r.id };
    }),

    DescribeInstanceRefreshes: command<DescribeInstanceRefreshesCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const all = g.refreshes.filter(
        (r) => !i.InstanceRefreshIds?.length || i.InstanceRefreshIds.includes(r.id),
      );
      const page = paginate(
        'autoscaling',
        'DescribeInstanceRefreshes',
        all,
        i.NextToken,
        i.MaxRecords,
        50,
        100,
      );
      return { InstanceRefreshes: page.items.map((r) => refreshShape(g, r)), NextToken: page.nextToken };
    }),

    // The simulator's groups use launch templates: no launch configuration exists (AWS answers an empty list).
    DescribeLaunchConfigurations: command<DescribeLaunchConfigurationsCommandInput>((i) => {
      checkBatch(
        'autoscaling',
        'DescribeLaunchConfigurations',
        'LaunchConfigurationNames',
        i.LaunchConfigurationNames,
        50,
      );
      return { LaunchConfigurations: [] };
    }),

    CompleteLifecycleAction: command<CompleteLifecycleActionCommandInput>((i) => {
      if (i.LifecycleActionResult !== 'CONTINUE' && i.LifecycleActionResult !== 'ABANDON') {
        throw invalid(
          `LifecycleActionResult must be CONTINUE or ABANDON; got ${String(i.LifecycleActionResult)}.`,
        );
      }
      const launching = launchAction(i);
      if (launching) {
        world.completeLaunch(launching, i.LifecycleActionResult);
        return {};
      }
      if (world.completeExtra(i.InstanceId, i.LifecycleHookName, i.LifecycleActionToken)) return {};
      world.complete(activeAction(i));
      return {};
    }),

    RecordLifecycleActionHeartbeat: command<RecordLifecycleActionHeartbeatCommandInput>((i) => {
      const launching = launchAction(i);
      if (launching) world.launchHeartbeat(launching);
      else world.heartbeat(activeAction(i));
      return {};
    }),

    DescribeLifecycleHooks: command<DescribeLifecycleHooksCommandInput>((i) => {
      const g = group(i.AutoScalingGroupName);
      const hooks = [...(g.launchHook ? [g.launchHook] : []), ...g.hooks].filter(
        (h) => !i.LifecycleHookNames?.length || i.LifecycleHookNames.includes(h.name),
      );
      return {
        LifecycleHooks: hooks.map((h) => ({
          LifecycleHookName: h.name,
          AutoScalingGroupName: g.name,
          LifecycleTransition:
            h === g.launchHook
              ? 'autoscaling:EC2_INSTANCE_LAUNCHING'
              : 'autoscaling:EC2_INSTANCE_TERMINATING',
          NotificationMetadata: h.notificationMetadata,
          HeartbeatTimeout: h.heartbeatTimeout ?? 3600,
          GlobalTimeout: Math.min(172800, 100 * (h.heartbeatTimeout ?? 3600)),
          DefaultResult: h.defaultResult ?? 'ABANDON',
        })),
      };
    }),

    CreateOrUpdateTags: command<CreateOrUpdateTagsCommandInput>((i) => {
      for (const t of i.Tags ?? []) {
        const g = group(t.ResourceId);
        if (!t.Key) throw invalid('Tag key must be specified.');
        // TagValue: at most 256 Unicode characters, keys 128 (EC2 Auto Scaling API reference, Tag).
        if ((t.Value ?? '').length > 256 || t.Key.length > 128) {
          throw invalid(
            `1 validation error detected: Value '${t.Value ?? ''}' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
          );
        }
        g.tags.set(t.Key, { value: t.Value ?? '', propagateAtLaunch: t.PropagateAtLaunch ?? false });
      }
      return {};
    }),

    DeleteTags: command<DeleteTagsCommandInput>((i) => {
      for (const t of i.Tags ?? []) group(t.ResourceId).tags.delete(t.Key ?? '');
      return {};
    }),
  };
};
