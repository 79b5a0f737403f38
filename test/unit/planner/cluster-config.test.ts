import { describe, expect, it } from 'vitest';
import { readScalingState, resolveClusterPolicy } from '../../../shared/core/cluster/config.js';
import { instanceTypeCapacity, tableCapacity } from '../../../shared/core/cluster/instance-types.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { ConfigurationError } from '../../../shared/core/errors.js';
import type { AutoScalingGroup } from '../../../shared/core/snapshot/snapshot.js';

const group = (tags: Record<string, string>): AutoScalingGroup => ({
  AutoScalingGroupName: 'asg-c1',
  MinSize: 0,
  MaxSize: 10,
  DesiredCapacity: 1,
  Instances: [],
  Tags: Object.entries({ 'ecs-autoscaler:cluster': 'c1', ...tags }).map(([Key, Value]) => ({ Key, Value })),
});

describe('resolveClusterPolicy', () => {
  it('takes every setting from its tag and the rest from the defaults', () => {
    const policy = resolveClusterPolicy(
      group({
        'ecs-autoscaler:headroom-tasks': '3',
        'ecs-autoscaler:scale-in': 'Disabled',
        'ecs-autoscaler:max-step': '2',
        'ecs-autoscaler:scale-out-cooldown': '120',
        'ecs-autoscaler:scale-in-cooldown': '1800',
        'ecs-autoscaler:boot-timeout': '300',
        'ecs-autoscaler:scale-out-backoff': '60',
        'ecs-autoscaler:halt-unhealthy-percent': '100',
        'ecs-autoscaler:instance-cpu': '2048',
        'ecs-autoscaler:instance-memory': '7600',
        'ecs-autoscaler:dry-run': 'true',
        'ecs-autoscaler:last-scale-out': '2026-11-22T11:00:00.000Z',
        'other:tag': 'whatever',
      }),
      DEFAULT_CLUSTER_POLICY,
    );
    expect(policy).toEqual({
      headroomTasks: 3,
      scaleInEnabled: false,
      maxStep: 2,
      scaleInUnneededSeconds: 600,
      predictiveHeadroom: false,
      scaleOutCooldownSeconds: 120,
      scaleInCooldownSeconds: 1800,
      bootTimeoutSeconds: 300,
      scaleOutBackoffSeconds: 60,
      haltUnhealthyPercent: 100,
      instanceCpu: 2048,
      instanceMemory: 7600,
      dryRun: true,
      foreignDrainGraceSeconds: 1800,
      disconnectedGraceSeconds: 900,
      replaceDisconnected: false,
      maxDrainSeconds: 3600,
    });
  });

  it('returns the defaults when only the cluster tag is set', () => {
    expect(resolveClusterPolicy(group({}), { ...DEFAULT_CLUSTER_POLICY, maxStep: 4 })).toEqual({
      ...DEFAULT_CLUSTER_POLICY,
      maxStep: 4,
    });
  });

  it.each([
    ['ecs-autoscaler:headroom-tasks', 'two', 'an integer 0..100'],
    ['ecs-autoscaler:headroom-tasks', '-1', 'an integer 0..100'],
    ['ecs-autoscaler:scale-in', 'yes', 'enabled or disabled'],
    ['ecs-autoscaler:max-step', '0', 'an integer 1..100'],
    ['ecs-autoscaler:scale-in-cooldown', '15m', 'whole seconds 60..86400'],
    ['ecs-autoscaler:dry-run', '1', 'true or false'],
    ['ecs-autoscaler:instance-cpu', '2.5', 'CPU units of one instance'],
  ])('rejects %s=%s naming the tag, the value and the allowed values', (tag, value, allowed) => {
    const run = () => resolveClusterPolicy(group({ [tag]: value }), DEFAULT_CLUSTER_POLICY);
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(`tag ${tag}='${value}' is invalid; allowed: ${allowed}`);
    expect(run).toThrow(/ASG 'asg-c1' is not scaled until its tags are fixed/);
  });

  it('rejects an unknown ecs-autoscaler:* tag (a typo must not silently fall back to a default)', () => {
    expect(() =>
      resolveClusterPolicy(group({ 'ecs-autoscaler:headroom': '2' }), DEFAULT_CLUSTER_POLICY),
    ).toThrow(/tag ecs-autoscaler:headroom is unknown; known tags: .*ecs-autoscaler:headroom-tasks/);
  });

  it("accepts the drainer's tags on the same group (one ASG serves both functions)", () => {
    const policy = resolveClusterPolicy(
      group({
        'ecs-autoscaler:headroom-tasks': '2',
        'ecs-autoscaler:max-drain-time': '1800',
        'ecs-autoscaler:drain-hook': 'ecs-drain',
      }),
      DEFAULT_CLUSTER_POLICY,
    );
    // The scaler reads max-drain-time too: its own drains end ACTIVE after it (issue 14).
    expect(policy).toEqual({ ...DEFAULT_CLUSTER_POLICY, headroomTasks: 2, maxDrainSeconds: 1800 });
  });

  it('lists every problem at once', () => {
    expect(() =>
      resolveClusterPolicy(
        group({ 'ecs-autoscaler:max-step': 'x', 'ecs-autoscaler:dry-run': 'maybe' }),
        DEFAULT_CLUSTER_POLICY,
      ),
    ).toThrow(/max-step='x'.*dry-run='maybe'/);
  });

  it.each([['bad name!'], ['']])('rejects a cluster tag that is no ECS cluster name (%j)', (name) => {
    expect(() =>
      resolveClusterPolicy(group({ 'ecs-autoscaler:cluster': name }), DEFAULT_CLUSTER_POLICY),
    ).toThrow(/must be the ECS cluster name/);
  });

  it('rejects a corrupt state tag and says how to reset it', () => {
    expect(() =>
      resolveClusterPolicy(group({ 'ecs-autoscaler:draining': 'i-1,web' }), DEFAULT_CLUSTER_POLICY),
    ).toThrow(
      /ecs-autoscaler:draining='i-1,web' is not a comma-separated list of EC2 instance ids.*delete it/,
    );
  });
});

