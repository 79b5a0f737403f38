/**
 * The simulated ECS control plane: clusters, task definitions, services, container instances and
 * the task lifecycle (PENDING → RUNNING → [DEACTIVATING →] STOPPING → STOPPED). The service scheduler lives in
 * `service-scheduler.ts`; the API surface in `ecs-api*.ts`.
 */
import type { SimContext } from '../core/context.js';
import { SIM_VPC, simSubnet } from '../core/subnets.js';
import { serviceProviderStrategy } from './capacity-providers.js';
import { containerInstanceEvent, taskEvent } from './ecs-events.js';
import type {
  DeploymentControllerType,
  PlacementConstraint,
  PlacementStrategy,
  SimCluster,
  SimContainerInstance,
  SimLoadBalancer,
  SimService,
  SimTask,
  SimTaskDefinition,
} from './model.js';
import { compileQuery } from './query.js';
import type { TaskDefinitionSpec } from './resources.js';
import { addReservation, agentPorts, eniFacts, type InstanceTypeSpec } from './resources.js';
import { buildTaskDefinition, type RawTaskDefinitionInput } from './task-definitions.js';
import { createTaskSet } from './task-sets.js';

/** A service in the setup API. Percentages per the ECS deployment configuration. */
export interface ServiceSpec {
  cluster: string;
  name: string;
  /**
   * Family, `family:revision` or ARN. Required, except for the EXTERNAL deployment controller (whose
   * tasks come from the task definitions of its task sets).
   */
  taskDefinition?: string;
  /**
   * CreateService's `deploymentController` (absent: `ECS`, rolling updates). `CODE_DEPLOY`: ECS creates
   * the service's first task set (PRIMARY, scale 100 %) with its task definition; `EXTERNAL`: no task
   * set until one is created (task-sets.ts). Both: REPLICA only.
   */
  deploymentController?: { type: DeploymentControllerType };
  /** Ignored for DAEMON. */
  desiredCount?: number;
  schedulingStrategy?: 'REPLICA' | 'DAEMON';
  /** Default for services: spread(attribute:ecs.availability-zone) (ECS default). */
  placementStrategy?: PlacementStrategy[];
  placementConstraints?: PlacementConstraint[];
  /**
   * A capacity provider strategy instead of the EC2 launch type (weight default 1 when only one item,
   * else 0; base default 0, as ECS's API). Absent: the cluster's default strategy if it has one
   * (`setDefaultCapacityProviderStrategy`), else launch type EC2.
   */
  capacityProviderStrategy?: Array<{ capacityProvider: string; weight?: number; base?: number }>;
  /** `EC2` forces the launch type even when the cluster has a default strategy. */
  launchType?: 'EC2';
  /** Default 100 (REPLICA) / 0 (DAEMON). */
  minimumHealthyPercent?: number;
  /** Default 200 (REPLICA) / 100 (DAEMON). */
  maximumPercent?: number;
  tags?: Record<string, string>;
  /**
   * `awsvpc` only: the subnets of its task ENIs (`networkConfiguration.awsvpcConfiguration.subnets`).
   * ECS creates a task's ENI in a subnet of its host's AZ: hosts in other AZs do not take its tasks.
   * Absent: the subnets of every AZ.
   */
  subnets?: string[];
  /**
   * CreateService `loadBalancers`: the target groups (ALB/NLB) its tasks register with, at most 5, each
   * naming a container of the task definition and its port. Their deregistration delays
   * (`setDeregistrationDelay`, default 300 s) hold a stopped task in DEACTIVATING.
   */
  loadBalancers?: SimLoadBalancer[];
}

/** The ELB default of `deregistration_delay.timeout_seconds` (0–3600 s). */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

/**
 * A service's load balancers as CreateService accepts them: at most five target groups ("you can attach
 * up to five target groups to a service"), each an ELB target group ARN with a container of the task
 * definition and a port. The container's port mappings are not checked (the simulator keeps host ports
 * only).
 */
