/**
 * Simulated EventBridge → Lambda: registered functions receive the events their patterns match and
 * their scheduled ticks. Delivery is asynchronous invocation: on error or timeout Lambda retries twice
 * (after 1 and 2 minutes), per the Lambda asynchronous-invocation defaults. Invocations run one at a
 * time on virtual time; each API call costs `apiLatencyMs` of the invocation's virtual time, and an
 * invocation whose virtual time passes its timeout is killed (its later API calls never happen).
 */
import { eventTime, type SimContext } from '../core/context.js';
import type { Faults } from '../faults.js';
import { matchesPattern } from './pattern.js';

/** The Lambda context object handed to handlers (the fields Powertools and middy read). */
export interface SimLambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

/** A function as the simulator runs it. */
export interface FunctionRegistration {
  name: string;
  handler: (event: never, context: SimLambdaContext) => unknown;
  /** EventBridge patterns of its rules. */
  patterns?: Array<Record<string, unknown>>;
  /** `rate(…)` schedule, seconds. */
  scheduleRateSeconds?: number;
  /** Lambda timeout, seconds (default 30). */
  timeoutSeconds?: number;
  /** Asynchronous-invocation retries (default 2). */
  retryAttempts?: number;
  /** Environment variables set for the duration of each invocation (e.g. a queue URL). */
  environment?: Record<string, string>;
}

/** One finished invocation. */
export interface InvocationRecord {
  fn: string;
  /** Seconds since the start of the run. */
  t: number;
  /** Event detail-type, 'Scheduled Event', or 'manual'. */
  trigger: string;
  attempt: number;
  outcome: 'ok' | 'error' | 'timeout';
  error?: string;
  apiCalls: number;
  /** Virtual duration (sum of API latencies), ms. */
  durationMs: number;
  result?: unknown;
}

/** The invocation in progress (read by the SDK layer for latency, kills and the clock). */
export interface Invocation {
  fn: string;
  elapsedMs: number;
  apiCalls: number;
  deadlineMs: number;
  killAfterApiCalls?: number;
  killed: boolean;
}

/** Thrown from SDK calls of an invocation that was killed (timeout or injected kill). */
export class SimInvocationKilled extends Error {
  constructor(fn: string, why: string) {
    super(`sim: invocation of ${fn} was killed (${why}); Lambda ends it here.`);
    this.name = 'SimInvocationKilled';
  }
}

/** An EventBridge event. */
export type SimEvent = {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
};

/** Registered functions, deliveries and invocation records. */
export class Lambdas {
  readonly functions = new Map<string, FunctionRegistration>();
  readonly invocations: InvocationRecord[] = [];
  current: Invocation | undefined;
  /** EventBridge → target latency, seconds. */
  eventDelaySeconds = 1;

  constructor(
    private readonly ctx: SimContext,
    private readonly faults: Faults,
  ) {}

  /** Registers a function; schedules its rate ticks. */
  register(reg: FunctionRegistration): void {
    this.functions.set(reg.name, reg);
    const rate = reg.scheduleRateSeconds;
    if (rate) {
      this.ctx.clock.every(rate, `schedule:${reg.name}`, () => {
        const { settings, clock, rng } = this.ctx;
        const event: SimEvent = {
          version: '0',
          id: rng.uuid(),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: settings.accountId,
          time: eventTime(clock.nowMs),
          region: settings.region,
          resources: [`arn:aws:events:${settings.region}:${settings.accountId}:rule/${reg.name}-schedule`],
          detail: {},
        };
        // Schedule deliveries go through the event faults too (lost, delayed, duplicated sweeps and ticks).
        const copies = this.faults.onDelivery(event, reg.name, 0);
        const now = copies.filter((d) => d <= 0).length;
        for (const delay of copies.filter((d) => d > 0)) {
          clock.after(delay, `deliver:${reg.name}`, () =>
            this.invokeWithRetries(reg, structuredClone(event), 'Scheduled Event', 0).then(() => undefined),
          );
        }
        if (now === 0) return undefined;
        return (async () => {
          for (let i = 0; i < now; i++)
            await this.invokeWithRetries(reg, structuredClone(event), 'Scheduled Event', 0);
        })();
      });
    }
  }

  /** Whether any function listens to events (lets emitters skip building payloads). */
  hasListeners(): boolean {
    for (const f of this.functions.values()) if (f.patterns?.length) return true;
    return false;
  }

