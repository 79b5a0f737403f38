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

/** The value as JSON would carry it: Dates become ISO-8601 strings, undefined fields disappear. */
export const jsonShaped = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));
