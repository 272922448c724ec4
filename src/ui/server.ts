// `tlspeek proxy --ui`: the live page's HTTP server. Read-only: GET and HEAD only, and nothing
// it answers changes the proxy. Pages are rendered by report/live.ts; this file routes, guards
// and sends.
//
//   /                     the live list (rows newest first; app.js adds new ones as they come)
//   /events               Server-Sent Events of the store's changes (events.ts)
//   /c/N                  one connection, as `tlspeek report` shows it
//   /diff?id=A&id=B       `tlspeek diff` of the connections named (&all=1: every field, as --all)
//   /connections.jsonl    JSON Lines    } of the connections named by id=…,
//   /connections.pcap     pcap          } or of every connection kept
//   /report.html          self-contained HTML report (report/html.ts)
//   /app.js, /style.css   the page's script and style (no inline script or style anywhere)
//
// Guards: on loopback the Host header must name a loopback address or localhost (a web page
// elsewhere cannot reach the UI through DNS rebinding); on any other address every path starts
// with a random token printed at start-up. A strict Content-Security-Policy, nosniff, no framing,
// no CORS headers at all (no other origin may read anything).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildSections } from '../diff/sections.js';
import type { DiffInput } from '../diff/json.js';
import { renderHtml } from '../report/html.js';
import { LIVE_CSS, LIVE_JS, connectionPage, diffPage, livePage, problemPage } from '../report/live.js';
import { pcapOf, type PcapRecording } from '../proxy/pcap-memory.js';
import { formatHostPort, isLoopback, type HostPort } from '../proxy/address.js';
import { UI_MAX_EVENT_STREAMS, UI_MAX_SELECTION } from '../limits.js';
import { EventStream } from './events.js';
import type { LiveEntry, LiveStore } from './store.js';

