/**
 * Plain-text layout for the terminal: borderless column tables that fit a width, word wrapping with a
 * hanging indent, and colour that is only ever added on a terminal and never when NO_COLOR is set
 * (https://no-color.org). Widths are measured without the colour codes.
 */

/** ANSI styles used by the CLI; identity functions when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;

const id = (s: string): string => s;

/** The styles for a stream: colour on a terminal unless NO_COLOR is set to anything but empty. */
export const styleFor = (isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Style =>
  isTTY && !env.NO_COLOR
    ? { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) }
    : { bold: id, dim: id, red: id, yellow: id, green: id };

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes this file adds
const ANSI = /\x1b\[[0-9;]*m/g;

/** Visible width of a string (colour codes do not count). */
export const visibleWidth = (s: string): number => s.replace(ANSI, '').length;

/**
 * Wraps `text` to `width` columns: the first line starts with `first`, the following ones with `rest`
 * (a hanging indent). Words longer than a line are not broken.
 */
export const wrap = (text: string, width: number, first: string, rest: string): string => {
  if (visibleWidth(first) + visibleWidth(text) <= width) return `${first}${text}`;
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && visibleWidth(candidate) > width) {
      lines.push(line);
      line = `${rest}${word}`;
    } else line = candidate;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
};

/** One column of a {@link table}. */
export interface Column<R> {
  header: string;
  cell: (row: R) => string;
  /** Right-aligned (numbers). */
  right?: boolean;
  /** Colour applied after padding (so alignment is kept). */
  paint?: (text: string, row: R) => string;
  /** Dropped first when the table is wider than the width: higher drops earlier; absent never drops. */
  dropOrder?: number;
}

/**
 * A borderless table: a header row, then one row per item, columns separated by two spaces and
 * indented by `indent`. Columns with a `dropOrder` are dropped, highest first, until the table fits
 * `width` (Infinity: never).
 */
export const table = <R>(
  rows: readonly R[],
  columns: readonly Column<R>[],
  opts: { width: number; indent: string; style: Style },
): string => {
  let cols = [...columns];
  const cells = (c: Column<R>) => rows.map((r) => c.cell(r));
  const widthOf = (c: Column<R>) => Math.max(c.header.length, ...cells(c).map((s) => s.length));
  const total = (cs: Column<R>[]) =>
    opts.indent.length + cs.reduce((n, c) => n + widthOf(c), 0) + 2 * (cs.length - 1);
  while (total(cols) > opts.width) {
    const droppable = cols.filter((c) => c.dropOrder !== undefined);
    if (droppable.length === 0) break;
    const drop = droppable.reduce((a, b) => ((b.dropOrder ?? 0) > (a.dropOrder ?? 0) ? b : a));
    cols = cols.filter((c) => c !== drop);
  }
  const widths = cols.map(widthOf);
  const pad = (s: string, w: number, right?: boolean) => (right ? s.padStart(w) : s.padEnd(w));
  const header = cols.map((c, i) => pad(c.header, widths[i]!, c.right)).join('  ');
  const body = rows.map((r) =>
    cols
      .map((c, i) => {
        const text = pad(c.cell(r), widths[i]!, c.right);
        return c.paint ? c.paint(text, r) : text;
      })
      .join('  ')
      .trimEnd(),
  );
  return [opts.style.dim(header.trimEnd()), ...body].map((l) => `${opts.indent}${l}`).join('\n');
};
