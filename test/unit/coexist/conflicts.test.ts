/**
 * Coexist or stand aside (issue 14, item 2): which other controllers make the scaler write nothing to a
 * group, which ones it coexists with, and that a stand-aside plan applies no write at all.
 */
import { describe, expect, it } from 'vitest';
import { applyClusterPlan } from '../../../shared/aws/cluster-actuator.js';
import type { ClusterWriter } from '../../../shared/aws/cluster-writer.js';
import {
  detectConflicts,
  ECS_MANAGED_DRAINING_HOOK,
  ownTerminateHook,
} from '../../../shared/core/cluster/index.js';
import { selectTerminateHook } from '../../../shared/core/drain/index.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/index.js';
import { planOf, snapshotOf } from '../planner/builders.js';

const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
/** Four instances, two of them empty: a plain scale-in candidate cluster. */
const base = (tags: Record<string, string> = {}): ClusterSnapshot =>
  snapshotOf({
    instances: [1, 2, 3, 4].map((n) => ({
      id: id(n),
      usedCpu: n <= 2 ? 512 : 0,
      usedMem: n <= 2 ? 1024 : 0,
      running: n <= 2 ? 1 : 0,
      protected: false,
    })),
    services: [{ name: 'web', cpu: 512, mem: 1024, desired: 2 }],
    tasks: [],
    group: { tags },
  });
