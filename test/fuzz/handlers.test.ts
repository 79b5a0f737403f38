/**
 * Fuzzing every Lambda handler (functions/<name>/handler.ts) with bad input: arbitrary JSON, and the real
 * events of events/ with one field removed, retyped or oversized (fast-check).
 *
 * Every AWS call is answered by a permissive fake account (test/fuzz/permissive-account.ts): reads say the
 * resources an event names exist, are managed and are ready to act on, so a handler that let a bad event
 * through would reach its writes. Properties:
 * - no input crashes a handler with an unexpected error (TypeError and the like): every failure is one
 *   of the project's error classes, or a result with a status;
 * - an input the handler rejects (InvalidEventError / ConfigurationError, or status `invalid-event` /
 *   `configuration-error`) gets a message that says what is wrong, and NO mutating command was sent;
 * - and, so that the last property can fail: the unmodified sample events of at least one handler DO
 *   lead to writes in that account.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setEmfSink } from '../../shared/runtime/metrics.js';
import { arbitraryEvent, loadEvents, mutatedEvent } from './mutations.js';
import { permissiveAccount } from './permissive-account.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const names = readdirSync('functions').filter((n) =>
  readdirSync(join('functions', n)).includes('handler.ts'),
);
let account: ReturnType<typeof permissiveAccount>;

const context = {
  functionName: 'fuzz',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fuzz',
  memoryLimitInMB: '512',
  awsRequestId: 'fuzz-request',
  logGroupName: '/aws/lambda/fuzz',
  logStreamName: 'fuzz',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const writes = (): string[] => account.writes();

type Handler = (event: unknown, ctx: unknown) => Promise<unknown>;

const KNOWN_ERRORS = new Set([
  'InvalidEventError',
  'ConfigurationError',
  'NotFoundError',
  'TransientAwsError',
  'AwsRejectedError',
]);

/** Invokes once and checks the properties; returns whether the input was rejected. */
const check = async (name: string, handler: Handler, event: unknown): Promise<boolean> => {
  account.resetHistory();
  let result: unknown;
  let error: Error | undefined;
  try {
    result = await handler(structuredClone(event), context);
  } catch (e) {
    error = e as Error;
  }
  if (error && !KNOWN_ERRORS.has(error.name)) {
    throw new Error(
      `${name} crashed on ${JSON.stringify(event).slice(0, 300)}: ${error.name}: ${error.message}`,
    );
  }
  const status = (result as { status?: string } | undefined)?.status;
  const rejected =
    error?.name === 'InvalidEventError' ||
    error?.name === 'ConfigurationError' ||
    status === 'invalid-event' ||
    status === 'configuration-error';
  if (rejected) {
    const message = error?.message ?? (result as { message?: string }).message ?? '';
    expect(message.length, `${name}: rejection without a message`).toBeGreaterThan(15);
    expect(message).not.toMatch(/\[object Object\]/);
    expect(writes(), `${name} wrote to AWS on a rejected event`).toEqual([]);
  }
  return rejected;
};

// Metrics go to a sink that drops them; the "no metrics" warning of empty invocations is not wanted here.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

beforeAll(() => {
  setEmfSink(() => undefined);
  account = permissiveAccount();
});
afterAll(() => {
  setEmfSink(undefined);
  account.restore();
});

const events = loadEvents();

describe.each(names)('fuzz %s', (name) => {
  let handler: Handler;
  beforeAll(async () => {
    const file = pathToFileURL(join(process.cwd(), 'functions', name, 'handler.ts')).href;
    handler = ((await import(/* @vite-ignore */ file)) as { handler: Handler }).handler;
  });

  it('handles arbitrary JSON without crashing and without writing when it rejects it', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryEvent, async (event) => {
        if (await check(name, handler, event)) rejected++;
      }),
      { numRuns: RUNS, seed: 8 },
    );
    expect(rejected).toBeGreaterThan(0);
  });

  it('rejects real events with a field removed, retyped or oversized, writing nothing', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(mutatedEvent(events), async ({ event }) => {
        if (await check(name, handler, event)) rejected++;
      }),
      { numRuns: RUNS, seed: 8 },
    );
    // Most mutations break an event this handler takes, or hit an event it does not take at all.
    expect(rejected).toBeGreaterThan(RUNS / 4);
  });
});

describe('the fuzz account lets valid events act', () => {
  it('the unmodified drain events write (so "rejected events write nothing" can fail)', async () => {
    const file = pathToFileURL(join(process.cwd(), 'functions', 'instance-drainer', 'handler.ts')).href;
    const drainer = ((await import(/* @vite-ignore */ file)) as { handler: Handler }).handler;
    const valid = events.filter((e) =>
      /terminate-lifecycle-action\.json$|spot-instance-interruption-warning\.json$/.test(e.name),
    );
    expect(valid.length).toBeGreaterThan(0);
    for (const { event } of valid) {
      account.resetHistory();
      await drainer(structuredClone(event), context);
      expect(writes(), JSON.stringify(event).slice(0, 120)).not.toEqual([]);
    }
  });
});
