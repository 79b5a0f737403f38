/**
 * Fault profiles: what goes wrong during a run. Probabilities are per API call, per event delivery or per
 * invocation, drawn from the run's seeded random source, so a seed reproduces the exact faults.
 *
 * API faults are what is left after the SDK's own retries: the simulator intercepts `client.send`, below
 * which the SDK would retry a throttled or 5xx call up to 3 times (standard retry mode). So the profiles
 * are a low background rate plus bursts where every call of one service fails for minutes (a rate limit
 * exhausted by another tool, a regional blip), placed at a seeded time. A burst never overlaps a
 * scenario's quiet window (the two minutes of a Spot warning, when no retry can come in time).
 */
import type { Sim } from '../../sim/index.js';

/**
 * Event types delivery faults apply to. The Spot interruption warning is left out on purpose: EC2 reclaims
 * the instance two minutes after it whatever happens, so a lost (or 90 s late) warning leaves tasks to die
 * that no autoscaler could save; every other event has a recovery path (the one-minute sweeper and tick).
 */
/** The Spot warning is only reordered (by up to 20 s) and duplicated: a later warning is one too late. */
const SPOT_WARNING = 'EC2 Spot Instance Interruption Warning';

const RECOVERABLE_EVENTS = [
  'EC2 Instance-terminate Lifecycle Action',
  'ECS Task State Change',
  'ECS Container Instance State Change',
  'CloudWatch Alarm State Change',
  'Scheduled Event',
] as const;

/** Adds an event fault for each recoverable event type. */
const eventFault = (
  sim: Sim,
  kind: 'lose' | 'duplicate' | 'delay' | 'reorder',
  probability: number,
  delaySeconds?: number,
): void => {
  for (const detailType of RECOVERABLE_EVENTS) {
    sim.faults.events({
      kind,
      probability,
      detailType,
      ...(delaySeconds !== undefined ? { delaySeconds } : {}),
    });
  }
};

/** One profile. `quiet`: windows [from, until) (seconds) bursts must avoid; `seed` places them. */
export interface FaultProfile {
  name: string;
  /**
   * The longest time, seconds, the profile can keep a heartbeat from reaching Auto Scaling: an API burst,
   * or lost / delayed / killed sweeps in a row. No schedule survives an outage longer than the hook's
   * heartbeat timeout allows, so a long-drain run under this profile uses a hook that tolerates it
   * (run-matrix.ts); docs/reliability.md measures the rest.
   */
  outageSeconds: number;
  apply: (
    sim: Sim,
    seed: number,
    quiet: ReadonlyArray<readonly [number, number]>,
    durationSeconds: number,
  ) => void;
}

/** A deterministic start time for a burst of `length` seconds, avoiding the quiet windows. */
export const burstStart = (
  seed: number,
  length: number,
  quiet: ReadonlyArray<readonly [number, number]>,
  durationSeconds: number,
): number => {
  let x = (seed * 2_654_435_761) % 4_294_967_296;
  for (let attempt = 0; attempt < 50; attempt++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const start = 120 + (x % Math.max(1, durationSeconds - length - 240));
    if (quiet.every(([a, b]) => start + length <= a || start >= b)) return start;
  }
  return durationSeconds;
};

const SERVICES = ['ecs', 'autoscaling', 'cloudwatch'] as const;

const bursts = new WeakMap<Sim, Array<readonly [number, number]>>();

/**
 * The API outage windows [from, until) (seconds) a run's profile placed: while a whole service fails,
 * no scaler can act, so the pending-task invariant does not count that time.
 */
export const outageWindows = (sim: Sim): ReadonlyArray<readonly [number, number]> => bursts.get(sim) ?? [];

/** Every call to one service (chosen by seed) fails with `kind` for `length` seconds. */
const burst = (
  sim: Sim,
  kind: 'throttle' | 'server-error',
  length: number,
  seed: number,
  quiet: ReadonlyArray<readonly [number, number]>,
  durationSeconds: number,
): void => {
  const from = burstStart(seed, length, quiet, durationSeconds);
  bursts.set(sim, [...outageWindows(sim), [from, from + length]]);
  sim.faults.api({
    kind,
    service: SERVICES[seed % SERVICES.length]!,
    fromSeconds: from,
    untilSeconds: from + length,
  });
};

