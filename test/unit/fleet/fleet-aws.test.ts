/**
 * The AWS side of fleets (issue 13): the writer sets NewInstancesProtectedFromScaleIn and removes the
 * protection of instances a refresh replaces; the actuator applies each group's plan to its own group;
 * the readers describe instance refreshes per group and launch configurations once (cached, ≤ 50).
 */

import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeInstanceRefreshesCommand,
  DescribeLaunchConfigurationsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyClusterPlan } from '../../../shared/aws/cluster-actuator.js';
import { AwsClusterWriter } from '../../../shared/aws/cluster-writer.js';
import {
  clearLaunchConfigurationCache,
  readInstanceRefreshes,
  readLaunchConfigurations,
} from '../../../shared/aws/fleet-readers.js';
import { createLimiter } from '../../../shared/aws/limit.js';
import type { ClusterPlan } from '../../../shared/core/cluster/planner.js';
import { emptyPlan } from '../planner/builders.js';

const asg = mockClient(AutoScalingClient);
const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
const clients = {
  ecs: new ECSClient({}),
  autoScaling: new AutoScalingClient({}),
  applicationAutoScaling: new ApplicationAutoScalingClient({}),
};
const ctx = (action: string) => ({ action, cluster: 'c1', region: 'us-east-1' });

beforeEach(() => {
  asg.reset();
  clearLaunchConfigurationCache();
  asg.on(SetDesiredCapacityCommand).resolves({});
  asg.on(SetInstanceProtectionCommand).resolves({});
  asg.on(UpdateAutoScalingGroupCommand).resolves({});
});

const plan = (group: string, extra: Partial<ClusterPlan> = {}): ClusterPlan =>
  emptyPlan({
    cluster: 'c1',
    autoScalingGroup: group,
    desiredCapacity: { current: 2, proposed: 2 },
    limits: { min: 0, max: 10 },
    ...extra,
  });

describe('writer and actuator', () => {
  it('sets NewInstancesProtectedFromScaleIn and unprotects the instances a refresh replaces', async () => {
    await applyClusterPlan(
      plan('g1', { protectNewInstances: true, unprotect: ['i-00000000000000001'] }),
      writer,
      { dryRun: false },
    );
    expect(asg.commandCalls(UpdateAutoScalingGroupCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'g1',
      NewInstancesProtectedFromScaleIn: true,
    });
    expect(asg.commandCalls(SetInstanceProtectionCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'g1',
      InstanceIds: ['i-00000000000000001'],
      ProtectedFromScaleIn: false,
    });
  });

  it('applies each group plan to its own group; dry run writes nothing', async () => {
    const both = plan('g1', {
      groupPlans: [
        plan('g1', { action: 'scale-out', desiredCapacity: { current: 2, proposed: 4 } }),
        plan('g2', { action: 'scale-out', desiredCapacity: { current: 0, proposed: 2 } }),
      ],
    });
    const dry = await applyClusterPlan(both, writer, { dryRun: true });
    expect(dry.writes).toEqual(['SetDesiredCapacity 4', 'SetDesiredCapacity 2']);
    expect(asg.calls()).toHaveLength(0);
    await applyClusterPlan(both, writer, { dryRun: false });
    expect(asg.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'g1', DesiredCapacity: 4, HonorCooldown: false },
      { AutoScalingGroupName: 'g2', DesiredCapacity: 2, HonorCooldown: false },
    ]);
  });
});

describe('fleet readers', () => {
  it('reads the newest refreshes of each group and names the group on every item', async () => {
    asg.on(DescribeInstanceRefreshesCommand, { AutoScalingGroupName: 'g1' }).resolves({
      InstanceRefreshes: [{ InstanceRefreshId: 'r1', Status: 'InProgress' }],
    });
    asg
      .on(DescribeInstanceRefreshesCommand, { AutoScalingGroupName: 'g2' })
      .resolves({ InstanceRefreshes: [] });
    const out = await readInstanceRefreshes(
      clients,
      [{ AutoScalingGroupName: 'g1' }, { AutoScalingGroupName: 'g2' }],
      createLimiter(2),
      ctx,
    );
    expect(out).toEqual([{ AutoScalingGroupName: 'g1', InstanceRefreshId: 'r1', Status: 'InProgress' }]);
    expect(asg.commandCalls(DescribeInstanceRefreshesCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'g1', MaxRecords: 5 },
      { AutoScalingGroupName: 'g2', MaxRecords: 5 },
    ]);
  });

  it('describes launch configurations in batches of 50, once per name (immutable: cached)', async () => {
    asg
      .on(DescribeLaunchConfigurationsCommand)
      .callsFake((input: { LaunchConfigurationNames: string[] }) => ({
        LaunchConfigurations: input.LaunchConfigurationNames.map((n) => ({
          LaunchConfigurationName: n,
          InstanceType: 'm5.large',
          UserData: Buffer.from('#!/bin/bash\nexport DB_PASSWORD=hunter2').toString('base64'),
          KeyName: 'ops',
        })),
      }));
    const groups = Array.from({ length: 60 }, (_, k) => ({ LaunchConfigurationName: `lc-${k}` }));
    const first = await readLaunchConfigurations(clients, groups, createLimiter(2), ctx);
    expect(first).toHaveLength(60);
    // What the fleet model reads, and nothing a snapshot file should not hold (user data may be secret).
    expect(first[0]).toEqual({ LaunchConfigurationName: 'lc-0', InstanceType: 'm5.large' });
    expect(
      asg
        .commandCalls(DescribeLaunchConfigurationsCommand)
        .map((c) => c.args[0].input.LaunchConfigurationNames?.length),
    ).toEqual([50, 10]);
    await readLaunchConfigurations(clients, groups, createLimiter(2), ctx);
    expect(asg.commandCalls(DescribeLaunchConfigurationsCommand)).toHaveLength(2);
  });
});
