/**
 * shared/core/zod-messages.ts writes out zod's English messages instead of loading the locale (2.7 KiB of
 * every Lambda bundle). Each message must be the locale's, word for word: operators read them in errors
 * ("field 'x' is invalid: Invalid input: expected string, received number"), and tests quote them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import {
  EnvelopeSchema,
  LifecycleActionDetailSchema,
  TaskStateChangeDetailSchema,
} from '../../../functions/instance-drainer/schemas.js';
import { ClusterSnapshotSchema } from '../../../shared/core/snapshot/snapshot.js';
import '../../../shared/core/zod-messages.js';

const locale = en().localeError as (issue: z.core.$ZodRawIssue) => string;

/** Every issue message of a parse: with the project's messages (the global config), and with zod's locale. */
const messages = (schema: z.ZodMiniType, input: unknown) => {
  const ours = schema.safeParse(input);
  const theirs = schema.safeParse(input, { error: (issue) => locale(issue) });
  return {
    ours: ours.success ? [] : ours.error.issues.map((i) => i.message),
    theirs: theirs.success ? [] : theirs.error.issues.map((i) => i.message),
  };
};

describe('zod messages', () => {
  const cases: [string, z.ZodMiniType, unknown][] = [
    ['a string', z.string(), 3],
    ['a number', z.number(), 'x'],
    ['NaN', z.number(), Number.NaN],
    ['Infinity as an int', z.int(), Number.POSITIVE_INFINITY],
    ['null', z.string(), null],
    ['an array', z.object({ a: z.string() }), []],
    ['a Date', z.string(), new Date(0)],
    ['a literal', z.literal(1), 2],
    ['an enum', z.enum(['a', 'b']), 'c'],
    ['a minimum', z.int().check(z.minimum(0)), -1],
    ['a maximum', z.number().check(z.maximum(5)), 6],
    ['an exclusive bound', z.number().check(z.gt(5)), 5],
    ['a short string', z.string().check(z.minLength(2)), 'a'],
    ['a long string', z.string().check(z.maxLength(2)), 'abc'],
    ['a short array', z.array(z.string()).check(z.minLength(1)), []],
    ['an exact length', z.string().check(z.length(3)), 'ab'],
    ['a pattern', z.string().check(z.regex(/^a+$/)), 'b'],
    ['an ISO date-time', z.iso.datetime(), 'yesterday'],
    ['a prefix', z.string().check(z.startsWith('arn:')), 'x'],
    ['a suffix', z.string().check(z.endsWith('.json')), 'x'],
    ['an infix', z.string().check(z.includes('/')), 'x'],
    ['a multiple', z.number().check(z.multipleOf(5)), 7],
    ['an unknown key', z.strictObject({ a: z.string() }), { a: 'x', b: 1 }],
    ['unknown keys', z.strictObject({}), { a: 1, b: 2 }],
    ['a union', z.union([z.string(), z.number()]), true],
    ['a record key', z.record(z.string().check(z.minLength(2)), z.number()), { a: 1 }],
  ];

  it.each(cases)('are the locale’s for %s', (_name, schema, input) => {
    const { ours, theirs } = messages(schema, input);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  it('name a format the project does not use by its name (the locale has a table of them)', () => {
    expect(messages(z.email(), 'x')).toEqual({ ours: ['Invalid email'], theirs: ['Invalid email address'] });
  });

  it('are the locale’s on the snapshot and event schemas, for any JSON value', () => {
    const schemas = [
      ClusterSnapshotSchema,
      EnvelopeSchema,
      LifecycleActionDetailSchema,
      TaskStateChangeDetailSchema,
    ] as z.ZodMiniType[];
    let failures = 0;
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.jsonValue({ maxDepth: 3 }), (schema, input) => {
        const { ours, theirs } = messages(schema, input);
        failures += theirs.length > 0 ? 1 : 0;
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
    // The property compared real messages: most random values are not a snapshot.
    expect(failures).toBeGreaterThan(200);
  });
});
