/**
 * API calls per decision of the real handlers on the simulator, at a given cluster size: a cluster tick
 * (cold: first invocation of a container, empty task-definition cache, alarms created; warm: a later
 * tick that holds), a drain start (the lifecycle-action event) and a drain finish (the event after which
 * the lifecycle action is completed).
 *
 * Theoretical minimum, from the APIs' limits (I instances, S services, T task definitions):
 * - what a cluster decision must read: ListContainerInstances ⌈I/100⌉ + DescribeContainerInstances
 *   ⌈I/100⌉ (100 per page and per call), ListServices ⌈S/100⌉ + DescribeServices ⌈S/10⌉, the group with
 *   its instances in 1 DescribeAutoScalingGroups (tag filter), DescribeTaskDefinition × T when cold and 0
 *   when warm (revisions are immutable), 1 DescribeAlarms to keep its alarms (PutMetricAlarm per missing
 *   alarm when cold), ListTasks + DescribeTasks for the instances whose tasks the plan depends on;
 *   DescribeClusters and DescribeScalableTargets are not needed for a cluster decision;
 * - writes: exactly the plan's (a drain, a terminate, a desired change), plus one state tag write when
 *   the plan acts.
 * - drain start (the lifecycle event names the EC2 instance, group and hook): DescribeAutoScalingGroups
 *   (is the group managed: its tag) + ListContainerInstances (filter by EC2 id: its ARN, only if ACTIVE or
 *   DRAINING) + 2 ListTasks (desired RUNNING, and STOPPED: tasks still stopping hold the instance) +
 *   DescribeTasks + DescribeServices (is it already empty of non-daemon tasks: then complete at once) +
 *   UpdateContainerInstancesState = 7;
 * - drain finish (a task event names the container instance): DescribeContainerInstances (its EC2 id) +
 *   DescribeAutoScalingInstances (its group, Terminating:Wait) + DescribeAutoScalingGroups (managed) +
 *   DescribeLifecycleHooks (the hook's name) + 2 ListTasks + DescribeTasks + DescribeServices (nothing but
 *   daemons left) + CompleteLifecycleAction = 9.
 */
import { clearTaskDefinitionCache } from '../../shared/aws/snapshot-reader.js';
import { createSim, type Sim } from '../../sim/index.js';
import { registerProjectHandlers } from '../../sim/replay/project-handlers.js';

/** Calls of one invocation, by `service:Command`. */
export type Calls = Record<string, number>;

/** Measured and minimum calls of one decision. */
export interface DecisionCalls {
  decision: string;
  instances: number;
  calls: number;
  minimum: number;
  detail: Calls;
}

const TASKS_PER_INSTANCE = 26;

