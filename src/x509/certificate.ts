// DER certificate → CertInfo (plain data). decodeCertificate is the entry point: the cache
// (cache.ts) first, then the walk below over the RFC 5280 §4.1 skeleton with der.ts, the
// SubjectPublicKeyInfo (public-key.ts), the extensions (extensions/), and the self-signed check
// (self-signed.ts, node:crypto). The walk can stop part-way through a damaged certificate and
// keeps every field it had already read.

import { createHash } from 'node:crypto';
import { Malformed, Truncated, describeError } from '../bytes/errors.js';
import { ByteReader } from '../bytes/reader.js';
import { MAX_CERTIFICATE_BYTES } from '../limits.js';
import { cachedCertificate, rememberCertificate } from './cache.js';
import { TAG, type Tlv, contents, describeDerError, expectTlv, readAlgorithm, readTlv, toHex } from './der.js';
import { formatName, readName } from './dn.js';
import { type Extension, decodeExtensions } from './extensions/index.js';
import type { CertInfo } from './model.js';
import { SIGNATURE_ALGORITHMS } from './oids.js';
import { decodePublicKey } from './public-key.js';
import { type SelfSignedInput, isSelfSigned } from './self-signed.js';

/**
 * Decodes one DER certificate. Never throws: a certificate that does not parse comes back
 * with `error` set and every field that could be read before the problem filled in.
 * The result is shared with every other connection that carried the same certificate and is
 * deep-frozen (cache.ts).
 *
 * @example decodeCertificate(der).subject // "CN=example.com,O=Example,C=US"
 */
export function decodeCertificate(der: Uint8Array): CertInfo {
  return cachedCertificate(der) ?? rememberCertificate(der, readCertificate(der));
}

/** Decodes without the cache; the result is the caller's own (not frozen). Never throws. */
export function readCertificate(der: Uint8Array): CertInfo {
  const sha256 = createHash('sha256').update(der).digest('hex');
  try {
    return decodeUncached(der, sha256);
  } catch (e) {
    // decodeUncached catches its own parse errors; this is the last line of defence.
    const info = emptyInfo(sha256, der.length);
    info.error = describeError(e);
    return info;
  }
}

function emptyInfo(sha256: string, length: number): CertInfo {
  return {
    subject: '',
    issuer: '',
    serial: '',
    notBefore: '',
    notAfter: '',
    publicKey: { algorithm: '', oid: '' },
    signatureAlgorithm: { oid: '', name: '' },
    selfSigned: false,
    sha256,
    length,
  };
}

function decodeUncached(der: Uint8Array, sha256: string): CertInfo {
  const info = emptyInfo(sha256, der.length);
  if (der.length > MAX_CERTIFICATE_BYTES) {
    info.error = `LimitExceeded: certificate is ${der.length} bytes, over MAX_CERTIFICATE_BYTES (${MAX_CERTIFICATE_BYTES})`;
    return info;
  }
  const s: SelfSignedInput = { complete: false };
  const problems: string[] = [];
  try {
    walkCertificate(der, info, s, problems);
    s.complete = true;
  } catch (e) {
    problems.push(describeDerError(e));
  }
  info.selfSigned = isSelfSigned(der, s);
  if (problems.length > 0) info.error = problems.join('; ');
  return info;
}

// ---------------------------------------------------------------------------------------------
// RFC 5280 §4.1 skeleton

