// SSLv2 record framing of one direction (SSL 2.0 draft §2.1; RFC 5246 appendix E.2): a 2-byte
// header when the high bit is set, else 3 (the third byte is a padding count). Only the SSLv2
// hellos and CLIENT-MASTER-KEY are read; an SSLv2-compatible ClientHello hands the direction over
// to TLS records, which is the owner's to do.
import { copyBytes } from '../../bytes/queue.js';
import type { Protection } from './protection.js';

export interface Sslv2Owner {
  /**
   * A whole record: `body` is set when it was plaintext. Returns true when the direction goes on
   * in TLS records from here (an SSLv2-compatible hello).
   */
  sslv2Record(framer: Sslv2Framer, body: Uint8Array | undefined): boolean;
}

export class Sslv2Framer {
  offset = 0;
  readonly header = new Uint8Array(3);
  private headerLength = 0;
  headerOffset = 0;
  private inRecord = false;
  length = 0;
  private remaining = 0;
  /** Protected when the record began. */
  protected = false;
  private body: Uint8Array[] | null = null;
  private owned = 0;
  private readonly protection: Protection;

  constructor(protection: Protection) {
    this.protection = protection;
  }

  /** Inside a record whose body is kept. */
  get collecting(): boolean {
    return this.inRecord && this.body !== null;
  }

  /** Returns how many bytes of the chunk were consumed; fewer than its length when the direction switched to TLS records. */
  feed(chunk: Uint8Array, owner: Sslv2Owner): number {
    let i = 0;
    while (i < chunk.length) {
      if (!this.inRecord) {
        if (this.headerLength === 0) this.headerOffset = this.offset;
        this.header[this.headerLength++] = chunk[i++]!;
        this.offset++;
        const two = (this.header[0]! & 0x80) !== 0;
        if (this.headerLength < (two ? 2 : 3)) continue;
        this.headerLength = 0;
        this.length = ((this.header[0]! & (two ? 0x7f : 0x3f)) << 8) | this.header[1]!;
        this.remaining = this.length;
        this.protected = this.protection.on;
        this.body = this.protected ? null : [];
        this.owned = 0;
        this.inRecord = this.length > 0;
        if (this.length === 0) this.count();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - i);
      if (this.body) this.body.push(chunk.subarray(i, i + take));
      i += take;
      this.remaining -= take;
      this.offset += take;
      if (this.protected) this.protection.body(take);
      if (this.remaining > 0) continue;
      this.inRecord = false;
      this.count();
      const body = this.body ? (this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body)) : undefined;
      this.body = null;
      if (owner.sslv2Record(this, body)) return i;
    }
    return i;
  }

  /** Copies the collected body pieces out of the caller's buffers. */
  own(): void {
    if (!this.body) return;
    for (let i = this.owned; i < this.body.length; i++) this.body[i] = copyBytes(this.body[i]!);
    this.owned = this.body.length;
  }

  private count(): void {
    const stats = this.protection.stats;
    stats.records['sslv2'] = (stats.records['sslv2'] ?? 0) + 1;
    if (this.protected) this.protection.record();
  }
}
