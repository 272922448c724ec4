// The text form of `tlspeek diff` (the comparison itself is diff/sections.ts): an inputs table, then per section one line with how many fields are
// equal and a table of the fields that differ (all fields with --all). Rows are fields, columns
// are inputs; list items get a row each, showing their position per input and how it changed
// against the first input. Colour only through Style; tables through table.ts.
import { renderTable } from './table.js';
import { safe, type Style } from './style.js';
import { fitCells, type Cell } from './diff-layout.js';
import { describeChange } from '../diff/list.js';
import type { DiffInput } from '../diff/json.js';
import { allEqual, sectionCounts, type ItemCell, type ListRow, type Section, type ValueRow } from '../diff/sections.js';

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

const plain = (text: string): Cell => ({ text: safe(text) });

function valueCells(r: ValueRow): Cell[] {
  const ref = r.values[0];
  return r.values.map((v, i) => {
    const cell = plain(v === null ? ABSENT : v);
    if (i > 0 && v !== ref) cell.tone = 'warn';
    return cell;
  });
}

function itemCell(c: ItemCell, ordered: boolean): Cell {
  const base = ordered ? (c.position !== undefined ? `#${c.position}` : ABSENT) : c.value !== undefined ? safe(c.value) : ABSENT;
  switch (c.status) {
    case 'added':
      return { text: `${base} added`, tone: 'ok' };
    case 'removed':
      return { text: `${base} removed`, tone: 'bad' };
    case 'moved':
      return { text: `${base} moved`, tone: 'warn' };
    case 'changed':
      return { text: `${base} changed`, tone: 'warn' };
    default:
      return { text: base };
  }
}

function listRows(r: ListRow, all: boolean): Cell[][] {
  const refAbsent = r.lists[0] === null;
  const head: Cell[] = [
    plain(r.label),
    ...r.lists.map((l, i): Cell => {
      if (l === null) return i > 0 && !refAbsent ? { text: ABSENT, tone: 'warn' } : { text: ABSENT };
      const n = `${l.length} item${l.length === 1 ? '' : 's'}`;
      const c = r.changes[i];
      const what = c ? describeChange(c) : '';
      if (i > 0 && refAbsent) return { text: n, tone: 'warn' };
      return what ? { text: `${n}: ${what}`, tone: 'warn' } : { text: n };
    }),
  ];
  const rows = [head];
  for (const it of r.items) {
    if (!all && it.equal) continue;
    rows.push([plain(`  ${it.key}`), ...it.cells.map((c) => itemCell(c, r.ordered))]);
  }
  return rows;
}

function table(head: Cell[], rows: Cell[][], opts: RenderOptions): string {
  const fitted = fitCells(head, rows, opts.width);
  const paint = (c: Cell): string => {
    const tone = c.tone;
    if (!tone) return c.text;
    // Per line, so that a wrapped cell keeps its colour on every line and resets at each end.
    return c.text
      .split('\n')
      .map((l) => opts.style[tone](l))
      .join('\n');
  };
  return renderTable(
    fitted.head.map((c) => c.text),
    fitted.rows.map((r) => r.map(paint)),
    opts.width === undefined ? { style: opts.style } : { style: opts.style, width: opts.width },
  );
}

/** One table of the comparison: the inputs, or a section's differing fields. */
export interface DiffBlock {
  /** The section's count line ("TLS versions: 3 of 4 fields equal, 1 differs"); none for the inputs table. */
  line?: string;
  equal: boolean;
  head: Cell[];
  rows: Cell[][];
}

function inputsBlock(inputs: readonly DiffInput[]): DiffBlock {
  const col = (f: (i: DiffInput) => string | undefined): Cell[] => inputs.map((i) => plain(f(i) ?? ABSENT));
  const rows: Cell[][] = [
    [plain('input'), ...col((i) => i.input)],
    [plain('connection'), ...col((i) => `#${i.connection.id}${i.connection.file && !i.input.startsWith(i.connection.file) ? ` of ${i.connection.file}` : ''}`)],
    [plain('client'), ...col((i) => i.connection.client)],
    [plain('server'), ...col((i) => i.connection.server)],
    [plain('SNI'), ...col((i) => i.connection.clientHello?.serverName)],
    [plain('start'), ...col((i) => i.connection.startTime)],
  ];
  return { equal: false, head: [plain('Inputs'), ...inputs.map((i) => plain(i.label))], rows };
}

/**
 * The comparison as tables, whatever draws them (text here, HTML for the live page): the inputs
 * when anything differs (or with `all`), then per section its count line and the fields that
 * differ (every field with `all`).
 */
export function diffBlocks(inputs: readonly DiffInput[], sections: readonly Section[], all: boolean): DiffBlock[] {
  const out: DiffBlock[] = [];
  if (!allEqual(sections) || all) out.push(inputsBlock(inputs));
  const head = [plain('field'), ...inputs.map((i) => plain(i.label))];
  for (const s of sections) {
    const { equal, total } = sectionCounts(s);
    const rows: Cell[][] = [];
    for (const r of s.rows) {
      if (!all && r.equal) continue;
      if (r.kind === 'value') rows.push([plain(r.label), ...valueCells(r)]);
      else rows.push(...listRows(r, all));
    }
    out.push({ line: countLine(s), equal: equal === total, head, rows });
  }
  return out;
}

export function renderDiff(inputs: readonly DiffInput[], sections: readonly Section[], opts: RenderOptions): string {
  const { style } = opts;
  const out: string[] = [];
  for (const b of diffBlocks(inputs, sections, opts.all)) {
    if (b.line !== undefined) out.push(b.equal ? style.dim(b.line) : style.head(b.line));
    if (b.rows.length) out.push(table(b.head, b.rows, opts));
  }
  return `${out.join('\n')}\n`;
}
