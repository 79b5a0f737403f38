/**
 * Scale-in pacing: how long capacity has been unneeded.
 *
 * Kubernetes cluster-autoscaler removes a node once it has been unneeded for a while
 * (`--scale-down-unneeded-time`, default 10 min), several nodes at once, and waits after a scale-*up*
 * only (`--scale-down-delay-after-add`). The scaler has no memory but its ASG tags, so instead of one
 * timer per instance it keeps a short **staircase** in one tag: entries `count@since` (epoch seconds)
 * with counts rising and times rising, meaning "at every decision since `since`, at least `count`
 * instances could be removed" (placement-exact, scale-in.ts). After `unneededSeconds` the highest count
 * whose `since` is old enough is **ripe**: that many instances may drain now, the emptiest ones at that
 * moment (which instance is unneeded changes as ECS moves tasks; how many is what stays true).
 *
 * The staircase is bounded ({@link MAX_STEPS} entries, ≤ 8 × 15 characters, within the 256 characters of
 * an ASG tag value): when full, a new higher count is not added, which can only delay a scale-in.
 *
 * The tag also carries the demand (Σ desired tasks of the REPLICA services) when the staircase began:
 * `57:3@1733212345,5@1733212405`. Capacity is not "unneeded" while the load climbs: when the demand is
 * above that figure the staircase starts again (a ramp would otherwise shed an instance between two of
 * its steps and buy it back minutes later — a reversal that saves nothing).
 */

/** One step: at least `count` instances removable at every decision since `since` (epoch seconds). */
export interface UnneededStep {
  count: number;
  since: number;
}

/** Most steps kept. */
export const MAX_STEPS = 8;

/** The tag's content: the demand when the staircase began, and the steps. */
export interface UnneededState {
  /** Σ desired REPLICA tasks when the first step began (undefined: not recorded). */
  demand: number | undefined;
  steps: UnneededStep[];
}

/** Parses the tag value (`57:3@1733212345,5@1733212405`); a malformed value reads as empty (restart). */
export const parseUnneededState = (raw: string | undefined): UnneededState => {
  const m = /^(\d{1,9}):(.*)$/.exec(raw ?? '');
  if (!m) return { demand: undefined, steps: parseUnneeded(raw) };
  const steps = parseUnneeded(m[2]);
  return { demand: steps.length > 0 ? Number(m[1]) : undefined, steps };
};

/** The tag value of a state ('' when there is no step). */
export const formatUnneededState = (state: UnneededState): string =>
  state.steps.length === 0 ? '' : `${state.demand ?? 0}:${formatUnneeded(state.steps)}`;

/** Parses the steps (`3@1733212345,5@1733212405`); a malformed value reads as empty (restart). */
export const parseUnneeded = (raw: string | undefined): UnneededStep[] => {
  if (!raw) return [];
  const steps: UnneededStep[] = [];
  for (const part of raw.split(',')) {
    const m = /^(\d{1,4})@(\d{1,12})$/.exec(part.trim());
    if (!m) return [];
    steps.push({ count: Number(m[1]), since: Number(m[2]) });
  }
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.count <= steps[i - 1]!.count || steps[i]!.since < steps[i - 1]!.since) return [];
  }
  return steps.filter((s) => s.count > 0);
};

/** The tag value of a staircase ('' when empty). */
export const formatUnneeded = (steps: readonly UnneededStep[]): string =>
  steps.map((s) => `${s.count}@${s.since}`).join(',');

/**
 * The staircase after a decision that found `removable` instances removable at `now` (epoch seconds).
 * Steps above `removable` fall to it, keeping the earliest of their times (`removable` has been
 * removable since then too); a new higher count starts at `now`. Pure.
 */
export const observeUnneeded = (
  steps: readonly UnneededStep[],
  removable: number,
  now: number,
): UnneededStep[] => {
  if (removable <= 0) return [];
  const kept = steps.filter((s) => s.count <= removable);
  const fallen = steps.find((s) => s.count > removable);
  const next = [...kept];
  if (fallen && next.at(-1)?.count !== removable) next.push({ count: removable, since: fallen.since });
  if ((next.at(-1)?.count ?? 0) < removable && next.length < MAX_STEPS) {
    next.push({ count: removable, since: now });
  }
  return next;
};

/** How many instances have been unneeded for at least `unneededSeconds` at `now` (0: none yet). */
export const ripeCount = (steps: readonly UnneededStep[], now: number, unneededSeconds: number): number =>
  steps.reduce((best, s) => (now - s.since >= unneededSeconds ? Math.max(best, s.count) : best), 0);

/** The staircase after `removed` instances left: every count drops by that many. */
export const afterRemoval = (steps: readonly UnneededStep[], removed: number): UnneededStep[] =>
  steps.map((s) => ({ count: s.count - removed, since: s.since })).filter((s) => s.count > 0);