const checkedLoadBalancers = (
  spec: ServiceSpec,
  td: SimTaskDefinition | undefined,
): SimLoadBalancer[] | undefined => {
  const items = spec.loadBalancers;
  if (!items?.length) return undefined;
  const refuse = (why: string): never => {
    throw new Error(`sim: createService '${spec.name}': ${why} (InvalidParameterException)`);
  };
  if (items.length > 5) refuse(`${items.length} load balancers: at most 5 target groups per service`);
  const names = new Set(
    ((td?.raw.containerDefinitions ?? []) as Array<{ name?: string }>).map((c) => c.name),
  );
  for (const lb of items) {
    if (
      !/^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:targetgroup\/[\w-]{1,32}\/[0-9a-f]+$/.test(
        lb.targetGroupArn,
      )
    )
      refuse(`'${lb.targetGroupArn}' is not a target group ARN`);
    if (!names.has(lb.containerName))
      refuse(`the container ${lb.containerName} does not exist in the task definition`);
    if (!Number.isInteger(lb.containerPort) || lb.containerPort < 1 || lb.containerPort > 65535)
      refuse(`containerPort ${lb.containerPort} is not a port`);
  }
  return items.map((lb) => ({ ...lb }));
};

/**
 * A service's placement constraints as CreateService accepts them (ecs-facts §1.4): `distinctInstance`
 * (no expression) or `memberOf` with an expression of the cluster query language (≤ 2,000 characters), at
 * most 10 with the task definition's. ECS refuses anything else (InvalidParameterException); so does this.
 */
const checkedConstraints = (spec: ServiceSpec, fromTaskDefinition: number): PlacementConstraint[] => {
  const items = spec.placementConstraints ?? [];
  const refuse = (why: string): never => {
    throw new Error(`sim: createService '${spec.name}': ${why} (InvalidParameterException)`);
  };
  if (items.length + fromTaskDefinition > 10) {
    refuse(
      `${items.length + fromTaskDefinition} placement constraints with the task definition's; at most 10`,
    );
  }
  for (const c of items as Array<{ type: string; expression?: string }>) {
    if (c.type === 'distinctInstance') {
      if (c.expression) refuse('a distinctInstance constraint takes no expression');
    } else if (c.type === 'memberOf') {
      const expression = c.expression || refuse('a memberOf constraint needs an expression');
      if (expression.length > 2000) refuse('a memberOf expression is longer than 2,000 characters');
      try {
        compileQuery(expression);
      } catch (error) {
        refuse((error as Error).message.replace(/\.$/, ''));
      }
    } else {
      refuse(`placement constraint type '${c.type}' is not distinctInstance or memberOf`);
    }
  }
  return items.map((c) => ({ ...c }));
};

/** Options when placing one task. */
export interface PlaceOptions {
  service?: SimService;
  group: string;
  startedBy?: string;
  tags?: Record<string, string>;
}

/** State and lifecycle of the simulated ECS. */
export class EcsWorld {
  readonly clusters = new Map<string, SimCluster>();
  readonly taskDefinitions = new Map<string, SimTaskDefinition>();
  private readonly families = new Map<string, SimTaskDefinition[]>();
  private readonly reconcileScheduled = new Set<SimCluster>();
  /** Target group ARN → `deregistration_delay.timeout_seconds` (ELB's attribute; unset: 300 s). */
  private readonly deregistrationDelays = new Map<string, number>();
  /** Called when an ACTIVE/DRAINING instance's EC2 instance is gone (for the invariants). */
  onTaskLost?: (task: SimTask) => void;

  /**
   * @param reconcile the service scheduler (sim/ecs/service-scheduler.ts), passed in by the simulator so
   * the world and its scheduler do not import each other.
   */
  constructor(
    readonly ctx: SimContext,
    private readonly reconcile: (world: EcsWorld, cluster: SimCluster) => void,
  ) {}

  /** Builds an ECS ARN for this account and region. */
  arn(resource: string): string {
    return `arn:aws:ecs:${this.ctx.settings.region}:${this.ctx.settings.accountId}:${resource}`;
  }

