// extKeyUsage (RFC 5280 §4.2.1.12, OID 2.5.29.37) → purpose names (serverAuth, clientAuth, …),
// the dotted OID for a purpose without one.
import { ByteReader } from '../../bytes/reader.js';
import { TAG, contents, decodeOid, expectTlv } from '../der.js';
import { EXTENDED_KEY_USAGES } from '../oids.js';

/** ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId; KeyPurposeId ::= OBJECT IDENTIFIER */
export function decodeExtKeyUsage(der: Uint8Array, base = 0, what = 'extKeyUsage'): string[] {
  const r = new ByteReader(der, base, '');
  const list = contents(expectTlv(r, TAG.SEQUENCE, what), '');
  r.expectEnd(what);
  const out: string[] = [];
  for (let i = 0; !list.done; i++) {
    const id = expectTlv(list, TAG.OID, `${what}[${i}]`);
    const oid = decodeOid(id.value, id.valueOffset, `${what}[${i}]`);
    out.push(EXTENDED_KEY_USAGES[oid] ?? oid);
  }
  return out;
}
