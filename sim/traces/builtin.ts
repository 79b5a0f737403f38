/**
 * The benchmark's cluster and its built-in traces (diurnal 24 h, spike, sawtooth, batch burst, weekly 7 d).
 *
 * The cluster is mixed on purpose: four REPLICA services of different shapes (CPU-heavy, memory-heavy,
 * small, batch), one DAEMON service on every instance, and two instance sizes that the group launches in
 * turn (a mixed-instances group: m5.large, m5.xlarge, m5.large, …).
 * Units: CPU units (1024 per vCPU), MiB, seconds.
 */
import type { Trace, TracePoint } from './trace.js';

/** A service of the benchmark cluster. */
export interface BenchService {
  name: string;
  cpu: number;
  memory: number;
  daemon: boolean;
  /** Desired count before the trace starts (daemons: ignored, one per instance). */
  initial: number;
}

/** An instance size: what the ECS agent registers. */
export interface BenchInstanceType {
  type: string;
  cpu: number;
  memory: number;
}

/** The cluster a trace is replayed on. */
export interface BenchCluster {
  name: string;
  /** The group launches these in turn. */
  instanceTypes: BenchInstanceType[];
  /** Instances running at the start. */
  initialInstances: number;
  asg: { min: number; max: number };
  /** Seconds from launch to a booted instance, then to its registration with ECS. */
  bootSeconds: number;
  registerSeconds: number;
  services: BenchService[];
  /**
   * Further groups of the cluster (issue 13), each tagged for the project like the first. The baseline
   * policies drive the first group only (one capacity provider / one alarm pair per group, as deployed).
   */
  extraGroups?: BenchGroup[];
}

/** A further Auto Scaling group of a benchmark cluster. */
export interface BenchGroup {
  name: string;
  /** Overrides in priority order (a MixedInstancesPolicy). */
  instanceTypes: BenchInstanceType[];
  min: number;
  max: number;
  initialInstances: number;
  /** Spot above the base (OnDemandPercentageAboveBaseCapacity 0): the group's instances are Spot. */
  spot: boolean;
}

/** The benchmark cluster. m5.large / m5.xlarge register about 2048 / 4096 CPU and 7680 / 15 576 MiB. */
export const BENCH_CLUSTER: BenchCluster = {
  name: 'bench',
  instanceTypes: [
    { type: 'm5.large', cpu: 2048, memory: 7680 },
    { type: 'm5.xlarge', cpu: 4096, memory: 15_576 },
  ],
  initialInstances: 6,
  asg: { min: 1, max: 80 },
  bootSeconds: 90,
  registerSeconds: 30,
  services: [
    { name: 'log-agent', cpu: 128, memory: 256, daemon: true, initial: 0 },
    { name: 'web', cpu: 512, memory: 1024, daemon: false, initial: 8 },
    { name: 'api', cpu: 1024, memory: 2048, daemon: false, initial: 4 },
    { name: 'worker', cpu: 256, memory: 3072, daemon: false, initial: 3 },
    { name: 'batch', cpu: 1536, memory: 3072, daemon: false, initial: 0 },
  ],
};

const HOUR = 3600;
const round = (n: number): number => Math.max(0, Math.round(n));

/** A trace sampled every `step` seconds from `f(t)`. Only changes are kept. */
const sampled = (
  name: string,
  description: string,
  durationSeconds: number,
  step: number,
  f: (t: number) => Record<string, number>,
): Trace => {
  const points: TracePoint[] = [];
  let last: Record<string, number> = {};
  for (let t = 0; t < durationSeconds; t += step) {
    const now = f(t);
    const changed = Object.fromEntries(Object.entries(now).filter(([k, v]) => last[k] !== v));
    if (t === 0 || Object.keys(changed).length > 0) points.push({ t, desired: t === 0 ? now : changed });
    last = now;
  }
  return { name, description, durationSeconds, points };
};

/** 24 h: night trough at 04:00, a morning ramp, a peak around 16:00, an evening shoulder, a small batch. */
export const diurnalTrace = (): Trace =>
  sampled(
    'diurnal',
    'A working day: quiet night, morning ramp, afternoon peak, evening decline.',
    24 * HOUR,
    600,
    (t) => {
      const h = t / HOUR;
      const day = ((1 - Math.cos(((h - 4) / 24) * 2 * Math.PI)) / 2) ** 1.5;
      const evening = Math.exp(-(((h - 20) / 2) ** 2));
      return {
        web: round(6 + 42 * day + 8 * evening),
        api: round(3 + 18 * day + 4 * evening),
        worker: round(3 + 9 * day),
        batch: h >= 1 && h < 2 ? 6 : 0,
      };
    },
  );

/** 4 h: steady, then at 1 h a sudden ×5 on web and ×4 on api for 30 minutes, then back. */
export const spikeTrace = (): Trace =>
  sampled(
    'spike',
    'A flash crowd: web ×5 and api ×4 for 30 minutes, then back to normal.',
    4 * HOUR,
    60,
    (t) => {
      const spike = t >= HOUR && t < 1.5 * HOUR;
      return { web: spike ? 50 : 10, api: spike ? 20 : 5, worker: 4, batch: 0 };
    },
  );

