import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DRAIN_SECONDS,
  resolveDrainDefaults,
  resolveDrainSettings,
  selectTerminateHook,
} from '../../../shared/core/drain/config.js';
import { ConfigurationError } from '../../../shared/core/errors.js';

const defaults = { dryRun: false, maxDrainSeconds: DEFAULT_MAX_DRAIN_SECONDS };
const tags = (pairs: Record<string, string>) => Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));

describe('resolveDrainDefaults', () => {
  it('defaults to writing, with a one-hour maximum drain', () => {
    expect(resolveDrainDefaults({})).toEqual({ dryRun: false, maxDrainSeconds: 3600 });
  });

  it('reads DRY_RUN and MAX_DRAIN_SECONDS', () => {
    expect(resolveDrainDefaults({ DRY_RUN: 'true', MAX_DRAIN_SECONDS: '900' })).toEqual({
      dryRun: true,
      maxDrainSeconds: 900,
    });
  });

  it.each(['yes', '1'])('rejects DRY_RUN=%s naming the allowed values', (value) => {
    expect(() => resolveDrainDefaults({ DRY_RUN: value })).toThrow(
      /DRY_RUN is '.*'; allowed values: true, false/,
    );
  });

  it.each(['abc', '-5', '30', '200000', '1.5'])('rejects MAX_DRAIN_SECONDS=%s', (value) => {
    expect(() => resolveDrainDefaults({ MAX_DRAIN_SECONDS: value })).toThrow(ConfigurationError);
  });
});

describe('resolveDrainSettings', () => {
  it('treats a group without the cluster tag as unmanaged', () => {
    expect(resolveDrainSettings('other-asg', tags({ Name: 'x' }), defaults)).toBeUndefined();
  });

  it('reads the cluster, dry-run, max drain time and hook tags', () => {
    const settings = resolveDrainSettings(
      'web-prod-asg',
      tags({
        'ecs-autoscaler:cluster': 'web-prod',
        'ecs-autoscaler:dry-run': 'true',
        'ecs-autoscaler:max-drain-time': '1800',
        'ecs-autoscaler:drain-hook': 'ecs-drain',
      }),
      defaults,
    );
    expect(settings).toEqual({
      asgName: 'web-prod-asg',
      cluster: 'web-prod',
      dryRun: true,
      maxDrainSeconds: 1800,
      hookName: 'ecs-drain',
    });
  });

  it('lets a global DRY_RUN win over a group tag dry-run=false', () => {
    const settings = resolveDrainSettings(
      'a',
      tags({ 'ecs-autoscaler:cluster': 'c', 'ecs-autoscaler:dry-run': 'false' }),
      { ...defaults, dryRun: true },
    );
    expect(settings?.dryRun).toBe(true);
  });

  it('rejects an invalid max-drain-time naming the group, the tag and the allowed values', () => {
    expect(() =>
      resolveDrainSettings(
        'web-prod-asg',
        tags({ 'ecs-autoscaler:cluster': 'web-prod', 'ecs-autoscaler:max-drain-time': '1h' }),
        defaults,
      ),
    ).toThrow(
      "Auto Scaling group 'web-prod-asg': tag ecs-autoscaler:max-drain-time is '1h'; allowed values: a whole number of seconds from 60 to 172800",
    );
  });

  it('rejects an invalid dry-run tag', () => {
    expect(() =>
      resolveDrainSettings(
        'a',
        tags({ 'ecs-autoscaler:cluster': 'c', 'ecs-autoscaler:dry-run': 'maybe' }),
        defaults,
      ),
    ).toThrow(/ecs-autoscaler:dry-run is 'maybe'; allowed values: true, false/);
  });

  it('rejects an empty cluster tag', () => {
    expect(() => resolveDrainSettings('a', tags({ 'ecs-autoscaler:cluster': ' ' }), defaults)).toThrow(
      ConfigurationError,
    );
  });
});

describe('selectTerminateHook', () => {
  const hooks = [{ name: 'ecs-drain' }, { name: 'log-shipper' }];
  it('picks the only hook, or none', () => {
    expect(selectTerminateHook('a', [{ name: 'ecs-drain' }], undefined)).toEqual({ name: 'ecs-drain' });
    expect(selectTerminateHook('a', [], undefined)).toBeUndefined();
  });
  it('picks the tagged hook among several', () => {
    expect(selectTerminateHook('a', hooks, 'ecs-drain')).toEqual({ name: 'ecs-drain' });
  });
  it('asks for the tag when several hooks exist', () => {
    expect(() => selectTerminateHook('a', hooks, undefined)).toThrow(/ecs-autoscaler:drain-hook=<hook name>/);
  });
  it('says when the tagged hook does not exist', () => {
    expect(() => selectTerminateHook('a', hooks, 'nope')).toThrow(/names hook 'nope'/);
  });
});
