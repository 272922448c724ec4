// `tlspeek replay`: every TCP connection of one or more captures through the same TlsSession the
// proxy uses, one report per connection.
//
// A file's connections come out in number order (numbers follow each connection's first packet,
// as tshark's tcp.stream does): a finished connection waits while an earlier one is still open.
// A pipe (`tcpdump -U -w - | tlspeek replay -`) is a capture still being written, so there each
// connection comes out as soon as it is over, or once its handshake has been decided for
// LIVE_REPORT_DELAY_MS while it stays open, whichever comes first, and only once.
import { readCapture, inputName, type InputInfo } from '../capture/reader.js';
import { CaptureError } from '../capture/types.js';
import { DEFAULT_MAX_FLOWS, FlowTable, type FlowInfo, type FlowHandler } from '../capture/flows.js';
import { TlsSession, type SecretsLookup, type SessionObserver, type Side } from '../tls/session.js';
import { KeyLog } from '../keylog/parse.js';
import { formatEndpoint, parseEndpoint } from '../util/endpoint.js';
import type { Connection } from '../tls/model.js';

export interface ConnectionFilter {
  /** Matches either endpoint's address, or the SNI. */
  host?: string;
  /** Matches either endpoint's port. */
  port?: number;
  /** The connection number within its file. */
  connection?: number;
}

export interface ReplayCallbacks {
  /**
   * A decoded connection with the observer made for it, if any: from a file in number order, from
   * a pipe as each is decided or over.
   */
  connection(c: Connection, observer?: SessionObserver): void;
  /**
   * Optional: a connection of a file that has to wait for an earlier one still open. Return what
   * prints it when its turn comes, and do the costly work now (render its output): what waits is
   * then a string, not the decoded connection and all it points to, which would outlive a few
   * young-generation collections and cost old-generation GC (on the bench capture most
   * connections end a little out of order and wait). Without it the connection itself waits and
   * goes to connection() in its turn.
   */
  hold?(c: Connection, observer?: SessionObserver): () => void;
  /** Taps for one connection's session (`--trace`), given the endpoints of side 0 and side 1. */
  observer?(endpoints: [string, string]): SessionObserver;
  /** A recoverable problem with the file (truncated tail, fragments, …); the message names the file. */
  warning(message: string): void;
  progress?(file: string, bytesRead: number, totalBytes: number): void;
  /** A promise while the consumer's output is full: reading pauses until it resolves. */
  backpressure?(): Promise<void> | undefined;
  /** The input is open and is a capture: a pipe (`stream`) reports connections as they come, outside the reading of a chunk too. */
  opened?(file: string, info: InputInfo): void;
}

export interface FileResult {
  file: string;
  ok: boolean;
  /** Set when the file as a whole could not be read. */
  error?: string;
  packets: number;
  /** TCP connections found (each took a number). */
  connections: number;
  /** Connections reported. */
  emitted: number;
  /** Numbers not reported because their TCP connection carried no payload (a SYN and a RST, a port scan). */
  empty: number;
  /** Numbers not reported because the filter left them out. */
  filtered: number;
}

export function matches(c: Connection, f: ConnectionFilter): boolean {
  if (f.connection !== undefined && c.id !== f.connection) return false;
  if (f.port === undefined && f.host === undefined) return true; // no endpoint filter: nothing to parse
  const client = parseEndpoint(c.client);
  const server = parseEndpoint(c.server);
  if (f.port !== undefined && client.port !== f.port && server.port !== f.port) return false;
  if (f.host !== undefined) {
    const h = f.host.replace(/^\[|\]$/g, '').toLowerCase();
    const sni = c.clientHello?.serverName?.toLowerCase();
    if (client.ip !== h && server.ip !== h && sni !== h) return false;
  }
  return true;
}

export interface ReplayOptions {
  /** Most TCP flows tracked at once (DEFAULT_MAX_FLOWS); beyond it the least recently active is reported early. */
  maxFlows?: number;
  /** Read size (tests use small ones: every read reuses one buffer). */
  chunkBytes?: number;
  /** Stops reading a pipe (Ctrl-C): the connections still open are reported as at the end of a capture. */
  signal?: AbortSignal;
  /** From a pipe: how long a decided handshake may stay open before it is reported anyway (LIVE_REPORT_DELAY_MS). */
  liveDelayMs?: number;
  /** Keys by ClientHello random (`--keylog`): protected records of the connections they open are decrypted. */
  secrets?: SecretsLookup;
}

