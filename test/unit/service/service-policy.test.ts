import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/core/errors.js';
import {
  chooseStep,
  DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
  DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
  parseSeconds,
  parseServiceScalingConfig,
  parseSteps,
  SERVICE_TAGS,
} from '../../../shared/core/service/policy.js';

const OUT = SERVICE_TAGS.scaleOutStep;
const IN = SERVICE_TAGS.scaleInStep;

describe('parseSteps', () => {
  it.each([
    ['+2', '+', [{ lowerBound: 0, change: { kind: 'tasks', value: 2 } }]],
    ['2', '+', [{ lowerBound: 0, change: { kind: 'tasks', value: 2 } }]],
    ['+50pct', '+', [{ lowerBound: 0, change: { kind: 'percent', value: 50 } }]],
    ['+50%', '+', [{ lowerBound: 0, change: { kind: 'percent', value: 50 } }]],
    ['-1', '-', [{ lowerBound: 0, change: { kind: 'tasks', value: 1 } }]],
    ['-25pct', '-', [{ lowerBound: 0, change: { kind: 'percent', value: 25 } }]],
    [
      '25:+50pct 0:+1   10:+2',
      '+',
      [
        { lowerBound: 0, change: { kind: 'tasks', value: 1 } },
        { lowerBound: 10, change: { kind: 'tasks', value: 2 } },
        { lowerBound: 25, change: { kind: 'percent', value: 50 } },
      ],
    ],
    [
      '0:-1 12.5:-2',
      '-',
      [
        { lowerBound: 0, change: { kind: 'tasks', value: 1 } },
        { lowerBound: 12.5, change: { kind: 'tasks', value: 2 } },
      ],
    ],
  ] as const)('parses %j (%s) sorted by bound', (value, sign, expected) => {
    expect(parseSteps(sign === '+' ? OUT : IN, value, sign)).toEqual(expected);
  });

  it.each([
    ['', '+', 'it is empty'],
    ['-2', '+', "has the sign '-' but this tag adds tasks"],
    ['+1', '-', "has the sign '+' but this tag removes tasks"],
    ['+0', '+', 'whole number > 0'],
    ['+1.5', '+', 'whole number > 0'],
    ['+0pct', '+', 'percentage must be in (0, 1000]'],
    ['two', '+', "'two' is not a change"],
    ['+1 +2', '+', "no 'bound:' prefix"],
    ['0:+1 0:+2', '+', 'the bound 0 appears twice'],
    ['x:+1', '+', "'x' is not a bound"],
    ['-5:+1', '+', "'-5' is not a bound"],
  ] as const)('rejects %j (%s) naming the tag, the value and the problem', (value, sign, problem) => {
    const tag = sign === '+' ? OUT : IN;
    const call = () => parseSteps(tag, value, sign);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(`tag ${tag}='${value}' is invalid`);
    expect(call).toThrow(problem);
    expect(call).toThrow('Allowed:');
  });
});

describe('parseSeconds', () => {
  it.each([
    ['60', 60],
    ['0', 0],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
    [' 2M ', 120],
  ])('reads %j as %i s', (value, seconds) => {
    expect(parseSeconds(SERVICE_TAGS.scaleInCooldown, value)).toBe(seconds);
  });

  it.each(['', 'soon', '-5', '1.5m', '2d', '25h'])('rejects %j', (value) => {
    expect(() => parseSeconds(SERVICE_TAGS.scaleInCooldown, value)).toThrow(
      `tag ${SERVICE_TAGS.scaleInCooldown}='${value}' is invalid`,
    );
  });
});

describe('chooseStep', () => {
  const steps = parseSteps(OUT, '0:+1 10:+2 25:+50pct', '+');
  it.each([
    // breach, current desired, tasks
    [0, 4, 1],
    [9.99, 4, 1],
    [10, 4, 2],
    [24, 40, 2],
    [25, 40, 20], // 50 % of 40
    [30, 2, 2], // 50 % of 2 is 1: the +2 step below still applies (never less for a larger breach)
    [30, 5, 2], // floor(2.5) = 2
    [30, 9, 4],
  ])('breach %d at %d desired adds %d task(s)', (breach, current, tasks) => {
    expect(chooseStep(steps, breach, current)?.tasks).toBe(tasks);
  });

  it('gives at least one task for a small percentage, even from zero', () => {
    const pct = parseSteps(OUT, '+10pct', '+');
    expect(chooseStep(pct, 5, 0)?.tasks).toBe(1);
    expect(chooseStep(pct, 5, 3)?.tasks).toBe(1);
    expect(chooseStep(pct, 5, 30)?.tasks).toBe(3);
  });

  it('gives no step for a breach below the first bound (a dead band)', () => {
    expect(chooseStep(parseSteps(OUT, '5:+1', '+'), 4, 3)).toBeUndefined();
    expect(chooseStep(parseSteps(OUT, '5:+1', '+'), 5, 3)?.tasks).toBe(1);
  });
});

