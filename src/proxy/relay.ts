// One proxied connection: the accepted client socket and the socket to the backend.
// Bytes are written on first, then shown to the observer, so the decoder never delays
// forwarding. Backpressure: a side whose write() returns false pauses the other side's
// reading until 'drain'. A FIN is passed on with end() (half-close, allowHalfOpen on both
// sockets), a reset with resetAndDestroy().
import net, { type Socket } from 'node:net';
import type { Side } from '../tls/session.js';
import { formatHostPort, type HostPort } from './address.js';
import { nowMs } from './clock.js';

export interface RelayOptions {
  backend: HostPort;
  /** Milliseconds to wait for the backend's TCP handshake. */
  connectTimeoutMs: number;
  /** Milliseconds without a byte in either direction before both sockets are closed; 0 = never. */
  idleTimeoutMs: number;
}

/** How one direction of the relay ended. */
export type EndKind = 'fin' | 'reset' | 'closed';

export interface RelayObserver {
  /** The backend accepted the TCP connection (server is its address as connected). */
  connected(server: HostPort, acceptedAtMs: number, atMs: number): void;
  /** side 0 = client → server, 1 = server → client; called after the bytes were written on. */
  data(side: Side, chunk: Buffer, atMs: number): void;
  /** The side sent FIN or RST. */
  ended(side: Side, kind: 'fin' | 'reset', atMs: number): void;
  /** The backend could not be reached; the client connection is being closed. */
  failed(message: string, code: string | undefined, atMs: number): void;
  /** Both sockets are closed; reason is set when the proxy closed them itself. */
  closed(reason: string | undefined, atMs: number): void;
}

/** One line naming the backend and what went wrong, for the operator. */
export function describeConnectError(backend: string, e: NodeJS.ErrnoException | undefined, timeoutMs?: number): string {
  if (timeoutMs !== undefined) return `backend ${backend} did not answer within ${timeoutMs} ms (connect timeout)`;
  const code = e?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `backend ${backend} refused the connection (ECONNREFUSED)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `backend ${backend} is unreachable (${code})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `backend ${backend}: host name not found (${code})`;
    case 'ECONNRESET':
      return `backend ${backend} reset the connection while it was being opened (ECONNRESET)`;
    case 'ETIMEDOUT':
      return `backend ${backend} did not answer (ETIMEDOUT)`;
    default:
      return `backend ${backend}: ${e?.message ?? 'connection failed'}${code ? ` (${code})` : ''}`;
  }
}

