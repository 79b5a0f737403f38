/**
 * Reads ECS task scale-in protection (GetTaskProtection, ≤ 100 tasks per call, ecs-facts §6) for the
 * service tasks of the scale-in candidates, so the planner puts instances with protected tasks last in
 * line (issue 14). Standalone tasks cannot be protected (ECS answers `TASK_NOT_VALID` under `failures`);
 * they are jobs anyway, so they are not asked about and such failures are not errors.
 */
import { GetTaskProtectionCommand } from '@aws-sdk/client-ecs';
import type { ProtectedTask, Task } from '../core/snapshot/snapshot.js';
import { ProtectedTaskSchema } from '../core/snapshot/snapshot.js';
import type { ReaderClients } from './clients.js';
import { awsCall } from './errors.js';
import { chunk, createLimiter, jsonShaped } from './limit.js';

/** GetTaskProtection takes up to 100 tasks (API reference). */
export const PROTECTION_READ_BATCH = 100;

/** The protection of the service tasks among `tasks` (no call when there is none). */
export const readTaskProtection = async (
  cluster: string,
  tasks: readonly Task[],
  options: { clients: ReaderClients; region?: string; concurrency?: number },
): Promise<ProtectedTask[]> => {
  const arns = tasks.filter((t) => t.group?.startsWith('service:')).map((t) => t.taskArn);
  if (arns.length === 0) return [];
  const { clients } = options;
  const limit = createLimiter(options.concurrency ?? 4);
  const pages = await Promise.all(
    chunk(arns, PROTECTION_READ_BATCH).map((batch) =>
      limit(() =>
        awsCall({ action: 'ecs:GetTaskProtection', cluster, region: options.region }, () =>
          clients.ecs.send(new GetTaskProtectionCommand({ cluster, tasks: batch })),
        ),
      ),
    ),
  );
  return pages.flatMap((p) =>
    (p?.protectedTasks ?? []).flatMap((t) => {
      const r = ProtectedTaskSchema.safeParse(jsonShaped(t));
      return r.success ? [r.data] : [];
    }),
  );
};
