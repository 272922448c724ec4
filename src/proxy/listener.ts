// The proxy's listening socket: accepts clients, opens one Relay per client towards the
// backend, and taps every relayed byte into a ConnectionTap. Connections beyond
// --max-connections are accepted and closed at once with a line, never queued.
import type { SecretsLookup } from '../tls/session.js';
import net, { type Server, type Socket } from 'node:net';
import type { Connection } from '../tls/model.js';
import { formatHostPort, type HostPort } from './address.js';
import { Relay, type EndKind } from './relay.js';
import { ConnectionTap, type TapKeys } from './tap.js';
import { nowMs } from './clock.js';
import { PcapWriter } from './pcap-writer.js';
import type { PcapRecorder } from './pcap-memory.js';

export interface ListenerOptions {
  listen: HostPort;
  backend: HostPort;
  connectTimeoutMs: number;
  /** 0 = no idle timeout. */
  idleTimeoutMs: number;
  maxConnections: number;
  writePcap?: string;
  /** Also keep each connection's packets in memory (the live page's pcap download). */
  record?: PcapRecorder;
  /** Keys of a followed key log (the sessions look again while they hold records for it). */
  secrets?: SecretsLookup;
  /** How long a connection waits for its line in the followed key log (default KEY_LOG_WAIT_MS). */
  keyWaitMs?: number;
}

export interface OpenInfo {
  id: number;
  client: string;
}

export interface CloseInfo {
  id: number;
  client: string;
  server?: string;
  /** Bytes client → server and server → client. */
  bytes: [number, number];
  durationMs: number;
  endings: [EndKind, EndKind];
  reason?: string;
  /** The final decoded state; undefined when the backend was never reached. */
  connection?: Connection;
}

export interface ProxyEvents {
  open(info: OpenInfo): void;
  /** A decoded handshake, once per connection. */
  connection(c: Connection): void;
  close(info: CloseInfo): void;
  /** A line for the operator (backend errors, refused connections, pcap trouble). */
  problem(message: string): void;
  /** A client was turned away because of --max-connections. */
  refused(client: string): void;
}

/** Strips the ::ffff: prefix a dual-stack listener puts on IPv4 peers. */
function peer(address: string | undefined, port: number | undefined): HostPort {
  const host = address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : (address ?? '?');
  return { host, port: port ?? 0 };
}

export class ProxyServer {
  private readonly server: Server;
  private readonly opts: ListenerOptions;
  private readonly events: ProxyEvents;
  private readonly relays = new Set<Relay>();
  private pcap: PcapWriter | undefined;
  private nextId = 1;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: ListenerOptions, events: ProxyEvents) {
    this.opts = opts;
    this.events = events;
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => this.accept(s));
  }

  /** Binds the listening socket; resolves with the address actually bound (port 0 → a free port). */
  async listen(): Promise<HostPort> {
    if (this.opts.writePcap !== undefined) {
      this.pcap = new PcapWriter(this.opts.writePcap, (m) => this.events.problem(m));
      await this.pcap.ready();
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.opts.listen.host, port: this.opts.listen.port, backlog: 1024, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (e) => this.events.problem(`listening socket: ${e.message}`));
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  get activeConnections(): number {
    return this.relays.size;
  }

  private accept(socket: Socket): void {
    const client = peer(socket.remoteAddress, socket.remotePort);
    const clientText = formatHostPort(client.host, client.port);
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.relays.size >= this.opts.maxConnections) {
      socket.on('error', () => {});
      socket.destroy();
      this.events.refused(clientText);
      return;
    }
    const id = this.nextId++;
    const backend = this.opts.backend;
    let tap: ConnectionTap | undefined;
    let server: HostPort | undefined;
    let acceptedAt = 0;
    const events = this.events;
    const pcap = this.pcap;
    const record = this.opts.record;
    const keys: TapKeys | undefined = this.opts.secrets && { secrets: this.opts.secrets, ...(this.opts.keyWaitMs !== undefined ? { waitMs: this.opts.keyWaitMs } : {}) };
    const relay: Relay = new Relay(
      socket,
      { backend, connectTimeoutMs: this.opts.connectTimeoutMs, idleTimeoutMs: this.opts.idleTimeoutMs },
      {
        connected(srv, accepted, at) {
          server = peer(srv.host, srv.port);
          acceptedAt = accepted;
          const flows = [pcap?.flow(client, server, id), record?.flow(client, server, id)].filter((f) => f !== undefined);
          for (const f of flows) f.open(accepted, at);
          tap = new ConnectionTap(id, client, server, (c) => events.connection(c), flows, keys);
        },
        data(side, chunk, at) {
          tap?.data(side, chunk, at);
        },
        ended(side, kind, at) {
          tap?.ended(side, kind, at);
        },
        failed(message, _code, at) {
          events.problem(`${message} for client ${clientText}`);
          pcap?.flow(client, backend, id).refused(at, at);
        },
        closed: (reason, at) => {
          this.relays.delete(relay);
          const connection = tap?.close(at);
          const info: CloseInfo = {
            id,
            client: clientText,
            bytes: [relay.bytes[0], relay.bytes[1]],
            durationMs: at - (acceptedAt || at),
            endings: relay.endings,
          };
          if (server) info.server = formatHostPort(server.host, server.port);
          if (reason) info.reason = reason;
          if (connection) info.connection = connection;
          events.close(info);
          if (this.relays.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        },
      },
    );
    this.relays.add(relay);
    acceptedAt = nowMs();
    this.events.open({ id, client: clientText });
    relay.start();
  }

  /**
   * Stops accepting, lets open connections finish for up to graceMs, then closes the rest
   * (each still gets its report). Resolves when every socket is closed and the pcap is flushed.
   */
  async stop(graceMs: number): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.relays.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    if (this.relays.size > 0) {
      const left = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      for (const r of [...this.relays]) r.closeBoth('proxy shutting down');
      await left;
    }
    await closed;
    await this.pcap?.close();
  }
}
