/**
 * Per-cluster configuration from the managed ASG's tags, parsed with zod.
 *
 * Two kinds of `ecs-autoscaler:*` tags live on the ASG:
 * - settings an operator writes ({@link POLICY_TAGS}); a bad value is a {@link ConfigurationError} naming
 *   the tag, the value and the allowed values, and the cluster is skipped — never scaled on a guess;
 * - state the scaler writes itself ({@link STATE_TAGS}): when it last scaled out / in and which instances
 *   it is draining. That is the scaler's only memory (no database): the snapshot carries the ASG's tags, so
 *   the planner reads them purely.
 *
 * Unknown `ecs-autoscaler:*` keys are rejected too: a typo ("headroom-task") would otherwise be ignored
 * silently and the cluster scaled with a default the operator meant to change.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { DrainTags } from '../drain/config.js';
import { ConfigurationError } from '../errors.js';
import type { AsgTag, AutoScalingGroup } from '../snapshot/snapshot.js';
import type { ClusterPolicy } from './policy.js';

/** The prefix of every tag the autoscaler reads or writes. */
export const TAG_PREFIX = 'ecs-autoscaler:';

/** A zod schema for a tag value plus the human text of what it allows. */
export interface SettingSpec {
  tag: string;
  /** The env var (serverless.yml param) that sets the default; absent: tag only. */
  env?: string;
  allowed: string;
  schema: z.ZodMiniType<number | boolean>;
}

const integer = (min: number, max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.trim()).check(z.regex(/^\d+$/)), z.transform(Number)),
    z.int().check(z.minimum(min), z.maximum(max)),
  );
const word = <T extends string>(yes: T, no: T) =>
  z.pipe(
    z.pipe(z.string().check(z.trim()).check(z.toLowerCase()), z.enum([yes, no])),
    z.transform((v) => v === yes),
  );

/** Operator settings: tag, default env var, allowed values. Durations are whole seconds. */
export const POLICY_TAGS = {
  headroomTasks: {
    tag: 'ecs-autoscaler:headroom-tasks',
    env: 'DEFAULT_HEADROOM_TASKS',
    allowed: 'an integer 0..100',
    schema: integer(0, 100),
  },
  scaleInEnabled: {
    tag: 'ecs-autoscaler:scale-in',
    env: 'DEFAULT_SCALE_IN',
    allowed: 'enabled or disabled',
    schema: word('enabled', 'disabled'),
  },
  maxStep: {
    tag: 'ecs-autoscaler:max-step',
    env: 'DEFAULT_MAX_STEP',
    allowed: 'an integer 1..100',
    schema: integer(1, 100),
  },
  scaleOutCooldownSeconds: {
    tag: 'ecs-autoscaler:scale-out-cooldown',
    env: 'DEFAULT_SCALE_OUT_COOLDOWN',
    allowed: 'whole seconds 0..3600',
    schema: integer(0, 3600),
  },
  scaleInCooldownSeconds: {
    tag: 'ecs-autoscaler:scale-in-cooldown',
    env: 'DEFAULT_SCALE_IN_COOLDOWN',
    allowed: 'whole seconds 60..86400',
    schema: integer(60, 86400),
  },
  bootTimeoutSeconds: {
    tag: 'ecs-autoscaler:boot-timeout',
    env: 'DEFAULT_BOOT_TIMEOUT',
    allowed: 'whole seconds 60..3600',
    schema: integer(60, 3600),
  },
  scaleOutBackoffSeconds: {
    tag: 'ecs-autoscaler:scale-out-backoff',
    env: 'DEFAULT_SCALE_OUT_BACKOFF',
    allowed: 'whole seconds 0..86400',
    schema: integer(0, 86400),
  },
  haltUnhealthyPercent: {
    tag: 'ecs-autoscaler:halt-unhealthy-percent',
    env: 'DEFAULT_HALT_UNHEALTHY_PERCENT',
    allowed: 'an integer 1..100 (100 disables the halt)',
    schema: integer(1, 100),
  },
  instanceCpu: {
    tag: 'ecs-autoscaler:instance-cpu',
    allowed: 'CPU units of one instance as ECS registers them, an integer 128..1048576 (1 vCPU = 1024)',
    schema: integer(128, 1_048_576),
  },
  instanceMemory: {
    tag: 'ecs-autoscaler:instance-memory',
    allowed: 'MiB of one instance as ECS registers them, an integer 256..33554432',
    schema: integer(256, 33_554_432),
  },
  dryRun: {
    tag: 'ecs-autoscaler:dry-run',
    allowed: 'true or false',
    schema: word('true', 'false'),
  },
  foreignDrainGraceSeconds: {
    tag: 'ecs-autoscaler:foreign-drain-grace',
    allowed: 'whole seconds 60..604800',
    schema: integer(60, 604_800),
  },
  disconnectedGraceSeconds: {
    tag: 'ecs-autoscaler:disconnected-grace',
    allowed: 'whole seconds 60..86400',
    schema: integer(60, 86_400),
  },
  replaceDisconnected: {
    tag: 'ecs-autoscaler:replace-disconnected',
    allowed: 'true or false',
    schema: word('true', 'false'),
  },
  predictiveHeadroom: {
    tag: 'ecs-autoscaler:predictive-headroom',
    allowed: 'enabled or disabled',
    schema: word('enabled', 'disabled'),
  },
  scaleInUnneededSeconds: {
    tag: 'ecs-autoscaler:scale-in-unneeded-time',
    allowed: 'whole seconds 0..86400',
    schema: integer(0, 86_400),
  },
  maxDrainSeconds: {
    tag: 'ecs-autoscaler:max-drain-time',
    allowed: 'whole seconds 60..172800 (48 h, the lifecycle-hook limit)',
    schema: integer(60, 172_800),
  },
} as const satisfies Record<keyof ClusterPolicy, SettingSpec>;

