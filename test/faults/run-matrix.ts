/**
 * Runs fault-injection runs (scenario × profile × seed) on the simulator with the project's real
 * handlers and checks the invariants of the scaler and drain issues:
 * - no instance terminated with running non-daemon tasks (simulator check);
 * - the group's desired capacity never outside [min, max] (simulator check);
 * - every lifecycle action completed before its deadline (simulator check);
 * - no task pending longer than boot time + 2 ticks without a scale-out in flight (checked here every
 *   30 s: a service short of tasks for longer than that while no instance is launching or just
 *   registered, the group is below MaxSize, and desired capacity is not above the in-service count).
 * Every violation carries the seed that reproduces it.
 */

import { createSim, type Sim } from '../../sim/index.js';
import { registerProjectHandlers } from '../../sim/replay/project-handlers.js';
import { FAULT_PROFILES, type FaultProfile } from './profiles.js';
import { FAULT_CLUSTER as C, FAULT_SCENARIOS, type FaultScenario } from './scenarios.js';

/** One invariant violation of one run. */
export interface FaultViolation {
  scenario: string;
  profile: string;
  seed: number;
  t: number;
  kind: string;
  message: string;
}

/** One run's identity. */
export interface FaultRun {
  scenario: FaultScenario;
  profile: FaultProfile;
  seed: number;
}

/** Seconds a task may wait: boot + registration (+ their jitter) + 2 one-minute ticks + ECS start time. */
export const PENDING_LIMIT_SECONDS = C.bootSeconds + C.registerSeconds + 2 * C.jitterSeconds + 2 * 60 + 30;

const buildWorld = (sim: Sim, scenario: FaultScenario): void => {
  sim.createCluster(C.name);
  sim.registerTaskDefinition({
    family: 'web',
    containers: [{ name: 'web', cpu: 512, memoryReservation: 1024 }],
  });
  sim.registerTaskDefinition({
    family: 'api',
    containers: [{ name: 'api', cpu: 1024, memoryReservation: 2048 }],
  });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ name: 'agent', cpu: 128, memory: 256 }] });
  sim.createAutoScalingGroup({
    name: C.asg,
    cluster: C.name,
    min: C.min,
    max: C.max,
    desired: C.initial,
    instanceTypes: ['m5.large', 'm5.xlarge'],
    bootSeconds: C.bootSeconds,
    registerSeconds: C.registerSeconds,
    jitterSeconds: C.jitterSeconds,
    newInstancesProtectedFromScaleIn: true,
    tags: { 'ecs-autoscaler:cluster': C.name },
    terminationHook: { name: 'ecs-drain', heartbeatTimeout: 300, defaultResult: 'CONTINUE' },
  });
  sim.createService({
    cluster: C.name,
    name: 'agent',
    taskDefinition: 'agent',
    schedulingStrategy: 'DAEMON',
  });
  for (const name of ['web', 'api'] as const) {
    sim.createService({
      cluster: C.name,
      name,
      taskDefinition: name,
      desiredCount: scenario.initial[name],
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    });
  }
};

/** The pending-task invariant, sampled every 30 s. */
const watchPending = (sim: Sim, report: (t: number, message: string) => void): void => {
  const since = new Map<string, number>();
  const reported = new Set<string>();
  sim.clock.every(30, 'faults:pending', () => {
    const t = sim.elapsedSeconds;
    const cluster = sim.ecs.cluster(C.name)!;
    const group = sim.asg.groups.get(C.asg)!;
    const instances = [...group.instances.values()];
    const inService = instances.filter((i) => i.lifecycleState === 'InService').length;
    const inFlight =
      group.desired > inService ||
      instances.some(
        (i) =>
          i.lifecycleState === 'Pending' ||
          (i.containerInstance !== undefined && sim.nowMs - i.containerInstance.registeredAt < 90_000),
      );
    for (const s of cluster.services.values()) {
      if (s.schedulingStrategy === 'DAEMON') continue;
      const live = [...s.tasks].filter((task) => task.desiredStatus === 'RUNNING').length;
      if (live >= s.desiredCount) {
        since.delete(s.name);
        reported.delete(s.name);
        continue;
      }
      const from = since.get(s.name) ?? t;
      since.set(s.name, from);
      if (
        t - from > PENDING_LIMIT_SECONDS &&
        !inFlight &&
        group.desired < group.max &&
        !reported.has(s.name)
      ) {
        reported.add(s.name);
        report(
          t,
          `${s.desiredCount - live} task(s) of ${s.name} pending for ${t - from} s with no scale-out in flight`,
        );
      }
    }
  });
};

/** Runs one scenario under one profile with one seed; returns its violations. */
export const runOnce = async ({ scenario, profile, seed }: FaultRun): Promise<FaultViolation[]> => {
  const sim = createSim({ seed, pendingTooLongSeconds: 1e9 });
  const violations: FaultViolation[] = [];
  const add = (t: number, kind: string, message: string): void => {
    violations.push({ scenario: scenario.name, profile: profile.name, seed, t, kind, message });
  };
  buildWorld(sim, scenario);
  scenario.drive(sim);
  profile.apply(sim, seed, scenario.quiet ?? [], scenario.durationSeconds);
  sim.install();
  try {
    await registerProjectHandlers(sim);
    sim.start();
    watchPending(sim, (t, m) => add(t, 'task-pending-without-scale-out', m));
    await sim.runUntil(scenario.durationSeconds);
  } finally {
    sim.dispose();
  }
  for (const v of sim.violations) {
    if (v.kind !== 'task-pending-too-long') add(v.t, v.kind, v.message);
  }
  return violations;
};

/** The matrix: every scenario × every profile × `seeds` seeds starting at `firstSeed`. */
export const faultMatrix = (seeds: number, firstSeed = 1): FaultRun[] =>
  FAULT_SCENARIOS.flatMap((scenario) =>
    FAULT_PROFILES.flatMap((profile) =>
      Array.from({ length: seeds }, (_, k) => ({ scenario, profile, seed: firstSeed + k })),
    ),
  );

/** The command that reproduces one run. */
export const reproduce = (v: Pick<FaultViolation, 'scenario' | 'profile' | 'seed'>): string =>
  `npm run test:faults -- --scenario ${v.scenario} --profile ${v.profile} --seed ${v.seed}`;

/**
 * The small matrix `npm test` runs: every scenario under `everything` and two single-fault profiles
 * (rotating so that every profile is covered), seed 1. 18 runs.
 */
export const smallMatrix = (): FaultRun[] => {
  const everything = FAULT_PROFILES.find((p) => p.name === 'everything')!;
  const singles = FAULT_PROFILES.filter((p) => p.name !== 'everything' && p.name !== 'none');
  return FAULT_SCENARIOS.flatMap((scenario, i) => [
    { scenario, profile: everything, seed: 1 },
    { scenario, profile: singles[(2 * i) % singles.length]!, seed: 1 },
    { scenario, profile: singles[(2 * i + 1) % singles.length]!, seed: 1 },
  ]);
};
