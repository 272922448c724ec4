// The proxy use case, without yargs: listen, relay every connection to the backend byte for
// byte, report each decoded handshake through the Reporter chosen once (text or JSON Lines, as
// replay does) and, with --ui, into the live page's store (ui/), and on SIGINT / SIGTERM (or
// when a test stops it) drain, close, and end the report: the summary table on stderr, the
// --html document.
//
// A connection is judged once (rules and fingerprints, app/enrich.ts), when it is reported: as
// soon as its handshake is decided, or at its close. Its final state at close (closes, alerts and
// bytes that came after) carries that judgement to the summary and the --html document.
import { FollowedKeyLogs } from './keys.js';
import type { Connection, Finding, Fingerprints } from '../tls/model.js';
import type { ColorChoice } from '../report/style.js';
import { ProxySummary } from '../report/summary.js';
import { streamReporter } from '../report/reporters/index.js';
import { HtmlReporter } from '../report/reporters/html.js';
import type { Io } from './io.js';
import { formatHostPort, isLoopback, type HostPort } from '../proxy/address.js';
import { ProxyServer, type CloseInfo } from '../proxy/listener.js';
import { enrich } from './enrich.js';
import { writeFile } from 'node:fs/promises';
import { PcapRecorder } from '../proxy/pcap-memory.js';
import { LiveStore } from '../ui/store.js';
import { needsToken, newToken, UiServer } from '../ui/server.js';
import { UI_PCAP_BYTES } from '../limits.js';

export interface ProxyOptions {
  listen: HostPort;
  backend: HostPort;
  /** Milliseconds (default 5000). */
  connectTimeoutMs: number;
  /** Milliseconds; 0 = none (the CLI takes seconds, default 300). */
  idleTimeoutMs: number;
  maxConnections: number;
  writePcap?: string;
  /** Write a self-contained HTML report of every connection to this file on exit. */
  html?: string;
  json: boolean;
  color: ColorChoice;
  verbose: boolean;
  /** How long open connections may go on after a stop request (default 2000 ms). */
  graceMs?: number;
  /**
   * Key-log files to follow while the proxy runs (a browser appends its lines as it connects):
   * the handshakes of the connections they have keys for are decrypted.
   */
  keylog?: string[];
  /**
   * How long a connection waits for its line in the followed key log before its protected records
   * are reported as unreadable (default KEY_LOG_WAIT_MS; tests shorten it).
   */
  keyWaitMs?: number;
  /** The live page (--ui): where it listens, and how many connections it keeps (--ui-keep). */
  ui?: { listen: HostPort; keep: number };
}

export interface ProxyHandle {
  /** The address actually bound (port 0 → the port the OS chose). */
  readonly address: HostPort;
  readonly summary: ProxySummary;
  /** Connections open right now. */
  readonly active: number;
  /** The live page's URL (token included) when --ui is on. */
  readonly uiUrl: string | undefined;
  /** Stops accepting, waits up to the grace period, closes the rest, prints the summary; resolves with the exit status. */
  stop(): Promise<number>;
}

export interface ProxyControl {
  /** Called once the listening socket is bound. */
  onListening?(handle: ProxyHandle): void;
  /** Aborting stops the proxy like SIGINT does. */
  signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers (default true). */
  handleSignals?: boolean;
}

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

export interface ProxyHooks {
  /** Every connection's final decoded state as it closes (after the report was printed). */
  closed?(c: Connection): void;
}

/** Most connections kept for --html; a report of more would not be readable anyway. */
export const MAX_HTML_CONNECTIONS = 10_000;

