/**
 * ECS read API. Limits per the ECS API reference: ListClusters/ListContainerInstances/ListTasks
 * maxResults 1–100 (default 100), ListServices 1–100 (default 10), DescribeClusters ≤ 100,
 * DescribeContainerInstances ≤ 100, DescribeServices ≤ 10, DescribeTasks ≤ 100 per call; unknown
 * names/ARNs in Describe* come back as `failures: [{ arn, reason: 'MISSING' }]`.
 */
import type {
  DescribeClustersCommandInput,
  DescribeContainerInstancesCommandInput,
  DescribeServicesCommandInput,
  DescribeTaskDefinitionCommandInput,
  DescribeTasksCommandInput,
  ListClustersCommandInput,
  ListContainerInstancesCommandInput,
  ListServicesCommandInput,
  ListTagsForResourceCommandInput,
  ListTasksCommandInput,
} from '@aws-sdk/client-ecs';
import { coexistEcsApi } from '../coexist.js';
import { awsError } from '../core/aws-error.js';
import { checkBatch, paginate } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';
import { builtAnswer, freshAnswer } from '../sdk/responses.js';
import { ecsWriteApi } from './ecs-api-write.js';
import type { EcsWorld } from './ecs-world.js';
import { requireCluster, serviceName } from './lookup.js';
import { compileQuery } from './query.js';
import { clusterShape, containerInstanceShape, serviceShape, tagList, taskShape } from './shapes.js';
import { taskSetApi } from './task-set-api.js';

