// OID → short-name tables for the X.509 decoder. Data only, no logic.
//
// Sources (taken 2026):
// - DN attribute types: RFC 4514 §3 (CN, L, ST, O, OU, C, STREET, DC, UID), RFC 4519, RFC 5280 §4.1.2.4
//   and appendix A, ETSI EN 319 412-1 §5.1.4 (organizationIdentifier), CA/Browser Forum EV Guidelines
//   §9.2.4 (jurisdiction*), PKCS #9 (RFC 2985). Names other than RFC 4514's are OpenSSL's short names
//   (crypto/objects/objects.txt), which is what `openssl x509 -nameopt RFC2253` prints.
// - Signature algorithms: RFC 3279, RFC 4055, RFC 5758, RFC 8410, NIST CSOR (2.16.840.1.101.3.4.3.*),
//   FIPS 204 / draft-ietf-lamps-dilithium-certificates (ML-DSA), FIPS 205 (SLH-DSA).
// - Public-key algorithms: RFC 3279 §2.3, RFC 4055 §1.2, RFC 5480 §2.1.1, RFC 8410 §3.
// - Named curves: RFC 5480 §2.1.1.1, SEC 2 v2 §A.2, RFC 5639 §4.1 (Brainpool), GB/T 32918 (SM2);
//   names as OpenSSL prints them after "ASN1 OID:".
// - Extended key usage: RFC 5280 §4.2.1.12, RFC 4945, RFC 4556 §3.2.2, RFC 6187, Microsoft
//   "Object IDs associated with Microsoft cryptography" (KB 287547); OpenSSL short names.
// - Hash algorithms: RFC 3279 §2.2, RFC 4055 §2.1, NIST CSOR (2.16.840.1.101.3.4.2.*).

/** DN attribute types. RFC 4514 §2.3: an unknown type is written as its dotted OID. */
export const DN_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.16': 'postalAddress',
  '2.5.4.17': 'postalCode',
  '2.5.4.18': 'postOfficeBox',
  '2.5.4.20': 'telephoneNumber',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.45': 'x500UniqueIdentifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.72': 'role',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

