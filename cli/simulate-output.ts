/**
 * What `ecs-autoscaler simulate` shows: a neutral side-by-side of the policies on the user's cluster
 * (no benchmark targets: those belong to the project's own benchmark cluster), and a compact SVG with
 * two panels sharing the time axis — instances the group pays for, and tasks waiting for room.
 */
import type { RunFigures, RunSample } from '../sim/replay/run-metrics.js';
import { type Column, type Style, table } from './text-layout.js';

/** One policy's run, as the output needs it. */
export interface PolicyRun {
  policy: string;
  figures: RunFigures;
  samples: readonly RunSample[];
}

/** Tasks waiting for room at a sample: desired but not running, summed over the replica services. */
export const waitingTasks = (s: RunSample): number =>
  Object.entries(s.wanted).reduce((n, [svc, want]) => n + Math.max(0, want - (s.running[svc] ?? 0)), 0);

const f1 = (n: number): string => n.toFixed(1);

/** The figures side by side, fitting `width` columns (optional columns dropped first). */
export const sideBySide = (
  title: string,
  runs: readonly PolicyRun[],
  opts: { width: number; style: Style },
): string => {
  const bound = runs[0]?.figures.lowerBoundCostUnitHours ?? 0;
  const cols: Column<PolicyRun>[] = [
    { header: 'policy', cell: (r) => r.policy },
    { header: 'cost u-h', cell: (r) => f1(r.figures.costUnitHours), right: true },
    {
      header: '× bound',
      cell: (r) => (bound > 0 ? (r.figures.costUnitHours / bound).toFixed(2) : '-'),
      right: true,
      dropOrder: 2,
    },
    { header: 'inst-h', cell: (r) => f1(r.figures.instanceHours), right: true, dropOrder: 3 },
    { header: 'wait task-min', cell: (r) => f1(r.figures.pendingTaskMinutes), right: true },
    { header: 'max wait', cell: (r) => `${r.figures.maxTaskWaitSeconds} s`, right: true },
    { header: 'actions', cell: (r) => String(r.figures.scalingActions), right: true, dropOrder: 1 },
    { header: 'revers.', cell: (r) => String(r.figures.reversals), right: true },
  ];
  const lines = [
    opts.style.bold(title),
    table(runs, cols, { width: opts.width, indent: '', style: opts.style }),
    opts.style.dim(`lower bound: ${f1(bound)} cost unit-h, the cheapest cover of the wanted tasks`),
    opts.style.dim('cost unit: one hour of the cheapest instance type, by on-demand price'),
  ];
  return `${lines.join('\n')}\n`;
};

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];
const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A step path with one vertex per change of value (integer pixels), not one per sample. */
const stepPath = (
  points: ReadonlyArray<readonly [number, number]>,
  x: (t: number) => number,
  y: (v: number) => number,
): string => {
  let d = '';
  let last: number | undefined;
  for (const [t, v] of points) {
    if (last === undefined) d = `M${x(t)} ${y(v)}`;
    else if (v !== last) d += `H${x(t)}V${y(v)}`;
    last = v;
  }
  const end = points.at(-1);
  return end ? `${d}H${x(end[0])}` : d;
};

/**
 * The chart: two stacked panels (instances, waiting tasks), one line per policy, a shared legend.
 * Only value changes are drawn, so a day of 30-second samples stays a few kilobytes.
 */
export const renderSimulateChart = (title: string, runs: readonly PolicyRun[]): string => {
  const W = 860;
  const left = 48;
  const right = 160;
  const panelH = 170;
  const gap = 36;
  const top = 34;
  const tMax = Math.max(1, ...runs.flatMap((r) => r.samples.map((s) => s.t)));
  const x = (t: number) => Math.round(left + (t / tMax) * (W - left - right));
  const panels: Array<[string, (s: RunSample) => number]> = [
    ['instances', (s) => s.instances],
    ['waiting tasks', waitingTasks],
  ];
  const H = top + panels.length * (panelH + gap) + 10;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  const hours = tMax / 3600;
  const stepH = hours > 48 ? 12 : hours > 12 ? 2 : hours > 4 ? 1 : 0.5;
  panels.forEach(([label, value], p) => {
    const y0 = top + p * (panelH + gap);
    const vMax = Math.max(1, ...runs.flatMap((r) => r.samples.map(value))) * 1.1;
    const y = (v: number) => Math.round(y0 + panelH - (v / vMax) * panelH);
    const grid: string[] = [];
    for (let h = 0; h <= hours + 1e-9; h += stepH) grid.push(`M${x(h * 3600)} ${y0}V${y0 + panelH}`);
    const vStep = Math.max(1, Math.ceil(vMax / 5));
    const ticks: string[] = [];
    for (let v = 0; v <= vMax; v += vStep) {
      grid.push(`M${left} ${y(v)}H${x(tMax)}`);
      ticks.push(`<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
    }
    out.push(
      `<path d="${grid.join('')}" stroke="#eee" fill="none"/>`,
      ...ticks,
      `<text x="${left}" y="${y0 - 6}" font-weight="bold">${esc(label)}</text>`,
    );
    runs.forEach((r, i) => {
      const pts = r.samples.map((s) => [s.t, value(s)] as const);
      out.push(
        `<path d="${stepPath(pts, x, y)}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5"/>`,
      );
    });
    if (p === panels.length - 1) {
      for (let h = 0; h <= hours + 1e-9; h += stepH) {
        out.push(`<text x="${x(h * 3600)}" y="${y0 + panelH + 14}" text-anchor="middle">${h}h</text>`);
      }
    }
  });
  runs.forEach((r, i) => {
    const ly = top + 10 + i * 18;
    out.push(
      `<path d="M${W - right + 12} ${ly}h22" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`,
      `<text x="${W - right + 40}" y="${ly + 4}">${esc(r.policy)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
};
