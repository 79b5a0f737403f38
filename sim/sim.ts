/**
 * The simulator façade: builds a world (setup API), drives it on virtual time, routes SDK calls and
 * events, and records the timeline. See sim/README.md for the guide.
 */

import type { ClusterSnapshot } from '../shared/core/snapshot/index.js';
import { setClock, setRandom, setSleep } from '../shared/runtime/clock.js';
import { setEmfSink } from '../shared/runtime/metrics.js';
import { AasWorld, type ScalableTargetSpec } from './aas/aas.js';
import { asgApi, SCALING_PROCESSES } from './asg/asg-api.js';
import { type AsgSpec, AsgWorld } from './asg/asg-world.js';
import type { LifecycleHookSpec, SimAsg } from './asg/model.js';
import { CloudWatchWorld } from './cloudwatch/cloudwatch.js';
import type { SimServiceName } from './core/aws-error.js';
import {
  defaultSettings,
  eventTime,
  type SimContext,
  type SimSettings,
  type Violation,
} from './core/context.js';
import { Rng } from './core/random.js';
import type { CommandTable } from './core/registry.js';
import { Scheduler } from './core/scheduler.js';
import { ec2Api } from './ec2/ec2-api.js';
import { ecsApi } from './ecs/ecs-api.js';
import { type RunTaskOptions, runTasks } from './ecs/ecs-api-write.js';
import { EcsWorld, type ServiceSpec } from './ecs/ecs-world.js';
import type { SimCluster, SimService, SimTask, SimTaskDefinition, SimTaskSet } from './ecs/model.js';
import type { TaskDefinitionSpec } from './ecs/resources.js';
import { reconcileCluster } from './ecs/service-scheduler.js';
import type { RawTaskDefinitionInput } from './ecs/task-definitions.js';
import {
  createTaskSet,
  deleteTaskSet,
  findTaskSet,
  setPrimaryTaskSet,
  type TaskSetSpec,
  updateTaskSetScale,
} from './ecs/task-sets.js';
import { EventBus } from './eventbridge/event-bus.js';
import {
  type FunctionRegistration,
  type InvocationRecord,
  Lambdas,
  type SimEvent,
} from './events/lambdas.js';
import { loadServerless, loadServerlessQueues } from './events/serverless.js';
import { Faults } from './faults.js';
import { SampleInvariants } from './observe/invariants.js';
import { timelineSvg } from './observe/svg.js';
import { Timeline } from './observe/timeline.js';
import { ApiDispatcher } from './sdk/dispatch.js';
import { interceptSdk, type SdkMocks } from './sdk/intercept.js';
import { type SeedNotes, seedFromSnapshot } from './setup/snapshot-seed.js';
import { EventSourceMappings } from './sqs/event-source.js';
import { type QueueSpec, type SimQueue, SqsWorld } from './sqs/queues.js';
import { ParameterStore } from './ssm/parameter-store.js';

/** Options of {@link createSim}. */
export interface SimOptions {
  /** PRNG seed (default 1): same seed and same inputs ⇒ same run. */
  seed?: number;
  /** Start of virtual time (default 2025-01-06T00:00:00Z). */
  start?: string | number | Date;
  /** Timing overrides. */
  settings?: Partial<SimSettings>;
  /** Timeline sample interval, seconds (default 60). */
  sampleSeconds?: number;
  /** Virtual time each API call takes inside a handler invocation, ms (default 20). */
  apiLatencyMs?: number;
  /** A service that stays below its desired count this long is a violation (default 600 s). */
  pendingTooLongSeconds?: number;
  /**
   * Debug: deep-freeze every API answer, so that code changing an answer it was given throws (strict
   * mode) instead of silently working on shared data. Off by default (it costs a walk per answer).
   */
  freezeAnswers?: boolean;
}

/** The simulated AWS account. */
export class Sim implements SimContext {
  readonly clock: Scheduler;
  readonly rng: Rng;
  readonly settings: SimSettings;
  readonly ecs: EcsWorld;
  readonly asg: AsgWorld;
  readonly aas: AasWorld;
  readonly cloudwatch: CloudWatchWorld;
  /** The default EventBridge bus: events put with PutEvents (decision events). */
  readonly eventBus: EventBus;
  /** SSM Parameter Store (the scaler's last-decision records). */
  readonly ssm: ParameterStore;
  readonly lambdas: Lambdas;
  /** SQS queues, and the Lambda event source mappings that consume them. */
  readonly sqs: SqsWorld;
  readonly eventSources: EventSourceMappings;
  readonly faults: Faults;
  readonly timeline = new Timeline();
  readonly violations: Violation[] = [];
  private readonly dispatcher: ApiDispatcher;
  private readonly invariants: SampleInvariants;
  private readonly options: Required<
    Pick<SimOptions, 'sampleSeconds' | 'apiLatencyMs' | 'pendingTooLongSeconds'>
  >;
  private isStarted = false;
  private readonly seed: number;
  private restoreFns: Array<() => void> = [];

