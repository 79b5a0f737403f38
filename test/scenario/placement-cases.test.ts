/**
 * Issue 12 on the simulator: the five clusters that used to `hold` forever, each with the real cluster
 * scaler (1-minute schedule) and the real instance drainer, and the simulator's own ECS placement
 * (sim/ecs/placement.ts) as referee:
 * - a static host port, an awsvpc service on m5.large (2 task ENIs each) and a distinctInstance service
 *   reach their desired count with exactly the instances they need (headroom 0);
 * - an arm64 service in an x86-only group and a crash-looping service are reported (unplaceable / crash
 *   loop) and the idle instances are drained.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterScalerHandler } from '../../functions/cluster-scaler/handler.js';
import { handler as drainerHandler, setDrainDeps } from '../../functions/instance-drainer/handler.js';
import { AutoScalingDrainAdapter } from '../../shared/aws/drain-autoscaling.js';
import { type DrainEcsPort, EcsDrainAdapter } from '../../shared/aws/drain-ecs.js';
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import { analyzeCapacity } from '../../shared/core/capacity/index.js';
import { planCluster, resolveClusterPolicy } from '../../shared/core/cluster/index.js';
import { DEFAULT_CLUSTER_POLICY } from '../../shared/core/cluster/policy.js';
import { createSim, type ServiceSpec, type Sim, type TaskDefinitionSpec } from '../../sim/index.js';

const DRAINER_PATTERNS = [
  { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-terminate Lifecycle Action'] },
  {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { lastStatus: ['STOPPED'], containerInstanceArn: [{ exists: true }] },
  },
  {
    source: ['aws.ecs'],
    'detail-type': ['ECS Container Instance State Change'],
    detail: { status: ['DRAINING', 'DEREGISTERING', 'INACTIVE'] },
  },
];

/** The simulator has no ECS PutAttributes for the drainer's drain start: keep it beside it. */
const withDrainStartStore = (inner: DrainEcsPort): DrainEcsPort => {
  const starts = new Map<string, Date>();
  const overlay = <T extends { arn: string } | undefined>(ci: T): T => {
    const at = ci && starts.get(ci.arn);
    return (ci && at ? { ...ci, drainStartedAt: at } : ci) as T;
  };
  return {
    ...inner,
    findContainerInstance: async (c, id) => overlay(await inner.findContainerInstance(c, id)),
    describeContainerInstance: async (c, arn) => overlay(await inner.describeContainerInstance(c, arn)),
    listInstanceTasks: (c, arn) => inner.listInstanceTasks(c, arn),
    setDraining: (c, arn) => inner.setDraining(c, arn),
    recordDrainStart: async (_c, arn, at) => {
      starts.set(arn, at);
    },
  };
};

let sim: Sim | undefined;
afterEach(() => {
  setDrainDeps(undefined);
  sim?.dispose();
  sim = undefined;
});

interface World {
  instances: number;
  services: {
    td: TaskDefinitionSpec;
    service: Omit<ServiceSpec, 'cluster' | 'taskDefinition' | 'name'> & { name: string };
  }[];
  max?: number;
}

const world = (w: World): Sim => {
  const s = createSim({ seed: 7, pendingTooLongSeconds: 600 });
  s.createCluster('prod');
  for (const { td } of w.services) s.registerTaskDefinition(td);
  s.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    min: 1,
    max: w.max ?? 10,
    desired: w.instances,
    instanceTypes: ['m5.large'],
    bootSeconds: 45,
    registerSeconds: 30,
    jitterSeconds: 10,
    tags: { 'ecs-autoscaler:cluster': 'prod', 'ecs-autoscaler:headroom-tasks': '0' },
    terminationHook: { name: 'drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  for (const { td, service } of w.services) {
    s.createService({ cluster: 'prod', taskDefinition: td.family, ...service });
  }
  s.install();
  setDrainDeps({
    ecs: withDrainStartStore(new EcsDrainAdapter(new ECSClient({}))),
    autoscaling: new AutoScalingDrainAdapter(new AutoScalingClient({})),
    sweepIntervalSeconds: 60,
  });
  s.register({
    name: 'instance-drainer',
    handler: drainerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: DRAINER_PATTERNS,
  });
  s.register({
    name: 'cluster-scaler',
    handler: clusterScalerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: [],
  });
  sim = s;
  return s;
};

const last = (s: Sim) => s.timeline.samples.at(-1)!;
const running = (s: Sim, service: string) =>
  s.liveTasks('prod').filter((t) => t.service?.name === service && t.lastStatus === 'RUNNING').length;
/** Highest value of a cluster metric the scaler published (EMF through the simulated CloudWatch). */
const metricMax = (s: Sim, name: string) =>
  s.cloudwatch.metrics.stat(
    { namespace: 'EcsAutoscaler', name, dims: [{ Name: 'ClusterName', Value: 'prod' }] },
    'Maximum',
    s.clock.startMs,
    s.clock.nowMs + 1,
  );
const scalerErrors = (s: Sim) => s.invocations.filter((i) => i.fn === 'cluster-scaler' && i.outcome !== 'ok');

/** The planner's view now, through the real reader (what the handler sees). */
const planNow = async (s: Sim) => {
  const snapshot = await readClusterSnapshot('prod');
  const group = snapshot.autoScalingGroups[0]!;
  const policy = resolveClusterPolicy(group, DEFAULT_CLUSTER_POLICY);
  return planCluster(snapshot, analyzeCapacity(snapshot), policy, new Date(s.clock.nowMs));
};

