/**
 * Drain settings of one Auto Scaling group, read from its `ecs-autoscaler:*` tags over the function's
 * environment. Pure: tags and environment values are arguments.
 *
 * Tags (on the ASG):
 * - `ecs-autoscaler:cluster=<ECS cluster name>` — opts the group in; without it the group is unmanaged.
 * - `ecs-autoscaler:dry-run=true|false` — log the plan, write nothing.
 * - `ecs-autoscaler:max-drain-time=<seconds>` — longest drain before the lifecycle action is completed anyway.
 * - `ecs-autoscaler:drain-hook=<hook name>` — which terminate hook to complete when the group has several.
 */
import { ConfigurationError } from '../errors.js';

/** Tag keys the drainer reads on an Auto Scaling group. */
export const DrainTags = {
  cluster: 'ecs-autoscaler:cluster',
  dryRun: 'ecs-autoscaler:dry-run',
  maxDrainTime: 'ecs-autoscaler:max-drain-time',
  drainHook: 'ecs-autoscaler:drain-hook',
  /**
   * State, written by the drainer (issue 19): epoch seconds of the latest Spot interruption warning of a
   * member. The sweeper's Spot watch lists the group's cluster only while it is there, and removes it
   * once no warned container instance is left.
   */
  spotWarnedAt: 'ecs-autoscaler:spot-warned-at',
} as const;

/**
 * Container-instance attribute marking a Spot interruption warning (epoch seconds), written by the drainer
 * with the drain start. The sweeper lists ACTIVE container instances carrying it and sets them DRAINING
 * again until they are gone (the reclaim deregisters them); the cluster scaler never counts a DRAINING
 * instance carrying it as its own drain to undo. Spot instances never go to a warm pool, so the mark
 * cannot come back on a reused instance.
 */
export const SPOT_WARNING_ATTRIBUTE = 'ecs-autoscaler.spot-warned-at';

/**
 * The Spot-warning tag's value: `<epoch seconds>` of the latest warning, then, space-separated, the EC2
 * ids of warned members whose agent had not registered yet (`i-a,i-b`): the sweeper drains each once it
 * registers. At most {@link SPOT_PENDING_MAX} ids (a tag value holds 256 characters), the latest kept.
 */
export interface SpotWarned {
  since: number;
  pending: string[];
}

/** How many not-yet-registered warned instances one group's tag remembers. */
export const SPOT_PENDING_MAX = 12;

/** Reads the Spot-warning tag (a bare epoch — the older form — has no pending ids). */
export const parseSpotWarned = (value: string | undefined): SpotWarned => {
  const [epoch, ids] = (value ?? '').trim().split(/\s+/, 2);
  return {
    since: Number(epoch) || 0,
    pending: (ids ?? '').split(',').filter((id) => /^i-[0-9a-f]+$/.test(id)),
  };
};

/** Writes the Spot-warning tag's value. */
export const formatSpotWarned = ({ since, pending }: SpotWarned): string => {
  const ids = [...new Set(pending)].slice(-SPOT_PENDING_MAX);
  return ids.length > 0 ? `${since} ${ids.join(',')}` : String(since);
};

/**
 * Default maximum drain time, seconds (1 h). Long enough for a replacement instance to boot, tasks to
 * start and pass health checks, and a 300 s load-balancer deregistration delay (the ALB default);
 * short enough that a replacement that cannot start does not hold an instance for the lifecycle hook's
 * 48 h absolute limit.
 */
export const DEFAULT_MAX_DRAIN_SECONDS = 3600;
/** Smallest accepted maximum drain time, seconds: below one sweep interval the limit cannot be honoured. */
export const MIN_MAX_DRAIN_SECONDS = 60;
/** Largest accepted maximum drain time, seconds: a lifecycle hook can never wait longer than 48 h. */
export const MAX_MAX_DRAIN_SECONDS = 172_800;

/** The drainer's environment variables, as raw strings (the handler passes them in). */
export interface DrainEnvironment {
  /** `DRY_RUN`: `true` makes every group dry-run. */
  DRY_RUN?: string | undefined;
  /** `MAX_DRAIN_SECONDS`: the default maximum drain time for groups without the tag. */
  MAX_DRAIN_SECONDS?: string | undefined;
}

/** Global settings from the environment. */
export interface DrainDefaults {
  dryRun: boolean;
  /** Seconds. */
  maxDrainSeconds: number;
}

/** Settings of one managed group. */
export interface DrainSettings {
  asgName: string;
  /** ECS cluster name (not ARN). */
  cluster: string;
  dryRun: boolean;
  /** Seconds. */
  maxDrainSeconds: number;
  /** Terminate hook to complete, when the group names one. */
  hookName?: string;
}

/** A tag as Auto Scaling returns it. */
export interface TagLike {
  Key?: string | undefined;
  Value?: string | undefined;
}

