// Where TLS starts in one direction of a stream: at the first byte (a record header or an SSLv2
// hello), after a plaintext preamble (STARTTLS, HTTP CONNECT, SOCKS; a ClientHello or ServerHello
// record within MAX_PLAINTEXT_SCAN bytes), or, after a gap or in a capture joined mid-stream, at
// the next plausible record boundary. The Locator only holds bytes and answers; the session
// decides what a skip means (preamble bytes, or an error after a gap).
import { ByteQueue } from '../../bytes/queue.js';
import { MAX_CIPHERTEXT_RECORD, MAX_PLAINTEXT_SCAN } from '../../limits.js';
import { CT_HANDSHAKE, plausibleHeader } from './record.js';

/** How the direction's bytes are framed once TLS is found. */
export type Framing = 'records' | 'sslv2';

/** What the Locator is looking for: the stream's first bytes, a hello after a preamble, a record boundary. */
export type LocatePhase = 'start' | 'preamble' | 'resync';

export type Located =
  | { kind: 'wait' }
  /** Nothing found within the bounds: `bytes` were held and are given up. */
  | { kind: 'give-up'; phase: 'preamble' | 'resync'; bytes: number }
  /**
   * TLS starts `skip` bytes into what was held; `rest` is everything from there on. `hello` says
   * whether it starts with a ClientHello or ServerHello record (a mid-stream join that does not
   * has missed the hellos).
   */
  | { kind: 'found'; phase: LocatePhase; framing: Framing; skip: number; rest: Uint8Array; hello: boolean };

/** Scan queue length at which every candidate below MAX_PLAINTEXT_SCAN has had its 9 bytes (a hello: record + handshake header). */
const PREAMBLE_GIVE_UP = MAX_PLAINTEXT_SCAN + 8;
/** Chunks the scan queue may hold before it is copied into one. */
const SCAN_COALESCE = 16;

export class Locator {
  phase: LocatePhase;
  /** Bytes held while deciding; its offset is the stream offset of the first one. */
  readonly held = new ByteQueue();
  /** Positions already ruled out. */
  private scanned = 0;
  /** Chunks pushed since the queue was last made contiguous. */
  private chunks = 0;

  constructor(phase: LocatePhase = 'start') {
    this.phase = phase;
  }

  /**
   * Adds the next bytes (at stream offset `offset`, the end of what is held) and looks again.
   * `ended`: the direction is over, so a record that ends where the data ends is taken as it is.
   */
  push(chunk: Uint8Array, offset: number, ended: boolean): Located {
    const q = this.held;
    q.push(chunk, offset);
    // A peer dribbling one byte per segment would leave thousands of 1-byte chunks, and every
    // q.at() walks them from the front: quadratic (seconds of CPU for a 64 KiB preamble). Keep the
    // queue to a few chunks by making it contiguous now and then (bounded by MAX_PLAINTEXT_SCAN).
    if (++this.chunks >= SCAN_COALESCE && q.length > 0) {
      const at = q.offset!;
      const all = q.take(q.length);
      q.clear();
      q.push(all, at);
      this.chunks = 1;
    }
    const found = this.phase === 'start' ? startKind(q) : this.phase === 'preamble' ? this.findHello(q) : this.findBoundary(q, ended);
    if (found === 'wait') {
      // A preamble is given up only once every candidate position below MAX_PLAINTEXT_SCAN has had
      // the bytes it needs, so the outcome is the same however the stream was chunked.
      if (this.phase === 'resync' ? q.length > MAX_PLAINTEXT_SCAN : q.length >= PREAMBLE_GIVE_UP) {
        const bytes = q.length;
        q.clear();
        return { kind: 'give-up', phase: this.phase === 'resync' ? 'resync' : 'preamble', bytes };
      }
      return WAIT;
    }
    if (found === 'preamble') {
      this.phase = 'preamble';
      return this.push(EMPTY, offset, ended);
    }
    const [framing, skip] = found;
    const hello = startsWithHello(q, skip);
    if (skip > 0) q.drop(skip);
    const rest = q.length > 0 ? q.take(q.length) : EMPTY;
    q.clear();
    this.scanned = 0;
    this.chunks = 0;
    return { kind: 'found', phase: this.phase, framing, skip, rest, hello };
  }