const provider = (managedScaling: string, mtp: string, asg = 'asg-c1') => ({
  name: 'cp1',
  status: 'ACTIVE',
  autoScalingGroupProvider: {
    autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/${asg}`,
    managedScaling: { status: managedScaling },
    managedTerminationProtection: mtp,
  },
});
const controllers = (over: Record<string, unknown>) => ({
  AutoScalingGroupName: 'asg-c1',
  ScalingPolicies: [],
  ScheduledActions: [],
  LifecycleHooks: [
    { LifecycleHookName: 'ecs-drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING' },
  ],
  ...over,
});

type Arrange = (s: ClusterSnapshot) => void;
const table: { name: string; arrange: Arrange; kinds: string[]; standAside: boolean }[] = [
  { name: 'nothing else', arrange: () => {}, kinds: [], standAside: false },
  {
    name: 'capacity provider with managed scaling and termination protection',
    arrange: (s) => {
      s.capacityProviders = [provider('ENABLED', 'ENABLED')];
    },
    kinds: ['capacity-provider-managed-scaling', 'managed-termination-protection'],
    standAside: true,
  },
  {
    name: 'capacity provider of another group',
    arrange: (s) => {
      s.capacityProviders = [provider('ENABLED', 'ENABLED', 'other-asg')];
    },
    kinds: [],
    standAside: false,
  },
  {
    name: 'AmazonECSManaged tag, no provider read',
    arrange: (s) => {
      s.autoScalingGroups[0]!.Tags.push({ Key: 'AmazonECSManaged', Value: '' });
    },
    kinds: ['ecs-managed-tag'],
    standAside: true,
  },
  {
    name: 'AmazonECSManaged tag, provider with both off',
    arrange: (s) => {
      s.autoScalingGroups[0]!.Tags.push({ Key: 'AmazonECSManaged', Value: '' });
      s.capacityProviders = [provider('DISABLED', 'DISABLED')];
    },
    kinds: [],
    standAside: false,
  },
  {
    name: 'target-tracking policy',
    arrange: (s) => {
      s.groupControllers = [
        controllers({ ScalingPolicies: [{ PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling' }] }),
      ];
    },
    kinds: ['scaling-policy'],
    standAside: true,
  },
  {
    name: 'disabled policy and forecast-only predictive policy',
    arrange: (s) => {
      s.groupControllers = [
        controllers({
          ScalingPolicies: [
            { PolicyName: 'off', PolicyType: 'StepScaling', Enabled: false },
            {
              PolicyName: 'fc',
              PolicyType: 'PredictiveScaling',
              PredictiveScalingConfiguration: { Mode: 'ForecastOnly' },
            },
          ],
        }),
      ];
    },
    kinds: [],
    standAside: false,
  },
  {
    name: 'scheduled action with desired capacity',
    arrange: (s) => {
      s.groupControllers = [
        controllers({ ScheduledActions: [{ ScheduledActionName: 'am', DesiredCapacity: 5 }] }),
      ];
    },
    kinds: ['scheduled-action-desired-capacity'],
    standAside: true,
  },
  {
    name: 'scheduled action with bounds only',
    arrange: (s) => {
      s.groupControllers = [
        controllers({ ScheduledActions: [{ ScheduledActionName: 'wk', MinSize: 1, MaxSize: 8 }] }),
      ];
    },
    kinds: ['scheduled-action-bounds'],
    standAside: false,
  },
  {
    name: 'a second terminate hook',
    arrange: (s) => {
      s.groupControllers = [
        controllers({
          LifecycleHooks: [
            { LifecycleHookName: 'ecs-drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING' },
            {
              LifecycleHookName: ECS_MANAGED_DRAINING_HOOK,
              LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
            },
            { LifecycleHookName: 'warm', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' },
          ],
        }),
      ];
    },
    kinds: ['other-terminate-hook'],
    standAside: false,
  },
];

describe('detectConflicts', () => {
  it.each(table)('$name → $kinds', ({ arrange, kinds, standAside }) => {
    const s = base();
    arrange(s);
    const found = detectConflicts(s, s.autoScalingGroups[0]!);
    expect(found.map((c) => c.kind).sort()).toEqual([...kinds].sort());
    expect(found.some((c) => c.standAside)).toBe(standAside);
  });
});

describe('a stand-aside plan writes nothing', () => {
  const recorder = (): { calls: string[]; writer: ClusterWriter } => {
    const calls: string[] = [];
    const rec = (name: string) => async () => void calls.push(name);
    return {
      calls,
      writer: {
        setDesiredCapacity: rec('desired'),
        protectInstances: rec('protect'),
        setContainerInstancesState: async () => {
          calls.push('state');
          return [];
        },
        terminateInstance: rec('terminate'),
        tagGroup: rec('tags'),
        writeAttributes: rec('attributes'),
        markUnhealthy: rec('unhealthy'),
      },
    };
  };
  it.each(table.filter((t) => t.standAside))(
    '$name: hold, no write, the reason names it',
    async ({ arrange }) => {
      const s = base();
      arrange(s);
      // Control: without the conflict the same cluster would protect instances and scale in.
      const control = planOf(base());
      expect(control.protect.length + control.drain.length).toBeGreaterThan(0);
      const plan = planOf(s);
      expect(plan.action).toBe('hold');
      expect(plan.reasons[0]).toMatch(/standing aside: another controller drives group asg-c1/);
      const { calls, writer } = recorder();
      const outcome = await applyClusterPlan(plan, writer, { dryRun: false });
      expect(calls).toEqual([]);
      expect(outcome.writes).toEqual([]);
    },
  );
});

describe("the drainer's own terminate hook", () => {
  const hooks = (...names: string[]) => names.map((name) => ({ name }));
  it.each([
    { hooks: ['ecs-drain'], tag: undefined, own: 'ecs-drain' },
    { hooks: ['ecs-drain', ECS_MANAGED_DRAINING_HOOK], tag: undefined, own: 'ecs-drain' },
    { hooks: ['ecs-drain', 'log-flush'], tag: 'ecs-drain', own: 'ecs-drain' },
    { hooks: [ECS_MANAGED_DRAINING_HOOK], tag: undefined, own: undefined },
  ])('hooks $hooks, tag $tag → $own', ({ hooks: names, tag, own }) => {
    expect(selectTerminateHook('g', hooks(...names), tag)?.name).toBe(own);
  });
  it('several hooks and no tag: the drainer completes none and says which tag to set', () => {
    expect(() => selectTerminateHook('g', hooks('ecs-drain', 'log-flush'), undefined)).toThrow(
      /tag the group with ecs-autoscaler:drain-hook=<hook name>/,
    );
    const s = base();
    expect(ownTerminateHook(s.autoScalingGroups[0]!, ['ecs-drain', 'log-flush'])).toBeUndefined();
  });
});
