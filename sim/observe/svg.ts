/**
 * Renders a timeline as a self-contained SVG chart a person can open in a browser: top panel
 * instances (ASG desired, InService, ECS ACTIVE, lower bound for the demand), bottom panel tasks
 * (desired, running, pending + unplaced). X axis in hours since the start.
 */
import type { TimelineSample } from './timeline.js';

interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 960;
const PANEL_H = 220;
const PAD = { left: 56, right: 180, top: 28, bottom: 28 };

const escapeXml = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

const panel = (title: string, xs: number[], series: Series[], y0: number, xMax: number): string => {
  const yMax = Math.max(1, ...series.flatMap((s) => s.values));
  const plotW = W - PAD.left - PAD.right;
  const plotH = PANEL_H - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + (xMax > 0 ? (x / xMax) * plotW : 0);
  const py = (y: number) => y0 + PAD.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${PAD.left}" y="${y0 + 18}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  );
  parts.push(
    `<rect x="${PAD.left}" y="${y0 + PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
  );
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    const y = py(v);
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${Math.round(v * 10) / 10}</text>`,
    );
  }
  const hours = xMax / 3600;
  const step = hours > 12 ? 2 : hours > 4 ? 1 : hours > 1 ? 0.25 : 1 / 12;
  for (let h = 0; h <= hours + 1e-9; h += step) {
    const x = px(h * 3600);
    parts.push(
      `<text x="${x}" y="${y0 + PANEL_H - 8}" font-size="11" text-anchor="middle">${Math.round(h * 100) / 100}h</text>`,
    );
  }
  series.forEach((s, k) => {
    // Step lines: a value holds until the next sample.
    let d = '';
    s.values.forEach((v, i) => {
      const x = px(xs[i]!);
      d += i === 0 ? `M${x},${py(v)}` : `H${x}V${py(v)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
    const ly = y0 + PAD.top + 14 + k * 18;
    parts.push(
      `<line x1="${W - PAD.right + 12}" x2="${W - PAD.right + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="3"/>`,
    );
    parts.push(`<text x="${W - PAD.right + 38}" y="${ly}" font-size="12">${escapeXml(s.label)}</text>`);
  });
  return parts.join('\n');
};

/** The SVG document for `samples`. */
export const timelineSvg = (
  samples: readonly TimelineSample[],
  title = 'Simulated cluster: capacity vs demand',
): string => {
  const xs = samples.map((s) => s.t);
  const xMax = Math.max(1, ...xs);
  const instances: Series[] = [
    { label: 'ASG desired', color: '#1f77b4', values: samples.map((s) => s.asg.desired) },
    { label: 'InService', color: '#2ca02c', values: samples.map((s) => s.asg.inService) },
    { label: 'ECS ACTIVE', color: '#9467bd', values: samples.map((s) => s.ecs.instancesActive) },
    {
      label: 'Lower bound (demand)',
      color: '#d62728',
      values: samples.map((s) => s.lowerBoundInstances ?? 0),
    },
  ];
  const tasks: Series[] = [
    { label: 'Desired tasks', color: '#ff7f0e', values: samples.map((s) => s.ecs.tasksDesired) },
    { label: 'Running', color: '#2ca02c', values: samples.map((s) => s.ecs.tasksRunning) },
    {
      label: 'Pending + unplaced',
      color: '#d62728',
      values: samples.map((s) => s.ecs.tasksPending + s.ecs.tasksUnplaced),
    },
  ];
  const H = PANEL_H * 2 + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${W / 2}" y="20" font-size="16" text-anchor="middle">${escapeXml(title)}</text>`,
    panel('Instances', xs, instances, 24, xMax),
    panel('Tasks', xs, tasks, 24 + PANEL_H, xMax),
    '</svg>',
  ].join('\n');
};
