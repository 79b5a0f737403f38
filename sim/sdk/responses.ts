/** Response post-processing: SDK metadata, dropping undefined members, injected partial failures. */
import type { Rng } from '../core/random.js';

/**
 * Removes `undefined` members recursively (the SDK never returns them). The result is a deep copy of
 * plain data (objects, arrays, Dates copied too), so nothing the caller holds aliases the simulator's
 * state: the command tables need no copy of their own (structuredClone) before answering.
 */
export const compact = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = compact(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const src = value as Record<string, unknown>;
  for (const k in src) {
    const v = src[k];
    if (v !== undefined) out[k] = typeof v === 'object' && v !== null ? compact(v) : v;
  }
  return out;
};

const fresh = new WeakSet<object>();

/**
 * Marks a command's answer as already what {@link compact} would make of it: built for this call alone
 * (no member is the simulator's state) and without undefined members. The dispatcher answers it as is.
 */
export const freshAnswer = <T extends object>(answer: T): T => {
  fresh.add(answer);
  return answer;
};

/** Whether any member or item of `value`, at any depth, is undefined (plain data and Dates). */
const hasUndefined = (value: unknown): boolean => {
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === undefined || (typeof v === 'object' && v !== null && hasUndefined(v))) return true;
    }
    return false;
  }
  const src = value as Record<string, unknown>;
  for (const k in src) {
    const v = src[k];
    if (v === undefined || (typeof v === 'object' && v !== null && hasUndefined(v))) return true;
  }
  return false;
};

/**
 * For an answer built for this call alone (no member is the simulator's state) that may hold undefined
 * members: marked as {@link freshAnswer} when it holds none (a walk without copying), else left for
 * the dispatcher's {@link compact}.
 */
export const builtAnswer = <T extends object>(answer: T): T =>
  hasUndefined(answer) ? answer : freshAnswer(answer);

/** {@link compact}, or the answer itself when it was marked with {@link freshAnswer}. */
export const compactAnswer = (answer: unknown): unknown =>
  typeof answer === 'object' && answer !== null && fresh.has(answer) ? answer : compact(answer);

const describeLists: Record<string, [list: string, arnKey: string]> = {
  DescribeContainerInstances: ['containerInstances', 'containerInstanceArn'],
  DescribeTasks: ['tasks', 'taskArn'],
  DescribeServices: ['services', 'serviceArn'],
  DescribeClusters: ['clusters', 'clusterArn'],
};

/** Moves a share (at least one) of an ECS Describe* result's items into `failures`. */
export const applyPartialFailure = (
  command: string,
  out: Record<string, unknown>,
  fault: { reason: string; share: number },
  rng: Rng,
): void => {
  const spec = describeLists[command];
  if (!spec) return;
  const [list, arnKey] = spec;
  const items = (out[list] as Array<Record<string, unknown>> | undefined) ?? [];
  if (items.length === 0) return;
  const kept: Array<Record<string, unknown>> = [];
  const failed: Array<{ arn: string; reason: string }> = [];
  for (const item of items) {
    if (rng.chance(fault.share)) failed.push({ arn: String(item[arnKey]), reason: fault.reason });
    else kept.push(item);
  }
  if (failed.length === 0) {
    const item = kept.pop()!;
    failed.push({ arn: String(item[arnKey]), reason: fault.reason });
  }
  out[list] = kept;
  out.failures = [...((out.failures as unknown[]) ?? []), ...failed];
};
