// subjectAltName (RFC 5280 §4.2.1.6, OID 2.5.29.17) → "DNS:…", "IP:…", "email:…", …: the forms
// and spellings `openssl x509 -text` prints.
import { ByteReader } from '../../bytes/reader.js';
import { Malformed } from '../../bytes/errors.js';
import { ipv6String } from '../../util/ip-text.js';
import { TAG, type Tlv, contents, decodeOid, decodeString, expectTlv, latin1, readTlv, toHex } from '../der.js';
import { formatName, readName } from '../dn.js';

/**
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, from the extnValue's content octets
 * (`base`: their absolute offset, for errors).
 */
export function decodeSubjectAltName(der: Uint8Array, base = 0, what = 'subjectAltName'): string[] {
  const r = new ByteReader(der, base, '');
  const names = generalNames(expectTlv(r, TAG.SEQUENCE, what), what);
  r.expectEnd(what);
  return names;
}

/** The GeneralName entries of a GeneralNames TLV (SEQUENCE, or IMPLICIT-tagged as in authorityKeyIdentifier). */
export function generalNames(t: Tlv, what: string): string[] {
  const list = contents(t, '');
  const out: string[] = [];
  for (let i = 0; !list.done; i++) out.push(generalName(readTlv(list, `${what}[${i}]`), `${what}[${i}]`));
  return out;
}

/** GeneralName ::= CHOICE { otherName [0], rfc822Name [1], dNSName [2], … registeredID [8] } (RFC 5280 §4.2.1.6) */
export function generalName(t: Tlv, what: string): string {
  const v = t.value;
  switch (t.tag) {
    case 0xa0: {
      // otherName [0] { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
      const r = contents(t, '');
      const idTlv = expectTlv(r, TAG.OID, `${what}.type-id`);
      const id = decodeOid(idTlv.value, idTlv.valueOffset, `${what}.type-id`);
      const wrapped = expectTlv(r, 0xa0, `${what}.value`);
      const inner = readTlv(contents(wrapped, ''), `${what}.value`);
      // A string value (e.g. the Microsoft UPN 1.3.6.1.4.1.311.20.2.3 of smartcard logon) is shown.
      const text = decodeString(inner);
      return text === undefined ? `othername:${id}` : `othername:${id}:${text}`;
    }
    case 0x81:
      return `email:${latin1(v)}`;
    case 0x82:
      return `DNS:${latin1(v)}`;
    case 0xa3:
      return 'X400Name:<unsupported>';
    case 0xa4: // directoryName [4] EXPLICIT Name
      return `DirName:${formatName(readName(contents(t, ''), `${what}.directoryName`))}`;
    case 0xa5:
      return 'EdiPartyName:<unsupported>';
    case 0x86:
      return `URI:${latin1(v)}`;
    case 0x87:
      if (v.length === 4) return `IP:${v.join('.')}`;
      if (v.length === 16) return `IP:${ipv6String(v, 0)}`;
      return `IP:<invalid ${toHex(v)}>`;
    case 0x88:
      return `RID:${decodeOid(v, t.valueOffset, what)}`;
    default:
      throw new Malformed(`not a GeneralName: tag 0x${t.tag.toString(16)}`, t.offset, what);
  }
}
