import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListContainerInstancesCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearTaskDefinitionCache,
  readClusterForScaling,
  readClusterSnapshot,
  taskDefinitionCacheSize,
} from '../../../shared/aws/snapshot-reader.js';
import { AwsRejectedError, NotFoundError, TransientAwsError } from '../../../shared/core/errors.js';
import { mockAccount } from './reader-fixture.js';

let account: ReturnType<typeof mockAccount>;

beforeEach(() => {
  clearTaskDefinitionCache();
  account = mockAccount({ instances: 250, services: 35, rollouts: 3 });
});
afterEach(() => account.restore());

describe('readClusterSnapshot on a 250-instance / 35-service cluster', () => {
  it('makes the fewest calls the APIs allow', async () => {
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });

    expect(snapshot.containerInstances).toHaveLength(250);
    expect(snapshot.services).toHaveLength(35);
    expect(snapshot.taskDefinitions).toHaveLength(38);
    expect(account.count('DescribeClusters')).toBe(1);
    expect(account.count('ListContainerInstances')).toBe(3);
    expect(account.count('DescribeContainerInstances')).toBe(3);
    expect(account.count('ListServices')).toBe(1);
    expect(account.count('DescribeServices')).toBe(4);
    expect(account.count('DescribeTaskDefinition')).toBe(38);
    expect(account.count('DescribeAutoScalingGroups')).toBe(1);
    expect(account.count('DescribeScalableTargets')).toBe(1);
    expect(account.calls).toHaveLength(52);
  });

  it("the cluster scaler's read is the same without DescribeScalableTargets (no cluster decision uses them)", async () => {
    const full = await readClusterSnapshot('big', { clients: account.clients });
    expect(full.scalableTargets.length).toBeGreaterThan(0);
    const before = account.calls.length;
    clearTaskDefinitionCache();
    const scaling = await readClusterForScaling('big', { clients: account.clients });
    expect(account.calls.slice(before).filter((c) => c === 'DescribeScalableTargets')).toEqual([]);
    expect(account.calls.length - before).toBe(51);
    expect(scaling.scalableTargets).toEqual([]);
    expect({ ...scaling, capturedAt: '', scalableTargets: full.scalableTargets }).toEqual({
      ...full,
      capturedAt: '',
    });
  });

  it('sends full batches with the documented inputs', async () => {
    await readClusterSnapshot('big', { clients: account.clients });
    const { ecs, autoScaling, aas } = account.mocks;
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, { cluster: 'big', maxResults: 100 });
    expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
      cluster: 'big',
      maxResults: 100,
      nextToken: '200',
    });
    const ciBatches = ecs
      .commandCalls(DescribeContainerInstancesCommand)
      .map((c) => c.args[0].input.containerInstances?.length);
    expect(ciBatches.sort()).toEqual([100, 100, 50]);
    const svcCalls = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(svcCalls.map((i) => i.services?.length).sort()).toEqual([10, 10, 10, 5]);
    expect(svcCalls.every((i) => i.include?.includes('TAGS'))).toBe(true);
    expect(autoScaling).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag:ecs-autoscaler:cluster', Values: ['big'] }],
      MaxRecords: 100,
    });
    const targets = aas.commandCalls(DescribeScalableTargetsCommand)[0]!.args[0].input;
    expect(targets).toMatchObject({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' });
    expect(targets.ResourceIds).toHaveLength(35);
    expect(targets.ResourceIds![0]).toBe('service/big/svc-0');
  });

  it("reads the task definitions of blue/green services' task sets (the green one is in no deployment)", async () => {
    account.restore();
    account = mockAccount({ instances: 10, services: 3, blueGreen: 2 });
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });
    const arns = snapshot.taskDefinitions.map((t) => t.taskDefinitionArn.replace(/.*\//, '')).sort();
    expect(arns).toEqual(['svc-0:2', 'svc-1:2', 'svc-1:3', 'svc-2:2', 'svc-2:3']);
    const svc2 = snapshot.services.find((s) => s.serviceName === 'svc-2')!;
    expect(svc2.taskSets!.map((t) => [t.status, t.computedDesiredCount, t.runningCount])).toEqual([
      ['PRIMARY', 13, 13],
      ['ACTIVE', 13, 0],
    ]);
  });

  it('keeps at most 4 calls in flight, and does run them concurrently', async () => {
    await readClusterSnapshot('big', { clients: account.clients });
    expect(account.maxInFlight()).toBeLessThanOrEqual(4);
    expect(account.maxInFlight()).toBeGreaterThan(1);
  });

  it('describes each task definition once across warm invocations', async () => {
    await readClusterSnapshot('big', { clients: account.clients });
    const second = await readClusterSnapshot('big', { clients: account.clients });
    expect(account.count('DescribeTaskDefinition')).toBe(38);
    expect(second.taskDefinitions).toHaveLength(38);
    expect(taskDefinitionCacheSize()).toBe(38);
  });

  it('returns a JSON-shaped snapshot: dates are ISO strings', async () => {
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });
    expect(snapshot.containerInstances[0]!.registeredAt).toBe('2026-11-20T00:00:00.000Z');
    expect(snapshot.autoScalingGroups[0]!.CreatedTime).toBe('2026-01-01T00:00:00.000Z');
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.region).toBe('us-east-1');
  });

  it('reports progress of the instance read', async () => {
    const seen: string[] = [];
    await readClusterSnapshot('big', {
      clients: account.clients,
      onProgress: (p) => seen.push(`${p.done}/${p.total}`),
    });
    expect(seen[0]).toBe('0/250');
    expect(seen.at(-1)).toBe('250/250');
    expect(seen).toHaveLength(4);
  });
});

