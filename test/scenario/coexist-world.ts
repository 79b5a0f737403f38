/**
 * A production-shaped world for the coexistence scenarios (issue 14): cluster `prod`, group `prod-asg`
 * of m5.large instances tagged for the scaler, the drainer's terminate hook `ecs-drain`, a daemon and
 * a `web` service. The project's real cluster-scaler (1-minute tick, its alarms) and instance-drainer
 * (lifecycle actions, ECS task/instance events, 1-minute sweep) run against it.
 */
import { clusterScalerHandler } from '../../functions/cluster-scaler/handler.js';
import { handler as drainerHandler } from '../../functions/instance-drainer/handler.js';
import { clearControllerCache } from '../../shared/aws/controller-readers.js';
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
export const containerInstance = (sim: Sim, ec2: string) =>
  [...sim.ecs.cluster(CLUSTER)!.instances.values()].find(
    (ci) => ci.ec2InstanceId === ec2 && ci.status !== 'INACTIVE',
  );

/** The group's instance ids in a stable order. */
export const instanceIds = (sim: Sim): string[] => [...sim.asg.groups.get(ASG)!.instances.keys()].sort();

/** Write calls a function made (timeline actions), optionally of one service/command. */
export const writesBy = (sim: Sim, fn: string, service?: string, command?: string) =>
  sim.timeline.actions.filter(
    (a) => a.fn === fn && (!service || a.service === service) && (!command || a.command === command),
  );

/** Instances terminated with non-daemon tasks (the simulator's "job killed" invariant). */
export const killedJobs = (sim: Sim) =>
  sim.violations.filter((v) => v.kind === 'instance-terminated-with-tasks');
