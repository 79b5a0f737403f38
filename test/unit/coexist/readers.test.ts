/**
 * The readers of other controllers and of task protection (issue 14): exact inputs, batch sizes,
 * pagination, the cache, and that standalone tasks are never asked about.
 */

import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeLifecycleHooksCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeCapacityProvidersCommand, ECSClient, GetTaskProtectionCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderClients } from '../../../shared/aws/clients.js';
import {
  clearControllerCache,
  readCapacityProviders,
  readGroupControllers,
} from '../../../shared/aws/controller-readers.js';
import { createLimiter } from '../../../shared/aws/limit.js';
import { readTaskProtection } from '../../../shared/aws/task-protection-reader.js';
import { AwsRejectedError } from '../../../shared/core/errors.js';
import { GroupControllersSchema } from '../../../shared/core/snapshot/index.js';
import { setClock } from '../../../shared/runtime/clock.js';

const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
const clients: ReaderClients = {
  ecs: new ECSClient({ region: 'us-east-1' }),
  autoScaling: new AutoScalingClient({ region: 'us-east-1' }),
  applicationAutoScaling: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
};
const ctx = (action: string) => ({ action, cluster: 'prod', region: undefined });
let nowMs = Date.parse('2026-11-22T12:00:00Z');
let restoreClock: (() => void) | undefined;

beforeEach(() => {
  ecs.reset();
  asg.reset();
  clearControllerCache();
  restoreClock = setClock(() => nowMs);
});
afterEach(() => restoreClock?.());

describe('readCapacityProviders', () => {
  it('asks for the named providers only (not FARGATE), in pages of 10, and caches the answer 5 minutes', async () => {
    const names = Array.from({ length: 12 }, (_, k) => `cp${k}`);
    ecs
      .on(DescribeCapacityProvidersCommand, { nextToken: undefined })
      .resolves({ capacityProviders: names.slice(0, 10).map((name) => ({ name })), nextToken: 't1' })
      .on(DescribeCapacityProvidersCommand, { nextToken: 't1' })
      .resolves({ capacityProviders: names.slice(10).map((name) => ({ name })) });
    const out = await readCapacityProviders(
      clients,
      [...names, 'FARGATE', 'FARGATE_SPOT'],
      createLimiter(2),
      ctx,
    );
    expect(out).toHaveLength(12);
    expect(ecs).toHaveReceivedCommandTimes(DescribeCapacityProvidersCommand, 2);
    expect(ecs.commandCalls(DescribeCapacityProvidersCommand)[0]!.args[0].input).toEqual({
      capacityProviders: [...names].sort(),
      maxResults: 10,
      nextToken: undefined,
    });
    await readCapacityProviders(clients, names, createLimiter(2), ctx);
    expect(ecs).toHaveReceivedCommandTimes(DescribeCapacityProvidersCommand, 2);
    nowMs += 301_000;
    await readCapacityProviders(clients, names, createLimiter(2), ctx);
    expect(ecs).toHaveReceivedCommandTimes(DescribeCapacityProvidersCommand, 4);
  });
  it('makes no call when the cluster names none', async () => {
    expect(await readCapacityProviders(clients, ['FARGATE'], createLimiter(1), ctx)).toEqual([]);
    expect(ecs).toHaveReceivedCommandTimes(DescribeCapacityProvidersCommand, 0);
  });
});

describe('readGroupControllers', () => {
  it('reads policies (paginated), scheduled actions and hooks of one group into the snapshot shape', async () => {
    asg
      .on(DescribePoliciesCommand, { NextToken: undefined })
      .resolves({ ScalingPolicies: [{ PolicyName: 'a', PolicyType: 'StepScaling' }], NextToken: 'n' })
      .on(DescribePoliciesCommand, { NextToken: 'n' })
      .resolves({ ScalingPolicies: [{ PolicyName: 'b', PolicyType: 'TargetTrackingScaling' }] });
    asg.on(DescribeScheduledActionsCommand).resolves({
      ScheduledUpdateGroupActions: [
        { ScheduledActionName: 'am', DesiredCapacity: 4, StartTime: new Date(0) },
      ],
    });
    asg.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [
        { LifecycleHookName: 'ecs-drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING' },
      ],
    });
    const raw = await readGroupControllers(clients, 'prod-asg', createLimiter(2), ctx);
    const parsed = GroupControllersSchema.parse(raw);
    expect(parsed.ScalingPolicies.map((p) => p.PolicyName)).toEqual(['a', 'b']);
    expect(parsed.ScheduledActions[0]).toMatchObject({ ScheduledActionName: 'am', DesiredCapacity: 4 });
    expect(parsed.LifecycleHooks.map((h) => h.LifecycleHookName)).toEqual(['ecs-drain']);
    expect(asg.commandCalls(DescribePoliciesCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'prod-asg',
      MaxRecords: 100,
      NextToken: undefined,
    });
    expect(asg).toHaveReceivedCommandTimes(DescribeScheduledActionsCommand, 1);
  });
  it('translates access denied into an error naming the action', async () => {
    asg
      .on(DescribePoliciesCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied' }));
    await expect(readGroupControllers(clients, 'prod-asg', createLimiter(1), ctx)).rejects.toThrow(
      AwsRejectedError,
    );
    await expect(readGroupControllers(clients, 'prod-asg', createLimiter(1), ctx)).rejects.toThrow(
      /autoscaling:DescribePolicies/,
    );
  });
});

describe('readTaskProtection', () => {
  const task = (n: number, group: string) => ({
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/t${n}`,
    taskDefinitionArn: 'td',
    group,
  });
  it('asks about service tasks only, ≤ 100 per call, and keeps the protected ones', async () => {
    const tasks = [
      ...Array.from({ length: 150 }, (_, k) => task(k, 'service:web')),
      task(999, 'family:batch'),
    ];
    ecs.on(GetTaskProtectionCommand).callsFake((input: { tasks: string[] }) => ({
      protectedTasks: input.tasks.map((taskArn, k) => ({ taskArn, protectionEnabled: k === 0 })),
    }));
    const out = await readTaskProtection('prod', tasks, { clients });
    expect(ecs).toHaveReceivedCommandTimes(GetTaskProtectionCommand, 2);
    const asked = ecs.commandCalls(GetTaskProtectionCommand).flatMap((c) => c.args[0].input.tasks ?? []);
    expect(asked).toHaveLength(150);
    expect(asked).not.toContain(task(999, 'family:batch').taskArn);
    expect(out.filter((p) => p.protectionEnabled)).toHaveLength(2);
  });
  it('makes no call without service tasks', async () => {
    expect(await readTaskProtection('prod', [task(1, 'family:batch')], { clients })).toEqual([]);
    expect(ecs).toHaveReceivedCommandTimes(GetTaskProtectionCommand, 0);
  });
});
