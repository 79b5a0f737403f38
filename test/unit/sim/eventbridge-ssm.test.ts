/**
 * The simulator's EventBridge PutEvents and SSM Parameter Store, against AWS's documented rules (API
 * references "PutEvents", "PutParameter", "GetParameter"), independent of the project's code: these are
 * what the decision-event scenario relies on.
 */
import { describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';

const sim = (): Sim => {
  const w = createSim({ seed: 5 });
  w.start();
  return w;
};

describe('sim EventBridge: PutEvents on the default bus', () => {
  it('accepts 1–10 entries, gives each an EventId and keeps the event with its parsed detail', async () => {
    const w = sim();
    const out = (await w.call('events', 'PutEvents', {
      Entries: [{ Source: 'ecs-autoscaler', DetailType: 'X', Detail: '{"a":1}', Resources: ['r'] }],
    })) as { FailedEntryCount: number; Entries: { EventId?: string }[] };
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries[0]!.EventId).toBeTruthy();
    expect(w.eventBus.events).toEqual([
      expect.objectContaining({
        source: 'ecs-autoscaler',
        detailType: 'X',
        detail: { a: 1 },
        resources: ['r'],
      }),
    ]);
    await expect(w.call('events', 'PutEvents', { Entries: [] })).rejects.toThrow();
    const eleven = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    await expect(w.call('events', 'PutEvents', { Entries: eleven })).rejects.toThrow();
  });

  it('refuses bad entries one by one (FailedEntryCount), keeping the good ones', async () => {
    const w = sim();
    const out = (await w.call('events', 'PutEvents', {
      Entries: [
        { Source: 'aws.ecs', DetailType: 'd', Detail: '{}' },
        { Source: 's', DetailType: 'd', Detail: 'not json' },
        { Source: 's', DetailType: 'd', Detail: '[1]' },
        { Source: 's', Detail: '{}' },
        { Source: 's', DetailType: 'd', Detail: JSON.stringify({ x: 'y'.repeat(300 * 1024) }) },
        { Source: 's', DetailType: 'ok', Detail: '{}' },
      ],
    })) as { FailedEntryCount: number; Entries: { EventId?: string; ErrorCode?: string }[] };
    expect(out.FailedEntryCount).toBe(5);
    expect(out.Entries.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'ok',
    ]);
    expect(w.eventBus.events.map((e) => e.detailType)).toEqual(['ok']);
  });

  it('delivers a put event to a function whose rule matches it', async () => {
    const w = sim();
    const seen: unknown[] = [];
    w.register({
      name: 'listener',
      handler: async (e: unknown) => {
        seen.push(e);
      },
      patterns: [{ source: ['ecs-autoscaler'] }],
    });
    await w.call('events', 'PutEvents', {
      Entries: [{ Source: 'ecs-autoscaler', DetailType: 'd', Detail: '{"k":2}' }],
    });
    await w.runFor(5);
    expect(seen).toEqual([
      expect.objectContaining({ source: 'ecs-autoscaler', 'detail-type': 'd', detail: { k: 2 } }),
    ]);
  });
});

describe('sim SSM Parameter Store', () => {
  const put = (w: Sim, input: Record<string, unknown>) =>
    w.call('ssm', 'PutParameter', { Type: 'String', ...input });

  it('stores, versions and returns a parameter; an unknown one is ParameterNotFound', async () => {
    const w = sim();
    await expect(w.call('ssm', 'GetParameter', { Name: '/app/x' })).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    expect(await put(w, { Name: '/app/x', Value: 'one' })).toMatchObject({ Version: 1 });
    await expect(put(w, { Name: '/app/x', Value: 'two' })).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
    });
    expect(await put(w, { Name: '/app/x', Value: 'two', Overwrite: true })).toMatchObject({ Version: 2 });
    const got = (await w.call('ssm', 'GetParameter', { Name: '/app/x' })) as {
      Parameter: { Value: string; Version: number; Name: string };
    };
    expect(got.Parameter).toMatchObject({ Name: '/app/x', Value: 'two', Version: 2 });
  });

  it('refuses what AWS refuses: a value over 4 KB (Standard), a bad or reserved name, 16 levels', async () => {
    const w = sim();
    await expect(put(w, { Name: '/app/big', Value: 'x'.repeat(4097) })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(await put(w, { Name: '/app/fits', Value: 'x'.repeat(4096) })).toMatchObject({ Version: 1 });
    await expect(put(w, { Name: '/app/bad name', Value: 'v' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(put(w, { Name: '/aws/x', Value: 'v' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`;
    await expect(put(w, { Name: deep, Value: 'v' })).rejects.toMatchObject({
      name: 'HierarchyLevelLimitExceededException',
    });
  });
});
