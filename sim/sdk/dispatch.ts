/**
 * Executes API commands as AWS would: invocation kills and virtual latency, injected faults, the
 * command tables (limits and errors live there), action logging, partial failures and `$metadata`.
 */
import { SimNotImplementedError, type SimServiceName } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { type CommandTable, isWriteCommand } from '../core/registry.js';
import { type Lambdas, SimInvocationKilled } from '../events/lambdas.js';
import type { Faults } from '../faults.js';
import type { Timeline } from '../observe/timeline.js';
import { applyPartialFailure, compact, compactAnswer } from './responses.js';

/** Routes calls to the command tables; counts calls by `service:Command`. */
export class ApiDispatcher {
  /** API calls by `service:Command` (reads and writes, including failed ones). */
  readonly apiCalls = new Map<string, number>();
  private requestSeq = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly tables: Record<SimServiceName, CommandTable>,
    private readonly lambdas: Lambdas,
    private readonly faults: Faults,
    private readonly timeline: Timeline,
    /** Virtual time each call takes inside an invocation, ms. */
    private readonly apiLatencyMs: number,
    /** Deep-freeze each answer (debug: proves callers never change what they are given). */
    private readonly freezeAnswers = false,
  ) {}

  /**
   * Executes one command.
   * @throws the SDK-like error AWS would return, SimNotImplementedError, or SimInvocationKilled.
   */
  async call(
    service: SimServiceName,
    command: string,
    input: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const inv = this.lambdas.current;
    if (inv?.killed) throw new SimInvocationKilled(inv.fn, 'already killed');
    if (inv && inv.killAfterApiCalls !== undefined && inv.apiCalls >= inv.killAfterApiCalls) {
      inv.killed = true;
      throw new SimInvocationKilled(inv.fn, `injected kill after ${inv.killAfterApiCalls} API calls`);
    }
    const effect = this.faults.onCall(service, command);
    if (inv) {
      inv.apiCalls++;
      inv.elapsedMs += this.apiLatencyMs + effect.latencyMs;
      if (inv.elapsedMs > inv.deadlineMs) {
        inv.killed = true;
        throw new SimInvocationKilled(inv.fn, `timeout after ${inv.deadlineMs / 1000} s`);
      }
    }
    const key = `${service}:${command}`;
    this.apiCalls.set(key, (this.apiCalls.get(key) ?? 0) + 1);
    const write = isWriteCommand(command);
    const record = (error?: string) => {
      if (!write) return;
      this.timeline.actions.push({
        t: this.ctx.clock.elapsedSeconds,
        service,
        command,
        ...(inv ? { fn: inv.fn } : {}),
        input: compact(input) as Record<string, unknown>,
        ...(error ? { error } : {}),
      });
    };
    if (effect.error) {
      record(effect.error.name);
      throw effect.error;
    }
    const impl = this.tables[service][command];
    if (!impl) throw new SimNotImplementedError(service, command);
    let out: Record<string, unknown>;
    try {
      out = compactAnswer(impl(input)) as Record<string, unknown>;
    } catch (err) {
      record(err instanceof Error ? err.name : String(err));
      throw err;
    }
    record();
    if (effect.partial) applyPartialFailure(command, out, effect.partial, this.ctx.rng);
    const answer = {
      ...out,
      $metadata: {
        httpStatusCode: 200,
        requestId: `sim-${++this.requestSeq}`,
        attempts: 1,
        totalRetryDelay: 0,
      },
    };
    return this.freezeAnswers ? deepFreeze(answer) : answer;
  }
}

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};
