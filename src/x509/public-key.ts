// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) → PublicKeyInfo: the algorithm's name, the key size in
// bits, the named curve, and the RSASSA-PSS restrictions of an id-RSASSA-PSS key. Reads the
// certificate's asn1js blocks (asn1.ts); the RSAPublicKey inside the subjectPublicKey BIT STRING
// is an encoding of its own, parsed with one more fromBER over those bytes.
import { Malformed, describeError } from '../bytes/errors.js';
import { type AlgorithmIdentifier, type Block, Der, TAG, algorithmOf, hex2, oidOf, readAlgorithm, tagOf } from './asn1.js';
import type { PublicKeyInfo } from './model.js';
import { FIXED_KEY_BITS, HASH_ALGORITHMS, MGF1_OID, NAMED_CURVES, PUBLIC_KEY_ALGORITHMS } from './oids.js';
import { smallInteger } from './values.js';

/**
 * The key of `subjectPublicKeyInfo` (its algorithm, and its subjectPublicKey BIT STRING). What
 * cannot be read of the key's size or parameters adds a line to `problems`; the algorithm is
 * always there.
 */
export function decodePublicKey(d: Der, alg: AlgorithmIdentifier, key: Block, problems: string[]): PublicKeyInfo {
  const algorithm = PUBLIC_KEY_ALGORITHMS[alg.oid] ?? alg.oid;
  const pk: PublicKeyInfo = { algorithm, oid: alg.oid };
  const fixed = FIXED_KEY_BITS[algorithm];
  if (fixed !== undefined) pk.bits = fixed;
  const what = 'subjectPublicKeyInfo.algorithm.parameters';
  try {
    switch (algorithm) {
      case 'rsa':
      case 'rsa-pss':
      case 'rsaes-oaep': {
        // RFC 8017 appendix A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER },
        // DER in the BIT STRING after its unused-bits octet (RFC 5280 §4.1.2.7).
        const keyBytes = d.content(key, 'subjectPublicKey').subarray(1);
        const rsa = new Der(keyBytes, d.valueOffset(key) + 1);
        pk.bits = firstIntegerBits(rsa, rsa.top('subjectPublicKey').expect(TAG.SEQUENCE, 'subjectPublicKey.RSAPublicKey'), 'subjectPublicKey.RSAPublicKey');
        if (algorithm === 'rsa-pss' && alg.params !== undefined) {
          const pss = decodePssParams(d, alg.params, what);
          if (pss) pk.pss = pss;
        }
        break;
      }
      case 'dsa':
      case 'dh':
        // RFC 3279 §2.3.2 Dss-Parms / §2.3.3 DomainParameters: p comes first.
        // DSA parameters may be absent (inherited from the issuer): then the size is unknown.
        if (alg.params !== undefined && tagOf(alg.params) === TAG.SEQUENCE) pk.bits = firstIntegerBits(d, alg.params, what);
        break;
      case 'ec':
        ecCurve(d, alg, pk);
        break;
    }
  } catch (e) {
    problems.push(describeError(e));
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
function firstIntegerBits(d: Der, seq: Block, what: string): number {
  return integerBits(d.content(d.items(seq, what).expect(TAG.INTEGER, `${what}[0]`)));
}

/** RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OID, implicitCurve NULL, specifiedCurve SpecifiedECDomain }. */
function ecCurve(d: Der, alg: AlgorithmIdentifier, pk: PublicKeyInfo): void {
  const p = alg.params;
  if (p === undefined) return;
  const what = 'subjectPublicKeyInfo.algorithm.parameters';
  const tag = tagOf(p);
  if (tag === TAG.OID) {
    const oid = oidOf(d, p, what);
    const named = NAMED_CURVES[oid];
    pk.curve = named ? named.name : oid;
    if (named) pk.bits = named.bits;
  } else if (tag === TAG.NULL) {
    pk.curve = 'implicitCA';
  } else if (tag === TAG.SEQUENCE) {
    // SEC 1 v2 §C.2 SpecifiedECDomain: { version, fieldID FieldID, curve, base, order, cofactor }.
    // Explicit parameters are what CVE-2020-0601 ("CurveBall") abused; RFC 5480 forbids them.
    pk.curve = 'explicit';
    const seq = d.items(p, what);
    seq.expect(TAG.INTEGER, `${what}.version`);
    const field = d.items(seq.expect(TAG.SEQUENCE, `${what}.fieldID`), `${what}.fieldID`);
    const fieldType = oidOf(d, field.expect(TAG.OID, `${what}.fieldID.fieldType`), `${what}.fieldID.fieldType`);
    if (fieldType === '1.2.840.10045.1.1') {
      // prime-field: Prime-p ::= INTEGER
      pk.bits = integerBits(d.content(field.expect(TAG.INTEGER, `${what}.fieldID.prime-p`)));
    } else if (fieldType === '1.2.840.10045.1.2') {
      // characteristic-two-field: Characteristic-two ::= SEQUENCE { m INTEGER, ... }
      const c2 = d.items(field.expect(TAG.SEQUENCE, `${what}.fieldID.m`), `${what}.fieldID`);
      const m = d.content(c2.expect(TAG.INTEGER, `${what}.fieldID.m`));
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
export function decodePssParams(d: Der, params: Block, what = 'RSASSA-PSS-params'): PublicKeyInfo['pss'] | undefined {
  if (tagOf(params) !== TAG.SEQUENCE) return undefined;
  const seq = d.items(params, what);
  let hash = SHA1_OID;
  let mgf1Hash = SHA1_OID;
  let saltLength = 20;
  let last = -1;
  while (!seq.done) {
    const t = seq.next(what);
    const tag = tagOf(t);
    const n = tag >= 0xa0 && tag <= 0xa3 ? tag - 0xa0 : -1;
    if (n <= last) throw new Malformed(`unexpected field with tag 0x${hex2(tag)}`, d.offset(t), what);
    last = n;
    const field = `${what}.${PSS_FIELDS[n]}`;
    const inner = d.items(t, field);
    if (n === 0) {
      hash = readAlgorithm(d, inner, field).oid;
    } else if (n === 1) {
      // MaskGenAlgorithm: id-mgf1 with the hash as its parameters (RFC 4055 §2.2); another mask
      // generation function is shown by its OID in place of the MGF1 hash.
      const mgf = readAlgorithm(d, inner, field);
      if (mgf.oid !== MGF1_OID) mgf1Hash = mgf.oid;
      else if (mgf.params !== undefined && tagOf(mgf.params) === TAG.SEQUENCE) {
        mgf1Hash = algorithmOf(d, mgf.params, `${field}.parameters`).oid;
      }
    } else if (n === 2) {
      const salt = inner.expect(TAG.INTEGER, field);
      saltLength = smallInteger(d.content(salt), d.offset(salt), field, 3, 'saltLength too large');
    } else {
      inner.expect(TAG.INTEGER, field); // trailerField: 1 (0xbc) is the only one defined
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
