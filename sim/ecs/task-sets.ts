/**
 * Task sets of CODE_DEPLOY (blue/green) and EXTERNAL services, written from the ECS API reference
 * (`TaskSet`, CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet) and the developer
 * guide ("CodeDeploy blue/green deployments", "External deployment"):
 *  - a task set runs one task definition at `scale` percent of the service's desired count:
 *    computedDesiredCount = ⌈desiredCount × scale / 100⌉ ("always rounded up"), kept by the scheduler
 *    independently of the service's other sets (task-set-scheduler.ts);
 *  - a new set is ACTIVE; UpdateServicePrimaryTaskSet makes one PRIMARY and the previous PRIMARY ACTIVE
 *    (a CODE_DEPLOY service's own task definition follows its PRIMARY set, as CodeDeploy's deployments
 *    leave it);
 *  - DeleteTaskSet makes a set DRAINING (computed desired count 0, its tasks stopped); it is gone once its
 *    last task has stopped. Deleting the PRIMARY set needs `force`.
 * Errors are the API's (InvalidParameterException), since the setup API and the commands share them.
 */
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { clusterCapacityProviders, strategyItems } from './capacity-providers.js';
import type {
  CapacityProviderStrategyItem,
  SimService,
  SimTask,
  SimTaskDefinition,
  SimTaskSet,
} from './model.js';

/** What task-set operations need of the ECS world (a narrow port: the world implements it). */
export interface TaskSetHost {
  readonly ctx: SimContext;
  arn(resource: string): string;
  /** A new `ecs-svc/<19 digits>` id (deployments and task sets share the format). */
  newDeploymentId(): string;
  requestReconcile(cluster: SimService['cluster']): void;
}

/** A task set to create (CreateTaskSet's members, resolved). */
export interface TaskSetSpec {
  taskDefinition: SimTaskDefinition;
  /** Keep a known id (seeding from a snapshot, whose tasks carry it as `startedBy`); default a new one. */
  id?: string;
  /** Percent of the service's desired count, 0–100 (default 100). */
  scale?: number;
  /** Default ACTIVE; PRIMARY demotes the service's PRIMARY set to ACTIVE. */
  status?: 'PRIMARY' | 'ACTIVE';
  /** `CodeDeploy` for the sets CodeDeploy creates. */
  startedBy?: string;
  externalId?: string;
  /** Its own launch type (EC2 only in this simulator) or capacity provider strategy; neither: the service's. */
  launchType?: 'EC2';
  capacityProviderStrategy?: ReadonlyArray<{ capacityProvider: string; weight?: number; base?: number }>;
  /** `awsvpc` only: its task ENI subnets (absent: the service's). */
  subnets?: string[];
  tags?: Record<string, string>;
}

const invalid = (message: string) => awsError('ecs', 'InvalidParameterException', message);

/** ⌈desiredCount × scale / 100⌉; 0 for a DRAINING set (ECS API reference, `TaskSet.computedDesiredCount`). */
export const computedDesiredCount = (s: SimService, set: SimTaskSet): number =>
  // The epsilon keeps an exact product (3 × 100 / 100) from rounding up on a floating-point residue.
  set.status === 'DRAINING' ? 0 : Math.ceil((s.desiredCount * set.scale) / 100 - 1e-9);

/**
 * The service's tasks (those ECS keeps, not told to stop) by task set: a task belongs to the set whose id
 * it carries as `startedBy`; any other task of the service counts as the PRIMARY set's (as deployments
 * count foreign tasks as the PRIMARY deployment's).
 */
export const tasksBySet = (s: SimService): Map<SimTaskSet, SimTask[]> => {
  const sets = s.taskSets ?? [];
  const byId = new Map(sets.map((set) => [set.id, set]));
  const primary = sets.find((set) => set.status === 'PRIMARY');
  const out = new Map<SimTaskSet, SimTask[]>(sets.map((set) => [set, []]));
  for (const t of s.tasks) {
    const set = (t.startedBy !== undefined ? byId.get(t.startedBy) : undefined) ?? primary;
    if (set) out.get(set)!.push(t);
  }
  return out;
};

/** Where a set's tasks go: its own capacity provider strategy or launch type, else the service's. */
export const placementTarget = (
  s: SimService,
  set: SimTaskSet,
): { subnets?: readonly string[]; capacityProviderStrategy: readonly CapacityProviderStrategyItem[] } => {
  const subnets = set.subnets ?? s.subnets;
  const capacityProviderStrategy =
    set.capacityProviderStrategy.length > 0
      ? set.capacityProviderStrategy
      : set.launchType
        ? []
        : s.capacityProviderStrategy;
  return { ...(subnets ? { subnets } : {}), capacityProviderStrategy };
};

