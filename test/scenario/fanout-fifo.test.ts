/**
 * The per-cluster fan-out on the simulator (issue 19): the real cluster-dispatcher and cluster-scaler,
 * routed from serverless.yml — the 1-minute tick, the FIFO cluster queue (message group = cluster), the
 * event source mapping (batch size, maximum concurrency, partial batch responses) and the dead-letter
 * queue. The simulator's SQS follows the SQS and Lambda documentation (sim/sqs/), not the handlers.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';
import type { SqsBatchRecord } from '../../sim/sqs/event-source.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
  delete process.env.TICK_PERIOD_MINUTES;
});

/**
 * `n` clusters `c1…cn`, each one m5.large with a service that needs 3 more instances. ECS reports the
 * service's placement failure at the start; those events are lost here (EventBridge delivery is
 * best-effort), so the tests below see the tick and alarm paths alone, unless `placementEvents`.
 */
const world = async (n: number, seed = 3, placementEvents = false): Promise<Sim> => {
  const s = createSim({ seed });
  if (!placementEvents) s.faults.events({ source: 'aws.ecs', function: 'cluster-dispatcher', kind: 'lose' });
  s.registerTaskDefinition({ family: 'web', containers: [{ cpu: 1024, memoryReservation: 2048 }] });
  for (let i = 1; i <= n; i++) {
    const c = `c${i}`;
    s.createCluster(c);
    s.createAutoScalingGroup({
      name: `${c}-asg`,
      cluster: c,
      min: 1,
      max: 10,
      desired: 1,
      instanceTypes: ['m5.large'],
      tags: { 'ecs-autoscaler:cluster': c },
    });
    s.createService({ cluster: c, name: 'web', taskDefinition: 'web', desiredCount: 8 });
  }
  s.install();
  await s.loadServerless('serverless.yml', { only: ['cluster-dispatcher', 'cluster-scaler'] });
  return s;
};

const desired = (s: Sim, cluster: string) => s.asg.groups.get(`${cluster}-asg`)!.desired;
const queueOf = (s: Sim) => [...s.sqs.queues.values()].find((q) => q.spec.fifo && q.spec.redrive)!;
const dlqOf = (s: Sim) => s.sqs.find(queueOf(s).spec.redrive!.deadLetterQueue)!;
/** [start, end) of a batch, ms since the start of the run. */
const span = (b: SqsBatchRecord): [number, number] => [b.t * 1000, b.t * 1000 + Math.max(1, b.durationMs)];
const overlap = (a: SqsBatchRecord, b: SqsBatchRecord) => {
  const [a0, a1] = span(a);
  const [b0, b1] = span(b);
  return a0 < b1 && b0 < a1;
};
/** Cluster `shop`: one managed group of m5.large (`desired` of them, 1–10) and task definition `web`. */
const shop = (seed: number, web: { cpu: number; memory: number }, desired: number): Sim => {
  const s = createSim({ seed });
  s.registerTaskDefinition({ family: 'web', containers: [{ cpu: web.cpu, memoryReservation: web.memory }] });
  s.createCluster('shop');
  s.createAutoScalingGroup({
    name: 'shop-asg',
    cluster: 'shop',
    min: 1,
    max: 10,
    desired,
    instanceTypes: ['m5.large'],
    tags: { 'ecs-autoscaler:cluster': 'shop' },
  });
  return s;
};
/** A request as the dispatcher and the service scaler send it. */
const send = (s: Sim, group: string, body: unknown, dedup: string) =>
  s.call('sqs', 'SendMessage', {
    QueueUrl: queueOf(s).url,
    MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    MessageGroupId: group,
    MessageDeduplicationId: dedup,
  });
const iso = (s: Sim, secondsAgo = 0) => new Date(s.nowMs - secondsAgo * 1000).toISOString();

