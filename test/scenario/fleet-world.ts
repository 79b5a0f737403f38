/**
 * Worlds for the fleet scenarios (issue 13): cluster `prod` with one or more groups tagged for the
 * scaler, each with its own launch options (weights, mixed types, warm pool), the drainer's terminate
 * hook, and the project's real cluster-scaler and instance-drainer on their triggers.
 */
import { clusterScalerHandler } from '../../functions/cluster-scaler/handler.js';
import { handler as drainerHandler } from '../../functions/instance-drainer/handler.js';
import { clearControllerCache } from '../../shared/aws/controller-readers.js';
import { clearLaunchConfigurationCache } from '../../shared/aws/fleet-readers.js';
import { clearInstanceTypeCache } from '../../shared/aws/instance-types.js';
import { clearLaunchTemplateCache } from '../../shared/aws/launch-templates.js';
import { clearTaskDefinitionCache } from '../../shared/aws/snapshot-reader.js';
import { clearInstanceTaskCache } from '../../shared/aws/task-reader.js';
import type { AsgSpec } from '../../sim/asg/asg-world.js';
import { createSim, type Sim } from '../../sim/index.js';

export const CLUSTER = 'prod';

/** A group of the world: the AsgSpec without the parts every fleet group shares. */
export type FleetGroup = Omit<AsgSpec, 'cluster' | 'tags' | 'terminationHook'> & {
  tags?: Record<string, string>;
};

/**
 * Empties the readers' module-level caches (a Lambda container's warm state): task definitions (same
 * family, same revision ARN in every world), task lists, instance facts, other controllers, launch
 * configurations and launch templates cached by an earlier world would be another's. Launch template ids
 * repeat from world to world (each simulator draws them from its seed, and worlds share seeds): a
 * template's type cached by an earlier world's x86 group made a later world's Graviton group "launch" x86.
 */
export const clearReaderCaches = (): void => {
  clearControllerCache();
  clearLaunchConfigurationCache();
  clearTaskDefinitionCache();
  clearInstanceTaskCache();
  clearInstanceTypeCache();
  clearLaunchTemplateCache();
};

/** Builds a world with `groups` and task definitions web (1024 CPU), train (1 GPU), arm (arm64 only). */
export const fleetWorld = (groups: FleetGroup[], seed = 13): Sim => {
  // Each world starts with cold Lambda containers.
  clearReaderCaches();
  const sim = createSim({ seed, settings: { stoppedRetentionSeconds: 6 * 3600 } });
  sim.createCluster(CLUSTER);
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 1024, memoryReservation: 512 }] });
  sim.registerTaskDefinition({
    family: 'train',
    containers: [{ cpu: 2048, memoryReservation: 4096, gpu: 1 }],
  });
  sim.registerTaskDefinition({ family: 'arm', containers: [{ cpu: 1024, memoryReservation: 512 }] });
  for (const g of groups) {
    sim.createAutoScalingGroup({
      bootSeconds: 45,
      registerSeconds: 30,
      jitterSeconds: 15,
      newInstancesProtectedFromScaleIn: true,
      ...g,
      cluster: CLUSTER,
      tags: { 'ecs-autoscaler:cluster': CLUSTER, ...g.tags },
      terminationHook: { name: 'ecs-drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
    });
  }
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

/** Installs the SDK interception and registers the two functions (1-minute ticks). */
export const startFleet = (sim: Sim): void => {
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

/** Live (Pending/InService) instances of a group, by type. */
export const liveTypes = (sim: Sim, group: string): string[] =>
  [...sim.asg.groups.get(group)!.instances.values()]
    .filter((i) => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService')
    .map((i) => i.type.name)
    .sort();

/** Live (Pending/InService) instances of a group by AZ, sorted. */
export const liveZones = (sim: Sim, group: string): string[] =>
  [...sim.asg.groups.get(group)!.instances.values()]
    .filter((i) => i.lifecycleState === 'Pending' || i.lifecycleState === 'InService')
    .map((i) => i.az)
    .sort();

/** Tasks of a service by last status. */
export const tasksOf = (sim: Sim, service: string) => {
  const s = sim.ecs.cluster(CLUSTER)!.services.get(service)!;
  const all = [...sim.ecs.cluster(CLUSTER)!.instances.values()].flatMap((ci) => [...ci.tasks]);
  const mine = all.filter((t) => t.group === `service:${service}`);
  return {
    desired: s.desiredCount,
    running: mine.filter((t) => t.lastStatus === 'RUNNING').length,
  };
};

/** Instances terminated (or stopped) with non-daemon tasks, and lifecycle actions that timed out. */
export const violations = (sim: Sim) =>
  sim.violations.filter(
    (v) => v.kind === 'instance-terminated-with-tasks' || v.kind === 'lifecycle-action-timed-out',
  );

/** Scaler invocations that failed. */
export const scalerErrors = (sim: Sim) =>
  sim.invocations.filter((i) => i.fn === 'cluster-scaler' && i.outcome !== 'ok');

/**
 * The scaler's UpdateContainerInstancesState writes to `status` that name any of `arns` (rejected ones
 * too: `a.error` says so).
 */
export const scalerStateWrites = (sim: Sim, status: 'DRAINING' | 'ACTIVE', arns: ReadonlySet<string>) =>
  sim.timeline.actions.filter(
    (a) =>
      a.fn === 'cluster-scaler' &&
      a.command === 'UpdateContainerInstancesState' &&
      a.input.status === status &&
      (a.input.containerInstances as string[]).some((c) => arns.has(c)),
  );

/** Every time the scaler set container instances ACTIVE again (its own drains undone). */
export const scalerActivations = (sim: Sim) =>
  sim.timeline.actions.filter(
    (a) =>
      a.fn === 'cluster-scaler' &&
      a.command === 'UpdateContainerInstancesState' &&
      a.input.status === 'ACTIVE',
  );

/** The largest desired capacity a group had at any SetDesiredCapacity of the scaler. */
export const desiredWrites = (sim: Sim, group: string): number[] =>
  sim.timeline.actions
    .filter(
      (a) =>
        a.fn === 'cluster-scaler' &&
        a.command === 'SetDesiredCapacity' &&
        !a.error &&
        a.input.AutoScalingGroupName === group,
    )
    .map((a) => a.input.DesiredCapacity as number);
