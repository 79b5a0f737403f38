import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonShaped } from '../../../shared/aws/limit.js';

const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

// SDK-like output: JSON values plus Dates, undefined members and undefined array items.
const sdkLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('jsonShaped', () => {
  it('gives what a JSON round trip gives for SDK-like output', () => {
    fc.assert(
      fc.property(sdkLike, (v) => {
        if (v === undefined) return;
        const before = structuredClone(v);
        const shaped = jsonShaped(v);
        expect(shaped).toEqual(roundTrip(v));
        // Same members in the same order, -0 as 0, and the input left as it was.
        expect(JSON.stringify(shaped)).toBe(JSON.stringify(v));
        expect(Object.is(shaped, -0)).toBe(false);
        expect(v).toEqual(before);
      }),
    );
  });

  it('copies what JSON changes and shares what it carries unchanged', () => {
    const clean = { name: 'CPU', values: [1, 'a', true, null], nested: { x: 1 } };
    const input = { at: new Date(0), clean, negZero: -0, list: [clean, undefined] };
    const out = jsonShaped(input) as Record<string, unknown>;
    expect(out).not.toBe(input);
    expect(out.clean).toBe(clean);
    expect(Object.is(out.negZero, 0)).toBe(true);
    expect(out.list).toEqual([clean, null]);
    expect((out.list as unknown[])[0]).toBe(clean);
    expect(Object.keys(out)).toEqual(['at', 'clean', 'negZero', 'list']);
    expect(input.list).toEqual([clean, undefined]);
  });

  it('turns Dates into ISO strings and drops undefined members', () => {
    expect(jsonShaped({ at: new Date(0), gone: undefined, list: [undefined, 1] })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      list: [null, 1],
    });
  });
});
