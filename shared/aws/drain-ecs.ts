/**
 * ECS adapter of the drainer: finds the container instance of an EC2 instance, lists the tasks on it
 * (with their daemon flag), sets it DRAINING and records when the drain started.
 */

import type {
  ECSClient,
  Failure,
  ContainerInstance as SdkContainerInstance,
  Task as SdkTask,
} from '@aws-sdk/client-ecs';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { SPOT_WARNING_ATTRIBUTE } from '../core/drain/config.js';
import type { DrainContainerInstance, DrainTask } from '../core/drain/decision.js';
import { AwsRejectedError, TransientAwsError } from '../core/errors.js';
import { ecsClient } from './clients.js';
import { callAws } from './drain-errors.js';
import { DEFAULT_RETRY, NO_RETRY, type RetryPolicy, retrying } from './retry.js';

/**
 * Container-instance attribute holding the drain start (epoch seconds). ECS keeps no drain timestamp,
 * and the drainer keeps no database: the fact lives on the resource it describes, is read for free by
 * DescribeContainerInstances, and disappears with the container instance. Attribute names allow letters,
 * digits, `-`, `_`, `/`, `\` and `.` (ECS `Attribute`), hence no colon.
 */
export const DRAIN_START_ATTRIBUTE = 'ecs-autoscaler.drain-started-at';

export { SPOT_WARNING_ATTRIBUTE };

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
  /**
   * One container instance by ARN (any status), or undefined when ECS answers MISSING for it.
   * @throws TransientAwsError when ECS answers with any other failure, or not about this ARN at all.
   */
  describeContainerInstance(cluster: string, arn: string): Promise<ObservedContainerInstance | undefined>;
  /**
   * Every task on the container instance whose desired status is RUNNING or STOPPED (recent ones).
   * @throws TransientAwsError when a listed task (or its service) could not be described: a partial
   *   answer must never make a busy instance look empty.
   */
  listInstanceTasks(cluster: string, containerInstanceArn: string): Promise<DrainTask[]>;
  setDraining(cluster: string, containerInstanceArn: string): Promise<void>;
  /** Records the drain start (and, for a Spot warning, {@link SPOT_WARNING_ATTRIBUTE}) in one PutAttributes. */
  recordDrainStart(
    cluster: string,
    containerInstanceArn: string,
    at: Date,
    options?: { spotWarning?: boolean },
  ): Promise<void>;
  /**
   * ACTIVE container instances of `cluster` that carry {@link SPOT_WARNING_ATTRIBUTE}: warned, yet
   * taking tasks again. Optional: ports without it skip the sweeper's Spot watch.
   */
  listSpotWarnedActive?(cluster: string): Promise<string[]>;
  /**
   * Container instances of `cluster` in any status but INACTIVE (ListContainerInstances' default) that
   * carry {@link SPOT_WARNING_ATTRIBUTE}: none left means every warned instance is gone (issue 19).
   */
  listSpotWarned?(cluster: string): Promise<string[]>;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const failureText = (f: Failure): string =>
  `${f.arn ?? '(no ARN)'}: ${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}`;

/**
 * ECS Describe* calls answer 200 with the items they could not describe under `failures`
 * (`{ arn, reason, detail }`) instead of failing the call, and the SDK does not retry those. The adapter
 * asks again at once for what is missing, up to this many calls in all, then gives up with a
 * TransientAwsError: the drainer never decides "empty" or "unregistered" from a partial answer.
 */
const PARTIAL_ATTEMPTS = 3;

const PARTIAL_ADVICE =
  'the drainer never decides from a partial answer: the event is retried (Lambda retry, or the sweeper ' +
  'within a minute)';

const toObserved = (ci: SdkContainerInstance): ObservedContainerInstance | undefined => {
  if (!ci.containerInstanceArn) return undefined;
  const raw = ci.attributes?.find((a) => a.name === DRAIN_START_ATTRIBUTE)?.value;
  const seconds = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
  return {
    arn: ci.containerInstanceArn,
    status: ci.status ?? 'UNKNOWN',
    ...(ci.ec2InstanceId ? { ec2InstanceId: ci.ec2InstanceId } : {}),
    ...(seconds !== undefined ? { drainStartedAt: new Date(seconds * 1000) } : {}),
    ...(ci.attributes?.some((a) => a.name === SPOT_WARNING_ATTRIBUTE) ? { spotWarned: true as const } : {}),
  };
};