  constructor(opts: SimOptions = {}) {
    const start =
      opts.start === undefined ? Date.parse('2025-01-06T00:00:00Z') : new Date(opts.start).getTime();
    this.clock = new Scheduler(start);
    this.seed = opts.seed ?? 1;
    this.rng = new Rng(this.seed);
    this.settings = { ...defaultSettings, ...opts.settings };
    this.options = {
      sampleSeconds: opts.sampleSeconds ?? 60,
      apiLatencyMs: opts.apiLatencyMs ?? 20,
      pendingTooLongSeconds: opts.pendingTooLongSeconds ?? 600,
    };
    this.faults = new Faults(this.rng, () => this.clock.elapsedSeconds);
    this.ecs = new EcsWorld(this, reconcileCluster);
    this.asg = new AsgWorld(this, this.ecs);
    this.aas = new AasWorld(this, this.ecs);
    this.cloudwatch = new CloudWatchWorld(this);
    this.eventBus = new EventBus(this);
    this.ssm = new ParameterStore(this);
    this.lambdas = new Lambdas(this, this.faults);
    this.sqs = new SqsWorld(this);
    this.eventSources = new EventSourceMappings(this, this.sqs, this.lambdas);
    const tables: Record<SimServiceName, CommandTable> = {
      ecs: ecsApi(this.ecs),
      autoscaling: asgApi(this.asg, this),
      'application-autoscaling': this.aas.api(),
      cloudwatch: this.cloudwatch.api(),
      events: this.eventBus.api(),
      ssm: this.ssm.api(),
      sqs: this.sqs.api(),
      ec2: ec2Api(this.asg, this.settings.region),
    };
    this.dispatcher = new ApiDispatcher(
      this,
      tables,
      this.lambdas,
      this.faults,
      this.timeline,
      this.options.apiLatencyMs,
      opts.freezeAnswers ?? false,
    );
    this.invariants = new SampleInvariants(this.options.pendingTooLongSeconds);
  }

  // ── SimContext ────────────────────────────────────────────────────────────

  /** True once time has started (first run, invoke or API call). */
  get started(): boolean {
    return this.isStarted;
  }

  /** @inheritdoc */
  emit(source: string, detailType: string, resources: string[], detail: () => Record<string, unknown>): void {
    if (!this.isStarted) return;
    this.timeline.events.push({
      t: this.clock.elapsedSeconds,
      source,
      detailType,
      ...(resources[0] ? { resource: resources[0] } : {}),
    });
    if (!this.lambdas.hasListeners()) return;
    if (!this.lambdas.mayListen(source, detailType)) {
      // No pattern can match: nothing to build or deliver (the event id is drawn all the same, so the
      // random sequence, and with it the run, is the same as when the event is built and matched).
      this.rng.uuid();
      return;
    }
    this.lambdas.publish({
      version: '0',
      id: this.rng.uuid(),
      'detail-type': detailType,
      source,
      account: this.settings.accountId,
      time: eventTime(this.clock.nowMs),
      region: this.settings.region,
      resources,
      detail: detail(),
    });
  }

  /** @inheritdoc */
  violation(kind: Violation['kind'], message: string, data?: Record<string, unknown>): void {
    this.violations.push({ t: this.clock.elapsedSeconds, kind, message, ...(data ? { data } : {}) });
  }

  // ── Setup API ─────────────────────────────────────────────────────────────

  /** Creates an ECS cluster. */
  createCluster(name: string, tags?: Record<string, string>): SimCluster {
    return this.ecs.createCluster(name, tags);
  }

  /** Registers a task definition revision (setup form or a raw ECS TaskDefinition). */
  registerTaskDefinition(spec: TaskDefinitionSpec | RawTaskDefinitionInput): SimTaskDefinition {
    return this.ecs.registerTaskDefinition(spec);
  }