describe('readClusterSnapshot: failures and errors', () => {
  it('keeps DescribeContainerInstances failures in the snapshot', async () => {
    account.mocks.ecs.on(DescribeContainerInstancesCommand).resolves({
      containerInstances: [],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/big/x', reason: 'MISSING' }],
    });
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });
    expect(snapshot.failures).toContainEqual({
      arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/big/x',
      reason: 'MISSING',
    });
  });

  it('asks once more for items a partial DescribeServices answer left out, and keeps what still fails', async () => {
    const svc = (n: number) => `arn:aws:ecs:us-east-1:123456789012:service/big/svc-${n}`;
    let first = true;
    account.mocks.ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      // The first call of the first batch fails svc-1 and svc-2; the retry answers svc-1, svc-2 stays MISSING.
      const failing = (first ? [svc(1), svc(2)] : [svc(2)]).filter((a) => input.services.includes(a));
      first = false;
      const asked = input.services.filter((a) => !failing.includes(a));
      return {
        services: asked.map((serviceArn) => ({
          serviceArn,
          serviceName: serviceArn.split('/').pop(),
          status: 'ACTIVE',
          desiredCount: 0,
          deployments: [],
        })),
        failures: failing.map((arn) => ({ arn, reason: arn === svc(2) ? 'MISSING' : 'ServiceUnavailable' })),
      };
    });
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });
    const described = account.mocks.ecs
      .commandCalls(DescribeServicesCommand)
      .map((c) => c.args[0].input.services);
    expect(described).toContainEqual([svc(1), svc(2)]);
    expect(snapshot.services.map((s) => s.serviceArn)).toContain(svc(1));
    expect(snapshot.failures).toEqual([{ arn: svc(2), reason: 'MISSING' }]);
  });

  it('reports an unreadable task definition instead of failing the read', async () => {
    account.mocks.ecs
      .on(DescribeTaskDefinitionCommand, {
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/svc-0:2',
      })
      .rejects(Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }));
    const snapshot = await readClusterSnapshot('big', { clients: account.clients });
    expect(snapshot.taskDefinitions).toHaveLength(37);
    expect(snapshot.failures).toEqual([expect.objectContaining({ reason: 'TASK_DEFINITION_UNREADABLE' })]);
  });

  it('throws NotFoundError for an unknown cluster, naming it and the region', async () => {
    await expect(readClusterSnapshot('nope', { clients: account.clients })).rejects.toThrow(
      new NotFoundError('cluster nope not found in region us-east-1; check --cluster and AWS_REGION'),
    );
    // MISSING is asked once more first: a partial answer looks the same (docs/reliability.md).
    expect(account.calls).toEqual(['DescribeClusters', 'DescribeClusters']);
  });

  it('names the missing IAM action on access denied', async () => {
    account.mocks.ecs
      .on(DescribeServicesCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const error = await readClusterSnapshot('big', { clients: account.clients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsRejectedError);
    expect((error as Error).message).toMatch(/grant ecs:DescribeServices/);
  });

  it('turns throttling into a retryable TransientAwsError', async () => {
    account.mocks.autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
      );
    const error = await readClusterSnapshot('big', { clients: account.clients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as TransientAwsError).retryable).toBe(true);
  });
});
