// The decoder's view of one proxied connection: the bytes the relay has already written
// on go into the same TlsSession that replay uses (source "proxy"), and into the pcap flows
// (--write-pcap's file, --ui's memory). The decoded connection is reported exactly once: when the
// handshake is decided (both sides encrypted, or a fatal alert), or when the connection
// closes, whichever comes first.
//
// With a followed key log the tap owns the clock the decoder does not have: a session whose
// ServerHello found no key-log line holds its protected records (not decided yet), and the tap
// looks for the line again on a timer (soon, then every half second) until the wait is over
// (KEY_LOG_WAIT_MS; ProxyOptions.keyWaitMs in tests); then the session gives the records up as
// unreadable ("no keys: …") and the connection is reported like one without keys. The timer is
// unref'd and cleared when the wait ends or the connection closes.
import { TlsSession, type SecretsLookup, type Side } from '../tls/session.js';
import type { Connection } from '../tls/model.js';
import { KEY_LOG_WAIT_MS } from '../limits.js';
import type { HostPort } from './address.js';
import { nowMs, splitMs } from './clock.js';
import type { PcapFlow } from './pcap-writer.js';

/**
 * First look again for a missing key-log line this long after the ServerHello; each next look
 * waits twice as long, up to KEY_LOG_LOOK_MAX_MS: a line that comes late is used within half a
 * second, and a connection waiting the whole KEY_LOG_WAIT_MS looks about a dozen times (a stat()
 * of each followed file).
 */
const KEY_LOG_FIRST_LOOK_MS = 50;
const KEY_LOG_LOOK_MAX_MS = 500;

export interface TapKeys {
  /** The followed key log's lookup. */
  secrets: SecretsLookup;
  /** How long a connection waits for its key-log line (default KEY_LOG_WAIT_MS). */
  waitMs?: number;
}

export class ConnectionTap {
  readonly session: TlsSession;
  private readonly flows: readonly PcapFlow[];
  private readonly report: (c: Connection) => void;
  private reported = false;
  private bytes = 0;
  private readonly keyWaitMs: number;
  /** While the session waits for its key-log line: when the wait began, the next look's delay, its timer. */
  private keyWait: { since: number; step: number; timer: NodeJS.Timeout } | undefined;

  constructor(id: number, client: HostPort, server: HostPort, report: (c: Connection) => void, flows: readonly PcapFlow[] = [], keys?: TapKeys) {
    this.session = new TlsSession({
      source: 'proxy',
      id,
      endpoints: [
        { ip: client.host, port: client.port },
        { ip: server.host, port: server.port },
      ],
      initiator: 0,
      // A followed key log: its line for this connection may come after the ServerHello passed.
      ...(keys ? { secrets: keys.secrets, liveKeys: true } : {}),
    });
    this.keyWaitMs = keys?.waitMs ?? KEY_LOG_WAIT_MS;
    this.report = report;
    this.flows = flows;
  }

  get hasReported(): boolean {
    return this.reported;
  }

  data(side: Side, chunk: Uint8Array, atMs: number): void {
    for (const f of this.flows) f.data(side, chunk, atMs);
    this.bytes += chunk.length;
    this.session.feed(side, chunk, splitMs(atMs));
    this.watchKeys(atMs);
    if (!this.reported && this.session.decided) this.emit();
  }

  ended(side: Side, kind: 'fin' | 'reset', atMs: number): void {
    for (const f of this.flows) f.end(side, kind, atMs);
    this.session.closed(side, kind === 'reset' ? 'rst' : 'fin');
    this.session.end(side);
    this.watchKeys(atMs);
    if (!this.reported && this.session.decided) this.emit();
  }

  /** The connection is over; reports it if that has not happened yet, and returns the final state. */
  close(atMs: number): Connection {
    this.stopKeyWait();
    for (const f of this.flows) f.close(atMs);
    this.session.end(0);
    this.session.end(1);
    // A connection that never carried a byte (a port probe, an unreachable backend) is not a handshake to report.
    if (!this.reported && this.bytes > 0) this.emit();
    return this.session.result();
  }

  get carriedBytes(): number {
    return this.bytes;
  }

  /** Starts the wait when the session begins waiting for its key-log line; ends it when it no longer does. */
  private watchKeys(atMs: number): void {
    if (!this.session.awaitingKeys) this.stopKeyWait();
    else if (!this.keyWait) this.keyWait = { since: atMs, step: KEY_LOG_FIRST_LOOK_MS, timer: this.keyTimer(Math.min(KEY_LOG_FIRST_LOOK_MS, this.keyWaitMs)) };
  }

  private keyTimer(ms: number): NodeJS.Timeout {
    const t = setTimeout(() => this.lookForKeys(), ms);
    // A connection waiting for keys does not keep the process alive; its socket does, while open.
    t.unref();
    return t;
  }

  /** The timer: look for the line again, or, the wait over, give the held records up; report what that decided. */
  private lookForKeys(): void {
    const w = this.keyWait;
    if (!w) return;
    const left = w.since + this.keyWaitMs - nowMs();
    if (left <= 0) this.session.keysOverdue(this.keyWaitMs);
    else this.session.keysArrived();
    if (this.session.awaitingKeys) {
      w.step = Math.min(w.step * 2, KEY_LOG_LOOK_MAX_MS);
      w.timer = this.keyTimer(Math.max(1, Math.min(w.step, left)));
    } else this.keyWait = undefined;
    if (!this.reported && this.session.decided) this.emit();
  }

  private stopKeyWait(): void {
    if (!this.keyWait) return;
    clearTimeout(this.keyWait.timer);
    this.keyWait = undefined;
  }

  private emit(): void {
    this.reported = true;
    this.report(this.session.result());
  }
}
