// Certificate extensions (RFC 5280 §4.1.2.9, §4.2): a registry from extnID to decoder, one file
// per extension, as PeculiarVentures/x509's extension factory has it. An extension no decoder
// knows stays a generic one, its bytes kept as they came; a known one whose value does not parse
// is reported and kept the same way, and the other extensions still decode. The list is read from
// the certificate's asn1js blocks (../asn1.ts); each extnValue is an encoding of its own, which its
// decoder parses with asn1js over those bytes, so a broken value cannot take the others with it.
//
// The decoders' return types are inferred from the table below, so `Extension` is a union
// discriminated by `name` with the right value type for each (see decodeExtensions' callers).
import { Malformed, TlsParseError, describeError } from '../../bytes/errors.js';
import { type Der, type Items, TAG, hex2, oidOf, tagOf } from '../asn1.js';
import { EXTENSION_OIDS } from '../oids.js';
import { decodeBasicConstraints } from './basic-constraints.js';
import { decodeExtKeyUsage } from './ext-key-usage.js';
import { decodeAuthorityKeyIdentifier, decodeSubjectKeyIdentifier } from './key-identifiers.js';
import { decodeKeyUsage } from './key-usage.js';
import { decodeSubjectAltName } from './subject-alt-name.js';
import { readBoolean } from '../values.js';

/** A decoder reads an extnValue's content octets (`base`: their absolute offset; `what`: the path for errors). */
const KNOWN = {
  subjectKeyIdentifier: { oid: EXTENSION_OIDS.subjectKeyIdentifier, decode: decodeSubjectKeyIdentifier },
  keyUsage: { oid: EXTENSION_OIDS.keyUsage, decode: decodeKeyUsage },
  subjectAltName: { oid: EXTENSION_OIDS.subjectAltName, decode: decodeSubjectAltName },
  basicConstraints: { oid: EXTENSION_OIDS.basicConstraints, decode: decodeBasicConstraints },
  authorityKeyIdentifier: { oid: EXTENSION_OIDS.authorityKeyIdentifier, decode: decodeAuthorityKeyIdentifier },
  extKeyUsage: { oid: EXTENSION_OIDS.extKeyUsage, decode: decodeExtKeyUsage },
} as const;

type KnownName = keyof typeof KNOWN;

/** A decoded extension: its name in the table, and what its decoder returned. */
export type KnownExtension = {
  [N in KnownName]: { name: N; oid: string; critical: boolean; value: ReturnType<(typeof KNOWN)[N]['decode']> };
}[KnownName];

/** An extension without a decoder, or one whose decoder failed: the extnValue's content octets as they came. */
export interface GenericExtension {
  name: undefined;
  oid: string;
  critical: boolean;
  /** A subarray of the certificate (no copy). */
  der: Uint8Array;
}

export type Extension = KnownExtension | GenericExtension;

type Decoder = (der: Uint8Array, base: number, what: string) => unknown;
const BY_OID: ReadonlyMap<string, { name: KnownName; decode: Decoder }> = new Map(
  (Object.keys(KNOWN) as KnownName[]).map((name) => [KNOWN[name].oid, { name, decode: KNOWN[name].decode as Decoder }]),
);

/**
 * Reads `extensions [3] EXPLICIT Extensions` (`r`: the contents of the [3] element, positioned
 * at the SEQUENCE), in certificate order. Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER,
 * critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }.
 *
 * Each extension is pushed on `out` as it is read. A structural error in the list throws (the
 * walk stops there, and `out` holds the extensions before it); a value that does not decode, and
 * a duplicate extnID, add a line to `problems`, named `extensions[i](oid)`.
 */
export function decodeExtensions(d: Der, r: Items, problems: string[], out: Extension[] = []): Extension[] {
  const list = d.items(r.expect(TAG.SEQUENCE, 'extensions'), 'extensions');
  r.expectEnd('extensions');
  const seen = new Set<string>();
  for (let i = 0; !list.done; i++) {
    const at = `extensions[${i}]`;
    const ext = d.items(list.expect(TAG.SEQUENCE, at), at);
    const oid = oidOf(d, ext.expect(TAG.OID, `${at}.extnID`), `${at}.extnID`);
    let next = ext.next(at);
    let critical = false;
    if (tagOf(next) === TAG.BOOLEAN) {
      critical = readBoolean(d.content(next));
      next = ext.next(at);
    }
    if (tagOf(next) !== TAG.OCTET_STRING) throw new Malformed(`want extnValue OCTET STRING, got tag 0x${hex2(tagOf(next))}`, d.offset(next), at);
    ext.expectEnd(at);
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(oid)) problems.push(`Malformed: ${at}(${oid}): duplicate extension (RFC 5280 §4.2) @${d.offset(next)}`);
    seen.add(oid);
    out.push(decodeOne(oid, critical, d.content(next), d.valueOffset(next), `${at}(${oid})`, problems));
  }
  return out;
}

function decodeOne(oid: string, critical: boolean, value: Uint8Array, valueOffset: number, what: string, problems: string[]): Extension {
  const known = BY_OID.get(oid);
  if (known !== undefined) {
    try {
      return { name: known.name, oid, critical, value: known.decode(value, valueOffset, what) } as KnownExtension;
    } catch (e) {
      // Our errors carry their path (`extensions[i](oid)…`) and offset; anything else is a bug of ours.
      problems.push(e instanceof TlsParseError ? describeError(e) : `internal error in ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { name: undefined, oid, critical, der: value };
}
