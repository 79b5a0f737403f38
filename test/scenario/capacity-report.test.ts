/**
 * The capacity-report Lambda against the simulator: its figures must match the simulated world's own
 * state (instances, reservations, schedulable tasks), it must follow changes (a drained instance, more
 * tasks), and it must never write.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import oneCluster from '../../events/capacity-report/one-cluster.json' with { type: 'json' };
import { clearTaskDefinitionCache } from '../../shared/aws/snapshot-reader.js';
import type { CapacityReport } from '../../shared/core/report/report.js';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim;

beforeEach(() => {
  clearTaskDefinitionCache();
  sim = createSim({ seed: 7 });
  sim.createCluster('demo');
  sim.registerTaskDefinition({
    family: 'web',
    containers: [{ cpu: 512, memoryReservation: 1024, memory: 2048 }],
  });
  sim.registerTaskDefinition({ family: 'worker', cpu: 256, memory: 2048 });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 128, memory: 256 }] });
  sim.createAutoScalingGroup({
    name: 'demo-asg',
    cluster: 'demo',
    min: 1,
    max: 10,
    desired: 4,
    instanceTypes: ['m5.large', 'm5.xlarge'],
    tags: { 'ecs-autoscaler:cluster': 'demo' },
  });
  sim.createService({
    cluster: 'demo',
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  sim.createService({ cluster: 'demo', name: 'web', taskDefinition: 'web', desiredCount: 6 });
  sim.createService({ cluster: 'demo', name: 'worker', taskDefinition: 'worker', desiredCount: 3 });
});
afterEach(() => sim.dispose());

/** The figures the report must show, computed from the simulator's own state. */
const expected = (largest: { cpu: number; memory: number }) => {
  const cluster = sim.ecs.clusters.get('demo')!;
  const all = [...cluster.instances.values()].filter((i) => i.status !== 'INACTIVE');
  const capacity = all.filter((i) => i.status === 'ACTIVE' && i.agentConnected);
  const sum = (f: (i: (typeof capacity)[number]) => number) => capacity.reduce((s, i) => s + f(i), 0);
  return {
    total: all.length,
    draining: all.filter((i) => i.status === 'DRAINING').length,
    capacity: capacity.length,
    cpu: {
      registered: sum((i) => i.registered.cpu),
      reserved: sum((i) => i.registered.cpu - i.remaining.cpu),
    },
    memory: {
      registered: sum((i) => i.registered.memory),
      reserved: sum((i) => i.registered.memory - i.remaining.memory),
    },
    smallestCpu: Math.min(...capacity.map((i) => i.registered.cpu)),
    schedulable: sum((i) =>
      Math.min(Math.floor(i.remaining.cpu / largest.cpu), Math.floor(i.remaining.memory / largest.memory)),
    ),
    remainingById: new Map(all.map((i) => [i.ec2InstanceId, i.remaining])),
  };
};

const runReport = async (): Promise<CapacityReport> => {
  const record = await sim.invoke('capacity-report', oneCluster);
  expect(record.outcome).toBe('ok');
  return record.result as CapacityReport;
};

