/**
 * The service scaler's per-service settings, read from `ecs-autoscaler:*` tags on the ECS service only,
 * over defaults an operator would find sane. Not from the scalable target: the deployed IAM policy lets the
 * scaler write (ecs:UpdateService, ecs:TagResource) only to services that carry
 * `ecs-autoscaler:service-scaling=enabled` themselves — IAM can check a service's tags, not its target's —
 * so a setting the scaler obeys must live where the permission is granted.
 *
 * Tag values may only hold letters, digits, spaces and `+ - = . _ : / @` (the AWS tagging rule that ECS
 * documents for services), so the syntax avoids `%` and `,`: a percentage is written `50pct` (`50%` is
 * accepted too, for tools that allow it) and steps are separated by spaces.
 */
import { ConfigurationError } from '../errors.js';

/** The tags the service scaler reads (on the ECS service) and writes. */
export const SERVICE_TAGS = {
  /**
   * `enabled` | `disabled`: the opt-in, on the service. Exactly `enabled` (lowercase): the deployed IAM
   * policy's `StringEquals` condition on `aws:ResourceTag/ecs-autoscaler:service-scaling` is case-sensitive.
   */
  scaling: 'ecs-autoscaler:service-scaling',
  /** Steps for a high alarm, e.g. `+2`, `+50pct`, `0:+1 10:+2 25:+50pct`. */
  scaleOutStep: 'ecs-autoscaler:scale-out-step',
  /** Steps for a low alarm, e.g. `-1`, `-25pct`, `0:-1 30:-2`. */
  scaleInStep: 'ecs-autoscaler:scale-in-step',
  /** Seconds after a scale-out before the next scale-out (`60`, `90s`, `2m`). */
  scaleOutCooldown: 'ecs-autoscaler:scale-out-cooldown',
  /** Seconds after any scaling before a scale-in. */
  scaleInCooldown: 'ecs-autoscaler:scale-in-cooldown',
  /** Seconds a scale-out waits for the previous scale-out's tasks to run (the metric cannot see them before). */
  scaleOutWarmup: 'ecs-autoscaler:scale-out-warmup',
  /** Bounds when the service has no scalable target. */
  minTasks: 'ecs-autoscaler:min-tasks',
  maxTasks: 'ecs-autoscaler:max-tasks',
  /** `true`: scale even though the scalable target has its own scaling policies. */
  takeOver: 'ecs-autoscaler:take-over',
  /** `true`: plan and log, never write. */
  dryRun: 'ecs-autoscaler:dry-run',
  /** `false`: do not grow the cluster for the new tasks (the cluster waits for its own alarm). */
  clusterAware: 'ecs-autoscaler:cluster-aware',
  /** Written by the scaler before each change: the last scaling, the cooldown's clock. */
  lastScaling: 'ecs-autoscaler:last-scaling',
  /** On an alarm: the cluster and service it scales, when its dimensions do not name them. */
  alarmCluster: 'ecs-autoscaler:cluster',
  alarmService: 'ecs-autoscaler:service',
} as const;

/** How much one step changes the desired count: a number of tasks, or a percentage of the current count. */
export interface StepChange {
  kind: 'tasks' | 'percent';
  /** Magnitude, > 0 (tasks: an integer). The direction comes from the alarm. */
  value: number;
}

/**
 * One step: applies when the metric is at least `lowerBound` beyond the threshold, in the metric's units
 * (percentage points for CPUUtilization/MemoryUtilization) — as Application Auto Scaling's
 * `MetricIntervalLowerBound`.
 */
export interface Step {
  lowerBound: number;
  change: StepChange;
}

/** The settings of one service. Times in seconds. */
export interface ServiceScalingConfig {
  enabled: boolean;
  /** Sorted by lowerBound, ascending. */
  scaleOut: Step[];
  scaleIn: Step[];
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
  /** After a scale-out, the next waits until its tasks run, or at most this long. */
  scaleOutWarmupSeconds: number;
  /** Bounds from tags (used only when the service has no scalable target). */
  minTasks: number | undefined;
  maxTasks: number | undefined;
  takeOver: boolean;
  dryRun: boolean;
  clusterAware: boolean;
}

/** Default steps for a high alarm: +1 task; +2 from 10 points above the threshold; +50 % from 25. */
export const DEFAULT_SCALE_OUT_STEP = '0:+1 10:+2 25:+50pct';
/** Default step for a low alarm: one task at a time (scale-in is the risky direction). */
export const DEFAULT_SCALE_IN_STEP = '-1';
/** Default scale-out cooldown, seconds. */
export const DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 60;
/** Default scale-in cooldown, seconds: longer than scale-out, as Application Auto Scaling advises. */
export const DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;
/**
 * Default scale-out warm-up, seconds: covers an instance boot + ECS registration + task start, so a
 * scale-out whose tasks wait for new instances is not stacked on by the next minute's re-evaluation.
 */
export const DEFAULT_SCALE_OUT_WARMUP_SECONDS = 300;

/** ECS `Tag[]` (`key`/`value`) or AAS tag map → one record. Later entries win. */
export const tagsToRecord = (
  tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined,
): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
};