/** {@link DrainEcsPort} over the ECS API. */
export class EcsDrainAdapter implements DrainEcsPort {
  /**
   * @param retry In-invocation retries of transient errors (none by default; the Lambda's default adapter
   *   uses {@link DEFAULT_RETRY}, bounded by the invocation's time budget).
   */
  constructor(
    private readonly ecs: ECSClient,
    private readonly retry: RetryPolicy = NO_RETRY,
  ) {}

  private aws<T>(action: string, target: string, call: () => Promise<T>): Promise<T> {
    return retrying(this.retry, () => callAws(action, target, call));
  }

  async findContainerInstance(cluster: string, ec2InstanceId: string) {
    // Cluster query language: `ec2InstanceId == i-…`. The default status filter is ACTIVE and DRAINING.
    const listed = await this.aws('ecs:ListContainerInstances', `cluster '${cluster}'`, () =>
      this.ecs.send(
        new ListContainerInstancesCommand({ cluster, filter: `ec2InstanceId == ${ec2InstanceId}` }),
      ),
    );
    const arn = listed.containerInstanceArns?.[0];
    if (!arn) return undefined;
    // ListContainerInstances just named it ACTIVE or DRAINING, and a deregistered container instance is
    // still described (status INACTIVE), so MISSING here contradicts the listing: not an answer.
    return this.describeOne(cluster, arn, { missingIsAnswer: false });
  }

  async describeContainerInstance(cluster: string, arn: string) {
    return this.describeOne(cluster, arn, { missingIsAnswer: true });
  }

