/**
 * ECS write API: UpdateContainerInstancesState (≤ 10 instances per call), DeregisterContainerInstance, UpdateService (desiredCount,
 * deployment configuration, placement strategy; a task definition or forceNewDeployment only for the ECS
 * deployment controller), DeleteService, RunTask (count 1–10), StopTask, TagResource,
 * PutAttributes (container-instance targets; ≤ 10 attributes per call and ≤ 10 custom ones per resource).
 */
import type {
  DeleteServiceCommandInput,
  DeregisterContainerInstanceCommandInput,
  PutAttributesCommandInput,
  RunTaskCommandInput,
  StopTaskCommandInput,
  TagResourceCommandInput,
  UpdateContainerInstancesStateCommandInput,
  UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { awsError } from '../core/aws-error.js';
import { checkBatch } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';
import { type EcsWorld, effectiveServiceStrategy } from './ecs-world.js';
import { requireCluster, serviceName } from './lookup.js';
import type {
  PlacementConstraint,
  PlacementStrategy,
  SimService,
  SimTask,
  SimTaskDefinition,
} from './model.js';
import { chooseInstance, taskNeeds } from './placement.js';
import { containerInstanceShape, serviceShape, taskShape } from './shapes.js';

/** The ECS write commands. */
export const ecsWriteApi = (world: EcsWorld): CommandTable => ({
  PutAttributes: command<PutAttributesCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    checkBatch('ecs', 'PutAttributes', 'attributes', i.attributes, 10, 1);
    for (const a of i.attributes ?? []) {
      if (!a.name) throw awsError('ecs', 'InvalidParameterException', 'Attribute name is required.');
      if ((a.targetType ?? 'container-instance') !== 'container-instance' || !a.targetId) {
        throw awsError(
          'ecs',
          'InvalidParameterException',
          'The simulator supports container-instance targets only.',
        );
      }
      const ci = world.containerInstance(c, a.targetId);
      if (!ci) throw awsError('ecs', 'TargetNotFoundException', `Could not find ${a.targetId}.`);
      const existing = ci.attributes.find((x) => x.name === a.name);
      if (existing) existing.value = a.value;
      else {
        // ECS: at most 10 custom attributes per resource (its own ecs.* attributes do not count).
        if (ci.attributes.filter((x) => !x.name.startsWith('ecs.')).length >= 10) {
          throw awsError(
            'ecs',
            'AttributeLimitExceededException',
            'You can apply up to 10 custom attributes per resource.',
          );
        }
        ci.attributes.push({ name: a.name, ...(a.value === undefined ? {} : { value: a.value }) });
      }
    }
    return { attributes: i.attributes };
  }),

  UpdateContainerInstancesState: command<UpdateContainerInstancesStateCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    checkBatch('ecs', 'UpdateContainerInstancesState', 'containerInstances', i.containerInstances, 10, 1);
    if (i.status !== 'ACTIVE' && i.status !== 'DRAINING') {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        `Container instance status '${String(i.status)}' is not supported; use ACTIVE or DRAINING.`,
      );
    }
    const containerInstances = [];
    const failures = [];
    for (const ref of i.containerInstances ?? []) {
      const ci = world.containerInstance(c, ref);
      if (!ci) failures.push({ arn: ref, reason: 'MISSING' });
      else if (ci.status === 'INACTIVE')
        failures.push({ arn: ci.arn, reason: 'INACTIVE', detail: 'The container instance is deregistered.' });
      else {
        world.setStatus(ci, i.status);
        containerInstances.push(containerInstanceShape(ci));
      }
    }
    return { containerInstances, failures };
  }),

  /**
   * DeregisterContainerInstance (ECS API reference): refused while tasks run on the instance unless
   * `force` (an ECS engineer, amazon-ecs-agent#125: "the API won't let you succeed unless you have done so
   * or use the force flag"; the message is the simulator's). INACTIVE at once (EcsWorld.deregister).
   */
  DeregisterContainerInstance: command<DeregisterContainerInstanceCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const ci = world.containerInstance(c, i.containerInstance ?? '');
    if (!ci || ci.status === 'INACTIVE') {
      throw awsError('ecs', 'InvalidParameterException', 'The referenced container instance is not active.');
    }
    const running = [...ci.tasks].some((t) => t.lastStatus !== 'STOPPED');
    if (running && !i.force) {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'Found running tasks on the instance; stop them first or deregister with force.',
      );
    }
    world.deregister(ci);
    return { containerInstance: containerInstanceShape(ci) };
  }),

  UpdateService: command<UpdateServiceCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const s = c.services.get(serviceName(i.service ?? ''));
    if (!s) throw awsError('ecs', 'ServiceNotFoundException', 'Service not found.');
    if (s.status !== 'ACTIVE') throw awsError('ecs', 'ServiceNotActiveException', 'Service was not ACTIVE.');
    // A new task definition (or forceNewDeployment) starts a rolling update (world.deploy); checked
    // before anything changes.
    const td = i.taskDefinition === undefined ? undefined : world.taskDefinition(i.taskDefinition);
    if (s.taskSets) refuseTaskSetServiceChange(s, i, td);
    if (i.taskDefinition !== undefined && !td)
      throw awsError('ecs', 'ClientException', 'Unable to describe task definition.');
    if (i.desiredCount !== undefined) {
      if (s.schedulingStrategy === 'DAEMON') {
        throw awsError(
          'ecs',
          'InvalidParameterException',
          'The daemon scheduling strategy does not support a desired count for services.',
        );
      }
      if (!Number.isInteger(i.desiredCount) || i.desiredCount < 0) {
        throw awsError('ecs', 'InvalidParameterException', 'Desired count must be a non-negative integer.');
      }
      s.desiredCount = i.desiredCount;
    }
    const dc = i.deploymentConfiguration;
    if (dc?.minimumHealthyPercent !== undefined) s.minimumHealthyPercent = dc.minimumHealthyPercent;
    if (dc?.maximumPercent !== undefined) s.maximumPercent = dc.maximumPercent;
    if (i.placementStrategy && s.schedulingStrategy === 'REPLICA') {
      s.declaredPlacementStrategy = [...(i.placementStrategy as PlacementStrategy[])];
      s.placementStrategy = effectiveServiceStrategy(s.declaredPlacementStrategy);
    }
    if ((td && td !== s.taskDefinition) || i.forceNewDeployment) world.deploy(s, td ?? s.taskDefinition!);
    world.requestReconcile(c);
    return { service: serviceShape(s, false) };
  }),

  /**
   * DeleteService (ECS API reference): a REPLICA service must be at desired count 0 unless `force`; its
   * tasks stop, it leaves ListServices at once (DRAINING), and it is INACTIVE once every task is STOPPING
   * or STOPPED — here at once, as a stopped task leaves its service's set (stopTask). DescribeServices
   * still returns it. Deleting a service that is no longer ACTIVE changes nothing.
   */
  DeleteService: command<DeleteServiceCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const s = c.services.get(serviceName(i.service ?? ''));
    if (!s) throw awsError('ecs', 'ServiceNotFoundException', 'Service not found.');
    if (s.status !== 'ACTIVE') return { service: serviceShape(s, false) };
    if (s.schedulingStrategy === 'REPLICA' && s.desiredCount > 0 && !i.force) {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'The service cannot be stopped while it is scaled above 0.',
      );
    }
    s.desiredCount = 0;
    s.status = 'DRAINING';
    for (const t of [...s.tasks]) world.stopTask(t, 'Service deleted', 'ServiceSchedulerInitiated');
    if (s.tasks.size === 0) s.status = 'INACTIVE';
    world.requestReconcile(c);
    return { service: serviceShape(s, false) };
  }),

  RunTask: command<RunTaskCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const count = i.count ?? 1;
    if (count < 1 || count > 10)
      throw awsError('ecs', 'InvalidParameterException', 'count must be between 1 and 10.');
    const td = i.taskDefinition ? world.taskDefinition(i.taskDefinition) : undefined;
    if (!td) throw awsError('ecs', 'InvalidParameterException', 'TaskDefinition not found.');
    if (![...c.instances.values()].some((ci) => ci.status !== 'INACTIVE')) {
      throw awsError(
        'ecs',
        'InvalidParameterException',
        'No Container Instances were found in your cluster.',
      );
    }
    const tags = Object.fromEntries((i.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
    const result = runTasks(world, c.name, `${td.family}:${td.revision}`, count, {
      group: i.group ?? `family:${td.family}`,
      ...(i.startedBy ? { startedBy: i.startedBy } : {}),
      strategy: (i.placementStrategy as PlacementStrategy[] | undefined) ?? [{ type: 'random' }],
      constraints: (i.placementConstraints as PlacementConstraint[] | undefined) ?? [],
      tags,
    });
    return { tasks: result.tasks.map((t) => taskShape(t)), failures: result.failures };
  }),

  StopTask: command<StopTaskCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const ref = i.task ?? '';
    const t = c.tasks.get(ref.startsWith('arn:') ? ref : world.arn(`task/${c.name}/${ref}`));
    if (!t) throw awsError('ecs', 'InvalidParameterException', 'The referenced task was not found.');
    world.stopTask(t, i.reason ?? 'Task stopped by user', 'UserInitiated');
    return { task: taskShape(t) };
  }),

  TagResource: command<TagResourceCommandInput>((i) => {
    for (const c of world.clusters.values()) {
      const target =
        c.arn === i.resourceArn ? c : [...c.services.values()].find((s) => s.arn === i.resourceArn);
      if (target) {
        for (const t of i.tags ?? []) if (t.key) target.tags[t.key] = t.value ?? '';
        return {};
      }
    }
    throw awsError(
      'ecs',
      'InvalidParameterException',
      `The specified resource ${String(i.resourceArn)} could not be found.`,
    );
  }),
});