/**
 * An invocation fault outside the quiet windows. Like a burst, a killed invocation inside the two minutes
 * of a Spot warning cannot be made good: the Spot path needs three reads (the instance's group, the
 * group's tags, the container instance) before its one write, and Lambda's asynchronous retry of a
 * killed invocation comes a minute later, when the tasks no longer have the time to move.
 */
const invocationFault = (
  sim: Sim,
  fault: { killAfterApiCalls?: number; timeoutSeconds?: number; probability: number },
  quiet: ReadonlyArray<readonly [number, number]>,
  durationSeconds: number,
): void => {
  let from = 0;
  for (const [a, b] of [...quiet].sort((x, y) => x[0] - y[0])) {
    if (a > from) sim.faults.invocations({ ...fault, fromSeconds: from, untilSeconds: a });
    from = Math.max(from, b);
  }
  sim.faults.invocations({ ...fault, fromSeconds: from, untilSeconds: durationSeconds + 1 });
};

/** Every profile (one fault kind each, then all together). */
export const FAULT_PROFILES: readonly FaultProfile[] = [
  { name: 'none', outageSeconds: 0, apply: () => undefined },
  {
    name: 'throttling',
    outageSeconds: 180,
    apply: (sim, seed, quiet, d) => {
      sim.faults.api({ kind: 'throttle', probability: 0.03 });
      burst(sim, 'throttle', 180, seed, quiet, d);
    },
  },
  {
    name: '5xx',
    outageSeconds: 120,
    apply: (sim, seed, quiet, d) => {
      sim.faults.api({ kind: 'server-error', probability: 0.02 });
      burst(sim, 'server-error', 120, seed + 1, quiet, d);
    },
  },
  {
    name: 'partial-failures',
    outageSeconds: 0,
    apply: (sim) => void sim.faults.api({ kind: 'partial-failure', probability: 0.3, share: 0.3 }),
  },
  {
    name: 'duplicated-events',
    outageSeconds: 0,
    apply: (sim) => void sim.faults.events({ kind: 'duplicate', probability: 0.3 }),
  },
  {
    name: 'reordered-events',
    outageSeconds: 60,
    apply: (sim) => {
      eventFault(sim, 'reorder', 0.5, 45);
      sim.faults.events({ kind: 'reorder', probability: 0.5, detailType: SPOT_WARNING, delaySeconds: 20 });
    },
  },
  { name: 'delayed-events', outageSeconds: 120, apply: (sim) => eventFault(sim, 'delay', 0.3, 90) },
  {
    // Independent losses have no longest run: at 20 % per sweep, five lost in a row happen about once in
    // 3,000 sweep positions, so long drains under this profile use a hook that survives five (H ≥ 450 s).
    name: 'lost-events',
    outageSeconds: 300,
    apply: (sim) => eventFault(sim, 'lose', 0.2),
  },
  {
    // Killed invocations are independent too (15 %): a killed sweep heartbeats nothing, and four killed in
    // a row happen about once in 2,000 sweep positions (long-drain-refresh / killed-at-timeout / 20036,
    // 20042: sweeps at 1,980–2,160 s yielded at once, and a 300 s hook timed out). Long drains under the
    // two killing profiles use a hook that survives five, as under lost-events.
    name: 'killed-mid-way',
    outageSeconds: 300,
    apply: (sim, _seed, quiet, d) =>
      invocationFault(sim, { killAfterApiCalls: 3, probability: 0.15 }, quiet, d),
  },
  {
    // The 20 ms per call of the simulator: 0.1 s is five calls, then the invocation dies at its timeout.
    name: 'killed-at-timeout',
    outageSeconds: 300,
    apply: (sim, _seed, quiet, d) =>
      invocationFault(sim, { timeoutSeconds: 0.1, probability: 0.15 }, quiet, d),
  },
  {
    name: 'everything',
    outageSeconds: 120,
    apply: (sim, seed, quiet, d) => {
      burst(sim, 'throttle', 120, seed, quiet, d);
      sim.faults
        .api({ kind: 'throttle', probability: 0.02 })
        .api({ kind: 'server-error', probability: 0.01 })
        .api({ kind: 'partial-failure', probability: 0.1, share: 0.3 })
        .events({ kind: 'duplicate', probability: 0.1 });
      invocationFault(sim, { killAfterApiCalls: 4, probability: 0.05 }, quiet, d);
      eventFault(sim, 'reorder', 0.2, 30);
      eventFault(sim, 'lose', 0.08);
    },
  },
];
