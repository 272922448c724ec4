// The TLS record layer of one direction (RFC 5246 §6.2.1, RFC 8446 §5.1): 5-byte headers, possibly
// split across chunks, then `length` body bytes. The framer only frames: for each record it asks
// its owner where the body goes (the handshake reassembler, a small buffer for alerts and the
// like, or the protection layer), hands the bytes there without copying, and says when the record
// ends. Feeding one byte at a time gives the same calls as one chunk.
import { copyBytes } from '../../bytes/queue.js';
import { MAX_CIPHERTEXT_RECORD } from '../../limits.js';

export const CT_CCS = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPDATA = 23;
export const CT_HEARTBEAT = 24;

/** A record header we would accept at a stream boundary (RFC 5246 §6.2.1). */
export function plausibleHeader(type: number, major: number, minor: number, length: number): boolean {
  return type >= 20 && type <= 24 && major === 3 && minor <= 4 && length > 0 && length <= MAX_CIPHERTEXT_RECORD;
}

/** A header any TLS stack would at least parse: a content type of the registry's range, version 3.x. */
export function tlsHeader(type: number, major: number, minor: number): boolean {
  return type >= 20 && type <= 26 && major === 3 && minor <= 4;
}

/** Where a record's body goes. */
export const enum Route {
  /** Only counted (and, protected, handed to the protection layer). */
  Skip,
  /** Appended to the handshake reassembler as it arrives. */
  Handshake,
  /** Kept whole for the owner (alert, ChangeCipherSpec, heartbeat, an undecided handshake record). */
  Collect,
}

export interface RecordOwner {
  /**
   * A whole header was read (`framer.type`, `length`, `offset` are set): set `framer.route` and
   * `framer.protected`, or return false when this is not TLS (the framer then stops).
   */
  recordStart(framer: RecordFramer): boolean;
  /** Body bytes of a Route.Handshake record, at their stream offset. Only valid during the call. */
  handshakeBytes(bytes: Uint8Array, offset: number): void;
  /** `n` body bytes of a protected record went by. */
  protectedBytes(n: number): void;
  /**
   * The record of content type `type` is whole (the framer is already between records, its
   * `headerOffset`, `length`, `route` and `protected` still describe it); `body` is set for Route.Collect.
   */
  recordEnd(framer: RecordFramer, type: number, body: Uint8Array | undefined): void;
}

export class RecordFramer {
  /** Stream offset of the next byte. */
  offset = 0;
  readonly header = new Uint8Array(5);
  private headerLength = 0;
  /** Offset of the current record's header. */
  headerOffset = 0;
  /** Content type of the record being read, -1 between records. */
  type = -1;
  length = 0;
  remaining = 0;
  route: Route = Route.Skip;
  /** The record is protected (its body is ciphertext to this decoder). */
  protected = false;
  /** Body pieces of a Route.Collect record; views into the caller's chunks until own(). */
  private body: Uint8Array[] = [];
  private owned = 0;

  /** Record header version (major << 8 | minor). */
  get version(): number {
    return (this.header[1]! << 8) | this.header[2]!;
  }

  /** Inside a record whose body nobody reads: a gap there leaves the framing intact. */
  get skipping(): boolean {
    return this.type >= 0 && this.route === Route.Skip;
  }

  /** Returns the bytes of the chunk not consumed because the owner stopped (0 normally). */
  feed(chunk: Uint8Array, owner: RecordOwner): number {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.type < 0) {
        if (this.headerLength === 0) this.headerOffset = this.offset;
        // Byte by byte, not subarray + set: on a bulk transfer this runs for every record.
        const part = Math.min(5 - this.headerLength, n - i);
        const h = this.header;
        for (let k = 0; k < part; k++) h[this.headerLength + k] = chunk[i + k]!;
        this.headerLength += part;
        i += part;
        this.offset += part;
        if (this.headerLength < 5) return 0;
        this.headerLength = 0;
        this.type = h[0]!;
        this.length = (h[3]! << 8) | h[4]!;
        this.remaining = this.length;
        // `body` is empty here: finish() and reset() leave it so.
        this.route = Route.Skip;
        this.protected = false;
        if (!owner.recordStart(this)) {
          this.type = -1;
          return n - i;
        }
        if (this.remaining === 0) this.finish(owner);
        continue;
      }
      const take = Math.min(this.remaining, n - i);
      // Only the bytes someone reads get a view; the rest are only counted.
      if (this.route === Route.Handshake) owner.handshakeBytes(chunk.subarray(i, i + take), this.offset);
      else if (this.route === Route.Collect) this.body.push(chunk.subarray(i, i + take));
      i += take;
      this.skip(take, owner);
      if (this.remaining === 0) this.finish(owner);
    }
    return 0;
  }

  /** Skips `n` body bytes of the current record (a gap inside a skipped record). */
  skip(n: number, owner: RecordOwner): void {
    this.remaining -= n;
    this.offset += n;
    if (this.protected) owner.protectedBytes(n);
  }

  /** Ends a record whose remaining bytes were skipped over by a gap. */
  endSkipped(): void {
    if (this.remaining === 0) this.type = -1;
  }

  /** Forgets the record being read (a gap broke the framing). */
  reset(): void {
    this.type = -1;
    this.headerLength = 0;
    this.route = Route.Skip;
    this.body = [];
    this.owned = 0;
  }

  /** Copies the collected body pieces out of the caller's buffers (before feed() returns). */
  own(): void {
    for (let i = this.owned; i < this.body.length; i++) this.body[i] = copyBytes(this.body[i]!);
    this.owned = this.body.length;
  }

  private finish(owner: RecordOwner): void {
    let body: Uint8Array | undefined;
    if (this.route === Route.Collect) {
      body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body);
      // A new list rather than `length = 0`: V8 empties an array in place through a runtime call
      // and drops its backing store anyway, so twice per record (as this was) cost more than
      // a new array per collected record.
      this.body = [];
      this.owned = 0;
    }
    const type = this.type;
    this.type = -1;
    owner.recordEnd(this, type, body);
  }
}
