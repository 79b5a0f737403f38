/**
 * Acting on the coexistence parts of a plan (issue 14): attribute marks before DRAINING (an instance set
 * DRAINING without its mark would look ownerless), deletes after ACTIVE, SetInstanceHealth last; the
 * writer's exact inputs and batches.
 */
import { AutoScalingClient, SetInstanceHealthCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteAttributesCommand, ECSClient, PutAttributesCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyClusterPlan } from '../../../shared/aws/cluster-actuator.js';
import { AwsClusterWriter, type ClusterWriter } from '../../../shared/aws/cluster-writer.js';
import type { ClusterPlan } from '../../../shared/core/cluster/index.js';
import { emptyPlan } from '../planner/builders.js';

const ecs = mockClient(ECSClient);
const asg = mockClient(AutoScalingClient);
beforeEach(() => {
  ecs.reset();
  asg.reset();
});

const plan = (over: Partial<ClusterPlan>): ClusterPlan => emptyPlan({ reasons: ['test'], ...over });
const mark = (n: number, value?: string) => ({
  containerInstanceArn: `arn:ci/${n}`,
  name: 'ecs-autoscaler.scale-in-started-at',
  ...(value ? { value } : {}),
});

describe('applyClusterPlan — coexistence writes', () => {
  it('puts the own-drain marks before DRAINING, deletes after ACTIVE, marks Unhealthy last', async () => {
    const calls: string[] = [];
    const writer: ClusterWriter = {
      setDesiredCapacity: async () => void calls.push('desired'),
      protectInstances: async () => void calls.push('protect'),
      setContainerInstancesState: async (_c, arns, s) => {
        calls.push(`${s} ${arns.join(',')}`);
        return [];
      },
      terminateInstance: async (i) => void calls.push(`terminate ${i}`),
      tagGroup: async () => void calls.push('tags'),
      writeAttributes: async (_c, w, remove) =>
        void calls.push(`${remove ? 'delete' : 'put'} ${w.map((a) => a.containerInstanceArn).join(',')}`),
      markUnhealthy: async (i) => void calls.push(`unhealthy ${i}`),
    };
    await applyClusterPlan(
      plan({
        action: 'scale-in',
        drain: [{ containerInstanceArn: 'arn:ci/2', ec2InstanceId: 'i-2' }],
        activate: [{ containerInstanceArn: 'arn:ci/5', ec2InstanceId: 'i-5' }],
        attributes: { put: [mark(2, '1795348800')], delete: [mark(5)] },
        markUnhealthy: ['i-6'],
      }),
      writer,
      { dryRun: false },
    );
    expect(calls).toEqual([
      'ACTIVE arn:ci/5',
      'put arn:ci/2',
      'delete arn:ci/5',
      'DRAINING arn:ci/2',
      'unhealthy i-6',
    ]);
  });

  it('dry run lists the writes and makes none', async () => {
    const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
    const outcome = await applyClusterPlan(
      plan({ attributes: { put: [mark(1, '1')], delete: [] }, markUnhealthy: ['i-6'] }),
      writer,
      { dryRun: true },
    );
    expect(outcome.writes).toEqual(['PutAttributes 1', 'SetInstanceHealth Unhealthy i-6']);
    expect(ecs.calls()).toHaveLength(0);
    expect(asg.calls()).toHaveLength(0);
  });
});

describe('AwsClusterWriter — attributes and health', () => {
  const writer = new AwsClusterWriter(new AutoScalingClient({}), new ECSClient({}));
  it('PutAttributes / DeleteAttributes in batches of 10, container-instance targets, no value on delete', async () => {
    ecs.on(PutAttributesCommand).resolves({});
    ecs.on(DeleteAttributesCommand).resolves({});
    const writes = Array.from({ length: 12 }, (_, k) => mark(k, String(k)));
    await writer.writeAttributes('prod', writes, false);
    await writer.writeAttributes('prod', writes.slice(0, 3), true);
    expect(ecs).toHaveReceivedCommandTimes(PutAttributesCommand, 2);
    expect(ecs.commandCalls(PutAttributesCommand)[1]!.args[0].input).toEqual({
      cluster: 'prod',
      attributes: [
        {
          name: 'ecs-autoscaler.scale-in-started-at',
          targetType: 'container-instance',
          targetId: 'arn:ci/10',
          value: '10',
        },
        {
          name: 'ecs-autoscaler.scale-in-started-at',
          targetType: 'container-instance',
          targetId: 'arn:ci/11',
          value: '11',
        },
      ],
    });
    expect(ecs.commandCalls(DeleteAttributesCommand)[0]!.args[0].input.attributes?.[0]).toEqual({
      name: 'ecs-autoscaler.scale-in-started-at',
      targetType: 'container-instance',
      targetId: 'arn:ci/0',
    });
  });
  it('SetInstanceHealth Unhealthy respects the grace period', async () => {
    asg.on(SetInstanceHealthCommand).resolves({});
    await writer.markUnhealthy('i-6');
    expect(asg).toHaveReceivedCommandWith(SetInstanceHealthCommand, {
      InstanceId: 'i-6',
      HealthStatus: 'Unhealthy',
      ShouldRespectGracePeriod: true,
    });
  });
});
