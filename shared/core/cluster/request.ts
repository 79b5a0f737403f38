/**
 * A request for one cluster decision, as it travels on the cluster queue (SQS FIFO, message group = the
 * cluster): the 1-minute tick, an alarm of the cluster scaler, ECS's report that a service could not place
 * a task, a service scaler's request to grow the
 * cluster for a service's new tasks, or the release of a cluster that was opted out. Every writer of a group's desired capacity and of the scaler's
 * state asks through this queue, so the decisions of one cluster never interleave (docs/account-scale.md).
 *
 * Pure: parsing and the deduplication key only; the adapter (shared/aws/cluster-queue.ts) sends it.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { InvalidEventError } from '../errors.js';

/** Version of the message body; a body of another version is rejected, never guessed at. */
export const CLUSTER_REQUEST_VERSION = 1;

/**
 * A request older than this is answered without a decision ("expired"): the next tick (≤ 60 s) decides
 * afresh. The same bound as the former asynchronous invocations' `maximumEventAge` (300 s).
 */
export const REQUEST_MAX_AGE_SECONDS = 300;

const Existing = z.looseObject({ AlarmName: z.string() });

const Common = {
  v: z.literal(CLUSTER_REQUEST_VERSION),
  cluster: z.string().check(z.minLength(1), z.maxLength(255)),
  /** When the trigger happened (the tick's schedule time, the alarm's state change, the service plan). */
  at: z.iso.datetime({ offset: true }),
};

/**
 * The schema of each kind of request. Dispatched on `kind` by hand: zod's discriminated union cost the
 * cluster scaler's bundle ~3 KiB (issue 18's 400 KiB budget), and the error names the kinds either way.
 */
const KINDS = [
  z.object({
    ...Common,
    kind: z.literal('tick'),
    /**
     * The cluster's alarms as the dispatcher listed them at the tick (ExistingAlarm fields), so the
     * worker reconciles them without a DescribeAlarms call of its own. Absent: alarms are left alone.
     */
    alarms: z.optional(z.array(Existing)),
  }),
  z.object({ ...Common, kind: z.literal('alarm'), alarm: z.string().check(z.minLength(1)) }),
  /**
   * ECS reported that a service of the cluster could not place a task (SERVICE_TASK_PLACEMENT_FAILURE):
   * decide now, like an alarm (the dispatcher sends it only for managed clusters, never paced).
   */
  z.object({
    ...Common,
    kind: z.literal('placement'),
    service: z.optional(z.string().check(z.minLength(1))),
    reason: z.optional(z.string()),
  }),
  z.object({
    ...Common,
    kind: z.literal('grow'),
    service: z.string().check(z.minLength(1)),
    /** The service's desired count the new capacity is for (absolute, so a duplicate adds nothing). */
    desiredCount: z.int().check(z.minimum(0)),
  }),
  /** The cluster was opted out (its alarms remain, no group carries its tag): undo the scaler's state (release.ts). */
  z.object({ ...Common, kind: z.literal('release') }),
] as const;
/** Each schema by the value of its `kind` literal. */
const BY_KIND = new Map<unknown, (typeof KINDS)[number]>(
  KINDS.map((k) => [k.shape.kind._zod.def.values[0], k]),
);

/** A parsed request. */
export type ClusterRequest = z.infer<(typeof KINDS)[number]>;

/**
 * Parses a message body.
 * @throws InvalidEventError naming the bad field (the message is reported failed and, after the queue's
 *   receive limit, lands in the dead-letter queue: nothing is written for it).
 */
export const parseClusterRequest = (body: string): ClusterRequest => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new InvalidEventError(
      `cluster request is not JSON (${body.slice(0, 80)}…): only the dispatcher and the service scaler send to the cluster queue; nothing was changed`,
    );
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  const schema = BY_KIND.get(kind);
  const r = schema?.safeParse(json);
  if (!r?.success) {
    const issue = r?.error.issues[0] ?? { path: ['kind'], message: `unknown kind ${JSON.stringify(kind)}` };
    throw new InvalidEventError(
      `cluster request field '${issue.path.join('.') || '(body)'}' is invalid (${issue.message}); expected a v${CLUSTER_REQUEST_VERSION} tick, alarm, placement, grow or release request; nothing was changed`,
    );
  }
  return r.data as ClusterRequest;
};

/**
 * The request's identity for SQS FIFO deduplication (before hashing): the same trigger sent twice (a
 * retried dispatcher, a retried service scaler) yields the same key, so SQS delivers it once.
 */
export const requestKey = (r: ClusterRequest): string => {
  switch (r.kind) {
    case 'tick':
      return `tick|${r.cluster}|${r.at}`;
    case 'alarm':
      return `alarm|${r.cluster}|${r.alarm}|${r.at}`;
    case 'placement':
      // One per cluster and minute: every service that fails in that minute is answered by one decision
      // (SQS FIFO drops the copies within its 5-minute deduplication window).
      return `placement|${r.cluster}|${r.at.slice(0, 16)}`;
    case 'grow':
      return `grow|${r.cluster}|${r.service}|${r.desiredCount}|${r.at}`;
    case 'release':
      return `release|${r.cluster}|${r.at}`;
  }
};

/** Seconds from the request's trigger to `now` (negative clock skew counts as 0). */
export const requestAgeSeconds = (r: ClusterRequest, now: Date): number =>
  Math.max(0, (now.getTime() - Date.parse(r.at)) / 1000);