  /** Creates a service (REPLICA or DAEMON). */
  createService(spec: ServiceSpec): SimService {
    return this.ecs.createService(spec);
  }

  /** Creates an Auto Scaling group whose instances register with `spec.cluster`. */
  createAutoScalingGroup(spec: AsgSpec): SimAsg {
    return this.asg.createGroup(spec);
  }

  /** Registers an Application Auto Scaling target for a service's DesiredCount. */
  registerScalableTarget(spec: ScalableTargetSpec) {
    return this.aas.registerTarget(spec);
  }

  /** Runs standalone tasks (RunTask semantics; default placement random). */
  runTask(cluster: string, taskDefinition: string, count = 1, opts?: RunTaskOptions) {
    return runTasks(this.ecs, cluster, taskDefinition, count, opts);
  }

  /** Builds the world recorded in a ClusterSnapshot (before the run starts). See setup/snapshot-seed.ts. */
  seedFromSnapshot(snapshot: ClusterSnapshot, opts?: { terminationHook?: LifecycleHookSpec }): SeedNotes {
    return seedFromSnapshot(this, snapshot, opts);
  }

  // ── Drivers ───────────────────────────────────────────────────────────────

  /** Runs `fn` at `seconds` after the start of the run. */
  at(seconds: number, fn: () => void | Promise<void>): void {
    this.clock.at(this.clock.startMs + seconds * 1000, 'driver', fn);
  }

  /**
   * Suspends (or resumes) processes of an Auto Scaling group now, as SuspendProcesses / ResumeProcesses
   * would without an API call (no names: every process).
   * @throws Error for an unknown group
   */
  suspendProcesses(group: string, processes: readonly string[] | undefined, suspend = true): void {
    const g = this.asg.groups.get(group);
    if (!g) throw new Error(`no Auto Scaling group ${group}`);
    this.asg.suspendProcesses(g, processes?.length ? processes : SCALING_PROCESSES, suspend);
  }

  /** Sets a service's desired count now (as UpdateService would, without an API call). */
  setDesiredCount(cluster: string, service: string, desired: number): void {
    const s = this.serviceOf(cluster, service);
    s.desiredCount = desired;
    this.ecs.requestReconcile(s.cluster);
  }

  // ── Task sets: CodeDeploy blue/green and EXTERNAL (sim/ecs/task-sets.ts) ──

  /**
   * Creates a task set of a CODE_DEPLOY or EXTERNAL service now, as CreateTaskSet would without an API call
   * (e.g. the sets an EXTERNAL service starts with, before the run). `taskDefinition`: family,
   * `family:revision` or ARN; the set is ACTIVE at 100 % unless `spec` says otherwise.
   * @throws InvalidParameterException (the API's rules, task-sets.ts); Error for an unknown name.
   */
  createTaskSet(
    cluster: string,
    service: string,
    spec: Omit<TaskSetSpec, 'taskDefinition'> & { taskDefinition: string },
  ): SimTaskSet {
    const s = this.serviceOf(cluster, service);
    const td = this.ecs.taskDefinition(spec.taskDefinition);
    if (!td)
      throw new Error(`sim: createTaskSet: task definition '${spec.taskDefinition}' is not registered.`);
    return createTaskSet(this.ecs, s, { ...spec, taskDefinition: td });
  }

  /**
   * CodeDeploy blue/green, step 1 (a new deployment of a CODE_DEPLOY service): creates the replacement task
   * set running `taskDefinition` — ACTIVE, scale 100 %, startedBy `CodeDeploy`, the service's launch type
   * and network configuration. Its tasks start beside the original set's: the service runs twice its
   * desired count until the original set is deleted ({@link deleteTaskSet}).
   * @throws Error when the service is not CODE_DEPLOY or a deployment is already in progress (an ACTIVE set).
   */
  startBlueGreen(cluster: string, service: string, taskDefinition: string): SimTaskSet {
    const s = this.serviceOf(cluster, service);
    if (s.deploymentController !== 'CODE_DEPLOY')
      throw new Error(`sim: startBlueGreen: service '${service}' does not use the CODE_DEPLOY controller.`);
    if (s.taskSets?.some((set) => set.status === 'ACTIVE'))
      throw new Error(
        `sim: startBlueGreen: a deployment of '${service}' is in progress (an ACTIVE task set).`,
      );
    return this.createTaskSet(cluster, service, { taskDefinition, scale: 100, startedBy: 'CodeDeploy' });
  }

