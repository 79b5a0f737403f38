/**
 * Virtual clock and discrete-event scheduler of the simulator.
 *
 * Time only moves when the run loop pops the next due event, so a simulated day costs as much as
 * the number of things that happen in it, not its length (no 1-second polling). Events due at the
 * same instant run in the order they were scheduled (a sequence number breaks ties), which keeps a
 * run deterministic for a given seed.
 */

/** A scheduled callback. May return a promise (a Lambda handler invocation); the loop awaits it. */
export type SimCallback = () => void | Promise<void>;

/** Handle returned by {@link Scheduler.at}; `cancel()` makes the event a no-op. */
export interface ScheduledEvent {
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  label: string;
  fn: SimCallback;
  cancelled: boolean;
}

/** Binary min-heap on (at, seq). */
class Heap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: Entry, y: Entry): boolean => x.at < y.at || (x.at === y.at && x.seq < y.seq);

/** The simulator's clock (epoch milliseconds) and event queue. */
export class Scheduler {
  private readonly heap = new Heap();
  private seq = 0;
  private current: number;
  /** Number of events executed so far (a cost figure for benchmarks). */
  executed = 0;

  /** @param startMs virtual epoch milliseconds at which the run starts. */
  constructor(readonly startMs: number) {
    this.current = startMs;
  }

  /** Current virtual time, epoch milliseconds. */
  get nowMs(): number {
    return this.current;
  }

  /** Seconds elapsed since the start of the run. */
  get elapsedSeconds(): number {
    return (this.current - this.startMs) / 1000;
  }

  /** Schedules `fn` at absolute virtual time `atMs` (clamped to now). */
  at(atMs: number, label: string, fn: SimCallback): ScheduledEvent {
    const entry: Entry = { at: Math.max(atMs, this.current), seq: this.seq++, label, fn, cancelled: false };
    this.heap.push(entry);
    return {
      at: entry.at,
      label,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Schedules `fn` after `seconds` of virtual time. */
  after(seconds: number, label: string, fn: SimCallback): ScheduledEvent {
    return this.at(this.current + Math.round(seconds * 1000), label, fn);
  }

  /** Runs `fn` every `seconds`, first after `firstAfterSeconds` (default one period), until cancelled. */
  every(seconds: number, label: string, fn: SimCallback, firstAfterSeconds = seconds): ScheduledEvent {
    let cancelled = false;
    let next: ScheduledEvent | undefined;
    const tick = async (): Promise<void> => {
      if (cancelled) return;
      next = this.after(seconds, label, tick);
      await fn();
    };
    next = this.after(firstAfterSeconds, label, tick);
    return {
      get at() {
        return next?.at ?? Number.NaN;
      },
      label,
      cancel: () => {
        cancelled = true;
        next?.cancel();
      },
    };
  }

  /** Time of the next live event, if any. */
  nextAt(): number | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (!top) return undefined;
      if (!top.cancelled) return top.at;
      this.heap.pop();
    }
  }

  /**
   * Executes every event due at or before `untilMs`, in time order, then sets the clock to `untilMs`.
   * Async callbacks are awaited one at a time (handlers never overlap: deterministic).
   */
  async runUntil(untilMs: number): Promise<void> {
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.at > untilMs) break;
      this.heap.pop();
      if (top.cancelled) continue;
      this.current = top.at;
      this.executed++;
      const r = top.fn();
      if (r !== undefined) await r;
    }
    if (untilMs > this.current) this.current = untilMs;
  }
}
