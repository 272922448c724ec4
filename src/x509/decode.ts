// DER certificate → CertInfo (plain data; no asn1js/pkijs object leaves this module).
//
// The certificate skeleton (RFC 5280 §4.1) is walked with our own DER reader (der.ts): it is
// cheap, keeps exact byte offsets for error messages, keeps the raw Name bytes (needed for the
// RFC 4514 multi-valued RDNs that pkijs flattens, and for the subject == issuer test), and can
// stop part-way through a damaged certificate while keeping every field it had already read.
// The extension values and RSASSA-PSS parameters are decoded with pkijs' typed classes.
//
// Results are cached by SHA-256 of the DER: a capture repeats the same few certificates.

import { ipv6String } from '../util/ip-text.js';
import { X509Certificate, createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Malformed, TlsParseError, Truncated, describeError } from '../bytes/errors.js';
import { ByteReader } from '../bytes/reader.js';
import { MAX_CERTIFICATE_BYTES } from '../limits.js';
import { FifoMap } from '../util/fifo-map.js';
import { listHashEnd, listHashStep } from '../util/hash.js';
import type { CertInfo, PublicKeyInfo } from './model.js';
import { TAG, type Tlv, contents, decodeOid, decodeString, expectTlv, readTlv, toHex } from './der.js';
import { formatName, readName } from './dn.js';
import {
  EXTENDED_KEY_USAGES,
  EXTENSION_OIDS,
  FIXED_KEY_BITS,
  HASH_ALGORITHMS,
  KEY_USAGE_BITS,
  MGF1_OID,
  NAMED_CURVES,
  PUBLIC_KEY_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
} from './oids.js';

/** How many decoded certificates the cache keeps (least recently used ones are dropped). */
export const CERT_CACHE_SIZE = 4096;

/** A decoded certificate and its DER (a copy: the caller's bytes are a view of a reused buffer). */
interface CacheEntry {
  der: Uint8Array;
  info: CertInfo;
}

/**
 * The decode cache, least recently used first. Certificates are looked up by a hash of their
 * length and last 32 bytes (the end of the signature, as good as random) and confirmed byte for
 * byte: the same chain arrives on every connection, and this is cheaper than the SHA-256 the
 * lookup was made with, which is now computed once per distinct certificate.
 */
const cache = new FifoMap<number, CacheEntry[]>();
let cached = 0;

/** Empties the decode cache (tests, benchmarks). */
export function clearCertificateCache(): void {
  cache.clear();
  cached = 0;
}

/** Entries in the decode cache (never more than CERT_CACHE_SIZE). */
export function certificateCacheSize(): number {
  return cached;
}

function cacheKey(der: Uint8Array): number {
  let h = 0;
  for (let i = Math.max(0, der.length - 32); i < der.length; i++) h = listHashStep(h, der[i]!);
  return listHashEnd(h, der.length);
}

/**
 * Decodes one DER certificate. Never throws: a certificate that does not parse comes back
 * with `error` set and every field that could be read before the problem filled in.
 * The result is shared with every other connection that carried the same certificate and is
 * deep-frozen: a proxy holding a thousand connections to one server holds its chain once.
 *
 * @example decodeCertificate(der).subject // "CN=example.com,O=Example,C=US"
 */
