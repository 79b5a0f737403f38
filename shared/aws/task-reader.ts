/**
 * Reads the tasks on given container instances: ListTasks (containerInstance filter, 100 per page) then
 * DescribeTasks (≤ 100 tasks per call). The capacity report does not need tasks; the scale-in planner
 * does (which services would lose their last task), so it reads them for its few candidates only.
 */
import type { Failure, Task as SdkTask } from '@aws-sdk/client-ecs';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { TransientAwsError } from '../core/errors.js';
import { type Task, TaskSchema } from '../core/snapshot/snapshot.js';
import type { ReaderClients } from './clients.js';
import { awsCall } from './errors.js';
import { allPages, chunk, createLimiter, jsonShaped } from './limit.js';

/**
 * DescribeTasks calls per task at most. ECS answers 200 with the tasks it could not describe under
 * `failures` (the SDK does not retry those), so those are asked again at once before giving up.
 */
const DESCRIBE_ATTEMPTS = 3;

/** Why a task that cannot be read stops the decision (both such errors say it). */
const UNREAD =
  'an instance with a task that cannot be read is never judged empty: retry later (the cluster scaler retries on its next tick)';

/** Names at most a few items in a message. */
const some = (items: readonly string[], max = 5): string =>
  items.length <= max
    ? items.join('; ')
    : `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;

/**
 * The task lists of container instances, kept across decisions in a warm Lambda container (issue 19).
 * An entry is keyed by cluster and container instance ARN and stamped with what the snapshot said of the
 * instance when it was read (`version`, running and pending counts: {@link instanceStamp}). ECS increments
 * a container instance's `version` on every change that sends a state-change event, and a task starting
 * or stopping on the host sends one (ecs-facts §7.5), so an unchanged stamp means an unchanged task list;
 * any change, or an instance without a `version`, is read again. A stamp is taken from the snapshot read
 * *before* the tasks, so a change between the two only makes the entry older than the instance (re-read
 * next time), never newer. A DRAINING instance is never answered from the cache: ECS moves its tasks by
 * setting their desired status STOPPED, which is no event of the instance (its version and counts stay
 * while a task stops through a long stopTimeout), and a list that still says RUNNING counts them as tasks
 * needing room (fault matrix, long-drain-refresh seed 17001: three instances bought for tasks whose
 * replacements were running).
 */
export class InstanceTaskCache {
  private readonly entries = new Map<string, { stamp: string; tasks: Task[] }>();
  /** @param maxEntries instances remembered at most (oldest forgotten first). */
  constructor(private readonly maxEntries = 20_000) {}

  private static key(cluster: string, arn: string): string {
    return `${cluster}\u0000${arn}`;
  }

  /** The cached tasks of an instance whose stamp has not changed, else undefined. */
  get(cluster: string, arn: string, stamp: string | undefined): Task[] | undefined {
    if (stamp === undefined) return undefined;
    const entry = this.entries.get(InstanceTaskCache.key(cluster, arn));
    return entry?.stamp === stamp ? entry.tasks : undefined;
  }

  set(cluster: string, arn: string, stamp: string | undefined, tasks: Task[]): void {
    const key = InstanceTaskCache.key(cluster, arn);
    this.entries.delete(key);
    if (stamp === undefined) return;
    this.entries.set(key, { stamp, tasks });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The warm container's cache (the cluster scaler's default ports use it). */
export const defaultInstanceTaskCache = new InstanceTaskCache();

/**
 * Empties {@link defaultInstanceTaskCache}. Tests, fault runs and benchmarks call it between simulated
 * worlds: AWS's ARNs are unique, a simulator's repeat from one world to the next.
 */
export const clearInstanceTaskCache = (): void => defaultInstanceTaskCache.clear();

/**
 * What a cached task list is valid for: the instance's `version` and task counts from the snapshot;
 * undefined (never cached) without a `version`, and for a DRAINING instance (see {@link InstanceTaskCache}).
 */
export const instanceStamp = (ci: {
  version?: number | undefined;
  runningTasksCount?: number | undefined;
  pendingTasksCount?: number | undefined;
  status?: string | undefined;
}): string | undefined =>
  ci.version === undefined || ci.status === 'DRAINING'
    ? undefined
    : `${ci.version}|${ci.runningTasksCount ?? 0}|${ci.pendingTasksCount ?? 0}`;

/** Options of {@link readInstanceTasks}. */
export interface TaskReadOptions {
  /** The reader's clients ({@link readerClients} for the defaults; required, so the cluster scaler's bundle does not carry the defaults). */
  clients: ReaderClients;
  region?: string;
  /** Calls in flight at most. Default 4. */
  concurrency?: number;
  /** Task lists kept across calls; with {@link TaskReadOptions.stamps}, unchanged instances are not read. */
  cache?: InstanceTaskCache;
  /** Each instance's {@link instanceStamp} from the snapshot (absent: read, not cached). */
  stamps?: ReadonlyMap<string, string | undefined>;
}

/**
 * {@link readTasksUncached} for the instances whose stamp changed (or that have none); the others from
 * `options.cache`. The tasks read are stored per instance under the stamp the caller passed.
 */
export const readInstanceTasks = async (
  cluster: string,
  containerInstanceArns: readonly string[],
  options: TaskReadOptions,
): Promise<Task[]> => {
  const { cache, stamps } = options;
  if (!cache || !stamps) return readTasksUncached(cluster, containerInstanceArns, options);
  const hits: Task[] = [];
  const misses: string[] = [];
  for (const arn of new Set(containerInstanceArns)) {
    const cached = cache.get(cluster, arn, stamps.get(arn));
    if (cached) hits.push(...cached);
    else misses.push(arn);
  }
  if (misses.length === 0) return hits;
  const read = await readTasksUncached(cluster, misses, options);
  for (const arn of misses) {
    cache.set(
      cluster,
      arn,
      stamps.get(arn),
      read.filter((t) => t.containerInstanceArn === arn),
    );
  }
  return [...hits, ...read];
};

/**
 * The tasks (ECS DescribeTasks items, dates as ISO strings) on the given container instances of a
 * cluster that are not yet STOPPED: those ECS wants running (desiredStatus RUNNING, incl. PENDING) and
 * those it is stopping (desiredStatus STOPPED while lastStatus is still RUNNING/DEACTIVATING — e.g.
 * during a load balancer's deregistration delay). A stopping task still holds its reservation, so an
 * instance is not empty until it has stopped. ListTasks filters by one desiredStatus per call.
 *
 * Fails closed: a scale-in candidate with a task that cannot be read must never look empty.
 * @param containerInstanceArns container instance ARNs (or ids) of the cluster.
 * @throws TransientAwsError when a listed task is still under DescribeTasks `failures` (any reason: ListTasks
 *   named it a moment ago) or absent from the answer after {@link DESCRIBE_ATTEMPTS} calls, or when ECS
 *   describes a task without the fields of the snapshot's task (`taskArn`, `taskDefinitionArn`). Other
 *   SDK errors are translated as usual (access denied → AwsRejectedError naming the action).
 */
const readTasksUncached = async (
  cluster: string,
  containerInstanceArns: readonly string[],
  options: TaskReadOptions,
): Promise<Task[]> => {
  const { clients } = options;
  const limit = createLimiter(options.concurrency ?? 4);
  const ctx = (action: string) => ({ action, cluster, region: options.region });
  const listings = containerInstanceArns.flatMap((containerInstance) =>
    (['RUNNING', 'STOPPED'] as const).map((desiredStatus) => ({ containerInstance, desiredStatus })),
  );
  const taskArnLists = await Promise.all(
    listings.map(({ containerInstance, desiredStatus }) =>
      allPages(
        (nextToken) =>
          limit(() =>
            awsCall(ctx('ecs:ListTasks'), () =>
              clients.ecs.send(
                new ListTasksCommand({
                  cluster,
                  containerInstance,
                  desiredStatus,
                  maxResults: 100,
                  nextToken,
                }),
              ),
            ),
          ),
        (page) => page.taskArns,
      ),
    ),
  );
  const arns = [...new Set(taskArnLists.flat())];
  const described = new Map<string, SdkTask>();
  let failures = new Map<string, Failure>();
  let unread = arns;
  for (let attempt = 1; attempt <= DESCRIBE_ATTEMPTS && unread.length > 0; attempt++) {
    failures = new Map();
    const answers = await Promise.all(
      chunk(unread, 100).map((tasks) =>
        limit(() =>
          awsCall(ctx('ecs:DescribeTasks'), () =>
            clients.ecs.send(new DescribeTasksCommand({ cluster, tasks })),
          ),
        ),
      ),
    );
    for (const out of answers) {
      for (const t of out.tasks ?? []) if (t.taskArn) described.set(t.taskArn, t);
      for (const f of out.failures ?? []) if (f.arn) failures.set(f.arn, f);
    }
    unread = unread.filter((arn) => !described.has(arn));
  }
  if (unread.length > 0) {
    const why = unread.map((arn) => {
      const f = failures.get(arn);
      return f
        ? `${arn}: ${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}`
        : `${arn}: absent from the answer`;
    });
    throw new TransientAwsError(
      `ecs:DescribeTasks could not describe ${unread.length} task(s) of cluster '${cluster}' after ` +
        `${DESCRIBE_ATTEMPTS} attempts (${some(why)}); ${UNREAD}`,
    );
  }
  return arns
    .map((arn) => described.get(arn)!)
    .filter((t) => t.lastStatus !== 'STOPPED')
    .map((t) => {
      const parsed = TaskSchema.safeParse(jsonShaped(t));
      if (parsed.success) return parsed.data;
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
      throw new TransientAwsError(
        `ecs:DescribeTasks described task ${t.taskArn} of cluster '${cluster}' without a valid ` +
          `${fields.join(', ')}; ${UNREAD}`,
        { cause: parsed.error },
      );
    });
};