const invalid = (tag: string, value: string, problem: string, allowed: string): ConfigurationError =>
  new ConfigurationError(
    `tag ${tag}='${value}' is invalid: ${problem}. Allowed: ${allowed}. Fix or remove the tag; nothing was changed.`,
  );

const STEP_ALLOWED =
  "a change ('+2' tasks, '+50pct' of the current count) or steps keyed by how far the metric is beyond the " +
  "threshold in its own units, separated by spaces, e.g. '0:+1 10:+2 25:+50pct' (scale-in: '-1', '0:-1 30:-2')";

const parseChange = (text: string, sign: '+' | '-'): StepChange | string => {
  const m = /^([+-])?(\d+(?:\.\d+)?)(%|pct|percent)?$/i.exec(text);
  if (!m) return `'${text}' is not a change`;
  if (m[1] !== undefined && m[1] !== sign) {
    return `'${text}' has the sign '${m[1]}' but this tag ${sign === '+' ? 'adds' : 'removes'} tasks`;
  }
  const value = Number(m[2]);
  if (m[3] !== undefined) {
    if (value <= 0 || value > 1000) return `'${text}': a percentage must be in (0, 1000]`;
    return { kind: 'percent', value };
  }
  if (!Number.isInteger(value) || value <= 0)
    return `'${text}': a number of tasks must be a whole number > 0`;
  return { kind: 'tasks', value };
};

/**
 * Parses a step tag value.
 * @param sign `+` for scale-out steps, `-` for scale-in steps (the sign may be omitted in the value).
 * @throws ConfigurationError naming the tag, the value and the allowed syntax.
 */
export const parseSteps = (tag: string, value: string, sign: '+' | '-'): Step[] => {
  const items = value
    .trim()
    .split(/[\s,;]+/)
    .filter((s) => s !== '');
  if (items.length === 0) throw invalid(tag, value, 'it is empty', STEP_ALLOWED);
  const steps: Step[] = [];
  for (const item of items) {
    const colon = item.indexOf(':');
    const boundText = colon >= 0 ? item.slice(0, colon) : undefined;
    const changeText = colon >= 0 ? item.slice(colon + 1) : item;
    if (boundText === undefined && items.length > 1) {
      throw invalid(
        tag,
        value,
        `'${item}' has no 'bound:' prefix (needed when there are several steps)`,
        STEP_ALLOWED,
      );
    }
    const lowerBound = boundText === undefined ? 0 : Number(boundText);
    if (boundText !== undefined && (!/^\d+(\.\d+)?$/.test(boundText) || !Number.isFinite(lowerBound))) {
      throw invalid(tag, value, `'${boundText}' is not a bound (a number >= 0)`, STEP_ALLOWED);
    }
    const change = parseChange(changeText, sign);
    if (typeof change === 'string') throw invalid(tag, value, change, STEP_ALLOWED);
    if (steps.some((s) => s.lowerBound === lowerBound)) {
      throw invalid(tag, value, `the bound ${lowerBound} appears twice`, STEP_ALLOWED);
    }
    steps.push({ lowerBound, change });
  }
  return steps.sort((a, b) => a.lowerBound - b.lowerBound);
};

/**
 * Parses a duration tag: whole seconds, or with a unit `s`, `m`, `h`. 0..86400 s.
 * @throws ConfigurationError naming the tag and value.
 */
export const parseSeconds = (tag: string, value: string): number => {
  const m = /^(\d+)\s*(s|m|h)?$/i.exec(value.trim());
  const unit = { s: 1, m: 60, h: 3600 } as const;
  const seconds = m ? Number(m[1]) * unit[(m[2] ?? 's').toLowerCase() as keyof typeof unit] : Number.NaN;
  if (!Number.isFinite(seconds) || seconds > 86_400) {
    throw invalid(
      tag,
      value,
      'it is not a duration',
      "whole seconds ('60'), or '90s', '5m', '1h'; at most 24 h",
    );
  }
  return seconds;
};

const parseBoolean = (tag: string, value: string, words: readonly [string, string]): boolean => {
  const v = value.trim().toLowerCase();
  if (v === words[0]) return true;
  if (v === words[1]) return false;
  throw invalid(tag, value, 'unknown value', `'${words[0]}' or '${words[1]}'`);
};

const parseCount = (tag: string, value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw invalid(tag, value, 'not a task count', 'a whole number >= 0');
  return Number(value.trim());
};

/** The opt-in value the deployed IAM policy matches (`StringEquals`, case-sensitive). */
export const OPT_IN_VALUE = 'enabled';

const parseOptIn = (value: string | undefined): boolean => {
  if (value === undefined || value === 'disabled') return false;
  if (value === OPT_IN_VALUE) return true;
  const near = ['enabled', 'disabled'].includes(value.trim().toLowerCase());
  throw invalid(
    SERVICE_TAGS.scaling,
    value,
    near
      ? `the deployed IAM policy compares the value exactly (StringEquals, case-sensitive), so it would deny the scaler's writes`
      : 'unknown value',
    "'enabled' or 'disabled', lowercase, without spaces",
  );
};