/** A cluster of `n` m5.xlarge instances, 26 small tasks each over ⌈n/25⌉ services, managed by the project. */
const buildCluster = (n: number): Sim => {
  const sim = createSim({ seed: 1, sampleSeconds: 3600 });
  sim.createCluster('c');
  const services = Math.max(2, Math.ceil(n / 25));
  for (let i = 0; i < services; i++) {
    sim.registerTaskDefinition({ family: `s${i}`, containers: [{ cpu: 128, memoryReservation: 512 }] });
  }
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.createAutoScalingGroup({
    name: 'c-asg',
    cluster: 'c',
    min: 1,
    max: n * 2,
    desired: n,
    instanceTypes: ['m5.xlarge'],
    newInstancesProtectedFromScaleIn: true,
    tags: { 'ecs-autoscaler:cluster': 'c' },
    terminationHook: { name: 'drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
  for (let i = 0; i < services; i++) {
    sim.createService({
      cluster: 'c',
      name: `s${i}`,
      taskDefinition: `s${i}`,
      desiredCount: Math.floor((n * TASKS_PER_INSTANCE) / services),
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    });
  }
  return sim;
};

/** Records the calls of every invocation (by `service:Command`), in order. */
export const recordInvocations = (sim: Sim): { fn: string; calls: Calls }[] => {
  const log: { fn: string; calls: Calls; key: object }[] = [];
  const call = sim.call.bind(sim);
  sim.call = async (service, command, input) => {
    const current = sim.lambdas.current;
    if (current) {
      let entry = log.at(-1);
      if (!entry || entry.key !== current) {
        entry = { fn: current.fn, calls: {}, key: current };
        log.push(entry);
      }
      const k = `${service}:${command}`;
      entry.calls[k] = (entry.calls[k] ?? 0) + 1;
    }
    return call(service, command, input);
  };
  return log;
};

const total = (c: Calls): number => Object.values(c).reduce((a, b) => a + b, 0);
const ceil = (a: number, b: number): number => Math.max(1, Math.ceil(a / b));
const WRITE = /^[a-z-]+:(?!Describe|List|Get)/;

/** Minimum calls of a tick with the writes and task reads the plan made. */
const tickMinimum = (n: number, cold: boolean, made: Calls): number => {
  const services = Math.max(2, Math.ceil(n / 25)) + 1;
  const writes = Object.entries(made)
    .filter(
      ([k]) => WRITE.test(k) && k !== 'autoscaling:CreateOrUpdateTags' && k !== 'cloudwatch:PutMetricAlarm',
    )
    .reduce((s, [, v]) => s + v, 0);
  return (
    2 * ceil(n, 100) +
    ceil(services, 100) +
    ceil(services, 10) +
    1 +
    (cold ? services : 0) +
    1 +
    (cold ? (made['cloudwatch:PutMetricAlarm'] ?? 0) : 0) +
    (made['ecs:ListTasks'] ?? 0) +
    (made['ecs:DescribeTasks'] ?? 0) +
    writes +
    (writes > 0 ? 1 : 0)
  );
};

/** Measures the four decisions at one size. */
export const measureDecisions = async (n: number): Promise<DecisionCalls[]> => {
  const sim = buildCluster(n);
  const log = recordInvocations(sim);
  sim.install();
  const out: DecisionCalls[] = [];
  try {
    await registerProjectHandlers(sim);
    const tick = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    // A new Lambda container: nothing cached (the simulators of each size reuse task definition ARNs).
    clearTaskDefinitionCache();
    await sim.invoke('cluster-scaler', tick);
    const cold = log.at(-1)!.calls;
    out.push({
      decision: 'cluster tick (cold)',
      instances: n,
      calls: total(cold),
      minimum: tickMinimum(n, true, cold),
      detail: cold,
    });
    await sim.runFor(1800);
    await sim.invoke('cluster-scaler', tick);
    const warm = log.at(-1)!.calls;
    out.push({
      decision: 'cluster tick (warm)',
      instances: n,
      calls: total(warm),
      minimum: tickMinimum(n, false, warm),
      detail: warm,
    });
    const victim = [...sim.asg.groups.get('c-asg')!.instances.values()].find(
      (i) => i.lifecycleState === 'InService' && (i.containerInstance?.tasks.size ?? 0) > 2,
    );
    if (victim) {
      const before = log.length;
      await sim.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
        InstanceId: victim.id,
        ShouldDecrementDesiredCapacity: false,
      });
      await sim.runFor(900);
      const drains = log.slice(before).filter((e) => e.fn === 'instance-drainer');
      const start = drains.find((e) => e.calls['ecs:UpdateContainerInstancesState']);
      const finish = drains.find((e) => e.calls['autoscaling:CompleteLifecycleAction']);
      if (start)
        out.push({
          decision: 'drain start',
          instances: n,
          calls: total(start.calls),
          minimum: 7,
          detail: start.calls,
        });
      if (finish) {
        out.push({
          decision: 'drain finish',
          instances: n,
          calls: total(finish.calls),
          minimum: 9,
          detail: finish.calls,
        });
      }
    }
  } finally {
    sim.dispose();
  }
  return out;
};
