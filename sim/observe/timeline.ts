/**
 * The run's timeline: periodic samples of the world plus logs of actions (write API calls), events
 * and invocations. Samples carry the demand (task reservations grouped by size) so benchmarks can
 * compute bin-packing bounds; `lowerBoundInstances` is the simple per-dimension bound
 * max(⌈ΣCPU / instance CPU⌉, ⌈Σmemory / instance memory⌉).
 */
import type { AsgWorld } from '../asg/asg-world.js';
import type { EcsWorld } from '../ecs/ecs-world.js';
import type { Reservation } from '../ecs/model.js';
import type { InstanceTypeSpec } from '../ecs/resources.js';
import { computedDesiredCount, tasksBySet } from '../ecs/task-sets.js';

/** Demand of tasks of one reservation size. Units: CPU units, MiB. */
export interface DemandItem extends Reservation {
  count: number;
}

/** One sample (every `sampleSeconds`). */
export interface TimelineSample {
  /** Seconds since the start of the run. */
  t: number;
  time: string;
  asg: {
    desired: number;
    min: number;
    max: number;
    pending: number;
    inService: number;
    terminatingWait: number;
    terminating: number;
  };
  ecs: {
    instancesActive: number;
    instancesDraining: number;
    tasksPending: number;
    tasksRunning: number;
    tasksStopping: number;
    /** Sum of services' desired counts (daemon: one per ACTIVE instance). */
    tasksDesired: number;
    /** Desired tasks of services that have no task object (could not be placed). */
    tasksUnplaced: number;
    cpuRegistered: number;
    memoryRegistered: number;
    cpuReserved: number;
    memoryReserved: number;
  };
  /** What must fit: services' desired counts plus standalone tasks not stopping, grouped by reservation. */
  demand: DemandItem[];
  /** Lower bound on instances of the first ASG's first instance type for `demand`. */
  lowerBoundInstances?: number;
  /** Counts since the previous sample. */
  actions: number;
  events: number;
  invocations: number;
}

/** A write API call. */
export interface ActionRecord {
  t: number;
  service: string;
  command: string;
  fn?: string;
  input: Record<string, unknown>;
  error?: string;
}

/** An emitted event (summary). */
export interface EventRecord {
  t: number;
  source: string;
  detailType: string;
  resource?: string;
}

/** Simple per-dimension lower bound on instances for the demand. */
export const lowerBound = (demand: readonly DemandItem[], capacity: InstanceTypeSpec): number => {
  let cpu = 0;
  let memory = 0;
  for (const d of demand) {
    cpu += d.cpu * d.count;
    memory += d.memory * d.count;
  }
  return Math.max(capacity.cpu > 0 ? Math.ceil(cpu / capacity.cpu) : 0, Math.ceil(memory / capacity.memory));
};

/** Collects samples and logs. */
export class Timeline {
  readonly samples: TimelineSample[] = [];
  readonly actions: ActionRecord[] = [];
  readonly events: EventRecord[] = [];
  private marks = { actions: 0, events: 0, invocations: 0 };

  /** Takes one sample of the worlds. */
  sample(t: number, nowMs: number, ecs: EcsWorld, asg: AsgWorld, invocations: number): TimelineSample {
    const a = { desired: 0, min: 0, max: 0, pending: 0, inService: 0, terminatingWait: 0, terminating: 0 };
    let firstType: InstanceTypeSpec | undefined;
    for (const g of asg.groups.values()) {
      a.desired += g.desired;
      a.min += g.min;
      a.max += g.max;
      firstType ??= g.instanceTypes[0];
      for (const i of g.instances.values()) {
        if (i.lifecycleState.startsWith('Pending')) a.pending++;
        else if (i.lifecycleState === 'InService') a.inService++;
        else if (i.lifecycleState === 'Terminating:Wait') a.terminatingWait++;
        else a.terminating++;
      }
    }
    const e = {
      instancesActive: 0,
      instancesDraining: 0,
      tasksPending: 0,
      tasksRunning: 0,
      tasksStopping: 0,
      tasksDesired: 0,
      tasksUnplaced: 0,
      cpuRegistered: 0,
      memoryRegistered: 0,
      cpuReserved: 0,
      memoryReserved: 0,
    };
    const demand = new Map<string, DemandItem>();
    const addDemand = (r: Reservation, n: number) => {
      if (n <= 0) return;
      const key = `${r.cpu}/${r.memory}/${r.gpu}`;
      const d = demand.get(key) ?? { cpu: r.cpu, memory: r.memory, gpu: r.gpu, count: 0 };
      d.count += n;
      demand.set(key, d);
    };
    for (const c of ecs.clusters.values()) {
      for (const ci of c.instances.values()) {
        if (ci.status === 'INACTIVE') continue;
        if (ci.status === 'ACTIVE') e.instancesActive++;
        else if (ci.status === 'DRAINING') e.instancesDraining++;
        e.cpuRegistered += ci.registered.cpu;
        e.memoryRegistered += ci.registered.memory;
        e.cpuReserved += ci.registered.cpu - ci.remaining.cpu;
        e.memoryReserved += ci.registered.memory - ci.remaining.memory;
        for (const task of ci.tasks) {
          if (task.lastStatus === 'PENDING') e.tasksPending++;
          else if (task.lastStatus === 'RUNNING') e.tasksRunning++;
          else if (task.lastStatus === 'STOPPING' || task.lastStatus === 'DEACTIVATING') e.tasksStopping++;
          // Service tasks are counted through their service's desired count below.
          if (task.desiredStatus === 'RUNNING' && !task.service)
            addDemand(task.taskDefinition.reservation, 1);
        }
      }
      for (const s of c.services.values()) {
        if (s.status !== 'ACTIVE') continue;
        if (s.taskSets) {
          // Task sets: each is wanted at its computed desired count (two full sets during blue/green).
          const bySet = tasksBySet(s);
          for (const set of s.taskSets) {
            const wanted = computedDesiredCount(s, set);
            e.tasksDesired += wanted;
            let live = 0;
            for (const t of bySet.get(set) ?? [])
              if (t.desiredStatus === 'RUNNING' && t.instance.status === 'ACTIVE') live++;
            e.tasksUnplaced += Math.max(0, wanted - live);
            addDemand(set.taskDefinition.reservation, wanted);
          }
          continue;
        }
        let desired = s.desiredCount;
        if (s.schedulingStrategy === 'DAEMON') {
          desired = 0;
          for (const ci of c.instances.values()) if (ci.status === 'ACTIVE') desired++;
        }
        e.tasksDesired += desired;
        let live = 0;
        for (const t of s.tasks) if (t.desiredStatus === 'RUNNING' && t.instance.status === 'ACTIVE') live++;
        e.tasksUnplaced += Math.max(0, desired - live);
        addDemand(s.taskDefinition!.reservation, desired);
      }
    }
    const demandList = [...demand.values()];
    const sample: TimelineSample = {
      t,
      time: new Date(nowMs).toISOString(),
      asg: a,
      ecs: e,
      demand: demandList,
      ...(firstType ? { lowerBoundInstances: lowerBound(demandList, firstType) } : {}),
      actions: this.actions.length - this.marks.actions,
      events: this.events.length - this.marks.events,
      invocations: invocations - this.marks.invocations,
    };
    this.marks = { actions: this.actions.length, events: this.events.length, invocations };
    this.samples.push(sample);
    return sample;
  }
}
