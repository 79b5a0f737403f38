/**
 * EventBridge PutEvents on the default bus, as AWS documents it (API reference "PutEvents"):
 * 1–10 entries per request; each entry needs `Source`, `DetailType` and `Detail`, and `Detail` must be
 * a JSON object; an entry larger than 256 KB is refused. Refused entries do not fail the request: the
 * answer carries `FailedEntryCount` and, per entry, `ErrorCode` / `ErrorMessage` (or an `EventId`).
 * Sources beginning with `aws.` are reserved for AWS services (InvalidArgument). Accepted events are
 * kept in {@link EventBus.events} and delivered to the functions whose rules match, like any event.
 */
import type { PutEventsCommandInput, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { SimContext } from '../core/context.js';
import { checkBatch } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';

/** Maximum size of one entry (AWS counts Source, DetailType, Detail, Resources): 256 KB. */
const MAX_ENTRY_BYTES = 256 * 1024;

/** One event accepted by PutEvents. */
export interface BusEvent {
  /** Seconds since the start of the run. */
  t: number;
  eventId: string;
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const entrySize = (e: PutEventsRequestEntry): number =>
  Buffer.byteLength(e.Source ?? '') +
  Buffer.byteLength(e.DetailType ?? '') +
  Buffer.byteLength(e.Detail ?? '') +
  (e.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);

/** The default event bus of the simulated account. */
export class EventBus {
  /** Every accepted event, in order. */
  readonly events: BusEvent[] = [];

  constructor(private readonly ctx: SimContext) {}

  /** Why an entry is refused (error code and message), or undefined. */
  private refuse(e: PutEventsRequestEntry): [string, string] | undefined {
    if (!e.Source || !e.DetailType || e.Detail === undefined) {
      return ['InvalidArgument', 'Parameters Source, DetailType and Detail are required.'];
    }
    if (e.Source.startsWith('aws.')) {
      return ['NotAuthorizedForSourceException', `Not authorized for the source ${e.Source}.`];
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      return ['MalformedDetail', 'Detail is malformed.'];
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return ['MalformedDetail', 'Detail is malformed.'];
    }
    if (entrySize(e) > MAX_ENTRY_BYTES) return ['InvalidArgument', 'Total size of the entry exceeds 256 KB.'];
    return undefined;
  }

  /** The command table (service `events`). */
  api(): CommandTable {
    return {
      PutEvents: command<PutEventsCommandInput>((input) => {
        checkBatch('events', 'PutEvents', 'Entries', input.Entries, 10, 1);
        let failed = 0;
        const entries = (input.Entries ?? []).map((e) => {
          const refused = this.refuse(e);
          if (refused) {
            failed++;
            return { ErrorCode: refused[0], ErrorMessage: refused[1] };
          }
          const event: BusEvent = {
            t: this.ctx.clock.elapsedSeconds,
            eventId: this.ctx.rng.uuid(),
            source: e.Source!,
            detailType: e.DetailType!,
            resources: [...(e.Resources ?? [])],
            detail: JSON.parse(e.Detail!) as Record<string, unknown>,
          };
          this.events.push(event);
          this.ctx.emit(event.source, event.detailType, event.resources, () => event.detail);
          return { EventId: event.eventId };
        });
        return { FailedEntryCount: failed, Entries: entries };
      }),
    };
  }
}