/** 6 h: web and api ramp up over 50 minutes in 10-minute steps, then drop at once; five times. */
export const sawtoothTrace = (): Trace =>
  sampled(
    'sawtooth',
    'Ramps of 50 minutes then a sudden drop, repeated (queue-driven load).',
    6 * HOUR,
    600,
    (t) => {
      const phase = Math.floor((t % (HOUR + 600)) / 600);
      return { web: 8 + 7 * phase, api: 4 + 3 * phase, worker: 3, batch: 0 };
    },
  );

/** 6 h: steady services, and a batch service that jumps from 0 to 40 tasks three times. */
export const batchBurstTrace = (): Trace =>
  sampled(
    'batch-burst',
    'Batch jobs: 0 → 40 large tasks for 45, 45 and 30 minutes on a steady base.',
    6 * HOUR,
    300,
    (t) => {
      const h = t / HOUR;
      const burst = (h >= 1 && h < 1.75) || (h >= 3 && h < 3.75) || (h >= 5 && h < 5.5);
      return { web: 10, api: 5, worker: 4, batch: burst ? 40 : 0 };
    },
  );

/** A small deterministic generator (mulberry32): the same noise on every run and every machine. */
const noise = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * 7 days, Monday 00:00 to Sunday 24:00, every 10 minutes: the diurnal working day on weekdays (peak
 * a little higher mid-week), a flat, low weekend, a nightly batch at 01:00, and ±10 % noise on web and
 * api (deterministic: the trace is the same for every seed, so seeds vary only the simulation). The
 * trace on which predictive headroom is measured against reactive scaling: the ramp recurs every day.
 */
export const weeklyTrace = (): Trace => {
  const rand = noise(7);
  const jitter = (n: number): number => n * (0.9 + 0.2 * rand());
  return sampled(
    'weekly',
    'Seven days: five working days with a morning ramp and afternoon peak, a quiet weekend, ±10 % noise.',
    7 * 24 * HOUR,
    600,
    (t) => {
      const dayIndex = Math.floor(t / (24 * HOUR));
      const h = (t / HOUR) % 24;
      const weekend = dayIndex >= 5;
      const weekday = [0.9, 1, 1.05, 1, 0.85][dayIndex] ?? 0.35;
      const day = ((1 - Math.cos(((h - 4) / 24) * 2 * Math.PI)) / 2) ** 1.5 * weekday;
      const evening = weekend ? 0 : Math.exp(-(((h - 20) / 2) ** 2));
      return {
        web: round(jitter(6 + 42 * day + 8 * evening)),
        api: round(jitter(3 + 18 * day + 4 * evening)),
        worker: round(3 + 9 * day),
        batch: h >= 1 && h < 2 && !weekend ? 6 : 0,
      };
    },
  );
};

/**
 * The two-group benchmark cluster (issue 13): the on-demand group of the benchmark cluster plus a Spot
 * group of m5.xlarge (OnDemandPercentageAboveBaseCapacity 0) that starts empty. Same price per task on
 * the on-demand price list, so the scaler prefers the Spot group (smaller on-demand share) for growth and
 * shrinks the on-demand group first.
 */
export const TWO_GROUP_CLUSTER: BenchCluster = {
  ...BENCH_CLUSTER,
  name: 'bench2',
  initialInstances: 6,
  extraGroups: [
    {
      name: 'bench-spot',
      instanceTypes: [{ type: 'm5.xlarge', cpu: 4096, memory: 15_576 }],
      min: 0,
      max: 40,
      initialInstances: 0,
      spot: true,
    },
  ],
};

/** 6 h on two groups: a steady base, a 2-hour surge of web and api, and a batch burst on top of it. */
export const twoGroupTrace = (): Trace =>
  sampled(
    'two-group',
    'Two groups (on-demand + Spot): base load, a 2 h surge of web/api from 1 h, 30 batch tasks at 2 h–2.75 h.',
    6 * HOUR,
    300,
    (t) => {
      const h = t / HOUR;
      const surge = h >= 1 && h < 3;
      return { web: surge ? 30 : 8, api: surge ? 14 : 4, worker: 3, batch: h >= 2 && h < 2.75 ? 30 : 0 };
    },
  );

/** Traces that need their own cluster (several groups): replay each on its `cluster`. */
export const MULTI_GROUP_TRACES: Readonly<Record<string, { cluster: BenchCluster; trace: () => Trace }>> = {
  'two-group': { cluster: TWO_GROUP_CLUSTER, trace: twoGroupTrace },
};

/** The built-in traces by name. */
export const BUILTIN_TRACES: Readonly<Record<string, () => Trace>> = {
  diurnal: diurnalTrace,
  spike: spikeTrace,
  sawtooth: sawtoothTrace,
  'batch-burst': batchBurstTrace,
  weekly: weeklyTrace,
};

/**
 * What `npm run bench:scaling` runs by default, each trace with the cluster it is replayed on: the
 * built-in traces on {@link BENCH_CLUSTER}, then the multi-group traces on their own clusters.
 */
export const SCALING_TRACES: Readonly<Record<string, { cluster: BenchCluster; trace: () => Trace }>> = {
  ...Object.fromEntries(
    Object.entries(BUILTIN_TRACES).map(([name, trace]) => [name, { cluster: BENCH_CLUSTER, trace }]),
  ),
  ...MULTI_GROUP_TRACES,
};
