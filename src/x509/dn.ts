// X.501 Name → RFC 4514 string, read from asn1js's block tree (asn1.ts).
//
// RFC 5280 §4.1.2.4:  Name ::= SEQUENCE OF RelativeDistinguishedName
//                     RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//                     AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
// RFC 4514 §2.1: the RDNs are written last first, separated by ","; §2.2: the attributes of a
// multi-valued RDN are joined with "+" (kept as encoded: pkijs' model flattens them).

import { Malformed, TlsParseError } from '../bytes/errors.js';
import { type Block, Der, TAG, oidOf, tagOf } from './asn1.js';
import { DN_ATTRIBUTES } from './oids.js';
import { decodeString, toHex } from './values.js';

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
 * Reads a Name from its SEQUENCE block. Throws Malformed with absolute offsets and the path
 * `what[i][j]…` of the RDN and attribute that is wrong.
 */
export function readName(d: Der, name: Block, what = 'Name'): Rdns {
  const body = d.items(name, what);
  const rdns: NameAttribute[][] = [];
  for (let i = 0; !body.done; i++) {
    const setPath = `${what}[${i}]`;
    const set = body.expect(TAG.SET, setPath);
    const sr = d.items(set, setPath);
    if (sr.done) throw new Malformed('empty RelativeDistinguishedName (RFC 5280 §4.1.2.4: SET SIZE (1..MAX))', d.offset(set), setPath);
    const rdn: NameAttribute[] = [];
    for (let j = 0; !sr.done; j++) {
      const atvPath = `${setPath}[${j}]`;
      const atv = d.items(sr.expect(TAG.SEQUENCE, atvPath), atvPath);
      const oid = oidOf(d, atv.expect(TAG.OID, `${atvPath}.type`), `${atvPath}.type`);
      const value = atv.next(`${atvPath}.value`);
      atv.expectEnd(atvPath);
      const der = d.raw(value, `${atvPath}.value`);
      const text = decodeString(tagOf(value), d.content(value));
      rdn.push(text === undefined ? { oid, der } : { oid, text, der });
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
    const d = new Der(der, base);
    const top = d.top(path);
    const rdns = readName(d, top.expect(TAG.SEQUENCE, path), path);
    top.expectEnd(path);
    return formatName(rdns);
  } catch (e) {
    if (e instanceof Malformed) throw e;
    if (e instanceof TlsParseError) throw new Malformed(e.message, e.offset, e.path);
    throw new Malformed(`unexpected: ${e instanceof Error ? e.message : String(e)}`, base, path);
  }
}
