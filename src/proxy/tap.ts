// The decoder's view of one proxied connection: the bytes the relay has already written
// on go into the same TlsSession that replay uses (source "proxy"), and into the pcap flows
// (--write-pcap's file, --ui's memory). The decoded connection is reported exactly once: when the
// handshake is decided (both sides encrypted, or a fatal alert), or when the connection
// closes, whichever comes first.
import { TlsSession, type SecretsLookup, type Side } from '../tls/session.js';
import type { Connection } from '../tls/model.js';
import type { HostPort } from './address.js';
import { splitMs } from './clock.js';
import type { PcapFlow } from './pcap-writer.js';

export class ConnectionTap {
  readonly session: TlsSession;
  private readonly flows: readonly PcapFlow[];
  private readonly report: (c: Connection) => void;
  private reported = false;
  private bytes = 0;

  constructor(id: number, client: HostPort, server: HostPort, report: (c: Connection) => void, flows: readonly PcapFlow[] = [], secrets?: SecretsLookup) {
    this.session = new TlsSession({
      source: 'proxy',
      id,
      endpoints: [
        { ip: client.host, port: client.port },
        { ip: server.host, port: server.port },
      ],
      initiator: 0,
      // A followed key log: its line for this connection may come after the ServerHello passed.
      ...(secrets ? { secrets, liveKeys: true } : {}),
    });
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
    if (!this.reported && this.session.decided) this.emit();
  }

  ended(side: Side, kind: 'fin' | 'reset', atMs: number): void {
    for (const f of this.flows) f.end(side, kind, atMs);
    this.session.closed(side, kind === 'reset' ? 'rst' : 'fin');
    this.session.end(side);
    if (!this.reported && this.session.decided) this.emit();
  }

  /** The connection is over; reports it if that has not happened yet, and returns the final state. */
  close(atMs: number): Connection {
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

  private emit(): void {
    this.reported = true;
    this.report(this.session.result());
  }
}
