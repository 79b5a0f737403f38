/**
 * Text and JSON output of bench:scaling and `simulate`: per trace, a row per policy with the mean over
 * seeds and the min–max spread, and the issue's targets checked against the means:
 * - cost ≤ 1.10 × the lower bound (lower-bound.ts);
 * - cost ≤ 0.85 × `capacity-provider-tuned`, with pending task-minutes ≤ its own;
 * - ≤ 1 direction reversal in any cooldown window (every seed);
 * - no task waits longer than boot + registration + 2 ticks (every seed; a run that hit MaxSize is
 *   exempt, which no built-in trace does).
 */
import { FIGURE_KEYS, maxReversalsInWindow, type RunExtras, type RunFigures } from './run-metrics.js';

/** One seed's run of a policy. */
export interface SeedRun {
  seed: number;
  figures: RunFigures;
  extras: RunExtras;
}

/** The JSON of one policy on one trace: means over seeds, and every seed. */
export type PolicyFigures = RunFigures & { perSeed: (RunFigures & { seed: number })[] };

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Means over seeds (rounded like the per-seed figures), with each seed's figures. */
export const summarize = (runs: readonly SeedRun[]): PolicyFigures => {
  const mean = Object.fromEntries(
    FIGURE_KEYS.map((k) => [
      k,
      round(runs.reduce((s, r) => s + r.figures[k], 0) / Math.max(1, runs.length), 2),
    ]),
  ) as unknown as RunFigures;
  return { ...mean, perSeed: runs.map((r) => ({ ...r.figures, seed: r.seed })) };
};

const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** `mean [min–max]` of one figure over the seeds (just the value for one seed). */
const spread = (runs: readonly SeedRun[], pick: (f: RunFigures) => number, digits: number): string => {
  const xs = runs.map((r) => pick(r.figures));
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  if (xs.length <= 1) return mean.toFixed(digits);
  return `${mean.toFixed(digits)} [${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}]`;
};

/** The table of one trace: a row per policy (mean [min–max] over the seeds). */
export const figuresTable = (trace: string, rows: Record<string, readonly SeedRun[]>): string => {
  const first = Object.values(rows)[0]?.[0]?.figures;
  const lines = [
    `trace ${trace}${first ? ` — lower bound ${first.lowerBoundCostUnitHours.toFixed(2)} cost unit-h, packing reference ${first.packingReferenceCostUnitHours.toFixed(2)}` : ''}`,
    `${'policy'.padEnd(24)}${pad('cost unit-h', 26)}${pad('× bound', 9)}${pad('× pack', 8)}${pad('inst-h', 9)}${pad('pending task-min', 26)}${pad('max wait s', 18)}${pad('actions', 9)}${pad('revers.', 8)}${pad('headroom', 10)}`,
  ];
  for (const [policy, runs] of Object.entries(rows)) {
    const f = summarize(runs);
    const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '∞');
    const headroom = runs.reduce((s, r) => s + r.extras.meanHeadroom, 0) / Math.max(1, runs.length);
    lines.push(
      `${policy.padEnd(24)}${pad(
        spread(runs, (x) => x.costUnitHours, 2),
        26,
      )}${pad(ratio(f.costUnitHours, f.lowerBoundCostUnitHours), 9)}${pad(ratio(f.costUnitHours, f.packingReferenceCostUnitHours), 8)}${pad(f.instanceHours.toFixed(1), 9)}${pad(
        spread(runs, (x) => x.pendingTaskMinutes, 1),
        26,
      )}${pad(
        spread(runs, (x) => x.maxTaskWaitSeconds, 0),
        18,
      )}${pad(f.scalingActions.toFixed(1), 9)}${pad(f.reversals.toFixed(1), 8)}${pad(headroom.toFixed(1), 10)}`,
    );
  }
  return lines.join('\n');
};

/** One target check of the project. */
export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

/** What the checks need to know about the cluster. */
export interface TargetContext {
  /** Seconds from launch to registration with ECS. */
  bootSeconds: number;
  /** Seconds between the scaler's ticks. */
  tickSeconds: number;
  /** The cooldown window of the reversal target, seconds. */
  cooldownSeconds: number;
}

/** Checks the issue's targets for one trace (needs the `ecs-autoscaler` row; the tuned model's when present). */
export const checkTargets = (rows: Record<string, readonly SeedRun[]>, ctx: TargetContext): TargetCheck[] => {
  const runs = rows['ecs-autoscaler'];
  if (!runs || runs.length === 0) return [];
  const p = summarize(runs);
  const checks: TargetCheck[] = [];
  const lb = p.lowerBoundCostUnitHours;
  checks.push({
    target: 'cost ≤ 1.10 × lower bound',
    met: p.costUnitHours <= 1.1 * lb,
    detail: `${p.costUnitHours.toFixed(2)} vs ${(1.1 * lb).toFixed(2)} (${lb > 0 ? (p.costUnitHours / lb).toFixed(3) : '∞'} × bound)`,
  });
  const tunedRuns = rows['capacity-provider-tuned'];
  if (tunedRuns && tunedRuns.length > 0) {
    const cp = summarize(tunedRuns);
    checks.push({
      target: 'cost ≤ 0.85 × capacity-provider-tuned',
      met: p.costUnitHours <= 0.85 * cp.costUnitHours,
      detail: `${p.costUnitHours.toFixed(2)} vs ${(0.85 * cp.costUnitHours).toFixed(2)} (${(p.costUnitHours / cp.costUnitHours).toFixed(3)} × model)`,
    });
    checks.push({
      target: 'pending task-minutes ≤ capacity-provider-tuned',
      met: p.pendingTaskMinutes <= cp.pendingTaskMinutes,
      detail: `${p.pendingTaskMinutes.toFixed(1)} vs ${cp.pendingTaskMinutes.toFixed(1)}`,
    });
  }
  const perWindow = Math.max(
    ...runs.map((r) => maxReversalsInWindow(r.extras.reversalTimes, ctx.cooldownSeconds)),
  );
  checks.push({
    target: `≤ 1 reversal per ${ctx.cooldownSeconds} s window`,
    met: perWindow <= 1,
    detail: `at most ${perWindow} in any window (worst seed)`,
  });
  const limit = ctx.bootSeconds + 2 * ctx.tickSeconds;
  const worst = Math.max(...runs.map((r) => r.figures.maxTaskWaitSeconds));
  checks.push({
    target: `no task waits > boot + 2 ticks (${limit} s)`,
    met: worst <= limit,
    detail: `longest wait ${worst} s (worst seed)`,
  });
  return checks;
};

/** Lines for the checks: `met|MISSED target: detail`. */
export const targetLines = (checks: readonly TargetCheck[]): string =>
  checks.map((c) => `  ${c.met ? 'met   ' : 'MISSED'} ${c.target}: ${c.detail}`).join('\n');
