import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, RESERVE_MS, retrying, withBudget } from '../../../shared/aws/retry.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import { setRandom, setSleep } from '../../../shared/runtime/clock.js';

let slept: number[] = [];
let restore: Array<() => void> = [];
beforeEach(() => {
  slept = [];
  restore = [
    setSleep(async (ms) => {
      slept.push(ms);
    }),
    setRandom(() => 0.999),
  ];
});
afterEach(() => {
  for (const r of restore) r();
});

/** A call failing `failures` times with `error`, then answering 'ok'. */
const flaky = (failures: number, error: () => Error = () => new TransientAwsError('throttled')) => {
  let calls = 0;
  const call = async () => {
    calls++;
    if (calls <= failures) throw error();
    return 'ok';
  };
  return { call, calls: () => calls };
};

describe('retrying (in-invocation retries)', () => {
  it('retries a transient error with full-jitter backoff doubling up to the cap', async () => {
    const f = flaky(3);
    await expect(retrying(DEFAULT_RETRY, f.call)).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
    expect(slept).toEqual([299, 599, 1198]);
  });

  it('gives up after the policy attempts with the last transient error', async () => {
    const f = flaky(10);
    await expect(retrying(DEFAULT_RETRY, f.call)).rejects.toBeInstanceOf(TransientAwsError);
    expect(f.calls()).toBe(DEFAULT_RETRY.attempts);
  });

  it('never retries a permanent error', async () => {
    const f = flaky(1, () => new AwsRejectedError('denied', 'AccessDeniedException'));
    await expect(retrying(DEFAULT_RETRY, f.call)).rejects.toBeInstanceOf(AwsRejectedError);
    expect(f.calls()).toBe(1);
  });

  it('does not start a retry whose backoff would eat into the reserve before the Lambda timeout', async () => {
    const f = flaky(1);
    await expect(
      withBudget({ remainingMs: () => RESERVE_MS + 100 }, () => retrying(DEFAULT_RETRY, f.call)),
    ).rejects.toBeInstanceOf(TransientAwsError);
    expect(f.calls()).toBe(1);
    expect(slept).toEqual([]);
  });
});