describe('readScalingState', () => {
  it('reads the times and the draining list the scaler wrote', () => {
    const state = readScalingState(
      group({
        'ecs-autoscaler:last-scale-out': '2026-11-22T11:00:00.000Z',
        'ecs-autoscaler:draining': 'i-0123456789abcdef0,i-00000000000000001',
      }).Tags,
    );
    expect(state).toEqual({
      lastScaleOutMs: Date.parse('2026-11-22T11:00:00.000Z'),
      lastScaleInMs: undefined,
      draining: ['i-0123456789abcdef0', 'i-00000000000000001'],
    });
  });

  it('reads an empty draining tag as no instance', () => {
    expect(readScalingState(group({ 'ecs-autoscaler:draining': '' }).Tags).draining).toEqual([]);
  });

  it('reads the unregistered record, up to the counts a scale-out of a large group writes', () => {
    const read = (v: string) =>
      readScalingState(group({ 'ecs-autoscaler:unregistered': v }).Tags).unregistered;
    expect(read('2@1733212345')).toEqual({ count: 2, ms: 1733212345000 });
    expect(read('12000@1733212345')).toEqual({ count: 12000, ms: 1733212345000 });
    expect(read('')).toBeUndefined();
    expect(() => read('2 at noon')).toThrow(
      /ecs-autoscaler:unregistered='2 at noon' is not count@epoch-seconds/,
    );
  });
});

describe('instance-type table', () => {
  it.each([
    ['m5.large', { CPU: 2048, MEMORY: 7654, GPU: 0 }],
    ['c6g.xlarge', { CPU: 4096, MEMORY: 7654, GPU: 0 }],
    ['r7i.2xlarge', { CPU: 8192, MEMORY: 62131, GPU: 0 }],
    ['t3.medium', { CPU: 2048, MEMORY: 3763, GPU: 0 }],
  ])('%s registers about %o', (type, expected) => {
    expect(instanceTypeCapacity(type)).toEqual(expected);
  });

  it.each([['p4d.24xlarge'], ['m5.metal'], ['garbage']])('does not guess %s', (type) => {
    expect(instanceTypeCapacity(type)).toBeUndefined();
  });

  it('is under what ECS registers for an m4-class 8 GiB instance (7985 MiB per the ECS guide)', () => {
    expect(instanceTypeCapacity('m5.large')!.MEMORY).toBeLessThan(7985);
  });

  it('takes the smallest of a mixed group, and gives up on an unknown member type', () => {
    const mixed = (types: string[]) =>
      tableCapacity({
        ...group({}),
        MixedInstancesPolicy: {
          LaunchTemplate: { Overrides: types.map((InstanceType) => ({ InstanceType })) },
        },
      } as AutoScalingGroup);
    expect(mixed(['m5.xlarge', 'c5.large'])?.capacity).toEqual({ CPU: 2048, MEMORY: 3763, GPU: 0 });
    expect(mixed(['m5.xlarge', 'x1e.32xlarge'])).toBeUndefined();
  });
});
