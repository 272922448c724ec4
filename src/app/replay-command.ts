// The replay use case as the CLI runs it: files in, text or JSON Lines out, an exit status.
import { replayFile, type ConnectionFilter } from './replay.js';
import type { Connection, Finding } from '../tls/model.js';
import { severityRank } from '../rules/index.js';
import { renderConnection } from '../report/text.js';
import { renderTable } from '../report/table.js';
import { countOutcome, outcomeLine, type OutcomeCounts } from '../report/outcomes.js';
import { makeProgress } from '../report/progress.js';
import type { ColorChoice } from '../report/style.js';
import { Batch, drained, styleFor, type Io } from '../cli/io.js';
import { enrich } from './enrich.js';
import { TraceCollector } from './trace.js';
import { HeldLines } from './held-lines.js';
import { renderTrace } from '../report/trace.js';

export interface ReplayCommandOptions {
  files: string[];
  json: boolean;
  filter: ConnectionFilter;
  color: ColorChoice;
  verbose: boolean;
  progress: boolean;
  /** Exit with FINDINGS_EXIT when a finding of this severity or worse was raised. */
  failOn?: Finding['severity'];
  /** Text output: per record and message, the `openssl s_server -msg`-style trace before each connection. */
  trace?: boolean;
  /** With trace: hex dumps of the record headers and plaintext messages. */
  hex?: boolean;
  /** Add the raw (unhashed) JA4 to the fingerprints. */
  ja4Raw?: boolean;
  /** Most TCP flows tracked at once (DEFAULT_MAX_FLOWS when unset). */
  maxFlows?: number;
}

/**
 * One finding per rule id, in order of each id's first finding, the last of its findings
 * standing for it (what `new Map(list.map((f) => [f.id, f])).values()` gives, without the Map:
 * this runs on every connection and the list is short).
 */
export function distinctFindings(list: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  outer: for (let i = 0; i < list.length; i++) {
    const id = list[i]!.id;
    for (let j = 0; j < i; j++) if (list[j]!.id === id) continue outer;
    let last = list[i]!;
    for (let j = i + 1; j < list.length; j++) if (list[j]!.id === id) last = list[j]!;
    out.push(last);
  }
  return out;
}

/** The exit status for `--fail-on` when findings at that level were raised. */
export const FINDINGS_EXIT = 3;

/**
 * After Ctrl-C while reading a pipe, how long reading goes on before it stops: the capture
 * command in the same pipeline got the signal too, and what it writes as it exits (tcpdump
 * flushes its last packets) is still read, up to its end of file or this long.
 */
export const STOP_GRACE_MS = 500;

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

/**
 * While a pipe is read, the first SIGINT/SIGTERM ends the input (after STOP_GRACE_MS, or at once
 * on a second): the connections still open are reported and the closing line printed, as tcpdump
 * prints its count when stopped. A file is not affected: the signal ends the process as usual.
 */
