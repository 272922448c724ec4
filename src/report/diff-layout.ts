// Wrapping the cells of `tlspeek diff`'s tables before they reach the table. cli-table3 wraps on
// word boundaries but cuts a word longer than its column with "…"; a file path, a DN or a scheme
// name must not lose its end, so cells are wrapped here (words first, then long words at "/",
// ",", "_", "-", ":", ".") to the widths table.ts will choose, and colour is applied per line
// afterwards.
import { fitColumns } from './table.js';

export type Tone = 'warn' | 'bad' | 'ok';

export interface Cell {
  text: string;
  tone?: Tone;
}

const width = (s: string): number => [...s].length;

/** Cuts one word into pieces of at most `max`, preferring to cut after a separator. */
function breakWord(word: string, max: number): string[] {
  const out: string[] = [];
  let rest = [...word];
  while (rest.length > max) {
    let cut = max;
    for (let i = max; i >= Math.ceil(max / 2); i--) {
      if ('/,_-:.='.includes(rest[i - 1]!)) {
        cut = i;
        break;
      }
    }
    out.push(rest.slice(0, cut).join(''));
    rest = rest.slice(cut);
  }
  out.push(rest.join(''));
  return out;
}

/** Greedy word wrap to `max` columns; existing line breaks are kept. */
export function wrapText(text: string, max: number): string {
  if (max < 1) return text;
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const indent = /^ */.exec(line)![0];
    let cur = '';
    for (const word of line.slice(indent.length).split(' ')) {
      const pieces = breakWord(word, Math.max(1, max - (cur ? 0 : indent.length)));
      for (const piece of pieces) {
        if (!cur) cur = indent.length + width(piece) <= max ? indent + piece : piece;
        else if (width(cur) + 1 + width(piece) <= max) cur += ` ${piece}`;
        else {
          lines.push(cur);
          cur = width(indent) + width(piece) <= max ? indent + piece : piece;
        }
      }
    }
    lines.push(cur);
  }
  return lines.join('\n');
}

/** Wraps every cell to the column widths the table will use for `maxWidth` columns in all. */
export function fitCells(head: Cell[], rows: Cell[][], maxWidth: number | undefined): { head: Cell[]; rows: Cell[][] } {
  if (maxWidth === undefined) return { head, rows };
  const cols = Math.max(head.length, ...rows.map((r) => r.length));
  const natural = Array.from({ length: cols }, (_, i) =>
    Math.max(...[head[i], ...rows.map((r) => r[i])].map((c) => Math.max(0, ...(c?.text ?? '').split('\n').map(width)))),
  );
  // fitColumns counts one space of padding on each side.
  const inner = fitColumns(natural, maxWidth).map((w) => w - 2);
  const wrap = (r: Cell[]): Cell[] => r.map((c, i) => ({ ...c, text: wrapText(c.text, inner[i]!) }));
  return { head: wrap(head), rows: rows.map(wrap) };
}
