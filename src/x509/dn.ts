// X.501 Name → RFC 4514 string.
//
// RFC 5280 §4.1.2.4:  Name ::= SEQUENCE OF RelativeDistinguishedName
//                     RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//                     AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
// RFC 4514 §2.1: the RDNs are written last first, separated by ","; §2.2: the attributes of a
// multi-valued RDN are joined with "+".

import { Malformed, TlsParseError, Truncated } from '../bytes/errors.js';
import { ByteReader } from '../bytes/reader.js';
import { TAG, contents, decodeOid, decodeString, expectTlv, readTlv, toHex } from './der.js';
import { DN_ATTRIBUTES } from './oids.js';

/** One AttributeTypeAndValue, as plain data. */
export interface NameAttribute {
  /** Dotted OID of the attribute type. */
  readonly oid: string;
  /** The value as text, when it is a character string in a valid encoding. */
  readonly text?: string;
  /** The value's whole DER TLV (for the "#hex" form of RFC 4514 §2.4). */
  readonly der: Uint8Array;
}

/** A Name as its RDNs in encoded order (first RDN = most significant, e.g. C=…). */
export type Rdns = readonly (readonly NameAttribute[])[];

/**
 * Parses the DER of a Name (the whole SEQUENCE TLV at the reader's position).
 * Throws Truncated or Malformed with absolute offsets.
 */
export function readName(r: ByteReader, what = 'Name'): Rdns {
  const seq = expectTlv(r, TAG.SEQUENCE, what);
  const body = contents(seq, what);
  const rdns: NameAttribute[][] = [];
  for (let i = 0; !body.done; i++) {
    const setPath = `${what}[${i}]`;
    const set = expectTlv(body, TAG.SET, setPath);
    const sr = contents(set, setPath);
    if (sr.done) throw new Malformed('empty RelativeDistinguishedName (RFC 5280 §4.1.2.4: SET SIZE (1..MAX))', set.offset, setPath);
    const rdn: NameAttribute[] = [];
    for (let j = 0; !sr.done; j++) {
      const atvPath = `${setPath}[${j}]`;
      const atv = contents(expectTlv(sr, TAG.SEQUENCE, atvPath), atvPath);
      const typeTlv = expectTlv(atv, TAG.OID, `${atvPath}.type`);
      const oid = decodeOid(typeTlv.value, typeTlv.valueOffset, `${atvPath}.type`);
      const valueTlv = readTlv(atv, `${atvPath}.value`);
      atv.expectEnd(atvPath);
      const text = decodeString(valueTlv);
      rdn.push(text === undefined ? { oid, der: valueTlv.raw } : { oid, text, der: valueTlv.raw });
    }
    rdns.push(rdn);
  }
  return rdns;
}

/** RFC 4514 §2.3: the registered short name, else the dotted OID. */
export function attributeTypeName(oid: string): string {
  return DN_ATTRIBUTES[oid] ?? oid;
}

/**
 * RFC 4514 §2.4 escaping of a string value:
 * - `"` `+` `,` `;` `<` `>` `\` are backslash-escaped;
 * - a leading space or `#`, and a trailing space, are backslash-escaped;
 * - NUL must be written `\00`; we also hex-escape the other C0 controls and DEL
 *   (§2.4 lets any character be escaped), so a hostile name cannot move a terminal cursor.
 */
export function escapeValue(value: string): string {
  let out = '';
  const last = value.length - 1;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const code = c.charCodeAt(0);
    if (c === '"' || c === '+' || c === ',' || c === ';' || c === '<' || c === '>' || c === '\\') out += `\\${c}`;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === last && c === ' ')) out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** One `type=value` pair (RFC 4514 §2.3, §2.4). */
export function formatAttribute(a: NameAttribute): string {
  const type = DN_ATTRIBUTES[a.oid];
  // §2.4: a type in dotted-decimal form, or a value that is not a string, is written as "#" + hex of its BER.
  if (type === undefined) return `${a.oid}=#${toHex(a.der)}`;
  if (a.text === undefined) return `${type}=#${toHex(a.der)}`;
  return `${type}=${escapeValue(a.text)}`;
}

/** RFC 4514 §2.1: last RDN first, RDNs joined with ",", attributes of one RDN with "+". */
export function formatName(rdns: Rdns): string {
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) parts.push(rdns[i]!.map(formatAttribute).join('+'));
  return parts.join(',');
}

/**
 * A TLS CertificateRequest certificate_authorities entry (RFC 8446 §4.2.4, RFC 5246 §7.4.4:
 * DER of a Name) → RFC 4514 string. `base` is the entry's offset in the stream, for errors.
 * Throws only Malformed (truncation inside the entry is malformed: its length was given).
 */
export function decodeDistinguishedName(der: Uint8Array, base = 0, path = 'DistinguishedName'): string {
  try {
    const r = new ByteReader(der, base, '');
    const rdns = readName(r, path);
    r.expectEnd(path);
    return formatName(rdns);
  } catch (e) {
    if (e instanceof Malformed) throw e;
    if (e instanceof Truncated) {
      throw new Malformed(`truncated, need ${e.needed} more byte${e.needed === 1 ? '' : 's'}`, e.offset, e.path);
    }
    if (e instanceof TlsParseError) throw new Malformed(e.message, e.offset, e.path);
    throw new Malformed(`unexpected: ${e instanceof Error ? e.message : String(e)}`, base, path);
  }
}
