// subjectKeyIdentifier (RFC 5280 §4.2.1.2, OID 2.5.29.14) and authorityKeyIdentifier (§4.2.1.1,
// OID 2.5.29.35): hex of the key identifiers, which the self-signed fallback compares. Read with
// asn1js (../asn1.ts).
import { Malformed } from '../../bytes/errors.js';
import { Der, TAG, hex2, tagOf } from '../asn1.js';
import { toHex } from '../values.js';
import { generalNames } from './subject-alt-name.js';

/** SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING */
export function decodeSubjectKeyIdentifier(der: Uint8Array, base = 0, what = 'subjectKeyIdentifier'): string {
  const d = new Der(der, base);
  const top = d.top(what);
  const id = top.expect(TAG.OCTET_STRING, what);
  top.expectEnd(what);
  return toHex(d.content(id));
}

/**
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
 *   authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 * (IMPLICIT tags, RFC 5280 appendix A.2) → hex of keyIdentifier, undefined when it is absent.
 */
export function decodeAuthorityKeyIdentifier(der: Uint8Array, base = 0, what = 'authorityKeyIdentifier'): string | undefined {
  const d = new Der(der, base);
  const top = d.top(what);
  const seq = d.items(top.expect(TAG.SEQUENCE, what), what);
  top.expectEnd(what);
  let keyIdentifier: string | undefined;
  let last = -1;
  while (!seq.done) {
    const t = seq.next(what);
    const tag = tagOf(t);
    // [0] primitive, [1] constructed, [2] primitive; each at most once, in this order.
    const n = tag === 0x80 ? 0 : tag === 0xa1 ? 1 : tag === 0x82 ? 2 : -1;
    if (n <= last) throw new Malformed(`unexpected field with tag 0x${hex2(tag)}`, d.offset(t), what);
    last = n;
    if (n === 0) keyIdentifier = toHex(d.content(t));
    // Read, not kept: a broken issuer name or serial number is reported as the extension's.
    else if (n === 1) generalNames(d, t, `${what}.authorityCertIssuer`);
    else if (t.lenBlock.length === 0) throw new Malformed('empty INTEGER (X.690 §8.3.1)', d.offset(t), `${what}.authorityCertSerialNumber`);
  }
  return keyIdentifier;
}
