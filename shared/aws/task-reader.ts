/**
 * Reads the tasks on given container instances: ListTasks (containerInstance filter, 100 per page) then
 * DescribeTasks (≤ 100 tasks per call). The capacity report does not need tasks; the scale-in planner
 * does (which services would lose their last task), so it reads them for its few candidates only.
 */
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { type Task, TaskSchema } from '../core/snapshot.js';
import { type ReaderClients, readerClients } from './clients.js';
import { awsCall } from './errors.js';
import { chunk, createLimiter, jsonShaped } from './limit.js';

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
 * @param containerInstanceArns container instance ARNs (or ids) of the cluster.
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
  const described = await Promise.all(
    chunk(taskArnLists.flat(), 100).map((tasks) =>
      limit(async () => {
        const out = await awsCall(ctx('ecs:DescribeTasks'), () =>
          clients.ecs.send(new DescribeTasksCommand({ cluster, tasks })),
        );
        return out.tasks ?? [];
      }),
    ),
  );
  return described
    .flat()
    .filter((t) => t.lastStatus !== 'STOPPED')
    .map((t) => TaskSchema.parse(jsonShaped(t)));
};
