// Handshake message reassembly of one direction (RFC 5246 §7.4, RFC 8446 §4): messages span records
// and records span segments; a message is taken out whole once its 4-byte header and body are
// there, without copying when it sits in one chunk. Over-long messages (MAX_HANDSHAKE_MESSAGE) are
// skipped by their length; after a gap the stream resumes at the next record that starts a message.
import { ByteQueue } from '../../bytes/queue.js';
import { MAX_HANDSHAKE_MESSAGE } from '../../limits.js';

export type Reassembled =
  /** A whole message; `header` only when asked for (a trace wants the bytes as sent). */
  | { kind: 'message'; type: number; offset: number; header: Uint8Array | undefined; body: Uint8Array }
  /** A message longer than MAX_HANDSHAKE_MESSAGE: reported, and its bytes skipped as they come. */
  | { kind: 'too-large'; type: number; length: number; offset: number };

export class Defragmenter {
  readonly queue = new ByteQueue();
  /** Bytes of an over-long message still to throw away. */
  private skip = 0;
  /** A gap broke the handshake stream; resume at the next record that starts a message. */
  desync = false;

  get length(): number {
    return this.queue.length;
  }

  /** Bytes of a plaintext handshake record, at their stream offset (ignored while desynchronised). */
  push(bytes: Uint8Array, offset: number): void {
    if (!this.desync) this.queue.push(bytes, offset);
  }

  /** A plaintext handshake record begins: after a gap, a new record is where messages start again. */
  recordStart(): void {
    if (this.desync && this.queue.length === 0) this.desync = false;
  }

  /** A gap in the stream: the message being reassembled is lost. */
  lose(): void {
    this.queue.clear();
    this.desync = true;
  }

  clear(): void {
    this.queue.clear();
  }

  /** Copies what waits for more bytes out of the caller's buffers. */
  own(): void {
    this.queue.own();
  }

  /** The next whole message, or undefined when more bytes are needed. */
  next(withHeader: boolean): Reassembled | undefined {
    const q = this.queue;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, q.length);
        q.drop(n);
        this.skip -= n;
        if (this.skip > 0) return undefined;
      }
      if (q.length < 4) return undefined;
      const type = q.at(0);
      const length = (q.at(1) << 16) | (q.at(2) << 8) | q.at(3);
      const offset = q.offset!;
      if (length > MAX_HANDSHAKE_MESSAGE) {
        this.skip = length + 4;
        return { kind: 'too-large', type, length, offset };
      }
      if (q.length < length + 4) return undefined;
      const header = withHeader ? q.take(4) : (q.drop(4), undefined);
      const body = length === 0 ? EMPTY : q.take(length);
      return { kind: 'message', type, offset, header, body };
    }
  }
}

const EMPTY = new Uint8Array(0);
