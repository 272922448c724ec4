// keyUsage (RFC 5280 §4.2.1.3, OID 2.5.29.15) → the names of the bits set, in bit order.
import { ByteReader } from '../../bytes/reader.js';
import { Malformed } from '../../bytes/errors.js';
import { TAG, expectTlv } from '../der.js';
import { KEY_USAGE_BITS } from '../oids.js';

/** KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), … decipherOnly (8) }; an unnamed bit is "bitN". */
export function decodeKeyUsage(der: Uint8Array, base = 0, what = 'keyUsage'): string[] {
  const r = new ByteReader(der, base, '');
  const bits = expectTlv(r, TAG.BIT_STRING, what);
  r.expectEnd(what);
  const b = bits.value;
  // X.690 §8.6.2.2: the first content octet counts the unused bits of the last one (0-7).
  if (b.length === 0 || b[0]! > 7) throw new Malformed('bad BIT STRING', bits.offset, what);
  const out: string[] = [];
  const nbits = (b.length - 1) * 8 - b[0]!;
  for (let i = 0; i < nbits; i++) {
    if ((b[1 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0) out.push(KEY_USAGE_BITS[i] ?? `bit${i}`);
  }
  return out;
}
