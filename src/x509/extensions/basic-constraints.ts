// basicConstraints (RFC 5280 §4.2.1.9, OID 2.5.29.19), read with asn1js (../asn1.ts).
import { Malformed } from '../../bytes/errors.js';
import { Der, TAG, hex2, tagOf } from '../asn1.js';
import { readBoolean, smallInteger } from '../values.js';

export interface BasicConstraints {
  ca: boolean;
  pathLength?: number;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
export function decodeBasicConstraints(der: Uint8Array, base = 0, what = 'basicConstraints'): BasicConstraints {
  const d = new Der(der, base);
  const top = d.top(what);
  const seq = d.items(top.expect(TAG.SEQUENCE, what), what);
  top.expectEnd(what);
  const out: BasicConstraints = { ca: false };
  if (seq.done) return out;
  let t = seq.next(what);
  if (tagOf(t) === TAG.BOOLEAN) {
    out.ca = readBoolean(d.content(t));
    if (seq.done) return out;
    t = seq.next(what);
  }
  const path = `${what}.pathLenConstraint`;
  if (tagOf(t) !== TAG.INTEGER) throw new Malformed(`want tag 0x02, got 0x${hex2(tagOf(t))}`, d.offset(t), path);
  seq.expectEnd(what);
  // Up to three octets (8,388,607): no real path is longer, and a CA's value of 2^31 is garbage.
  const n = smallInteger(d.content(t), d.offset(t), path, 3, 'pathLenConstraint too large');
  if (n < 0) throw new Malformed(`negative pathLenConstraint ${n}`, d.offset(t), path);
  out.pathLength = n;
  return out;
}