/** Starts the proxy; rejects when the address cannot be bound. */
export async function startProxy(opts: ProxyOptions, io: Io, hooks: ProxyHooks = {}): Promise<ProxyHandle> {
  const reporter = streamReporter(opts.json ? 'json' : 'text', { out: io.out, err: io.err, color: opts.color, verbose: opts.verbose });
  // --html keeps every connection's final state for the document; bounded for long runs.
  let html: HtmlReporter | undefined;
  const summary = new ProxySummary();
  /** The judgement of each connection reported and not yet closed. */
  const judged = new Map<number, { findings: Finding[]; fingerprints: Fingerprints | undefined }>();
  const line = (m: string) => io.err.write(`tlspeek: ${m}\n`);

  // The live page: its store of the last --ui-keep connections, each with its packets.
  const live = opts.ui ? { store: new LiveStore(opts.ui.keep), recorder: new PcapRecorder(UI_PCAP_BYTES) } : undefined;

  // One report per connection, written at once (a live log).
  const report = (c: Connection): void => {
    enrich(c);
    judged.set(c.id, { findings: c.findings!, fingerprints: c.fingerprints });
    reporter.connection(c);
    reporter.flush();
    live?.store.put(c, false, live.recorder.get(c.id));
  };

  const closed = (i: CloseInfo): void => {
    const judgement = judged.get(i.id);
    judged.delete(i.id);
    const c = i.connection;
    if (c && judgement) {
      c.findings = judgement.findings;
      if (judgement.fingerprints) c.fingerprints = judgement.fingerprints;
    }
    summary.add(c, i.bytes);
    // Every connection that carried a byte was reported, and so judged.
    const shown = c && (c.tls || c.stats.client.bytes > 0) ? (c.findings ? c : enrich(c)) : undefined;
    if (html && shown) html.connection(shown);
    const recording = live?.recorder.take(i.id);
    if (live && shown) live.store.put(shown, true, recording);
    if (c && hooks.closed) hooks.closed(c);
    if (opts.verbose) {
      const how = `client ${i.endings[0] === 'fin' ? 'FIN' : i.endings[0] === 'reset' ? 'RST' : 'closed'}, server ${i.endings[1] === 'fin' ? 'FIN' : i.endings[1] === 'reset' ? 'RST' : 'closed'}`;
      line(
        `#${i.id} closed ${i.client}: ${bytesText(i.bytes[0])} up, ${bytesText(i.bytes[1])} down, ${(i.durationMs / 1000).toFixed(2)} s (${how}${i.reason ? `; ${i.reason}` : ''})`,
      );
    }
  };

  // Followed for the proxy's life: lines written while a handshake passes through still open it.
  const keyLogs = opts.keylog?.length ? new FollowedKeyLogs(opts.keylog, (m) => line(`warning: ${m}`)) : undefined;

  const server = new ProxyServer(
    {
      ...(keyLogs ? { secrets: keyLogs.lookup } : {}),
      ...(opts.keyWaitMs !== undefined ? { keyWaitMs: opts.keyWaitMs } : {}),
      listen: opts.listen,
      backend: opts.backend,
      connectTimeoutMs: opts.connectTimeoutMs,
      idleTimeoutMs: opts.idleTimeoutMs,
      maxConnections: opts.maxConnections,
      ...(opts.writePcap !== undefined ? { writePcap: opts.writePcap } : {}),
      ...(live ? { record: live.recorder } : {}),
    },
    {
      open: (i) => {
        if (opts.verbose) line(`#${i.id} open ${i.client} → ${formatHostPort(opts.backend.host, opts.backend.port)}`);
      },
      connection: report,
      close: closed,
      problem: line,
      refused: (client) => {
        summary.refuse();
        line(`refused client ${client}: ${opts.maxConnections} connections already open (--max-connections)`);
      },
    },
  );

  const address = await server.listen();
  if (!isLoopback(address.host)) {
    line(`warning: listening on ${formatHostPort(address.host, address.port)}, reachable from other hosts; anyone who can connect is relayed to the backend`);
  }
  let ui: UiServer | undefined;
  let uiUrl: string | undefined;
  if (live && opts.ui) {
    const title = `tlspeek proxy ${formatHostPort(address.host, address.port)} → ${formatHostPort(opts.backend.host, opts.backend.port)}`;
    const token = needsToken(opts.ui.listen) ? newToken() : undefined;
    ui = new UiServer(live.store, { listen: opts.ui.listen, title, ...(token ? { token } : {}) });
    try {
      uiUrl = await ui.listen();
    } catch (e) {
      await server.stop(0);
      throw Object.assign(e as Error, { what: '--ui' });
    }
    if (token) line(`warning: the live page listens on ${formatHostPort(opts.ui.listen.host, opts.ui.listen.port)}, reachable from other hosts: it shows every handshake (names, certificates); only its URL, with the access token, opens it`);
    line(`live page: ${uiUrl}`);
  }
  const htmlFile = opts.html;
  if (htmlFile !== undefined) {
    html = new HtmlReporter({
      title: `tlspeek proxy ${formatHostPort(address.host, address.port)} → ${formatHostPort(opts.backend.host, opts.backend.port)}`,
      max: MAX_HTML_CONNECTIONS,
      // Connections close in any order; the document lists them by number.
      sortById: true,
      save: (doc) => writeFile(htmlFile, doc),
    });
  }
  let stopping: Promise<number> | undefined;
  const handle: ProxyHandle = {
    address,
    summary,
    get active() {
      return server.activeConnections;
    },
    uiUrl,
    stop() {
      stopping ??= (async () => {
        await server.stop(opts.graceMs ?? 2000);
        await ui?.close();
        await reporter.end(summary);
        if (html) {
          try {
            await html.end(summary);
            line(`wrote ${htmlFile} (${html.count} connection${html.count === 1 ? '' : 's'}${html.dropped ? `; ${html.dropped} more not kept` : ''})`);
          } catch (e) {
            line(`cannot write ${htmlFile}: ${(e as Error).message}`);
            return 1;
          }
        }
        return 0;
      })();
      return stopping;
    },
  };
  return handle;
}

