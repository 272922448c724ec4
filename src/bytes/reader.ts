import { Malformed, Truncated } from './errors.js';

/**
 * The one bounded cursor every binary parser in tlspeek reads through.
 * Reads past the end throw Truncated with the absolute offset and the field path;
 * a length prefix becomes a sub-reader of exactly that many bytes (RFC 5246 §4.3 vectors).
 * The field path is only put together when an error needs it: a sub-reader keeps its parent
 * and its own label, so decoding a hello builds no path strings.
 */
export class ByteReader {
  /** The bytes read (re-pointed only by reset()). */
  buf: Uint8Array;
  /** Offset of buf[0] within the whole stream, for error messages and message offsets (re-pointed only by reset()). */
  base: number;
  private pos: number;
  private end: number;
  /** This reader's label, under its parent's path (the whole path for a reader without one). */
  private readonly label: string;
  private readonly parent: ByteReader | null;

  constructor(buf: Uint8Array, base = 0, path = '', start = 0, end = buf.length, parent: ByteReader | null = null) {
    this.buf = buf;
    this.base = base;
    this.label = path;
    this.pos = start;
    this.end = end;
    this.parent = parent;
  }

  /**
   * Re-points this reader at buf[start, end), keeping its label and parent: one reader serves
   * every packet of a capture without an allocation per header (the capture layer's scratch
   * readers). An end past the buffer is Truncated, as a read past it would be; a start outside
   * [0, end] is a caller's bug (RangeError).
   */
  reset(buf: Uint8Array, start = 0, end = buf.length, base = 0): this {
    if (end > buf.length) throw new Truncated(end - buf.length, base + buf.length, this.path);
    if (!(start >= 0 && start <= end)) throw new RangeError(`ByteReader.reset: start ${start} outside [0, ${end}]`);
    this.buf = buf;
    this.base = base;
    this.pos = start;
    this.end = end;
    return this;
  }

  /** Field path, e.g. "ClientHello.extensions[3](supported_groups).named_group_list". */
  get path(): string {
    // A loop, not recursion up the parents: a DER structure may nest readers thousands deep.
    const labels: string[] = [];
    for (let r: ByteReader | null = this; r !== null; r = r.parent) labels.push(r.label);
    let path = '';
    for (let i = labels.length - 1; i >= 0; i--) {
      const label = labels[i]!;
      if (label) path = path ? `${path}.${label}` : label;
    }
    return path;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new Truncated(n - (this.end - this.pos), this.offset, this.at(what));
    }
  }

  private at(what: string): string {
    const path = this.path;
    if (!what) return path;
    return path ? `${path}.${what}` : what;
  }

  u8(what = ''): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = ''): number {
    this.need(2, what);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u24(what = ''): number {
    this.need(3, what);
    const b = this.buf;
    const v = (b[this.pos]! << 16) | (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  u32(what = ''): number {
    this.need(4, what);
    const b = this.buf;
    const v = (b[this.pos]! * 0x1000000) + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  // Reads at a fixed distance `at` past the position, which they leave where it is: for headers
  // with a fixed layout (IP, TCP, pcapng blocks), whose fields the RFCs give by offset. Each is
  // bounds-checked against the reader's end like the cursor reads.

  u8At(at: number, what = ''): number {
    if (at < 0 || this.end - this.pos < at + 1) this.outside(at, 1, what);
    return this.buf[this.pos + at]!;
  }
  u16At(at: number, what = ''): number {
    if (at < 0 || this.end - this.pos < at + 2) this.outside(at, 2, what);
    const b = this.buf;
    const p = this.pos + at;
    return (b[p]! << 8) | b[p + 1]!;
  }
  u32At(at: number, what = ''): number {
    if (at < 0 || this.end - this.pos < at + 4) this.outside(at, 4, what);
    const b = this.buf;
    const p = this.pos + at;
    return (b[p]! * 0x1000000) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }
  /** Little-endian u16At, for formats written in the capturing host's byte order (pcapng). */
  u16leAt(at: number, what = ''): number {
    if (at < 0 || this.end - this.pos < at + 2) this.outside(at, 2, what);
    const b = this.buf;
    const p = this.pos + at;
    return b[p]! | (b[p + 1]! << 8);
  }
  /** Little-endian u32At (pcapng). */
  u32leAt(at: number, what = ''): number {
    if (at < 0 || this.end - this.pos < at + 4) this.outside(at, 4, what);
    const b = this.buf;
    const p = this.pos + at;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /** n bytes at `at` past the position are not all there: Truncated at that field (a negative `at` is a caller's bug). */
  private outside(at: number, n: number, what: string): never {
    if (at < 0) throw new RangeError(`ByteReader: negative distance ${at}`);
    throw new Truncated(at + n - (this.end - this.pos), this.offset + at, this.at(what));
  }

  /** The byte `at` positions ahead, without moving; undefined past the end. */
  peek(at = 0): number | undefined {
    return this.pos + at < this.end ? this.buf[this.pos + at] : undefined;
  }

  /** n raw bytes as a subarray (no copy). */
  bytes(n: number, what = ''): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, what = ''): void {
    this.need(n, what);
    this.pos += n;
  }

  /** An independent reader over the same remaining bytes, for trying one reading and falling back to another. */
  fork(): ByteReader {
    return new ByteReader(this.buf, this.base, this.label, this.pos, this.end, this.parent);
  }

  /** All remaining bytes. */
  rest(): Uint8Array {
    const out = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number, what = ''): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.buf, this.base, what, this.pos, this.pos + n, this);
    this.pos += n;
    return r;
  }

  vec8(what = ''): ByteReader {
    return this.sub(this.lengthPrefix(1, what), what);
  }
  vec16(what = ''): ByteReader {
    return this.sub(this.lengthPrefix(2, what), what);
  }
  vec24(what = ''): ByteReader {
    return this.sub(this.lengthPrefix(3, what), what);
  }

  /** A vector's length field of `size` bytes; its error path is "<what>.length". */
  private lengthPrefix(size: 1 | 2 | 3, what: string): number {
    if (this.end - this.pos < size) this.need(size, what ? `${what}.length` : 'length');
    return size === 1 ? this.u8() : size === 2 ? this.u16() : this.u24();
  }

  /** Reads the rest as big-endian u16 values; an odd count is malformed. */
  u16s(): number[] {
    if (this.remaining % 2 !== 0) {
      throw new Malformed(`length ${this.remaining} is not a multiple of 2`, this.offset, this.path);
    }
    const out: number[] = new Array(this.remaining / 2);
    for (let i = 0; i < out.length; i++) out[i] = this.u16();
    return out;
  }

  u8s(): number[] {
    const out: number[] = new Array(this.remaining);
    for (let i = 0; i < out.length; i++) out[i] = this.u8();
    return out;
  }

  /** Requires the reader to be exhausted: a length prefix that promised less than what follows is malformed. */
  expectEnd(what = ''): void {
    if (this.pos !== this.end) {
      throw new Malformed(`${this.end - this.pos} unexpected trailing byte(s)`, this.offset, this.at(what));
    }
  }

  fail(message: string, what = ''): never {
    throw new Malformed(message, this.offset, this.at(what));
  }
}
