/**
 * ECS adapter of the drainer: finds the container instance of an EC2 instance, lists the tasks on it
 * (with their daemon flag), sets it DRAINING and records when the drain started.
 */

import type { ECSClient, ContainerInstance as SdkContainerInstance } from '@aws-sdk/client-ecs';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import type { DrainContainerInstance, DrainTask } from '../core/drain-decision.js';
import { AwsRejectedError } from '../runtime/errors.js';
import { readerClients } from './clients.js';
import { callAws } from './drain-errors.js';

/**
 * Container-instance attribute holding the drain start (epoch seconds). ECS keeps no drain timestamp,
 * and the drainer keeps no database: the fact lives on the resource it describes, is read for free by
 * DescribeContainerInstances, and disappears with the container instance. Attribute names allow letters,
 * digits, `-`, `_`, `/`, `\` and `.` (ECS `Attribute`), hence no colon.
 */
export const DRAIN_START_ATTRIBUTE = 'ecs-autoscaler.drain-started-at';

/** DescribeTasks accepts up to 100 tasks per call; DescribeServices up to 10 services. */
const DESCRIBE_TASKS_BATCH = 100;
const DESCRIBE_SERVICES_BATCH = 10;

/** A container instance as the drainer sees it. */
export interface ObservedContainerInstance extends DrainContainerInstance {
  ec2InstanceId?: string;
}

/** The ECS operations the drainer needs (a narrow port; tests and the simulator provide their own). */
export interface DrainEcsPort {
  /** The container instance of EC2 instance `ec2InstanceId` in `cluster` (ACTIVE or DRAINING), if any. */
  findContainerInstance(
    cluster: string,
    ec2InstanceId: string,
  ): Promise<ObservedContainerInstance | undefined>;
  /** One container instance by ARN (any status), or undefined when ECS does not know it. */
  describeContainerInstance(cluster: string, arn: string): Promise<ObservedContainerInstance | undefined>;
  /** Every task on the container instance whose desired status is RUNNING or STOPPED (recent ones). */
  listInstanceTasks(cluster: string, containerInstanceArn: string): Promise<DrainTask[]>;
  setDraining(cluster: string, containerInstanceArn: string): Promise<void>;
  recordDrainStart(cluster: string, containerInstanceArn: string, at: Date): Promise<void>;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const toObserved = (ci: SdkContainerInstance): ObservedContainerInstance | undefined => {
  if (!ci.containerInstanceArn) return undefined;
  const raw = ci.attributes?.find((a) => a.name === DRAIN_START_ATTRIBUTE)?.value;
  const seconds = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  return {
    arn: ci.containerInstanceArn,
    status: ci.status ?? 'UNKNOWN',
    ...(ci.ec2InstanceId ? { ec2InstanceId: ci.ec2InstanceId } : {}),
    ...(seconds !== undefined ? { drainStartedAt: new Date(seconds * 1000) } : {}),
  };
};

/** {@link DrainEcsPort} over the ECS API. */
export class EcsDrainAdapter implements DrainEcsPort {
  constructor(private readonly ecs: ECSClient) {}

  async findContainerInstance(cluster: string, ec2InstanceId: string) {
    // Cluster query language: `ec2InstanceId == i-…`. The default status filter is ACTIVE and DRAINING.
    const listed = await callAws('ecs:ListContainerInstances', `cluster '${cluster}'`, () =>
      this.ecs.send(
        new ListContainerInstancesCommand({ cluster, filter: `ec2InstanceId == ${ec2InstanceId}` }),
      ),
    );
    const arn = listed.containerInstanceArns?.[0];
    return arn ? this.describeContainerInstance(cluster, arn) : undefined;
  }

