/**
 * Error translation for the drainer's adapters: the project's {@link translateAwsError} (STYLE.md §3),
 * plus the two Auto Scaling answers the drainer treats specially.
 */
import { type AutoscalerError, TransientAwsError } from '../core/errors.js';
import { translateAwsError } from './errors.js';

interface SdkErrorLike {
  name?: string;
  message?: string;
}

const asSdkError = (error: unknown): SdkErrorLike =>
  typeof error === 'object' && error !== null ? (error as SdkErrorLike) : { message: String(error) };

/**
 * Whether `error` is Auto Scaling's answer to completing (or heartbeating) a lifecycle action that is no
 * longer pending: `ValidationError: No active Lifecycle Action found with instance ID i-…`. For the
 * drainer that means "already done" (a duplicate or late event, or an expired hook), not a failure.
 */
export const isNoActiveLifecycleAction = (error: unknown): boolean => {
  const e = asSdkError(error);
  return e.name === 'ValidationError' && /no active lifecycle action/i.test(e.message ?? '');
};

/**
 * Translates an SDK error of call `action` about `target`: access denied → AwsRejectedError naming the
 * action to grant; throttling, 5xx, network, and Auto Scaling's `ResourceContentionFault` ("pending
 * update to an Auto Scaling resource") → TransientAwsError; anything else → AwsRejectedError.
 */
export const translateDrainError = (error: unknown, action: string, target: string): AutoscalerError => {
  if (asSdkError(error).name === 'ResourceContentionFault') {
    return new TransientAwsError(
      `${action} on ${target} failed temporarily (ResourceContentionFault): retry later`,
      {
        cause: error,
      },
    );
  }
  return translateAwsError(error, { action });
};

/** Runs one SDK call and translates its errors. */
export const callAws = async <T>(action: string, target: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw translateDrainError(error, action, target);
  }
};
