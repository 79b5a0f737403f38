/**
 * The scenarios of the cluster-scaler and drain issues, as small simulated worlds for fault injection:
 * a ramp-up, a spike, a ramp-down, a sawtooth (scaler), a Spot interruption and an operator's
 * termination of a busy instance (drain). Each runs the project's real handlers on a mixed cluster
 * (two services, a daemon, m5.large + m5.xlarge) with the termination hook the drainer completes.
 */

import { OWN_DRAIN_ATTRIBUTE } from '../../shared/core/cluster/index.js';
import type { SimSettings } from '../../sim/core/context.js';
import type { SimContainerInstance, SimTask } from '../../sim/ecs/model.js';
import type { Sim } from '../../sim/index.js';
import {
  attachManagedCapacityProvider,
  firstInLine,
  markForeignState,
  otherTerminateHook,
  placeJob,
} from '../scenario/coexist-world.js';
import { scalerStateWrites } from '../scenario/fleet-world.js';
import { outageWindows } from './profiles.js';

/** The cluster every scenario starts from. */
export const FAULT_CLUSTER = {
  name: 'faults',
  asg: 'faults-asg',
  min: 1,
  max: 20,
  initial: 3,
  bootSeconds: 60,
  registerSeconds: 30,
  jitterSeconds: 15,
} as const;

/** One scenario: its length and what it does to the world once built. */
export interface FaultScenario {
  name: string;
  durationSeconds: number;
  /** Initial desired counts of web and api. */
  initial: { web: number; api: number };
  /** Drives the world (trace, Spot warnings, operator actions); called before time starts. */
  drive: (sim: Sim) => void;
  /** Windows [from, until) (seconds) that API fault bursts avoid. */
  quiet?: ReadonlyArray<readonly [number, number]>;
  /** Simulator timing for this scenario (long drains: tasks that take minutes to stop). */
  settings?: Partial<SimSettings>;
  /** Container stopTimeout of web and api, seconds (ECS default 30). */
  stopTimeoutSeconds?: number;
  /** The drain hook's heartbeat timeout for a seed, seconds (default 300). */
  hookTimeoutSeconds?: (seed: number) => number;
  /** Tags on the group besides ecs-autoscaler:cluster (e.g. dry-run). */
  groupTags?: Record<string, string>;
  /** The service scaler scales api on CPU alarms within these Application Auto Scaling bounds. */
  serviceScaling?: { min: number; max: number; load: (t: number) => number };
  /** Seconds after which demand no longer changes (convergence is checked from 30 min after it). */
  lastDemandChangeSeconds?: number;
  /** Changes the built world before the functions start (foreign state, another controller, a hook). */
  arrange?: (sim: Sim) => void;
  /** Another controller drives the group: the scaler must write nothing to it or its instances. */
  managedGroup?: boolean;
  /**
   * More managed groups beside the cluster's own (same cluster tag and drain hook): instance types as
   * a mixed-instances override list, bounds and desired.
   */
  extraGroups?: ReadonlyArray<{ name: string; types: string[]; min: number; max: number; desired: number }>;
  /** A third service whose tasks take static host port 80 (bridge mode): desired count at the start. */
  edge?: number;
  /** The scenario's own invariants, checked on the world at the end of the run. */
  check?: (sim: Sim, add: (t: number, kind: string, message: string) => void) => void;
}

/** Per-run facts a scenario's `check` needs (the host it protected, the job it placed). */
const runFacts = new WeakMap<Sim, { host: SimContainerInstance; tasks: SimTask[] }>();

/** Writes of the cluster scaler that set `arn` to `status` (container-instance state). */
const stateWrites = (sim: Sim, arn: string, status: 'DRAINING' | 'ACTIVE') =>
  scalerStateWrites(sim, status, new Set([arn])).filter((a) => !a.error);

/**
 * Long drains: a task takes 5–15 minutes to stop (a load balancer's deregistration delay, a worker
 * finishing its job), so drains outlast several heartbeat timeouts.
 */
const LONG_DRAIN: Partial<SimSettings> = { taskExitSeconds: [300, 900] };

/**
 * Heartbeat timeouts of the long-drain scenarios, by seed: 120–600 s. A hook survives an Auto Scaling
 * outage of H − 2 minutes at most (docs/reliability.md), so the profiles whose outages are longer than
 * that are paired with the longer timeouts (see profiles.ts `minHookTimeoutSeconds`).
 */
export const LONG_DRAIN_HOOK_TIMEOUTS = [120, 180, 300, 450, 600] as const;
const longDrainHook = (seed: number): number =>
  LONG_DRAIN_HOOK_TIMEOUTS[seed % LONG_DRAIN_HOOK_TIMEOUTS.length]!;

