/**
 * Simulator benchmark: a 24-hour simulated day with 50 instances and 1,000 tasks (19 replica services
 * following a daily load curve plus one daemon), driven by three simple in-process functions (a scaler
 * on the per-sample lower bound, a drainer on lifecycle events, a sweeper completing drained
 * lifecycle actions) that call the simulated API. Prints wall time and run figures; asserts nothing.
 * `npm run bench:sim` (writes bench-out/sim-day.json and .svg).
 */
import './lib/silent-env.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createSim, type Sim } from '../sim/index.js';

const SERVICES = 19;
const PEAK_PER_SERVICE = 50;
const DAY = 24 * 3600;

const build = (seed: number): Sim => {
  const sim = createSim({ seed });
  sim.createCluster('bench');
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  for (let k = 0; k < SERVICES; k++) {
    sim.registerTaskDefinition({
      family: `svc-${k}`,
      containers: [{ cpu: 128 + 32 * (k % 4), memoryReservation: 384 + 64 * (k % 5) }],
    });
  }
  sim.createAutoScalingGroup({
    name: 'bench-asg',
    cluster: 'bench',
    min: 5,
    max: 80,
    desired: 50,
    instanceTypes: ['m5.xlarge'],
    tags: { 'ecs-autoscaler:cluster': 'bench' },
    terminationHook: { name: 'drain', heartbeatTimeout: 900, defaultResult: 'CONTINUE' },
  });
  sim.createService({
    cluster: 'bench',
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  for (let k = 0; k < SERVICES; k++) {
    sim.createService({
      cluster: 'bench',
      name: `svc-${k}`,
      taskDefinition: `svc-${k}`,
      desiredCount: PEAK_PER_SERVICE,
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    });
    // Daily curve: trough at 04:00 (40 %), peak at 16:00 (100 %), a new value every 10 minutes.
    const points: Array<[number, number]> = [];
    for (let t = 0; t < DAY; t += 600) {
      const phase = Math.cos(((t / 3600 - 16 + k * 0.1) / 24) * 2 * Math.PI);
      points.push([t, Math.round(PEAK_PER_SERVICE * (0.7 + 0.3 * phase))]);
    }
    sim.trace('bench', `svc-${k}`, points);
  }
  registerFunctions(sim);
  return sim;
};

const registerFunctions = (sim: Sim): void => {
  sim.register({
    name: 'scaler',
    scheduleRateSeconds: 60,
    handler: async () => {
      const lb = sim.timeline.samples.at(-1)?.lowerBoundInstances ?? 0;
      const target = Math.min(80, Math.max(5, Math.ceil(lb * 1.15) + 1));
      await sim.call('autoscaling', 'SetDesiredCapacity', {
        AutoScalingGroupName: 'bench-asg',
        DesiredCapacity: target,
      });
    },
  });
  sim.register({
    name: 'drainer',
    patterns: [{ source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-terminate Lifecycle Action'] }],
    handler: async (event: never) => {
      const id = (event as { detail: { EC2InstanceId: string } }).detail.EC2InstanceId;
      const list = (await sim.call('ecs', 'ListContainerInstances', {
        cluster: 'bench',
        filter: `ec2InstanceId == ${id}`,
      })) as { containerInstanceArns: string[] };
      if (list.containerInstanceArns.length) {
        await sim.call('ecs', 'UpdateContainerInstancesState', {
          cluster: 'bench',
          containerInstances: list.containerInstanceArns,
          status: 'DRAINING',
        });
      }
    },
  });
  sim.register({
    name: 'sweeper',
    scheduleRateSeconds: 60,
    handler: async () => {
      const groups = (await sim.call('autoscaling', 'DescribeAutoScalingGroups', {
        AutoScalingGroupNames: ['bench-asg'],
      })) as {
        AutoScalingGroups: Array<{ Instances: Array<{ InstanceId: string; LifecycleState: string }> }>;
      };
      for (const i of groups.AutoScalingGroups[0]?.Instances ?? []) {
        if (i.LifecycleState !== 'Terminating:Wait') continue;
        const ci = sim.ecs.instanceByEc2Id(i.InstanceId);
        const busy = ci ? [...ci.tasks].some((t) => t.service?.schedulingStrategy !== 'DAEMON') : false;
        if (!busy) {
          await sim.call('autoscaling', 'CompleteLifecycleAction', {
            AutoScalingGroupName: 'bench-asg',
            LifecycleHookName: 'drain',
            InstanceId: i.InstanceId,
            LifecycleActionResult: 'CONTINUE',
          });
        }
      }
    },
  });
};

const main = async (): Promise<void> => {
  const sim = build(42);
  const initialTasks = sim.liveTasks('bench').length;
  const initialInstances = sim.ecs.clusters.get('bench')!.instances.size;
  const t0 = performance.now();
  await sim.runFor(DAY);
  const wallMs = performance.now() - t0;
  const samples = sim.timeline.samples;
  const avg = (f: (s: (typeof samples)[number]) => number) =>
    samples.reduce((a, s) => a + f(s), 0) / samples.length;
  const byKind = new Map<string, number>();
  for (const v of sim.violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
  const calls = [...sim.apiCalls.values()].reduce((a, b) => a + b, 0);

  console.log(
    'Simulated day: 24 h, %d instances, %d tasks at the start (seed 42)',
    initialInstances,
    initialTasks,
  );
  console.log('  wall time                    %s s', (wallMs / 1000).toFixed(2));
  console.log('  scheduler events executed    %d', sim.clock.executed);
  console.log('  EventBridge events emitted   %d', sim.timeline.events.length);
  console.log('  function invocations         %d', sim.invocations.length);
  console.log('  API calls                    %d (writes %d)', calls, sim.timeline.actions.length);
  console.log('  timeline samples             %d', samples.length);
  console.log(
    '  avg ASG desired / InService  %s / %s',
    avg((s) => s.asg.desired).toFixed(1),
    avg((s) => s.asg.inService).toFixed(1),
  );
  console.log('  avg lower bound (instances)  %s', avg((s) => s.lowerBoundInstances ?? 0).toFixed(1));
  console.log(
    '  avg tasks desired / running  %s / %s',
    avg((s) => s.ecs.tasksDesired).toFixed(0),
    avg((s) => s.ecs.tasksRunning).toFixed(0),
  );
  console.log(
    '  task-minutes unplaced        %d',
    samples.reduce((a, s) => a + s.ecs.tasksUnplaced, 0),
  );
  console.log(
    '  violations                   %s',
    byKind.size ? JSON.stringify(Object.fromEntries(byKind)) : 'none',
  );
  await mkdir('bench-out', { recursive: true });
  await writeFile('bench-out/sim-day.json', JSON.stringify(sim.toJSON()));
  await writeFile('bench-out/sim-day.svg', sim.toSvg('Simulated day: 50 instances, 1,000 tasks'));
  console.log('  wrote bench-out/sim-day.json and bench-out/sim-day.svg');
};

await main();
