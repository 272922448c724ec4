// subjectKeyIdentifier (RFC 5280 §4.2.1.2, OID 2.5.29.14) and authorityKeyIdentifier (§4.2.1.1,
// OID 2.5.29.35): hex of the key identifiers, which the self-signed fallback compares.
import { ByteReader } from '../../bytes/reader.js';
import { Malformed } from '../../bytes/errors.js';
import { TAG, contents, expectTlv, readTlv, toHex } from '../der.js';
import { generalNames } from './subject-alt-name.js';

/** SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING */
export function decodeSubjectKeyIdentifier(der: Uint8Array, base = 0, what = 'subjectKeyIdentifier'): string {
  const r = new ByteReader(der, base, '');
  const id = expectTlv(r, TAG.OCTET_STRING, what);
  r.expectEnd(what);
  return toHex(id.value);
}

/**
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
 *   authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
 * (IMPLICIT tags, RFC 5280 appendix A.2) → hex of keyIdentifier, undefined when it is absent.
 */
export function decodeAuthorityKeyIdentifier(der: Uint8Array, base = 0, what = 'authorityKeyIdentifier'): string | undefined {
  const r = new ByteReader(der, base, '');
  const seq = contents(expectTlv(r, TAG.SEQUENCE, what), '');
  r.expectEnd(what);
  let keyIdentifier: string | undefined;
  let last = -1;
  while (!seq.done) {
    const t = readTlv(seq, what);
    // [0] primitive, [1] constructed, [2] primitive; each at most once, in this order.
    const n = t.tag === 0x80 ? 0 : t.tag === 0xa1 ? 1 : t.tag === 0x82 ? 2 : -1;
    if (n <= last) throw new Malformed(`unexpected field with tag 0x${t.tag.toString(16).padStart(2, '0')}`, t.offset, what);
    last = n;
    if (n === 0) keyIdentifier = toHex(t.value);
    // Read, not kept: a broken issuer name or serial number is reported as the extension's.
    else if (n === 1) generalNames(t, `${what}.authorityCertIssuer`);
    else if (t.value.length === 0) throw new Malformed('empty INTEGER (X.690 §8.3.1)', t.offset, `${what}.authorityCertSerialNumber`);
  }
  return keyIdentifier;
}