export function decodeCertificate(der: Uint8Array): CertInfo {
  const key = cacheKey(der);
  const bucket = cache.get(key);
  if (bucket !== undefined) {
    for (const e of bucket) {
      if (Buffer.compare(e.der, der) === 0) {
        // Re-inserting makes this the most recently used entry. Only once the cache is half
        // full, where eviction comes near: a capture with a few chains hits them on every
        // connection, and the re-insertion cost more than the lookup.
        if (cached > CERT_CACHE_SIZE / 2) {
          cache.delete(key);
          cache.set(key, bucket);
        }
        return e.info;
      }
    }
  }
  const sha256 = createHash('sha256').update(der).digest('hex');
  let info: CertInfo;
  try {
    info = decodeUncached(der, sha256);
  } catch (e) {
    // decodeUncached catches its own parse errors; this is the last line of defence.
    info = emptyInfo(sha256, der.length);
    info.error = describeError(e);
  }
  deepFreeze(info);
  const entry: CacheEntry = { der: new Uint8Array(der), info };
  if (bucket !== undefined) {
    bucket.push(entry);
    cache.delete(key);
    cache.set(key, bucket);
  } else {
    cache.set(key, [entry]);
  }
  cached++;
  while (cached > CERT_CACHE_SIZE) {
    const oldestKey = cache.oldestKey()!;
    const oldest = cache.get(oldestKey)!;
    oldest.shift();
    if (oldest.length === 0) cache.deleteOldest();
    cached--;
  }
  return info;
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
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


/** What the walk learns besides the CertInfo fields. */
interface Scratch {
  issuerRaw?: Uint8Array;
  subjectRaw?: Uint8Array;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** The walk reached the end of the certificate without a structural error. */
  complete: boolean;
}

function decodeUncached(der: Uint8Array, sha256: string): CertInfo {
  const info = emptyInfo(sha256, der.length);
  if (der.length > MAX_CERTIFICATE_BYTES) {
    info.error = `LimitExceeded: certificate is ${der.length} bytes, over MAX_CERTIFICATE_BYTES (${MAX_CERTIFICATE_BYTES})`;
    return info;
  }
  const s: Scratch = { complete: false };
  const problems: string[] = [];
  try {
    walkCertificate(der, info, s, problems);
    s.complete = true;
  } catch (e) {
    problems.push(describe(e));
  }
  info.selfSigned = isSelfSigned(der, s);
  if (problems.length > 0) info.error = problems.join('; ');
  return info;
}

function describe(e: unknown): string {
  if (e instanceof Truncated) {
    // The certificate's length is given by its container (TLS Certificate entry), so running
    // out of bytes inside it means the DER lengths are wrong, not that more data is coming.
    return `Malformed: ${e.path ? `${e.path}: ` : ''}truncated, need ${e.needed} more byte${e.needed === 1 ? '' : 's'} @${e.offset}`;
  }
  return describeError(e);
}

// ---------------------------------------------------------------------------------------------
// RFC 5280 §4.1 skeleton

function walkCertificate(der: Uint8Array, info: CertInfo, s: Scratch, problems: string[]): void {
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
  s.issuerRaw = issuer.raw;
  info.issuer = formatName(readName(new ByteReader(issuer.raw, issuer.offset), 'issuer'));

  const validity = contents(expectTlv(tbs, TAG.SEQUENCE, 'validity'), 'validity');
  info.notBefore = readTime(validity, 'validity.notBefore');
  info.notAfter = readTime(validity, 'validity.notAfter');
  validity.expectEnd('validity');

  const subject = expectTlv(tbs, TAG.SEQUENCE, 'subject');
  s.subjectRaw = subject.raw;
  info.subject = formatName(readName(new ByteReader(subject.raw, subject.offset), 'subject'));

  const spki = contents(expectTlv(tbs, TAG.SEQUENCE, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo');
  const keyAlg = readAlgorithm(spki, 'subjectPublicKeyInfo.algorithm');
  const keyBits = expectTlv(spki, TAG.BIT_STRING, 'subjectPublicKeyInfo.subjectPublicKey');
  spki.expectEnd('subjectPublicKeyInfo');
  info.publicKey = publicKeyInfo(keyAlg, keyBits, problems);

  // issuerUniqueID [1] IMPLICIT, subjectUniqueID [2] IMPLICIT, extensions [3] EXPLICIT
  let lastTag = 0;
  while (!tbs.done) {
    const t = readTlv(tbs, 'uniqueID/extensions');
    if ((t.tag !== 0x81 && t.tag !== 0xa1 && t.tag !== 0x82 && t.tag !== 0xa2 && t.tag !== 0xa3) || (t.tag & 0x1f) <= lastTag) {
      throw new Malformed(`unexpected field with tag 0x${t.tag.toString(16)}`, t.offset, 'tbsCertificate');
    }
    lastTag = t.tag & 0x1f;
    if (t.tag === 0xa3) readExtensions(contents(t, 'extensions'), info, s, problems);
  }

  const sigAlg = readAlgorithm(cert, 'signatureAlgorithm');
  info.signatureAlgorithm = { oid: sigAlg.oid, name: SIGNATURE_ALGORITHMS[sigAlg.oid] ?? sigAlg.oid };
  expectTlv(cert, TAG.BIT_STRING, 'signatureValue');
  cert.expectEnd('Certificate');
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
    if (!problems.some((p) => p.includes('truncated'))) problems.push(describe(e));
    return { tag, tagNumber: 0x10, constructed: true, offset: valueOffset, valueOffset, value, raw: value };
  }
}

interface Algorithm {
  oid: string;
  params?: Tlv;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2) */
function readAlgorithm(r: ByteReader, what: string): Algorithm {
  const a = contents(expectTlv(r, TAG.SEQUENCE, what), what);
  const oidTlv = expectTlv(a, TAG.OID, `${what}.algorithm`);
  const oid = decodeOid(oidTlv.value, oidTlv.valueOffset, `${what}.algorithm`);
  if (a.done) return { oid };
  const params = readTlv(a, `${what}.parameters`);
  a.expectEnd(what);
  return { oid, params };
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

// ---------------------------------------------------------------------------------------------
// SubjectPublicKeyInfo

/** Bit length of an unsigned big-endian INTEGER content (leading zero octets ignored). */
function integerBits(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]!));
}

