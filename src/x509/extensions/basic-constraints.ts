// basicConstraints (RFC 5280 §4.2.1.9, OID 2.5.29.19).
import { ByteReader } from '../../bytes/reader.js';
import { Malformed } from '../../bytes/errors.js';
import { TAG, contents, expectTlv, readBoolean, readTlv, smallInteger } from '../der.js';

export interface BasicConstraints {
  ca: boolean;
  pathLength?: number;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
export function decodeBasicConstraints(der: Uint8Array, base = 0, what = 'basicConstraints'): BasicConstraints {
  const r = new ByteReader(der, base, '');
  const seq = contents(expectTlv(r, TAG.SEQUENCE, what), '');
  r.expectEnd(what);
  const out: BasicConstraints = { ca: false };
  if (seq.done) return out;
  let t = readTlv(seq, what);
  if (t.tag === TAG.BOOLEAN) {
    out.ca = readBoolean(t);
    if (seq.done) return out;
    t = readTlv(seq, what);
  }
  const path = `${what}.pathLenConstraint`;
  if (t.tag !== TAG.INTEGER) throw new Malformed(`want tag 0x02, got 0x${t.tag.toString(16).padStart(2, '0')}`, t.offset, path);
  seq.expectEnd(what);
  // Up to three octets (8,388,607), as when asn1js decoded it (it makes no number of four or more).
  const n = smallInteger(t, path, 3, 'pathLenConstraint too large');
  if (n < 0) throw new Malformed(`negative pathLenConstraint ${n}`, t.offset, path);
  out.pathLength = n;
  return out;
}
