// One direction of a TCP connection: sequence numbers -> in-order stream bytes (RFC 9293 §3.4,
// §3.10.7.4). Overlaps keep the first copy of each byte, as Wireshark does by default
// (tcp.reassemble_out_of_order with its "first seen wins" rule); out-of-order data is buffered up to
// a byte cap, and a hole that cannot be filled becomes an explicit gap() so the consumer knows.
import { copyBytes } from '../bytes/queue.js';

/** Default cap on out-of-order bytes buffered per direction before a hole is declared a gap. */
export const DEFAULT_MAX_BUFFERED_PER_DIRECTION = 4 * 1024 * 1024;
/**
 * Most out-of-order pieces buffered per direction before the first hole is declared a gap. Each
 * insert walks the piece list, so without it 40,000 one-byte segments in reverse order took ~40 s.
 */
export const MAX_OUT_OF_ORDER_PIECES = 1024;

export interface SegmentMeta {
  /** 1-based frame number of the packet that carried these bytes. */
  packet: number;
  sec: number;
  nsec: number;
}

/** Where a direction sends its output (FlowTable binds it to the FlowHandler with the side). */
export interface StreamOutput {
  data(bytes: Uint8Array, meta: SegmentMeta): void;
  gap(length: number, meta: SegmentMeta): void;
}

/** A buffered, not yet deliverable piece: data bytes, or (data === null) bytes known to be missing (snaplen). */
interface Piece {
  /** Stream offset (bytes since the ISN+1, as a double: no 32-bit wraparound here). */
  off: number;
  len: number;
  data: Uint8Array | null;
  meta: SegmentMeta;
}

export interface ReassemblyCounters {
  gaps: number;
  gapBytes: number;
  bufferedBytes: number;
}

export class DirectionReassembler {
  /** Whether `next` is anchored (by a SYN, or by the first segment when the SYN was not captured). */
  anchored = false;
  /** The ISN from this direction's SYN, or -1. */
  synSeq = -1;
  /** Next expected sequence number (uint32). */
  next = 0;
  /** Stream offset of `next`. */
  pos = 0;
  /** Whether any payload has been seen in this direction (the ISN can no longer move). */
  sawData = false;
  /** Sequence number of this direction's FIN, or -1. */
  finSeq = -1;
  private finOff = -1;
  private pieces: Piece[] = [];
  private bufferedData = 0;

  constructor(
    private readonly out: StreamOutput,
    private readonly maxBuffered: number,
    private readonly counters: ReassemblyCounters,
  ) {}

  /**
   * A SYN (or SYN-ACK) from this direction. Returns false when it conflicts with what the
   * direction already has (another ISN after data): the caller decides about port reuse.
   */
  syn(seq: number): boolean {
    if (this.synSeq === seq) return true; // retransmitted SYN
    if (!this.sawData) {
      // Several SYN-ACKs with different ISNs before any data: the last one wins, as in tshark
      // (tls_multiple_synack_different_seq.pcapng follows the stream from the last ISN).
      this.synSeq = seq;
      this.next = (seq + 1) >>> 0;
      this.pos = 0;
      this.anchored = true;
      return true;
    }
    return false;
  }

  /**
   * A segment: `data` is the captured payload, `missing` the bytes the snaplen cut off its end.
   * `seq` is the sequence number of data[0] (for a SYN carrying data, ISN + 1).
   */
  segment(seq: number, data: Uint8Array, missing: number, meta: SegmentMeta): void {
    const len = data.length + missing;
    if (len === 0) return;
    if (!this.anchored) {
      this.anchored = true;
      this.next = seq;
    }
    this.sawData = true;
    // Signed 32-bit distance from `next`: wraps correctly across 2^32 (RFC 9293 §3.4 modular arithmetic).
    const off = this.pos + ((seq - this.next) | 0);
    if (off === this.pos && missing === 0 && this.pieces.length === 0) {
      // The common case, the next bytes with nothing buffered: handed on as they are.
      this.advance(len);
      this.out.data(data, meta);
      return;
    }
    const end = off + len;
    if (end <= this.pos) return; // a retransmission of bytes already delivered
    if (off <= this.pos) {
      this.deliverInOrder(off, data, missing, meta);
    } else {
      this.insert(off, data, missing, meta);
      this.enforceCap();
    }
  }

  fin(seq: number): void {
    if (this.finSeq >= 0) return;
    this.finSeq = seq;
    if (this.anchored) this.finOff = this.pos + ((seq - this.next) | 0);
  }

  /** Whether an ACK number from the peer covers this direction's FIN. */
  finAckedBy(ack: number): boolean {
    return this.finSeq >= 0 && ((ack - this.finSeq - 1) | 0) >= 0;
  }