const steps = (sim: Sim, service: string, points: ReadonlyArray<readonly [number, number]>): void =>
  sim.trace(FAULT_CLUSTER.name, service, points);

/**
 * An operator (or an instance refresh) terminates a busy instance through its group, keeping desired;
 * like the CLI, it retries an API error (the fault profiles hit its calls too) every 10 s, `tries` times.
 */
const terminateBusy = (sim: Sim, tries: number) => async (): Promise<void> => {
  const victim = [...sim.asg.groups.get(FAULT_CLUSTER.asg)!.instances.values()].find(
    (i) =>
      i.lifecycleState === 'InService' &&
      i.containerInstance?.status === 'ACTIVE' &&
      (i.containerInstance?.tasks.size ?? 0) > 1,
  );
  if (!victim) return;
  try {
    await sim.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
      InstanceId: victim.id,
      ShouldDecrementDesiredCapacity: false,
    });
  } catch {
    if (tries > 1) sim.at(sim.elapsedSeconds + 10, terminateBusy(sim, tries - 1));
  }
};

/**
 * A deploy pipeline rolls web onto its next revision (UpdateService with the family's latest revision),
 * retrying an API error every 10 s, `tries` times (the fault profiles hit its calls too).
 */
const deployWeb = (sim: Sim, tries: number) => async (): Promise<void> => {
  try {
    await sim.call('ecs', 'UpdateService', {
      cluster: FAULT_CLUSTER.name,
      service: 'web',
      taskDefinition: 'web',
    });
  } catch {
    if (tries > 1) sim.at(sim.elapsedSeconds + 10, deployWeb(sim, tries - 1));
  }
};

