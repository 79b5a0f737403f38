import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatcherHandler, setDispatcherPorts } from '../../../functions/cluster-dispatcher/handler.js';
import type { ClusterRequest } from '../../../shared/core/cluster/index.js';
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

const use = (managed: string[], alarms: string[], opts: { sendFails?: boolean } = {}) =>
  setDispatcherPorts({
    listManagedClusters: async () => new Map(managed.map((c) => [c, [`${c}-asg`]])),
    alarms: {
      list: async () => alarms.map((AlarmName) => ({ AlarmName, Threshold: 1, StateValue: 'OK' })),
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
});

describe('cluster dispatcher', () => {
  it('sends one tick request per managed cluster with its own alarms, and deletes the unmanaged ones', async () => {
    use(['b', 'a'], [alarmName('a'), alarmName('a', 'cpu-reservation-high'), alarmName('gone')]);
    const result = await dispatcherHandler(TICK);
    expect(result).toMatchObject({
      status: 'ok',
      trigger: 'tick',
      queued: 2,
      alarmsDeleted: [alarmName('gone')],
    });
    expect(sent.map((r) => [r.kind, r.cluster, r.at])).toEqual([
      ['tick', 'a', '2025-01-06T10:00:00.000Z'],
      ['tick', 'b', '2025-01-06T10:00:00.000Z'],
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
});