describe('one request per cluster on the FIFO queue', () => {
  it('decides every cluster within 60 s of the tick, clusters in parallel, one cluster never twice at once', async () => {
    sim = await world(12);
    await sim.runFor(60 + 30);
    for (let i = 1; i <= 12; i++) expect(desired(sim, `c${i}`), `c${i}`).toBeGreaterThan(1);
    const dispatches = sim.invocations.filter((r) => r.fn === 'cluster-dispatcher');
    expect(dispatches.map((r) => r.outcome)).toEqual(['ok']);
    expect(dispatches[0]!.result).toMatchObject({ status: 'ok', trigger: 'tick', queued: 12 });
    const batches = sim.eventSources.batches;
    // Parallelism: more than one batch in flight at the same virtual time.
    expect(batches.some((a, i) => batches.some((b, j) => i !== j && overlap(a, b)))).toBe(true);
    // Serialisation: two batches that overlap in time never share a cluster.
    for (const [i, a] of batches.entries()) {
      for (const b of batches.slice(i + 1)) {
        if (overlap(a, b)) expect(a.groups.filter((g) => b.groups.includes(g))).toEqual([]);
      }
    }
    const requests = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { cluster: string; latencySeconds?: number }[] }).requests);
    expect(new Set(requests.map((r) => r.cluster)).size).toBe(12);
    for (const r of requests) expect(r.latencySeconds!).toBeLessThan(60);
    expect(queueOf(sim).messages).toEqual([]);
  });

  it('hands a cluster its next request only after the previous one is done, in order', async () => {
    sim = await world(2);
    sim.start();
    // Twelve requests of c1 (more than a batch) and one of c2, all at once.
    for (let k = 0; k < 12; k++) {
      await send(
        sim,
        'c1',
        { v: 1, kind: 'grow', cluster: 'c1', service: 'web', desiredCount: 8 + k, at: iso(sim) },
        `g${k}`,
      );
    }
    await send(
      sim,
      'c2',
      {
        v: 1,
        kind: 'alarm',
        cluster: 'c2',
        alarm: 'ecs-autoscaler-cluster-c2-capacity-deficit',
        at: iso(sim),
      },
      'a2',
    );
    await sim.runFor(30);
    const c1 = sim.eventSources.batches.filter((b) => b.groups.includes('c1'));
    expect(c1.length).toBeGreaterThan(1);
    for (let i = 1; i < c1.length; i++) {
      const [, prevEnd] = span(c1[i - 1]!);
      expect(c1[i]!.t * 1000).toBeGreaterThanOrEqual(prevEnd);
    }
    // In send order: the grow requests' desired counts rise from batch to batch.
    const counts = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { cluster: string; kind: string }[] }).requests)
      .filter((r) => r.cluster === 'c1');
    expect(counts).toHaveLength(12);
    // c2 was not kept waiting behind c1's twelve requests: its batch started with c1's first.
    const c2 = sim.eventSources.batches.find((b) => b.groups.includes('c2'))!;
    expect(c2.t).toBe(c1[0]!.t);
  });
});

describe('a poisoned request for one cluster', () => {
  it('does not delay the others, blocks only its own cluster, and ends in the dead-letter queue', async () => {
    sim = await world(6);
    sim.start();
    await send(sim, 'c1', 'not json {', 'poison');
    await sim.runFor(60 + 30);
    // Every other cluster was decided on the first tick; c1's tick waits behind the poisoned message.
    for (let i = 2; i <= 6; i++) expect(desired(sim, `c${i}`), `c${i}`).toBeGreaterThan(1);
    expect(desired(sim, 'c1')).toBe(1);
    const failed = sim.eventSources.batches.filter((b) => b.failed.length > 0);
    expect(failed.length).toBeGreaterThan(0);
    for (const b of failed) expect(b.outcome).toBe('ok'); // reported per item, not a failed invocation
    // Three receives (60 s visibility each), then the redrive policy moves it.
    await sim.runFor(3 * 60 + 120);
    expect(dlqOf(sim).messages.map((m) => m.body)).toEqual(['not json {']);
    expect(queueOf(sim).stats.movedToDlq).toBe(1);
    // Then c1's queued requests run: the tick's request is stale by now (> 300 s) and answered without a
    // write; the next ticks decide it.
    expect(desired(sim, 'c1')).toBeGreaterThan(1);
  });
});