export interface UiServerOptions {
  listen: HostPort;
  /** The page's heading: the proxy's listen and backend addresses. */
  title: string;
  /** Required in every path; made at random when the address is not loopback. */
  token?: string;
  /** Bytes queued per event stream before it is behind (default UI_CLIENT_QUEUE_BYTES; tests make it small). */
  queueBytes?: number;
}

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// A download is not rendered here; if a browser tries, it runs nothing.
const DOWNLOAD_CSP = "default-src 'none'; sandbox";

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A token for a non-loopback --ui address: 128 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export class UiServer {
  private readonly server: Server;
  private readonly streams = new Set<EventStream>();
  private readonly prefix: string;
  private port = 0;

  constructor(
    private readonly store: LiveStore,
    private readonly o: UiServerOptions,
  ) {
    this.prefix = o.token ? `/${o.token}/` : '/';
    this.server = createServer((req, res) => this.handle(req, res));
    // A page client that stops answering must not keep a socket for ever (event streams excepted: see events.ts).
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  /** Binds; resolves with the page's URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.o.listen.host, port: this.o.listen.port, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const a = this.server.address() as AddressInfo;
    this.port = a.port;
    return `http://${formatHostPort(a.address, a.port)}${this.prefix}`;
  }

  /** Ends every event stream and closes the listening socket. */
  async close(): Promise<void> {
    for (const s of [...this.streams]) s.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Browsers keep idle connections open; nothing of the page is worth waiting for.
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // A problem page's way back to the list and its style sheet, from where it was asked for.
    let root = '';
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new HttpProblem(405, `${req.method ?? '?'} is not served: the live page is read-only`);
      }
      if (!this.o.token && !this.hostAllowed(req.headers.host)) throw new HttpProblem(421, 'this page answers to localhost and loopback addresses only');
      const url = new URL(req.url ?? '/', 'http://ui.invalid');
      const path = this.route(url.pathname);
      root = '../'.repeat(path.split('/').length - 1);
      this.serve(path, url.searchParams, req, res);
    } catch (e) {
      const status = e instanceof HttpProblem ? e.status : 500;
      const message = e instanceof HttpProblem ? e.message : `internal error: ${(e as Error).message}`;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      this.send(res, status, 'text/html; charset=utf-8', problemPage(message, 'tlspeek live page', root), req.method === 'HEAD');
    }
  }

  /** The path below the prefix (token checked in constant time), or a 404. */
  private route(pathname: string): string {
    if (!this.o.token) return pathname.slice(1);
    const given = Buffer.from(pathname.slice(0, this.prefix.length));
    const want = Buffer.from(this.prefix);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new HttpProblem(404, 'not found (the URL printed at start-up holds the access token)');
    return pathname.slice(this.prefix.length);
  }

  private hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
    if (!m) return false;
    const name = m[1]!.replace(/^\[|\]$/g, '');
    return (m[2] === undefined || Number(m[2]) === this.port) && isLoopback(name);
  }

  private serve(path: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const head = req.method === 'HEAD';
    const html = (status: number, body: string) => this.send(res, status, 'text/html; charset=utf-8', body, head);
    if (path === '') {
      const rows = this.store.newestFirst().map((e) => e.row);
      return html(200, livePage(rows, { title: this.o.title, keep: this.store.keep, dropped: this.store.dropped, seq: this.store.lastSeq, run: this.store.run }));
    }
    if (path === 'app.js') return this.send(res, 200, 'text/javascript; charset=utf-8', LIVE_JS, head);
    if (path === 'style.css') return this.send(res, 200, 'text/css; charset=utf-8', LIVE_CSS, head);
    if (path === 'events') return this.events(q, req, res);
    const one = /^c\/(\d{1,9})$/.exec(path);
    if (one) {
      const e = this.store.get(Number(one[1]));
      if (!e) throw new HttpProblem(404, `connection #${one[1]} is not kept (the page keeps the last ${this.store.keep.toLocaleString('en-US')})`);
      return html(200, connectionPage(e.connection, this.o.title));
    }
    if (path === 'diff') {
      const entries = this.selection(q, false);
      if (entries.length < 2) throw new HttpProblem(400, 'select two connections or more to compare');
      const conns = entries.map((e) => e.connection);
      const inputs: DiffInput[] = conns.map((c) => ({ label: `#${c.id}`, input: `#${c.id} ${c.client}`, connection: c }));
      return html(
        200,
        diffPage(
          inputs,
          buildSections(
            conns,
            conns.map((c) => c.findings ?? null),
          ),
          this.o.title,
          q.get('all') === '1',
        ),
      );
    }
    if (path === 'connections.jsonl') {
      const body = this.selection(q, true)
        .map((e) => `${JSON.stringify(e.connection)}\n`)
        .join('');
      return this.download(res, 'application/jsonl; charset=utf-8', 'tlspeek-connections.jsonl', body, head);
    }
    if (path === 'connections.pcap') {
      const recordings = this.selection(q, true)
        .map((e) => e.pcap)
        .filter((p): p is PcapRecording => p !== undefined);
      return this.download(res, 'application/vnd.tcpdump.pcap', 'tlspeek-connections.pcap', pcapOf(recordings), head);
    }
    if (path === 'report.html') {
      const conns = this.selection(q, true).map((e) => e.connection);
      return this.download(res, 'text/html; charset=utf-8', 'tlspeek-report.html', renderHtml(conns, { title: this.o.title, generated: new Date().toISOString() }), head);
    }
    throw new HttpProblem(404, `not found: /${path}`);
  }

  /**
   * The connections named by `id=` (each kept one, in number order), or with no `id` and
   * `allByDefault`, every one kept. A number not kept is an error: a download must not silently
   * hold less than was asked.
   */
  private selection(q: URLSearchParams, allByDefault: boolean): LiveEntry[] {
    const ids = q.getAll('id');
    if (ids.length === 0) return allByDefault ? this.store.newestFirst().reverse() : [];
    if (ids.length > UI_MAX_SELECTION) throw new HttpProblem(400, `at most ${UI_MAX_SELECTION} connections at once`);
    const out = new Map<number, LiveEntry>();
    for (const raw of ids) {
      if (!/^\d{1,9}$/.test(raw)) throw new HttpProblem(400, `id=${raw}: not a connection number`);
      const e = this.store.get(Number(raw));
      if (!e) throw new HttpProblem(404, `connection #${raw} is not kept (the page keeps the last ${this.store.keep.toLocaleString('en-US')})`);
      out.set(e.id, e);
    }
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  private events(q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'HEAD') return this.send(res, 200, 'text/event-stream; charset=utf-8', '', true);
    if (this.streams.size >= UI_MAX_EVENT_STREAMS) throw new HttpProblem(503, `${UI_MAX_EVENT_STREAMS} pages are open already; close one`);
    // A reconnecting EventSource says where it was; a page just loaded says what it was rendered with.
    const last = req.headers['last-event-id'] ?? q.get('since') ?? '0';
    const since = /^\d{1,15}$/.test(String(last)) ? Number(last) : 0;
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    const stream: EventStream = new EventStream(res, this.store, since, () => this.streams.delete(stream), this.o.queueBytes);
    this.streams.add(stream);
  }

  private download(res: ServerResponse, type: string, name: string, body: string | Buffer, head: boolean): void {
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    this.send(res, 200, type, body, head, DOWNLOAD_CSP);
  }

  private send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, csp = PAGE_CSP): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, { ...COMMON_HEADERS, 'Content-Security-Policy': csp, 'Content-Type': type, 'Content-Length': bytes.length });
    res.end(head ? undefined : bytes);
  }
}

/** The page's address is reachable from other hosts: say so, and require the token. */
export function needsToken(listen: HostPort): boolean {
  return !isLoopback(listen.host);
}