/** The scenarios. */
export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  {
    name: 'ramp-up',
    durationSeconds: 3600,
    initial: { web: 4, api: 2 },
    drive: (sim) => {
      steps(sim, 'web', [
        [300, 10],
        [900, 18],
        [1500, 26],
        [2100, 32],
      ]);
      steps(sim, 'api', [
        [600, 5],
        [1200, 8],
      ]);
    },
  },
  {
    name: 'spike',
    durationSeconds: 3600,
    initial: { web: 6, api: 3 },
    lastDemandChangeSeconds: 1500,
    drive: (sim) => {
      steps(sim, 'web', [
        [300, 36],
        [1500, 6],
      ]);
      steps(sim, 'api', [
        [300, 12],
        [1500, 3],
      ]);
    },
  },
  {
    name: 'ramp-down',
    durationSeconds: 4800,
    initial: { web: 30, api: 10 },
    lastDemandChangeSeconds: 2100,
    drive: (sim) => {
      steps(sim, 'web', [
        [300, 20],
        [900, 12],
        [1500, 6],
        [2100, 3],
      ]);
      steps(sim, 'api', [
        [600, 5],
        [1200, 2],
      ]);
    },
  },
  {
    name: 'sawtooth',
    durationSeconds: 4800,
    initial: { web: 4, api: 2 },
    drive: (sim) => {
      for (const base of [0, 1800]) {
        steps(sim, 'web', [
          [base + 300, 12],
          [base + 600, 20],
          [base + 900, 28],
          [base + 1200, 4],
        ]);
        steps(sim, 'api', [
          [base + 600, 6],
          [base + 1200, 2],
        ]);
      }
    },
  },
  {
    name: 'spot-interruption',
    durationSeconds: 2400,
    initial: { web: 12, api: 4 },
    quiet: [[600, 720]],
    drive: (sim) => {
      sim.at(600, () => {
        const busy = [...sim.asg.groups.get(FAULT_CLUSTER.asg)!.instances.values()]
          .filter((i) => i.lifecycleState === 'InService')
          .slice(0, 2);
        for (const i of busy) sim.interruptSpot(i.id);
      });
    },
  },
  {
    name: 'operator-terminates-busy-instance',
    durationSeconds: 2400,
    initial: { web: 12, api: 4 },
    drive: (sim) => {
      // The operator (or an instance refresh) terminates a busy instance; like the CLI, it retries an
      // API error (the fault profiles hit its calls too) every 10 s, up to 5 times.
      const attempt = (left: number) => async (): Promise<void> => {
        const victim = [...sim.asg.groups.get(FAULT_CLUSTER.asg)!.instances.values()].find(
          (i) => i.lifecycleState === 'InService' && (i.containerInstance?.tasks.size ?? 0) > 1,
        );
        if (!victim) return;
        try {
          await sim.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
            InstanceId: victim.id,
            ShouldDecrementDesiredCapacity: false,
          });
        } catch {
          if (left > 1) sim.at(sim.elapsedSeconds + 10, attempt(left - 1));
        }
      };
      sim.at(600, attempt(5));
    },
  },
  {
    // An instance refresh with long drains: every ten minutes a busy instance is replaced (terminated
    // through the group, desired kept), its tasks taking 5–15 min to stop, under heartbeat timeouts of
    // 120–600 s, while demand falls. Heartbeats must keep each hook alive through the faults.
    name: 'long-drain-refresh',
    durationSeconds: 5400,
    initial: { web: 20, api: 6 },
    settings: LONG_DRAIN,
    stopTimeoutSeconds: 900,
    hookTimeoutSeconds: longDrainHook,
    lastDemandChangeSeconds: 1500,
    drive: (sim) => {
      steps(sim, 'web', [
        [900, 12],
        [1500, 8],
      ]);
      for (const at of [600, 1200, 1800]) sim.at(at, terminateBusy(sim, 5));
    },
  },
  {
    // An operator terminates a busy instance whose tasks take 5–15 min to stop.
    name: 'operator-terminates-long-drain',
    durationSeconds: 3600,
    initial: { web: 12, api: 4 },
    settings: LONG_DRAIN,
    stopTimeoutSeconds: 900,
    hookTimeoutSeconds: longDrainHook,
    drive: (sim) => sim.at(600, terminateBusy(sim, 5)),
  },
  {
    // The service scaler scales api on its CPU alarms (bounds 2–16) while the cluster follows.
    name: 'service-alarm-spike',
    durationSeconds: 3600,
    initial: { web: 4, api: 3 },
    serviceScaling: { min: 2, max: 16, load: (t) => (t < 300 ? 3 : t < 1500 ? 11 : 1.5) },
    drive: () => undefined,
  },
  {
    // Dry run: a spike with ecs-autoscaler:dry-run=true on the group. Nothing may be written (tasks wait:
    // the pending-task invariant does not apply).
    name: 'dry-run-spike',
    durationSeconds: 1800,
    initial: { web: 6, api: 3 },
    groupTags: { 'ecs-autoscaler:dry-run': 'true' },
    drive: (sim) => {
      steps(sim, 'web', [
        [300, 24],
        [1200, 6],
      ]);
    },
  },
  // Issue 14's coexistence cases (test/scenario/coexist-*.test.ts), with their setup helpers.
  {
    // Someone else drained an instance and another one's agent disconnected; demand then falls. Scale-in
    // must go on (the ownerless DRAINING one terminated once empty after its 20-minute grace).
    name: 'foreign-draining-and-disconnected',
    durationSeconds: 3600,
    initial: { web: 6, api: 2 },
    groupTags: { 'ecs-autoscaler:foreign-drain-grace': '1200' },
    arrange: (sim) => void markForeignState(sim, FAULT_CLUSTER.name, FAULT_CLUSTER.asg),
    drive: (sim) => steps(sim, 'web', [[1200, 2]]),
  },
  {
    // ECS capacity-provider managed scaling drives the group: nothing written to it by the scaler.
    name: 'capacity-provider-managed-group',
    durationSeconds: 2400,
    initial: { web: 2, api: 1 },
    managedGroup: true,
    arrange: (sim) => attachManagedCapacityProvider(sim, FAULT_CLUSTER.name, FAULT_CLUSTER.asg),
    drive: () => undefined,
  },
  {
    // A second terminate hook that is not ours (ECS managed draining's name; its owner completes it 90 s
    // after it starts) while demand falls: the drainer completes only its own hook
    // (lifecycle-action-not-ours), and every instance leaves once both are done (none times out).
    name: 'second-terminate-hook',
    durationSeconds: 3600,
    initial: { web: 12, api: 4 },
    lastDemandChangeSeconds: 600,
    arrange: (sim) => {
      sim.asg.groups
        .get(FAULT_CLUSTER.asg)!
        .hooks.push(otherTerminateHook('ecs-managed-draining-termination-hook'));
    },
    drive: (sim) => steps(sim, 'web', [[600, 3]]),
  },
  {
    // A standalone RunTask job on the instance scale-in would pick first; demand falls. The job is never
    // killed (simulator invariant instance-terminated-with-tasks), scale-in elsewhere goes on. When the
    // scaler drains the job's instance last, its own drain ends ACTIVE after max-drain-time (900 s here,
    // default 3600 s, longer than the draining-without-owner grace of 1800 s).
    name: 'standalone-job-scale-in',
    durationSeconds: 3600,
    initial: { web: 12, api: 4 },
    groupTags: { 'ecs-autoscaler:max-drain-time': '900' },
    arrange: (sim) => {
      sim.registerTaskDefinition({
        family: 'batch',
        containers: [{ name: 'batch', cpu: 256, memoryReservation: 512 }],
      });
      placeJob(sim, firstInLine(sim, 0, FAULT_CLUSTER.name));
    },
    drive: (sim) => steps(sim, 'web', [[600, 3]]),
  },
  {
    // ECS task scale-in protection on the web tasks of the instance scale-in would pick first (set at
    // 30 s through UpdateTaskProtection, retried like an operator's CLI); demand falls. Protected tasks
    // are never stopped by a drain of their host (instance-terminated-with-tasks), scale-in goes on.
    name: 'protected-task-scale-in',
    durationSeconds: 3600,
    initial: { web: 12, api: 4 },
    lastDemandChangeSeconds: 600,
    drive: (sim) => {
      sim.at(30, protectFirstInLine(sim, 6));
      steps(sim, 'web', [[600, 3]]);
    },
    check: (sim, add) => {
      const facts = runFacts.get(sim);
      if (!facts) return; // every UpdateTaskProtection try failed: nothing was protected
      for (const a of stateWrites(sim, facts.host.arn, 'DRAINING')) {
        add(
          a.t,
          'protected-task-host-drained',
          `the scaler drained ${facts.host.ec2InstanceId}, whose web tasks are protected`,
        );
      }
      for (const t of facts.tasks.filter((x) => x.lastStatus !== 'RUNNING')) {
        add(sim.elapsedSeconds, 'protected-task-stopped', `protected task ${t.arn} is ${t.lastStatus}`);
      }
    },
  },
  {
    // The scaler's own drain of an instance whose standalone job runs on: its drain started 500 s before
    // the run, max-drain-time 600 s, so it must end ACTIVE again (never terminated with the job,
    // draining-without-owner) while scale-in of the other instances goes on.
    name: 'own-drain-max-time',
    durationSeconds: 3600,
    initial: { web: 12, api: 4 },
    groupTags: { 'ecs-autoscaler:max-drain-time': '600' },
    arrange: (sim) => {
      sim.registerTaskDefinition({
        family: 'batch',
        containers: [{ name: 'batch', cpu: 256, memoryReservation: 512 }],
      });
      const ci = firstInLine(sim, 0, FAULT_CLUSTER.name);
      runFacts.set(sim, { host: ci, tasks: [placeJob(sim, ci)] });
      sim.ecs.setStatus(ci, 'DRAINING');
      ci.attributes.push({
        name: OWN_DRAIN_ATTRIBUTE,
        value: String(Math.floor(sim.clock.startMs / 1000) - 500),
      });
    },
    drive: (sim) => steps(sim, 'web', [[600, 3]]),
    check: (sim, add) => {
      const { host, tasks } = runFacts.get(sim)!;
      // Set ACTIVE by the scaler by the time its drain passed 600 s (it started 500 s before the run) plus
      // three ticks — or sooner, when demand brought it back; a later drain of it has a limit too. Ticks
      // that were lost invoke nothing, so the allowance is also three scaler invocations after 100 s,
      // whichever comes later (seed 9005 under lost-events lost the ticks at 120, 180 and 240 s: the drain
      // ended at the first one that came, 300 s); and an API outage window (a profile's burst) within it
      // extends it by its length, as the pending-task invariant does not count such time (its list is
      // needed to know whether the drained host is empty, and ECS may be the service that fails).
      // Killed invocations decide nothing: only those that ran count (seed 22005 under killed-mid-way and
      // killed-at-timeout: the ticks at 180 and 240 s were killed; the one at 123 s scaled out, a decision
      // that leaves drains to the next; the drain ended at 300 s, the next one that ran).
      const third = sim.invocations.filter(
        (i) => i.fn === 'cluster-scaler' && i.t >= 100 && i.outcome === 'ok',
      )[2]?.t;
      let due = Math.max(100 + 180, third ?? sim.elapsedSeconds);
      for (const [a, b] of outageWindows(sim)) if (a < due && b > 100) due += b - Math.max(a, 100);
      if (!stateWrites(sim, host.arn, 'ACTIVE').some((a) => a.t <= due + 1)) {
        add(due, 'own-drain-not-ended', `${host.ec2InstanceId} was not set ACTIVE after max-drain-time`);
      }
      const mark = host.attributes.find((a) => a.name === OWN_DRAIN_ATTRIBUTE)?.value;
      const endS = Math.floor(sim.clock.startMs / 1000) + sim.elapsedSeconds;
      if (host.status === 'DRAINING' && (!mark || endS - Number(mark) > 600 + 180)) {
        add(
          sim.elapsedSeconds,
          'own-drain-not-ended',
          `${host.ec2InstanceId} is DRAINING past max-drain-time (mark ${mark ?? 'none'})`,
        );
      }
      for (const t of tasks.filter((x) => x.lastStatus !== 'RUNNING')) {
        add(sim.elapsedSeconds, 'job-stopped', `standalone job ${t.arn} is ${t.lastStatus}`);
      }
    },
  },
  {
    // Two groups (m5 as the cluster's own, a cheaper c5.large group) and a service with static host port
    // 80 beside web and api: CPU/memory packing sees room where ECS finds none (one edge task per
    // instance), so every group's growth is sized by the placement model (fleet-model.ts). Both groups
    // grow and shrink; the invariants hold over both.
    // Convergence is checked 30 minutes after the drop: with placement rules in use every busy
    // instance's task list is asked for when it could go (before, the count reached them one removal and
    // 600 s at a time, and this check failed under `everything`).
    name: 'two-groups-host-port',
    durationSeconds: 3600,
    initial: { web: 4, api: 2 },
    edge: 2,
    extraGroups: [{ name: 'faults-c5', types: ['c5.large'], min: 0, max: 10, desired: 1 }],
    lastDemandChangeSeconds: 1500,
    drive: (sim) => {
      steps(sim, 'edge', [
        [300, 7],
        [1500, 2],
      ]);
      steps(sim, 'web', [
        [300, 12],
        [1500, 4],
      ]);
    },
  },
  {
    // A rolling update at ECS's default 100 / 200 on a cluster sized for the running revision: ECS starts
    // every new task before it stops an old one, and waits for room for good where there is none
    // (docs/placement.md "Rolling updates"). The scaler buys the room, ECS completes the update, and the
    // room is drained again once the old tasks are gone — under every fault profile.
    name: 'rolling-update',
    durationSeconds: 3600,
    initial: { web: 16, api: 4 },
    lastDemandChangeSeconds: 600,
    drive: (sim) => {
      sim.registerTaskDefinition({
        family: 'web',
        containers: [{ name: 'web', cpu: 512, memoryReservation: 1024 }],
      });
      sim.at(300, deployWeb(sim, 30));
    },
    check: (sim, add) => {
      const web = sim.ecs.cluster(FAULT_CLUSTER.name)!.services.get('web')!;
      const old = [...web.tasks].filter((t) => t.taskDefinition !== web.taskDefinition);
      if (old.length > 0) {
        add(sim.elapsedSeconds, 'rollout-incomplete', `${old.length} web task(s) still run the old revision`);
      }
    },
  },
  {
    // max-step 15 and a 60 s scale-in cooldown: a large scale-out, then demand collapses and the scaler
    // drains many instances in a few decisions. Its state must stay within AWS's limits (tag-limit: tag
    // values ≤ 256 characters, attribute values ≤ 128), whatever the step.
    name: 'max-step-15-state',
    durationSeconds: 3600,
    initial: { web: 40, api: 4 },
    groupTags: { 'ecs-autoscaler:max-step': '15', 'ecs-autoscaler:scale-in-cooldown': '60' },
    lastDemandChangeSeconds: 1200,
    drive: (sim) => steps(sim, 'web', [[1200, 2]]),
  },
];

/**
 * Protects the web tasks of the instance scale-in would pick first (UpdateTaskProtection, 48 h), retrying
 * an API error every 10 s, `tries` times (the fault profiles hit the call too).
 */
const protectFirstInLine = (sim: Sim, tries: number) => async (): Promise<void> => {
  const host = firstInLine(sim, 1, FAULT_CLUSTER.name);
  const tasks = [...host.tasks].filter((t) => t.service?.name === 'web').map((t) => t.arn);
  if (tasks.length === 0) return;
  try {
    await sim.call('ecs', 'UpdateTaskProtection', {
      cluster: FAULT_CLUSTER.name,
      tasks: tasks.slice(0, 10),
      protectionEnabled: true,
      expiresInMinutes: 2880,
    });
    runFacts.set(sim, {
      host,
      tasks: [...host.tasks].filter((t) => tasks.slice(0, 10).includes(t.arn)),
    });
  } catch {
    if (tries > 1) sim.at(sim.elapsedSeconds + 10, protectFirstInLine(sim, tries - 1));
  }
};
