// keyUsage (RFC 5280 §4.2.1.3, OID 2.5.29.15) → the names of the bits set, in bit order. Read
// with asn1js (../asn1.ts).
import { Malformed } from '../../bytes/errors.js';
import { Der, TAG } from '../asn1.js';
import { KEY_USAGE_BITS } from '../oids.js';

/** KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), … decipherOnly (8) }; an unnamed bit is "bitN". */
export function decodeKeyUsage(der: Uint8Array, base = 0, what = 'keyUsage'): string[] {
  const d = new Der(der, base);
  const top = d.top(what);
  const bits = top.expect(TAG.BIT_STRING, what);
  top.expectEnd(what);
  const b = d.content(bits);
  // X.690 §8.6.2.2: the first content octet counts the unused bits of the last one (0-7; asn1js
  // refuses more); an empty BIT STRING has not even that octet.
  if (b.length === 0 || b[0]! > 7) throw new Malformed('bad BIT STRING', d.offset(bits), what);
  const out: string[] = [];
  const nbits = (b.length - 1) * 8 - b[0]!;
  for (let i = 0; i < nbits; i++) {
    if ((b[1 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0) out.push(KEY_USAGE_BITS[i] ?? `bit${i}`);
  }
  return out;
}