/**
 * From a pipe, how long after its handshake is decided an open connection waits before it is
 * reported anyway, in wall-clock time. Not zero: what follows a decided handshake at once is still
 * part of its story (a TLS 1.3 server refuses a client certificate with an alert after the client's
 * Finished; a short request ends with close_notify and FIN), and a connection that is over within
 * this time gets the same report as from a file. Short enough to read as "at once" in a terminal.
 */
export const LIVE_REPORT_DELAY_MS = 500;

/** A finished connection as it waits for its turn: what prints it. */
type Held = () => void;

/**
 * Puts a file's reports back in number order. A finished connection is held while one with a
 * lower number is still open. Held reports and open flows together stay within the flow cap
 * (--max-flows): a held report costs about what an open flow does (its decoded hellos,
 * certificates and ladder), so memory stays within the bound the cap already sets. When held
 * reports would pass it, the lowest-numbered connection still open stops holding the others back:
 * they come out, and it is reported when it ends, out of order (warned about once per file).
 */
class NumberOrder {
  /** Connections still open that later ones wait for. */
  private readonly blocking = new Set<number>();
  /** Open connections that no longer hold anything back: reported when they end. */
  private readonly overdue = new Set<number>();
  private readonly held = new Map<number, Held>();
  /** The lowest number that may still be open; every number below it has ended. */
  private low = 1;
  /** The next number to report (or to skip, when it has nothing to report). */
  private next = 1;
  private top = 0;

  constructor(
    private readonly maxFlows: number,
    private readonly outOfOrder: (id: number, waiting: number) => void,
  ) {}

  /** Whether connection `id`, ending now, can print at once: every number before it is done. */
  inTurn(id: number): boolean {
    return id === this.next && id === this.low;
  }

  opened(id: number): void {
    this.blocking.add(id);
    if (id > this.top) this.top = id;
  }

  /**
   * Connection `id` has ended; `h` prints it, undefined when it shows nothing or was printed
   * already (inTurn() said so).
   */
  ended(id: number, h: Held | undefined): void {
    if (this.overdue.delete(id)) {
      h?.();
      return;
    }
    this.blocking.delete(id);
    if (h) this.held.set(id, h);
    this.drain();
    while (this.held.size > 0 && this.held.size + this.blocking.size + this.overdue.size > this.maxFlows) {
      const id = this.low;
      this.outOfOrder(id, this.held.size);
      this.blocking.delete(id);
      this.overdue.add(id);
      this.drain();
    }
  }

  private drain(): void {
    while (this.low <= this.top && !this.blocking.has(this.low)) this.low++;
    while (this.next < this.low) {
      const h = this.held.get(this.next);
      if (h !== undefined) {
        this.held.delete(this.next);
        h();
      }
      this.next++;
    }
  }
}

