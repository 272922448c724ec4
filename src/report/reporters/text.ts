// Text for a terminal: one block per connection (with --trace, the record and message trace
// before it), then replay's closing line and findings table, or the proxy's summary table.
import type { Connection } from '../../tls/model.js';
import type { TraceCollector } from '../../tls/trace.js';
import { severityRank } from '../../rules/index.js';
import { drained } from '../../util/streams.js';
import { Batch } from '../batch.js';
import { outcomeLine, outcomeRows } from '../outcomes.js';
import type { Progress } from '../progress.js';
import type { Output, Reporter } from '../reporter.js';
import { makeStyle, useColor, type ColorChoice, type Style } from '../style.js';
import type { ProxySummary, ReplaySummary, Summary } from '../summary.js';
import { renderTable } from '../table.js';
import { renderConnection } from '../text.js';
import { renderTrace } from '../trace.js';
import { outputWidth, wrapLine } from '../wrap.js';

export interface TextReporterOptions {
  /** Connections, and replay's closing line. */
  out: Output;
  /** The proxy's summary table (stdout stays the connections' alone). */
  err: Output;
  color: ColorChoice;
  verbose: boolean;
  /** `--trace` (and `--hex`): the trace collected for a connection goes before its block. */
  trace?: { hex: boolean };
  /** Cleared before each write, so a progress line on stderr never splits a block. */
  progress?: Progress;
}

/**
 * Why some connection numbers were never printed, for the closing line: "; 2 flows hidden: no
 * payload" or "; 5 flows hidden: 2 no payload, 3 filtered out". Empty when every number showed.
 */
export function hiddenNote(empty: number, filtered: number): string {
  const n = empty + filtered;
  if (n === 0) return '';
  const parts: [number, string][] = [[empty, 'no payload'], [filtered, 'filtered out']];
  const why = parts.filter(([k]) => k > 0).map(([k, what]) => (k === n ? what : `${k} ${what}`));
  return `; ${n} flow${n === 1 ? '' : 's'} hidden: ${why.join(', ')}`;
}

/** Replay's closing line ("N connections: …") and, when anything was found, the table of findings. */
export function renderReplaySummary(s: ReplaySummary, opts: { style: Style; width?: number }): string {
  const { style } = opts;
  // Why some connection numbers never showed goes at the end of the closing line.
  const note = hiddenNote(s.hidden.empty, s.hidden.filtered);
  const line = style.dim(`${s.connections} connection${s.connections === 1 ? '' : 's'}: ${s.tls} TLS (${outcomeLine(s.outcomes)}), ${s.notTls} not TLS`) + (note ? style.dim(note) : '');
  let text = `${opts.width ? wrapLine(line, { width: opts.width, hang: 2 }).join('\n') : line}\n`;
  if (s.findings.size > 0) {
    const rows = [...s.findings]
      .sort((a, b) => severityRank(a[1].severity) - severityRank(b[1].severity) || b[1].connections - a[1].connections || a[0].localeCompare(b[0]))
      .map(([id, f]) => [f.severity === 'error' ? style.bad(f.severity) : f.severity === 'warning' ? style.warn(f.severity) : style.info(f.severity), id, String(f.connections)]);
    text += `${renderTable(['severity', 'finding', 'connections'], rows, { style, ...(opts.width ? { width: opts.width } : {}), align: ['left', 'left', 'right'] })}\n`;
  }
  return text;
}

/** The proxy summary's rows of (what, count), grouped; empty groups are left out. */
export function proxySummaryRows(s: ProxySummary): string[][] {
  const rows: string[][] = [['connections', String(s.connections)]];
  for (const [label, n] of outcomeRows(s.outcomes)) rows.push([`  ${label}`, n]);
  if (s.notTls) rows.push(['  not TLS', String(s.notTls)]);
  if (s.empty) rows.push(['  no data', String(s.empty)]);
  if (s.backendFailed) rows.push(['  backend unreachable', String(s.backendFailed)]);
  if (s.refused) rows.push(['refused (--max-connections)', String(s.refused)]);
  rows.push(['bytes client → server', String(s.bytesUp)], ['bytes server → client', String(s.bytesDown)]);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [k, n] of sorted(s.versions)) rows.push([`version ${k}`, String(n)]);
  for (const [k, n] of sorted(s.suites)) rows.push([`suite ${k}`, String(n)]);
  for (const [k, n] of sorted(s.alerts)) rows.push([`alert ${k}`, String(n)]);
  for (const sev of ['error', 'warning', 'info'] as const) {
    if (s.findings[sev]) rows.push([`findings: ${sev}`, String(s.findings[sev])]);
  }
  return rows;
}

/** The proxy's summary table, printed on stderr at shutdown. */
export function renderProxySummary(s: ProxySummary, opts: { style: Style; width?: number }): string {
  return renderTable(['proxy summary', 'count'], proxySummaryRows(s), { ...opts, align: ['left', 'right'] });
}

export class TextReporter implements Reporter {
  private readonly style: Style;
  private readonly batch: Batch;
  /** Columns the text fits: COLUMNS, else the terminal's, else 100 (report/wrap.ts). */
  private readonly width: number;

  constructor(private readonly o: TextReporterOptions) {
    this.style = makeStyle(useColor(o.out, o.color));
    this.batch = new Batch(o.out);
    this.width = outputWidth(o.out);
  }

  private render(c: Connection, trace: TraceCollector | undefined): string {
    const before = this.o.trace && trace ? `${renderTrace(c, trace, { style: this.style, hex: this.o.trace.hex, width: this.width })}\n` : '';
    return `${before}${renderConnection(c, { style: this.style, verbose: this.o.verbose, width: this.width })}\n\n`;
  }

  connection(c: Connection, trace?: TraceCollector): void {
    const text = this.render(c, trace);
    this.o.progress?.finish();
    this.batch.write(text);
  }

  hold(c: Connection, trace?: TraceCollector): () => void {
    const text = this.render(c, trace);
    return () => {
      this.o.progress?.finish();
      this.batch.write(text);
    };
  }

  flush(): Promise<void> | undefined {
    this.batch.flush();
    return drained(this.o.out);
  }

  async end(s: Summary): Promise<void> {
    this.batch.flush();
    if (s.kind === 'replay') {
      // Nothing to sum up when no input could be read: the errors said it all.
      if (s.unreadable >= s.inputs) return;
      this.o.out.write(renderReplaySummary(s, { style: this.style, width: this.width }));
    } else {
      const style = makeStyle(useColor(this.o.err, this.o.color));
      this.o.err.write(`${renderProxySummary(s, { style, width: outputWidth(this.o.err) })}\n`);
    }
  }
}
