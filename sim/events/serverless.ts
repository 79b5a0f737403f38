/**
 * Reads function registrations from a Serverless Framework v3 (osls) `serverless.yml`:
 * `functions.<name>.handler: functions/<dir>/handler.handler`, `timeout` (function, else provider,
 * else the framework default 6 s), `events: [{ eventBridge: { pattern } }, { schedule: 'rate(1 minute)' }]`
 * (also `{ schedule: { rate: [...] } }` and `eventBridge: { schedule }`). Variables: `${aws:accountId}`,
 * `${aws:region}`, `${self:…}` paths, and `${…, 'default'}` fallbacks are resolved, and so are the
 * CloudFormation pseudo parameters `{ Ref: AWS::AccountId }` / `{ Ref: AWS::Region }` that the project's
 * event patterns use; cron schedules are not simulated and are listed in `skipped`.
 *
 * Handlers are loaded from their TypeScript source, never from a bundle: a handler path under the build
 * folder (`.esbuild/functions/x/handler.handler`) loads `functions/x/handler.ts`, because a bundle carries
 * its own copy of the SDK, which the simulator's client mocks could not intercept.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FunctionRegistration } from './lambdas.js';

/** Options of {@link loadServerless}. */
export interface ServerlessLoadOptions {
  /** Directory handler paths are relative to (default: the file's directory). */
  root?: string;
  /** Load only these functions. */
  only?: string[];
  accountId: string;
  region: string;
  /**
   * Handlers by function name, used instead of importing the `handler` path: a bundled program (the
   * compiled CLI) imports its handlers statically and has no TypeScript sources to import.
   */
  handlers?: Record<string, FunctionRegistration['handler']>;
}

/** Parses `rate(N unit)` into seconds, or undefined for anything else. */
export const rateSeconds = (expr: string): number | undefined => {
  const m = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expr.trim());
  if (!m) return undefined;
  const unit = m[2]!.startsWith('minute') ? 60 : m[2]!.startsWith('hour') ? 3600 : 86400;
  return Number(m[1]) * unit;
};

const lookup = (doc: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      doc,
    );

/** Resolves Serverless variables in every string of `value`. */
const resolveVars = (value: unknown, doc: unknown, opts: ServerlessLoadOptions): unknown => {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, body: string) => {
      const [ref, ...rest] = body.split(',');
      const key = ref!.trim();
      let v: unknown;
      if (key === 'aws:accountId') v = opts.accountId;
      else if (key === 'aws:region') v = opts.region;
      else if (key.startsWith('self:')) v = lookup(doc, key.slice(5));
      if (v === undefined && rest.length)
        v = rest
          .join(',')
          .trim()
          .replace(/^['"]|['"]$/g, '');
      return v === undefined ? whole : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveVars(v, doc, opts));
  if (value && typeof value === 'object' && Object.keys(value).length === 1 && 'Ref' in value) {
    const ref = (value as { Ref: unknown }).Ref;
    if (ref === 'AWS::AccountId') return opts.accountId;
    if (ref === 'AWS::Region') return opts.region;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVars(v, doc, opts)]));
  }
  return value;
};

