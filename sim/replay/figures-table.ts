/**
 * Text output of bench:scaling and `simulate`: one table per trace, and the issue's targets checked
 * against the figures (instance-hours ≤ 1.10 × lower bound and ≤ 0.85 × capacity-provider,
 * pending-task-minutes ≤ capacity-provider's).
 */
import type { RunFigures } from './run-metrics.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** The table of one trace: a row per policy. */
export const figuresTable = (trace: string, rows: Record<string, RunFigures>): string => {
  const lines = [
    `trace ${trace}`,
    `${'policy'.padEnd(18)}${pad('inst-h', 9)}${pad('lower-b', 9)}${pad('ratio', 7)}${pad('pend-min', 10)}${pad('max-wait', 10)}${pad('actions', 9)}${pad('revers.', 9)}`,
  ];
  for (const [policy, f] of Object.entries(rows)) {
    const ratio = f.lowerBoundInstanceHours > 0 ? f.instanceHours / f.lowerBoundInstanceHours : 0;
    lines.push(
      `${policy.padEnd(18)}${pad(f.instanceHours.toFixed(2), 9)}${pad(f.lowerBoundInstanceHours.toFixed(2), 9)}${pad(ratio.toFixed(2), 7)}${pad(f.pendingTaskMinutes.toFixed(1), 10)}${pad(`${f.maxTaskWaitSeconds}s`, 10)}${pad(String(f.scalingActions), 9)}${pad(String(f.reversals), 9)}`,
    );
  }
  return lines.join('\n');
};

/** One target check of the project against its bound and the capacity-provider model. */
export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

/** Checks the issue's targets for one trace (needs the `ecs-autoscaler` row; the model's when present). */
export const checkTargets = (rows: Record<string, RunFigures>): TargetCheck[] => {
  const p = rows['ecs-autoscaler'];
  if (!p) return [];
  const checks: TargetCheck[] = [];
  const lb = p.lowerBoundInstanceHours;
  checks.push({
    target: 'instance-hours ≤ 1.10 × lower bound',
    met: p.instanceHours <= 1.1 * lb,
    detail: `${p.instanceHours.toFixed(2)} vs ${(1.1 * lb).toFixed(2)} (${lb > 0 ? (p.instanceHours / lb).toFixed(3) : '∞'} × bound)`,
  });
  const cp = rows['capacity-provider'];
  if (cp) {
    checks.push({
      target: 'instance-hours ≤ 0.85 × capacity-provider',
      met: p.instanceHours <= 0.85 * cp.instanceHours,
      detail: `${p.instanceHours.toFixed(2)} vs ${(0.85 * cp.instanceHours).toFixed(2)} (${(p.instanceHours / cp.instanceHours).toFixed(3)} × model)`,
    });
    checks.push({
      target: 'pending-task-minutes ≤ capacity-provider',
      met: p.pendingTaskMinutes <= cp.pendingTaskMinutes,
      detail: `${p.pendingTaskMinutes.toFixed(1)} vs ${cp.pendingTaskMinutes.toFixed(1)}`,
    });
  }
  return checks;
};

/** Lines for the checks: `target: MET|MISSED (detail)`. */
export const targetLines = (checks: readonly TargetCheck[]): string =>
  checks.map((c) => `  ${c.met ? 'met   ' : 'MISSED'} ${c.target}: ${c.detail}`).join('\n');
