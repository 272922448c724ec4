// The text form of a diff: an inputs table, then per section one line with how many fields are
// equal and a table of the fields that differ (all fields with --all). Rows are fields, columns
// are inputs; list items get a row each, showing their position per input and how it changed
// against the first input. Colour only through Style; width through report/table.ts.
import { renderTable } from '../report/table.js';
import { safe, type Style } from '../report/style.js';
import { describeChange } from './list.js';
import type { DiffInput } from './json.js';
import { allEqual, sectionCounts, type ItemCell, type ListRow, type Section, type ValueRow } from './sections.js';

export interface RenderOptions {
  style: Style;
  /** Terminal columns; undefined means no limit. */
  width?: number;
  /** Show equal fields and list items too. */
  all: boolean;
}

const ABSENT = '—';

export function countLine(s: Section): string {
  const { equal, total } = sectionCounts(s);
  if (total === 0) return `${s.title}: nothing to compare`;
  if (equal === total) return `${s.title}: ${total === 1 ? 'the 1 field is' : `all ${total} fields are`} equal`;
  return `${s.title}: ${equal} of ${total} field${total === 1 ? '' : 's'} equal, ${total - equal} differ${total - equal === 1 ? 's' : ''}`;
}

function valueCells(r: ValueRow, style: Style): string[] {
  const ref = r.values[0];
  return r.values.map((v, i) => {
    const text = v === null ? ABSENT : safe(v);
    return i > 0 && v !== ref ? style.warn(text) : text;
  });
}

function itemCell(c: ItemCell, ordered: boolean, style: Style): string {
  const base = ordered ? (c.position !== undefined ? `#${c.position}` : ABSENT) : c.value !== undefined ? safe(c.value) : ABSENT;
  switch (c.status) {
    case 'added':
      return style.ok(`${base} added`);
    case 'removed':
      return style.bad(`${base} removed`);
    case 'moved':
      return style.warn(`${base} moved`);
    case 'changed':
      return style.warn(`${base} changed`);
    default:
      return base;
  }
}

function listRows(r: ListRow, all: boolean, style: Style): string[][] {
  const head = [
    safe(r.label),
    ...r.lists.map((l, i) => {
      if (l === null) return i > 0 && r.lists[0] !== null ? style.warn(ABSENT) : ABSENT;
      const n = `${l.length} item${l.length === 1 ? '' : 's'}`;
      const c = r.changes[i];
      const what = c ? describeChange(c) : '';
      if (i > 0 && r.lists[0] === null) return style.warn(n);
      return what ? style.warn(`${n}: ${what}`) : n;
    }),
  ];
  const rows = [head];
  for (const it of r.items) {
    if (!all && it.equal) continue;
    rows.push([`  ${safe(it.key)}`, ...it.cells.map((c) => itemCell(c, r.ordered, style))]);
  }
  return rows;
}

function inputsTable(inputs: readonly DiffInput[], opts: RenderOptions): string {
  const col = (f: (i: DiffInput) => string | undefined) => inputs.map((i) => safe(f(i) ?? ABSENT));
  const rows: string[][] = [
    ['input', ...col((i) => i.input)],
    ['connection', ...col((i) => `#${i.connection.id}${i.connection.file && !i.input.startsWith(i.connection.file) ? ` of ${i.connection.file}` : ''}`)],
    ['client', ...col((i) => i.connection.client)],
    ['server', ...col((i) => i.connection.server)],
    ['SNI', ...col((i) => i.connection.clientHello?.serverName)],
    ['start', ...col((i) => i.connection.startTime)],
  ];
  return renderTable(['Inputs', ...inputs.map((i) => safe(i.label))], rows, { style: opts.style, width: opts.width });
}

export function renderDiff(inputs: readonly DiffInput[], sections: readonly Section[], opts: RenderOptions): string {
  const { style } = opts;
  const out: string[] = [];
  const differ = !allEqual(sections);
  if (differ || opts.all) out.push(inputsTable(inputs, opts));
  const head = inputs.map((i) => safe(i.label));
  for (const s of sections) {
    const { equal, total } = sectionCounts(s);
    const line = countLine(s);
    out.push(equal === total ? style.dim(line) : style.head(line));
    const rows: string[][] = [];
    for (const r of s.rows) {
      if (!opts.all && r.equal) continue;
      if (r.kind === 'value') rows.push([safe(r.label), ...valueCells(r, style)]);
      else rows.push(...listRows(r, opts.all, style));
    }
    if (rows.length) out.push(renderTable([s.title, ...head], rows, { style, width: opts.width }));
  }
  return `${out.join('\n')}\n`;
}