  /**
   * Whether an event of this source and detail-type can match any registered pattern, judged on those
   * two fields alone (a pattern with `$or`, or non-list `source`/`detail-type`, counts as a maybe):
   * lets emitters skip building a payload no function would receive.
   */
  mayListen(source: string, detailType: string): boolean {
    for (const f of this.functions.values()) {
      for (const p of f.patterns ?? []) {
        if ('$or' in p) return true;
        const src = p.source;
        const dt = p['detail-type'];
        if (Array.isArray(src) && !matchesPattern({ source: src }, { source })) continue;
        if (Array.isArray(dt) && !matchesPattern({ 'detail-type': dt }, { 'detail-type': detailType }))
          continue;
        return true;
      }
    }
    return false;
  }

  /** Routes one event to every function with a matching pattern (with event faults applied). */
  publish(event: SimEvent): void {
    for (const reg of this.functions.values()) {
      if (!reg.patterns?.some((p) => matchesPattern(p, event))) continue;
      for (const delay of this.faults.onDelivery(event, reg.name, this.eventDelaySeconds)) {
        this.ctx.clock.after(delay, `deliver:${reg.name}`, () =>
          this.invokeWithRetries(reg, structuredClone(event), event['detail-type'], 0).then(() => undefined),
        );
      }
    }
  }

  private async invokeWithRetries(
    reg: FunctionRegistration,
    event: unknown,
    trigger: string,
    attempt: number,
  ): Promise<void> {
    const rec = await this.invoke(reg.name, event, trigger, attempt);
    if (rec.outcome !== 'ok' && attempt < (reg.retryAttempts ?? 2)) {
      this.ctx.clock.after(60 * (attempt + 1), `retry:${reg.name}`, () =>
        this.invokeWithRetries(reg, event, trigger, attempt + 1),
      );
    }
  }

  /** Invokes a registered function now and records the outcome (never throws for handler errors). */
  async invoke(name: string, event: unknown, trigger = 'manual', attempt = 0): Promise<InvocationRecord> {
    const reg = this.functions.get(name);
    if (!reg)
      throw new Error(`sim: no function '${name}' is registered; register it or load serverless.yml.`);
    if (this.current)
      throw new Error(`sim: invocation of ${name} started while ${this.current.fn} is running.`);
    const { settings, clock, rng } = this.ctx;
    const kill = this.faults.onInvocation(name);
    const timeoutMs = (kill.timeoutSeconds ?? reg.timeoutSeconds ?? 30) * 1000;
    const inv: Invocation = { fn: name, elapsedMs: 0, apiCalls: 0, deadlineMs: timeoutMs, killed: false };
    if (kill.killAfterApiCalls !== undefined) inv.killAfterApiCalls = kill.killAfterApiCalls;
    const fnName = `ecs-autoscaler-sim-${name}`;
    const context: SimLambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fnName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${settings.region}:${settings.accountId}:function:${fnName}`,
      memoryLimitInMB: '1024',
      awsRequestId: rng.uuid(),
      logGroupName: `/aws/lambda/${fnName}`,
      logStreamName: `sim/[$LATEST]${rng.hex(32)}`,
      getRemainingTimeInMillis: () => Math.max(0, inv.deadlineMs - inv.elapsedMs),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const rec: InvocationRecord = {
      fn: name,
      t: clock.elapsedSeconds,
      trigger,
      attempt,
      outcome: 'ok',
      apiCalls: 0,
      durationMs: 0,
    };
    this.current = inv;
    const saved = Object.keys(reg.environment ?? {}).map((k) => [k, process.env[k]] as const);
    // As Node's own process.env does, values are stored as strings (process.env may be a plain copy
    // during `simulate`: see cli/commands/simulate.ts).
    for (const [k, v] of Object.entries(reg.environment ?? {})) process.env[k] = String(v);
    try {
      rec.result = await reg.handler(event as never, context);
    } catch (err) {
      rec.outcome = 'error';
      rec.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      this.current = undefined;
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    if (inv.killed) {
      rec.outcome = 'timeout';
      rec.result = undefined;
    }
    rec.apiCalls = inv.apiCalls;
    rec.durationMs = inv.elapsedMs;
    this.invocations.push(rec);
    return rec;
  }

  /** Number of invocations of a function (all attempts). */
  count(name: string): number {
    return this.invocations.filter((r) => r.fn === name).length;
  }
}