  /** A gap: what was held is lost with it; resume looking for a record boundary. Returns the bytes dropped. */
  gap(): number {
    const n = this.held.length;
    this.held.clear();
    this.scanned = 0;
    if (this.phase === 'start') this.phase = 'resync';
    return n;
  }

  /**
   * A plaintext preamble ends where a ClientHello or ServerHello record begins, at one of the
   * first MAX_PLAINTEXT_SCAN positions (each needs 9 bytes: record and handshake header).
   */
  private findHello(q: ByteQueue): 'wait' | [Framing, number] {
    let i = this.scanned;
    for (; i < MAX_PLAINTEXT_SCAN && i + 9 <= q.length; i++) {
      if (q.at(i) !== CT_HANDSHAKE || q.at(i + 1) !== 3 || q.at(i + 2) > 4) continue;
      const length = (q.at(i + 3) << 8) | q.at(i + 4);
      const msg = q.at(i + 5);
      if (length < 4 || length > MAX_CIPHERTEXT_RECORD || (msg !== 1 && msg !== 2)) continue;
      return ['records', i];
    }
    this.scanned = i;
    return 'wait';
  }

  /**
   * After a gap or mid-stream: a plausible header whose successor is plausible too (or is the end
   * of the data so far). Only replay resynchronises (the proxy has neither gaps nor mid-stream
   * joins), and there the data arrives as the capture's segments.
   */
  private findBoundary(q: ByteQueue, ended: boolean): 'wait' | [Framing, number] {
    for (let i = this.scanned; i + 5 <= q.length; i++) {
      const length = (q.at(i + 3) << 8) | q.at(i + 4);
      if (!plausibleHeader(q.at(i), q.at(i + 1), q.at(i + 2), length)) continue;
      const next = i + 5 + length;
      if (next + 5 > q.length) {
        // Cannot confirm yet; a record that ends where the data ends is taken as it is.
        if (ended || next === q.length) return ['records', i];
        this.scanned = i;
        return 'wait';
      }
      if (plausibleHeader(q.at(next), q.at(next + 1), q.at(next + 2), (q.at(next + 3) << 8) | q.at(next + 4))) {
        return ['records', i];
      }
    }
    this.scanned = Math.max(0, q.length - 4);
    return 'wait';
  }
}

const WAIT: Located = Object.freeze({ kind: 'wait' });
const EMPTY = new Uint8Array(0);

/** First bytes of a stream: a TLS record, an SSLv2 hello, or something else. */
export function startKind(q: ByteQueue): 'wait' | 'preamble' | [Framing, number] {
  if (q.length < 5) return 'wait';
  const b0 = q.at(0);
  const b1 = q.at(1);
  const b2 = q.at(2);
  if (plausibleHeader(b0, b1, b2, (q.at(3) << 8) | q.at(4))) return ['records', 0];
  // SSLv2 two-byte header (high bit set) with CLIENT-HELLO (1) or SERVER-HELLO (4), appendix E.2.
  if (b0 & 0x80 && (b2 === 1 || b2 === 4)) {
    const length = ((b0 & 0x7f) << 8) | b1;
    if (length >= 9) return ['sslv2', 0];
  }
  return 'preamble';
}

function startsWithHello(q: ByteQueue, at: number): boolean {
  if (q.length < at + 6 || q.at(at) !== CT_HANDSHAKE) return false;
  const msg = q.at(at + 5);
  return msg === 1 || msg === 2;
}

/** What a non-TLS stream looks like, from its first bytes. */
export function describePlaintext(head: string, total: number): string {
  if (total === 0) return 'no data';
  if (/^(GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) /.test(head)) return 'HTTP request (plain HTTP sent to a TLS port?)';
  if (head.startsWith('HTTP/')) return 'HTTP response';
  if (head.startsWith('SSH-')) return 'SSH';
  if (/^(EHLO|HELO) /i.test(head) || /^220[ -]/.test(head)) return 'SMTP/FTP-style text protocol';
  if (head.startsWith('PRI * HTTP/2')) return 'HTTP/2 cleartext';
  return 'unknown protocol';
}
