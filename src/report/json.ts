// JSON Lines: one connection per line, exactly the model (schema/connection.schema.json).
//
// `JsonLineEncoder` writes the same bytes as `JSON.stringify(value) + "\n"`, straight into a
// byte buffer. On a capture of 21,000 handshakes JSON.stringify plus turning its (rope) strings
// into UTF-8 took longer than decoding the capture; most of each line is code points and
// certificates, which are interned, frozen objects, so their encoding is made once and copied.
import { FifoMap } from '../util/fifo-map.js';
import { MAX_OUTPUT_STRING } from '../limits.js';

/** Default size of the buffers handed to the sink. */
export const JSON_CHUNK_BYTES = 128 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
/** Byte copies longer than this use the native set(). */
const SHORT_COPY = 48;
/** Strings longer than this are checked with NEEDS_ESCAPE and copied natively. */
const LONG_STRING = 24;
/**
 * Strings at least this long keep their JSON bytes: finding texts (a fix of ~800 characters with
 * line breaks and a `…`, a detail, a summary listing sigalgs) are the same on every connection
 * that raises them, while escaping them costs a pass per character.
 */
const CACHED_STRING = 128;
/** Most long strings whose bytes are kept. */
const MAX_CACHED_STRINGS = 256;
/**
 * Longest string kept: twice the length a reported connection's strings are cut to, because a
 * finding's fix is not cut and is longer (certreq-pss-only's lists the sigalgs for three servers:
 * ~1,600 characters, with `≥` and `…`, so each one went through JSON.stringify: 0.7% of replay
 * --json's instructions on the bench capture). At most 12 KB of JSON each, 3 MB in all.
 */
const MAX_CACHED_STRING = 2 * MAX_OUTPUT_STRING;
/** JSON.stringify's two-character escapes of control characters: \b \t \n \f \r. */
const SHORT_ESCAPES: Record<number, number> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };
const HEX_DIGITS = Buffer.from('0123456789abcdef');
/** Anything but printable ASCII without `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** Whether anything made a property of Object.prototype enumerable (for-in would see it in every object). */
function objectPrototypeEnumerable(): boolean {
  for (const _ in Object.prototype) return true;
  return false;
}

/** Most spare chunk buffers kept for reuse. */
const MAX_SPARE_CHUNKS = 4;

/**
 * Encodes values as JSON Lines into chunks of about `chunkBytes`, handed to `sink` when full and
 * on flush(). A chunk may end inside a line. A chunk is never written to again unless the sink
 * gives it back through recycle() once it is done with it: a fresh buffer per chunk costs a page
 * fault per 4 KiB of output on VMs where faults are slow (40,000 on 165 MB of JSON).
 */
