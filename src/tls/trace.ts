// A session observer for `--trace`: collects a session's taps (whole records, plaintext handshake
// messages) in the order they happened. One collector per connection, handed to the TlsSession as
// its observer; report/trace.ts renders it once the connection ends. Another observer (a live
// record log, a decryption check) implements SessionObserver the same way.
import { copyBytes } from '../bytes/queue.js';
import type { MessageEvent, RecordEvent, SessionObserver } from './session.js';

export type TraceEvent = ({ kind: 'record' } & RecordEvent) | ({ kind: 'message' } & MessageEvent);

/** Keeps at most `max` events; the rest are counted in `dropped`. */
export class TraceCollector implements SessionObserver {
  readonly events: TraceEvent[] = [];
  dropped = 0;
  /**
   * @param endpoints "ip:port" of side 0 and side 1, as the session was given them; the renderer
   *   uses them to tell the client's side from the server's.
   */
  constructor(
    readonly endpoints: readonly [string, string],
    private readonly max = 10_000,
  ) {}

  // Arrow properties: the session may call the taps detached from this object.
  readonly record = (e: RecordEvent): void => {
    if (this.events.length >= this.max) this.dropped++;
    // Copies: the bytes are views of the caller's buffers, which a reader may reuse.
    else this.events.push({ kind: 'record', ...e, ...(e.body ? { body: copyBytes(e.body) } : {}) });
  };

  readonly message = (e: MessageEvent): void => {
    if (this.events.length >= this.max) this.dropped++;
    // The entry object is shared with the session: its summary is filled in by the time we render.
    else this.events.push({ kind: 'message', ...e, bytes: copyBytes(e.bytes) });
  };
}