  /**
   * CodeDeploy blue/green, step 2 (production traffic rerouted): makes `taskSet` (id or ARN; default the
   * newest ACTIVE set) PRIMARY and the previous PRIMARY ACTIVE, as UpdateServicePrimaryTaskSet; a
   * CODE_DEPLOY service takes the set's task definition as its own. Both sets keep their tasks.
   * @throws Error when there is no such set; InvalidParameterException for a DRAINING one.
   */
  shiftTraffic(cluster: string, service: string, taskSet?: string): SimTaskSet {
    const s = this.serviceOf(cluster, service);
    const set =
      taskSet === undefined
        ? s.taskSets?.filter((x) => x.status === 'ACTIVE').at(-1)
        : findTaskSet(s, taskSet);
    if (!set) throw new Error(`sim: shiftTraffic: '${service}' has no task set ${taskSet ?? 'ACTIVE'}.`);
    setPrimaryTaskSet(this.ecs, set);
    return set;
  }

  /**
   * DeleteTaskSet (CodeDeploy blue/green, step 3, after the original set's termination wait): the set
   * (id or ARN) becomes DRAINING, its computed desired count 0; the scheduler stops its tasks and the set
   * is gone once the last has stopped. The PRIMARY set needs `force`.
   * @throws Error when there is no such set; InvalidParameterException for the PRIMARY one without force.
   */
  deleteTaskSet(
    cluster: string,
    service: string,
    taskSet: string,
    opts: { force?: boolean } = {},
  ): SimTaskSet {
    const s = this.serviceOf(cluster, service);
    const set = findTaskSet(s, taskSet);
    if (!set) throw new Error(`sim: deleteTaskSet: '${service}' has no task set '${taskSet}'.`);
    deleteTaskSet(this.ecs, set, opts.force ?? false);
    return set;
  }

  /**
   * UpdateTaskSet: the set's scale becomes `percent` (0–100) of the service's desired count; the scheduler
   * starts or stops its tasks to ⌈desired × percent / 100⌉.
   * @throws Error when there is no such set; InvalidParameterException for a scale outside 0–100.
   */
  updateTaskSetScale(cluster: string, service: string, taskSet: string, percent: number): SimTaskSet {
    const s = this.serviceOf(cluster, service);
    const set = findTaskSet(s, taskSet);
    if (!set) throw new Error(`sim: updateTaskSetScale: '${service}' has no task set '${taskSet}'.`);
    updateTaskSetScale(this.ecs, set, percent);
    return set;
  }

  private serviceOf(cluster: string, service: string): SimService {
    const s = this.ecs.cluster(cluster)?.services.get(service);
    if (!s) throw new Error(`sim: service '${cluster}/${service}' does not exist.`);
    return s;
  }

  /** A load trace: desired count of a service at given times (seconds since start). */
  trace(
    cluster: string,
    service: string,
    points: ReadonlyArray<readonly [seconds: number, desired: number]>,
  ): void {
    for (const [t, d] of points) this.at(t, () => this.setDesiredCount(cluster, service, d));
  }

  /** Sends a Spot interruption warning for an instance (reclaimed `warningSeconds` later, default 120). */
  interruptSpot(instanceId: string, opts?: { rebalance?: boolean; warningSeconds?: number }): void {
    const i = this.asg.instance(instanceId);
    if (!i) throw new Error(`sim: interruptSpot: instance '${instanceId}' is not in any group.`);
    this.start();
    this.asg.interruptSpot(i, opts);
  }

  /**
   * Sends an EC2 instance rebalance recommendation for a Spot instance, without an interruption warning:
   * a group with CapacityRebalance launches its replacement, then terminates it (asg-world.ts).
   */
  rebalanceRecommendation(instanceId: string): void {
    const i = this.asg.instance(instanceId);
    if (!i) throw new Error(`sim: rebalanceRecommendation: instance '${instanceId}' is not in any group.`);
    this.start();
    this.asg.rebalanceRecommendation(i);
  }

  /**
   * EC2 has no capacity for these instance types (default: all) in these AZs (default: all) from now for
   * `seconds` (default: for good): launches fail (InsufficientInstanceCapacity), the groups launch what
   * else they may (another override, another AZ) and retry the rest every 60 s.
   */
  capacityShortage(opts: { types?: string[]; azs?: string[]; seconds?: number } = {}): void {
    const { seconds, ...where } = opts;
    this.asg.capacityShortage({
      ...where,
      ...(seconds === undefined ? {} : { untilMs: this.clock.nowMs + seconds * 1000 }),
    });
  }

