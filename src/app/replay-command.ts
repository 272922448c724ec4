// The replay use case as the CLI runs it: files in, a Reporter out (text or JSON Lines, chosen
// once), an exit status.
import { replayFile, type ConnectionFilter } from './replay.js';
import type { Connection, Finding } from '../tls/model.js';
import type { SecretsLookup, SessionObserver } from '../tls/session.js';
import { isKeyLogError, loadKeyLogs } from './keys.js';
import { TraceCollector } from '../tls/trace.js';
import { severityRank } from '../rules/index.js';
import { makeProgress } from '../report/progress.js';
import type { ColorChoice } from '../report/style.js';
import { ReplaySummary } from '../report/summary.js';
import { streamReporter } from '../report/reporters/index.js';
import type { Io } from './io.js';
import { enrich } from './enrich.js';

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
  /** Key-log files (SSLKEYLOGFILE format): connections they have secrets for are decrypted. */
  keylog?: string[];
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
  const progress = makeProgress(io.err as NodeJS.WriteStream, opts.progress && !opts.json);
  const tracing = (opts.trace ?? false) && !opts.json;
  const reporter = streamReporter(opts.json ? 'json' : 'text', {
    out: io.out,
    err: io.err,
    color: opts.color,
    verbose: opts.verbose,
    ...(tracing ? { trace: { hex: opts.hex ?? false } } : {}),
    progress,
  });
  const summary = new ReplaySummary();
  summary.inputs = opts.files.length;
  /** Reading a pipe: each connection is written out as it comes, not with the next chunk. */
  let live = false;
  const traceOf = (observer: SessionObserver | undefined): TraceCollector | undefined => (observer instanceof TraceCollector ? observer : undefined);
  /** Judged and counted once, whether it is written now or waits for its turn. */
  const judge = (c: Connection): Connection => {
    enrich(c, { ja4Raw: opts.ja4Raw ?? false });
    summary.add(c);
    return c;
  };
  const stop = stopOnSignal();
  let secrets: SecretsLookup | undefined;
  if (opts.keylog?.length) {
    try {
      secrets = (await loadKeyLogs(opts.keylog, (m) => io.err.write(`tlspeek: warning: ${m}\n`))).lookup;
    } catch (e) {
      if (!isKeyLogError(e)) throw e;
      io.err.write(`tlspeek: ${e.message}\n`);
      return 1;
    }
  }
  for (const file of opts.files) {
    const result = await replayFile(file, opts.filter, {
      connection: (c, observer) => {
        reporter.connection(judge(c), traceOf(observer));
        if (live) reporter.flush();
      },
      // A connection that waits for an earlier one: its output is made now and written in its turn.
      hold: (c, observer) => {
        const trace = traceOf(observer);
        judge(c);
        return reporter.hold ? reporter.hold(c, trace) : () => reporter.connection(c, trace);
      },
      opened: (_f, info) => {
        live = info.stream;
        if (live) stop.arm();
      },
      ...(tracing ? { observer: (endpoints: [string, string]) => new TraceCollector(endpoints) } : {}),
      warning: (m) => {
        progress.finish();
        reporter.flush();
        io.err.write(`tlspeek: warning: ${m}\n`);
      },
      progress: (f, done, total) => progress.update(f, done, total),
      backpressure: () => reporter.flush(),
    }, { ...(opts.maxFlows !== undefined ? { maxFlows: opts.maxFlows } : {}), signal: stop.signal, ...(secrets ? { secrets } : {}) });
    stop.disarm();
    live = false;
    summary.hidden.empty += result.empty;
    summary.hidden.filtered += result.filtered;
    reporter.flush();
    progress.finish();
    if (!result.ok) {
      summary.unreadable++;
      io.err.write(`tlspeek: ${result.error}\n`);
    }
  }
  await reporter.end(summary);
  if (summary.unreadable > 0) return 1;
  if (opts.failOn && summary.worst && severityRank(summary.worst) <= severityRank(opts.failOn)) return FINDINGS_EXIT;
  return 0;
}
