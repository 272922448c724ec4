// One page's Server-Sent Events stream (text/event-stream, WHATWG HTML §9.2): every change of the
// store as an `event: connection` with the change's sequence number as its id.
//
// The relay never waits for a page. Writes only queue in the socket; once UI_CLIENT_QUEUE_BYTES
// are waiting the stream is "behind": nothing more is queued, and when the socket drains the
// page is sent every change after the last one it got, from the store (which is bounded, so
// catching up is too). A page that stays full for UI_STALLED_CLIENT_MS is closed; its browser
// reconnects with Last-Event-ID and catches up the same way.
import type { ServerResponse } from 'node:http';
import { UI_CLIENT_QUEUE_BYTES, UI_STALLED_CLIENT_MS } from '../limits.js';
import type { LiveEntry, LiveStore } from './store.js';

/** How often an idle stream gets a comment line, so that proxies and browsers keep it open. */
const KEEPALIVE_MS = 15_000;

function event(e: LiveEntry): string {
  // A row is one line of HTML; JSON keeps it on one `data:` line whatever it holds.
  return `id: ${e.seq}\nevent: connection\ndata: ${JSON.stringify({ id: e.id, closed: e.closed, row: e.row })}\n\n`;
}

export class EventStream {
  /** The last change this page was sent. */
  private sent: number;
  private behindSince: number | undefined;
  private readonly unsubscribe: () => void;
  private readonly keepalive: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly store: LiveStore,
    since: number,
    private readonly onClose: () => void,
    private readonly queueBytes = UI_CLIENT_QUEUE_BYTES,
    private readonly stalledMs = UI_STALLED_CLIENT_MS,
  ) {
    this.sent = since;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    // The run tells the page whether it still talks to the proxy that rendered it.
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ run: store.run, keep: store.keep })}\n\n`);
    this.catchUp();
    this.unsubscribe = store.subscribe((e) => this.change(e));
    res.on('close', () => this.close());
    this.keepalive = setInterval(() => this.ping(), KEEPALIVE_MS).unref();
  }

  private full(): boolean {
    return this.res.writableLength >= this.queueBytes;
  }

  private change(e: LiveEntry): void {
    if (this.behindSince === undefined) this.write(e);
    else this.dropIfStalled(this.behindSince);
  }

  /** Full since `since` for longer than the page may be: closed (its browser reconnects and catches up). */
  private dropIfStalled(since: number): void {
    if (Date.now() - since > this.stalledMs) this.res.destroy();
  }

  private write(e: LiveEntry): void {
    const room = this.res.write(event(e));
    this.sent = e.seq;
    if ((!room || this.full()) && this.behindSince === undefined) {
      this.behindSince = Date.now();
      this.waitForRoom();
    }
  }

  private waitForRoom(): void {
    if (this.closed) return;
    // 'drain' follows only a write that returned false; a queue over our bound but under the
    // socket's high-water mark is looked at again shortly instead.
    if (this.res.writableNeedDrain) this.res.once('drain', () => this.catchUp());
    else setTimeout(() => (this.full() ? this.waitForRoom() : this.catchUp()), 50).unref();
  }

  /** Everything after the last change sent, until the socket is full again. */
  private catchUp(): void {
    if (this.closed) return;
    this.behindSince = undefined;
    for (const e of this.store.since(this.sent)) {
      this.write(e);
      if (this.behindSince !== undefined) return;
    }
  }

  private ping(): void {
    if (this.behindSince === undefined) this.res.write(': keepalive\n\n');
    else this.dropIfStalled(this.behindSince);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.unsubscribe();
    if (!this.res.writableEnded) this.res.end();
    this.onClose();
  }
}
