// `tlspeek replay`: every TCP connection of one or more capture files through the
// same TlsSession the proxy uses, one report per connection as soon as it ends.
import { readCapture } from '../capture/reader.js';
import { CaptureError } from '../capture/types.js';
import { DEFAULT_MAX_FLOWS, FlowTable, type FlowInfo, type FlowHandler, type Endpoint } from '../capture/flows.js';
import { TlsSession, type SessionObserver, type Side } from '../tls/session.js';
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
  /** A decoded connection, in the order connections end; with the observer made for it, if any. */
  connection(c: Connection, observer?: SessionObserver): void;
  /** Taps for one connection's session (`--trace`), given the endpoints of side 0 and side 1. */
  observer?(endpoints: [string, string]): SessionObserver;
  /** A recoverable problem with the file (truncated tail, fragments, …); the message names the file. */
  warning(message: string): void;
  progress?(file: string, bytesRead: number, totalBytes: number): void;
  /** A promise while the consumer's output is full: reading pauses until it resolves. */
  backpressure?(): Promise<void> | undefined;
}

export interface FileResult {
  file: string;
  ok: boolean;
  /** Set when the file as a whole could not be read. */
  error?: string;
  packets: number;
  connections: number;
  emitted: number;
}

export function endpointString(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

export function matches(c: Connection, f: ConnectionFilter): boolean {
  if (f.connection !== undefined && c.id !== f.connection) return false;
  if (f.port !== undefined) {
    const port = (ep: string) => Number(ep.slice(ep.lastIndexOf(':') + 1));
    if (port(c.client) !== f.port && port(c.server) !== f.port) return false;
  }
  if (f.host !== undefined) {
    const host = (ep: string) => ep.slice(0, ep.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    const h = f.host.replace(/^\[|\]$/g, '').toLowerCase();
    const sni = c.clientHello?.serverName?.toLowerCase();
    if (host(c.client) !== h && host(c.server) !== h && sni !== h) return false;
  }
  return true;
}

export interface ReplayOptions {
  /** Most TCP flows tracked at once (DEFAULT_MAX_FLOWS); beyond it the least recently active is reported early. */
  maxFlows?: number;
  /** Read size (tests use small ones: every read reuses one buffer). */
  chunkBytes?: number;
}

/** Decodes one capture file; resolves with what happened, never rejects. */
export async function replayFile(file: string, filter: ConnectionFilter, cb: ReplayCallbacks, opts: ReplayOptions = {}): Promise<FileResult> {
  const result: FileResult = { file, ok: true, packets: 0, connections: 0, emitted: 0 };
  const maxFlows = opts.maxFlows ?? DEFAULT_MAX_FLOWS;
  let evictionWarned = false;
  const flows = new FlowTable({
    warning: (m) => cb.warning(`${file}: ${m}`),
    open(flow: FlowInfo): FlowHandler {
      result.connections++;
      const endpoints: [string, string] = [endpointString(flow.a), endpointString(flow.b)];
      const observer = cb.observer?.(endpoints);
      const session = new TlsSession({
        source: 'replay',
        id: flow.id,
        file,
        endpoints,
        initiator: 0,
        midstream: !flow.sawSyn,
        ...(observer ? { observer } : {}),
      });
      let bytes = 0;
      return {
        data(side: Side, chunk, meta) {
          bytes += chunk.length;
          session.feed(side, chunk, meta);
        },
        gap(side: Side, length, meta) {
          session.gap(side, length, meta);
        },
        close(reason) {
          if (reason === 'evicted' && !evictionWarned) {
            evictionWarned = true;
            cb.warning(
              `${file}: more than ${maxFlows} TCP connections open at once: the least recently active ones are reported ` +
                'before they end, and their later packets start new, mid-stream connections (raise --max-flows)',
            );
          }
          session.end(0);
          session.end(1);
          // A TCP flow that never carried a byte (a probe, a port scan) is not a connection worth a report.
          if (bytes === 0) return;
          const c = session.result();
          if (!matches(c, filter)) return;
          result.emitted++;
          cb.connection(c, observer);
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
      },
      {
        ...(cb.progress ? { onProgress: (read: number, total: number) => cb.progress!(file, read, total) } : {}),
        ...(cb.backpressure ? { backpressure: cb.backpressure } : {}),
        ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}),
      },
    );
    result.packets = summary.packets;
  } catch (e) {
    result.ok = false;
    result.error = e instanceof CaptureError ? e.message : `${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  // Whatever was read is still reported, even when the file broke off.
  flows.end();
  return result;
}
