import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/core/errors.js';
import { BUILTIN_TRACES } from '../../../sim/traces/builtin.js';
import { desiredAt, parseTraceCsv, parseTraceFile, traceServices } from '../../../sim/traces/trace.js';

describe('trace files', () => {
  it('reads a wide CSV where an empty cell keeps the previous count', () => {
    const trace = parseTraceCsv('t,web,api\n0,4,2\n600,8,\n1200,,1\n', 'day.csv', 3600);
    expect(trace.durationSeconds).toBe(3600);
    expect(desiredAt(trace, 0)).toEqual({ web: 4, api: 2 });
    expect(desiredAt(trace, 900)).toEqual({ web: 8, api: 2 });
    expect(desiredAt(trace, 1200)).toEqual({ web: 8, api: 1 });
  });

  it('reads JSON and sorts the points by time', () => {
    const text = JSON.stringify({
      name: 'x',
      durationSeconds: 600,
      points: [
        { t: 300, desired: { web: 2 } },
        { t: 0, desired: { web: 1 } },
      ],
    });
    expect(parseTraceFile(text, 'x.json').points.map((p) => p.t)).toEqual([0, 300]);
  });

  it.each([
    ['x.json', '{', /not valid JSON/],
    [
      'x.json',
      JSON.stringify({ name: 'x', durationSeconds: 60, points: [{ t: 0, desired: { web: -1 } }] }),
      /points\.0\.desired\.web/,
    ],
    [
      'x.json',
      JSON.stringify({ name: 'x', durationSeconds: 60, points: [{ t: 120, desired: { web: 1 } }] }),
      /after durationSeconds/,
    ],
    ['x.csv', 'time,web\n0,1\n', /header/],
    ['x.csv', 't,web\n0,many\n', /row 2: web 'many'/],
  ])('rejects a bad %s with a message naming the problem', (name, text, message) => {
    expect(() => parseTraceFile(text, name)).toThrow(ConfigurationError);
    expect(() => parseTraceFile(text, name)).toThrow(message);
  });

  it('ships the built-in traces over the benchmark services', () => {
    expect(Object.keys(BUILTIN_TRACES)).toEqual(['diurnal', 'spike', 'sawtooth', 'batch-burst', 'weekly']);
    const diurnal = BUILTIN_TRACES.diurnal!();
    expect(diurnal.durationSeconds).toBe(86_400);
    expect(traceServices(diurnal).sort()).toEqual(['api', 'batch', 'web', 'worker']);
    expect(desiredAt(BUILTIN_TRACES.spike!(), 3700).web).toBe(50);
  });

  it('has a 7-day weekly trace: busy weekdays, a quiet weekend, the same noise every time', () => {
    const weekly = BUILTIN_TRACES.weekly!();
    expect(weekly.durationSeconds).toBe(7 * 86_400);
    expect(BUILTIN_TRACES.weekly!()).toEqual(weekly);
    const at = (day: number, hour: number) => desiredAt(weekly, (day * 24 + hour) * 3600).web ?? 0;
    expect(at(2, 16)).toBeGreaterThan(2 * at(5, 16));
    expect(at(2, 4)).toBeLessThan(at(2, 16) / 3);
    // Noise: the same hour on two weekdays differs a little, not by the day's shape.
    expect(at(1, 16)).not.toBe(at(3, 16));
  });
});
