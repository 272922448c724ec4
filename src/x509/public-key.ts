// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) → PublicKeyInfo: the algorithm's name, the key size in
// bits, the named curve, and the RSASSA-PSS restrictions of an id-RSASSA-PSS key.
import { ByteReader } from '../bytes/reader.js';
import { Malformed } from '../bytes/errors.js';
import { TAG, type AlgorithmIdentifier, type Tlv, contents, decodeOid, describeDerError, expectTlv, readAlgorithm, readTlv, smallInteger } from './der.js';
import type { PublicKeyInfo } from './model.js';
import { FIXED_KEY_BITS, HASH_ALGORITHMS, MGF1_OID, NAMED_CURVES, PUBLIC_KEY_ALGORITHMS } from './oids.js';

/**
 * The key of `subjectPublicKeyInfo` (its algorithm, and its subjectPublicKey BIT STRING). What
 * cannot be read of the key's size or parameters adds a line to `problems`; the algorithm is
 * always there.
 */
export function decodePublicKey(alg: AlgorithmIdentifier, key: Tlv, problems: string[]): PublicKeyInfo {
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
          const pss = decodePssParams(alg.params, 'subjectPublicKeyInfo.algorithm.parameters');
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
    problems.push(describeDerError(e));
  }
  return pk;
}

/** Bit length of an unsigned big-endian INTEGER content (leading zero octets ignored). */
export function integerBits(v: Uint8Array): number {
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

/** RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SpecifiedECDomain }. */
function ecCurve(alg: AlgorithmIdentifier, pk: PublicKeyInfo): void {
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

/** id-sha1 and mgf1SHA1: RFC 4055 §3.1's defaults. */
const SHA1_OID = '1.3.14.3.2.26';

/**
 * RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1,
 *   maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1, saltLength [2] INTEGER DEFAULT 20,
 *   trailerField [3] TrailerField DEFAULT trailerFieldBC } (RFC 4055 §3.1; the tags are EXPLICIT).
 * NULL or absent parameters (no SEQUENCE) put no restriction on the key: undefined.
 */
export function decodePssParams(params: Tlv, what = 'RSASSA-PSS-params'): PublicKeyInfo['pss'] | undefined {
  if (params.tag !== TAG.SEQUENCE) return undefined;
  const seq = contents(params, '');
  let hash = SHA1_OID;
  let mgf1Hash = SHA1_OID;
  let saltLength = 20;
  let last = -1;
  while (!seq.done) {
    const t = readTlv(seq, what);
    const n = t.tag >= 0xa0 && t.tag <= 0xa3 ? t.tag - 0xa0 : -1;
    if (n <= last) throw new Malformed(`unexpected field with tag 0x${t.tag.toString(16).padStart(2, '0')}`, t.offset, what);
    last = n;
    const field = `${what}.${PSS_FIELDS[n]}`;
    const inner = contents(t, '');
    if (n === 0) {
      hash = readAlgorithm(inner, field).oid;
    } else if (n === 1) {
      // MaskGenAlgorithm: id-mgf1 with the hash as its parameters (RFC 4055 §2.2); another mask
      // generation function is shown by its OID in place of the MGF1 hash.
      const mgf = readAlgorithm(inner, field);
      if (mgf.oid !== MGF1_OID) mgf1Hash = mgf.oid;
      else if (mgf.params?.tag === TAG.SEQUENCE) mgf1Hash = readAlgorithm(new ByteReader(mgf.params.raw, mgf.params.offset, ''), `${field}.parameters`).oid;
    } else if (n === 2) {
      saltLength = smallInteger(expectTlv(inner, TAG.INTEGER, field), field, 3, 'saltLength too large');
    } else {
      expectTlv(inner, TAG.INTEGER, field); // trailerField: 1 (0xbc) is the only one defined
    }
    inner.expectEnd(field);
  }
  return {
    hash: HASH_ALGORITHMS[hash] ?? hash,
    mgf1Hash: HASH_ALGORITHMS[mgf1Hash] ?? mgf1Hash,
    saltLength,
  };
}

const PSS_FIELDS = ['hashAlgorithm', 'maskGenAlgorithm', 'saltLength', 'trailerField'] as const;