/** The first INTEGER of a SEQUENCE (RSAPublicKey.modulus, Dss-Parms.p, DomainParameters.p, DHParameter.prime). */
function firstIntegerBits(seqDer: Uint8Array, base: number, what: string): number {
  const r = new ByteReader(seqDer, base, '');
  const seq = contents(expectTlv(r, TAG.SEQUENCE, what), what);
  return integerBits(expectTlv(seq, TAG.INTEGER, `${what}[0]`).value);
}

function publicKeyInfo(alg: Algorithm, key: Tlv, problems: string[]): PublicKeyInfo {
  const algorithm = PUBLIC_KEY_ALGORITHMS[alg.oid] ?? alg.oid;
  const pk: PublicKeyInfo = { algorithm, oid: alg.oid };
  const fixed = FIXED_KEY_BITS[algorithm];
  if (fixed !== undefined) pk.bits = fixed;
  // BIT STRING content: one octet of unused bits, then the key (RFC 5280 §4.1.2.7).
  const keyBytes = key.value.subarray(1);
  const keyBase = key.valueOffset + 1;
  try {
    switch (algorithm) {
      case 'rsa':
      case 'rsa-pss':
      case 'rsaes-oaep':
        // RFC 8017 appendix A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        pk.bits = firstIntegerBits(keyBytes, keyBase, 'subjectPublicKey.RSAPublicKey');
        if (algorithm === 'rsa-pss' && alg.params !== undefined) {
          const pss = pssParams(alg.params);
          if (pss) pk.pss = pss;
        }
        break;
      case 'dsa':
      case 'dh':
        // RFC 3279 §2.3.2 Dss-Parms / §2.3.3 DomainParameters: p comes first.
        // DSA parameters may be absent (inherited from the issuer): then the size is unknown.
        if (alg.params !== undefined && alg.params.tag === TAG.SEQUENCE) {
          pk.bits = firstIntegerBits(alg.params.raw, alg.params.offset, 'subjectPublicKeyInfo.algorithm.parameters');
        }
        break;
      case 'ec':
        ecCurve(alg, pk);
        break;
    }
  } catch (e) {
    problems.push(describe(e));
  }
  return pk;
}

/** RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SpecifiedECDomain }. */
function ecCurve(alg: Algorithm, pk: PublicKeyInfo): void {
  const p = alg.params;
  if (p === undefined) return;
  if (p.tag === TAG.OID) {
    const oid = decodeOid(p.value, p.valueOffset, 'subjectPublicKeyInfo.algorithm.parameters');
    const named = NAMED_CURVES[oid];
    pk.curve = named ? named.name : oid;
    if (named) pk.bits = named.bits;
  } else if (p.tag === TAG.NULL) {
    pk.curve = 'implicitCA';
  } else if (p.tag === TAG.SEQUENCE) {
    // SEC 1 v2 §C.2 SpecifiedECDomain: { version, fieldID FieldID, curve, base, order, cofactor }.
    // Explicit parameters are what CVE-2020-0601 ("CurveBall") abused; RFC 5480 forbids them.
    pk.curve = 'explicit';
    const what = 'subjectPublicKeyInfo.algorithm.parameters';
    const seq = contents(p, what);
    expectTlv(seq, TAG.INTEGER, `${what}.version`);
    const field = contents(expectTlv(seq, TAG.SEQUENCE, `${what}.fieldID`), `${what}.fieldID`);
    const typeTlv = expectTlv(field, TAG.OID, `${what}.fieldID.fieldType`);
    const fieldType = decodeOid(typeTlv.value, typeTlv.valueOffset, `${what}.fieldID.fieldType`);
    if (fieldType === '1.2.840.10045.1.1') {
      // prime-field: Prime-p ::= INTEGER
      pk.bits = integerBits(expectTlv(field, TAG.INTEGER, `${what}.fieldID.prime-p`).value);
    } else if (fieldType === '1.2.840.10045.1.2') {
      // characteristic-two-field: Characteristic-two ::= SEQUENCE { m INTEGER, ... }
      const c2 = contents(expectTlv(field, TAG.SEQUENCE, `${what}.fieldID.m`), `${what}.fieldID`);
      const m = expectTlv(c2, TAG.INTEGER, `${what}.fieldID.m`).value;
      if (m.length <= 4) pk.bits = m.reduce((acc, b) => acc * 256 + b, 0);
    }
  }
}

