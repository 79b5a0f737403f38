/**
 * The cluster scaler's queue worker with in-memory ports: which requests are decided, answered,
 * coalesced or reported failed (the partial batch response Lambda acts on).
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processClusterQueue, type RequestOutcome } from '../../../functions/cluster-scaler/queue-worker.js';
import type { TickPorts } from '../../../functions/cluster-scaler/run-tick.js';
import type { ClusterWriter } from '../../../shared/aws/cluster-writer.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { TransientAwsError } from '../../../shared/core/errors.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/index.js';
import { createMetrics, setEmfSink } from '../../../shared/runtime/metrics.js';
import { type ClusterSpec, fleet, NOW, snapshotOf } from '../planner/builders.js';

const FULL = { usedCpu: 4096, usedMem: 8192, running: 2 };
/** Two full instances, three api tasks unplaced → scale out. */
const busy = (name: string): ClusterSpec => ({
  name,
  instances: fleet(2, FULL),
  services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 10, running: 7 }],
});

const config = { dryRun: false, defaults: { ...DEFAULT_CLUSTER_POLICY }, namespace: 'EcsAutoscaler' };
const metrics = createMetrics('cluster-scaler');
let writes: string[];
let failing: Set<string>;
let reads: string[];

const ports = (snapshots: Record<string, ClusterSnapshot>): TickPorts => {
  const writer = new Proxy(
    {},
    {
      get:
        (_t, method: string) =>
        async (...args: unknown[]) => {
          writes.push(`${method} ${JSON.stringify(args[0])} ${JSON.stringify(args[1])}`);
          return [];
        },
    },
  ) as ClusterWriter;
  return {
    readSnapshot: async (cluster) => {
      reads.push(cluster);
      if (failing.has(cluster))
        throw new TransientAwsError(`ecs:DescribeClusters throttled for ${cluster}; retry later`);
      return structuredClone(snapshots[cluster]!);
    },
    readTasks: async () => [],
    writer,
    listManagedClusters: async () => new Map(),
    alarms: {
      list: async () => [],
      put: async (s) => void writes.push(`put ${s.AlarmName}`),
      delete: async () => {},
    },
  };
};

const record = (id: string, group: string, body: unknown): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q.fifo',
    awsRegion: 'us-east-1',
  }) as SQSRecord;
const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
const tick = (cluster: string, ago = 1) => ({ v: 1, kind: 'tick', cluster, at: at(ago), alarms: [] });
const alarm = (cluster: string, ago = 1) => ({
  v: 1,
  kind: 'alarm',
  cluster,
  alarm: `ecs-autoscaler-cluster-${cluster}-capacity-deficit`,
  at: at(ago),
});
const run = async (records: SQSRecord[], snapshots: Record<string, ClusterSnapshot>) => {
  const outcomes: RequestOutcome[] = [];
  const response = await processClusterQueue(
    { Records: records } as SQSEvent,
    ports(snapshots),
    config,
    metrics,
    () => NOW,
    outcomes,
  );
  return { outcomes, failed: response.batchItemFailures.map((f) => f.itemIdentifier) };
};

beforeEach(() => {
  writes = [];
  reads = [];
  failing = new Set();
  setEmfSink(() => {});
});
afterEach(() => setEmfSink(undefined));

