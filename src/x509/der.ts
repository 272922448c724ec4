// A minimal DER (ITU-T X.690) TLV reader over ByteReader: the one ASN.1 path of the X.509
// decoder. The certificate skeleton, Names, SubjectPublicKeyInfo and every extension decoder in
// extensions/ read through it; nothing in x509/ uses asn1js or pkijs.
//
// Why our own reader and not asn1js (measured on the 116 distinct certificates of captures/ and
// the shared corpus, scripts/bench/x509.ts): asn1js.fromBER takes about 1 ms per certificate
// (it builds an object per node and copies through @peculiar/utils' converters), pkijs'
// Certificate 1.4 ms; a complete TLV walk with this reader takes 5 µs. Replay decodes every
// distinct certificate of a capture, so asn1js for the whole walk would cut the uncached rate
// from thousands of certificates per second to under a thousand. It also gives what asn1js does
// not: absolute byte offsets and field paths in every error (Truncated, Malformed), the exact
// bytes of each TLV (subarrays, no copies: a Name's raw DER for the subject == issuer test and
// RFC 4514's "#hex" form), strict DER (an indefinite length is Malformed) and a walk that can stop
// part-way through a damaged certificate keeping what it had read. It reads lazily, one TLV at a
// time, so a deeply nested value costs no recursion (asn1js recursed without bound before 4.0).

import { Malformed, Truncated, describeError } from '../bytes/errors.js';
import { ByteReader } from '../bytes/reader.js';

/** X.690 §8.1.2 universal tag numbers used here. */
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

export interface Tlv {
  /** The identifier octet as on the wire (class, constructed bit, low tag number); 0x1f forms keep 0x1f here. */
  readonly tag: number;
  /** Tag number (X.690 §8.1.2.4 high-tag-number form decoded). */
  readonly tagNumber: number;
  readonly constructed: boolean;
  /** Absolute offset of the identifier octet. */
  readonly offset: number;
  /** Absolute offset of the first content octet. */
  readonly valueOffset: number;
  /** Content octets (subarray, no copy). */
  readonly value: Uint8Array;
  /** The whole TLV (subarray, no copy). */
  readonly raw: Uint8Array;
}

/** Reads one TLV. X.690 §10.1: DER uses the definite form; an indefinite length is Malformed. */
export function readTlv(r: ByteReader, what = ''): Tlv {
  const offset = r.offset;
  const tag = r.u8(what ? `${what}.tag` : 'tag');
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    // X.690 §8.1.2.4.2: base-128 tag number; cap at 4 bytes (no real X.509 tag comes close).
    tagNumber = 0;
    for (let i = 0; ; i++) {
      const b = r.u8(what ? `${what}.tag` : 'tag');
      if (i === 4) r.fail('tag number too long', what);
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const lenAt = r.offset;
  const first = r.u8(what ? `${what}.length` : 'length');
  let length = first;
  if (first === 0x80) {
    throw new Malformed('indefinite length is not DER (X.690 §10.1)', lenAt, what);
  } else if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new Malformed(`length of ${n} octets is too long`, lenAt, what);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + r.u8(what ? `${what}.length` : 'length');
  }
  const valueOffset = r.offset;
  const value = r.bytes(length, what);
  // buf[0] sits at absolute offset `base`, so the whole TLV is this slice of buf.
  const raw = r.buf.subarray(offset - r.base, valueOffset - r.base + length);
  return { tag, tagNumber, constructed: (tag & 0x20) !== 0, offset, valueOffset, value, raw };
}

/** Reads one TLV and requires its identifier octet to be `tag`. */
export function expectTlv(r: ByteReader, tag: number, what: string): Tlv {
  const at = r.offset;
  const t = readTlv(r, what);
  if (t.tag !== tag) throw new Malformed(`want tag 0x${hex2(tag)}, got 0x${hex2(t.tag)}`, at, what);
  return t;
}

/** A reader over a TLV's content octets, positioned with absolute offsets. */
export function contents(t: Tlv, what: string): ByteReader {
  return new ByteReader(t.value, t.valueOffset, what);
}

