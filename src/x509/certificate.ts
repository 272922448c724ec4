// DER certificate → CertInfo (plain data). decodeCertificate is the entry point: the cache
// (cache.ts) first; then asn1js parses the certificate once (asn1.ts) and the walk below reads
// its block tree along the RFC 5280 §4.1 skeleton, the SubjectPublicKeyInfo (public-key.ts) and
// the extensions (extensions/); then the self-signed check (self-signed.ts, node:crypto). No
// asn1js object leaves x509/: CertInfo is plain data. The walk can stop part-way through a
// damaged certificate and keeps every field it had already read.

import { createHash } from 'node:crypto';
import { Malformed, describeError } from '../bytes/errors.js';
import { MAX_CERTIFICATE_BYTES } from '../limits.js';
import { type Items, Der, TAG, hex2, readAlgorithm, tagOf } from './asn1.js';
import { cachedCertificate, rememberCertificate } from './cache.js';
import { formatName, readName } from './dn.js';
import { type Extension, decodeExtensions } from './extensions/index.js';
import type { CertInfo } from './model.js';
import { SIGNATURE_ALGORITHMS } from './oids.js';
import { decodePublicKey } from './public-key.js';
import { type SelfSignedInput, isSelfSigned } from './self-signed.js';
import { latin1, toHex } from './values.js';

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
    problems.push(describeError(e));
  }
  info.selfSigned = isSelfSigned(der, s);
  if (problems.length > 0) info.error = problems.join('; ');
  return info;
}

// ---------------------------------------------------------------------------------------------
// RFC 5280 §4.1 skeleton

