/**
 * The instance drainer on the simulator (issue #5): real handler, real EventBridge patterns, virtual
 * time. Every scenario checks the invariants: no instance terminated while a non-daemon task on it is
 * not STOPPED (unless the maximum drain time forced it), no lifecycle action timed out, the lifecycle
 * action completed within 5 s of the last task stopping, and event-driven invocations bounded by the
 * number of tasks, not by the drain's duration.
 */
import { AutoScalingClient, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { ECSClient, UpdateContainerInstancesStateCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrainerResult } from '../../functions/instance-drainer/handler.js';
import { handler, setDrainDeps } from '../../functions/instance-drainer/handler.js';
import { AutoScalingDrainAdapter } from '../../shared/aws/drain-autoscaling.js';
import { EcsDrainAdapter } from '../../shared/aws/drain-ecs.js';
import { loadServerless } from '../../sim/events/serverless.js';
import { createSim, type Sim } from '../../sim/index.js';

/** The EventBridge patterns of the drainer's rules, read from serverless.yml: the rules that deploy. */
const PATTERNS = (
  await loadServerless('serverless.yml', {
    only: ['instance-drainer'],
    accountId: '123456789012',
    region: 'us-east-1',
  })
).functions[0]!.patterns!;

interface Setup {
  tags?: Record<string, string>;
  heartbeatTimeout?: number;
  desired?: number;
  max?: number;
  web?: number;
  spot?: boolean;
}

let sim: Sim | undefined;
afterEach(() => {
  setDrainDeps(undefined);
  sim?.dispose();
  sim = undefined;
});

const setup = (s: Setup = {}): Sim => {
  const world = createSim({ seed: 7 });
  world.createCluster('prod');
  world.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  world.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  world.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 256, memory: 512 }] });
  world.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    min: 0,
    max: s.max ?? 10,
    desired: s.desired ?? 3,
    instanceTypes: ['m5.large'],
    ...(s.spot ? { spotShare: 1 } : {}),
    tags: { 'ecs-autoscaler:cluster': 'prod', ...s.tags },
    terminationHook: {
      name: 'drain',
      heartbeatTimeout: s.heartbeatTimeout ?? 300,
      defaultResult: 'CONTINUE',
    },
  });
  world.createService({
    cluster: 'prod',
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  world.createService({ cluster: 'prod', name: 'web', taskDefinition: 'web', desiredCount: s.web ?? 6 });
  world.install();
  setDrainDeps({
    ecs: new EcsDrainAdapter(new ECSClient({})),
    autoscaling: new AutoScalingDrainAdapter(new AutoScalingClient({})),
    sweepIntervalSeconds: 60,
  });
  world.register({
    name: 'instance-drainer',
    handler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: PATTERNS,
  });
  sim = world;
  return world;
};

const startMs = (w: Sim) => w.nowMs - w.elapsedSeconds * 1000;
const drainer = (w: Sim) => w.invocations.filter((i) => i.fn === 'instance-drainer');
const eventDriven = (w: Sim) => drainer(w).filter((i) => i.trigger !== 'Scheduled Event');
const results = (w: Sim) => drainer(w).map((i) => i.result as DrainerResult | undefined);
const completions = (w: Sim, instanceId: string) =>
  w.timeline.actions.filter(
    (a) => a.command === 'CompleteLifecycleAction' && a.input.InstanceId === instanceId && !a.error,
  );
const instanceIds = (w: Sim) => [...(w.asg.groups.get('prod-asg')?.instances.keys() ?? [])];
/** Non-daemon tasks that ran on an instance (kept by the simulator for an hour after they stop). */
const tasksOn = (w: Sim, instanceId: string) =>
  [...(w.ecs.cluster('prod')?.tasks.values() ?? [])].filter(
    (t) => t.instance.ec2InstanceId === instanceId && t.service?.schedulingStrategy !== 'DAEMON',
  );
const metricSum = (w: Sim, name: string) =>
  w.cloudwatch.metrics
    .list()
    .filter((m) => m.name === name && m.dims.some((d) => d.Name === 'ClusterName' && d.Value === 'prod'))
    .reduce((sum, m) => sum + (w.cloudwatch.metrics.stat(m, 'Sum', 0, Number.MAX_SAFE_INTEGER) ?? 0), 0);

/** The invariants of issue #5 for one drained instance. */
const expectCleanDrain = (w: Sim, instanceId: string, opts: { maxCompletionDelay?: number } = {}) => {
  expect(w.violations.filter((v) => v.kind !== 'task-pending-too-long')).toEqual([]);
  const done = completions(w, instanceId);
  expect(done).toHaveLength(1);
  const tasks = tasksOn(w, instanceId);
  expect(tasks.length).toBeGreaterThan(0);
  const lastStopT = Math.max(
    0,
    ...tasks.map((t) => ((t.stoppedAt ?? Number.POSITIVE_INFINITY) - startMs(w)) / 1000),
  );
  const hookT = Math.min(
    ...drainer(w)
      .filter((i) => i.trigger === 'EC2 Instance-terminate Lifecycle Action')
      .filter((i) => (i.result as DrainerResult | undefined)?.plans.some((p) => p.instanceId === instanceId))
      .map((i) => i.t - 1), // events reach functions 1 s after emission
  );
  const reference = Math.max(lastStopT, Number.isFinite(hookT) ? hookT : 0);
  expect(done[0]!.t - reference).toBeLessThanOrEqual(opts.maxCompletionDelay ?? 5);
  expect(done[0]!.t).toBeGreaterThanOrEqual(lastStopT);
  // Invocations grow with tasks: the lifecycle event, the DRAINING change, and two events per task.
  expect(eventDriven(w).length).toBeLessThanOrEqual(4 + 3 * (tasks.length + 1));
  return { completedAt: done[0]!.t, tasks: tasks.length };
};

describe('instance drainer on the simulator', () => {
  it('drains an ASG scale-in through the lifecycle hook and completes it as the last task stops', async () => {
    const w = setup();
    const before = instanceIds(w);
    w.at(60, async () => {
      await w.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'prod-asg',
        DesiredCapacity: 2,
      });
    });
    await w.runFor(900);
    const gone = before.filter((id) => !instanceIds(w).includes(id));
    expect(gone).toHaveLength(1);
    const { tasks } = expectCleanDrain(w, gone[0]!);
    expect(tasks).toBeGreaterThan(0);
    expect(
      w.liveTasks('prod').filter((t) => t.group === 'service:web' && t.lastStatus === 'RUNNING'),
    ).toHaveLength(6);
    expect(metricSum(w, 'LifecycleActionsCompleted')).toBe(1);
    expect(metricSum(w, 'TasksMoved')).toBe(tasks);
  });

  // Drives DRAINING and TerminateInstanceInAutoScalingGroup by hand; the real cluster-scaler path is
  // covered in test/scenario/cluster-scaling.test.ts.
  it("completes at once when an already-drained, empty instance is terminated through the ASG (as the cluster scaler's targeted scale-in does)", async () => {
    const w = setup();
    const target = instanceIds(w)[0]!;
    const ecs = new ECSClient({});
    const autoscaling = new AutoScalingClient({});
    w.at(60, async () => {
      const ci = w.asg.instance(target)?.containerInstance;
      await ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster: 'prod',
          containerInstances: [ci!.arn],
          status: 'DRAINING',
        }),
      );
    });
    let terminated = false;
    for (let t = 65; t < 600; t += 5) {
      w.at(t, async () => {
        const ci = w.asg.instance(target)?.containerInstance;
        const busy = [...(ci?.tasks ?? [])].some((task) => task.service?.schedulingStrategy !== 'DAEMON');
        if (terminated || busy) return;
        terminated = true;
        await autoscaling.send(
          new TerminateInstanceInAutoScalingGroupCommand({
            InstanceId: target,
            ShouldDecrementDesiredCapacity: true,
          }),
        );
      });
    }
    await w.runFor(900);
    expect(terminated).toBe(true);
    expectCleanDrain(w, target);
    const drainerSetDraining = w.timeline.actions.filter(
      (a) => a.command === 'UpdateContainerInstancesState' && a.fn === 'instance-drainer',
    );
    expect(drainerSetDraining).toEqual([]);
  });

  it('drains a Spot instance within the two-minute warning', async () => {
    const w = setup({ spot: true });
    const target = instanceIds(w)[1]!;
    w.at(120, () => w.interruptSpot(target));
    await w.runFor(900);
    expect(w.violations.filter((v) => v.kind === 'instance-terminated-with-tasks')).toEqual([]);
    const drained = w.timeline.actions.find(
      (a) => a.command === 'UpdateContainerInstancesState' && a.fn === 'instance-drainer',
    );
    expect(drained?.t).toBeLessThanOrEqual(125);
    expect(
      w.liveTasks('prod').filter((t) => t.group === 'service:web' && t.lastStatus === 'RUNNING'),
    ).toHaveLength(6);
    // The reclaimed instance's lifecycle action is completed (not left to time out).
    expect(completions(w, target)).toHaveLength(1);
    expect(w.violations.filter((v) => v.kind === 'lifecycle-action-timed-out')).toEqual([]);
  });

  it('still completes within 5 s when every task-stopped event is lost (container-instance events)', async () => {
    const w = setup();
    w.faults.events({
      source: 'aws.ecs',
      detailType: 'ECS Task State Change',
      function: 'instance-drainer',
      kind: 'lose',
    });
    const before = instanceIds(w);
    w.at(60, async () => {
      await w.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'prod-asg',
        DesiredCapacity: 2,
      });
    });
    await w.runFor(900);
    const gone = before.filter((id) => !instanceIds(w).includes(id));
    expectCleanDrain(w, gone[0]!);
  });

  it('recovers through the sweeper when every ECS event is lost', async () => {
    const w = setup();
    w.faults.events({ source: 'aws.ecs', function: 'instance-drainer', kind: 'lose' });
    const before = instanceIds(w);
    w.at(60, async () => {
      await w.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'prod-asg',
        DesiredCapacity: 2,
      });
    });
    await w.runFor(900);
    const gone = before.filter((id) => !instanceIds(w).includes(id));
    expect(gone).toHaveLength(1);
    // Without events the next sweep (every 60 s) completes it.
    expectCleanDrain(w, gone[0]!, { maxCompletionDelay: 65 });
    const byWhom = results(w).find((r) => r?.kind === 'sweep' && r.plans.some((p) => p.completed));
    expect(byWhom).toBeDefined();
  });

  it('heartbeats a 25-minute drain at most every H/3 yet less than once per sweep (H = 1800 s)', async () => {
    // Full cluster: the replacements cannot start until capacity is added 25 minutes later.
    const w = setup({ desired: 3, max: 3, web: 9, heartbeatTimeout: 1800 });
    const before = instanceIds(w);
    w.at(60, async () => {
      await w.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'prod-asg',
        DesiredCapacity: 2,
      });
    });
    w.at(60 + 25 * 60, async () => {
      await w.call('autoscaling', 'UpdateAutoScalingGroup', {
        AutoScalingGroupName: 'prod-asg',
        MaxSize: 4,
        DesiredCapacity: 3,
      });
    });
    // Stopped tasks stay visible for an hour: keep the run short enough to still see them.
    await w.runFor(2400);
    const gone = before.filter((id) => !instanceIds(w).includes(id));
    expect(gone).toHaveLength(1);
    const { completedAt } = expectCleanDrain(w, gone[0]!);
    expect(completedAt).toBeGreaterThan(60 + 25 * 60);
    const heartbeats = w.timeline.actions.filter(
      (a) => a.command === 'RecordLifecycleActionHeartbeat' && !a.error,
    );
    const sweeps = drainer(w).filter((i) => i.trigger === 'Scheduled Event' && i.t > 60 && i.t < completedAt);
    // Windows of three sweeps every H/4 = 450 s: gaps under H/3 = 600 s, fewer heartbeats than sweeps.
    expect(heartbeats.length).toBeGreaterThanOrEqual(Math.floor(sweeps.length / 5));
    expect(heartbeats.length).toBeLessThan(sweeps.length);
    const times = heartbeats.map((a) => a.t);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(600);
  });

  it('completes at the maximum drain time when a task never stops, and says which', async () => {
    const w = setup({ tags: { 'ecs-autoscaler:max-drain-time': '600' } });
    const { tasks } = w.runTask('prod', 'batch', 1);
    const batch = tasks[0]!;
    const target = batch.instance.ec2InstanceId;
    w.at(60, async () => {
      await w.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
        InstanceId: target,
        ShouldDecrementDesiredCapacity: true,
      });
    });
    await w.runFor(1200);
    const done = completions(w, target);
    expect(done).toHaveLength(1);
    expect(done[0]!.t).toBeGreaterThanOrEqual(60 + 600);
    expect(done[0]!.t).toBeLessThanOrEqual(60 + 600 + 65);
    const forced = results(w)
      .flatMap((r) => r?.plans ?? [])
      .find((p) => p.action === 'force-complete');
    expect(forced?.reasons.join(' ')).toContain(batch.arn);
    expect(metricSum(w, 'DrainsHitMaxTime')).toBe(1);
    // The only termination with a task running is the forced one, and only that task.
    const withTasks = w.violations.filter((v) => v.kind === 'instance-terminated-with-tasks');
    expect(withTasks.map((v) => v.data?.instanceId)).toEqual([target]);
    expect(w.violations.filter((v) => v.kind === 'lifecycle-action-timed-out')).toEqual([]);
  });

  it('shrugs off duplicated events: one completion, no failed invocation', async () => {
    const w = setup();
    w.faults.events({ function: 'instance-drainer', kind: 'duplicate' });
    const before = instanceIds(w);
    w.at(60, async () => {
      await w.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'prod-asg',
        DesiredCapacity: 2,
      });
    });
    await w.runFor(900);
    const gone = before.filter((id) => !instanceIds(w).includes(id));
    expect(gone).toHaveLength(1);
    expect(w.violations.filter((v) => v.kind !== 'task-pending-too-long')).toEqual([]);
    expect(completions(w, gone[0]!)).toHaveLength(1);
    expect(drainer(w).filter((i) => i.outcome !== 'ok')).toEqual([]);
    expect(metricSum(w, 'LifecycleActionsCompleted')).toBe(1);
  });
});