const web = (
  family: string,
  extra: Partial<TaskDefinitionSpec> = {},
  container: Record<string, unknown> = {},
): TaskDefinitionSpec => ({
  family,
  containers: [{ name: 'app', cpu: 256, memoryReservation: 512, ...container }],
  ...extra,
});

describe('placement cases on the simulator (issue 12)', () => {
  it('static hostPort 80: 4 → 6 tasks on 4 roomy instances buys exactly 2 instances', async () => {
    const s = world({
      instances: 4,
      services: [{ td: web('web', {}, { hostPorts: [80] }), service: { name: 'web', desiredCount: 4 } }],
    });
    s.at(60, () => s.setDesiredCount('prod', 'web', 6));
    await s.runFor(1800);
    expect(scalerErrors(s).map((i) => JSON.stringify(i).slice(0, 600))).toEqual([]);
    expect(s.violations.map((v) => `${v.t} ${v.kind} ${v.message}`)).toEqual([]);
    expect(running(s, 'web')).toBe(6);
    expect(last(s).asg.desired).toBe(6);
    expect(last(s).ecs.instancesActive).toBe(6);
  });

  it('awsvpc on m5.large (2 task ENIs each): 6 → 9 tasks needs exactly 5 instances', async () => {
    const s = world({
      instances: 3,
      services: [{ td: web('api', { networkMode: 'awsvpc' }), service: { name: 'api', desiredCount: 6 } }],
    });
    s.at(60, () => s.setDesiredCount('prod', 'api', 9));
    await s.runFor(1800);
    expect(scalerErrors(s).map((i) => JSON.stringify(i).slice(0, 600))).toEqual([]);
    expect(s.violations.map((v) => `${v.t} ${v.kind} ${v.message}`)).toEqual([]);
    expect(running(s, 'api')).toBe(9);
    expect(last(s).asg.desired).toBe(5);
  });

  it('distinctInstance: 3 → 5 tasks on 3 instances needs exactly 5 instances', async () => {
    const s = world({
      instances: 3,
      services: [
        {
          td: web('cache'),
          service: { name: 'cache', desiredCount: 3, placementConstraints: [{ type: 'distinctInstance' }] },
        },
      ],
    });
    s.at(60, () => s.setDesiredCount('prod', 'cache', 5));
    await s.runFor(1800);
    expect(scalerErrors(s).map((i) => JSON.stringify(i).slice(0, 600))).toEqual([]);
    expect(s.violations.map((v) => `${v.t} ${v.kind} ${v.message}`)).toEqual([]);
    expect(running(s, 'cache')).toBe(5);
    expect(last(s).asg.desired).toBe(5);
  });

  it('an arm64 service in an x86-only group is reported unplaceable and the idle instances are drained', async () => {
    const s = world({
      instances: 4,
      services: [
        { td: web('web'), service: { name: 'web', desiredCount: 2 } },
        {
          td: web('arm', {
            cpuArchitecture: 'ARM64',
            requiresAttributes: [{ name: 'ecs.cpu-architecture', value: 'arm64' }],
          }),
          service: { name: 'arm', desiredCount: 2 },
        },
      ],
    });
    await s.runFor(3600);
    expect(scalerErrors(s).map((i) => JSON.stringify(i).slice(0, 600))).toEqual([]);
    expect(s.violations.filter((v) => v.kind !== 'task-pending-too-long')).toEqual([]);
    expect(running(s, 'web')).toBe(2);
    expect(running(s, 'arm')).toBe(0);
    // The two web tasks fit on one instance: the three idle ones leave (MinSize 1).
    expect(last(s).asg.desired).toBe(1);
    const plan = await planNow(s);
    const arm = plan.waitingTasks?.find((w) => w.service === 'arm');
    expect(arm).toMatchObject({ kind: 'unplaceable', count: 2 });
    expect(arm?.refusals.map((r) => r.reason).join(' ')).toMatch(/arm64/);
    expect(metricMax(s, 'UnplaceableTasks')).toBe(2);
    expect(plan.action).not.toBe('scale-out');
  });

  it('a crash-looping service is reported as a crash loop and the idle instances are drained', async () => {
    const s = world({
      instances: 4,
      services: [
        { td: web('web'), service: { name: 'web', desiredCount: 2 } },
        { td: web('crashy', { exitsAfterSeconds: 0 }), service: { name: 'crashy', desiredCount: 2 } },
      ],
    });
    await s.runFor(3600);
    expect(scalerErrors(s).map((i) => JSON.stringify(i).slice(0, 600))).toEqual([]);
    expect(s.violations.filter((v) => v.kind !== 'task-pending-too-long')).toEqual([]);
    expect(running(s, 'web')).toBe(2);
    const plan = await planNow(s);
    expect(last(s).asg.desired).toBe(1);
    const crashy = plan.waitingTasks?.find((w) => w.service === 'crashy');
    expect(crashy?.kind).toBe('crash-loop');
    expect(metricMax(s, 'CrashLoops')).toBe(1);
    expect(metricMax(s, 'UnplaceableTasks')).toBe(0);
    expect(plan.action).not.toBe('scale-out');
  });
});
