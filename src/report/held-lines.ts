// The JSON lines of connections that wait for an earlier one still open (replay prints a file's
// connections in number order). A waiting connection is encoded at once and only its bytes wait:
// the decoded connection, kept instead, outlived a young-generation collection or two, and
// promoting it cost ~10% of replay --json on the bench capture (most of its connections end a
// little out of order). The lines are encoded straight into reused 1 MiB slabs, which are the
// encoder's own buffers, and stay there until written: not a Buffer per line (a fresh buffer per
// line cost a page fault per 4 KiB on VMs where faults are slow), and not encoded elsewhere and
// copied in (a copy of every held byte: 17,370 of the bench capture's 21,000 lines wait).
import { JsonLineEncoder } from './json.js';

const SLAB_BYTES = 1 << 20;

interface Slab {
  buf: Buffer;
  /** Lines in it not yet written. */
  live: number;
}

/** One waiting line: where its bytes are. */
export interface HeldLine {
  slab: Slab;
  start: number;
  end: number;
}

/**
 * The encoder's buffer is the slab being filled. It is never flushed: a hand-off happens only when
 * a line does not fit (JsonLineEncoder.room() hands over the buffer itself, never a copy, so no byte
 * of a held line is written over), and a handed-over slab goes back to the encoder through
 * recycle() once its last line has been written.
 */
export class HeldLines {
  /** Slabs the encoder handed over while the current line was encoded (it did not fit). */
  private readonly handed: Buffer[] = [];
  private readonly enc = new JsonLineEncoder((chunk) => this.handed.push(chunk), SLAB_BYTES);
  /** The encoder's current buffer. */
  private cur: Slab = { buf: this.enc.current, live: 0 };

  /** Encodes `value` as one JSON line (the bytes JsonLineEncoder.line() writes) and keeps them. */
  hold(value: unknown): HeldLine {
    const first = this.cur;
    const start = this.enc.position;
    this.enc.line(value);
    if (this.handed.length === 0) {
      first.live++;
      return { slab: first, start, end: this.enc.position };
    }
    // The line ran past the end of its slab (once a slab or so): it gets a buffer of its own, and
    // the slabs it ran through are free once nothing else in them waits.
    const parts = this.handed;
    parts[0] = parts[0]!.subarray(start);
    parts.push(this.enc.current.subarray(0, this.enc.position));
    const own = Buffer.concat(parts);
    if (first.live === 0) this.enc.recycle(first.buf);
    for (let i = 1; i < parts.length - 1; i++) this.enc.recycle(parts[i]!);
    parts.length = 0;
    this.cur = { buf: this.enc.current, live: 0 };
    return { slab: { buf: own, live: 1 }, start: 0, end: own.length };
  }

  /** Hands the line's bytes to `write`, which must copy them before it returns; the room is then free. */
  release(line: HeldLine, write: (bytes: Buffer) => void): void {
    const { slab } = line;
    write(slab.buf.subarray(line.start, line.end));
    if (--slab.live === 0 && slab !== this.cur) this.enc.recycle(slab.buf);
  }
}
