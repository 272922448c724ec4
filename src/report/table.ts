// Tables for the terminal: the only importer of cli-table3. Callers hand over plain strings;
// the heading is styled through Style (so --color and NO_COLOR apply), cli-table3's own
// colouring is off, and columns are narrowed (with word wrap) to fit the given width.
import Table from 'cli-table3';
import type { Style } from './style.js';

export interface TableOptions {
  style: Style;
  /** Terminal columns to fit in; undefined (piped output) means no limit. */
  width?: number;
  align?: ('left' | 'right' | 'center')[];
}

/** Visible width of a string without ANSI escapes (our strings are not wide-character heavy). */
function visible(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}

/** Column widths (padding included) that fit `width`: the widest columns give way first. */
export function fitColumns(natural: number[], width: number | undefined): number[] {
  const widths = natural.map((w) => w + 2);
  if (width === undefined) return widths;
  const borders = widths.length + 1;
  const minimum = 6;
  let excess = widths.reduce((a, b) => a + b, 0) + borders - width;
  while (excess > 0) {
    const widest = Math.max(...widths);
    if (widest <= minimum) break;
    const i = widths.indexOf(widest);
    const second = Math.max(minimum, ...widths.filter((_, j) => j !== i));
    const cut = Math.min(excess, Math.max(1, widest - second));
    widths[i] = widest - cut;
    excess -= cut;
  }
  return widths;
}

export function renderTable(head: string[], rows: string[][], opts: TableOptions): string {
  const cols = Math.max(head.length, ...rows.map((r) => r.length));
  const natural = Array.from({ length: cols }, (_, i) =>
    Math.max(visible(head[i] ?? ''), ...rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map(visible)))),
  );
  const colWidths = fitColumns(natural, opts.width);
  const table = new Table({
    head: head.map((h) => opts.style.head(h)),
    colWidths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    ...(opts.align ? { colAligns: opts.align } : {}),
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows) table.push(Array.from({ length: cols }, (_, i) => r[i] ?? ''));
  return table.toString();
}
