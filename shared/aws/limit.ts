/**
 * Concurrency helpers for the readers. The limit is small on purpose: ECS and Auto Scaling throttle per
 * account and region with token buckets shared with every other caller, so a reader keeps its own burst
 * small rather than retrying its way through throttling.
 */

/** Runs a task under the limiter. */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>;

/** A limiter that lets at most `limit` tasks run at once (FIFO). One per read, shared by all its calls. */
export const createLimiter = (limit: number): Limiter => {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <R>(task: () => Promise<R>): Promise<R> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `limit`.
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
};

/** Splits `items` into arrays of at most `size` (an API's batch limit). */
export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/**
 * Every item of a paginated read: `page(token)` until a page names no next token (`nextToken` in ECS,
 * `NextToken` in Auto Scaling and Application Auto Scaling), gathering `items(page)` in order. The
 * readers' one pagination loop (it stood in each of them).
 */
export const allPages = async <P extends { nextToken?: string; NextToken?: string }, T>(
  page: (token: string | undefined) => Promise<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> => {
  const out: T[] = [];
  let token: string | undefined;
  do {
    // A page is never undefined from AWS; a client mock answers an unstubbed command so.
    const p: P | undefined = await page(token);
    out.push(...((p && items(p)) ?? []));
    token = p?.nextToken ?? p?.NextToken;
  } while (token);
  return out;
};

/**
 * The value as JSON would carry it: Dates (anything with `toJSON`) become their JSON value, undefined
 * fields disappear (undefined array items become null), non-finite numbers become null. Same result as
 * `JSON.parse(JSON.stringify(value))` for SDK output, in one walk without the text in between: this
 * runs on every item of every read. A plain object or array that JSON would carry unchanged (no Date,
 * undefined, non-finite number or -0 anywhere in it) is returned as is instead of copied, so the result
 * may share such parts with `value` (SDK output: built for each call, read and never changed).
 */
export const jsonShaped = <T>(value: T): unknown => shape(value);

const shape = (value: unknown): unknown => {
  if (value === null) return null;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(value)) {
    // Copied from the first item JSON changes on (Object.is: -0 becomes 0).
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const shaped = shape(v);
      const item = shaped === undefined ? null : shaped;
      if (out === undefined) {
        if (Object.is(item, v)) continue;
        out = value.slice(0, i);
      }
      out.push(item);
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    // A plain object (every SDK output member): no toJSON of its own to look for in the usual case, and
    // its own enumerable keys are what for-in walks (Object.prototype has no enumerable member).
    const src = value as Record<string, unknown>;
    if (typeof src.toJSON === 'function') return shape(src.toJSON());
    // Copied from the first member JSON changes or drops: the members before it, then the rest.
    let out: Record<string, unknown> | undefined;
    for (const key in src) {
      const v = src[key];
      const item = shape(v);
      if (out === undefined) {
        if (Object.is(item, v)) continue;
        out = {};
        for (const before in src) {
          if (before === key) break;
          out[before] = src[before];
        }
      }
      if (item !== undefined) out[key] = item;
    }
    return out ?? src;
  }
  if (value instanceof Date) return shape(value.toJSON());
  const v = value as { toJSON?: () => unknown };
  if (typeof v.toJSON === 'function') return shape(v.toJSON());
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    const item = shape((value as Record<string, unknown>)[key]);
    if (item !== undefined) out[key] = item;
  }
  return out;
};
