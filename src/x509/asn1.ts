// The ASN.1 layer of the X.509 decoder: asn1js (fromBER) behind a cursor that speaks our errors.
// Every decoder in x509/ (certificate.ts, public-key.ts, dn.ts, extensions/*.ts) reads the block
// tree asn1js builds, through this file; nothing in x509/ reads DER any other way.
//
// One fromBER per DER encoding: the certificate once (parseEmbedded off, so an extnValue or the
// subjectPublicKey stays an opaque OCTET/BIT STRING), then each encapsulated encoding a decoder
// needs (an extension's value, an RSAPublicKey), each over a subarray of the certificate
// (copyInput off: no copy), so every block's bytes are a view of the caller's buffer and its
// absolute offset is where that view starts.
//
// What asn1js does not do, this file does:
// - Errors with an offset and a field path. asn1js reports a failure as `offset === -1` with an
//   English `error` string on a result that keeps only the children read before the failing
//   one, and some of its value decoders throw (GeneralizedTime's "Wrong input string for
//   conversion"). The cursor (Items) hands out the children asn1js read; where they stop short,
//   or do not line up with the bytes, it parses the next element again on its own, bounded by
//   its container. That re-parse only happens on damaged input, and only along the fields a
//   decoder reads (a dozen levels at most in a certificate), so it stays linear in the size.
//   What it finds: identifier or length octets asn1js cannot read, an indefinite length, an
//   element longer than its container: Malformed at once, naming the field the decoder asked
//   for and the offset. A value asn1js could not decode (a BIT STRING with 9 unused bits, an
//   odd-length BMPString, an unparseable GeneralizedTime) is still a well-delimited element: it
//   is handed out, its content octets readable, and only asking asn1js for its meaning (an
//   OBJECT IDENTIFIER's arcs) reports asn1js's reason. So a Name attribute of any type shows as
//   "#hex" (RFC 4514 §2.4) and a validity time gets our own check, whatever asn1js made of them.
// - DER's framing. asn1js reads BER: it accepts indefinite lengths, and checks an element's
//   length against the whole input rather than against its container. The cursor refuses both.
// - A certificate cut short (a capture that lost its end). asn1js gives up at the outermost
//   SEQUENCE; Items.expectOuter hands the two outer SEQUENCEs out with what is there, so the
//   fields before the cut are still read.
//
// asn1js 4 caps the nesting depth of one parse (MAX_DEPTH below; 10,000 nested SEQUENCEs are
// refused, not recursed), and the size of one certificate is capped before it gets here
// (MAX_CERTIFICATE_BYTES, src/limits.ts).

import { type BaseBlock, ObjectIdentifier, fromBER } from 'asn1js';
import { Malformed } from '../bytes/errors.js';

export type Block = BaseBlock;

/** X.690 §8.1.2 identifier octets (class, constructed bit, tag number) used here. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  NUMERIC_STRING: 0x12,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * Deepest nesting one fromBER call reads (asn1js 4's own cap, made explicit). The deepest
 * structure a decoder here reads is about a dozen levels (an RSASSA-PSS parameter inside the
 * SubjectPublicKeyInfo); deeper input is reported, not recursed into.
 */
export const MAX_DEPTH = 64;

/**
 * asn1js's node budget per fromBER call. Every element takes at least two bytes, so this many
 * covers any certificate under MAX_CERTIFICATE_BYTES (64 KiB): the budget never cuts one we accept.
 */
const MAX_NODES = 32 * 1024;

const OPTIONS = { copyInput: false, parseEmbedded: false, maxDepth: MAX_DEPTH, maxNodes: MAX_NODES } as const;

/** The identifier octet of a block as on the wire; tag numbers of 31 and over keep 0x1f (X.690 §8.1.2.4). */
export function tagOf(b: Block): number {
  const id = b.idBlock;
  return (((id.tagClass - 1) & 3) << 6) | (id.isConstructed ? 0x20 : 0) | (id.tagNumber < 31 ? id.tagNumber : 0x1f);
}

export function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

