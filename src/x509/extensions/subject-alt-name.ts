// subjectAltName (RFC 5280 §4.2.1.6, OID 2.5.29.17) → "DNS:…", "IP:…", "email:…", …: the forms
// and spellings `openssl x509 -text` prints. Read with asn1js (../asn1.ts).
import { Malformed } from '../../bytes/errors.js';
import { ipv6String } from '../../util/ip-text.js';
import { type Block, Der, TAG, hex2, implicitOid, oidOf, tagOf } from '../asn1.js';
import { formatName, readName } from '../dn.js';
import { decodeString, latin1, toHex } from '../values.js';

/**
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, from the extnValue's content octets
 * (`base`: their absolute offset, for errors).
 */
export function decodeSubjectAltName(der: Uint8Array, base = 0, what = 'subjectAltName'): string[] {
  const d = new Der(der, base);
  const top = d.top(what);
  const names = generalNames(d, top.expect(TAG.SEQUENCE, what), what);
  top.expectEnd(what);
  return names;
}

/** The GeneralName entries of a GeneralNames block (SEQUENCE, or IMPLICIT-tagged as in authorityKeyIdentifier). */
export function generalNames(d: Der, t: Block, what: string): string[] {
  const list = d.items(t, what);
  const out: string[] = [];
  for (let i = 0; !list.done; i++) out.push(generalName(d, list.next(`${what}[${i}]`), `${what}[${i}]`));
  return out;
}

/** GeneralName ::= CHOICE { otherName [0], rfc822Name [1], dNSName [2], … registeredID [8] } (RFC 5280 §4.2.1.6) */
export function generalName(d: Der, t: Block, what: string): string {
  const tag = tagOf(t);
  switch (tag) {
    case 0xa0: {
      // otherName [0] { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
      const r = d.items(t, what);
      const id = oidOf(d, r.expect(TAG.OID, `${what}.type-id`), `${what}.type-id`);
      const wrapped = r.expect(0xa0, `${what}.value`);
      const inner = d.items(wrapped, `${what}.value`).next(`${what}.value`);
      // A string value (e.g. the Microsoft UPN 1.3.6.1.4.1.311.20.2.3 of smartcard logon) is shown.
      const text = decodeString(tagOf(inner), d.content(inner, `${what}.value`));
      return text === undefined ? `othername:${id}` : `othername:${id}:${text}`;
    }
    case 0x81:
      return `email:${latin1(d.content(t))}`;
    case 0x82:
      return `DNS:${latin1(d.content(t))}`;
    case 0xa3:
      return 'X400Name:<unsupported>';
    case 0xa4: // directoryName [4] EXPLICIT Name
      return `DirName:${formatName(readName(d, d.items(t, what).expect(TAG.SEQUENCE, `${what}.directoryName`), `${what}.directoryName`))}`;
    case 0xa5:
      return 'EdiPartyName:<unsupported>';
    case 0x86:
      return `URI:${latin1(d.content(t))}`;
    case 0x87: {
      const v = d.content(t);
      if (v.length === 4) return `IP:${v.join('.')}`;
      if (v.length === 16) return `IP:${ipv6String(v, 0)}`;
      return `IP:<invalid ${toHex(v)}>`;
    }
    case 0x88:
      return `RID:${implicitOid(d, t, what)}`;
    default:
      throw new Malformed(`not a GeneralName: tag 0x${hex2(tag)}`, d.offset(t), what);
  }
}