/**
 * UpdateService on a CODE_DEPLOY or EXTERNAL service changes only the desired count, the deployment
 * configuration, the health check grace period and the placement strategy and constraints (ECS API
 * reference, UpdateService): a new task definition goes through a new CodeDeploy deployment or task set;
 * so do the network configuration, load balancers, platform version and capacity provider strategy.
 * @throws InvalidParameterException
 */
const refuseTaskSetServiceChange = (
  s: SimService,
  i: UpdateServiceCommandInput,
  td: SimTaskDefinition | undefined,
): void => {
  const controller = s.deploymentController ?? 'ECS';
  const via =
    controller === 'CODE_DEPLOY'
      ? 'Use AWS CodeDeploy to trigger a new deployment.'
      : 'Create a new task set.';
  if (i.taskDefinition !== undefined && (!td || td !== s.taskDefinition))
    throw awsError(
      'ecs',
      'InvalidParameterException',
      `Unable to update task definition on services with a ${controller} deployment controller. ${via}`,
    );
  if (i.forceNewDeployment)
    throw awsError(
      'ecs',
      'InvalidParameterException',
      `Cannot force a new deployment on services with a ${controller} deployment controller. ${via}`,
    );
  const fixed = (
    ['networkConfiguration', 'loadBalancers', 'platformVersion', 'capacityProviderStrategy'] as const
  ).find((k) => i[k] !== undefined);
  if (fixed)
    throw awsError(
      'ecs',
      'InvalidParameterException',
      `Unable to update ${fixed} on services with a ${controller} deployment controller. ${via}`,
    );
};