describe('parseServiceScalingConfig', () => {
  it('is disabled without the opt-in tag, with sane defaults', () => {
    const c = parseServiceScalingConfig({});
    expect(c.enabled).toBe(false);
    expect(c.scaleOutCooldownSeconds).toBe(DEFAULT_SCALE_OUT_COOLDOWN_SECONDS);
    expect(c.scaleInCooldownSeconds).toBe(DEFAULT_SCALE_IN_COOLDOWN_SECONDS);
    expect(c.scaleInCooldownSeconds).toBeGreaterThan(c.scaleOutCooldownSeconds);
    expect(c.scaleIn).toEqual([{ lowerBound: 0, change: { kind: 'tasks', value: 1 } }]);
    expect(c.clusterAware).toBe(true);
    expect(c.takeOver).toBe(false);
    expect(c.dryRun).toBe(false);
  });

  it.each([
    [{ [SERVICE_TAGS.scaling]: 'enabled' }, true],
    [{ [SERVICE_TAGS.scaling]: 'disabled' }, false],
    [{}, false],
  ] as const)('opt-in: service tags %j → enabled %s', (tags, enabled) => {
    expect(parseServiceScalingConfig(tags).enabled).toBe(enabled);
  });

  it.each(['Enabled', 'ENABLED', ' enabled', 'enabled '])(
    "rejects the opt-in '%s', which the IAM policy's case-sensitive StringEquals would not match",
    (value) => {
      const call = () => parseServiceScalingConfig({ [SERVICE_TAGS.scaling]: value });
      expect(call).toThrow(ConfigurationError);
      expect(call).toThrow(`tag ${SERVICE_TAGS.scaling}='${value}' is invalid`);
      expect(call).toThrow('StringEquals, case-sensitive');
    },
  );

  it('reads every setting from the service tags alone', () => {
    const c = parseServiceScalingConfig({
      [SERVICE_TAGS.scaling]: 'enabled',
      [SERVICE_TAGS.scaleOutCooldown]: '2m',
      [SERVICE_TAGS.scaleInCooldown]: '15m',
    });
    expect(c.scaleOutCooldownSeconds).toBe(120);
    expect(c.scaleInCooldownSeconds).toBe(900);
  });

  it.each([
    [
      { [SERVICE_TAGS.scaling]: 'yes' },
      `tag ${SERVICE_TAGS.scaling}='yes' is invalid`,
      "'enabled' or 'disabled'",
    ],
    [{ [SERVICE_TAGS.takeOver]: 'maybe' }, `tag ${SERVICE_TAGS.takeOver}='maybe'`, "'true' or 'false'"],
    [{ [SERVICE_TAGS.scaleOutStep]: '+lots' }, `tag ${SERVICE_TAGS.scaleOutStep}='+lots'`, 'Allowed:'],
    [{ [SERVICE_TAGS.minTasks]: '2' }, `tag ${SERVICE_TAGS.minTasks} is set but`, 'set both'],
    [
      { [SERVICE_TAGS.minTasks]: '5', [SERVICE_TAGS.maxTasks]: '2' },
      `${SERVICE_TAGS.minTasks}=5 and ${SERVICE_TAGS.maxTasks}=2`,
      'min is above max',
    ],
    [
      { [SERVICE_TAGS.maxTasks]: 'ten', [SERVICE_TAGS.minTasks]: '1' },
      `${SERVICE_TAGS.maxTasks}='ten'`,
      'whole number',
    ],
  ])('rejects %j with a ConfigurationError', (tags, first, second) => {
    const call = () => parseServiceScalingConfig({ [SERVICE_TAGS.scaling]: 'enabled', ...tags });
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(first);
    expect(call).toThrow(second);
  });
});