const parseBoolean = (raw: string, what: string): boolean => {
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigurationError(`${what} is '${raw}'; allowed values: true, false.`);
};

const parseSeconds = (raw: string, what: string): number => {
  const value = raw.trim();
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_MAX_DRAIN_SECONDS || seconds > MAX_MAX_DRAIN_SECONDS) {
    throw new ConfigurationError(
      `${what} is '${raw}'; allowed values: a whole number of seconds from ${MIN_MAX_DRAIN_SECONDS} to ` +
        `${MAX_MAX_DRAIN_SECONDS} (48 h, the lifecycle-hook limit).`,
    );
  }
  return seconds;
};

/**
 * Reads the global settings.
 *
 * @throws ConfigurationError naming the variable and its allowed values.
 */
export const resolveDrainDefaults = (env: DrainEnvironment): DrainDefaults => ({
  dryRun: env.DRY_RUN === undefined || env.DRY_RUN === '' ? false : parseBoolean(env.DRY_RUN, 'DRY_RUN'),
  maxDrainSeconds:
    env.MAX_DRAIN_SECONDS === undefined || env.MAX_DRAIN_SECONDS === ''
      ? DEFAULT_MAX_DRAIN_SECONDS
      : parseSeconds(env.MAX_DRAIN_SECONDS, 'MAX_DRAIN_SECONDS'),
});

/** The value of tag `key`, if present. */
export const tagValue = (tags: readonly TagLike[], key: string): string | undefined =>
  tags.find((tag) => tag.Key === key)?.Value;

/**
 * Settings of a group, or `undefined` when the group is unmanaged (no `ecs-autoscaler:cluster` tag).
 * A global `DRY_RUN=true` wins over `ecs-autoscaler:dry-run=false`: the safer setting always wins.
 *
 * @throws ConfigurationError naming the group, the tag and its allowed values.
 */
export const resolveDrainSettings = (
  asgName: string,
  tags: readonly TagLike[],
  defaults: DrainDefaults,
): DrainSettings | undefined => {
  const cluster = tagValue(tags, DrainTags.cluster);
  if (cluster === undefined) return undefined;
  const where = (tag: string) => `Auto Scaling group '${asgName}': tag ${tag}`;
  if (cluster.trim() === '') {
    throw new ConfigurationError(
      `${where(DrainTags.cluster)} is empty; set it to the ECS cluster name or remove it to unmanage the group.`,
    );
  }
  const dryRunTag = tagValue(tags, DrainTags.dryRun);
  const maxTag = tagValue(tags, DrainTags.maxDrainTime);
  const hookTag = tagValue(tags, DrainTags.drainHook)?.trim();
  const tagDryRun = dryRunTag === undefined ? false : parseBoolean(dryRunTag, where(DrainTags.dryRun));
  return {
    asgName,
    cluster: cluster.trim(),
    dryRun: defaults.dryRun || tagDryRun,
    maxDrainSeconds:
      maxTag === undefined ? defaults.maxDrainSeconds : parseSeconds(maxTag, where(DrainTags.maxDrainTime)),
    ...(hookTag ? { hookName: hookTag } : {}),
  };
};

/** The terminate hook ECS managed draining adds (ecs-facts §5): ECS completes it, never the drainer. */
export const ECS_MANAGED_DRAINING_HOOK = 'ecs-managed-draining-termination-hook';

/**
 * The terminate hook the drainer completes: the one named by `ecs-autoscaler:drain-hook`, else the
 * group's only terminate hook other than ECS's managed-draining hook (issue 14: the drainer completes
 * only its own hook). `undefined` when the group has none (instances then terminate without waiting;
 * only Spot warnings can drain them).
 *
 * @throws ConfigurationError when the tag names a missing hook, or several hooks exist and no tag picks one.
 */
export const selectTerminateHook = <H extends { name: string }>(
  asgName: string,
  hooks: readonly H[],
  preferred: string | undefined,
): H | undefined => {
  const names = hooks.map((h) => h.name).join(', ');
  if (preferred !== undefined) {
    const found = hooks.find((h) => h.name === preferred);
    if (found) return found;
    throw new ConfigurationError(
      `Auto Scaling group '${asgName}': tag ${DrainTags.drainHook} names hook '${preferred}', but its terminate ` +
        `hooks are: ${names || 'none'}. Fix the tag or add the hook.`,
    );
  }
  const own = hooks.filter((h) => h.name !== ECS_MANAGED_DRAINING_HOOK);
  if (own.length <= 1) return own[0];
  throw new ConfigurationError(
    `Auto Scaling group '${asgName}' has ${own.length} terminate lifecycle hooks (${names}); ` +
      `tag the group with ${DrainTags.drainHook}=<hook name> to say which one the drainer completes.`,
  );
};