/** Options of a standalone RunTask (setup API and RunTask). */
export interface RunTaskOptions {
  group?: string;
  startedBy?: string;
  /** Default `random` (RunTask's default). */
  strategy?: PlacementStrategy[];
  constraints?: PlacementConstraint[];
  tags?: Record<string, string>;
}

/**
 * Places `count` standalone tasks; the ones that do not fit become `failures` naming the reason
 * (`RESOURCE:MEMORY` …) and the closest instance, as RunTask reports them.
 */
export const runTasks = (
  world: EcsWorld,
  clusterName: string,
  taskDefinition: string,
  count: number,
  opts: RunTaskOptions = {},
): { tasks: SimTask[]; failures: Array<{ arn?: string; reason: string }> } => {
  const c = world.cluster(clusterName);
  const td = world.taskDefinition(taskDefinition);
  if (!c || !td)
    throw new Error(
      `sim: runTasks: unknown cluster '${clusterName}' or task definition '${taskDefinition}'.`,
    );
  const group = opts.group ?? `family:${td.family}`;
  const tasks: SimTask[] = [];
  const failures: Array<{ arn?: string; reason: string }> = [];
  for (let n = 0; n < count; n++) {
    const choice = chooseInstance(
      c.instances.values(),
      {
        ...taskNeeds(td),
        group,
        strategy: opts.strategy ?? [{ type: 'random' }],
        constraints: opts.constraints ?? [],
      },
      world.ctx.rng,
    );
    if (choice.ok) {
      tasks.push(
        world.placeTask(choice.instance, td, {
          group,
          ...(opts.startedBy ? { startedBy: opts.startedBy } : {}),
          ...(opts.tags ? { tags: opts.tags } : {}),
        }),
      );
    } else {
      const ci = choice.instances[0];
      failures.push({
        ...(ci ? { arn: ci.arn } : {}),
        reason: choice.reason === 'NO_INSTANCES' ? 'MISSING' : choice.reason,
      });
    }
  }
  return { tasks, failures };
};
