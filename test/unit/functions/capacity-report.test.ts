import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import typo from '../../../events/capacity-report/invalid-typo.json' with { type: 'json' };
import scheduled from '../../../events/capacity-report/scheduled-event.json' with { type: 'json' };
import {
  handler,
  parseCapacityReportEvent,
  reportCapacity,
} from '../../../functions/capacity-report/handler.js';
import { clearTaskDefinitionCache } from '../../../shared/aws/snapshot-reader.js';
import { InvalidEventError, NotFoundError } from '../../../shared/core/errors.js';
import { setClock } from '../../../shared/runtime/clock.js';
import { mockAccount } from '../aws/reader-fixture.js';

let account: ReturnType<typeof mockAccount>;
let restoreClock: () => void;
beforeEach(() => {
  clearTaskDefinitionCache();
  account = mockAccount({ cluster: 'demo', instances: 12, services: 3 });
  restoreClock = setClock(() => Date.parse('2026-11-22T10:00:00Z'));
});
afterEach(() => {
  account.restore();
  restoreClock();
});

const READ_ONLY = /^(Describe|List)/;

describe('capacity-report handler', () => {
  it('reports the named clusters and sends zero mutating commands', async () => {
    const report = await reportCapacity({ clusters: ['demo'] }, { clients: account.clients });
    expect(report).toMatchObject({ generatedAt: '2026-11-22T10:00:00.000Z', dryRun: true });
    expect(report.clusters.map((c) => c.cluster)).toEqual(['demo']);
    expect(report.clusters[0]!.instances.total).toBe(12);
    expect(account.sent()).toEqual(
      expect.arrayContaining(['DescribeClusters', 'DescribeContainerInstances']),
    );
    expect(account.sent().filter((c) => !READ_ONLY.test(c))).toEqual([]);
  });

  it('sees a write if one were sent (the zero-writes checks above can fail)', async () => {
    const { SetDesiredCapacityCommand } = await import('@aws-sdk/client-auto-scaling');
    await account.clients.autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: 'x', DesiredCapacity: 1 }),
    );
    expect(account.sent().filter((c) => !READ_ONLY.test(c))).toEqual(['SetDesiredCapacity']);
  });

  it('reports every tagged cluster for an empty event, through the middy handler', async () => {
    const report = await handler({}, { functionName: 'capacity-report', awsRequestId: 'r-1' } as Context);
    expect(report.clusters.map((c) => c.cluster)).toEqual(['demo']);
    expect(account.sent().length).toBeGreaterThan(0);
    expect(account.sent().filter((c) => !READ_ONLY.test(c))).toEqual([]);
  });

  it('throws NotFoundError for an unknown cluster, after read calls only', async () => {
    await expect(
      reportCapacity({ clusters: ['ghost'] }, { clients: account.clients }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // MISSING is asked once more before it is believed (snapshot-reader.ts: a lone failure item may be a
    // partial answer); nothing else is read.
    expect(account.calls).toEqual(['DescribeClusters', 'DescribeClusters']);
  });
});

describe('parseCapacityReportEvent', () => {
  it('accepts the documented shapes', () => {
    expect(parseCapacityReportEvent({ clusters: ['a', ' b '] })).toEqual({ clusters: ['a', 'b'] });
    expect(parseCapacityReportEvent({})).toEqual({});
    expect(parseCapacityReportEvent(undefined)).toEqual({});
    expect(parseCapacityReportEvent(scheduled)).toEqual({});
  });

  it.each([
    [typo, /field '\(root\)' is invalid: Unrecognized key: "cluster"/],
    [{ clusters: 'demo' }, /field 'clusters' is invalid/],
    [{ clusters: ['demo', ''] }, /field 'clusters\[1\]' is invalid: a cluster name must not be empty/],
    ['demo', /Expected \{ "clusters"\?: \["cluster-name", \.\.\.\] \}/],
  ])('rejects %j with a clear InvalidEventError', (event, message) => {
    expect(() => parseCapacityReportEvent(event)).toThrow(InvalidEventError);
    expect(() => parseCapacityReportEvent(event)).toThrow(message);
  });
});