/**
 * Reads a service's settings from its own tags (the scalable target's tags are never settings: see the
 * module comment).
 *
 * @throws ConfigurationError when a tag value is invalid (names the tag, the value and what is allowed),
 *   including an opt-in value the IAM policy would not match (`Enabled`, ` enabled`).
 */
export const parseServiceScalingConfig = (
  serviceTags: Readonly<Record<string, string>>,
): ServiceScalingConfig => {
  const get = (key: string): string | undefined => serviceTags[key];
  const enabled = parseOptIn(get(SERVICE_TAGS.scaling));
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    return v === undefined ? fallback : parseBoolean(key, v, ['true', 'false']);
  };
  const count = (key: string): number | undefined => {
    const v = get(key);
    return v === undefined ? undefined : parseCount(key, v);
  };
  const minTasks = count(SERVICE_TAGS.minTasks);
  const maxTasks = count(SERVICE_TAGS.maxTasks);
  if ((minTasks === undefined) !== (maxTasks === undefined)) {
    const [set, missing] =
      minTasks === undefined
        ? [SERVICE_TAGS.maxTasks, SERVICE_TAGS.minTasks]
        : [SERVICE_TAGS.minTasks, SERVICE_TAGS.maxTasks];
    throw new ConfigurationError(
      `tag ${set} is set but ${missing} is not: set both, or neither (then the scalable target gives the bounds). Nothing was changed.`,
    );
  }
  if (minTasks !== undefined && maxTasks !== undefined && minTasks > maxTasks) {
    throw new ConfigurationError(
      `tags ${SERVICE_TAGS.minTasks}=${minTasks} and ${SERVICE_TAGS.maxTasks}=${maxTasks}: min is above max. Nothing was changed.`,
    );
  }
  const out = get(SERVICE_TAGS.scaleOutStep);
  const inn = get(SERVICE_TAGS.scaleInStep);
  const outCooldown = get(SERVICE_TAGS.scaleOutCooldown);
  const inCooldown = get(SERVICE_TAGS.scaleInCooldown);
  const warmup = get(SERVICE_TAGS.scaleOutWarmup);
  return {
    enabled,
    scaleOut: parseSteps(SERVICE_TAGS.scaleOutStep, out ?? DEFAULT_SCALE_OUT_STEP, '+'),
    scaleIn: parseSteps(SERVICE_TAGS.scaleInStep, inn ?? DEFAULT_SCALE_IN_STEP, '-'),
    scaleOutCooldownSeconds:
      outCooldown === undefined
        ? DEFAULT_SCALE_OUT_COOLDOWN_SECONDS
        : parseSeconds(SERVICE_TAGS.scaleOutCooldown, outCooldown),
    scaleInCooldownSeconds:
      inCooldown === undefined
        ? DEFAULT_SCALE_IN_COOLDOWN_SECONDS
        : parseSeconds(SERVICE_TAGS.scaleInCooldown, inCooldown),
    scaleOutWarmupSeconds:
      warmup === undefined
        ? DEFAULT_SCALE_OUT_WARMUP_SECONDS
        : parseSeconds(SERVICE_TAGS.scaleOutWarmup, warmup),
    minTasks,
    maxTasks,
    takeOver: bool(SERVICE_TAGS.takeOver, false),
    dryRun: bool(SERVICE_TAGS.dryRun, false),
    clusterAware: bool(SERVICE_TAGS.clusterAware, true),
  };
};

/** The step that applies at `breach` (metric units beyond the threshold), or undefined when none covers it. */
export interface ChosenStep {
  /** Tasks to add (scale-out) or remove (scale-in), >= 1. */
  tasks: number;
  /** How the number was chosen, for the plan's reasons. */
  description: string;
}

const describeChange = (c: StepChange): string => (c.kind === 'tasks' ? `${c.value} task(s)` : `${c.value}%`);

/** Tasks one change means at `current` desired tasks: a percentage rounds down, but is at least 1 task. */
export const changeInTasks = (change: StepChange, current: number): number =>
  change.kind === 'tasks' ? change.value : Math.max(1, Math.floor((current * change.value) / 100));

/**
 * Picks the step for a breach. Every step whose lower bound the breach reaches applies, and the largest
 * change in tasks wins — so a larger breach never scales by less than a smaller one (a `+50pct` step of a
 * 2-task service is 1 task, which must not undercut a `+2` step below it).
 */
export const chooseStep = (
  steps: readonly Step[],
  breach: number,
  current: number,
): ChosenStep | undefined => {
  const applicable = steps.filter((s) => breach >= s.lowerBound);
  if (applicable.length === 0) return undefined;
  let best: { step: Step; tasks: number } | undefined;
  for (const step of applicable) {
    const tasks = changeInTasks(step.change, current);
    if (!best || tasks > best.tasks) best = { step, tasks };
  }
  const b = best!;
  return {
    tasks: b.tasks,
    description: `step from ${b.step.lowerBound} beyond the threshold: ${describeChange(b.step.change)} = ${b.tasks} task(s) at ${current} desired`,
  };
};