  // ── Functions and events ──────────────────────────────────────────────────

  /** Registers a Lambda function (patterns, schedule, timeout). */
  register(fn: FunctionRegistration): void {
    this.lambdas.register(fn);
  }

  /**
   * Registers the functions of a serverless.yml (handlers imported from `root`, default the file's
   * directory). Returns the names loaded and the schedules that could not be simulated (cron).
   */
  async loadServerless(
    file: string,
    opts: { root?: string; only?: string[]; handlers?: Record<string, FunctionRegistration['handler']> } = {},
  ): Promise<{ loaded: string[]; skipped: string[] }> {
    const loadOpts = { ...opts, accountId: this.settings.accountId, region: this.settings.region };
    const { functions, skipped } = await loadServerless(file, loadOpts);
    // The deployment's queues, their event source mappings, and the environment variables naming them.
    const { queues, sqsEvents, envRefs } = await loadServerlessQueues(file, loadOpts);
    const byLogicalId = new Map<string, SimQueue>();
    for (const q of [...queues].sort((a, b) => Number(!!a.redrive) - Number(!!b.redrive))) {
      const dlq = q.redrive ? byLogicalId.get(q.redrive.deadLetterLogicalId) : undefined;
      const spec: QueueSpec = {
        name: q.name,
        fifo: q.fifo,
        contentBasedDeduplication: q.contentBasedDeduplication,
        ...(q.visibilityTimeout !== undefined ? { visibilityTimeout: q.visibilityTimeout } : {}),
        ...(q.redrive && dlq
          ? { redrive: { deadLetterQueue: dlq.spec.name, maxReceiveCount: q.redrive.maxReceiveCount } }
          : {}),
      };
      byLogicalId.set(q.logicalId, this.sqs.find(q.name) ?? this.sqs.createQueue(spec));
    }
    for (const f of functions) {
      for (const r of envRefs.filter((e) => e.functionName === f.name)) {
        const q = byLogicalId.get(r.logicalId);
        if (!q) continue;
        const value = r.attribute === 'Arn' ? q.arn : r.attribute === 'QueueName' ? q.spec.name : q.url;
        f.environment = { ...f.environment, [r.variable]: value };
      }
      this.register(f);
    }
    for (const e of sqsEvents) {
      if (!functions.some((f) => f.name === e.functionName)) continue;
      const q = byLogicalId.get(e.queueLogicalId);
      if (!q)
        throw new Error(
          `sim: ${e.functionName}'s sqs event names '${e.queueLogicalId}', which is not a queue in ${file}.`,
        );
      this.eventSources.create({
        functionName: e.functionName,
        queue: q.url,
        ...(e.batchSize !== undefined ? { batchSize: e.batchSize } : {}),
        ...(e.maximumConcurrency !== undefined ? { maximumConcurrency: e.maximumConcurrency } : {}),
        reportBatchItemFailures: e.reportBatchItemFailures,
      });
    }
    return { loaded: functions.map((f) => f.name), skipped };
  }

  /** Creates an SQS queue (standard or FIFO; see sim/sqs/queues.ts for the rules it follows). */
  createQueue(spec: QueueSpec): SimQueue {
    return this.sqs.createQueue(spec);
  }

  /** Publishes an event (defaults filled in: id, time, account, region). */
  putEvent(event: Partial<SimEvent> & Pick<SimEvent, 'source' | 'detail-type' | 'detail'>): void {
    this.start();
    this.lambdas.publish({
      version: '0',
      id: this.rng.uuid(),
      account: this.settings.accountId,
      time: eventTime(this.clock.nowMs),
      region: this.settings.region,
      resources: [],
      ...event,
    });
  }

  /** Invokes a registered function now (outside the event flow) and returns its record. */
  async invoke(name: string, event: unknown = {}): Promise<InvocationRecord> {
    this.start();
    return this.lambdas.invoke(name, event, 'manual');
  }

  /** Invocations so far (all functions, all attempts). */
  get invocations(): readonly InvocationRecord[] {
    return this.lambdas.invocations;
  }

  /** Number of invocations of one function. */
  invocationCount(name: string): number {
    return this.lambdas.count(name);
  }

