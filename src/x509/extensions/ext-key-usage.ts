// extKeyUsage (RFC 5280 §4.2.1.12, OID 2.5.29.37) → purpose names (serverAuth, clientAuth, …),
// the dotted OID for a purpose without one. Read with asn1js (../asn1.ts).
import { Der, TAG, oidOf } from '../asn1.js';
import { EXTENDED_KEY_USAGES } from '../oids.js';

/** ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId; KeyPurposeId ::= OBJECT IDENTIFIER */
export function decodeExtKeyUsage(der: Uint8Array, base = 0, what = 'extKeyUsage'): string[] {
  const d = new Der(der, base);
  const top = d.top(what);
  const list = d.items(top.expect(TAG.SEQUENCE, what), what);
  top.expectEnd(what);
  const out: string[] = [];
  for (let i = 0; !list.done; i++) {
    const oid = oidOf(d, list.expect(TAG.OID, `${what}[${i}]`), `${what}[${i}]`);
    out.push(EXTENDED_KEY_USAGES[oid] ?? oid);
  }
  return out;
}