function reset(s: Socket): void {
  if (s.destroyed) return;
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

export class Relay {
  readonly client: Socket;
  private backend: Socket | undefined;
  private readonly opts: RelayOptions;
  private readonly obs: RelayObserver;
  private readonly acceptedAt: number;
  private connectTimer: NodeJS.Timeout | undefined;
  private connected = false;
  private finished = false;
  private reason: string | undefined;
  private readonly ended: [EndKind | undefined, EndKind | undefined] = [undefined, undefined];
  readonly bytes: [number, number] = [0, 0];

  constructor(client: Socket, opts: RelayOptions, obs: RelayObserver) {
    this.client = client;
    this.opts = opts;
    this.obs = obs;
    this.acceptedAt = nowMs();
  }

  /** Connects to the backend; the client socket must have been accepted paused (pauseOnConnect). */
  start(): void {
    const client = this.client;
    const { host, port } = this.opts.backend;
    const backend = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    this.backend = backend;
    client.setNoDelay(true);

    // Until the backend answers, only a client going away matters.
    client.on('error', (e: NodeJS.ErrnoException) => this.sideError(0, e));
    client.on('end', () => this.sideEnd(0));
    client.on('close', () => this.sideClose(0));
    backend.on('close', () => this.sideClose(1));
    backend.on('error', (e: NodeJS.ErrnoException) => {
      if (!this.connected) this.connectFailed(e);
      else this.sideError(1, e);
    });

    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      if (this.connected || this.finished) return;
      this.connectFailed(undefined, this.opts.connectTimeoutMs);
    }, this.opts.connectTimeoutMs);

    backend.once('connect', () => {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
      if (client.destroyed) {
        // The client left while we were connecting.
        backend.destroy();
        return;
      }
      this.connected = true;
      const server: HostPort = { host: backend.remoteAddress ?? host, port: backend.remotePort ?? port };
      this.obs.connected(server, this.acceptedAt, nowMs());
      this.wire(client, backend, 0);
      this.wire(backend, client, 1);
      backend.on('end', () => this.sideEnd(1));
      if (this.opts.idleTimeoutMs > 0) {
        // Node resets a socket's timeout on every read and write, so the client socket sees both directions.
        client.setTimeout(this.opts.idleTimeoutMs, () => {
          this.reason = `idle for ${Math.round(this.opts.idleTimeoutMs / 1000)} s`;
          this.closeBoth();
        });
      }
      client.resume();
    });
  }

  /** from → to: write first, then let the observer see the chunk. */
  private wire(from: Socket, to: Socket, side: Side): void {
    from.on('data', (chunk: Buffer) => {
      this.bytes[side] += chunk.length;
      if (!to.write(chunk)) from.pause();
      this.obs.data(side, chunk, nowMs());
    });
    to.on('drain', () => {
      if (!from.destroyed) from.resume();
    });
  }

  private other(side: Side): Socket | undefined {
    return side === 0 ? this.backend : this.client;
  }

  private sideEnd(side: Side): void {
    if (this.ended[side]) return;
    this.ended[side] = 'fin';
    this.obs.ended(side, 'fin', nowMs());
    const other = this.other(side);
    if (!this.connected) {
      // The client sent FIN before the backend answered: nothing was forwarded, give up.
      if (side === 0) {
        this.reason = 'client closed before the backend answered';
        this.closeBoth();
      }
      return;
    }
    if (other && !other.destroyed) other.end();
  }

  private sideError(side: Side, e: NodeJS.ErrnoException): void {
    if (this.ended[side] === 'reset') return;
    // Errors on a socket are resets by the peer, or writes towards a peer that is gone:
    // either way the connection in this direction is over, and the peer on the other side must know.
    const wasEnded = this.ended[side];
    this.ended[side] = 'reset';
    if (wasEnded !== 'fin') this.obs.ended(side, 'reset', nowMs());
    if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') this.reason ??= `${side === 0 ? 'client' : 'server'} socket error: ${e.code ?? e.message}`;
    const other = this.other(side);
    if (other) reset(other);
  }

  private connectFailed(e: NodeJS.ErrnoException | undefined, timeoutMs?: number): void {
    if (this.finished || this.connected) return;
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const { host, port } = this.opts.backend;
    this.reason = 'backend unreachable';
    this.obs.failed(describeConnectError(formatHostPort(host, port), e, timeoutMs), timeoutMs !== undefined ? 'ETIMEDOUT' : e?.code, nowMs());
    this.backend?.destroy();
    this.client.destroy();
  }

  private sideClose(side: Side): void {
    const other = this.other(side);
    if (other && !other.destroyed) {
      // One socket is gone. If it went away cleanly the other has had (or is about to get) its FIN;
      // if it was destroyed with data still queued, the other side must not wait forever.
      if (this.ended[side] === 'reset') reset(other);
      else if (!this.connected) other.destroy();
      else if (!other.writableEnded) other.end();
    }
    const b = this.backend;
    if (this.client.destroyed && (!b || b.destroyed)) this.finish();
  }

  /** Closes both sockets now (idle timeout, shutdown). */
  closeBoth(reason?: string): void {
    if (reason) this.reason ??= reason;
    clearTimeout(this.connectTimer);
    this.backend?.destroy();
    this.client.destroy();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.connectTimer);
    this.obs.closed(this.reason, nowMs());
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** How each direction ended: FIN, RST, or closed by the proxy. */
  get endings(): [EndKind, EndKind] {
    return [this.ended[0] ?? 'closed', this.ended[1] ?? 'closed'];
  }
}
