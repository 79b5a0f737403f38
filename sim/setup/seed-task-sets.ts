/**
 * Seeding the task sets of a snapshot's CODE_DEPLOY and EXTERNAL services (ECS API reference, `TaskSet`):
 * the service is created with its deployment controller and each set with its id (the snapshot's tasks
 * carry it as `startedBy`), task definition, scale, status, launch type or capacity provider strategy (as
 * recorded, as the services' own strategies are) and subnets. The controller is the snapshot's `deploymentController` when it recorded one; otherwise
 * (*inference*) a service with task sets is CODE_DEPLOY when one of them was started by CodeDeploy, else
 * EXTERNAL.
 */
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import { strategyItems } from '../ecs/capacity-providers.js';
import type { EcsWorld } from '../ecs/ecs-world.js';
import type { SimService } from '../ecs/model.js';
import { createTaskSet, deleteTaskSet } from '../ecs/task-sets.js';

type SnapshotService = ClusterSnapshot['services'][number];

/** Members of a recorded `TaskSet` the snapshot schema keeps without naming them. */
interface RecordedTaskSet {
  id?: string;
  status: string;
  taskDefinition: string;
  scale?: { value?: number };
  startedBy?: string;
  externalId?: string;
  launchType?: string;
  capacityProviderStrategy?: Array<{ capacityProvider?: string; weight?: number; base?: number }>;
  networkConfiguration?: { awsvpcConfiguration?: { subnets?: string[] } };
}

/** The service's task-set controller (CODE_DEPLOY, EXTERNAL), or undefined for a rolling (ECS) one. */
export const taskSetControllerOf = (s: SnapshotService): 'CODE_DEPLOY' | 'EXTERNAL' | undefined => {
  const given = (s as { deploymentController?: { type?: string } }).deploymentController?.type;
  if (given === 'CODE_DEPLOY' || given === 'EXTERNAL') return given;
  if (given !== undefined || !s.taskSets?.length) return undefined;
  return (s.taskSets as RecordedTaskSet[]).some((t) => t.startedBy === 'CodeDeploy')
    ? 'CODE_DEPLOY'
    : 'EXTERNAL';
};

/**
 * The task definition to create the service with: its own, else (CODE_DEPLOY) its PRIMARY set's; an
 * EXTERNAL service may have none.
 */
export const seedTaskDefinitionOf = (s: SnapshotService): string | undefined =>
  s.taskDefinition ??
  (taskSetControllerOf(s) === 'CODE_DEPLOY'
    ? (s.taskSets?.find((t) => t.status === 'PRIMARY') ?? s.taskSets?.[0])?.taskDefinition
    : undefined);

/**
 * Replaces the sets ECS gave the new service `svc` (a CODE_DEPLOY service's first set) with the
 * snapshot's. @throws the API's InvalidParameterException, or Error for an unregistered task definition.
 */
export const seedTaskSets = (ecs: EcsWorld, svc: SimService, s: SnapshotService): void => {
  svc.taskSets = [];
  for (const t of (s.taskSets ?? []) as RecordedTaskSet[]) {
    const td = ecs.taskDefinition(t.taskDefinition);
    if (!td)
      throw new Error(
        `sim: task set ${t.id ?? ''}: task definition '${t.taskDefinition}' is not registered.`,
      );
    const strategy = (t.capacityProviderStrategy ?? []).filter((i) => i.capacityProvider);
    const subnets = t.networkConfiguration?.awsvpcConfiguration?.subnets;
    const set = createTaskSet(ecs, svc, {
      taskDefinition: td,
      ...(t.id ? { id: t.id } : {}),
      scale: t.scale?.value ?? 100,
      status: t.status === 'PRIMARY' ? 'PRIMARY' : 'ACTIVE',
      ...(t.startedBy ? { startedBy: t.startedBy } : {}),
      ...(t.externalId ? { externalId: t.externalId } : {}),
      ...(t.launchType === 'EC2' ? { launchType: 'EC2' as const } : {}),
      ...(subnets?.length && td.awsvpc ? { subnets } : {}),
    });
    // Set as recorded, as the services' strategies are: a provider not seeded leaves the set's tasks waiting.
    if (strategy.length > 0)
      set.capacityProviderStrategy = strategyItems(
        strategy.map((i) => ({
          capacityProvider: i.capacityProvider!,
          ...(i.weight !== undefined ? { weight: i.weight } : {}),
          ...(i.base !== undefined ? { base: i.base } : {}),
        })),
      );
    if (t.status === 'DRAINING') deleteTaskSet(ecs, set, true);
  }
};
