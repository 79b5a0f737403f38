/**
 * A production-shaped world for the coexistence scenarios (issue 14): cluster `prod`, group `prod-asg`
 * of m5.large instances tagged for the scaler, the drainer's terminate hook `ecs-drain`, a daemon and
 * a `web` service. The project's real cluster-scaler (1-minute tick, its alarms) and instance-drainer
 * (lifecycle actions, ECS task/instance events, 1-minute sweep) run against it.
 */
import { clusterScalerHandler } from '../../functions/cluster-scaler/handler.js';
import { handler as drainerHandler } from '../../functions/instance-drainer/handler.js';
import { clearControllerCache } from '../../shared/aws/controller-readers.js';
import type { LifecycleHookSpec } from '../../sim/asg/model.js';
import { createCapacityProvider } from '../../sim/coexist.js';
import type { SimContainerInstance, SimTask } from '../../sim/ecs/model.js';
import { createSim, type Sim } from '../../sim/index.js';

export const CLUSTER = 'prod';
export const ASG = 'prod-asg';

/** Options of {@link coexistWorld}. */
export interface WorldOptions {
  instances?: number;
  max?: number;
  web?: number;
  tags?: Record<string, string>;
  seed?: number;
}

/** Builds the world (not started). */
export const coexistWorld = (o: WorldOptions = {}): Sim => {
  clearControllerCache();
  const sim = createSim({ seed: o.seed ?? 7, settings: { stoppedRetentionSeconds: 6 * 3600 } });
  sim.createCluster(CLUSTER);
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 512, memoryReservation: 1024 }] });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 256, memoryReservation: 512 }] });
  sim.createAutoScalingGroup({
    name: ASG,
    cluster: CLUSTER,
    min: 1,
    max: o.max ?? 10,
    desired: o.instances ?? 6,
    instanceTypes: ['m5.large'],
    newInstancesProtectedFromScaleIn: true,
    tags: { 'ecs-autoscaler:cluster': CLUSTER, ...o.tags },
    terminationHook: { name: 'ecs-drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  sim.createService({
    cluster: CLUSTER,
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  sim.createService({ cluster: CLUSTER, name: 'web', taskDefinition: 'web', desiredCount: o.web ?? 4 });
  return sim;
};

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
const ALARM_PATTERN = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: [{ prefix: 'ecs-autoscaler-cluster-' }], state: { value: ['ALARM'] } },
};

/** Installs the SDK interception and registers the two functions. */
export const startWorld = async (sim: Sim): Promise<void> => {
  sim.install();
  sim.register({
    name: 'instance-drainer',
    handler: drainerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: DRAINER_PATTERNS,
  });
  sim.register({
    name: 'cluster-scaler',
    handler: clusterScalerHandler,
    timeoutSeconds: 60,
    scheduleRateSeconds: 60,
    patterns: [ALARM_PATTERN],
  });
};

/** Container instances of the cluster by EC2 id. */
export const containerInstance = (sim: Sim, ec2: string, cluster: string = CLUSTER) =>
  [...sim.ecs.cluster(cluster)!.instances.values()].find(
    (ci) => ci.ec2InstanceId === ec2 && ci.status !== 'INACTIVE',
  );

/** The group's instance ids in a stable order. */
export const instanceIds = (sim: Sim, asg: string = ASG): string[] =>
  [...sim.asg.groups.get(asg)!.instances.keys()].sort();

/**
 * Foreign state (shared with the fault suite): marks the group's first instance DRAINING (a person, not
 * the scaler) and disconnects the second one's agent, before the run starts.
 */
export const markForeignState = (
  s: Sim,
  cluster: string = CLUSTER,
  asg: string = ASG,
): { drained: string; disconnected: string } => {
  const [drained, disconnected] = instanceIds(s, asg);
  s.ecs.setStatus(containerInstance(s, drained!, cluster)!, 'DRAINING');
  s.ecs.setAgentConnected(containerInstance(s, disconnected!, cluster)!, false);
  return { drained: drained!, disconnected: disconnected! };
};

/** Attaches an ECS capacity provider with managed scaling and managed termination protection to `asg`. */
export const attachManagedCapacityProvider = (s: Sim, cluster: string = CLUSTER, asg: string = ASG): void =>
  void createCapacityProvider(s.ecs, s.asg, {
    name: `${cluster}-cp`,
    cluster,
    autoScalingGroup: asg,
    managedScaling: true,
    managedTerminationProtection: true,
  });

/**
 * A second terminate hook another controller owns (ECS managed draining, a log-flush script): its owner
 * completes it 90 s after it starts.
 */
export const otherTerminateHook = (name: string): LifecycleHookSpec & { completeAfterSeconds: number } => ({
  name,
  heartbeatTimeout: 600,
  defaultResult: 'CONTINUE',
  completeAfterSeconds: 90,
});

/** Write calls a function made (timeline actions), optionally of one service/command. */
export const writesBy = (sim: Sim, fn: string, service?: string, command?: string) =>
  sim.timeline.actions.filter(
    (a) => a.fn === fn && (!service || a.service === service) && (!command || a.command === command),
  );

/** Instances terminated with non-daemon tasks (the simulator's "job killed" invariant). */
export const killedJobs = (sim: Sim) =>
  sim.violations.filter((v) => v.kind === 'instance-terminated-with-tasks');

/** Places a standalone `batch` task (it runs until stopped) on `ci`, before the run starts. */
export const placeJob = (s: Sim, ci: SimContainerInstance): SimTask =>
  s.ecs.placeTask(ci, s.ecs.taskDefinition('batch')!, { group: 'family:batch', startedBy: 'nightly-report' });

/** The instance the planner would rank first (fewest tasks, then lowest ARN), among those with ≥ `min`. */
export const firstInLine = (s: Sim, min = 0, cluster: string = CLUSTER): SimContainerInstance => {
  const tasks = (ci: SimContainerInstance) =>
    [...ci.tasks].filter((t) => t.service?.schedulingStrategy !== 'DAEMON').length;
  const cis = [...s.ecs.cluster(cluster)!.instances.values()].filter(
    (ci) => ci.status === 'ACTIVE' && tasks(ci) >= min,
  );
  return cis.sort((a, b) => tasks(a) - tasks(b) || a.arn.localeCompare(b.arn))[0]!;
};
