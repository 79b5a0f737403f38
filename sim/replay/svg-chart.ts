/**
 * A dependency-free SVG line chart: capacity of each policy and the demand (lower bound) over time.
 * Opens in any browser.
 */

/** One line of the chart. */
export interface ChartSeries {
  label: string;
  /** [t seconds, value] pairs in time order. */
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
}

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];
const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders a step chart (values hold until the next point). Width/height in px. */
export const renderChart = (
  title: string,
  yLabel: string,
  series: readonly ChartSeries[],
  width = 960,
  height = 420,
): string => {
  const m = { left: 56, right: 170, top: 36, bottom: 44 };
  const all = series.flatMap((s) => s.points);
  const tMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1])) * 1.1;
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const x = (t: number): number => m.left + (t / tMax) * w;
  const y = (v: number): number => m.top + h - (v / yMax) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${m.left}" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  const hours = tMax / 3600;
  const stepH = hours > 12 ? 2 : hours > 4 ? 1 : 0.5;
  for (let hh = 0; hh <= hours + 1e-9; hh += stepH) {
    const px = x(hh * 3600).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + h}" stroke="#eee"/>`);
    out.push(`<text x="${px}" y="${m.top + h + 16}" text-anchor="middle">${hh}h</text>`);
  }
  const yStep = Math.max(1, Math.ceil(yMax / 8));
  for (let v = 0; v <= yMax; v += yStep) {
    const py = y(v).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${py}" y2="${py}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${v}</text>`);
  }
  out.push(
    `<text x="14" y="${m.top + h / 2}" transform="rotate(-90 14 ${m.top + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
    `<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle">time (hours)</text>`,
  );
  series.forEach((s, i) => {
    const color = s.dashed ? '#333' : COLORS[i % COLORS.length]!;
    let d = '';
    let prev: number | undefined;
    for (const [t, v] of s.points) {
      if (prev === undefined) d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      else d += `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`;
      prev = v;
    }
    out.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.dashed ? 1.5 : 2}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<line x1="${m.left + w + 12}" x2="${m.left + w + 36}" y1="${m.top + 10 + i * 20}" y2="${m.top + 10 + i * 20}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      `<text x="${m.left + w + 42}" y="${m.top + 10 + i * 20}" dominant-baseline="middle">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
};
