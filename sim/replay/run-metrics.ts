/**
 * Figures of one replay, accumulated from samples taken at a fixed interval of virtual time.
 *
 * - cost unit-hours: Σ over the instances the group pays for (launching or running, not yet terminated)
 *   of their type's cost weight (prices.ts: price relative to the group's cheapest type) × Δt;
 *   instance-hours: the same, unweighted.
 * - lower bound / packing reference: Σ of each moment's figure (lower-bound.ts) × Δt, cost unit-hours.
 * - pending-task-minutes: Σ (wanted − running) tasks × Δt.
 * - longest wait: tasks are queued per service, first in first out: a rise of the shortfall enqueues
 *   tasks at that time, a task that starts dequeues the oldest, a fall of the desired count cancels the
 *   newest. The wait of a task is its dequeue (or cancellation) time minus its enqueue time, or the end
 *   of the run for a task still waiting.
 * - scaling actions: changes of the group's desired capacity; reversals: an action whose direction is the
 *   opposite of the previous action's (their times are kept, for the per-window check).
 * - headroom: how many more of the largest task of the services that want tasks fit on the registered
 *   instances' free space, averaged over time (reported for every policy alike; not in the JSON).
 */

/** One sample of the cluster. */
export interface RunSample {
  /** Seconds since the start. */
  t: number;
  /** EC2 instances the group pays for. */
  instances: number;
  /** The same instances weighted by their type's cost weight (cost units per hour). */
  costUnits: number;
  /** Desired capacity of the group. */
  desiredCapacity: number;
  /** Desired task count per REPLICA service (the trace's value). */
  wanted: Record<string, number>;
  /** RUNNING task count per REPLICA service. */
  running: Record<string, number>;
  /** Least-cost cover of `wanted`, cost units per hour (a true lower bound). */
  lowerBound: number;
  /** FFD of `wanted` onto instances in launch order, priced (cost units per hour). */
  packingReference: number;
  /** Copies of the largest wanted task that fit on the registered instances' free space. */
  headroom: number;
}

/** The JSON figures of one trace × policy × seed (exactly these keys). */
export interface RunFigures {
  costUnitHours: number;
  lowerBoundCostUnitHours: number;
  packingReferenceCostUnitHours: number;
  instanceHours: number;
  pendingTaskMinutes: number;
  maxTaskWaitSeconds: number;
  scalingActions: number;
  reversals: number;
}

/** The JSON keys of {@link RunFigures}, in order. */
export const FIGURE_KEYS = [
  'costUnitHours',
  'lowerBoundCostUnitHours',
  'packingReferenceCostUnitHours',
  'instanceHours',
  'pendingTaskMinutes',
  'maxTaskWaitSeconds',
  'scalingActions',
  'reversals',
] as const satisfies readonly (keyof RunFigures)[];

/** Figures outside the JSON: for the text tables and the target checks. */
export interface RunExtras {
  /** Time-averaged headroom (copies of the largest wanted task that fit). */
  meanHeadroom: number;
  /** Times (s) of the reversals. */
  reversalTimes: number[];
}

/** Accumulates samples; `finish()` returns the figures. Samples must come in time order. */
export class RunMetrics {
  private last: RunSample | undefined;
  private instanceSeconds = 0;
  private costSeconds = 0;
  private lowerBoundSeconds = 0;
  private packingSeconds = 0;
  private headroomSeconds = 0;
  private pendingTaskSeconds = 0;
  private maxWait = 0;
  private actions = 0;
  private readonly reversalTimes: number[] = [];
  private lastDirection = 0;
  private readonly queues = new Map<string, number[]>();
  /** Every sample, for the chart. */
  readonly samples: RunSample[] = [];

  add(sample: RunSample): void {
    const prev = this.last;
    if (prev) {
      const dt = sample.t - prev.t;
      this.instanceSeconds += prev.instances * dt;
      this.costSeconds += prev.costUnits * dt;
      this.lowerBoundSeconds += prev.lowerBound * dt;
      this.packingSeconds += prev.packingReference * dt;
      this.headroomSeconds += prev.headroom * dt;
      for (const [service, wanted] of Object.entries(prev.wanted)) {
        this.pendingTaskSeconds += Math.max(0, wanted - (prev.running[service] ?? 0)) * dt;
      }
      if (sample.desiredCapacity !== prev.desiredCapacity) {
        const direction = Math.sign(sample.desiredCapacity - prev.desiredCapacity);
        this.actions++;
        if (this.lastDirection !== 0 && direction !== this.lastDirection) this.reversalTimes.push(sample.t);
        this.lastDirection = direction;
      }
    }
    for (const service of new Set([...Object.keys(sample.wanted), ...Object.keys(sample.running)])) {
      this.queue(service, sample, prev);
    }
    this.samples.push(sample);
    this.last = sample;
  }

  private queue(service: string, s: RunSample, prev: RunSample | undefined): void {
    const q = this.queues.get(service) ?? [];
    this.queues.set(service, q);
    const wanted = s.wanted[service] ?? 0;
    const running = s.running[service] ?? 0;
    const started = Math.max(0, running - (prev?.running[service] ?? running));
    const cancelled = Math.max(0, (prev?.wanted[service] ?? wanted) - wanted);
    for (let i = 0; i < started && q.length > 0; i++) this.served(s.t - q.shift()!);
    // A cancelled task waited until it was cancelled: that wait counts too (a task that waits half an
    // hour for capacity and is then no longer wanted was not served in time).
    for (const enq of q.splice(Math.max(0, q.length - cancelled), cancelled)) this.served(s.t - enq);
    const shortfall = Math.max(0, wanted - running);
    while (q.length < shortfall) q.push(s.t);
    while (q.length > shortfall) this.served(s.t - q.shift()!);
  }

  private served(wait: number): void {
    if (wait > this.maxWait) this.maxWait = wait;
  }

  /** The figures, rounded for printing (hours 2 decimals, minutes 1 decimal, seconds whole). */
  finish(): RunFigures {
    const end = this.last?.t ?? 0;
    for (const q of this.queues.values()) for (const enq of q) this.served(end - enq);
    return {
      costUnitHours: round(this.costSeconds / 3600, 2),
      lowerBoundCostUnitHours: round(this.lowerBoundSeconds / 3600, 2),
      packingReferenceCostUnitHours: round(this.packingSeconds / 3600, 2),
      instanceHours: round(this.instanceSeconds / 3600, 2),
      pendingTaskMinutes: round(this.pendingTaskSeconds / 60, 1),
      maxTaskWaitSeconds: Math.round(this.maxWait),
      scalingActions: this.actions,
      reversals: this.reversalTimes.length,
    };
  }

  /** Headroom and reversal times (call after the last sample). */
  extras(): RunExtras {
    const span = (this.last?.t ?? 0) - (this.samples[0]?.t ?? 0);
    return {
      meanHeadroom: span > 0 ? round(this.headroomSeconds / span, 2) : (this.last?.headroom ?? 0),
      reversalTimes: [...this.reversalTimes],
    };
  }
}

/** The most reversals that fall inside any window of `windowSeconds` (sliding). */
export const maxReversalsInWindow = (times: readonly number[], windowSeconds: number): number => {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowSeconds) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
};

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