  // ── SDK ───────────────────────────────────────────────────────────────────

  /**
   * Intercepts the four SDK clients, points the handlers' clock (`shared/runtime/clock.ts`) at virtual
   * time and their EMF metrics at the simulated CloudWatch. Undo with {@link dispose}.
   */
  install(): SdkMocks {
    const mocks = interceptSdk((service, command, input) => this.call(service, command, input));
    const restoreClock = setClock(() => this.clock.nowMs + (this.lambdas.current?.elapsedMs ?? 0));
    // A backoff inside an invocation spends the invocation's virtual time (and can reach its timeout).
    const restoreSleep = setSleep(async (ms) => {
      if (this.lambdas.current) this.lambdas.current.elapsedMs += ms;
    });
    // Handlers' retry jitter: seeded, and apart from the world's own random source.
    const jitter = new Rng(this.seed + 7919);
    const restoreRandom = setRandom(() => jitter.next());
    setEmfSink((doc) => this.cloudwatch.putEmf(doc));
    this.restoreFns.push(mocks.restore, restoreClock, restoreSleep, restoreRandom, () =>
      setEmfSink(undefined),
    );
    return mocks;
  }

  /** Restores the SDK clients, the clock and the EMF sink. */
  dispose(): void {
    for (const fn of this.restoreFns.reverse()) fn();
    this.restoreFns = [];
  }

  /**
   * Executes one API command as AWS would (faults, latency, limits, errors).
   * @throws the SDK-like error AWS would return, SimNotImplementedError, or SimInvocationKilled.
   */
  async call(
    service: SimServiceName,
    command: string,
    input: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    this.start();
    return this.dispatcher.call(service, command, input);
  }

  /** API calls by `service:Command` (reads and writes, including failed ones). */
  get apiCalls(): ReadonlyMap<string, number> {
    return this.dispatcher.apiCalls;
  }

  // ── Running ───────────────────────────────────────────────────────────────

  /** Starts virtual time (implicit in run/invoke/call): sampling, alarm evaluation. */
  start(): void {
    if (this.isStarted) return;
    this.isStarted = true;
    for (const c of this.ecs.clusters.values()) this.ecs.requestReconcile(c);
    this.takeSample();
    this.clock.every(this.options.sampleSeconds, 'timeline:sample', () => this.takeSample());
    this.clock.every(60, 'cloudwatch:evaluate', () => this.cloudwatch.evaluate());
  }

  /** Advances virtual time by `seconds`, running everything due. */
  async runFor(seconds: number): Promise<void> {
    this.start();
    await this.clock.runUntil(this.clock.nowMs + seconds * 1000);
  }

  /** Advances virtual time to `seconds` after the start. */
  async runUntil(seconds: number): Promise<void> {
    this.start();
    await this.clock.runUntil(this.clock.startMs + seconds * 1000);
  }

  /** Current virtual time, epoch ms. */
  get nowMs(): number {
    return this.clock.nowMs;
  }

  /** Seconds since the start. */
  get elapsedSeconds(): number {
    return this.clock.elapsedSeconds;
  }

  private takeSample(): void {
    this.timeline.sample(
      this.clock.elapsedSeconds,
      this.clock.nowMs,
      this.ecs,
      this.asg,
      this.lambdas.invocations.length,
    );
    this.invariants.check(this, this.ecs, this.asg);
  }

  /** The run as JSON-ready data: samples, actions, events, invocations, violations. */
  toJSON(): Record<string, unknown> {
    return {
      seed: this.seed,
      start: new Date(this.clock.startMs).toISOString(),
      end: new Date(this.clock.nowMs).toISOString(),
      samples: this.timeline.samples,
      actions: this.timeline.actions,
      events: this.timeline.events,
      invocations: this.lambdas.invocations,
      violations: this.violations,
      apiCalls: Object.fromEntries(this.apiCalls),
    };
  }

  /** The timeline as an SVG chart (capacity vs demand over time). */
  toSvg(title?: string): string {
    return timelineSvg(this.timeline.samples, title);
  }

  /** Tasks of a cluster that are not STOPPED (handy in assertions). */
  liveTasks(cluster: string): SimTask[] {
    const c = this.ecs.cluster(cluster);
    return c ? [...c.tasks.values()].filter((t) => t.lastStatus !== 'STOPPED') : [];
  }
}

/** Creates a simulator. */
export const createSim = (opts?: SimOptions): Sim => new Sim(opts);