/** AlgorithmIdentifier OIDs used in Certificate.signatureAlgorithm. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  // RFC 3279 §2.2.1, RFC 4055 §5, RFC 8017 appendix A.2.4
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.113549.1.1.15': 'sha512-224WithRSAEncryption',
  '1.2.840.113549.1.1.16': 'sha512-256WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSA',
  '1.3.14.3.2.3': 'md5WithRSA',
  // NIST CSOR: id-rsassa-pkcs1-v1_5-with-sha3-*
  '2.16.840.1.101.3.4.3.13': 'RSA-SHA3-224',
  '2.16.840.1.101.3.4.3.14': 'RSA-SHA3-256',
  '2.16.840.1.101.3.4.3.15': 'RSA-SHA3-384',
  '2.16.840.1.101.3.4.3.16': 'RSA-SHA3-512',
  // RFC 3279 §2.2.3, RFC 5758 §3.2
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '2.16.840.1.101.3.4.3.9': 'ecdsa-with-SHA3-224',
  '2.16.840.1.101.3.4.3.10': 'ecdsa-with-SHA3-256',
  '2.16.840.1.101.3.4.3.11': 'ecdsa-with-SHA3-384',
  '2.16.840.1.101.3.4.3.12': 'ecdsa-with-SHA3-512',
  // RFC 3279 §2.2.2, RFC 5758 §3.1
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '1.3.14.3.2.27': 'dsaWithSHA1-old',
  '2.16.840.1.101.3.4.3.1': 'dsa-with-sha224',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
  '2.16.840.1.101.3.4.3.3': 'dsa-with-sha384',
  '2.16.840.1.101.3.4.3.4': 'dsa-with-sha512',
  // RFC 8410 §3
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  // FIPS 204 (ML-DSA), FIPS 205 (SLH-DSA), NIST CSOR
  '2.16.840.1.101.3.4.3.17': 'ml-dsa-44',
  '2.16.840.1.101.3.4.3.18': 'ml-dsa-65',
  '2.16.840.1.101.3.4.3.19': 'ml-dsa-87',
  '2.16.840.1.101.3.4.3.20': 'slh-dsa-sha2-128s',
  '2.16.840.1.101.3.4.3.21': 'slh-dsa-sha2-128f',
  '2.16.840.1.101.3.4.3.22': 'slh-dsa-sha2-192s',
  '2.16.840.1.101.3.4.3.23': 'slh-dsa-sha2-192f',
  '2.16.840.1.101.3.4.3.24': 'slh-dsa-sha2-256s',
  '2.16.840.1.101.3.4.3.25': 'slh-dsa-sha2-256f',
  '2.16.840.1.101.3.4.3.26': 'slh-dsa-shake-128s',
  '2.16.840.1.101.3.4.3.27': 'slh-dsa-shake-128f',
  '2.16.840.1.101.3.4.3.28': 'slh-dsa-shake-192s',
  '2.16.840.1.101.3.4.3.29': 'slh-dsa-shake-192f',
  '2.16.840.1.101.3.4.3.30': 'slh-dsa-shake-256s',
  '2.16.840.1.101.3.4.3.31': 'slh-dsa-shake-256f',
  // GB/T 32918, RFC 8998
  '1.2.156.10197.1.501': 'SM2-with-SM3',
  // RFC 9215 (GOST R 34.10-2012)
  '1.2.643.7.1.1.3.2': 'gost2012-256-with-streebog256',
  '1.2.643.7.1.1.3.3': 'gost2012-512-with-streebog512',
};

/** SubjectPublicKeyInfo.algorithm OIDs → PublicKeyInfo.algorithm. */
export const PUBLIC_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsa', // RFC 3279 §2.3.1 rsaEncryption
  '2.5.8.1.1': 'rsa', // X.509 (1988) id-ea-rsa, still seen in old certificates
  '1.2.840.113549.1.1.7': 'rsaes-oaep', // RFC 4055 §4.1
  '1.2.840.113549.1.1.10': 'rsa-pss', // RFC 4055 §3.1 id-RSASSA-PSS
  '1.2.840.10045.2.1': 'ec', // RFC 5480 §2.1.1 id-ecPublicKey
  '1.3.132.1.12': 'ec', // RFC 5480 §2.1.2 id-ecDH (restricted EC key)
  '1.3.132.1.13': 'ec', // RFC 5480 §2.1.2 id-ecMQV
  '1.3.101.110': 'x25519', // RFC 8410 §3
  '1.3.101.111': 'x448',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa', // RFC 3279 §2.3.2
  '1.3.14.3.2.12': 'dsa', // OIW dsa (old)
  '1.2.840.10046.2.1': 'dh', // RFC 3279 §2.3.3 dhpublicnumber (X9.42)
  '1.2.840.113549.1.3.1': 'dh', // PKCS #3 dhKeyAgreement
  '2.16.840.1.101.3.4.3.17': 'ml-dsa-44', // FIPS 204
  '2.16.840.1.101.3.4.3.18': 'ml-dsa-65',
  '2.16.840.1.101.3.4.3.19': 'ml-dsa-87',
  '2.16.840.1.101.3.4.4.1': 'ml-kem-512', // FIPS 203
  '2.16.840.1.101.3.4.4.2': 'ml-kem-768',
  '2.16.840.1.101.3.4.4.3': 'ml-kem-1024',
  '1.2.156.10197.1.301': 'sm2',
  '1.2.643.7.1.1.1.1': 'gost2012-256', // RFC 9215
  '1.2.643.7.1.1.1.2': 'gost2012-512',
};

/**
 * Key sizes that follow from the algorithm alone (OpenSSL's EVP_PKEY_get_bits:
 * ED25519_BITS 256, ED448_BITS 456, X25519_BITS 253, X448_BITS 448).
 */
export const FIXED_KEY_BITS: Readonly<Record<string, number>> = {
  ed25519: 256,
  ed448: 456,
  x25519: 253,
  x448: 448,
};