const checkScale = (value: number): number => {
  if (!Number.isFinite(value) || value < 0 || value > 100)
    throw invalid(`Scale value must be between 0 and 100 percent; got ${String(value)}.`);
  return value;
};

/**
 * Creates a task set of `s` (CreateTaskSet; CodeDeploy's replacement set). The scheduler starts its tasks.
 * @throws InvalidParameterException for a service without task sets, a scale outside 0–100, a launch
 * type with a capacity provider strategy, a provider not associated with the cluster, or subnets for a
 * task definition that is not `awsvpc`.
 */
export const createTaskSet = (host: TaskSetHost, s: SimService, spec: TaskSetSpec): SimTaskSet => {
  if (!s.taskSets)
    throw invalid(
      `Service ${s.name} uses the ECS deployment controller; task sets are for CODE_DEPLOY and EXTERNAL services.`,
    );
  const given = spec.capacityProviderStrategy ?? [];
  if (given.length > 0 && spec.launchType)
    throw invalid('Specifying both a launch type and capacity provider strategy is not supported.');
  for (const i of given) {
    if (!clusterCapacityProviders(s.cluster).includes(i.capacityProvider))
      throw invalid(`The specified capacity provider ${i.capacityProvider} is not in the cluster.`);
  }
  if (spec.subnets?.length && !spec.taskDefinition.awsvpc)
    throw invalid('Network Configuration is only valid for the awsvpc network mode.');
  const now = host.ctx.clock.nowMs;
  const id = spec.id ?? host.newDeploymentId();
  const set: SimTaskSet = {
    id,
    arn: host.arn(`task-set/${s.cluster.name}/${s.name}/${id}`),
    service: s,
    taskDefinition: spec.taskDefinition,
    status: 'ACTIVE',
    scale: checkScale(spec.scale ?? 100),
    ...(spec.startedBy ? { startedBy: spec.startedBy } : {}),
    ...(spec.externalId ? { externalId: spec.externalId } : {}),
    capacityProviderStrategy: strategyItems(given),
    ...(spec.launchType ? { launchType: spec.launchType } : {}),
    ...(spec.subnets?.length ? { subnets: [...spec.subnets] } : {}),
    tags: { ...spec.tags },
    createdAt: now,
    updatedAt: now,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
  };
  s.taskSets.push(set);
  if (spec.status === 'PRIMARY') setPrimaryTaskSet(host, set);
  host.requestReconcile(s.cluster);
  return set;
};

/** UpdateTaskSet: a new scale (percent, 0–100). @throws InvalidParameterException */
export const updateTaskSetScale = (host: TaskSetHost, set: SimTaskSet, value: number): void => {
  if (set.status === 'DRAINING') throw invalid(`Task set ${set.id} is DRAINING.`);
  set.scale = checkScale(value);
  set.updatedAt = host.ctx.clock.nowMs;
  host.requestReconcile(set.service.cluster);
};

/**
 * UpdateServicePrimaryTaskSet: `set` becomes PRIMARY, the previous PRIMARY ACTIVE. A CODE_DEPLOY service
 * takes the set's task definition as its own. @throws InvalidParameterException for a DRAINING set.
 */
export const setPrimaryTaskSet = (host: TaskSetHost, set: SimTaskSet): void => {
  if (set.status === 'DRAINING') throw invalid(`Task set ${set.id} is DRAINING; it cannot be PRIMARY.`);
  const s = set.service;
  const now = host.ctx.clock.nowMs;
  for (const other of s.taskSets ?? []) {
    if (other !== set && other.status === 'PRIMARY') {
      other.status = 'ACTIVE';
      other.updatedAt = now;
    }
  }
  if (set.status !== 'PRIMARY') {
    set.status = 'PRIMARY';
    set.updatedAt = now;
  }
  if (s.deploymentController === 'CODE_DEPLOY') s.taskDefinition = set.taskDefinition;
  host.requestReconcile(s.cluster);
};

/**
 * DeleteTaskSet: the set becomes DRAINING (computed desired count 0) and the scheduler stops its tasks.
 * @throws InvalidParameterException for the PRIMARY set without `force`.
 */
export const deleteTaskSet = (host: TaskSetHost, set: SimTaskSet, force = false): void => {
  if (set.status === 'DRAINING') return;
  if (set.status === 'PRIMARY' && !force)
    throw invalid(`Cannot delete the PRIMARY task set ${set.id} without force.`);
  set.status = 'DRAINING';
  set.updatedAt = host.ctx.clock.nowMs;
  host.requestReconcile(set.service.cluster);
};

/** A set of `s` by id or ARN (DRAINING ones included while they last). */
export const findTaskSet = (s: SimService, ref: string): SimTaskSet | undefined =>
  s.taskSets?.find((set) => set.id === ref || set.arn === ref);