/** X.690 §8.19: OBJECT IDENTIFIER content octets → dotted string. Arcs beyond 2^53 use BigInt. */
export function decodeOid(bytes: Uint8Array, offset = 0, what = 'oid'): string {
  if (bytes.length === 0) throw new Malformed('empty OBJECT IDENTIFIER', offset, what);
  const arcs: string[] = [];
  let v = 0;
  let big: bigint | null = null;
  let first = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (big !== null) big = big * 128n + BigInt(b & 0x7f);
    else {
      v = v * 128 + (b & 0x7f);
      if (v > 2 ** 45) big = BigInt(v);
    }
    if ((b & 0x80) !== 0) {
      if (i === bytes.length - 1) throw new Malformed('OBJECT IDENTIFIER ends inside a subidentifier', offset + i, what);
      continue;
    }
    if (first) {
      // X.690 §8.19.4: the first subidentifier packs the first two arcs.
      if (big !== null) arcs.push('2', (big - 80n).toString());
      else if (v < 40) arcs.push('0', String(v));
      else if (v < 80) arcs.push('1', String(v - 40));
      else arcs.push('2', String(v - 80));
      first = false;
    } else {
      arcs.push(big !== null ? big.toString() : String(v));
    }
    v = 0;
    big = null;
  }
  return arcs.join('.');
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}

function hex2(n: number): string {
  return HEX[n & 0xff]!;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true });

/** Octets as code points 0-255 (IA5String and friends, and the GeneralName strings). */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * The text of an X.520 DirectoryString-like value, or undefined when the value is not a
 * character string (or its encoding is invalid), in which case callers show it as hex
 * (RFC 4514 §2.4).
 */
export function decodeString(t: Tlv): string | undefined {
  const b = t.value;
  try {
    switch (t.tag) {
      case TAG.UTF8_STRING:
        return utf8.decode(b);
      case TAG.PRINTABLE_STRING:
      case TAG.IA5_STRING:
      case TAG.VISIBLE_STRING:
      case TAG.NUMERIC_STRING:
      // T.61 is close enough to Latin-1 for display; OpenSSL treats it the same way.
      case TAG.TELETEX_STRING:
        return latin1(b);
      case TAG.BMP_STRING:
        if (b.length % 2 !== 0) return undefined;
        return utf16be.decode(b);
      case TAG.UNIVERSAL_STRING: {
        if (b.length % 4 !== 0) return undefined;
        let s = '';
        for (let i = 0; i < b.length; i += 4) {
          const cp = ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
          s += String.fromCodePoint(cp);
        }
        return s;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined; // invalid UTF-8 / UTF-16
  }
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2) */
export interface AlgorithmIdentifier {
  oid: string;
  params?: Tlv;
}

export function readAlgorithm(r: ByteReader, what: string): AlgorithmIdentifier {
  const a = contents(expectTlv(r, TAG.SEQUENCE, what), what);
  const oidTlv = expectTlv(a, TAG.OID, `${what}.algorithm`);
  const oid = decodeOid(oidTlv.value, oidTlv.valueOffset, `${what}.algorithm`);
  if (a.done) return { oid };
  const params = readTlv(a, `${what}.parameters`);
  a.expectEnd(what);
  return { oid, params };
}

/**
 * A small INTEGER's value (X.690 §8.3: two's complement, at least one octet). Longer than
 * `maxOctets` is Malformed with `tooLarge` as the message.
 */
export function smallInteger(t: Tlv, what: string, maxOctets: number, tooLarge: string): number {
  const v = t.value;
  if (v.length === 0) throw new Malformed('empty INTEGER (X.690 §8.3.1)', t.offset, what);
  if (v.length > maxOctets) throw new Malformed(tooLarge, t.offset, what);
  let n = (v[0]! & 0x80) !== 0 ? -1 : 0;
  for (let i = 0; i < v.length; i++) n = n * 256 + v[i]!;
  return n;
}

/** BOOLEAN: any non-zero content octet is TRUE (X.690 §8.2.2; DER's single 0xff octet is not required). */
export function readBoolean(t: Tlv): boolean {
  for (let i = 0; i < t.value.length; i++) if (t.value[i] !== 0) return true;
  return false;
}

/**
 * One line for CertInfo.error. A certificate's length is given by its container (the TLS
 * Certificate entry, an extension's OCTET STRING), so running out of bytes inside it means the
 * DER lengths are wrong, not that more data is coming: Truncated is reported as Malformed.
 */
export function describeDerError(e: unknown): string {
  if (e instanceof Truncated) {
    return `Malformed: ${e.path ? `${e.path}: ` : ''}truncated, need ${e.needed} more byte${e.needed === 1 ? '' : 's'} @${e.offset}`;
  }
  return describeError(e);
}