/** Decodes one capture (a file, or `-` for standard input); resolves with what happened, never rejects. */
export async function replayFile(file: string, filter: ConnectionFilter, cb: ReplayCallbacks, opts: ReplayOptions = {}): Promise<FileResult> {
  const name = inputName(file);
  const result: FileResult = { file, ok: true, packets: 0, connections: 0, emitted: 0, empty: 0, filtered: 0 };
  const maxFlows = opts.maxFlows ?? DEFAULT_MAX_FLOWS;
  const delay = opts.liveDelayMs ?? LIVE_REPORT_DELAY_MS;
  let evictionWarned = false;
  let orderWarned = false;
  /** Set once the input turns out to be a pipe. */
  let live = false;
  // With -n N only one number can be reported, so nothing waits for the connections before it;
  // from a pipe nothing waits either (onOpen below drops it).
  let order =
    filter.connection === undefined
      ? new NumberOrder(maxFlows, (id, waiting) => {
          // Past the flow cap the eviction warning has said it already: connections come out early.
          if (orderWarned || evictionWarned) return;
          orderWarned = true;
          cb.warning(
            `${name}: connection #${id} is still open and ${waiting} later ones have ended, more than --max-flows lets wait: ` +
              `they are printed now, and #${id} (and any other that holds back this many) when it ends, out of number order (raise --max-flows)`,
          );
        })
      : undefined;
  // A report that throws from the timer (below) cannot reject the read: it stops it, and is the file's error.
  const failure = new AbortController();
  let failed: unknown;

  // From a pipe: handshakes decided and still open, oldest first, each reported once its time comes.
  const due: { at: number; report: (() => void) | null }[] = [];
  let dueHead = 0;
  let timer: NodeJS.Timeout | undefined;
  const fireDue = (): void => {
    timer = undefined;
    const now = performance.now();
    while (dueHead < due.length && due[dueHead]!.at <= now) {
      const d = due[dueHead++]!;
      try {
        d.report?.();
      } catch (e) {
        failed ??= e;
        failure.abort();
      }
    }
    if (dueHead === due.length) {
      due.length = 0;
      dueHead = 0;
    } else {
      if (dueHead > 1024 && dueHead * 2 > due.length) {
        due.splice(0, dueHead);
        dueHead = 0;
      }
      timer = setTimeout(fireDue, Math.max(1, due[dueHead]!.at - now));
      timer.unref();
    }
  };

  /** Secrets the capture carries itself (pcapng Decryption Secrets Blocks, before the packets they open). */
  let fileKeys: KeyLog | undefined;
  const fileLookup: SecretsLookup = (random) => opts.secrets?.(random) ?? fileKeys?.lookup(random);
  const flows = new FlowTable({
    warning: (m) => cb.warning(`${name}: ${m}`),
    open(flow: FlowInfo): FlowHandler {
      result.connections++;
      // Formatted here only for a trace; the session formats its own once for the model.
      const observer = cb.observer?.([formatEndpoint(flow.a.ip, flow.a.port), formatEndpoint(flow.b.ip, flow.b.port)]);
      const session = new TlsSession({
        source: 'replay',
        id: flow.id,
        file,
        endpoints: [flow.a, flow.b],
        initiator: 0,
        midstream: !flow.sawSyn,
        ...(observer ? { observer } : {}),
        ...(fileKeys ? { secrets: fileLookup } : opts.secrets ? { secrets: opts.secrets } : {}),
      });
      const id = flow.id;
      order?.opened(id);
      let bytes = 0;
      let reported = false;
      /** Its entry in `due` while it waits there. */
      let waiting: (typeof due)[number] | undefined;
      /** The report now, whether it shows (filter) or not; from a pipe it goes out at once. */
      const report = (): void => {
        reported = true;
        if (waiting) waiting.report = null;
        const c = session.result();
        if (!matches(c, filter)) {
          result.filtered++;
          order?.ended(id, undefined);
          return;
        }
        result.emitted++;
        if (!order || order.inTurn(id)) {
          // In number order already (the common case), or from a pipe: out at once.
          cb.connection(c, observer);
          order?.ended(id, undefined);
        } else {
          order.ended(id, cb.hold ? cb.hold(c, observer) : () => cb.connection(c, observer));
        }
      };
      return {
        data(side: Side, chunk, meta) {
          bytes += chunk.length;
          session.feed(side, chunk, meta);
          if (live && waiting === undefined && !reported && session.decided) {
            waiting = { at: performance.now() + delay, report };
            due.push(waiting);
            if (timer === undefined) {
              timer = setTimeout(fireDue, delay);
              timer.unref();
            }
          }
        },
        gap(side: Side, length, meta) {
          session.gap(side, length, meta);
        },
        ended(side: Side, how, meta) {
          session.closed(side, how, meta);
        },
        close(reason) {
          if (reason === 'evicted' && !evictionWarned) {
            evictionWarned = true;
            cb.warning(
              `${name}: more than ${maxFlows} TCP connections open at once: the least recently active ones are reported ` +
                'before they end, and their later packets start new, mid-stream connections (raise --max-flows)',
            );
          }
          session.end(0);
          session.end(1);
          if (waiting) waiting.report = null;
          if (reported) return;
          // A TCP flow that never carried a byte (a probe, a port scan) is not a connection worth a report.
          if (bytes === 0) {
            reported = true;
            result.empty++;
            order?.ended(id, undefined);
            return;
          }
          report();
        },
      };
    },
  }, { maxFlows });
  try {
    const summary = await readCapture(
      file,
      {
        packet: (p) => flows.packet(p),
        warning: (m) => cb.warning(m),
        secrets: (text, source) => {
          fileKeys ??= new KeyLog(undefined, (m) => cb.warning(m));
          const parser = fileKeys.parser(source, (m) => cb.warning(m));
          parser.push(text);
          parser.end();
        },
      },
      {
        ...(cb.progress ? { onProgress: (read: number, total: number) => cb.progress!(file, read, total) } : {}),
        ...(cb.backpressure ? { backpressure: cb.backpressure } : {}),
        ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}),
        signal: opts.signal ? AbortSignal.any([opts.signal, failure.signal]) : failure.signal,
        onOpen: (info) => {
          live = info.stream;
          if (live) order = undefined;
          cb.opened?.(file, info);
        },
      },
    );
    result.packets = summary.packets;
    if (failed !== undefined) throw failed;
  } catch (e) {
    result.ok = false;
    result.error = e instanceof CaptureError ? e.message : `${name}: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  // Whatever was read is still reported, even when the file broke off.
  flows.end();
  return result;
}
