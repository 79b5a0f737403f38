/**
 * The scenarios of the cluster-scaler and drain issues, as small simulated worlds for fault injection:
 * a ramp-up, a spike, a ramp-down, a sawtooth (scaler), a Spot interruption and an operator's
 * termination of a busy instance (drain). Each runs the project's real handlers on a mixed cluster
 * (two services, a daemon, m5.large + m5.xlarge) with the termination hook the drainer completes.
 */
import type { Sim } from '../../sim/index.js';

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
}

const steps = (sim: Sim, service: string, points: ReadonlyArray<readonly [number, number]>): void =>
  sim.trace(FAULT_CLUSTER.name, service, points);

/** The six scenarios. */
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
];