describe('duplicates and reordering', () => {
  it('decides once for a tick the dispatcher sent twice (a retried invocation): SQS drops the copy', async () => {
    sim = await world(3);
    sim.start();
    const tick = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2025-01-06T00:00:00Z',
      detail: {},
      resources: [],
    };
    await sim.invoke('cluster-dispatcher', tick);
    await sim.invoke('cluster-dispatcher', structuredClone(tick));
    expect(queueOf(sim).stats).toMatchObject({ sent: 3, deduplicated: 3 });
    await sim.runFor(20);
    const decided = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { cluster: string }[] }).requests.map((q) => q.cluster));
    expect(decided.sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('does not scale twice for a redelivered request or an old one arriving after a newer one', async () => {
    sim = await world(1);
    sim.start();
    await send(
      sim,
      'c1',
      {
        v: 1,
        kind: 'alarm',
        cluster: 'c1',
        alarm: 'ecs-autoscaler-cluster-c1-capacity-deficit',
        at: iso(sim),
      },
      'new',
    );
    await sim.runFor(5);
    const after = desired(sim, 'c1');
    expect(after).toBeGreaterThan(1);
    // The same alarm request again (a new deduplication id: SQS cannot tell), and an older one, reordered.
    await send(
      sim,
      'c1',
      {
        v: 1,
        kind: 'alarm',
        cluster: 'c1',
        alarm: 'ecs-autoscaler-cluster-c1-capacity-deficit',
        at: iso(sim, 5),
      },
      'again',
    );
    await send(sim, 'c1', { v: 1, kind: 'tick', cluster: 'c1', at: iso(sim, 40) }, 'older');
    await sim.runFor(5);
    // Each request re-reads the cluster: the instances in flight already cover the demand.
    expect(desired(sim, 'c1')).toBe(after);
    // A request older than 300 s is answered without a decision.
    await send(sim, 'c1', { v: 1, kind: 'alarm', cluster: 'c1', alarm: 'x', at: iso(sim, 301) }, 'stale');
    await sim.runFor(5);
    const last = sim.invocations.filter((r) => r.fn === 'cluster-scaler').at(-1)!;
    expect((last.result as { requests: { status: string }[] }).requests).toEqual([
      { cluster: 'c1', kind: 'alarm', status: 'expired' },
    ]);
    expect(dlqOf(sim).messages).toEqual([]);
  });
});

describe('faults on the way to the queue', () => {
  it('decides once for an alarm EventBridge delivered twice', async () => {
    sim = await world(1);
    sim.faults.events({
      source: 'aws.cloudwatch',
      function: 'cluster-dispatcher',
      kind: 'duplicate',
      count: 1,
    });
    const alarm = JSON.parse(readFileSync('events/cloudwatch/capacity-deficit-alarm.json', 'utf8'));
    alarm.detail.alarmName = 'ecs-autoscaler-cluster-c1-capacity-deficit';
    for (const m of alarm.detail.configuration.metrics) {
      if (m.metricStat?.metric?.dimensions?.ClusterName) m.metricStat.metric.dimensions.ClusterName = 'c1';
    }
    sim.putEvent({ ...alarm, time: new Date(sim.nowMs).toISOString() });
    await sim.runFor(10);
    expect(sim.invocations.filter((r) => r.fn === 'cluster-dispatcher')).toHaveLength(2);
    expect(queueOf(sim).stats).toMatchObject({ sent: 1, deduplicated: 1 });
    const decided = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { kind: string }[] }).requests);
    expect(decided).toEqual([expect.objectContaining({ kind: 'alarm', status: 'ok', action: 'scale-out' })]);
  });

  it('decides each cluster once when the dispatcher dies half-way and Lambda retries the tick', async () => {
    sim = await world(12);
    // Calls: DescribeAutoScalingGroups, DescribeAlarms, SendMessageBatch (10), SendMessageBatch (2).
    sim.faults.invocations({ function: 'cluster-dispatcher', killAfterApiCalls: 3, count: 1 });
    await sim.runFor(60 + 60 + 30);
    const dispatches = sim.invocations.filter((r) => r.fn === 'cluster-dispatcher');
    expect(dispatches[0]!.outcome).toBe('timeout');
    const requests = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { cluster: string; kind: string }[] }).requests);
    // Ticks at 60 s (10 sent, then killed) and 120 s, and the retry of the first at 120 s: it resent all
    // twelve with the first tick's time and SQS dropped the ten it already had (alarm requests aside).
    expect(queueOf(sim).stats.deduplicated).toBe(10);
    const perCluster = new Map<string, number>();
    for (const r of requests.filter((x) => x.kind === 'tick')) {
      perCluster.set(r.cluster, (perCluster.get(r.cluster) ?? 0) + 1);
    }
    expect([...perCluster.values()]).toEqual(Array(12).fill(2));
  });
});