describe('cluster queue worker', () => {
  it('releases an opted-out cluster: its own drain set ACTIVE, its mark deleted; a transient error is retried', async () => {
    const s = snapshotOf({
      name: 'gone',
      instances: [{ id: 'i-00000000000000001', status: 'DRAINING' }],
      group: null,
    });
    s.containerInstances[0]!.attributes = [
      { name: 'ecs-autoscaler.scale-in-started-at', value: '1795348000' },
    ];
    const release = { v: 1, kind: 'release', cluster: 'gone', at: at(1) };
    const { outcomes, failed } = await run([record('1', 'gone', release)], { gone: s });
    expect(failed).toEqual([]);
    expect(outcomes).toEqual([
      expect.objectContaining({ cluster: 'gone', kind: 'release', status: 'released' }),
    ]);
    expect(writes).toEqual([
      `setContainerInstancesState "gone" ["${s.containerInstances[0]!.containerInstanceArn}"]`,
      `writeAttributes "gone" [{"containerInstanceArn":"${s.containerInstances[0]!.containerInstanceArn}","name":"ecs-autoscaler.scale-in-started-at"}]`,
    ]);
    writes = [];
    failing.add('gone');
    expect((await run([record('2', 'gone', release)], { gone: s })).failed).toEqual(['2']);
    expect(writes).toEqual([]);
  });

  it('releases nothing of a cluster that is managed again', async () => {
    const s = snapshotOf({ name: 'back', instances: [{ id: 'i-00000000000000001', status: 'DRAINING' }] });
    s.containerInstances[0]!.attributes = [
      { name: 'ecs-autoscaler.scale-in-started-at', value: '1795348000' },
    ];
    const { outcomes } = await run(
      [record('1', 'back', { v: 1, kind: 'release', cluster: 'back', at: at(1) })],
      {
        back: s,
      },
    );
    expect(outcomes[0]).toMatchObject({
      status: 'released',
      message: expect.stringMatching(/managed again/),
    });
    expect(writes).toEqual([]);
  });

  it('decides each cluster of a batch and reports no failure', async () => {
    const snaps = { a: snapshotOf(busy('a')), b: snapshotOf(busy('b')) };
    const { outcomes, failed } = await run([record('1', 'a', tick('a')), record('2', 'b', tick('b'))], snaps);
    expect(failed).toEqual([]);
    expect(outcomes.map((o) => [o.cluster, o.status, o.action])).toEqual([
      ['a', 'ok', 'scale-out'],
      ['b', 'ok', 'scale-out'],
    ]);
    expect(writes.filter((w) => w.startsWith('setDesiredCapacity'))).toHaveLength(2);
  });

  it('fails only the poisoned cluster’s messages (it and its later ones), and decides the others', async () => {
    const snaps = { a: snapshotOf(busy('a')), b: snapshotOf(busy('b')) };
    const { outcomes, failed } = await run(
      [record('1', 'a', 'not json'), record('2', 'b', tick('b')), record('3', 'a', alarm('a'))],
      snaps,
    );
    expect(failed.sort()).toEqual(['1', '3']);
    expect(outcomes.map((o) => o.cluster)).toEqual(['b']);
    expect(reads).toEqual(['b']);
  });

  it('retries an alarm that failed transiently, but answers a tick (the next one is a minute away)', async () => {
    failing.add('a');
    const snaps = { a: snapshotOf(busy('a')) };
    expect((await run([record('1', 'a', alarm('a'))], snaps)).failed).toEqual(['1']);
    const t = await run([record('2', 'a', tick('a'))], snaps);
    expect(t.failed).toEqual([]);
    expect(t.outcomes).toEqual([expect.objectContaining({ cluster: 'a', kind: 'tick', status: 'failed' })]);
    expect(writes).toEqual([]);
  });

  it('does not let a failed tick stand for the alarm after it in the batch', async () => {
    failing.add('a');
    const { failed } = await run([record('1', 'a', tick('a')), record('2', 'a', alarm('a'))], {
      a: snapshotOf(busy('a')),
    });
    expect(failed).toEqual(['2']);
    expect(reads).toEqual(['a', 'a']);
  });

  it('answers a stale request without reading or writing, and coalesces a second request of one cluster', async () => {
    const snaps = { a: snapshotOf(busy('a')) };
    const stale = await run([record('1', 'a', alarm('a', 301))], snaps);
    expect(stale).toEqual({ failed: [], outcomes: [{ cluster: 'a', kind: 'alarm', status: 'expired' }] });
    expect(reads).toEqual([]);
    const both = await run([record('2', 'a', alarm('a')), record('3', 'a', tick('a'))], snaps);
    expect(both.outcomes.map((o) => o.status)).toEqual(['ok', 'coalesced']);
    expect(reads).toEqual(['a']);
  });

  it('decides a grow request on the demand the service asked for, not yet visible in ECS', async () => {
    // Room for everything the service wants now: a tick holds, a grow to 14 tasks scales out.
    const roomy: ClusterSpec = {
      name: 'a',
      instances: fleet(4, { usedCpu: 2048, usedMem: 4096, running: 1 }),
      services: [{ name: 'api', cpu: 2048, mem: 4096, desired: 4, running: 4 }],
    };
    const snaps = { a: snapshotOf(roomy) };
    const held = await run([record('1', 'a', tick('a'))], snaps);
    expect(held.outcomes[0]!.action).not.toBe('scale-out');
    const grow = { v: 1, kind: 'grow', cluster: 'a', service: 'api', desiredCount: 14, at: at(1) };
    const grown = await run([record('2', 'a', grow)], snaps);
    expect(grown.outcomes[0]).toMatchObject({ kind: 'grow', status: 'ok', action: 'scale-out' });
  });
});
