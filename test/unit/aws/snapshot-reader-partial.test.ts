/**
 * Partial answers are partial, never "not found"; a transient read failure is retried within the read
 * (issue 15). The rest of the reader is covered by snapshot-reader.test.ts.
 */
import { DescribeClustersCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearTaskDefinitionCache, readClusterSnapshot } from '../../../shared/aws/snapshot-reader.js';
import { NotFoundError, TransientAwsError } from '../../../shared/core/errors.js';
import { setRandom, setSleep } from '../../../shared/runtime/clock.js';
import { mockAccount } from './reader-fixture.js';

let account: ReturnType<typeof mockAccount>;
let restore: Array<() => void> = [];
let slept: number[] = [];

beforeEach(() => {
  clearTaskDefinitionCache();
  account = mockAccount({ instances: 4, services: 3 });
  slept = [];
  restore = [
    setSleep(async (ms) => {
      slept.push(ms);
    }),
    setRandom(() => 0.5),
  ];
});
afterEach(() => {
  for (const r of restore) r();
  account.restore();
});

/** `client` whose first `times` calls of `command` answer `answer()` (a rejection or a response). */
const flaky = <C extends object>(
  client: C,
  command: string,
  times: number,
  answer: () => Promise<unknown>,
): C => {
  let left = times;
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'send') return value;
      return (cmd: { constructor: { name: string } }, ...rest: unknown[]) =>
        cmd.constructor.name === command && left-- > 0
          ? answer()
          : (value as (...a: unknown[]) => Promise<unknown>).call(target, cmd, ...rest);
    },
  });
};

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

describe('snapshot reader: partial answers and transient failures', () => {
  it('reads a DescribeClusters answer whose only item is under failures as partial, not "not found"', async () => {
    account.mocks.ecs.on(DescribeClustersCommand).resolves({
      clusters: [],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/big', reason: 'INTERNAL_ERROR' }],
    });
    const error = await readClusterSnapshot('big', { clients: account.clients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('not "cluster not found"');
    expect((error as Error).message).not.toContain('check --cluster');
  });

  it('asks again when DescribeClusters answers MISSING once, and reads the cluster', async () => {
    const ecs = flaky(account.clients.ecs, 'DescribeClustersCommand', 1, async () => ({
      clusters: [],
      failures: [{ arn: 'big', reason: 'MISSING' }],
    }));
    const snapshot = await readClusterSnapshot('big', { clients: { ...account.clients, ecs } });
    expect(snapshot.cluster.clusterName).toBe('big');
  });

  it('retries a throttled read within the tick instead of dropping the cluster for a minute', async () => {
    const clients = {
      ...account.clients,
      ecs: flaky(account.clients.ecs, 'ListServicesCommand', 1, async () => Promise.reject(throttled())),
      autoScaling: flaky(account.clients.autoScaling, 'DescribeAutoScalingGroupsCommand', 1, async () =>
        Promise.reject(throttled()),
      ),
    };
    const snapshot = await readClusterSnapshot('big', { clients });
    expect(snapshot.services).toHaveLength(3);
    expect(slept.length).toBe(2);
    for (const ms of slept) expect(ms).toBeLessThanOrEqual(300);
  });

  it('still fails with TransientAwsError when every attempt is throttled', async () => {
    account.mocks.ecs.on(ListServicesCommand).rejects(throttled());
    const error = await readClusterSnapshot('big', { clients: account.clients }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientAwsError);
    expect(slept.length).toBe(3); // four attempts in all
  });
});