/** The tag that opts an ASG (and so its cluster) in; its value is the ECS cluster name. */
export const CLUSTER_TAG_KEY = 'ecs-autoscaler:cluster';

/** Tags the scaler writes (CreateOrUpdateTags) to remember its own actions. */
export const STATE_TAGS = {
  lastScaleOut: 'ecs-autoscaler:last-scale-out',
  lastScaleIn: 'ecs-autoscaler:last-scale-in',
  draining: 'ecs-autoscaler:draining',
  /** When the scaler first saw desired capacity the ASG had not launched (group-state.ts); '' none. */
  unlaunchedSince: 'ecs-autoscaler:unlaunched-since',
  /** How many members were not registered with ECS, since when (`count@epoch seconds`; group-state.ts). */
  unregistered: 'ecs-autoscaler:unregistered',
  /** An AZ the group's launches went around (EC2 out of capacity there), since when (`az@epoch seconds`; short-az.ts). */
  shortAz: 'ecs-autoscaler:short-az',
  /** Scale-in pacing: how many instances have been removable since when (unneeded.ts). */
  unneeded: 'ecs-autoscaler:unneeded',
  /** Predictive headroom: demand per ten-minute slot of the day (predictive.ts), two halves. */
  demandHistory0: 'ecs-autoscaler:demand-history-0',
  demandHistory1: 'ecs-autoscaler:demand-history-1',
} as const;

/** ECS cluster names: up to 255 letters, digits, hyphens and underscores (CreateCluster). */
export const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Every `ecs-autoscaler:*` key an ASG may carry: the scaler's own settings and state, and the drainer's
 * settings (one group serves both functions, so each must accept the other's tags).
 */
/**
 * Issue 13: ranks the groups of a cluster — scale-out prefers the lowest number, scale-in takes the
 * highest first (docs/fleets.md). An integer 0..1000; untagged groups come after tagged ones.
 */
export const PRIORITY_TAG_KEY = 'ecs-autoscaler:priority';

const KNOWN_TAGS = new Set<string>([
  CLUSTER_TAG_KEY,
  PRIORITY_TAG_KEY,
  ...Object.values(POLICY_TAGS).map((s) => s.tag),
  ...Object.values(STATE_TAGS),
  ...Object.values(DrainTags),
]);

/** The scaler's memory, read from {@link STATE_TAGS}. Times in epoch milliseconds. */
export interface ScalingState {
  lastScaleOutMs: number | undefined;
  lastScaleInMs: number | undefined;
  /** EC2 instance ids the scaler set DRAINING for a targeted scale-in, not yet terminated. */
  draining: string[];
  /** Since when desired capacity has been above what the ASG launched (undefined: it was not). */
  unlaunchedMs?: number | undefined;
  /**
   * How many members were not registered with ECS, and since when the scaler counts them as launched
   * (undefined: none were). Dates the launches the ASG makes on its own (group-state.ts).
   */
  unregistered?: Unregistered | undefined;
  /** The AZ the group's last launches went around, and when that was seen (short-az.ts). */
  shortAz?: { az: string; ms: number } | undefined;
}

/** Unregistered members: how many, since when (epoch milliseconds). */
export interface Unregistered {
  count: number;
  ms: number;
}

/** A tag's value (undefined: no such tag). */
export const tagValue = (tags: readonly AsgTag[], key: string): string | undefined =>
  tags.find((t) => t.Key === key)?.Value;

const isoTime = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((v) => Date.parse(v)),
);
const countAt = z.pipe(
  z.string().check(z.regex(/^\d{1,6}@\d{1,12}$/)),
  z.transform((v): Unregistered => {
    const [count, at] = v.split('@');
    return { count: Number(count), ms: 1000 * Number(at) };
  }),
);
const azAt = z.pipe(
  z.string().check(z.regex(/^[a-z0-9-]{4,40}@\d{1,12}$/)),
  z.transform((v) => {
    const [az, at] = v.split('@');
    return { az: az!, ms: 1000 * Number(at) };
  }),
);
const instanceIds = z.pipe(
  z.pipe(
    z.string().check(z.trim()),
    z.transform((v) => (v === '' ? [] : v.split(',').map((s) => s.trim()))),
  ),
  z.array(z.string().check(z.regex(/^i-[0-9a-f]{8,17}$/))),
);