  /** The flow is closing: declare every remaining hole a gap and hand over what is buffered. */
  flush(meta: SegmentMeta): void {
    while (this.pieces.length > 0) {
      const p = this.pieces[0]!;
      if (p.off > this.pos) this.gap(p.off - this.pos, p.meta);
      this.drain();
    }
    // Bytes before a FIN that never showed up are a hole too.
    if (this.finOff > this.pos) this.gap(this.finOff - this.pos, meta);
  }

  get buffered(): number {
    return this.bufferedData;
  }

  private advance(n: number): void {
    this.pos += n;
    this.next = (this.next + n) >>> 0;
  }

  private gap(n: number, meta: SegmentMeta): void {
    this.counters.gaps++;
    this.counters.gapBytes += n;
    this.advance(n);
    this.out.gap(n, meta);
  }

  /** Emits bytes [from, to) of a segment that starts at `off` (data first, then its missing tail). */
  private emitRange(off: number, data: Uint8Array | null, from: number, to: number, meta: SegmentMeta): void {
    const dataEnd = off + (data ? data.length : 0);
    if (data && from < dataEnd) {
      const stop = Math.min(to, dataEnd);
      this.advance(stop - from);
      this.out.data(data.subarray(from - off, stop - off), meta);
      from = stop;
    }
    if (from < to) {
      this.counters.gaps++;
      this.counters.gapBytes += to - from;
      this.advance(to - from);
      this.out.gap(to - from, meta);
    }
  }

  /** A segment reaching `pos`: deliver it, but let earlier-buffered bytes win where they overlap. */
  private deliverInOrder(off: number, data: Uint8Array, missing: number, meta: SegmentMeta): void {
    const end = off + data.length + missing;
    while (this.pos < end) {
      const first = this.pieces[0];
      if (first && first.off <= this.pos) {
        this.drainOne();
        continue;
      }
      const stop = first ? Math.min(end, first.off) : end;
      this.emitRange(off, data, this.pos, stop, meta);
    }
    this.drain();
  }

  private drainOne(): void {
    const p = this.pieces.shift()!;
    if (p.data) this.bufferedData -= p.data.length;
    this.counters.bufferedBytes -= p.data ? p.data.length : 0;
    const end = p.off + p.len;
    if (end > this.pos) this.emitRange(p.off, p.data, Math.max(p.off, this.pos), end, p.meta);
  }

  private drain(): void {
    while (this.pieces.length > 0 && this.pieces[0]!.off <= this.pos) this.drainOne();
  }

  /** Buffers the parts of [off, off+len) that no earlier-buffered piece covers (copies: the read buffer is reused). */
  private insert(off: number, data: Uint8Array, missing: number, meta: SegmentMeta): void {
    const end = off + data.length + missing;
    const dataEnd = off + data.length;
    const fresh: Piece[] = [];
    const add = (a: number, z: number): void => {
      if (a < dataEnd) {
        const s = Math.min(z, dataEnd);
        const copy = copyBytes(data, a - off, s - off);
        fresh.push({ off: a, len: s - a, data: copy, meta });
        this.bufferedData += copy.length;
        this.counters.bufferedBytes += copy.length;
        a = s;
      }
      if (a < z) fresh.push({ off: a, len: z - a, data: null, meta });
    };
    const ps = this.pieces;
    let cur = off;
    let i = 0;
    while (i < ps.length && ps[i]!.off + ps[i]!.len <= cur) i++;
    for (; cur < end; i++) {
      const p = ps[i];
      if (!p || p.off >= end) {
        add(cur, end);
        break;
      }
      if (p.off > cur) add(cur, p.off);
      cur = Math.max(cur, p.off + p.len);
    }
    if (fresh.length === 0) return;
    // Merge the sorted fresh pieces into the sorted, disjoint list.
    const merged: Piece[] = [];
    let a = 0;
    let b = 0;
    while (a < ps.length || b < fresh.length) {
      if (b >= fresh.length || (a < ps.length && ps[a]!.off < fresh[b]!.off)) merged.push(ps[a++]!);
      else merged.push(fresh[b++]!);
    }
    this.pieces = merged;
  }

  /** Over the cap: give up on the first hole (report it as a gap) and deliver what follows it. */
  private enforceCap(): void {
    while ((this.bufferedData > this.maxBuffered || this.pieces.length > MAX_OUT_OF_ORDER_PIECES) && this.pieces.length > 0) {
      const p = this.pieces[0]!;
      if (p.off > this.pos) this.gap(p.off - this.pos, p.meta);
      this.drain();
    }
  }
}
