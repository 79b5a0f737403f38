/**
 * Load traces: how many tasks each service wants over time.
 *
 * A trace is a step function per service: at each point's time `t` (seconds from the start) the service's
 * desired count becomes the given value and holds until the next point naming that service. Services a
 * trace does not name keep the count they have. File formats (README in this folder):
 * - JSON: `{ "name", "durationSeconds", "points": [{ "t": 0, "desired": { "web": 4, "api": 2 } }, …] }`
 * - CSV (wide): a header `t,<service>,<service>…` then one row per time; an empty cell means "unchanged".
 */
import * as z from 'zod';
import { ConfigurationError } from '../../shared/core/errors.js';

/** One change of desired counts at time `t` (seconds since the start of the run). */
export interface TracePoint {
  t: number;
  desired: Record<string, number>;
}

/** A load trace. */
export interface Trace {
  name: string;
  description?: string | undefined;
  /** Length of the replay, seconds. */
  durationSeconds: number;
  /** Sorted by `t`. */
  points: TracePoint[];
}

const count = z.number().int().min(0).max(100_000);
const TraceSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  durationSeconds: z
    .number()
    .int()
    .positive()
    .max(31 * 86_400),
  points: z
    .array(z.strictObject({ t: z.number().min(0), desired: z.record(z.string().min(1), count) }))
    .min(1),
});

const fail = (source: string, what: string): never => {
  throw new ConfigurationError(
    `${source}: ${what}. A trace is JSON {"name","durationSeconds","points":[{"t":0,"desired":{"web":4}}]} ` +
      'or CSV with a header "t,<service>,…" (see sim/traces/README.md).',
  );
};

/** Validates a parsed JSON value as a trace. @throws ConfigurationError naming the bad field. */
export const parseTraceJson = (value: unknown, source = 'trace'): Trace => {
  const r = TraceSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return fail(source, `field '${issue.path.join('.') || '(root)'}' is invalid: ${issue.message}`);
  }
  const points = [...r.data.points].sort((a, b) => a.t - b.t);
  if (points.some((p) => p.t > r.data.durationSeconds)) fail(source, 'a point lies after durationSeconds');
  return { ...r.data, points };
};

/** Parses a wide CSV trace. The last row's `t` is the duration unless `durationSeconds` is given. */
export const parseTraceCsv = (text: string, source = 'trace.csv', durationSeconds?: number): Trace => {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const header = (rows.shift() ?? '').split(',').map((h) => h.trim());
  if (header[0] !== 't' || header.length < 2) return fail(source, "the header must be 't,<service>,…'");
  const points: TracePoint[] = rows.map((row, i) => {
    const cells = row.split(',').map((c) => c.trim());
    const t = Number(cells[0]);
    if (!Number.isFinite(t) || t < 0)
      fail(source, `row ${i + 2}: t '${cells[0]}' is not a number of seconds`);
    const desired: Record<string, number> = {};
    header.slice(1).forEach((service, j) => {
      const cell = cells[j + 1];
      if (cell === undefined || cell === '') return;
      const n = Number(cell);
      if (!Number.isInteger(n) || n < 0)
        fail(source, `row ${i + 2}: ${service} '${cell}' is not a task count`);
      desired[service] = n;
    });
    return { t, desired };
  });
  const last = points.at(-1)?.t ?? 0;
  return parseTraceJson(
    {
      name: source.replace(/^.*\//, '').replace(/\.csv$/, ''),
      durationSeconds: durationSeconds ?? Math.max(60, last),
      points,
    },
    source,
  );
};

/** Parses a trace file's text by its name (`.csv` → CSV, else JSON). */
export const parseTraceFile = (text: string, source: string): Trace => {
  if (source.endsWith('.csv')) return parseTraceCsv(text, source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(source, `not valid JSON (${(error as Error).message})`);
  }
  return parseTraceJson(value, source);
};

/** Desired count of every named service at time `t` (the last point at or before `t` per service). */
export const desiredAt = (trace: Trace, t: number): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const p of trace.points) {
    if (p.t > t) break;
    Object.assign(out, p.desired);
  }
  return out;
};

/** Every service a trace names. */
export const traceServices = (trace: Trace): string[] => [
  ...new Set(trace.points.flatMap((p) => Object.keys(p.desired))),
];