export class JsonLineEncoder {
  private buf: Buffer;
  private pos = 0;
  /** Counts hand-offs, so an encoding that straddled one is not cached (its start is gone). */
  private flushes = 0;
  private readonly frozen = new WeakMap<object, Buffer>();
  private readonly longStrings = new FifoMap<string, Buffer>(MAX_CACHED_STRINGS);
  private readonly spare: Buffer[] = [];
  /** Object.prototype has no enumerable keys (checked per line). */
  private cleanPrototype = true;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly chunkBytes = JSON_CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafeSlow(chunkBytes);
  }

  line(value: unknown): void {
    this.cleanPrototype = !objectPrototypeEnumerable();
    this.value(value, true);
    this.byte(NEWLINE);
  }

  /** Text as is (UTF-8), between lines. */
  text(s: string): void {
    this.utf8(s);
  }

  /** Bytes as they are, between lines: whole lines another encoder made (replay holds some back for number order). */
  raw(b: Buffer): void {
    this.bytes(b);
  }

  flush(): void {
    if (this.pos === 0) return;
    if (this.pos >= this.buf.length >> 2) {
      this.handOff();
      return;
    }
    // A short flush (the proxy writes each line at once): hand on a copy, keep the buffer.
    const chunk = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    this.flushes++;
    this.sink(chunk);
  }

  /** The buffer being written (HeldLines keeps lines where they were encoded). */
  get current(): Buffer {
    return this.buf;
  }

  /** Where the next byte goes in `current`. */
  get position(): number {
    return this.pos;
  }

  /** Hands the buffer itself to the sink and goes on in another one. */
  private handOff(): void {
    const chunk = this.buf.subarray(0, this.pos);
    // The next buffer is in place before the sink runs, so it may recycle() this one at once.
    this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
    this.pos = 0;
    this.flushes++;
    this.sink(chunk);
  }

  /** Gives back a chunk the sink received and no longer needs; it may be written to again. */
  recycle(chunk: Buffer): void {
    const whole = chunk.buffer;
    if (whole.byteLength !== this.chunkBytes || chunk.byteOffset !== 0 || this.spare.length >= MAX_SPARE_CHUNKS) return;
    if (this.spare.some((b) => b.buffer === whole) || this.buf.buffer === whole) return;
    this.spare.push(Buffer.from(whole));
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Always the buffer itself, never flush()'s short copy (which writes the same buffer again
    // from its start): HeldLines relies on bytes once written staying where they are until the
    // buffer comes back through recycle().
    if (this.pos > 0) this.handOff();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafeSlow(n);
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  private bytes(b: Buffer): void {
    const n = b.length;
    this.room(n);
    if (n > SHORT_COPY) {
      this.buf.set(b, this.pos);
      this.pos += n;
      return;
    }
    // Most copies are keys and code points of a few dozen bytes, where a loop beats the
    // native set()'s fixed cost.
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** A string already in JSON form (from JSON.stringify): any Unicode, so UTF-8. */
  private utf8(s: string): void {
    // Three bytes per UTF-16 unit is the most UTF-8 can need; a string too long for that bound to
    // fit a chunk is measured instead, so that it does not get a buffer of its own (a finding's
    // fix of 1,600 characters did, on every connection that raised it).
    const most = s.length * 3;
    this.room(most <= this.chunkBytes ? most : Buffer.byteLength(s, 'utf8'));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  private string(s: string): void {
    const n = s.length;
    if (n >= CACHED_STRING && n <= MAX_CACHED_STRING) {
      const cached = this.longStrings.get(s);
      if (cached !== undefined) {
        this.bytes(cached);
        return;
      }
      const start = this.pos;
      const flushes = this.flushes;
      this.longString(s);
      if (this.flushes === flushes) this.longStrings.set(s, Buffer.from(this.buf.subarray(start, this.pos)));
      return;
    }
    if (n > LONG_STRING) {
      this.longString(s);
      return;
    }
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Printable ASCII but `"` and `\` is written as is; anything else takes JSON.stringify's
      // escaping (control characters, lone surrogates) and UTF-8.
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) {
        this.utf8(JSON.stringify(s));
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    this.pos = p;
  }

  /** Long strings: one native regex scan and a native latin1 copy beat a loop per character. */
  private longString(s: string): void {
    if (NEEDS_ESCAPE.test(s)) {
      if (!this.asciiEscaped(s)) this.utf8(JSON.stringify(s));
      return;
    }
    this.room(s.length + 2);
    this.buf[this.pos++] = QUOTE;
    this.pos += this.buf.write(s, this.pos, 'latin1');
    this.buf[this.pos++] = QUOTE;
  }

  /**
   * An ASCII string that needs escaping (finding details are lines joined with \n), written
   * with JSON.stringify's escapes without making its string. False, with nothing written, for
   * anything beyond ASCII: JSON.stringify and UTF-8 handle that.
   */
  private asciiEscaped(s: string): boolean {
    const n = s.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return false;
    this.room(n * 6 + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // DEL (0x7f) too: JSON.stringify leaves it as it is.
      if (c >= 0x20 && c !== QUOTE && c !== 0x5c) {
        buf[p++] = c;
        continue;
      }
      buf[p++] = 0x5c;
      const short = c < 0x20 ? SHORT_ESCAPES[c] : undefined;
      if (c === QUOTE || c === 0x5c) buf[p++] = c;
      else if (short !== undefined) buf[p++] = short;
      else {
        buf[p++] = 0x75; // u00XX, lower-case hex as JSON.stringify writes it
        buf[p++] = 0x30;
        buf[p++] = 0x30;
        buf[p++] = HEX_DIGITS[c >> 4]!;
        buf[p++] = HEX_DIGITS[c & 15]!;
      }
    }
    buf[p++] = QUOTE;
    this.pos = p;
    return true;
  }

  private number(v: number): void {
    if ((v | 0) === v && v >= 0) {
      // Most numbers are small non-negative integers (codes, lengths, counts, offsets), written
      // with 32-bit integer division; anything else (rare) the way JSON.stringify writes it.
      if (v < 10) {
        this.byte(0x30 + v);
        return;
      }
      let digits = 2;
      for (let x = v; x >= 100; x = (x / 10) | 0) digits++;
      this.room(digits);
      const buf = this.buf;
      let p = this.pos + digits;
      this.pos = p;
      let x = v;
      do {
        const q = (x / 10) | 0;
        buf[--p] = 0x30 + (x - q * 10);
        x = q;
      } while (x > 0);
      return;
    }
    this.utf8(JSON.stringify(v));
  }

  /**
   * `"key":`, after a comma unless it is the object's first. Written byte by byte, not looked up:
   * the model's keys are short ASCII names, and copying them is cheaper than finding their bytes
   * in a map (a lookup per key of every per-connection object, 3.6 million on the bench capture,
   * cost more than the copy).
   */
  private key(k: string, first: boolean): void {
    const n = k.length;
    this.room(n + 4);
    const buf = this.buf;
    let p = this.pos;
    if (!first) buf[p++] = COMMA;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = k.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) {
        // Anything to escape (a key from the input): JSON.stringify's escaping and UTF-8.
        this.utf8(`${first ? '' : ','}${JSON.stringify(k)}:`);
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    buf[p++] = COLON;
    this.pos = p;
  }

  /**
   * Encodes one value; true when it cannot change any more (a primitive, or a deep-frozen object).
   * `top`: the value is a whole line, so undefined/functions become nothing, as in JSON.stringify.
   */
  private value(v: unknown, top = false): boolean {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return true;
      case 'number':
        this.number(v);
        return true;
      case 'boolean':
        this.bytes(v ? TRUE : FALSE);
        return true;
      case 'object':
        if (v !== null) return this.object(v);
        this.bytes(NULL);
        return true;
      case 'bigint':
        JSON.stringify(v); // throws the TypeError JSON.stringify throws
        return true;
      default:
        // undefined, functions, symbols: `null` inside arrays (callers skip them in objects).
        if (!top) this.bytes(NULL);
        return true;
    }
  }

  private object(o: object): boolean {
    const frozen = Object.isFrozen(o);
    // Only frozen objects are ever cached; the per-connection ones skip the WeakMap lookup.
    const cached = frozen ? this.frozen.get(o) : undefined;
    if (cached !== undefined) {
      this.bytes(cached);
      return true;
    }
    if (typeof (o as { toJSON?: unknown }).toJSON === 'function') {
      // Dates, Buffers and the like: JSON.stringify knows their rules.
      this.utf8(JSON.stringify(o));
      return false;
    }
    const start = this.pos;
    const flushes = this.flushes;
    let fixed = frozen;
    if (Array.isArray(o)) {
      this.byte(0x5b);
      for (let i = 0; i < o.length; i++) {
        if (i > 0) this.byte(COMMA);
        if (!this.value(o[i])) fixed = false;
      }
      this.byte(0x5d);
    } else {
      this.byte(0x7b);
      let first = true;
      const rec = o as Record<string, unknown>;
      // for-in also yields inherited enumerable keys, which JSON.stringify leaves out; a plain
      // object (all of the model) inherits none, so the per-key check is only needed otherwise.
      const plain = Object.getPrototypeOf(rec) === Object.prototype && this.cleanPrototype;
      for (const k in rec) {
        if (!plain && !Object.hasOwn(rec, k)) continue;
        const item = rec[k];
        const t = typeof item;
        if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
        this.key(k, first);
        first = false;
        if (!this.value(item)) fixed = false;
      }
      this.byte(0x7d);
    }
    // A deep-frozen object cannot change, so its bytes can be reused: interned code points and
    // shared certificates are deep-frozen, per-connection objects are not.
    if (fixed && this.flushes === flushes) this.frozen.set(o, Buffer.from(this.buf.subarray(start, this.pos)));
    return fixed;
  }
}