describe('ECS task placement failures', () => {
  it('decides a managed cluster of a paced account within seconds of ECS failing to place a task, once per cluster and minute', async () => {
    // A paced account: each cluster's tick comes every 5 minutes only (tick-pacing.ts).
    process.env.TICK_PERIOD_MINUTES = '5';
    sim = shop(4, { cpu: 1024, memory: 2048 }, 1);
    // Two services that do not fit on the one instance: ECS reports each (two events, one minute).
    sim.createService({ cluster: 'shop', name: 'web', taskDefinition: 'web', desiredCount: 6 });
    sim.createService({ cluster: 'shop', name: 'api', taskDefinition: 'web', desiredCount: 4 });
    // A cluster nobody tagged for the scaler: its failures are not the scaler's business.
    sim.createCluster('other');
    sim.createService({ cluster: 'other', name: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.install();
    await sim.loadServerless('serverless.yml', { only: ['cluster-dispatcher', 'cluster-scaler'] });
    await sim.runFor(50);

    const dispatches = sim.invocations.filter((r) => r.fn === 'cluster-dispatcher');
    // No tick before 60 s: every dispatch so far is one of ECS's placement failures.
    expect(dispatches.every((r) => r.trigger === 'ECS Service Action')).toBe(true);
    const results = dispatches.map((r) => r.result as { status: string; queued: number });
    expect(results.filter((r) => r.status === 'ok')).toEqual([
      expect.objectContaining({ queued: 1 }),
      expect.objectContaining({ queued: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'ignored')).toHaveLength(1); // cluster 'other'
    // The two services' requests of the same minute are one message (FIFO deduplication).
    expect(queueOf(sim).stats).toMatchObject({ sent: 1, deduplicated: 1 });
    const decided = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap(
        (r) =>
          (
            r.result as {
              requests: { cluster: string; kind: string; action?: string; latencySeconds: number }[];
            }
          ).requests,
      );
    expect(decided).toEqual([
      expect.objectContaining({ cluster: 'shop', kind: 'placement', status: 'ok', action: 'scale-out' }),
    ]);
    expect(decided[0]!.latencySeconds).toBeLessThan(10);
    expect(sim.asg.groups.get('shop-asg')!.desired).toBeGreaterThanOrEqual(3);
  });

  it('still decides the cluster at its tick when the placement failure events are lost', async () => {
    sim = await world(1);
    await sim.runFor(50);
    expect(desired(sim, 'c1')).toBe(1);
    await sim.runFor(40);
    expect(desired(sim, 'c1')).toBeGreaterThan(1);
  });
});

describe('one writer per group (issue 14)', () => {
  it('has the service scaler ask for growth on the queue; only the cluster scaler writes the group', async () => {
    sim = shop(5, { cpu: 512, memory: 1024 }, 3);
    // Full: 3 × m5.large hold 12 tasks of 512 CPU units.
    sim.createService({
      cluster: 'shop',
      name: 'web',
      taskDefinition: 'web',
      desiredCount: 12,
      tags: { 'ecs-autoscaler:service-scaling': 'enabled' },
    });
    sim.registerScalableTarget({ cluster: 'shop', service: 'web', min: 2, max: 30 });
    sim.install();
    await sim.loadServerless('serverless.yml', { only: ['service-scaler', 'cluster-scaler'] });
    const alarm = JSON.parse(readFileSync('events/service-scaler/cpu-high-alarm.json', 'utf8'));
    Object.assign(alarm.detail.configuration.metrics[0].metricStat.metric.dimensions, {
      ClusterName: 'shop',
      ServiceName: 'web',
    });
    const service = await sim.invoke('service-scaler', { ...alarm, time: new Date(sim.nowMs).toISOString() });
    expect(service.result).toMatchObject({ status: 'ok', clusterGrown: true, serviceUpdated: true });
    await sim.runFor(10);
    const groupWrites = sim.timeline.actions.filter((a) => a.service === 'autoscaling');
    expect(groupWrites.length).toBeGreaterThan(0);
    expect(new Set(groupWrites.map((a) => a.fn))).toEqual(new Set(['cluster-scaler']));
    expect(sim.asg.groups.get('shop-asg')!.desired).toBeGreaterThan(3);
    const grow = sim.invocations
      .filter((r) => r.fn === 'cluster-scaler')
      .flatMap((r) => (r.result as { requests: { kind: string; action?: string }[] }).requests);
    expect(grow).toEqual([expect.objectContaining({ kind: 'grow', action: 'scale-out' })]);
  });
});