function asn1(der: Uint8Array): asn1js.AsnType {
  const r = asn1js.fromBER(der);
  if (r.offset === -1) throw new Error(r.result.error || 'bad BER');
  if (r.offset !== der.length) throw new Error(`${der.length - r.offset} trailing byte(s)`);
  return r.result;
}

/** RFC 4055 §3.1 RSASSA-PSS-params (all fields DEFAULT: sha1, mgf1SHA1, 20, 1). */
function pssParams(params: Tlv): PublicKeyInfo['pss'] | undefined {
  if (params.tag !== TAG.SEQUENCE) return undefined; // NULL or absent: no restriction
  const p = new pkijs.RSASSAPSSParams({ schema: asn1(params.raw) });
  const hash = p.hashAlgorithm.algorithmId;
  let mgf1Hash = '1.3.14.3.2.26';
  if (p.maskGenAlgorithm.algorithmId === MGF1_OID) {
    const mp: unknown = p.maskGenAlgorithm.algorithmParams;
    if (mp instanceof asn1js.Sequence) {
      mgf1Hash = new pkijs.AlgorithmIdentifier({ schema: mp }).algorithmId;
    }
  } else {
    mgf1Hash = p.maskGenAlgorithm.algorithmId;
  }
  return {
    hash: HASH_ALGORITHMS[hash] ?? hash,
    mgf1Hash: HASH_ALGORITHMS[mgf1Hash] ?? mgf1Hash,
    saltLength: p.saltLength,
  };
}

// ---------------------------------------------------------------------------------------------
// Extensions (RFC 5280 §4.2)

function readExtensions(r: ByteReader, info: CertInfo, s: Scratch, problems: string[]): void {
  const list = contents(expectTlv(r, TAG.SEQUENCE, 'extensions'), 'extensions');
  r.expectEnd('extensions');
  const seen = new Set<string>();
  for (let i = 0; !list.done; i++) {
    const what = `extensions[${i}]`;
    const ext = contents(expectTlv(list, TAG.SEQUENCE, what), what);
    const idTlv = expectTlv(ext, TAG.OID, `${what}.extnID`);
    const oid = decodeOid(idTlv.value, idTlv.valueOffset, `${what}.extnID`);
    let next = readTlv(ext, what);
    if (next.tag === TAG.BOOLEAN) next = readTlv(ext, what); // critical
    if (next.tag !== TAG.OCTET_STRING) throw new Malformed(`want extnValue OCTET STRING, got tag 0x${next.tag.toString(16)}`, next.offset, what);
    ext.expectEnd(what);
    if (seen.has(oid)) problems.push(`Malformed: ${what}(${oid}): duplicate extension (RFC 5280 §4.2) @${next.offset}`);
    seen.add(oid);
    try {
      decodeExtension(oid, next, info, s);
    } catch (e) {
      // Our own errors carry their field path and offset; pkijs' schema errors get ours.
      if (e instanceof TlsParseError) problems.push(`${describe(e)} (in ${what}, ${oid})`);
      else problems.push(`Malformed: ${what}(${oid}): ${e instanceof Error ? e.message : String(e)} @${next.valueOffset}`);
    }
  }
}

