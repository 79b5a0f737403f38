/**
 * Seeded fault injection. API faults apply per call (by service and/or command); event faults per
 * delivery to a function; invocation faults kill a handler invocation mid-way (after N API calls, or
 * at a virtual timeout). Each fault may be limited by probability, count and a time window
 * (seconds since the start of the run).
 */
import { awsError, type SdkLikeError, type SimServiceName } from './core/aws-error.js';
import type { Rng } from './core/random.js';

interface Window {
  /** 0–1, default 1. */
  probability?: number;
  /** Maximum number of times it fires (default unlimited). */
  count?: number;
  fromSeconds?: number;
  untilSeconds?: number;
}

/** An API fault. `partial-failure` applies to ECS Describe* calls (items moved to `failures`). */
export interface ApiFault extends Window {
  service?: SimServiceName;
  command?: string;
  kind: 'throttle' | 'server-error' | 'latency' | 'partial-failure';
  /** For `latency`: virtual milliseconds added to the call. */
  latencyMs?: number;
  /** Override the error name (e.g. 'ServiceUnavailable'). */
  errorName?: string;
  /** Override the HTTP status of `server-error` (default 500; ServiceUnavailable 503). */
  status?: number;
  /** For `partial-failure`: the failure reason (default MISSING) and the share of items affected (default 0.5, at least one). */
  reason?: string;
  share?: number;
}

/** An event-delivery fault. */
export interface EventFault extends Window {
  source?: string;
  detailType?: string;
  /** Restrict to deliveries to this function. */
  function?: string;
  kind: 'lose' | 'duplicate' | 'delay' | 'reorder';
  /** `delay`: extra seconds (default 60). `reorder`: random extra delay in [0, delaySeconds) (default 30). */
  delaySeconds?: number;
}

/** An invocation fault: the invocation dies after `killAfterApiCalls` calls or at `timeoutSeconds` of virtual time. */
export interface InvocationFault extends Window {
  function?: string;
  killAfterApiCalls?: number;
  timeoutSeconds?: number;
}

const throttleName: Record<SimServiceName, string> = {
  ecs: 'ThrottlingException',
  autoscaling: 'Throttling',
  'application-autoscaling': 'ThrottlingException',
  cloudwatch: 'Throttling',
  events: 'ThrottlingException',
  ssm: 'ThrottlingException',
  sqs: 'RequestThrottled',
  ec2: 'RequestLimitExceeded',
};
const serverErrorName: Record<SimServiceName, string> = {
  ecs: 'ServerException',
  autoscaling: 'InternalFailure',
  'application-autoscaling': 'InternalServiceException',
  cloudwatch: 'InternalServiceFault',
  events: 'InternalException',
  ssm: 'InternalServerError',
  sqs: 'InternalError',
  ec2: 'InternalError',
};

/** What happens to one API call. */
export interface CallEffect {
  latencyMs: number;
  error?: SdkLikeError;
  partial?: { reason: string; share: number };
}

/** The fault registry of one simulator. */
export class Faults {
  private readonly apiFaults: Array<ApiFault & { fired: number }> = [];
  private readonly eventFaults: Array<EventFault & { fired: number }> = [];
  private readonly invocationFaults: Array<InvocationFault & { fired: number }> = [];

  constructor(
    private readonly rng: Rng,
    private readonly elapsedSeconds: () => number,
  ) {}

  /** Adds an API fault. */
  api(f: ApiFault): this {
    this.apiFaults.push({ ...f, fired: 0 });
    return this;
  }

  /** Adds an event-delivery fault. */
  events(f: EventFault): this {
    this.eventFaults.push({ ...f, fired: 0 });
    return this;
  }

  /** Adds an invocation fault. */
  invocations(f: InvocationFault): this {
    this.invocationFaults.push({ ...f, fired: 0 });
    return this;
  }

  /** Removes every fault. */
  clear(): void {
    this.apiFaults.length = 0;
    this.eventFaults.length = 0;
    this.invocationFaults.length = 0;
  }

  private fires(f: Window & { fired: number }): boolean {
    const t = this.elapsedSeconds();
    if (f.count !== undefined && f.fired >= f.count) return false;
    if (f.fromSeconds !== undefined && t < f.fromSeconds) return false;
    if (f.untilSeconds !== undefined && t >= f.untilSeconds) return false;
    if (!this.rng.chance(f.probability ?? 1)) return false;
    f.fired++;
    return true;
  }

  /** Decides the effect of one call. */
  onCall(service: SimServiceName, command: string): CallEffect {
    const effect: CallEffect = { latencyMs: 0 };
    for (const f of this.apiFaults) {
      if ((f.service && f.service !== service) || (f.command && f.command !== command)) continue;
      if (f.kind === 'partial-failure' && !(service === 'ecs' && command.startsWith('Describe'))) continue;
      if (!this.fires(f)) continue;
      if (f.kind === 'latency') effect.latencyMs += f.latencyMs ?? 1000;
      else if (f.kind === 'partial-failure')
        effect.partial = { reason: f.reason ?? 'MISSING', share: f.share ?? 0.5 };
      else if (!effect.error) {
        effect.error =
          f.kind === 'throttle'
            ? awsError(service, f.errorName ?? throttleName[service], 'Rate exceeded', f.status ?? 400)
            : awsError(
                service,
                f.errorName ?? serverErrorName[service],
                'We encountered an internal error. Please try again.',
                f.status ?? (f.errorName === 'ServiceUnavailable' ? 503 : 500),
              );
      }
    }
    return effect;
  }

  /** Delays (seconds) of each copy of one delivery; empty means lost. */
  onDelivery(event: { source: string; 'detail-type': string }, fn: string, baseDelay: number): number[] {
    let copies = [baseDelay];
    for (const f of this.eventFaults) {
      if ((f.source && f.source !== event.source) || (f.detailType && f.detailType !== event['detail-type']))
        continue;
      if (f.function && f.function !== fn) continue;
      if (!this.fires(f)) continue;
      if (f.kind === 'lose') copies = [];
      else if (f.kind === 'duplicate') copies = [...copies, ...copies.map((d) => d + this.rng.between(0, 5))];
      else if (f.kind === 'delay') copies = copies.map((d) => d + (f.delaySeconds ?? 60));
      else copies = copies.map((d) => d + this.rng.between(0, f.delaySeconds ?? 30));
    }
    return copies;
  }

  /** Kill settings for one invocation of `fn`. */
  onInvocation(fn: string): { killAfterApiCalls?: number; timeoutSeconds?: number } {
    const out: { killAfterApiCalls?: number; timeoutSeconds?: number } = {};
    for (const f of this.invocationFaults) {
      if (f.function && f.function !== fn) continue;
      if (!this.fires(f)) continue;
      if (f.killAfterApiCalls !== undefined) out.killAfterApiCalls = f.killAfterApiCalls;
      if (f.timeoutSeconds !== undefined) out.timeoutSeconds = f.timeoutSeconds;
    }
    return out;
  }
}
