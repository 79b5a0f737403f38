/**
 * Time budget and in-invocation retries (the drainer; the snapshot reader).
 *
 * Below this layer the SDK already retries a throttled or 5xx call (adaptive mode, see clients.ts). What
 * still fails after that used to be rethrown, and Lambda's asynchronous retry came a minute later — too
 * late for a Spot instance (two minutes of warning) and for a hook whose heartbeat was due. So every
 * drainer call is retried here, with full-jitter exponential backoff, while the invocation has time for
 * it: a retry is only started when the backoff still leaves {@link RESERVE_MS} of the invocation's
 * remaining time (Lambda's `getRemainingTimeInMillis`). Every drainer call is idempotent (reads, setting
 * DRAINING, PutAttributes, RecordLifecycleActionHeartbeat, and CompleteLifecycleAction, whose repeat
 * answers "No active Lifecycle Action", read as done), so a retry can never do harm.
 *
 * One Lambda container runs one invocation at a time, so the budget of the invocation in progress is
 * module state, set by the handler for the duration of the invocation ({@link withBudget}).
 */
import { TransientAwsError } from '../core/errors.js';
import { random, sleep } from '../runtime/clock.js';

/** The time left to the invocation in progress. */
export interface InvocationBudget {
  /** Milliseconds before Lambda ends the invocation. */
  remainingMs(): number;
}

/** Calls at most this many times (one call and three retries). */
export const RETRY_ATTEMPTS = 4;
/** First backoff cap, ms; doubles per retry up to {@link BACKOFF_CAP_MS}. */
export const BACKOFF_BASE_MS = 300;
/** Largest backoff, ms. */
export const BACKOFF_CAP_MS = 4000;
/** A retry never starts unless this much time would remain after its backoff, ms. */
export const RESERVE_MS = 5000;

const UNLIMITED: InvocationBudget = { remainingMs: () => Infinity };
let current: InvocationBudget = UNLIMITED;

/** The budget of the invocation in progress (unlimited outside one). */
export const currentBudget = (): InvocationBudget => current;

/** Runs `fn` with `budget` as the invocation's budget, then restores the previous one. */
export const withBudget = async <T>(budget: InvocationBudget, fn: () => Promise<T>): Promise<T> => {
  const previous = current;
  current = budget;
  try {
    return await fn();
  } finally {
    current = previous;
  }
};

/** Whether the invocation still has `ms` milliseconds beyond the reserve. */
export const hasTime = (ms = 0): boolean => current.remainingMs() - ms > RESERVE_MS;

/** Retry settings of one adapter (tests turn retries off or shorten them). */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

/** The drainer's default policy. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: RETRY_ATTEMPTS,
  baseMs: BACKOFF_BASE_MS,
  capMs: BACKOFF_CAP_MS,
};

/** No retry: one call, its error rethrown (adapters built by hand in tests). */
export const NO_RETRY: RetryPolicy = { attempts: 1, baseMs: 0, capMs: 0 };

/**
 * Runs `call` and retries it on {@link TransientAwsError} with full-jitter backoff
 * (`random(0, min(cap, base·2^n))`) while attempts and the invocation's time allow.
 *
 * @throws the last TransientAwsError when no retry is left or the budget does not allow one; any other
 *   error at once.
 */
export const retrying = async <T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TransientAwsError) || attempt >= policy.attempts) throw error;
      const delay = Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1)));
      if (!hasTime(delay)) throw error;
      await sleep(delay);
    }
  }
};