function decodeExtension(oid: string, value: Tlv, info: CertInfo, s: Scratch): void {
  const v = value.value;
  switch (oid) {
    case EXTENSION_OIDS.subjectAltName: {
      info.san = subjectAltName(value);
      break;
    }
    case EXTENSION_OIDS.keyUsage:
      info.keyUsage = keyUsage(value);
      break;
    case EXTENSION_OIDS.extKeyUsage: {
      const eku = new pkijs.ExtKeyUsage({ schema: asn1(v) });
      info.extKeyUsage = eku.keyPurposes.map((p) => EXTENDED_KEY_USAGES[p] ?? p);
      break;
    }
    case EXTENSION_OIDS.basicConstraints: {
      const bc = new pkijs.BasicConstraints({ schema: asn1(v) });
      info.basicConstraints = { ca: bc.cA };
      const pl: unknown = bc.pathLenConstraint;
      if (typeof pl === 'number') {
        // RFC 5280 §4.2.1.9: pathLenConstraint INTEGER (0..MAX)
        if (pl < 0) throw new Error(`negative pathLenConstraint ${pl}`);
        info.basicConstraints.pathLength = pl;
      } else if (pl !== undefined) {
        throw new Error('pathLenConstraint too large');
      }
      break;
    }
    case EXTENSION_OIDS.subjectKeyIdentifier: {
      const r = new ByteReader(v, value.valueOffset, 'subjectKeyIdentifier');
      s.subjectKeyId = toHex(expectTlv(r, TAG.OCTET_STRING, 'subjectKeyIdentifier').value);
      break;
    }
    case EXTENSION_OIDS.authorityKeyIdentifier: {
      const aki = new pkijs.AuthorityKeyIdentifier({ schema: asn1(v) });
      if (aki.keyIdentifier) s.authorityKeyId = toHex(aki.keyIdentifier.valueBlock.valueHexView);
      break;
    }
  }
}

/** KeyUsage ::= BIT STRING, bit 0 = digitalSignature (RFC 5280 §4.2.1.3). */
function keyUsage(value: Tlv): string[] {
  const r = new ByteReader(value.value, value.valueOffset, 'keyUsage');
  const bits = expectTlv(r, TAG.BIT_STRING, 'keyUsage');
  r.expectEnd('keyUsage');
  const b = bits.value;
  if (b.length === 0 || b[0]! > 7) throw new Malformed('bad BIT STRING', bits.offset, 'keyUsage');
  const out: string[] = [];
  const nbits = (b.length - 1) * 8 - b[0]!;
  for (let i = 0; i < nbits; i++) {
    if ((b[1 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0) out.push(KEY_USAGE_BITS[i] ?? `bit${i}`);
  }
  return out;
}


function latin1(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]!);
  return out;
}

/**
 * GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (RFC 5280 §4.2.1.6) → "DNS:…", "IP:…", …
 * Read with der.ts rather than pkijs.AltName: pkijs builds the whole X.400 ORAddress schema
 * for every GeneralName, which made SAN decoding most of the cost of a certificate.
 */
function subjectAltName(value: Tlv): string[] {
  const what = 'subjectAltName';
  const r = new ByteReader(value.value, value.valueOffset, what);
  const list = contents(expectTlv(r, TAG.SEQUENCE, what), what);
  r.expectEnd(what);
  const out: string[] = [];
  for (let i = 0; !list.done; i++) out.push(generalName(readTlv(list, `${what}[${i}]`), `${what}[${i}]`));
  return out;
}

function generalName(t: Tlv, what: string): string {
  const v = t.value;
  switch (t.tag) {
    case 0xa0: {
      // otherName [0] { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
      const r = contents(t, what);
      const idTlv = expectTlv(r, TAG.OID, `${what}.type-id`);
      const id = decodeOid(idTlv.value, idTlv.valueOffset, `${what}.type-id`);
      const wrapped = expectTlv(r, 0xa0, `${what}.value`);
      const inner = readTlv(contents(wrapped, `${what}.value`), `${what}.value`);
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
      return `DirName:${formatName(readName(contents(t, what), `${what}.directoryName`))}`;
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

// ---------------------------------------------------------------------------------------------
// Self-signed

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Subject equals issuer (byte for byte) and the signature verifies with the certificate's own
 * key, checked by node:crypto (OpenSSL). When OpenSSL cannot check it (an algorithm it lacks,
 * a certificate it refuses), fall back to RFC 5280 §3.2's self-issued test plus matching key
 * identifiers (authorityKeyIdentifier absent or equal to subjectKeyIdentifier).
 */
function isSelfSigned(der: Uint8Array, s: Scratch): boolean {
  if (!s.issuerRaw || !s.subjectRaw || !bytesEqual(s.issuerRaw, s.subjectRaw)) return false;
  let verified: boolean | undefined;
  try {
    const x = new X509Certificate(der);
    verified = x.verify(x.publicKey);
  } catch {
    verified = undefined;
  }
  if (verified !== undefined) return verified;
  if (!s.complete) return false;
  return s.authorityKeyId === undefined || s.authorityKeyId === s.subjectKeyId;
}