/**
 * Reads the scaler's state tags.
 * @throws ConfigurationError naming a state tag whose value is not what the scaler writes.
 */
export const readScalingState = (tags: readonly AsgTag[], group = 'the ASG'): ScalingState => {
  const parse = <T>(key: string, schema: z.ZodMiniType<T>, allowed: string): T | undefined => {
    const raw = tagValue(tags, key);
    // An empty state tag is no state (the scaler clears a tag by writing '').
    if (!raw) return undefined;
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    throw new ConfigurationError(
      `ASG '${group}': tag ${key}='${raw}' is not ${allowed}. The scaler writes this tag itself; delete it ` +
        'to reset (the next decision then waits one scale-in cooldown).',
    );
  };
  return {
    lastScaleOutMs: parse(STATE_TAGS.lastScaleOut, isoTime, 'an ISO-8601 timestamp'),
    lastScaleInMs: parse(STATE_TAGS.lastScaleIn, isoTime, 'an ISO-8601 timestamp'),
    draining: parse(STATE_TAGS.draining, instanceIds, 'a comma-separated list of EC2 instance ids') ?? [],
    unlaunchedMs: parse(STATE_TAGS.unlaunchedSince, isoTime, 'an ISO-8601 timestamp'),
    unregistered: parse(STATE_TAGS.unregistered, countAt, 'count@epoch-seconds (e.g. 2@1733212345)'),
    shortAz: parse(STATE_TAGS.shortAz, azAt, 'az@epoch-seconds (e.g. us-east-1c@1733212345)'),
  };
};

/**
 * Resolves one managed ASG's policy: each setting from its tag, else from `defaults`. Also validates the
 * cluster tag and the state tags, so a cluster that passes here is planned on known values only.
 *
 * @throws ConfigurationError listing every bad tag: its value, the allowed values, and what to do.
 */
export const resolveClusterPolicy = (group: AutoScalingGroup, defaults: ClusterPolicy): ClusterPolicy => {
  const name = group.AutoScalingGroupName;
  const problems: string[] = [];
  const policy: ClusterPolicy = { ...defaults };
  const cluster = tagValue(group.Tags, CLUSTER_TAG_KEY);
  if (cluster === undefined || !CLUSTER_NAME.test(cluster)) {
    problems.push(
      `tag ${CLUSTER_TAG_KEY}='${cluster ?? ''}' must be the ECS cluster name (1-255 letters, digits, - or _)`,
    );
  }
  for (const [key, spec] of Object.entries(POLICY_TAGS) as [keyof ClusterPolicy, SettingSpec][]) {
    const raw = tagValue(group.Tags, spec.tag);
    if (raw === undefined) continue;
    const r = spec.schema.safeParse(raw);
    if (r.success) (policy as unknown as Record<string, unknown>)[key] = r.data;
    else problems.push(`tag ${spec.tag}='${raw}' is invalid; allowed: ${spec.allowed}`);
  }
  for (const t of group.Tags) {
    if (t.Key.startsWith(TAG_PREFIX) && !KNOWN_TAGS.has(t.Key)) {
      problems.push(`tag ${t.Key} is unknown; known tags: ${[...KNOWN_TAGS].join(', ')}`);
    }
  }
  const priority = tagValue(group.Tags, PRIORITY_TAG_KEY);
  if (priority !== undefined && !/^(1000|[1-9]?\d{1,2})$/.test(priority.trim())) {
    problems.push(
      `tag ${PRIORITY_TAG_KEY}='${priority}' is invalid; allowed: an integer 0..1000 (lower grows first)`,
    );
  }
  try {
    readScalingState(group.Tags, name);
  } catch (e) {
    problems.push((e as Error).message.replace(`ASG '${name}': `, ''));
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `ASG '${name}' is not scaled until its tags are fixed: ${problems.join('; ')}. ` +
        'See docs/cluster-scaler.md "Tags".',
    );
  }
  return policy;
};