  /**
   * DescribeContainerInstances for one ARN: the container instance, or undefined for a MISSING failure
   * when that counts as an answer. Any other failure, or an ARN absent from both lists, is asked again,
   * then throws.
   */
  private async describeOne(
    cluster: string,
    arn: string,
    { missingIsAnswer }: { missingIsAnswer: boolean },
  ): Promise<ObservedContainerInstance | undefined> {
    let why = 'absent from the answer';
    for (let attempt = 1; attempt <= PARTIAL_ATTEMPTS; attempt++) {
      const out = await this.aws('ecs:DescribeContainerInstances', `cluster '${cluster}'`, () =>
        this.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] })),
      );
      // One ARN asked, so any item or failure is about it (an event may name it in another ARN format).
      const found = out.containerInstances?.[0];
      const observed = found ? toObserved(found) : undefined;
      if (observed) return observed;
      const failure = out.failures?.[0];
      if (failure?.reason === 'MISSING' && missingIsAnswer) return undefined;
      why = failure
        ? `${failureText(failure)}${failure.reason === 'MISSING' ? ', yet ListContainerInstances lists it' : ''}`
        : 'absent from the answer';
    }
    throw new TransientAwsError(
      `ecs:DescribeContainerInstances could not describe ${arn} in cluster '${cluster}' after ` +
        `${PARTIAL_ATTEMPTS} attempts (${why}); ${PARTIAL_ADVICE}`,
    );
  }

  async listInstanceTasks(cluster: string, containerInstanceArn: string): Promise<DrainTask[]> {
    // ListTasks filters on the *desired* status. A task being stopped (deregistration delay, stopTimeout)
    // has desiredStatus STOPPED but lastStatus not yet STOPPED, so both lists are needed, then
    // DescribeTasks for lastStatus. Stopped tasks stay listed for at least an hour.
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await this.aws('ecs:ListTasks', `container instance ${containerInstanceArn}`, () =>
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
    const tasks = await this.describeTasks(cluster, containerInstanceArn, [...new Set(arns)]);
    const services = await this.describeServices(cluster, tasks);
    return tasks.map((t) => {
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

  /**
   * DescribeTasks for every listed task, in the listed order. A task under `failures` — even MISSING,
   * since ListTasks named it a moment ago — or absent from the answer is asked again, then throws: a task
   * dropped here would make a busy instance look empty, and the decision would complete its lifecycle
   * action while the task still runs.
   */
  private async describeTasks(
    cluster: string,
    containerInstanceArn: string,
    arns: readonly string[],
  ): Promise<SdkTask[]> {
    const described = new Map<string, SdkTask>();
    let unread = [...arns];
    let failures = new Map<string, Failure>();
    for (let attempt = 1; attempt <= PARTIAL_ATTEMPTS && unread.length > 0; attempt++) {
      failures = new Map();
      for (const batch of chunks(unread, DESCRIBE_TASKS_BATCH)) {
        const out = await this.aws('ecs:DescribeTasks', `cluster '${cluster}'`, () =>
          this.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })),
        );
        for (const t of out.tasks ?? []) if (t.taskArn) described.set(t.taskArn, t);
        for (const f of out.failures ?? []) if (f.arn) failures.set(f.arn, f);
      }
      unread = unread.filter((arn) => !described.has(arn));
    }
    if (unread.length > 0) {
      const why = unread.map((arn) => {
        const failure = failures.get(arn);
        return failure ? failureText(failure) : `${arn}: absent from the answer`;
      });
      throw new TransientAwsError(
        `ecs:DescribeTasks could not describe ${unread.length} task(s) on ${containerInstanceArn} in ` +
          `cluster '${cluster}' after ${PARTIAL_ATTEMPTS} attempts (${why.join('; ')}); ${PARTIAL_ADVICE}`,
      );
    }
    return arns.map((arn) => described.get(arn)!);
  }

  /**
   * Daemon flag and running count of the tasks' services. A batch with failures is asked again; a
   * failure other than MISSING that persists throws (the answer is incomplete). A MISSING (deleted)
   * service, or one absent from the answer, counts as not daemon: its tasks still block completion,
   * which can only delay a drain, never end it early.
   */
  private async describeServices(
    cluster: string,
    tasks: readonly SdkTask[],
  ): Promise<Map<string, { daemon: boolean; running: number | undefined }>> {
    const serviceNames = [
      ...new Set(tasks.map((t) => t.group).filter((g): g is string => g?.startsWith('service:') === true)),
    ].map((g) => g.slice('service:'.length));
    const services = new Map<string, { daemon: boolean; running: number | undefined }>();
    for (const batch of chunks(serviceNames, DESCRIBE_SERVICES_BATCH)) {
      let failures: Failure[] = [];
      for (let attempt = 1; attempt <= PARTIAL_ATTEMPTS; attempt++) {
        const pending = batch.filter((name) => !services.has(name));
        if (pending.length === 0) break;
        const out = await this.aws('ecs:DescribeServices', `cluster '${cluster}'`, () =>
          this.ecs.send(new DescribeServicesCommand({ cluster, services: pending })),
        );
        for (const s of out.services ?? []) {
          if (!s.serviceName) continue;
          services.set(s.serviceName, {
            daemon: s.schedulingStrategy === 'DAEMON',
            running: s.runningCount,
          });
        }
        failures = out.failures ?? [];
        if (failures.length === 0) break;
      }
      const failed = failures.filter((f) => f.reason !== 'MISSING');
      if (failed.length > 0) {
        throw new TransientAwsError(
          `ecs:DescribeServices could not describe ${failed.length} service(s) in cluster '${cluster}' ` +
            `after ${PARTIAL_ATTEMPTS} attempts (${failed.map(failureText).join('; ')}); ${PARTIAL_ADVICE}`,
        );
      }
    }
    return services;
  }

  async setDraining(cluster: string, containerInstanceArn: string) {
    const out = await this.aws('ecs:UpdateContainerInstancesState', `cluster '${cluster}'`, () =>
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

  async recordDrainStart(
    cluster: string,
    containerInstanceArn: string,
    at: Date,
    options: { spotWarning?: boolean } = {},
  ) {
    const value = String(Math.floor(at.getTime() / 1000));
    const names = [DRAIN_START_ATTRIBUTE, ...(options.spotWarning ? [SPOT_WARNING_ATTRIBUTE] : [])];
    await this.aws('ecs:PutAttributes', `cluster '${cluster}'`, () =>
      this.ecs.send(
        new PutAttributesCommand({
          cluster,
          attributes: names.map((name) => ({
            name,
            value,
            targetType: 'container-instance',
            targetId: containerInstanceArn,
          })),
        }),
      ),
    );
  }

  listSpotWarnedActive(cluster: string) {
    return this.listMarked(cluster, 'ACTIVE');
  }

  listSpotWarned(cluster: string) {
    return this.listMarked(cluster, undefined);
  }

  private async listMarked(cluster: string, status: 'ACTIVE' | undefined) {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.aws('ecs:ListContainerInstances', `cluster '${cluster}'`, () =>
        this.ecs.send(
          new ListContainerInstancesCommand({
            cluster,
            filter: `attribute:${SPOT_WARNING_ATTRIBUTE} exists`,
            ...(status ? { status } : {}),
            nextToken,
          }),
        ),
      );
      arns.push(...(page.containerInstanceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  }
}

let defaultAdapter: EcsDrainAdapter | undefined;
/** The adapter over the shared default ECS client (created once per module; warm invocations reuse it). */
export const defaultEcsDrainAdapter = (): EcsDrainAdapter => {
  defaultAdapter ??= new EcsDrainAdapter(ecsClient(), DEFAULT_RETRY);
  return defaultAdapter;
};
