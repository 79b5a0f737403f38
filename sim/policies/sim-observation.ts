/**
 * Builds a policy's {@link PolicyObservation} from the simulator's state: what ECS and Auto Scaling know
 * internally (ECS computes CapacityProviderReservation and the AWS/ECS reservation metrics from exactly
 * this), read without API calls so a baseline costs no simulated API traffic.
 */

import { maxResources, type Resources, ZERO } from '../../shared/core/capacity/index.js';
import type { PlacementItem } from '../../shared/core/placement/index.js';
import type { SimAsg } from '../asg/model.js';
import type { Reservation, SimCluster, SimService } from '../ecs/model.js';
import { computedDesiredCount, tasksBySet } from '../ecs/task-sets.js';
import type { ObservedInstance, PolicyObservation } from './types.js';

const toResources = (r: Reservation): Resources => ({ CPU: r.cpu, MEMORY: r.memory, GPU: r.gpu });

const LIFECYCLE: Record<string, ObservedInstance['lifecycle'] | undefined> = {
  Pending: 'pending',
  InService: 'in-service',
  Terminating: 'terminating',
  'Terminating:Wait': 'terminating',
  'Terminating:Proceed': 'terminating',
};

/**
 * The observation of one group and its cluster at `nowSeconds` (seconds since the start).
 * @param startMs the simulator's start (epoch ms), to express launch times in run seconds.
 */
export const observeSim = (
  group: SimAsg,
  cluster: SimCluster,
  nowSeconds: number,
  startMs: number,
  /** The services whose tasks the group takes (default: all); the others' waiting tasks are not its demand. */
  takes: (s: SimService) => boolean = () => true,
): PolicyObservation => {
  const services = [...cluster.services.values()].filter((s) => s.status === 'ACTIVE');
  const daemons = services.filter((s) => s.schedulingStrategy === 'DAEMON');
  const replicas = services.filter((s) => s.schedulingStrategy !== 'DAEMON' && takes(s));
  const daemonReservation = daemons.reduce<Resources>(
    (acc, s) => ({
      CPU: acc.CPU + s.taskDefinition!.reservation.cpu,
      MEMORY: acc.MEMORY + s.taskDefinition!.reservation.memory,
      GPU: acc.GPU + s.taskDefinition!.reservation.gpu,
    }),
    ZERO,
  );
  const instances: ObservedInstance[] = [];
  for (const i of group.instances.values()) {
    const lifecycle = LIFECYCLE[i.lifecycleState];
    if (!lifecycle) continue;
    const ci = i.containerInstance;
    let nonDaemonTasks = 0;
    if (ci) {
      for (const t of ci.tasks) {
        if (t.desiredStatus === 'RUNNING' && t.service?.schedulingStrategy !== 'DAEMON') nonDaemonTasks++;
      }
    }
    instances.push({
      id: i.id,
      lifecycle,
      registered: !!ci && ci.status === 'ACTIVE' && ci.agentConnected,
      ecsStatus: ci?.status,
      nonDaemonTasks,
      capacity: ci ? toResources(ci.registered) : ZERO,
      reserved: ci
        ? {
            CPU: ci.registered.cpu - ci.remaining.cpu,
            MEMORY: ci.registered.memory - ci.remaining.memory,
            GPU: 0,
          }
        : ZERO,
      launchedAt: (i.launchedAt - startMs) / 1000,
    });
  }
  const provisioning: PlacementItem[] = [];
  let largestTask: Resources = ZERO;
  for (const s of replicas) {
    if (s.taskSets) {
      // Task sets (CODE_DEPLOY, EXTERNAL): each set is its own demand, at its computed desired count.
      const bySet = tasksBySet(s);
      for (const set of s.taskSets) {
        const wanted = computedDesiredCount(s, set);
        const size = toResources(set.taskDefinition.reservation);
        if (wanted > 0) largestTask = maxResources(largestTask, size);
        let live = 0;
        for (const t of bySet.get(set) ?? []) if (t.desiredStatus === 'RUNNING') live++;
        if (wanted > live) provisioning.push({ label: s.name, reservation: size, count: wanted - live });
      }
      continue;
    }
    const size = toResources(s.taskDefinition!.reservation);
    // The threshold an operator computes from the services that run: a service at 0 desired (a batch
    // between bursts) does not set it, or its task would hold an instance-sized hole all day.
    if (s.desiredCount > 0) largestTask = maxResources(largestTask, size);
    let live = 0;
    for (const t of s.tasks) if (t.desiredStatus === 'RUNNING') live++;
    const missing = s.desiredCount - live;
    if (missing > 0) provisioning.push({ label: s.name, reservation: size, count: missing });
  }
  const instanceTypes = [...group.instanceTypes]
    .map((t) => ({
      CPU: t.cpu - daemonReservation.CPU,
      MEMORY: t.memory - daemonReservation.MEMORY,
      GPU: (t.gpu ?? 0) - daemonReservation.GPU,
    }))
    .sort((a, b) => a.CPU + a.MEMORY / 4 - (b.CPU + b.MEMORY / 4));
  return {
    now: nowSeconds,
    group: { name: group.name, min: group.min, max: group.max, desired: group.desired },
    instances,
    provisioning,
    largestTask,
    instanceTypes,
    daemonReservation,
  };
};