function walkCertificate(der: Uint8Array, info: CertInfo, s: SelfSignedInput, problems: string[]): void {
  const top = new ByteReader(der, 0, '');
  const cert = contents(expectOuter(top, 'Certificate', problems), 'Certificate');
  if (!top.done) problems.push(`Malformed: ${top.remaining} trailing byte(s) after the certificate @${top.offset}`);

  const tbs = contents(expectOuter(cert, 'tbsCertificate', problems), 'tbsCertificate');

  // version [0] EXPLICIT Version DEFAULT v1
  if (!tbs.done && tbs.buf[tbs.offset - tbs.base] === 0xa0) readTlv(tbs, 'version');

  const serial = expectTlv(tbs, TAG.INTEGER, 'serialNumber');
  // Hex of the INTEGER content octets, leading 00 kept (RFC 5280 §4.1.2.2; as tshark prints it).
  info.serial = toHex(serial.value);

  readAlgorithm(tbs, 'signature'); // must equal signatureAlgorithm (RFC 5280 §4.1.2.3); read below

  const issuer = expectTlv(tbs, TAG.SEQUENCE, 'issuer');
  s.issuer = issuer.raw;
  info.issuer = formatName(readName(new ByteReader(issuer.raw, issuer.offset), 'issuer'));

  const validity = contents(expectTlv(tbs, TAG.SEQUENCE, 'validity'), 'validity');
  info.notBefore = readTime(validity, 'validity.notBefore');
  info.notAfter = readTime(validity, 'validity.notAfter');
  validity.expectEnd('validity');

  const subject = expectTlv(tbs, TAG.SEQUENCE, 'subject');
  s.subject = subject.raw;
  info.subject = formatName(readName(new ByteReader(subject.raw, subject.offset), 'subject'));

  const spki = contents(expectTlv(tbs, TAG.SEQUENCE, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo');
  const keyAlg = readAlgorithm(spki, 'subjectPublicKeyInfo.algorithm');
  const keyBits = expectTlv(spki, TAG.BIT_STRING, 'subjectPublicKeyInfo.subjectPublicKey');
  spki.expectEnd('subjectPublicKeyInfo');
  info.publicKey = decodePublicKey(keyAlg, keyBits, problems);

  // issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT, extensions [3] EXPLICIT
  let lastTag = 0;
  while (!tbs.done) {
    const t = readTlv(tbs, 'uniqueID/extensions');
    if ((t.tag !== 0x81 && t.tag !== 0xa1 && t.tag !== 0x82 && t.tag !== 0xa2 && t.tag !== 0xa3) || (t.tag & 0x1f) <= lastTag) {
      throw new Malformed(`unexpected field with tag 0x${t.tag.toString(16)}`, t.offset, 'tbsCertificate');
    }
    lastTag = t.tag & 0x1f;
    if (t.tag === 0xa3) applyExtensions(contents(t, 'extensions'), info, s, problems);
  }

  const sigAlg = readAlgorithm(cert, 'signatureAlgorithm');
  info.signatureAlgorithm = { oid: sigAlg.oid, name: SIGNATURE_ALGORITHMS[sigAlg.oid] ?? sigAlg.oid };
  expectTlv(cert, TAG.BIT_STRING, 'signatureValue');
  cert.expectEnd('Certificate');
}

/**
 * The extensions that CertInfo shows, set in certificate order (which is the order of the JSON
 * output's keys); the key identifiers go to the self-signed test. A later duplicate wins. When
 * the list breaks off, the extensions before the break still count.
 */
function applyExtensions(r: ByteReader, info: CertInfo, s: SelfSignedInput, problems: string[]): void {
  const list: Extension[] = [];
  try {
    decodeExtensions(r, problems, list);
  } finally {
    setExtensions(list, info, s);
  }
}

function setExtensions(list: readonly Extension[], info: CertInfo, s: SelfSignedInput): void {
  for (const ext of list) {
    switch (ext.name) {
      case 'subjectAltName':
        info.san = ext.value;
        break;
      case 'keyUsage':
        info.keyUsage = ext.value;
        break;
      case 'extKeyUsage':
        info.extKeyUsage = ext.value;
        break;
      case 'basicConstraints':
        info.basicConstraints = ext.value;
        break;
      case 'subjectKeyIdentifier':
        s.subjectKeyId = ext.value;
        break;
      case 'authorityKeyIdentifier':
        if (ext.value !== undefined) s.authorityKeyId = ext.value;
        break;
    }
  }
}

/**
 * The two outer SEQUENCEs: when the capture cut the certificate short, read what is there
 * (the fields inside then fail one by one with Truncated) instead of giving up at once.
 */
function expectOuter(r: ByteReader, what: string, problems: string[]): Tlv {
  const save = new ByteReader(r.buf, r.base, r.path, r.offset - r.base, r.offset - r.base + r.remaining);
  try {
    return expectTlv(r, TAG.SEQUENCE, what);
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
    // Header intact, content short: take the rest as the content.
    const tag = save.u8(what);
    if (tag !== TAG.SEQUENCE) throw e;
    const first = save.u8(what);
    if (first > 0x80) save.skip(first & 0x7f, what);
    const valueOffset = save.offset;
    const value = save.rest();
    r.skip(r.remaining);
    // The inner SEQUENCE of a cut certificate is cut too: say so once, for the outermost.
    if (!problems.some((p) => p.includes('truncated'))) problems.push(describeDerError(e));
    return { tag, tagNumber: 0x10, constructed: true, offset: valueOffset, valueOffset, value, raw: value };
  }
}

/**
 * Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime } → ISO 8601 UTC.
 * RFC 5280 §4.1.2.5.1/§4.1.2.5.2 require "YYMMDDHHMMSSZ" / "YYYYMMDDHHMMSSZ"; we also accept
 * the looser X.680 forms (no seconds, fractions, offsets) that old certificates carry.
 */
function readTime(r: ByteReader, what: string): string {
  const t = readTlv(r, what);
  let text = '';
  for (const b of t.value) text += String.fromCharCode(b);
  let m: RegExpExecArray | null;
  let y: number;
  let rest: string[];
  if (t.tag === TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(text))) {
    const yy = Number(m[1]);
    // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, YY < 50 is 20YY.
    y = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = [m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? '00', '', m[7]!];
  } else if (
    t.tag === TAG.GENERALIZED_TIME &&
    (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)?(\d\d)?([.,]\d+)?(Z|[+-]\d{4})?$/.exec(text))
  ) {
    y = Number(m[1]);
    rest = [m[2]!, m[3]!, m[4]!, m[5] ?? '00', m[6] ?? '00', m[7] ?? '', m[8] ?? 'Z'];
  } else {
    const kind = t.tag === TAG.UTC_TIME ? 'UTCTime' : t.tag === TAG.GENERALIZED_TIME ? 'GeneralizedTime' : `tag 0x${t.tag.toString(16)}`;
    throw new Malformed(`bad ${kind} ${JSON.stringify(text.slice(0, 32))}`, t.offset, what);
  }
  const [mo, d, h, mi, sec, frac, zone] = rest as [string, string, string, string, string, string, string];
  let ms = Date.UTC(y, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  // Date.UTC maps years 0-99 to 1900-1999; put the real year back.
  if (y < 100) ms = new Date(ms).setUTCFullYear(y);
  // Date.UTC also rolls Feb 30 over into March: such a date is malformed, not normalised.
  const day = new Date(0);
  day.setUTCFullYear(y, Number(mo) - 1, Number(d));
  if (day.getUTCDate() !== Number(d)) throw new Malformed(`bad date ${JSON.stringify(text)}`, t.offset, what);
  if (frac) ms += Math.round(Number(`0.${frac.slice(1)}`) * 1000);
  if (zone !== 'Z') {
    const off = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
    ms -= zone[0] === '+' ? off : -off;
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) {
    throw new Malformed(`bad date ${JSON.stringify(text)}`, t.offset, what);
  }
  // "2025-01-02T03:04:05Z": milliseconds only when the certificate has them.
  const iso = date.toISOString();
  return date.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso;
}
