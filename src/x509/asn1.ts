// The ASN.1 layer of the X.509 decoder: asn1js (fromBER) behind a cursor that speaks our errors.
// Every decoder in x509/ (certificate.ts, public-key.ts, dn.ts, extensions/*.ts) reads the block
// tree asn1js builds, through this file; nothing in x509/ reads DER any other way.
//
// One fromBER per DER encoding: the certificate once (parseEmbedded off, so an extnValue or the
// subjectPublicKey stays an opaque OCTET/BIT STRING), then each encapsulated encoding its decoder
// needs (an extension's value, an RSAPublicKey), each over a subarray of the certificate
// (copyInput off: no copy), so every block's bytes are a view of the caller's buffer and its
// absolute offset is where that view starts.
//
// What asn1js does not do, this file does:
// - Errors with an offset and a field path. asn1js reports a failure as `offset === -1` with an
//   English `error` string on a result that keeps only the children read before the failing one,
//   and some of its value decoders throw (GeneralizedTime's "Wrong input string for conversion").
//   The cursor (Items) hands out the children asn1js read; where they stop short, or do not line
//   up, it parses the next element again on its own, bounded by its container, and so reaches the
//   deepest element that fails, which becomes a Malformed naming the field the decoder asked for
//   and the element's offset. That re-parse only happens on damaged input, and only along the
//   fields a decoder reads (a dozen levels at most in a certificate), so it stays linear.
// - DER's framing rules. asn1js reads BER: it accepts indefinite lengths, and checks an element's
//   length against the whole input rather than against its container. The cursor refuses an
//   indefinite length (X.690 §10.1) and an element that runs past its container.
// - A certificate cut short (a capture that lost its end). asn1js gives up at the outermost
//   SEQUENCE; the cursor reads what is there and reports "truncated, need N more bytes" where the
//   bytes run out, so the fields before the cut are kept.
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
/** Reads the identifier and length of one element and none of its contents (see parseAt). */
const HEADER_ONLY = { ...OPTIONS, maxDepth: 0 } as const;

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

/** A constructed block asn1js could not finish: its contents end at `end`, `missing` bytes short of what its length says. */
interface Cut {
  end: number;
  missing: number;
}

/**
 * One DER encoding and the asn1js blocks read from it. `base` is the absolute offset of
 * `bytes[0]` (in the certificate, or in the TLS stream for a CertificateRequest's CA name), so
 * offsets in errors point into what the user has.
 *
 * @example const d = new Der(der); const cert = d.top('').expect(TAG.SEQUENCE, 'Certificate');
 */
export class Der {
  readonly bytes: Uint8Array;
  readonly base: number;
  /** Absolute offset of a block = its view's byteOffset - anchor (all views share bytes' buffer). */
  private readonly anchor: number;
  /** Blocks handed out although asn1js could not read them to the end (damaged input only). */
  private cuts: Map<Block, Cut> | undefined;

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

  /**
   * The whole element, identifier to last content octet (a view, no copy). Throws Malformed
   * for an element the input cut short (the cursor hands those out so that a decoder can read
   * what is there, but the element as a whole is not).
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
    const cut = this.cuts?.get(b);
    if (cut !== undefined && cut.missing > 0) throw new Malformed(`truncated, need ${plural(cut.missing, 'more byte')}`, this.offset(b), what);
  }

  /** A cursor over a constructed block's elements. */
  items(b: Block, what: string): Items {
    const start = this.valueOffset(b);
    const cut = this.cuts?.get(b);
    const kids = b.idBlock.isConstructed ? childrenOf(b) : NONE;
    if (cut !== undefined) return new Items(this, kids, start, cut.end, cut.missing, what);
    return new Items(this, kids, start, start + b.lenBlock.length, 0, what);
  }

  /** A view of the input from absolute offset `from` to `to`. */
  slice(from: number, to: number): Uint8Array {
    return this.bytes.subarray(from - this.base, to - this.base);
  }