function stopOnSignal(): { signal: AbortSignal; arm(): void; disarm(): void } {
  const ctl = new AbortController();
  let armed = false;
  let grace: NodeJS.Timeout | undefined;
  const onSignal = (): void => {
    if (grace !== undefined) return ctl.abort();
    grace = setTimeout(() => ctl.abort(), STOP_GRACE_MS);
    grace.unref();
  };
  return {
    signal: ctl.signal,
    arm() {
      if (armed) return;
      armed = true;
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    },
    disarm() {
      if (grace !== undefined) clearTimeout(grace);
      if (!armed) return;
      armed = false;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Exit status: 0; 1 when some file could not be read at all; 3 when --fail-on findings were raised. */
export async function runReplayCommand(opts: ReplayCommandOptions, io: Io): Promise<number> {
  const style = styleFor(io, opts.color);
  const progress = makeProgress(io.err as NodeJS.WriteStream, opts.progress && !opts.json);
  let failed = 0;
  const totals = { connections: 0, tls: 0, notTls: 0 };
  const outcomes: OutcomeCounts = new Map();
  const hidden = { empty: 0, filtered: 0 };
  /** Reading a pipe: each connection is written out as it comes, not with the next chunk. */
  let live = false;
  const findings = new Map<string, { severity: Finding['severity']; connections: number }>();
  let worst: Finding['severity'] | undefined;
  const tracing = (opts.trace ?? false) && !opts.json;
  const out = new Batch(io.out);
  const render = (c: Connection, observer?: unknown): string =>
    (tracing && observer instanceof TraceCollector ? `${renderTrace(c, observer, { style, hex: opts.hex ?? false })}\n` : '') +
    `${renderConnection(c, { style, verbose: opts.verbose })}\n\n`;
  /** With `held`, the text is made now and kept there, to be written when the connection's turn comes (hold below). */
  const emit = (c: Connection, observer?: unknown, held?: { output: string }): void => {
    enrich(c, { ja4Raw: opts.ja4Raw ?? false });
    for (const f of distinctFindings(c.findings!)) {
      const seen = findings.get(f.id) ?? { severity: f.severity, connections: 0 };
      seen.connections++;
      if (severityRank(f.severity) < severityRank(seen.severity)) seen.severity = f.severity;
      findings.set(f.id, seen);
      if (!worst || severityRank(f.severity) < severityRank(worst)) worst = f.severity;
    }
    totals.connections++;
    if (!c.tls) totals.notTls++;
    else countOutcome(outcomes, c);
    if (c.tls) totals.tls++;
    if (held) {
      if (!opts.json) held.output = render(c, observer);
    } else if (opts.json) {
      out.json(c);
    } else {
      progress.finish();
      out.write(render(c, observer));
    }
    if (live) out.flush();
  };
  const heldLines = opts.json ? new HeldLines() : undefined;
  const writeBytes = (b: Buffer): void => out.bytes(b);
  /**
   * A connection that waits for an earlier one: enriched, counted and its output made now, and
   * written in its turn. What waits is its text or its JSON bytes (HeldLines says why), not the
   * decoded connection.
   */
  const hold = (c: Connection, observer?: unknown): (() => void) => {
    const held = { output: '' };
    emit(c, observer, held);
    if (heldLines) {
      const line = heldLines.hold(c);
      return () => heldLines.release(line, writeBytes);
    }
    return () => {
      progress.finish();
      out.write(held.output);
    };
  };
  const stop = stopOnSignal();
  for (const file of opts.files) {
    const result = await replayFile(file, opts.filter, {
      connection: emit,
      hold,
      opened: (_f, info) => {
        live = info.stream;
        if (live) stop.arm();
      },
      ...(tracing ? { observer: (endpoints: [string, string]) => new TraceCollector(endpoints) } : {}),
      warning: (m) => {
        progress.finish();
        out.flush();
        io.err.write(`tlspeek: warning: ${m}\n`);
      },
      progress: (f, done, total) => progress.update(f, done, total),
      backpressure: () => {
        out.flush();
        return drained(io.out);
      },
    }, { ...(opts.maxFlows !== undefined ? { maxFlows: opts.maxFlows } : {}), signal: stop.signal });
    stop.disarm();
    live = false;
    hidden.empty += result.empty;
    hidden.filtered += result.filtered;
    out.flush();
    progress.finish();
    if (!result.ok) {
      failed++;
      io.err.write(`tlspeek: ${result.error}\n`);
    }
  }
  if (!opts.json && failed < opts.files.length) {
    const t = totals;
    // Why some connection numbers never showed goes at the end of the closing line, before its newline.
    const note = hiddenNote(hidden.empty, hidden.filtered);
    const closingLine = (text: string): void => void io.out.write(note ? text.replace(/\n$/, `${style.dim(note)}\n`) : text);
    closingLine(
      style.dim(`${t.connections} connection${t.connections === 1 ? '' : 's'}: ${t.tls} TLS (${outcomeLine(outcomes)}), ${t.notTls} not TLS`) + '\n',
    );
    if (findings.size > 0) {
      const rows = [...findings]
        .sort((a, b) => severityRank(a[1].severity) - severityRank(b[1].severity) || b[1].connections - a[1].connections || a[0].localeCompare(b[0]))
        .map(([id, f]) => [f.severity === 'error' ? style.bad(f.severity) : f.severity === 'warning' ? style.warn(f.severity) : style.info(f.severity), id, String(f.connections)]);
      const width = (io.out as { columns?: number }).columns;
      io.out.write(`${renderTable(['severity', 'finding', 'connections'], rows, { style, ...(width ? { width } : {}), align: ['left', 'left', 'right'] })}\n`);
    }
  }
  if (failed > 0) return 1;
  if (opts.failOn && worst && severityRank(worst) <= severityRank(opts.failOn)) return FINDINGS_EXIT;
  return 0;
}
