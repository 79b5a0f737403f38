/**
 * Reads the tasks on given container instances: ListTasks (containerInstance filter, 100 per page) then
 * DescribeTasks (≤ 100 tasks per call). The capacity report does not need tasks; the scale-in planner
 * does (which services would lose their last task), so it reads them for its few candidates only.
 */
import type { Failure, Task as SdkTask } from '@aws-sdk/client-ecs';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { TransientAwsError } from '../core/errors.js';
import { type Task, TaskSchema } from '../core/snapshot/snapshot.js';
import { type ReaderClients, readerClients } from './clients.js';
import { awsCall } from './errors.js';
import { chunk, createLimiter, jsonShaped } from './limit.js';

/**
 * DescribeTasks calls per task at most. ECS answers 200 with the tasks it could not describe under
 * `failures` (the SDK does not retry those), so those are asked again at once before giving up.
 */
const DESCRIBE_ATTEMPTS = 3;

/** Names at most a few items in a message. */
const some = (items: readonly string[], max = 5): string =>
  items.length <= max
    ? items.join('; ')
    : `${items.slice(0, max).join('; ')}; and ${items.length - max} more`;

/** Options of {@link readInstanceTasks}. */
export interface TaskReadOptions {
  clients?: ReaderClients;
  region?: string;
  /** Calls in flight at most. Default 4. */
  concurrency?: number;
}

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
export const readInstanceTasks = async (
  cluster: string,
  containerInstanceArns: readonly string[],
  options: TaskReadOptions = {},
): Promise<Task[]> => {
  const clients = options.clients ?? readerClients(options.region);
  const limit = createLimiter(options.concurrency ?? 4);
  const ctx = (action: string) => ({ action, cluster, region: options.region });
  const listings = containerInstanceArns.flatMap((containerInstance) =>
    (['RUNNING', 'STOPPED'] as const).map((desiredStatus) => ({ containerInstance, desiredStatus })),
  );
  const taskArnLists = await Promise.all(
    listings.map(async ({ containerInstance, desiredStatus }) => {
      const arns: string[] = [];
      let token: string | undefined;
      do {
        const next = token;
        const page = await limit(() =>
          awsCall(ctx('ecs:ListTasks'), () =>
            clients.ecs.send(
              new ListTasksCommand({
                cluster,
                containerInstance,
                desiredStatus,
                maxResults: 100,
                nextToken: next,
              }),
            ),
          ),
        );
        arns.push(...(page.taskArns ?? []));
        token = page.nextToken;
      } while (token);
      return arns;
    }),
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
        `${DESCRIBE_ATTEMPTS} attempts (${some(why)}); an instance with a task that cannot be read is never ` +
        'judged empty: retry later (the cluster scaler retries on its next tick)',
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
          `${fields.join(', ')}; an instance with a task that cannot be read is never judged empty: ` +
          'retry later (the cluster scaler retries on its next tick)',
        { cause: parsed.error },
      );
    });
};