function headerLength(b: Block): number {
  return b.idBlock.blockLength + b.lenBlock.blockLength;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function truncated(missing: number): string {
  return `truncated, need ${plural(missing, 'more byte')}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * One DER encoding and the asn1js blocks read from it. `base` is the absolute offset of
 * `bytes[0]` (in the certificate, or in the TLS stream for a CertificateRequest's CA name), so
 * offsets in errors point into what the user has.
 *
 * @example const d = new Der(der); const cert = d.items(d.top('').expect(TAG.SEQUENCE, 'Certificate'), 'Certificate');
 */
export class Der {
  readonly bytes: Uint8Array;
  readonly base: number;
  /** Absolute offset of a block = its view's byteOffset - anchor (all views share bytes' buffer). */
  private readonly anchor: number;
  /** Constructed blocks longer than their container: how many bytes are missing (damaged input only). */
  private cuts: Map<Block, number> | undefined;
  /** Primitive blocks whose value asn1js could not decode, with its reason (damaged input only). */
  private broken: Map<Block, string> | undefined;

  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.base = base;
    this.anchor = bytes.byteOffset - base;
  }

  /** A cursor over the elements of the whole input (one, for a well-formed encoding); nothing is parsed until it is read. */
  top(what: string): Items {
    return new Items(this, NONE, this.base, this.base + this.bytes.length, 0, what);
  }

  /** Absolute offset of the block's identifier octet. */
  offset(b: Block): number {
    return b.valueBeforeDecodeView.byteOffset - this.anchor;
  }

  /** Absolute offset of the block's first content octet. */
  valueOffset(b: Block): number {
    return this.offset(b) + headerLength(b);
  }

  /** Absolute offset just past the block, as its length octets say. */
  end(b: Block): number {
    return this.valueOffset(b) + b.lenBlock.length;
  }

  /** Bytes of the block past the end of its container (> 0 only for what Items.expectOuter hands out). */
  missing(b: Block): number {
    return this.cuts?.get(b) ?? 0;
  }

  /** asn1js's reason for not decoding the block's value, or undefined. */
  failure(b: Block): string | undefined {
    return this.broken?.get(b);
  }

  /**
   * The whole element, identifier to last content octet (a view, no copy). Throws for an
   * element cut short by its container.
   */
  raw(b: Block, what = ''): Uint8Array {
    this.whole(b, what);
    const at = this.offset(b) - this.base;
    return this.bytes.subarray(at, at + headerLength(b) + b.lenBlock.length);
  }

  /** The content octets (a view, no copy); a BIT STRING's start with its unused-bits octet. Throws as raw() does. */
  content(b: Block, what = ''): Uint8Array {
    this.whole(b, what);
    const at = this.valueOffset(b) - this.base;
    return this.bytes.subarray(at, at + b.lenBlock.length);
  }

  private whole(b: Block, what: string): void {
    const missing = this.missing(b);
    if (missing > 0) throw new Malformed(truncated(missing), this.valueOffset(b), what);
  }

  /** A cursor over a constructed block's elements (up to the end of the input, for one cut short). */
  items(b: Block, what: string): Items {
    const start = this.valueOffset(b);
    const missing = this.missing(b);
    const kids = b.idBlock.isConstructed ? childrenOf(b) : NONE;
    return new Items(this, kids, start, start + b.lenBlock.length - missing, missing, what);
  }

  /**
   * Parses the one element at absolute offset `at`, within its container's end `end`, for the
   * cursor. Throws Malformed when its identifier or length octets cannot be read, its length is
   * indefinite, or a primitive element runs past `end`. A constructed one that runs past `end`
   * comes back marked (missing); a value asn1js could not decode comes back marked (failure).
   */
  parseAt(at: number, end: number, what: string): Block {
    const input = this.bytes.subarray(at - this.base, end - this.base);
    let r: ReturnType<typeof fromBER> | undefined;
    let thrown: string | undefined;
    try {
      r = fromBER(input, OPTIONS);
    } catch (e) {
      // A value decoder threw (asn1js's GeneralizedTime does), here or inside: read the header alone.
      thrown = message(e);
      r = headerOf(input);
      if (r === undefined) throw new Malformed(`bad value (identifier 0x${hex2(input[0]!)}): ${thrown}`, at, what);
    }
    const b = r.result;
    const id = b.idBlock;
    const len = b.lenBlock;
    if (id.blockLength === 0 || id.error !== '') throw new Malformed(headerError('identifier', id.error || b.error), at, what);
    if (len.blockLength === 0 || len.error !== '') throw new Malformed(headerError('length', len.error || b.error), at + id.blockLength, what);
    if (len.isIndefiniteForm) throw new Malformed('indefinite length is not DER (X.690 §10.1)', at + id.blockLength, what);
    const valueAt = at + id.blockLength + len.blockLength;
    const missing = valueAt + len.length - end;
    // asn1js refuses some elements only after reading the length ("[UNIVERSAL 15] is reserved",
    // a length over its 16 MiB cap), and such a result is not tied to the input.
    if (b.valueBeforeDecodeView.buffer !== this.bytes.buffer || this.offset(b) !== at) {
      throw missing > 0 ? new Malformed(truncated(missing), valueAt, what) : new Malformed(`bad identifier octets: ${b.error}`, at, what);
    }
    if (missing > 0) {
      if (!id.isConstructed) throw new Malformed(truncated(missing), valueAt, what);
      (this.cuts ??= new Map()).set(b, missing);
    } else if (thrown !== undefined || r.offset === -1) {
      // A constructed element needs no mark: the cursor over it reaches the element that failed.
      if (!id.isConstructed) (this.broken ??= new Map()).set(b, thrown ?? b.error);
    }
    return b;
  }
}

/** asn1js's reason for not reading identifier or length octets; running out of input is said as truncation. */
function headerError(which: 'identifier' | 'length', error: string): string {
  if (error === 'Zero buffer length' || error.startsWith('End of input reached')) return `truncated in the ${which} octets`;
  return `bad ${which} octets: ${error}`;
}

/**
 * The element's identifier and length octets alone, as asn1js reads them from ever longer
 * prefixes of `input` (no value decoder runs until the contents are all there), or undefined.
 */
function headerOf(input: Uint8Array): ReturnType<typeof fromBER> | undefined {
  for (let k = 2; k <= Math.min(input.length, MAX_HEADER); k++) {
    let r: ReturnType<typeof fromBER>;
    try {
      r = fromBER(input.subarray(0, k), OPTIONS);
    } catch {
      return undefined; // the contents are all there and still throw: an empty value
    }
    const b = r.result;
    if (b.idBlock.error === '' && b.idBlock.blockLength > 0 && b.lenBlock.error === '' && b.lenBlock.blockLength > 0) return r;
  }
  return undefined;
}

/** Identifier and length octets together never take more (X.690 §8.1.2.4, §8.1.3.5; asn1js reads lengths of up to 8 octets). */
const MAX_HEADER = 16;

const NONE: readonly Block[] = [];

function childrenOf(b: Block): readonly Block[] {
  const v = (b.valueBlock as unknown as { value?: unknown }).value;
  return Array.isArray(v) ? (v as Block[]) : NONE;
}

/**
 * A cursor over the elements inside a constructed block (or over the whole input), in order,
 * as ByteReader is over bytes: `next` hands out the next element, `expect` one with a given
 * identifier octet, `expectEnd` requires that nothing is left. Errors are Malformed with the
 * element's absolute offset and the field path the caller names.
 */
export class Items {
  private i = 0;
  private pos: number;
  private peeked: Block | undefined;

  constructor(
    private readonly der: Der,
    /** The elements asn1js read; handed out while they line up with the bytes, then parsed afresh. */
    private readonly kids: readonly Block[],
    start: number,
    /** Absolute offset where these contents end (the end of the input, for contents cut short). */
    private readonly end: number,
    /** Bytes the contents lack past `end` (> 0 only inside what expectOuter handed out). */
    private readonly missing: number,
    /** The container's path, for errors about the container itself. */
    readonly path: string,
  ) {
    this.pos = start;
  }

  /** Absolute offset of the next element. */
  get offset(): number {
    return this.peeked !== undefined ? this.der.offset(this.peeked) : this.pos;
  }

  /** Bytes left in these contents. */
  get remaining(): number {
    return this.end - this.offset;
  }

  /** Nothing is left (of contents cut short: nothing of what is there). */
  get done(): boolean {
    return this.peeked === undefined && this.pos >= this.end;
  }

  /** The next element's identifier octet without taking it; -1 when there is none. */
  peekTag(what: string): number {
    if (this.peeked === undefined) {
      if (this.pos >= this.end) return -1;
      this.peeked = this.read(what);
    }
    return tagOf(this.peeked);
  }

  /** The next element. */
  next(what: string): Block {
    const b = this.take(what);
    const missing = this.der.missing(b);
    if (missing > 0) throw new Malformed(truncated(missing), this.der.valueOffset(b), what);
    return b;
  }

  /** The next element, which must have identifier octet `tag`. */
  expect(tag: number, what: string): Block {
    return this.checkTag(this.next(what), tag, what);
  }

  /**
   * Like expect, but a constructed element longer than what is left of the input is handed out
   * too, with `der.missing(b)` saying by how much: the cursor over it reads what is there. For
   * the Certificate and tbsCertificate SEQUENCEs of a certificate the capture cut short.
   */
  expectOuter(tag: number, what: string): Block {
    return this.checkTag(this.take(what), tag, what);
  }

  /** Nothing may be left. */
  expectEnd(what: string): void {
    const at = this.offset;
    if (at < this.end) throw new Malformed(`${this.end - at} unexpected trailing byte(s)`, at, what);
  }

  private checkTag(b: Block, tag: number, what: string): Block {
    const got = tagOf(b);
    if (got !== tag) throw new Malformed(`want tag 0x${hex2(tag)}, got 0x${hex2(got)}`, this.der.offset(b), what);
    return b;
  }

  private take(what: string): Block {
    const p = this.peeked;
    if (p !== undefined) {
      this.peeked = undefined;
      return p;
    }
    if (this.pos >= this.end) {
      if (this.missing > 0) throw new Malformed(truncated(this.missing), this.pos, what);
      throw new Malformed(`missing: ${this.path || 'the input'} ends here`, this.pos, what);
    }
    return this.read(what);
  }

  private read(what: string): Block {
    const k = this.kids[this.i];
    let b: Block;
    if (k !== undefined && this.der.offset(k) === this.pos && !k.lenBlock.isIndefiniteForm && this.der.end(k) <= this.end) {
      this.i++;
      b = k;
    } else {
      // What asn1js read stops here, or no longer lines up with the bytes: read on afresh.
      this.i = this.kids.length;
      b = this.der.parseAt(this.pos, this.end, what);
    }
    this.pos = Math.min(this.der.end(b), this.end);
    return b;
  }
}

/**
 * An OBJECT IDENTIFIER block → dotted string (X.690 §8.19), from asn1js's subidentifiers.
 * asn1js writes an arc beyond 2^53 as "{hex}"; those (UUID OIDs under 2.25 have 128-bit arcs)
 * are put together here with BigInt.
 */
export function oidOf(d: Der, b: Block, what: string): string {
  if (!(b instanceof ObjectIdentifier)) throw new Malformed(`want tag 0x06, got 0x${hex2(tagOf(b))}`, d.offset(b), what);
  const failure = d.failure(b);
  if (failure !== undefined) throw new Malformed(`bad OBJECT IDENTIFIER: ${failure}`, d.offset(b), what);
  return dotted(b.valueBlock, d.offset(b), what);
}

/**
 * An IMPLICIT-tagged OBJECT IDENTIFIER (GeneralName's registeredID [8]): asn1js reads it as a
 * context-specific primitive, so its content octets go through asn1js's OBJECT IDENTIFIER value
 * decoder here.
 */
export function implicitOid(d: Der, b: Block, what: string): string {
  const value = new ObjectIdentifier().valueBlock;
  const content = d.content(b, what);
  if (content.length > 0 && value.fromBER(content, 0, content.length) === -1) {
    throw new Malformed(`bad OBJECT IDENTIFIER: ${value.error}`, d.offset(b), what);
  }
  return dotted(value, d.offset(b), what);
}

function dotted(value: ObjectIdentifier['valueBlock'], at: number, what: string): string {
  const sids = value.value;
  if (sids.length === 0) throw new Malformed('empty OBJECT IDENTIFIER', at, what);
  let simple = true;
  for (const s of sids) if (s.isHexOnly || !Number.isSafeInteger(s.valueDec)) simple = false;
  if (simple) return value.toString();
  const arcs: string[] = [];
  for (let i = 0; i < sids.length; i++) {
    let v = 0n;
    // valueHexView holds the subidentifier's base-128 digits, continuation bits cleared.
    for (const digit of sids[i]!.valueHexView) v = v * 128n + BigInt(digit);
    if (i > 0) arcs.push(v.toString());
    // X.690 §8.19.4: the first subidentifier packs the first two arcs.
    else if (v < 40n) arcs.push('0', v.toString());
    else if (v < 80n) arcs.push('1', (v - 40n).toString());
    else arcs.push('2', (v - 80n).toString());
  }
  return arcs.join('.');
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2) */
export interface AlgorithmIdentifier {
  oid: string;
  params?: Block;
}

/** The AlgorithmIdentifier that is the next element of `r`. */
export function readAlgorithm(d: Der, r: Items, what: string): AlgorithmIdentifier {
  return algorithmOf(d, r.expect(TAG.SEQUENCE, what), what);
}

/** An AlgorithmIdentifier from its SEQUENCE block. */
export function algorithmOf(d: Der, seq: Block, what: string): AlgorithmIdentifier {
  const a = d.items(seq, what);
  const oid = oidOf(d, a.expect(TAG.OID, `${what}.algorithm`), `${what}.algorithm`);
  if (a.done) return { oid };
  const params = a.next(`${what}.parameters`);
  a.expectEnd(what);
  return { oid, params };
}