const importHandler = async (root: string, handlerPath: string): Promise<FunctionRegistration['handler']> => {
  const dot = handlerPath.lastIndexOf('.');
  const modulePath = handlerPath.slice(0, dot).replace(/^\.esbuild\//, '');
  const exportName = handlerPath.slice(dot + 1);
  let mod: Record<string, unknown> | undefined;
  let lastError: unknown;
  for (const ext of ['.ts', '.js', '.mjs']) {
    try {
      mod = (await import(resolve(root, modulePath + ext))) as Record<string, unknown>;
      break;
    } catch (err) {
      lastError = err;
    }
  }
  const fn = mod?.[exportName];
  if (typeof fn !== 'function') {
    throw new Error(
      `sim: serverless handler '${handlerPath}' could not be loaded from ${root}: ${String(lastError ?? `no export '${exportName}'`)}`,
    );
  }
  return fn as FunctionRegistration['handler'];
};

/** Parsed YAML by file text: a simulation loads the same serverless.yml for every run and twice per run. */
const parsedYaml = new Map<string, Record<string, unknown>>();

/** The file's YAML document (a fresh copy: the caller may change it). */
const readYaml = async (file: string): Promise<Record<string, unknown>> => {
  const text = await readFile(file, 'utf8');
  let doc = parsedYaml.get(text);
  if (!doc) {
    doc = parse(text) as Record<string, unknown>;
    parsedYaml.set(text, doc);
  }
  return structuredClone(doc);
};

/**
 * Loads every function (or `only` those) with its EventBridge patterns, rate schedule and timeout.
 * @throws Error naming the file and function when a handler cannot be imported.
 */
export const loadServerless = async (
  file: string,
  opts: ServerlessLoadOptions,
): Promise<{ functions: FunctionRegistration[]; skipped: string[] }> => {
  const raw = await readYaml(file);
  const doc = resolveVars(raw, raw, opts) as Record<string, unknown>;
  const root = opts.root ?? dirname(file);
  const providerTimeout = Number(lookup(doc, 'provider.timeout') ?? 6);
  const functions: FunctionRegistration[] = [];
  const skipped: string[] = [];
  for (const [name, def] of Object.entries(
    (doc.functions ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (opts.only && !opts.only.includes(name)) continue;
    const patterns: Array<Record<string, unknown>> = [];
    let rate: number | undefined;
    for (const ev of (def.events ?? []) as Array<Record<string, unknown>>) {
      const eb = ev.eventBridge as Record<string, unknown> | undefined;
      if (eb?.pattern) patterns.push(eb.pattern as Record<string, unknown>);
      const schedules = [ev.schedule, eb?.schedule].flatMap((s) => {
        if (typeof s === 'string') return [s];
        if (s && typeof s === 'object') {
          const r = (s as { rate?: unknown; enabled?: unknown }).rate;
          if ((s as { enabled?: unknown }).enabled === false) return [];
          return Array.isArray(r) ? r.map(String) : r ? [String(r)] : [];
        }
        return [];
      });
      for (const expr of schedules) {
        const sec = rateSeconds(expr);
        if (sec) rate = sec;
        else skipped.push(`${name}: ${expr}`);
      }
    }
    const reg: FunctionRegistration = {
      name,
      handler: opts.handlers?.[name] ?? (await importHandler(root, String(def.handler))),
      patterns,
      timeoutSeconds: Number(def.timeout ?? providerTimeout),
      // Lambda retries a failed asynchronous invocation twice unless maximumRetryAttempts says otherwise.
      retryAttempts: Number(def.maximumRetryAttempts ?? 2),
    };
    if (rate) reg.scheduleRateSeconds = rate;
    functions.push(reg);
  }
  return { functions, skipped };
};

/** An SQS queue declared in `resources` (CloudFormation `AWS::SQS::Queue`). */
export interface ServerlessQueue {
  logicalId: string;
  name: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  visibilityTimeout?: number;
  /** Logical id of the dead-letter queue, and the receive limit. */
  redrive?: { deadLetterLogicalId: string; maxReceiveCount: number };
}

/** A function's `sqs` event (a Lambda event source mapping). */
export interface ServerlessSqsEvent {
  functionName: string;
  queueLogicalId: string;
  batchSize?: number;
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
}

/** A CloudFormation reference a function's environment variable holds. */
export interface ServerlessEnvRef {
  functionName: string;
  variable: string;
  logicalId: string;
  /** `undefined` for `Ref`, else the `Fn::GetAtt` attribute. */
  attribute?: string;
}

const refOf = (v: unknown): { logicalId: string; attribute?: string } | undefined => {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.Ref === 'string') return { logicalId: o.Ref };
  const g = o['Fn::GetAtt'];
  if (Array.isArray(g) && typeof g[0] === 'string') return { logicalId: g[0], attribute: String(g[1]) };
  if (typeof g === 'string') {
    const [logicalId, attribute] = g.split('.');
    return { logicalId: logicalId!, ...(attribute ? { attribute } : {}) };
  }
  return undefined;
};

/**
 * The SQS queues, `sqs` events and environment references of a serverless.yml: what the simulator needs
 * to build the queues and event source mappings the deployment creates. Only inline `resources` objects
 * are read (`${file(…)}` includes hold no queues in this project).
 */
export const loadServerlessQueues = async (
  file: string,
  opts: ServerlessLoadOptions,
): Promise<{ queues: ServerlessQueue[]; sqsEvents: ServerlessSqsEvent[]; envRefs: ServerlessEnvRef[] }> => {
  const raw = await readYaml(file);
  const doc = resolveVars(raw, raw, opts) as Record<string, unknown>;
  const service = String(doc.service ?? 'service');
  const blocks = Array.isArray(doc.resources) ? doc.resources : [doc.resources];
  const queues: ServerlessQueue[] = [];
  for (const block of blocks) {
    const resources = (
      block as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }
    )?.Resources;
    for (const [logicalId, r] of Object.entries(resources ?? {})) {
      if (r?.Type !== 'AWS::SQS::Queue') continue;
      const p = r.Properties ?? {};
      const fifo = p.FifoQueue === true || p.FifoQueue === 'true';
      const redrive = p.RedrivePolicy as
        | { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
        | undefined;
      const dlq = refOf(redrive?.deadLetterTargetArn);
      queues.push({
        logicalId,
        name: typeof p.QueueName === 'string' ? p.QueueName : `${service}-${logicalId}${fifo ? '.fifo' : ''}`,
        fifo,
        contentBasedDeduplication: p.ContentBasedDeduplication === true,
        ...(p.VisibilityTimeout !== undefined ? { visibilityTimeout: Number(p.VisibilityTimeout) } : {}),
        ...(dlq
          ? {
              redrive: {
                deadLetterLogicalId: dlq.logicalId,
                maxReceiveCount: Number(redrive?.maxReceiveCount ?? 1),
              },
            }
          : {}),
      });
    }
  }
  const sqsEvents: ServerlessSqsEvent[] = [];
  const envRefs: ServerlessEnvRef[] = [];
  for (const [name, def] of Object.entries(
    (doc.functions ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (opts.only && !opts.only.includes(name)) continue;
    for (const ev of (def.events ?? []) as Array<Record<string, unknown>>) {
      const sqs = ev.sqs as Record<string, unknown> | undefined;
      const ref = refOf(sqs?.arn);
      if (!sqs || !ref) continue;
      sqsEvents.push({
        functionName: name,
        queueLogicalId: ref.logicalId,
        ...(sqs.batchSize !== undefined ? { batchSize: Number(sqs.batchSize) } : {}),
        ...(sqs.maximumConcurrency !== undefined
          ? { maximumConcurrency: Number(sqs.maximumConcurrency) }
          : {}),
        reportBatchItemFailures: sqs.functionResponseType === 'ReportBatchItemFailures',
      });
    }
    for (const [variable, value] of Object.entries((def.environment ?? {}) as Record<string, unknown>)) {
      const ref = refOf(value);
      if (ref) envRefs.push({ functionName: name, variable, ...ref });
    }
  }
  return { queues, sqsEvents, envRefs };
};

/** Default location of the project's serverless.yml (repository root). */
export const defaultServerlessPath = (): string => join(process.cwd(), 'serverless.yml');
