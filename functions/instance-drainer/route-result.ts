import type { InstanceResult } from './drain-instance.js';

/** What one invocation did. */
export interface RouteResult {
  /** Per-instance results (empty when the event was ignored). */
  results: InstanceResult[];
  /** Why nothing was done, when nothing was. */
  ignored?: string;
  /** Per-group or per-instance failures the sweeper logged and skipped. */
  errors: { cluster?: string; message: string }[];
  /** Held instances a sweep left for the next one, to return before the function's timeout. */
  yielded?: number;
}
