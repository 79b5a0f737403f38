import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatcherHandler, setDispatcherPorts } from '../../../functions/cluster-dispatcher/handler.js';
import { type ClusterRequest, requestKey, tickSlot } from '../../../shared/core/cluster/index.js';
import { TransientAwsError } from '../../../shared/core/errors.js';

const sent: ClusterRequest[] = [];
const deleted: string[] = [];
const TICK = {
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  time: '2025-01-06T10:00:00Z',
  detail: {},
};
const alarmName = (c: string, kind = 'capacity-deficit') => `ecs-autoscaler-cluster-${c}-${kind}`;

const use = (
  managed: string[],
  alarms: string[],
  opts: { sendFails?: boolean; instances?: number; inAlarm?: string[] } = {},
) =>
  setDispatcherPorts({
    listManagedClusters: async () =>
      new Map(managed.map((c) => [c, { groups: [`${c}-asg`], instances: opts.instances ?? 3 }])),
    alarms: {
      list: async () =>
        alarms.map((AlarmName) => ({
          AlarmName,
          Threshold: 1,
          StateValue: opts.inAlarm?.includes(AlarmName) ? 'ALARM' : 'OK',
        })),
      put: async () => {},
      delete: async (names) => void deleted.push(...names),
    },
    queue: {
      send: async (r) => {
        if (opts.sendFails) throw new TransientAwsError('sqs:SendMessage throttled; retry later');
        sent.push(...r);
      },
    },
  });

afterEach(() => {
  setDispatcherPorts(undefined);
  sent.length = 0;
  deleted.length = 0;
  delete process.env.DRY_RUN;
  delete process.env.TICK_PERIOD_MINUTES;
});

