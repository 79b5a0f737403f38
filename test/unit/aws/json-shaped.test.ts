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
        expect(jsonShaped(v)).toEqual(roundTrip(v));
      }),
    );
  });

  it('turns Dates into ISO strings and drops undefined members', () => {
    expect(jsonShaped({ at: new Date(0), gone: undefined, list: [undefined, 1] })).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      list: [null, 1],
    });
  });
});
