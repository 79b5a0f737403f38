/**
 * ECS task set commands (ECS API reference): CreateTaskSet, UpdateTaskSet, UpdateServicePrimaryTaskSet
 * and DeleteTaskSet for services of the EXTERNAL deployment controller (a CODE_DEPLOY service's sets are
 * CodeDeploy's to change: the simulator's `startBlueGreen` / `shiftTraffic` / `deleteTaskSet` stand for
 * it), and DescribeTaskSets for both. The rules themselves are in task-sets.ts.
 * Load balancers, service registries and `clientToken` are accepted and not modelled.
 */
import type {
  CreateTaskSetCommandInput,
  DeleteTaskSetCommandInput,
  DescribeTaskSetsCommandInput,
  UpdateServicePrimaryTaskSetCommandInput,
  UpdateTaskSetCommandInput,
} from '@aws-sdk/client-ecs';
import { awsError } from '../core/aws-error.js';
import { type CommandTable, command } from '../core/registry.js';
import { builtAnswer } from '../sdk/responses.js';
import type { EcsWorld } from './ecs-world.js';
import { requireCluster, serviceName } from './lookup.js';
import type { SimService, SimTaskSet } from './model.js';
import { orderedTaskSets, taskSetShape } from './task-set-shape.js';
import {
  createTaskSet,
  deleteTaskSet,
  findTaskSet,
  setPrimaryTaskSet,
  updateTaskSetScale,
} from './task-sets.js';

const invalid = (message: string) => awsError('ecs', 'InvalidParameterException', message);

/**
 * The request's service, ACTIVE, with task sets (`external`: of the EXTERNAL controller only).
 * @throws ClusterNotFoundException, ServiceNotFoundException, ServiceNotActiveException,
 * InvalidParameterException
 */
const requireService = (
  world: EcsWorld,
  i: { cluster?: string; service?: string },
  command: string,
  external: boolean,
): SimService => {
  const c = requireCluster(world, i.cluster);
  const s = c.services.get(serviceName(i.service ?? ''));
  if (!s) throw awsError('ecs', 'ServiceNotFoundException', 'Service not found.');
  if (s.status !== 'ACTIVE') throw awsError('ecs', 'ServiceNotActiveException', 'Service was not ACTIVE.');
  const controller = s.deploymentController ?? 'ECS';
  if (external ? controller !== 'EXTERNAL' : !s.taskSets)
    throw invalid(
      `${command} is not supported for services with a ${controller} deployment controller${external ? '; it is for the EXTERNAL deployment controller' : ''}.`,
    );
  return s;
};

/** The service's task set by id or ARN. @throws TaskSetNotFoundException */
const requireTaskSet = (s: SimService, ref: string | undefined): SimTaskSet => {
  const set = ref ? findTaskSet(s, ref) : undefined;
  if (!set) throw awsError('ecs', 'TaskSetNotFoundException', 'The specified task set does not exist.');
  return set;
};

/** A `Scale` member: unit PERCENT (the only one), value 0–100. @throws InvalidParameterException */
const scaleOf = (scale: { value?: number; unit?: string } | undefined): number | undefined => {
  if (scale === undefined) return undefined;
  if (scale.unit !== undefined && scale.unit !== 'PERCENT') throw invalid('Scale unit must be PERCENT.');
  return scale.value ?? 0;
};

/** The task set commands. */
export const taskSetApi = (world: EcsWorld): CommandTable => ({
  CreateTaskSet: command<CreateTaskSetCommandInput>((i) => {
    const s = requireService(world, i, 'CreateTaskSet', true);
    const td = i.taskDefinition ? world.taskDefinition(i.taskDefinition) : undefined;
    if (!td) throw awsError('ecs', 'ClientException', 'Unable to describe task definition.');
    if (i.launchType !== undefined && i.launchType !== 'EC2')
      throw invalid(`Launch type ${i.launchType} is not modelled by the simulator (EC2 only).`);
    const subnets = i.networkConfiguration?.awsvpcConfiguration?.subnets;
    const set = createTaskSet(world, s, {
      taskDefinition: td,
      scale: scaleOf(i.scale) ?? 100,
      ...(i.externalId ? { externalId: i.externalId } : {}),
      ...(i.launchType ? { launchType: 'EC2' as const } : {}),
      ...(i.capacityProviderStrategy?.length
        ? {
            capacityProviderStrategy: i.capacityProviderStrategy.map((p) => ({
              capacityProvider: p.capacityProvider ?? '',
              ...(p.weight !== undefined ? { weight: p.weight } : {}),
              ...(p.base !== undefined ? { base: p.base } : {}),
            })),
          }
        : {}),
      ...(subnets?.length ? { subnets } : {}),
      tags: Object.fromEntries((i.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
    });
    return builtAnswer({ taskSet: taskSetShape(set) });
  }),

  UpdateTaskSet: command<UpdateTaskSetCommandInput>((i) => {
    const s = requireService(world, i, 'UpdateTaskSet', true);
    const set = requireTaskSet(s, i.taskSet);
    const value = scaleOf(i.scale);
    if (value === undefined) throw invalid('Scale is required.');
    updateTaskSetScale(world, set, value);
    return builtAnswer({ taskSet: taskSetShape(set) });
  }),

  UpdateServicePrimaryTaskSet: command<UpdateServicePrimaryTaskSetCommandInput>((i) => {
    const s = requireService(world, i, 'UpdateServicePrimaryTaskSet', true);
    const set = requireTaskSet(s, i.primaryTaskSet);
    setPrimaryTaskSet(world, set);
    return builtAnswer({ taskSet: taskSetShape(set) });
  }),

  DeleteTaskSet: command<DeleteTaskSetCommandInput>((i) => {
    const s = requireService(world, i, 'DeleteTaskSet', true);
    const set = requireTaskSet(s, i.taskSet);
    deleteTaskSet(world, set, i.force ?? false);
    return builtAnswer({ taskSet: taskSetShape(set) });
  }),

  DescribeTaskSets: command<DescribeTaskSetsCommandInput>((i) => {
    const s = requireService(world, i, 'DescribeTaskSets', false);
    const withTags = i.include?.includes('TAGS') ?? false;
    const taskSets: Array<Record<string, unknown>> = [];
    const failures: Array<{ arn: string; reason: string }> = [];
    if (!i.taskSets?.length) {
      for (const set of orderedTaskSets(s)) taskSets.push(taskSetShape(set, withTags));
    } else {
      for (const ref of i.taskSets) {
        const set = findTaskSet(s, ref);
        if (set) taskSets.push(taskSetShape(set, withTags));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
    }
    return builtAnswer({ taskSets, failures });
  }),
});