describe('cluster dispatcher', () => {
  it('sends one tick request per managed cluster with its own alarms, deletes the unmanaged ones and asks for their release', async () => {
    use(['b', 'a'], [alarmName('a'), alarmName('a', 'cpu-reservation-high'), alarmName('gone')]);
    const result = await dispatcherHandler(TICK);
    expect(result).toMatchObject({
      status: 'ok',
      trigger: 'tick',
      queued: 3,
      alarmsDeleted: [alarmName('gone')],
    });
    // Issue 15: the cluster whose alarms remain without a managed group was opted out: released once.
    expect(sent.map((r) => [r.kind, r.cluster, r.at])).toEqual([
      ['tick', 'a', '2025-01-06T10:00:00.000Z'],
      ['tick', 'b', '2025-01-06T10:00:00.000Z'],
      ['release', 'gone', '2025-01-06T10:00:00.000Z'],
    ]);
    const a = sent[0] as Extract<ClusterRequest, { kind: 'tick' }>;
    expect(a.alarms?.map((x) => x.AlarmName)).toEqual([
      alarmName('a'),
      alarmName('a', 'cpu-reservation-high'),
    ]);
    // State fields are not carried (they are not compared and only grow the message).
    expect(a.alarms?.[0]).not.toHaveProperty('StateValue');
    expect(deleted).toEqual([alarmName('gone')]);
  });

  it('deletes nothing in dry run', async () => {
    process.env.DRY_RUN = 'true';
    use(['a'], [alarmName('gone')]);
    expect(await dispatcherHandler(TICK)).toMatchObject({ queued: 1, alarmsDeleted: [] });
    expect(deleted).toEqual([]);
    expect(sent.map((r) => r.kind)).toEqual(['tick']);
  });

  it('turns an alarm of the scaler into one request for its cluster', async () => {
    use([], []);
    const event = JSON.parse(readFileSync('events/cloudwatch/capacity-deficit-alarm.json', 'utf8'));
    const result = await dispatcherHandler(event);
    expect(result).toMatchObject({ status: 'ok', trigger: 'alarm', queued: 1 });
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'alarm', cluster: 'web-prod', alarm: event.detail.alarmName }),
    ]);
  });

  it('sends nothing for a malformed event, and rethrows when the queue refuses (Lambda retries)', async () => {
    use(['a'], []);
    expect(await dispatcherHandler({ source: 'aws.events' })).toMatchObject({
      status: 'invalid-event',
      queued: 0,
    });
    expect(sent).toEqual([]);
    use(['a'], [], { sendFails: true });
    await expect(dispatcherHandler(TICK)).rejects.toBeInstanceOf(TransientAwsError);
  });

  describe("ECS's task placement failures", () => {
    // AWS's sample (ecs-facts §3.3): service servicetest of cluster default, reason RESOURCE:CPU.
    const sample = () =>
      JSON.parse(readFileSync('events/ecs/service-action-task-placement-failure.sample.json', 'utf8'));

    it('sends one placement request for a managed cluster, at once, with the service and the reason', async () => {
      process.env.TICK_PERIOD_MINUTES = '5';
      use(['default'], []);
      expect(await dispatcherHandler(sample())).toMatchObject({
        status: 'ok',
        trigger: 'placement-failure',
        queued: 1,
      });
      expect(sent).toEqual([
        {
          v: 1,
          kind: 'placement',
          cluster: 'default',
          service: 'servicetest',
          reason: 'RESOURCE:CPU',
          at: '2019-11-19T19:55:38.000Z',
        },
      ]);
      // One per cluster and minute: a second service failing in the same minute is the same message.
      const other = sample();
      other.resources = ['arn:aws:ecs:us-west-2:123456789012:service/default/api'];
      other.time = '2019-11-19T19:55:51Z';
      await dispatcherHandler(other);
      expect(sent.map(requestKey)).toEqual([
        'placement|default|2019-11-19T19:55',
        'placement|default|2019-11-19T19:55',
      ]);
    });

    it('ignores an unmanaged cluster, Fargate capacity and other service actions: nothing sent', async () => {
      use(['web-prod'], []);
      expect(await dispatcherHandler(sample())).toMatchObject({ status: 'ignored', queued: 0 });
      use(['default'], []);
      const fargate = sample();
      fargate.detail.reason = 'RESOURCE:FARGATE';
      expect(await dispatcherHandler(fargate)).toMatchObject({ status: 'ignored', queued: 0 });
      const steady = sample();
      steady.detail.eventName = 'SERVICE_STEADY_STATE';
      expect(await dispatcherHandler(steady)).toMatchObject({ status: 'ignored', queued: 0 });
      expect(sent).toEqual([]);
    });

    it('rejects a malformed service action with a message naming the field; nothing sent', async () => {
      use(['default'], []);
      const bad = sample();
      bad.detail.clusterArn = 'default';
      const r = await dispatcherHandler(bad);
      expect(r).toMatchObject({ status: 'invalid-event', queued: 0 });
      expect(r.message).toContain("'detail.clusterArn'");
      const noDetail = sample();
      delete noDetail.detail;
      expect(await dispatcherHandler(noDetail)).toMatchObject({ status: 'invalid-event', queued: 0 });
      expect(sent).toEqual([]);
    });
  });

  describe('tick pacing (issue 19)', () => {
    const tickAt = (minute: number) => ({
      ...TICK,
      time: new Date(Date.parse('2025-01-06T10:00:00Z') + minute * 60_000).toISOString(),
    });
    const names = Array.from({ length: 400 }, (_, i) => `cluster-${i}`);

    it('ticks every cluster every minute in a small account', async () => {
      use(['a', 'b', 'c'], []);
      expect(await dispatcherHandler(TICK)).toMatchObject({ queued: 3, clusters: 3, periodMinutes: 1 });
    });

    it('in a large account, ticks each cluster once every k minutes, spread over the k minutes', async () => {
      // 250 clusters × 40 instances: 6 cluster-resource reads per decision, 1,500 a minute > 600 (half the refill).
      use(names.slice(0, 250), [], { instances: 40 });
      const seen = new Map<string, number>();
      const perMinute: number[] = [];
      for (let m = 0; m < 3; m++) {
        sent.length = 0;
        const r = await dispatcherHandler(tickAt(m));
        expect(r).toMatchObject({ clusters: 250, periodMinutes: 3 });
        perMinute.push(sent.length);
        for (const req of sent) seen.set(req.cluster, (seen.get(req.cluster) ?? 0) + 1);
      }
      expect([...seen.keys()].sort()).toEqual(names.slice(0, 250).sort());
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      for (const n of perMinute) expect(n).toBeLessThan(125);
      // The next period repeats the same minute for each cluster (a stable hash of its name).
      sent.length = 0;
      await dispatcherHandler(tickAt(3));
      const again = sent.map((r) => r.cluster);
      sent.length = 0;
      await dispatcherHandler(tickAt(0));
      expect(again).toEqual(sent.map((r) => r.cluster));
    });

    it('ticks a cluster with one of its alarms in ALARM every minute (it is not quiet)', async () => {
      const busy = alarmName('cluster-7');
      use(names.slice(0, 250), [busy, alarmName('cluster-8')], { instances: 40, inAlarm: [busy] });
      for (let m = 0; m < 3; m++) {
        sent.length = 0;
        expect(await dispatcherHandler(tickAt(m))).toMatchObject({ periodMinutes: 3, busy: 1 });
        expect(sent.map((r) => r.cluster)).toContain('cluster-7');
        const slot = tickSlot('cluster-8', 3) === Math.floor(Date.parse(tickAt(m).time) / 60_000) % 3;
        expect(sent.filter((r) => r.cluster === 'cluster-8').length).toBe(slot ? 1 : 0);
      }
    });

    it('never paces an alarm: it is sent at once whatever the tick period', async () => {
      process.env.TICK_PERIOD_MINUTES = '5';
      use(names, [], { instances: 40 });
      const event = JSON.parse(readFileSync('events/cloudwatch/capacity-deficit-alarm.json', 'utf8'));
      expect(await dispatcherHandler(event)).toMatchObject({ status: 'ok', trigger: 'alarm', queued: 1 });
    });

    it('TICK_PERIOD_MINUTES fixes the period; an invalid value is a configuration error with nothing sent', async () => {
      process.env.TICK_PERIOD_MINUTES = '2';
      use(['a', 'b', 'c', 'd', 'e', 'f'], []);
      expect(await dispatcherHandler(TICK)).toMatchObject({ periodMinutes: 2 });
      expect(sent.length).toBeLessThan(6);
      sent.length = 0;
      process.env.TICK_PERIOD_MINUTES = '0';
      expect(await dispatcherHandler(TICK)).toMatchObject({ status: 'configuration-error', queued: 0 });
      expect(sent).toEqual([]);
    });
  });
});