/** Runs until SIGINT/SIGTERM (or control.signal); resolves with the exit status. */
export async function runProxy(opts: ProxyOptions, io: Io, control: ProxyControl = {}): Promise<number> {
  // Handlers first: a signal that comes while we are still binding stops the proxy right after.
  // The handlers stay installed (and do nothing more) until the summary is out: a signal sent
  // twice (e.g. by `timeout` to the process and to its group) must not kill the shutdown.
  let onStop = (): void => {};
  const stopRequested = new Promise<void>((resolve) => {
    onStop = () => resolve();
  });
  const removeHandlers = (): void => {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    control.signal?.removeEventListener('abort', onStop);
  };
  if (control.handleSignals !== false) {
    process.on('SIGINT', onStop);
    process.on('SIGTERM', onStop);
  }
  if (control.signal?.aborted) onStop();
  else control.signal?.addEventListener('abort', onStop, { once: true });

  let handle: ProxyHandle;
  try {
    handle = await startProxy(opts, io);
  } catch (e) {
    removeHandlers();
    const err = e as NodeJS.ErrnoException & { what?: string };
    const on = err.what === '--ui' && opts.ui ? opts.ui.listen : opts.listen;
    const where = `${formatHostPort(on.host, on.port)}${err.what ? ` (${err.what})` : ''}`;
    const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
    io.err.write(`tlspeek: cannot listen on ${where}: ${why}${err.code ? ` (${err.code})` : ''}\n`);
    return 1;
  }
  const { host, port } = handle.address;
  io.err.write(
    `tlspeek: proxying ${formatHostPort(host, port)} → ${formatHostPort(opts.backend.host, opts.backend.port)}${opts.writePcap !== undefined ? `, writing ${opts.writePcap}` : ''} (Ctrl-C for the summary)\n`,
  );
  control.onListening?.(handle);
  await stopRequested;
  try {
    return await handle.stop();
  } finally {
    removeHandlers();
  }
}
