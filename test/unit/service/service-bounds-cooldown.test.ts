import { describe, expect, it } from 'vitest';
import { clamp, resolveBounds } from '../../../shared/core/service/bounds.js';
import {
  checkCooldown,
  formatScalingRecord,
  parseScalingRecord,
  type ScalingRecord,
} from '../../../shared/core/service/cooldown.js';
import { NOW } from './builders.js';

const target = {
  ServiceNamespace: 'ecs',
  ResourceId: 'service/web/api',
  ScalableDimension: 'ecs:service:DesiredCount',
  MinCapacity: 2,
  MaxCapacity: 8,
};

describe('resolveBounds', () => {
  it.each([
    [target, {}, { min: 2, max: 8, source: 'scalable-target' }],
    [target, { minTasks: 0, maxTasks: 100 }, { min: 2, max: 8, source: 'scalable-target' }],
    [undefined, { minTasks: 1, maxTasks: 4 }, { min: 1, max: 4, source: 'tags' }],
  ])('target %j, tags %j → %j', (t, tags, expected) => {
    expect(resolveBounds(t, { minTasks: undefined, maxTasks: undefined, ...tags })).toEqual(expected);
  });

  it('says what to do when there is neither a target nor tags', () => {
    const result = resolveBounds(undefined, { minTasks: undefined, maxTasks: undefined });
    expect(result).toHaveProperty('missing');
    expect((result as { missing: string }).missing).toContain('register a scalable target');
  });
});

describe('clamp', () => {
  it.each([
    [0, 2],
    [2, 2],
    [5, 5],
    [8, 8],
    [12, 8],
  ])('%d → %d within 2..8', (n, expected) => {
    expect(clamp(n, { min: 2, max: 8 })).toBe(expected);
  });
});

describe('scaling record', () => {
  it('round-trips through the tag value, using only characters tags allow', () => {
    const record: ScalingRecord = {
      action: 'scale-out',
      from: 3,
      to: 5,
      at: '2024-05-01T10:00:00.000Z',
      alarmStateTimestamp: '2024-05-01T09:59:58.120+0000',
    };
    const value = formatScalingRecord(record);
    expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    expect(value.length).toBeLessThanOrEqual(256);
    expect(parseScalingRecord(value)).toEqual(record);
  });

  it.each([undefined, '', 'scaled yesterday', 'scale-out 3 to 5 at never'])('ignores %j', (v) => {
    expect(parseScalingRecord(v)).toBeUndefined();
  });
});

describe('checkCooldown', () => {
  const cooldowns = { scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 };
  const rec = (action: ScalingRecord['action'], secondsAgo: number, from = 3, to = 5, alarm?: string) => ({
    action,
    from,
    to,
    at: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
    alarmStateTimestamp: alarm,
  });
  it.each([
    ['no record', undefined, 'scale-out', 5, 'clear'],
    ['scale-out 30 s after a scale-out', rec('scale-out', 30), 'scale-out', 5, 'cooling'],
    ['scale-out 60 s after a scale-out', rec('scale-out', 60), 'scale-out', 5, 'clear'],
    ['scale-out 10 s after a scale-in', rec('scale-in', 10, 5, 3), 'scale-out', 3, 'clear'],
    ['scale-in 200 s after a scale-out', rec('scale-out', 200), 'scale-in', 5, 'cooling'],
    ['scale-in 299 s after a scale-in', rec('scale-in', 299, 5, 4), 'scale-in', 4, 'cooling'],
    ['scale-in 300 s after a scale-in', rec('scale-in', 300, 5, 4), 'scale-in', 4, 'clear'],
    ['scale-out recorded but not applied', rec('scale-out', 5), 'scale-out', 3, 'resume'],
    ['scale-in while an unapplied scale-out cools', rec('scale-out', 5), 'scale-in', 3, 'cooling'],
    [
      'duplicate of a handled transition, long after',
      rec('scale-out', 9000, 3, 5, 'T1'),
      'scale-out',
      5,
      'duplicate',
    ],
  ] as const)('%s → %s', (_name, record, direction, current, kind) => {
    expect(checkCooldown(record, direction, current, cooldowns, NOW, 'T1').kind).toBe(kind);
  });

  it('names the end of the cooldown', () => {
    const check = checkCooldown(rec('scale-out', 30), 'scale-out', 5, cooldowns, NOW);
    expect(check).toEqual({
      kind: 'cooling',
      until: '2024-05-01T10:00:30.000Z',
      reason: expect.stringContaining('until 2024-05-01T10:00:30.000Z'),
    });
  });

  it('re-applies the recorded target when the write never happened', () => {
    expect(checkCooldown(rec('scale-out', 5), 'scale-out', 3, cooldowns, NOW)).toMatchObject({
      kind: 'resume',
      to: 5,
    });
  });
});