function walkCertificate(der: Uint8Array, info: CertInfo, s: SelfSignedInput, problems: string[]): void {
  const d = new Der(der);
  const top = d.top('');
  const cert = outer(d, top, 'Certificate', problems);
  if (!top.done) problems.push(`Malformed: ${top.remaining} trailing byte(s) after the certificate @${top.offset}`);

  const tbs = outer(d, cert, 'tbsCertificate', problems);

  // version [0] EXPLICIT Version DEFAULT v1
  if (tbs.peekTag('version') === 0xa0) tbs.next('version');

  // Hex of the INTEGER content octets, leading 00 kept (RFC 5280 §4.1.2.2; as tshark prints it).
  info.serial = toHex(d.content(tbs.expect(TAG.INTEGER, 'serialNumber')));

  readAlgorithm(d, tbs, 'signature'); // must equal signatureAlgorithm (RFC 5280 §4.1.2.3); read below

  const issuer = tbs.expect(TAG.SEQUENCE, 'issuer');
  s.issuer = d.raw(issuer, 'issuer');
  info.issuer = formatName(readName(d, issuer, 'issuer'));

  const validity = d.items(tbs.expect(TAG.SEQUENCE, 'validity'), 'validity');
  info.notBefore = readTime(d, validity, 'validity.notBefore');
  info.notAfter = readTime(d, validity, 'validity.notAfter');
  validity.expectEnd('validity');

  const subject = tbs.expect(TAG.SEQUENCE, 'subject');
  s.subject = d.raw(subject, 'subject');
  info.subject = formatName(readName(d, subject, 'subject'));

  const spki = d.items(tbs.expect(TAG.SEQUENCE, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo');
  const keyAlg = readAlgorithm(d, spki, 'subjectPublicKeyInfo.algorithm');
  const keyBits = spki.expect(TAG.BIT_STRING, 'subjectPublicKeyInfo.subjectPublicKey');
  spki.expectEnd('subjectPublicKeyInfo');
  info.publicKey = decodePublicKey(d, keyAlg, keyBits, problems);

  // issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT, extensions [3] EXPLICIT
  let lastTag = 0;
  while (!tbs.done) {
    const t = tbs.next('uniqueID/extensions');
    const tag = tagOf(t);
    if ((tag !== 0x81 && tag !== 0xa1 && tag !== 0x82 && tag !== 0xa2 && tag !== 0xa3) || (tag & 0x1f) <= lastTag) {
      throw new Malformed(`unexpected field with tag 0x${hex2(tag)}`, d.offset(t), 'tbsCertificate');
    }
    lastTag = tag & 0x1f;
    if (tag === 0xa3) applyExtensions(d, d.items(t, 'extensions'), info, s, problems);
  }

  const sigAlg = readAlgorithm(d, cert, 'signatureAlgorithm');
  info.signatureAlgorithm = { oid: sigAlg.oid, name: SIGNATURE_ALGORITHMS[sigAlg.oid] ?? sigAlg.oid };
  cert.expect(TAG.BIT_STRING, 'signatureValue');
  cert.expectEnd('Certificate');
}

/**
 * The extensions that CertInfo shows, set in certificate order (which is the order of the JSON
 * output's keys); the key identifiers go to the self-signed test. A later duplicate wins. When
 * the list breaks off, the extensions before the break still count.
 */
function applyExtensions(d: Der, r: Items, info: CertInfo, s: SelfSignedInput, problems: string[]): void {
  const list: Extension[] = [];
  try {
    decodeExtensions(d, r, problems, list);
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
 * The two outer SEQUENCEs: when the capture cut the certificate short, read what is there (the
 * fields inside then fail one by one where the bytes run out) instead of giving up at once, and
 * say so once, for the outermost.
 */
function outer(d: Der, r: Items, what: string, problems: string[]): Items {
  const b = r.expectOuter(TAG.SEQUENCE, what);
  const missing = d.missing(b);
  if (missing > 0 && !problems.some((p) => p.includes('truncated'))) {
    problems.push(`Malformed: ${what}: truncated, need ${missing} more byte${missing === 1 ? '' : 's'} @${d.valueOffset(b)}`);
  }
  return d.items(b, what);
}

/**
 * Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime } → ISO 8601 UTC.
 * RFC 5280 §4.1.2.5.1/§4.1.2.5.2 require "YYMMDDHHMMSSZ" / "YYYYMMDDHHMMSSZ"; we also accept
 * the looser X.680 forms (no seconds, fractions, offsets) that old certificates carry.
 */
function readTime(der: Der, r: Items, what: string): string {
  const t = r.next(what);
  const tag = tagOf(t);
  const at = der.offset(t);
  const text = latin1(der.content(t, what));
  let m: RegExpExecArray | null;
  let y: number;
  let rest: string[];
  if (tag === TAG.UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(text))) {
    const yy = Number(m[1]);
    // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, YY < 50 is 20YY.
    y = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = [m[2]!, m[3]!, m[4]!, m[5]!, m[6] ?? '00', '', m[7]!];
  } else if (
    tag === TAG.GENERALIZED_TIME &&
    (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)?(\d\d)?([.,]\d+)?(Z|[+-]\d{4})?$/.exec(text))
  ) {
    y = Number(m[1]);
    rest = [m[2]!, m[3]!, m[4]!, m[5] ?? '00', m[6] ?? '00', m[7] ?? '', m[8] ?? 'Z'];
  } else {
    const kind = tag === TAG.UTC_TIME ? 'UTCTime' : tag === TAG.GENERALIZED_TIME ? 'GeneralizedTime' : `tag 0x${tag.toString(16)}`;
    throw new Malformed(`bad ${kind} ${JSON.stringify(text.slice(0, 32))}`, at, what);
  }
  const [mo, d, h, mi, sec, frac, zone] = rest as [string, string, string, string, string, string, string];
  let ms = Date.UTC(y, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  // Date.UTC maps years 0-99 to 1900-1999; put the real year back.
  if (y < 100) ms = new Date(ms).setUTCFullYear(y);
  // Date.UTC also rolls Feb 30 over into March: such a date is malformed, not normalised.
  const day = new Date(0);
  day.setUTCFullYear(y, Number(mo) - 1, Number(d));
  if (day.getUTCDate() !== Number(d)) throw new Malformed(`bad date ${JSON.stringify(text)}`, at, what);
  if (frac) ms += Math.round(Number(`0.${frac.slice(1)}`) * 1000);
  if (zone !== 'Z') {
    const off = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
    ms -= zone[0] === '+' ? off : -off;
  }
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) {
    throw new Malformed(`bad date ${JSON.stringify(text)}`, at, what);
  }
  // "2025-01-02T03:04:05Z": milliseconds only when the certificate has them.
  const iso = date.toISOString();
  return date.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso;
}