  /**
   * Parses the one element at absolute offset `at`, within its container's end `end`. A
   * constructed element that asn1js could not finish is returned with the children it read (the
   * cursor over it finds the problem when a decoder gets there); anything else that cannot be
   * read throws Malformed at `at`.
   */
  parseAt(at: number, end: number, what: string): Block {
    const input = this.slice(at, end);
    let r: ReturnType<typeof fromBER>;
    try {
      r = fromBER(input, OPTIONS);
    } catch (e) {
      // A value decoder threw (asn1js's GeneralizedTime does) somewhere inside. Read the
      // identifier and length alone: a constructed element then comes back empty, and the
      // cursor over it parses its elements one by one, down to the one that throws.
      let head: ReturnType<typeof fromBER> | undefined;
      try {
        head = fromBER(input, HEADER_ONLY);
      } catch {
        head = undefined;
      }
      if (head === undefined || !head.result.idBlock.isConstructed) {
        throw new Malformed(`bad value (identifier 0x${hex2(input[0]!)}): ${e instanceof Error ? e.message : String(e)}`, at, what);
      }
      r = head;
    }
    const b = r.result;
    const id = b.idBlock;
    const len = b.lenBlock;
    if (id.blockLength === 0 || id.error !== '') throw new Malformed(`bad identifier octets: ${id.error || b.error}`, at, what);
    if (len.blockLength === 0 || len.error !== '') throw new Malformed(`bad length octets: ${len.error || b.error}`, at + id.blockLength, what);
    if (len.isIndefiniteForm) throw new Malformed('indefinite length is not DER (X.690 §10.1)', at + id.blockLength, what);
    const declaredEnd = at + id.blockLength + len.blockLength + len.length;
    if (r.offset !== -1 && declaredEnd <= end) return b;
    const missing = Math.max(0, declaredEnd - end);
    if (!id.isConstructed) {
      throw new Malformed(missing > 0 ? `truncated, need ${plural(missing, 'more byte')}` : `bad ${blockName(b)}: ${b.error}`, at, what);
    }
    (this.cuts ??= new Map()).set(b, { end: Math.min(declaredEnd, end), missing });
    return b;
  }
}

const NONE: readonly Block[] = [];

function childrenOf(b: Block): readonly Block[] {
  const v = (b.valueBlock as unknown as { value?: unknown }).value;
  return Array.isArray(v) ? (v as Block[]) : NONE;
}

function blockName(b: Block): string {
  return (b.constructor as { NAME?: string }).NAME ?? 'value';
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
    /** Absolute offset where these contents end (clipped to the input when it was cut short). */
    private readonly end: number,
    /** Bytes the contents should have past `end`: > 0 when the input was cut short. */
    private readonly missing: number,
    /** The container's path, for errors about the container itself. */
    readonly path: string,
  ) {
    this.pos = start;
  }

  /** Absolute offset of the next element. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left in these contents. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Nothing is left, and nothing was cut off. */
  get done(): boolean {
    return this.pos >= this.end && this.missing === 0 && this.peeked === undefined;
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
    const p = this.peeked;
    if (p !== undefined) {
      this.peeked = undefined;
      return p;
    }
    if (this.pos >= this.end) {
      if (this.missing > 0) throw new Malformed(`truncated, need ${plural(this.missing, 'more byte')}`, this.pos, what);
      throw new Malformed(`missing: ${this.path || 'the input'} ends here`, this.pos, what);
    }
    return this.read(what);
  }

  /** The next element, which must have identifier octet `tag`. */
  expect(tag: number, what: string): Block {
    const b = this.next(what);
    const got = tagOf(b);
    if (got !== tag) throw new Malformed(`want tag 0x${hex2(tag)}, got 0x${hex2(got)}`, this.der.offset(b), what);
    return b;
  }

  /** Nothing may be left. */
  expectEnd(what: string): void {
    const at = this.peeked !== undefined ? this.der.offset(this.peeked) : this.pos;
    if (at < this.end) throw new Malformed(`${this.end - at} unexpected trailing byte(s)`, at, what);
    if (this.missing > 0) throw new Malformed(`truncated, need ${plural(this.missing, 'more byte')}`, at, what);
  }

  private read(what: string): Block {
    const k = this.kids[this.i];
    let b: Block;
    if (k !== undefined && this.der.offset(k) === this.pos && !k.lenBlock.isIndefiniteForm && this.der.end(k) <= this.end) {
      this.i++;
      b = k;
    } else {
      if (k !== undefined && this.der.offset(k) === this.pos && k.lenBlock.isIndefiniteForm) {
        throw new Malformed('indefinite length is not DER (X.690 §10.1)', this.pos + k.idBlock.blockLength, what);
      }
      // What asn1js read stops here, or no longer lines up with the bytes: read the rest afresh.
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
