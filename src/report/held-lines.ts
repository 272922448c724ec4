// The JSON lines of connections that wait for an earlier one still open (replay prints a file's
// connections in number order). A waiting connection is encoded at once and only its bytes wait:
// the decoded connection, kept instead, outlived a young-generation collection or two, and
// promoting it cost ~10% of replay --json on the bench capture (most of its connections end a
// little out of order). The bytes go into reused 1 MiB slabs, not a Buffer per line: a fresh
// buffer per line cost a page fault per 4 KiB on VMs where faults are slow.
import { JsonLineEncoder } from './json.js';

const SLAB_BYTES = 1 << 20;
/**
 * The encoder's chunk size: a line over a quarter of it is handed over in the encoder's own
 * buffer (which comes back through recycle()), a shorter one as a small pooled copy.
 */
const ENCODER_CHUNK_BYTES = 16 * 1024;
/** Slabs kept for reuse once every line in them has been written. */
const MAX_SPARE_SLABS = 2;

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

export class HeldLines {
  private cur: Slab = { buf: Buffer.allocUnsafeSlow(SLAB_BYTES), live: 0 };
  private pos = 0;
  private readonly spare: Slab[] = [];
  private readonly parts: Buffer[] = [];
  private readonly enc = new JsonLineEncoder((chunk) => this.parts.push(chunk), ENCODER_CHUNK_BYTES);

  /** Encodes `value` as one JSON line (the bytes JsonLineEncoder.line() writes) and keeps them. */
  hold(value: unknown): HeldLine {
    this.enc.line(value);
    this.enc.flush();
    let len = 0;
    for (const p of this.parts) len += p.length;
    let line: HeldLine;
    if (len > SLAB_BYTES) {
      // A line this long (a hostile capture's) gets a buffer of its own, dropped once written.
      line = { slab: { buf: Buffer.concat(this.parts, len), live: 1 }, start: 0, end: len };
    } else {
      if (this.pos + len > SLAB_BYTES) {
        this.cur = this.spare.pop() ?? { buf: Buffer.allocUnsafeSlow(SLAB_BYTES), live: 0 };
        this.pos = 0;
      }
      const start = this.pos;
      for (const p of this.parts) {
        this.cur.buf.set(p, this.pos);
        this.pos += p.length;
      }
      this.cur.live++;
      line = { slab: this.cur, start, end: this.pos };
    }
    for (const p of this.parts) this.enc.recycle(p);
    this.parts.length = 0;
    return line;
  }

  /** Hands the line's bytes to `write`, which must copy them before it returns; the room is then free. */
  release(line: HeldLine, write: (bytes: Buffer) => void): void {
    const { slab } = line;
    write(slab.buf.subarray(line.start, line.end));
    if (--slab.live > 0 || slab.buf.length !== SLAB_BYTES) return;
    if (slab === this.cur) this.pos = 0;
    else if (this.spare.length < MAX_SPARE_SLABS) this.spare.push(slab);
  }
}