/** The ECS command table. */
export const ecsApi = (world: EcsWorld): CommandTable => ({
  ...ecsWriteApi(world),
  ...coexistEcsApi(world),
  ...taskSetApi(world),

  ListClusters: command<ListClustersCommandInput>((i) => {
    const arns = [...world.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.arn);
    const page = paginate('ecs', 'ListClusters', arns, i.nextToken, i.maxResults, 100, 100);
    return { clusterArns: page.items, nextToken: page.nextToken };
  }),

  DescribeClusters: command<DescribeClustersCommandInput>((i) => {
    checkBatch('ecs', 'DescribeClusters', 'clusters', i.clusters, 100);
    const refs = i.clusters?.length ? i.clusters : ['default'];
    const clusters = [];
    const failures = [];
    for (const ref of refs) {
      const c = world.cluster(ref);
      if (c) clusters.push(clusterShape(c));
      else
        failures.push({ arn: ref.startsWith('arn:') ? ref : world.arn(`cluster/${ref}`), reason: 'MISSING' });
    }
    return { clusters, failures };
  }),

  ListContainerInstances: command<ListContainerInstancesCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const pred = i.filter ? compileQuery(i.filter) : undefined;
    // Without `status`, every status except INACTIVE is listed (ECS API reference).
    const arns = [...c.instances.values()]
      .filter((ci) => (i.status ? ci.status === i.status : ci.status !== 'INACTIVE'))
      .filter((ci) => !pred || pred(ci))
      .map((ci) => ci.arn);
    const page = paginate(
      'ecs',
      `ListContainerInstances/${c.name}`,
      arns,
      i.nextToken,
      i.maxResults,
      100,
      100,
    );
    return { containerInstanceArns: page.items, nextToken: page.nextToken };
  }),

  DescribeContainerInstances: command<DescribeContainerInstancesCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    checkBatch('ecs', 'DescribeContainerInstances', 'containerInstances', i.containerInstances, 100, 1);
    const containerInstances = [];
    const failures = [];
    for (const ref of i.containerInstances ?? []) {
      const ci = world.containerInstance(c, ref);
      if (ci) containerInstances.push(containerInstanceShape(ci));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    // Items and failures are built for this answer, without undefined members: no copy needed.
    return freshAnswer({ containerInstances, failures });
  }),

  ListServices: command<ListServicesCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const arns = [...c.services.values()]
      .filter((s) => s.status === 'ACTIVE')
      .filter((s) => !i.schedulingStrategy || s.schedulingStrategy === i.schedulingStrategy)
      .map((s) => s.arn);
    const page = paginate('ecs', `ListServices/${c.name}`, arns, i.nextToken, i.maxResults, 10, 100);
    return { serviceArns: page.items, nextToken: page.nextToken };
  }),

  DescribeServices: command<DescribeServicesCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    checkBatch('ecs', 'DescribeServices', 'services', i.services, 10, 1);
    const withTags = i.include?.includes('TAGS') ?? false;
    const services = [];
    const failures = [];
    for (const ref of i.services ?? []) {
      const s = c.services.get(serviceName(ref));
      if (s) services.push(serviceShape(s, withTags));
      else
        failures.push({
          arn: ref.startsWith('arn:') ? ref : world.arn(`service/${c.name}/${ref}`),
          reason: 'MISSING',
        });
    }
    // serviceShape builds every member for this call (tests: test/unit/sim/fresh-answers.test.ts).
    return builtAnswer({ services, failures });
  }),

  DescribeTaskDefinition: command<DescribeTaskDefinitionCommandInput>((i) => {
    const td = i.taskDefinition ? world.taskDefinition(i.taskDefinition) : undefined;
    if (!td) throw awsError('ecs', 'ClientException', 'Unable to describe task definition.');
    return {
      taskDefinition: structuredClone(td.raw),
      ...(i.include?.includes('TAGS') ? { tags: tagList(td.tags) } : {}),
    };
  }),

  ListTasks: command<ListTasksCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    const ci = i.containerInstance ? world.containerInstance(c, i.containerInstance) : undefined;
    if (i.containerInstance && !ci) {
      throw awsError('ecs', 'InvalidParameterException', 'The referenced container instance was not found.');
    }
    if (i.serviceName && !c.services.has(serviceName(i.serviceName))) {
      throw awsError('ecs', 'ServiceNotFoundException', 'Service not found.');
    }
    const status = i.desiredStatus ?? 'RUNNING';
    const service = i.serviceName ? serviceName(i.serviceName) : undefined;
    const group = service ? `service:${service}` : undefined;
    const arns: string[] = [];
    for (const t of c.tasks.values()) {
      if (ci && t.instance !== ci) continue;
      if (status === 'PENDING' ? t.lastStatus !== 'PENDING' : t.desiredStatus !== status) continue;
      if (i.family && t.taskDefinition.family !== i.family) continue;
      if (group && t.group !== group) continue;
      if (i.startedBy && t.startedBy !== i.startedBy) continue;
      arns.push(t.arn);
    }
    const page = paginate('ecs', `ListTasks/${c.name}`, arns, i.nextToken, i.maxResults, 100, 100);
    return { taskArns: page.items, nextToken: page.nextToken };
  }),

  DescribeTasks: command<DescribeTasksCommandInput>((i) => {
    const c = requireCluster(world, i.cluster);
    checkBatch('ecs', 'DescribeTasks', 'tasks', i.tasks, 100, 1);
    const withTags = i.include?.includes('TAGS') ?? false;
    const tasks = [];
    const failures = [];
    for (const ref of i.tasks ?? []) {
      const t = c.tasks.get(ref.startsWith('arn:') ? ref : world.arn(`task/${c.name}/${ref}`));
      if (t) tasks.push(taskShape(t, withTags));
      else failures.push({ arn: ref, reason: 'MISSING' });
    }
    return freshAnswer({ tasks, failures });
  }),

  ListTagsForResource: command<ListTagsForResourceCommandInput>((i) => {
    const arn = i.resourceArn ?? '';
    for (const c of world.clusters.values()) {
      if (c.arn === arn) return { tags: tagList(c.tags) };
      for (const s of c.services.values()) if (s.arn === arn) return { tags: tagList(s.tags) };
      const t = c.tasks.get(arn);
      if (t) return { tags: tagList(t.tags) };
      if (c.instances.has(arn)) return { tags: [] };
    }
    const td = world.taskDefinitions.get(arn);
    if (td) return { tags: tagList(td.tags) };
    throw awsError('ecs', 'InvalidParameterException', `The specified resource ${arn} could not be found.`);
  }),
});