/** Named curves (ECParameters namedCurve): name as OpenSSL prints it, and the field size in bits. */
export const NAMED_CURVES: Readonly<Record<string, { readonly name: string; readonly bits: number }>> = {
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.2.840.10045.3.1.2': { name: 'prime192v2', bits: 192 },
  '1.2.840.10045.3.1.3': { name: 'prime192v3', bits: 192 },
  '1.2.840.10045.3.1.4': { name: 'prime239v1', bits: 239 },
  '1.2.840.10045.3.1.5': { name: 'prime239v2', bits: 239 },
  '1.2.840.10045.3.1.6': { name: 'prime239v3', bits: 239 },
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.6': { name: 'secp112r1', bits: 112 },
  '1.3.132.0.7': { name: 'secp112r2', bits: 112 },
  '1.3.132.0.28': { name: 'secp128r1', bits: 128 },
  '1.3.132.0.29': { name: 'secp128r2', bits: 128 },
  '1.3.132.0.9': { name: 'secp160k1', bits: 160 },
  '1.3.132.0.8': { name: 'secp160r1', bits: 160 },
  '1.3.132.0.30': { name: 'secp160r2', bits: 160 },
  '1.3.132.0.31': { name: 'secp192k1', bits: 192 },
  '1.3.132.0.32': { name: 'secp224k1', bits: 224 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.1': { name: 'sect163k1', bits: 163 },
  '1.3.132.0.2': { name: 'sect163r1', bits: 163 },
  '1.3.132.0.15': { name: 'sect163r2', bits: 163 },
  '1.3.132.0.24': { name: 'sect193r1', bits: 193 },
  '1.3.132.0.25': { name: 'sect193r2', bits: 193 },
  '1.3.132.0.26': { name: 'sect233k1', bits: 233 },
  '1.3.132.0.27': { name: 'sect233r1', bits: 233 },
  '1.3.132.0.3': { name: 'sect239k1', bits: 239 },
  '1.3.132.0.16': { name: 'sect283k1', bits: 283 },
  '1.3.132.0.17': { name: 'sect283r1', bits: 283 },
  '1.3.132.0.36': { name: 'sect409k1', bits: 409 },
  '1.3.132.0.37': { name: 'sect409r1', bits: 409 },
  '1.3.132.0.38': { name: 'sect571k1', bits: 571 },
  '1.3.132.0.39': { name: 'sect571r1', bits: 571 },
  '1.3.36.3.3.2.8.1.1.1': { name: 'brainpoolP160r1', bits: 160 },
  '1.3.36.3.3.2.8.1.1.2': { name: 'brainpoolP160t1', bits: 160 },
  '1.3.36.3.3.2.8.1.1.3': { name: 'brainpoolP192r1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.4': { name: 'brainpoolP192t1', bits: 192 },
  '1.3.36.3.3.2.8.1.1.5': { name: 'brainpoolP224r1', bits: 224 },
  '1.3.36.3.3.2.8.1.1.6': { name: 'brainpoolP224t1', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.8': { name: 'brainpoolP256t1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.9': { name: 'brainpoolP320r1', bits: 320 },
  '1.3.36.3.3.2.8.1.1.10': { name: 'brainpoolP320t1', bits: 320 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.12': { name: 'brainpoolP384t1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
  '1.3.36.3.3.2.8.1.1.14': { name: 'brainpoolP512t1', bits: 512 },
  '1.2.156.10197.1.301': { name: 'SM2', bits: 256 },
};

/** ExtendedKeyUsage KeyPurposeId OIDs (RFC 5280 §4.2.1.12); unknown ones are shown as the OID. */
export const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.5': 'ipsecEndSystem',
  '1.3.6.1.5.5.7.3.6': 'ipsecTunnel',
  '1.3.6.1.5.5.7.3.7': 'ipsecUser',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.5.5.7.3.10': 'DVCS',
  '1.3.6.1.5.5.7.3.17': 'ipsecIKE', // RFC 4945 §5.1.3.12
  '1.3.6.1.5.5.7.3.21': 'secureShellClient', // RFC 6187 §7.1
  '1.3.6.1.5.5.7.3.22': 'secureShellServer',
  '1.3.6.1.5.5.7.3.36': 'documentSigning', // RFC 9336
  '1.3.6.1.5.2.3.4': 'pkInitClientAuth', // RFC 4556 §3.2.2
  '1.3.6.1.5.2.3.5': 'pkInitKDC',
  '1.3.6.1.4.1.311.20.2.2': 'msSmartcardLogin',
  '1.3.6.1.4.1.311.2.1.21': 'msCodeInd',
  '1.3.6.1.4.1.311.2.1.22': 'msCodeCom',
  '1.3.6.1.4.1.311.10.3.1': 'msCTLSign',
  '1.3.6.1.4.1.311.10.3.3': 'msSGC',
  '1.3.6.1.4.1.311.10.3.4': 'msEFS',
  '1.3.6.1.4.1.311.10.3.12': 'msDocumentSigning',
  '1.3.6.1.4.1.311.10.3.13': 'msLifetimeSigning',
  '1.3.6.1.4.1.311.21.5': 'msCAExchange',
  '1.3.6.1.4.1.311.21.6': 'msKeyRecovery',
  '2.16.840.1.113730.4.1': 'nsSGC',
};

/** Hash AlgorithmIdentifier OIDs (RSASSA-PSS hashAlgorithm, MGF1 parameters); names as node:crypto reports them. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.4': 'md4',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.5': 'sha512-224',
  '2.16.840.1.101.3.4.2.6': 'sha512-256',
  '2.16.840.1.101.3.4.2.7': 'sha3-224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
  '2.16.840.1.101.3.4.2.11': 'shake128',
  '2.16.840.1.101.3.4.2.12': 'shake256',
  '1.2.156.10197.1.401': 'sm3',
};

/** RFC 4055 §2.2 id-mgf1. */
export const MGF1_OID = '1.2.840.113549.1.1.8';

/** Certificate extensions read by the decoder (RFC 5280 §4.2.1). */
export const EXTENSION_OIDS = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

/** KeyUsage bit names in bit order (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