describe('capacity-report against the simulator', () => {
  beforeEach(async () => {
    sim.install();
    const { handler } = await import('../../functions/capacity-report/handler.js');
    sim.register({ name: 'capacity-report', handler });
  });

  it("reports the simulated cluster's own figures and writes nothing", async () => {
    const report = await runReport();
    const c = report.clusters[0]!;
    // web reserves 512 CPU / 1024 MiB (memoryReservation), worker 256 / 2048: the largest per dimension.
    const want = expected({ cpu: 512, memory: 2048 });

    expect(want.total).toBe(4);
    expect(want.schedulable).toBeGreaterThan(0);
    expect(c.cluster).toBe('demo');
    expect(c.autoScalingGroups).toEqual(['demo-asg']);
    expect(c.instances).toMatchObject({ total: want.total, draining: 0, capacity: want.capacity });
    expect(c.largestTask).toMatchObject({ CPU: 512, MEMORY: 2048 });
    expect(c.dimensions.CPU).toMatchObject({
      ...want.cpu,
      instanceCapacity: want.smallestCpu,
      largestTask: 512,
    });
    expect(c.dimensions.MEMORY).toMatchObject(want.memory);
    expect(c.dimensions.CPU.reservationPercent).toBeCloseTo(
      (100 * want.cpu.reserved) / want.cpu.registered,
      10,
    );
    expect(c.schedulableTasks).toBe(want.schedulable);
    for (const d of c.instanceDetails) {
      const r = want.remainingById.get(d.ec2InstanceId!)!;
      expect(d.remaining).toEqual({ CPU: r.cpu, MEMORY: r.memory });
    }
    expect(c.daemonServices).toEqual(['agent']);
    expect(sim.timeline.actions.filter((a) => a.fn === 'capacity-report')).toEqual([]);
  });

  it('follows the world: a DRAINING instance gives no capacity, more tasks reserve more', async () => {
    const before = (await runReport()).clusters[0]!;
    expect(before.instances.draining).toBe(0);
    const victim = [...sim.ecs.clusters.get('demo')!.instances.values()][0]!;
    await sim.call('ecs', 'UpdateContainerInstancesState', {
      cluster: 'demo',
      containerInstances: [victim.arn],
      status: 'DRAINING',
    });
    sim.setDesiredCount('demo', 'web', 9);
    await sim.runFor(300);

    const after = (await runReport()).clusters[0]!;
    const want = expected({ cpu: 512, memory: 2048 });
    expect(after.instances.draining).toBe(1);
    expect(after.instances.capacity).toBe(want.capacity);
    expect(after.dimensions.CPU.reserved).toBeGreaterThan(0);
    expect(after.dimensions.CPU).toMatchObject(want.cpu);
    expect(after.dimensions.MEMORY).toMatchObject(want.memory);
    expect(after.schedulableTasks).toBe(want.schedulable);
    expect(after.instanceDetails.find((d) => d.ec2InstanceId === victim.ec2InstanceId)).toMatchObject({
      status: 'DRAINING',
      givesCapacity: false,
    });
    expect(sim.timeline.actions.filter((a) => a.fn === 'capacity-report')).toEqual([]);
  });

  it("previews the cluster's service alarms, and still writes nothing", async () => {
    const alarm = (name: string, service: string, cluster = 'demo') =>
      sim.call('cloudwatch', 'PutMetricAlarm', {
        AlarmName: name,
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: [
          { Name: 'ClusterName', Value: cluster },
          { Name: 'ServiceName', Value: service },
        ],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    await alarm('demo-web-cpu-high', 'web');
    await alarm('demo-worker-cpu-high', 'worker');
    await alarm('other-web-cpu-high', 'web', 'other');

    const c = (await runReport()).clusters[0]!;

    expect(c.serviceAlarms.map((a) => [a.alarm, a.service])).toEqual([
      ['demo-web-cpu-high', 'web'],
      ['demo-worker-cpu-high', 'worker'],
    ]);
    // The services do not opt in: the preview says how to, and changes nothing.
    expect(c.serviceAlarms[0]).toMatchObject({ action: 'skip', desiredCount: { current: 6, proposed: 6 } });
    expect(c.serviceAlarms[0]!.reasons.join('\n')).toMatch(/ecs-autoscaler:service-scaling=enabled/);
    expect(sim.timeline.actions.filter((a) => a.fn === 'capacity-report')).toEqual([]);
  });

  it('fails an unknown cluster with a clear error and no write', async () => {
    const record = await sim.invoke('capacity-report', { clusters: ['nope'] });
    expect(record.outcome).toBe('error');
    expect(record.error).toMatch(/cluster nope not found in region .*; check --cluster and AWS_REGION/);
    expect(sim.timeline.actions.filter((a) => a.fn === 'capacity-report')).toEqual([]);
  });
});
