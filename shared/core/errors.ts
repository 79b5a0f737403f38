/**
 * Error classes, grouped by what the caller must do (STYLE.md §3).
 *
 * - {@link InvalidEventError}, {@link ConfigurationError}: permanent — log once, never retry, no AWS write.
 * - {@link TransientAwsError}: throttling / 5xx — rethrow so Lambda (or the caller) retries.
 * - {@link AwsRejectedError}: AWS said no (missing permission, bad parameter, unknown resource).
 *
 * This module is pure (no imports) so `shared/core` may use it too.
 *
 * Each class states its `name` as a literal (not `new.target.name`): the handlers branch on
 * `error.name` and the logs report it, and the minified function bundles rename classes (they are built
 * without esbuild's keepNames, which cost 20–37 KiB per bundle: docs/bundles.md). A new subclass must
 * declare its own `name`.
 */
export class AutoscalerError extends Error {
  override name = 'AutoscalerError';
  /** Whether retrying the same input can succeed. */
  readonly retryable: boolean = false;
}

/** An event or request that does not have the documented shape. Permanent. */
export class InvalidEventError extends AutoscalerError {
  override name = 'InvalidEventError';
}

/** A tag, parameter, environment variable or snapshot file that is invalid. Permanent. */
export class ConfigurationError extends AutoscalerError {
  override name = 'ConfigurationError';
}

/** A named resource (cluster, ASG, instance) that does not exist. Permanent for this input. */
export class NotFoundError extends AutoscalerError {
  override name = 'NotFoundError';
}

/** Throttling, 5xx, timeouts: retry with backoff. */
export class TransientAwsError extends AutoscalerError {
  override name = 'TransientAwsError';
  override readonly retryable = true;
}

/** AWS refused the request: access denied (names the missing action), validation error, unknown resource. */
export class AwsRejectedError extends AutoscalerError {
  override name = 'AwsRejectedError';
  constructor(
    message: string,
    readonly awsErrorName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One line for a CLI user or a log message: the class name is not shown, the message says what to do. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : `unexpected error: ${String(error)}`;