  /** Creates (or returns) an ACTIVE cluster. */
  createCluster(name: string, tags: Record<string, string> = {}): SimCluster {
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const cluster: SimCluster = {
      name,
      arn: this.arn(`cluster/${name}`),
      status: 'ACTIVE',
      tags: { ...tags },
      instances: new Map(),
      services: new Map(),
      tasks: new Map(),
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  /** Finds a cluster by name or ARN. */
  cluster(ref: string | undefined): SimCluster | undefined {
    const name = (ref ?? 'default').replace(/^arn:aws:ecs:[^:]*:\d+:cluster\//, '');
    return this.clusters.get(name);
  }

  /** Registers a new revision of a task definition (setup API or raw ECS shape). */
  registerTaskDefinition(spec: TaskDefinitionSpec | RawTaskDefinitionInput): SimTaskDefinition {
    const revisions = this.families.get(spec.family) ?? [];
    const td = buildTaskDefinition(spec, revisions.length + 1, this.arn.bind(this), this.ctx);
    revisions.push(td);
    this.families.set(spec.family, revisions);
    this.taskDefinitions.set(td.arn, td);
    return td;
  }

  /** Resolves `family`, `family:rev` or an ARN (latest ACTIVE revision for a bare family). */
  taskDefinition(ref: string): SimTaskDefinition | undefined {
    if (ref.startsWith('arn:')) return this.taskDefinitions.get(ref);
    const [family, rev] = ref.split(':');
    const revisions = this.families.get(family ?? '');
    if (!revisions) return undefined;
    return rev === undefined ? revisions[revisions.length - 1] : revisions[Number(rev) - 1];
  }

  /**
   * Sets a target group's deregistration delay (ELB `deregistration_delay.timeout_seconds`, 0–3600 s,
   * default 300): how long a service task stopped behind it stays DEACTIVATING. The simulator has no ELB
   * API; a target group is known by its ARN only.
   */
  setDeregistrationDelay(targetGroupArn: string, seconds: number): void {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600)
      throw new Error(
        `sim: setDeregistrationDelay: ${seconds} s is outside ELB's 0–3600 s (ValidationError).`,
      );
    this.deregistrationDelays.set(targetGroupArn, seconds);
  }

  /** The longest deregistration delay of the service's target groups, seconds (0 without any). */
  deregistrationDelay(s: SimService | undefined): number {
    let out = 0;
    for (const lb of s?.loadBalancers ?? [])
      out = Math.max(
        out,
        this.deregistrationDelays.get(lb.targetGroupArn) ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS,
      );
    return out;
  }

  /** Creates a service; its tasks are placed by the scheduler (immediately RUNNING before the run starts). */
  createService(spec: ServiceSpec): SimService {
    const cluster = this.cluster(spec.cluster);
    if (!cluster)
      throw new Error(`sim: createService: cluster '${spec.cluster}' does not exist; createCluster first.`);
    const controller = spec.deploymentController?.type;
    const withSets = controller === 'CODE_DEPLOY' || controller === 'EXTERNAL';
    if (controller !== undefined && !withSets && controller !== 'ECS')
      throw new Error(
        `sim: createService '${spec.name}': unknown deployment controller '${String(controller)}'.`,
      );
    const td = spec.taskDefinition === undefined ? undefined : this.taskDefinition(spec.taskDefinition);
    if (spec.taskDefinition !== undefined && !td)
      throw new Error(`sim: createService: task definition '${spec.taskDefinition}' is not registered.`);
    if (!td && controller !== 'EXTERNAL')
      throw new Error(
        `sim: createService '${spec.name}': a task definition is required (only an EXTERNAL service may have none).`,
      );
    const daemon = spec.schedulingStrategy === 'DAEMON';
    // CreateService: "The DAEMON scheduling strategy does not support CODE_DEPLOY or EXTERNAL".
    if (daemon && withSets)
      throw new Error(
        `sim: createService '${spec.name}': a DAEMON service uses the ECS deployment controller.`,
      );
    if (spec.subnets && td && !td.awsvpc) {
      throw new Error(`sim: createService: '${spec.name}': subnets are for the awsvpc network mode only.`);
    }
    const placementConstraints = checkedConstraints(spec, td?.placementConstraints.length ?? 0);
    const loadBalancers = checkedLoadBalancers(spec, td);
    const now = this.ctx.clock.nowMs;
    const service: SimService = {
      name: spec.name,
      arn: this.arn(`service/${cluster.name}/${spec.name}`),
      cluster,
      ...(td ? { taskDefinition: td } : {}),
      ...(controller ? { deploymentController: controller } : {}),
      ...(withSets ? { taskSets: [] } : {}),
      desiredCount: daemon ? 0 : (spec.desiredCount ?? 0),
      schedulingStrategy: daemon ? 'DAEMON' : 'REPLICA',
      placementStrategy: daemon ? [] : effectiveServiceStrategy(spec.placementStrategy),
      declaredPlacementStrategy: daemon ? [] : [...(spec.placementStrategy ?? [])],
      capacityProviderStrategy: daemon ? [] : serviceProviderStrategy(cluster, spec),
      placementConstraints,
      ...(loadBalancers ? { loadBalancers } : {}),
      ...(spec.subnets?.length ? { subnets: [...spec.subnets] } : {}),
      minimumHealthyPercent: spec.minimumHealthyPercent ?? (daemon ? 0 : 100),
      maximumPercent: spec.maximumPercent ?? (daemon ? 100 : 200),
      status: 'ACTIVE',
      createdAt: now,
      // A service with task sets has no deployment (and draws no deployment id).
      deploymentId: withSets ? '' : this.newDeploymentId(),
      deploymentCreatedAt: now,
      previousDeployments: [],
      tags: { ...spec.tags },
      tasks: new Set(),
      events: [],
      failedTasks: 0,
    };
    cluster.services.set(spec.name, service);
    if (controller === 'CODE_DEPLOY' && td)
      createTaskSet(this, service, { taskDefinition: td, scale: 100, status: 'PRIMARY' });
    this.requestReconcile(cluster);
    return service;
  }

  /** A new deployment (or task set) id (`ecs-svc/` and 19 digits, as ECS shows them). */
  newDeploymentId(): string {
    return `ecs-svc/${String(this.ctx.rng.int(1e9)).padStart(9, '0')}${String(this.ctx.rng.int(1e10)).padStart(10, '0')}`;
  }

  /**
   * Starts a new deployment of `s` (UpdateService with a new task definition, or `forceNewDeployment`):
   * the PRIMARY deployment becomes ACTIVE while it has tasks, the new one runs `td`, and a new task
   * definition resets the start throttle (ecs-facts §3.4). The rolling update itself is the scheduler's.
   */
  deploy(s: SimService, td: SimTaskDefinition): void {
    if (s.taskSets)
      throw new Error(`sim: deploy: service '${s.name}' deploys through task sets, not deployments.`);
    const old = s.deploymentId;
    if ([...s.tasks].some((t) => t.startedBy === old))
      s.previousDeployments.push({
        id: old,
        taskDefinition: s.taskDefinition!,
        createdAt: s.deploymentCreatedAt,
      });
    s.deploymentId = this.newDeploymentId();
    s.deploymentCreatedAt = this.ctx.clock.nowMs;
    s.taskDefinition = td;
    s.failedTasks = 0;
    s.throttledUntil = undefined;
    this.requestReconcile(s.cluster);
  }

  /** Registers an EC2 instance's agent with a cluster: a new ACTIVE container instance. */
  registerContainerInstance(spec: {
    cluster: string;
    ec2InstanceId: string;
    instanceType: InstanceTypeSpec;
    az: string;
    attributes?: Array<{ name: string; value?: string }>;
    /** Keep a known ARN (seeding from a snapshot). */
    arn?: string;
    /** The capacity provider whose Auto Scaling group launched the instance. */
    capacityProviderName?: string;
    /** `ECS_RESERVED_MEMORY`: MiB registered less than the type's memory. */
    reservedMemory?: number;
  }): SimContainerInstance {
    const cluster = this.cluster(spec.cluster);
    if (!cluster) throw new Error(`sim: cluster '${spec.cluster}' does not exist.`);
    const id = spec.arn?.split('/').pop() ?? this.ctx.rng.hex(32);
    const t = spec.instanceType;
    const enis = t.enis ?? eniFacts(t.name).enis;
    const trunk = t.trunkEnis ?? eniFacts(t.name).trunkEnis;
    const trunked = (spec.attributes ?? []).some((a) => a.name === 'ecs.awsvpc-trunk-id');
    const ci: SimContainerInstance = {
      arn: spec.arn ?? this.arn(`container-instance/${cluster.name}/${id}`),
      id,
      cluster,
      ec2InstanceId: spec.ec2InstanceId,
      instanceType: t.name,
      az: spec.az,
      status: 'ACTIVE',
      agentConnected: true,
      ...(spec.capacityProviderName ? { capacityProviderName: spec.capacityProviderName } : {}),
      registered: { cpu: t.cpu, memory: t.memory - (spec.reservedMemory ?? 0), gpu: t.gpu ?? 0 },
      remaining: { cpu: t.cpu, memory: t.memory - (spec.reservedMemory ?? 0), gpu: t.gpu ?? 0 },
      usedPorts: new Set(agentPorts),
      usedPortsUdp: new Set(),
      eniSlots:
        trunked && trunk !== undefined
          ? trunk
          : enis !== undefined
            ? Math.max(0, enis - 1)
            : Number.POSITIVE_INFINITY,
      registeredAt: this.ctx.clock.nowMs,
      version: 1,
      tasks: new Set(),
      attributes: [
        { name: 'ecs.availability-zone', value: spec.az },
        // ECS registers the instance's subnet and VPC (ecs-facts §1.2); a seeded instance keeps its own.
        ...(spec.attributes?.some((a) => a.name === 'ecs.subnet-id')
          ? []
          : [
              { name: 'ecs.subnet-id', value: simSubnet(spec.az) },
              { name: 'ecs.vpc-id', value: SIM_VPC },
            ]),
        { name: 'ecs.instance-type', value: t.name },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.cpu-architecture', value: t.name.includes('g.') ? 'arm64' : 'x86_64' },
        ...(spec.attributes ?? []),
      ],
    };
    cluster.instances.set(ci.arn, ci);
    this.instanceChanged(ci);
    this.requestReconcile(cluster);
    return ci;
  }

  /** Finds a container instance by ARN or ID in a cluster. */
  containerInstance(cluster: SimCluster, ref: string): SimContainerInstance | undefined {
    if (ref.startsWith('arn:')) return cluster.instances.get(ref);
    return cluster.instances.get(this.arn(`container-instance/${cluster.name}/${ref}`));
  }

  /** Finds a container instance anywhere by its EC2 instance id (non-INACTIVE first). */
  instanceByEc2Id(ec2InstanceId: string): SimContainerInstance | undefined {
    let found: SimContainerInstance | undefined;
    for (const c of this.clusters.values())
      for (const ci of c.instances.values())
        if (ci.ec2InstanceId === ec2InstanceId && (!found || ci.status !== 'INACTIVE')) found = ci;
    return found;
  }

  /** Sets ACTIVE/DRAINING (UpdateContainerInstancesState); draining is carried out by the scheduler. */
  setStatus(ci: SimContainerInstance, status: 'ACTIVE' | 'DRAINING'): void {
    if (ci.status === status) return;
    ci.status = status;
    this.instanceChanged(ci);
    this.requestReconcile(ci.cluster);
  }

  /** Sets `agentConnected` (fault injection: a disconnected agent takes no placements). */
  setAgentConnected(ci: SimContainerInstance, connected: boolean): void {
    if (ci.agentConnected === connected) return;
    ci.agentConnected = connected;
    this.instanceChanged(ci);
    this.requestReconcile(ci.cluster);
  }

  /**
   * The EC2 instance behind `ci` is gone: ECS deregisters it (INACTIVE) and its tasks are STOPPED at
   * once (reason "Host EC2 (instance …) terminated.").
   */
  ec2Terminated(ci: SimContainerInstance): void {
    this.retire(ci, 'TerminationNotice', `Host EC2 (instance ${ci.ec2InstanceId}) terminated.`, true);
  }

  /**
   * DeregisterContainerInstance (ECS API reference): INACTIVE at once, no more placements, the agent
   * does not register again; the EC2 instance runs on, in its Auto Scaling group as before. Tasks still
   * there (the caller checked `force`) are orphaned: ECS no longer accounts for them — STOPPED in its
   * view, as an ECS engineer describes a forced deregistration (amazon-ecs-agent#125) — and their
   * services start other copies. The stop code and reason are the simulator's (not documented).
   */
  deregister(ci: SimContainerInstance): void {
    this.retire(ci, 'UserInitiated', 'Container instance deregistered (forced).', false);
  }

  private retire(ci: SimContainerInstance, stopCode: string, reason: string, lost: boolean): void {
    if (ci.status === 'INACTIVE') return;
    for (const task of [...ci.tasks]) {
      if (lost && task.lastStatus !== 'STOPPED') this.onTaskLost?.(task);
      task.desiredStatus = 'STOPPED';
      task.stopCode ??= stopCode;
      task.stoppedReason ??= reason;
      this.finishStop(task);
    }
    ci.status = 'INACTIVE';
    ci.agentConnected = false;
    ci.deregisteredAt = this.ctx.clock.nowMs;
    this.instanceChanged(ci);
    this.requestReconcile(ci.cluster);
    this.ctx.clock.after(this.ctx.settings.stoppedRetentionSeconds, 'ecs:purge-instance', () => {
      ci.cluster.instances.delete(ci.arn);
    });
  }

  /** Places one task on `ci` (resources reserved now). Before the run starts the task is RUNNING at once. */
  placeTask(ci: SimContainerInstance, td: SimTaskDefinition, opts: PlaceOptions): SimTask {
    const { clock, rng, settings } = this.ctx;
    const id = rng.hex(32);
    const now = clock.nowMs;
    const task: SimTask = {
      arn: this.arn(`task/${ci.cluster.name}/${id}`),
      id,
      cluster: ci.cluster,
      taskDefinition: td,
      instance: ci,
      group: opts.group,
      service: opts.service,
      startedBy: opts.startedBy,
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
      createdAt: now,
      version: 1,
      tags: { ...opts.tags },
    };
    addReservation(ci.remaining, td.reservation, -1);
    for (const p of td.hostPorts) ci.usedPorts.add(p);
    for (const p of td.hostPortsUdp) ci.usedPortsUdp.add(p);
    ci.tasks.add(task);
    ci.cluster.tasks.set(task.arn, task);
    opts.service?.tasks.add(task);
    if (!this.ctx.started && td.exitsAfterSeconds === undefined) {
      task.lastStatus = 'RUNNING';
      task.startedAt = now;
    } else {
      // A definition that crashes goes through its start even when placed before the run starts.
      if (this.ctx.started) this.emitTask(task);
      clock.after(rng.between(...settings.taskStartSeconds), 'ecs:task-running', () =>
        this.taskStarted(task),
      );
    }
    this.instanceChanged(ci);
    return task;
  }

  private taskStarted(task: SimTask): void {
    if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'PENDING') return;
    const exits = task.taskDefinition.exitsAfterSeconds;
    if (exits === 0) {
      // The essential container exits at start: PENDING → STOPPED without RUNNING. ECS counts it in the
      // deployment's failedTasks and slows its retries (ECS developer guide "Service throttle logic").
      if (task.service) task.service.failedTasks++;
      this.stopTask(task, 'Essential container in task exited', 'EssentialContainerExited');
      return;
    }
    task.lastStatus = 'RUNNING';
    task.startedAt = this.ctx.clock.nowMs;
    task.version++;
    if (task.service) task.service.failedTasks = 0;
    this.emitTask(task);
    if (exits !== undefined) {
      this.ctx.clock.after(exits, 'ecs:task-exit', () =>
        this.stopTask(task, 'Essential container in task exited', 'EssentialContainerExited'),
      );
    }
    this.requestReconcile(task.cluster);
  }

  /**
   * Stops a task: desiredStatus STOPPED at once; a PENDING task stops within a second, a RUNNING one
   * after its containers exit (SIGTERM, then SIGKILL at stopTimeout). A RUNNING service task behind load
   * balancers is DEACTIVATING first, for the longest deregistration delay of its target groups (ECS
   * deregisters it and waits for the target to drain before SIGTERM), its reservation held; not when its
   * essential container exited by itself (nothing is left to drain).
   */
  stopTask(task: SimTask, reason: string, stopCode = 'UserInitiated'): void {
    if (task.desiredStatus === 'STOPPED') return;
    const { clock } = this.ctx;
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = clock.nowMs;
    task.service?.tasks.delete(task);
    const wasRunning = task.lastStatus === 'RUNNING';
    const delay =
      wasRunning && stopCode !== 'EssentialContainerExited' ? this.deregistrationDelay(task.service) : 0;
    if (delay > 0) {
      task.lastStatus = 'DEACTIVATING';
      task.version++;
      this.emitTask(task);
      clock.after(delay, 'ecs:target-deregistered', () => {
        if (task.lastStatus === 'DEACTIVATING') this.exitContainers(task);
      });
      return;
    }
    if (wasRunning) this.exitContainers(task);
    else {
      task.version++;
      this.emitTask(task);
      clock.after(1, 'ecs:task-stopped', () => this.finishStop(task));
    }
  }

  /** STOPPING: the agent stops the containers, which exit within stopTimeout. */
  private exitContainers(task: SimTask): void {
    const { clock, rng, settings } = this.ctx;
    task.lastStatus = 'STOPPING';
    task.version++;
    this.emitTask(task);
    const exit = Math.min(task.taskDefinition.stopTimeoutSeconds, rng.between(...settings.taskExitSeconds));
    clock.after(exit, 'ecs:task-stopped', () => this.finishStop(task));
  }

  private finishStop(task: SimTask): void {
    if (task.lastStatus === 'STOPPED') return;
    const ci = task.instance;
    const now = this.ctx.clock.nowMs;
    task.desiredStatus = 'STOPPED';
    task.lastStatus = 'STOPPED';
    task.stoppingAt ??= now;
    task.stoppedAt = now;
    task.version++;
    task.service?.tasks.delete(task);
    addReservation(ci.remaining, task.taskDefinition.reservation, 1);
    for (const p of task.taskDefinition.hostPorts) if (!agentPorts.includes(p)) ci.usedPorts.delete(p);
    for (const p of task.taskDefinition.hostPortsUdp) ci.usedPortsUdp.delete(p);
    ci.tasks.delete(task);
    this.emitTask(task);
    if (ci.status !== 'INACTIVE') this.instanceChanged(ci);
    this.requestReconcile(task.cluster);
    this.ctx.clock.after(this.ctx.settings.stoppedRetentionSeconds, 'ecs:purge-task', () => {
      task.cluster.tasks.delete(task.arn);
    });
  }

  /** Schedules one service-scheduler pass for the cluster (coalesced). */
  requestReconcile(cluster: SimCluster): void {
    if (!this.ctx.started) {
      this.reconcile(this, cluster);
      return;
    }
    if (this.reconcileScheduled.has(cluster)) return;
    this.reconcileScheduled.add(cluster);
    this.ctx.clock.after(this.ctx.settings.ecsSchedulerDelaySeconds, 'ecs:scheduler', () => {
      this.reconcileScheduled.delete(cluster);
      this.reconcile(this, cluster);
    });
  }

  private emitTask(task: SimTask): void {
    this.ctx.emit('aws.ecs', 'ECS Task State Change', [task.arn], () => taskEvent(task));
  }

  /** Bumps the container instance version and emits its state-change event. */
  instanceChanged(ci: SimContainerInstance): void {
    ci.version++;
    if (!this.ctx.started) return;
    this.ctx.emit('aws.ecs', 'ECS Container Instance State Change', [ci.arn], () =>
      containerInstanceEvent(ci, this.ctx.clock.nowMs),
    );
  }
}

/**
 * What ECS places a REPLICA service's tasks by: its strategy, or — none given, or an empty list — the
 * default for services, spread on `attribute:ecs.availability-zone` (ecs-facts §1.1). DescribeServices
 * still returns the strategy as given.
 */
export const effectiveServiceStrategy = (
  given: readonly PlacementStrategy[] | undefined,
): PlacementStrategy[] =>
  given && given.length > 0 ? [...given] : [{ type: 'spread', field: 'attribute:ecs.availability-zone' }];