  async describeContainerInstance(cluster: string, arn: string) {
    const out = await callAws('ecs:DescribeContainerInstances', `cluster '${cluster}'`, () =>
      this.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] })),
    );
    const found = out.containerInstances?.[0];
    return found ? toObserved(found) : undefined;
  }

  async listInstanceTasks(cluster: string, containerInstanceArn: string): Promise<DrainTask[]> {
    // ListTasks filters on the *desired* status. A task being stopped (deregistration delay, stopTimeout)
    // has desiredStatus STOPPED but lastStatus not yet STOPPED, so both lists are needed, then
    // DescribeTasks for lastStatus. Stopped tasks stay listed for at least an hour.
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await callAws('ecs:ListTasks', `container instance ${containerInstanceArn}`, () =>
          this.ecs.send(
            new ListTasksCommand({
              cluster,
              containerInstance: containerInstanceArn,
              desiredStatus,
              nextToken,
            }),
          ),
        );
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const unique = [...new Set(arns)];
    const tasks = [];
    for (const batch of chunks(unique, DESCRIBE_TASKS_BATCH)) {
      const out = await callAws('ecs:DescribeTasks', `cluster '${cluster}'`, () =>
        this.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })),
      );
      tasks.push(...(out.tasks ?? []));
    }
    const serviceNames = [
      ...new Set(tasks.map((t) => t.group).filter((g): g is string => g?.startsWith('service:') === true)),
    ].map((g) => g.slice('service:'.length));
    const services = new Map<string, { daemon: boolean; running: number | undefined }>();
    for (const batch of chunks(serviceNames, DESCRIBE_SERVICES_BATCH)) {
      const out = await callAws('ecs:DescribeServices', `cluster '${cluster}'`, () =>
        this.ecs.send(new DescribeServicesCommand({ cluster, services: batch })),
      );
      for (const s of out.services ?? []) {
        if (!s.serviceName) continue;
        services.set(s.serviceName, { daemon: s.schedulingStrategy === 'DAEMON', running: s.runningCount });
      }
    }
    return tasks
      .filter((t) => t.taskArn)
      .map((t) => {
        // Standalone tasks (`family:…`) are never daemon tasks: they block like any service task.
        const serviceName = t.group?.startsWith('service:') ? t.group.slice('service:'.length) : undefined;
        const service = serviceName ? services.get(serviceName) : undefined;
        return {
          taskArn: t.taskArn!,
          lastStatus: t.lastStatus ?? 'UNKNOWN',
          daemon: service?.daemon ?? false,
          ...(t.group ? { group: t.group } : {}),
          ...(serviceName ? { serviceName } : {}),
          ...(service?.running !== undefined ? { serviceRunningCount: service.running } : {}),
        };
      });
  }

  async setDraining(cluster: string, containerInstanceArn: string) {
    const out = await callAws('ecs:UpdateContainerInstancesState', `cluster '${cluster}'`, () =>
      this.ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster,
          containerInstances: [containerInstanceArn],
          status: 'DRAINING',
        }),
      ),
    );
    const failure = out.failures?.[0];
    if (failure) {
      throw new AwsRejectedError(
        `ecs:UpdateContainerInstancesState could not set ${containerInstanceArn} DRAINING: ` +
          `${failure.reason ?? 'unknown reason'}${failure.detail ? ` (${failure.detail})` : ''}`,
        failure.reason ?? 'Failure',
      );
    }
  }

  async recordDrainStart(cluster: string, containerInstanceArn: string, at: Date) {
    const value = String(Math.floor(at.getTime() / 1000));
    await callAws('ecs:PutAttributes', `cluster '${cluster}'`, () =>
      this.ecs.send(
        new PutAttributesCommand({
          cluster,
          attributes: [
            {
              name: DRAIN_START_ATTRIBUTE,
              value,
              targetType: 'container-instance',
              targetId: containerInstanceArn,
            },
          ],
        }),
      ),
    );
  }
}

let defaultAdapter: EcsDrainAdapter | undefined;
/** The adapter over the shared default ECS client (created once per module; warm invocations reuse it). */
export const defaultEcsDrainAdapter = (): EcsDrainAdapter => {
  defaultAdapter ??= new EcsDrainAdapter(readerClients().ecs);
  return defaultAdapter;
};
