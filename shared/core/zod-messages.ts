/**
 * zod/mini carries no error messages of its own (the classic API loads them on import). The functions'
 * errors and the CLI's quote zod's English messages ("Unrecognized key: …", "Invalid input: expected
 * string, received number"), so every module that defines schemas imports this one first, for its effect.
 *
 * The messages are zod's English ones (zod/v4/locales/en.js), written out here for the issues this
 * project's schemas can raise: the locale's tables of string formats (emails, UUIDs, IBANs, …) cost every
 * Lambda bundle 2.7 KiB. A format the table below does not name reads `Invalid <format>`, as the locale's
 * fallback does. test/unit/core/zod-messages.test.ts checks each message against the locale's.
 */
import * as z from 'zod/mini';

/** zod's name for a value's type (`util.parsedType`). */
const parsedType = (v: unknown): string => {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : 'number';
  if (typeof v !== 'object') return typeof v;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return Object.getPrototypeOf(v) !== Object.prototype && 'constructor' in v && v.constructor
    ? (v.constructor as { name: string }).name
    : 'object';
};

/** A literal as zod quotes it (`util.stringifyPrimitive`). */
const stringifyPrimitive = (v: unknown): string =>
  typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? `"${v}"` : `${v}`;

const joinValues = (values: readonly unknown[], separator: string): string =>
  values.map(stringifyPrimitive).join(separator);

/** Units of a sized origin (`too_small` / `too_big` on a length or size). */
const SIZED: Record<string, string> = {
  string: 'characters',
  file: 'bytes',
  array: 'items',
  set: 'items',
  map: 'entries',
};

/** The string formats this project checks (regex and ISO date-times); others fall back to the format. */
const FORMATS: Record<string, string> = { regex: 'input', datetime: 'ISO datetime', date: 'ISO date' };

const typeName = (type: string, input?: unknown): string =>
  type === 'number' && typeof input === 'number' && !Number.isFinite(input)
    ? String(input)
    : type === 'nan'
      ? 'NaN'
      : type;

/** The members of zod's issues the messages read (each issue kind has some of them). */
interface Issue {
  code?: string;
  expected?: string;
  input?: unknown;
  values: readonly unknown[];
  exact?: boolean;
  inclusive?: boolean;
  origin?: string;
  maximum?: unknown;
  minimum?: unknown;
  format?: string;
  prefix?: string;
  suffix?: string;
  includes?: string;
  pattern?: unknown;
  divisor?: unknown;
  keys: readonly string[];
  options?: readonly unknown[];
}

const bound = (issue: Issue, big: boolean): string => {
  const adj = issue.exact ? 'exactly ' : big ? (issue.inclusive ? '<=' : '<') : issue.inclusive ? '>=' : '>';
  const unit = SIZED[issue.origin ?? ''];
  const limit = `${adj}${String(big ? issue.maximum : issue.minimum)}`;
  const origin = big ? (issue.origin ?? 'value') : issue.origin;
  return `Too ${big ? 'big' : 'small'}: expected ${origin} ${unit ? `to have ${limit} ${unit}` : `to be ${limit}`}`;
};

/** zod's English message for an issue (zod/v4/locales/en.js). */
const englishMessage = (issue: z.core.$ZodRawIssue): string => {
  const i = issue as unknown as Issue;
  switch (i.code) {
    case 'invalid_type':
      return `Invalid input: expected ${typeName(String(i.expected))}, received ${typeName(parsedType(i.input), i.input)}`;
    case 'invalid_value':
      return i.values.length === 1
        ? `Invalid input: expected ${stringifyPrimitive(i.values[0])}`
        : `Invalid option: expected one of ${joinValues(i.values, '|')}`;
    case 'too_big':
      return bound(i, true);
    case 'too_small':
      return bound(i, false);
    case 'invalid_format':
      if (i.format === 'starts_with') return `Invalid string: must start with "${i.prefix}"`;
      if (i.format === 'ends_with') return `Invalid string: must end with "${i.suffix}"`;
      if (i.format === 'includes') return `Invalid string: must include "${i.includes}"`;
      if (i.format === 'regex') return `Invalid string: must match pattern ${i.pattern}`;
      return `Invalid ${FORMATS[i.format ?? ''] ?? i.format}`;
    case 'not_multiple_of':
      return `Invalid number: must be a multiple of ${i.divisor}`;
    case 'unrecognized_keys':
      return `Unrecognized key${i.keys.length > 1 ? 's' : ''}: ${joinValues(i.keys, ', ')}`;
    case 'invalid_key':
      return `Invalid key in ${i.origin}`;
    case 'invalid_union':
      if (Array.isArray(i.options) && i.options.length > 0) {
        return `Invalid discriminator value. Expected ${i.options.map((o: unknown) => `'${o}'`).join(' | ')}`;
      }
      return i.inclusive === false ? 'Invalid input: more than one option matched' : 'Invalid input';
    case 'invalid_element':
      return `Invalid value in ${i.origin}`;
    default:
      return 'Invalid input';
  }
};

z.config({ localeError: englishMessage });
