// IANA TLS SignatureScheme registry, plus every TLS 1.2 SignatureAndHashAlgorithm pair IANA leaves
// unnamed or names only as *_RESERVED, and the RFC 5246 HashAlgorithm / SignatureAlgorithm byte registries.
// Source: https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-signaturescheme
//   and #tls-parameters-18 / #tls-parameters-16 (RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1, RFC 8422, RFC 8447,
//   RFC 8734, RFC 8998, RFC 9367, RFC 9189, draft-ietf-tls-mldsa, draft-reddy-tls-slhdsa,
//   draft-ietf-tls-tls13-pkcs1). Taken 2026-11-26, offline: IANA entries from the registry text, checked
//   against Wireshark 4.0.17 (`tshark -G values`, tls.handshake.sig_hash_alg/_hash/_sig).
// TLS 1.2 pairs are named <signature>_<hash> (rsa as rsa_pkcs1): 0x0202 dsa_sha1, 0x0101 rsa_pkcs1_md5.

import type { Registry } from './registry.js';

const SCHEMES = {
  0x0000: 'anonymous_none', // TLS 1.2 pair, not named by IANA
  0x0001: 'rsa_pkcs1_none', // TLS 1.2 pair, not named by IANA
  0x0002: 'dsa_none', // TLS 1.2 pair, not named by IANA
  0x0003: 'ecdsa_none', // TLS 1.2 pair, not named by IANA
  0x0100: 'anonymous_md5', // TLS 1.2 pair, not named by IANA
  0x0101: 'rsa_pkcs1_md5', // TLS 1.2 pair, not named by IANA
  0x0102: 'dsa_md5', // TLS 1.2 pair, not named by IANA
  0x0103: 'ecdsa_md5', // TLS 1.2 pair, not named by IANA
  0x0200: 'anonymous_sha1', // TLS 1.2 pair, not named by IANA
  0x0201: 'rsa_pkcs1_sha1',
  0x0202: 'dsa_sha1', // IANA: dsa_sha1_RESERVED
  0x0203: 'ecdsa_sha1',
  0x0300: 'anonymous_sha224', // TLS 1.2 pair, not named by IANA
  0x0301: 'rsa_pkcs1_sha224', // TLS 1.2 pair, not named by IANA
  0x0302: 'dsa_sha224', // TLS 1.2 pair, not named by IANA
  0x0303: 'ecdsa_sha224', // TLS 1.2 pair, not named by IANA
  0x0400: 'anonymous_sha256', // TLS 1.2 pair, not named by IANA
  0x0401: 'rsa_pkcs1_sha256',
  0x0402: 'dsa_sha256', // IANA: dsa_sha256_RESERVED
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0420: 'rsa_pkcs1_sha256_legacy',
  0x0500: 'anonymous_sha384', // TLS 1.2 pair, not named by IANA
  0x0501: 'rsa_pkcs1_sha384',
  0x0502: 'dsa_sha384', // IANA: dsa_sha384_RESERVED
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0520: 'rsa_pkcs1_sha384_legacy',
  0x0600: 'anonymous_sha512', // TLS 1.2 pair, not named by IANA
  0x0601: 'rsa_pkcs1_sha512',
  0x0602: 'dsa_sha512', // IANA: dsa_sha512_RESERVED
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0620: 'rsa_pkcs1_sha512_legacy',
  0x0704: 'eccsi_sha256',
  0x0705: 'iso_ibs1',
  0x0706: 'iso_ibs2',
  0x0707: 'iso_chinese_ibs',
  0x0708: 'sm2sig_sm3',
  0x0709: 'gostr34102012_256a',
  0x070a: 'gostr34102012_256b',
  0x070b: 'gostr34102012_256c',
  0x070c: 'gostr34102012_256d',
  0x070d: 'gostr34102012_512a',
  0x070e: 'gostr34102012_512b',
  0x070f: 'gostr34102012_512c',
  0x0800: 'anonymous_intrinsic', // TLS 1.2 pair, not named by IANA
  0x0801: 'rsa_intrinsic', // TLS 1.2 pair, not named by IANA
  0x0802: 'dsa_intrinsic', // TLS 1.2 pair, not named by IANA
  0x0803: 'ecdsa_intrinsic', // TLS 1.2 pair, not named by IANA
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
  0x081a: 'ecdsa_brainpoolP256r1tls13_sha256',
  0x081b: 'ecdsa_brainpoolP384r1tls13_sha384',
  0x081c: 'ecdsa_brainpoolP512r1tls13_sha512',
  0x0904: 'mldsa44',
  0x0905: 'mldsa65',
  0x0906: 'mldsa87',
  0x0911: 'slhdsa_sha2_128s',
  0x0912: 'slhdsa_sha2_128f',
  0x0913: 'slhdsa_sha2_192s',
  0x0914: 'slhdsa_sha2_192f',
  0x0915: 'slhdsa_sha2_256s',
  0x0916: 'slhdsa_sha2_256f',
  0x0917: 'slhdsa_shake_128s',
  0x0918: 'slhdsa_shake_128f',
  0x0919: 'slhdsa_shake_192s',
  0x091a: 'slhdsa_shake_192f',
  0x091b: 'slhdsa_shake_256s',
  0x091c: 'slhdsa_shake_256f',
} as const;

export const SIGNATURE_SCHEMES: Registry = { title: 'signature scheme', names: SCHEMES, grease: 'u16', width: 4 };

/** RFC 5246 §7.4.1.4.1 HashAlgorithm (IANA TLS HashAlgorithm registry; 7 is reserved). */
const HASHES = {
  0: 'none',
  1: 'md5',
  2: 'sha1',
  3: 'sha224',
  4: 'sha256',
  5: 'sha384',
  6: 'sha512',
  8: 'intrinsic',
} as const;

export const HASH_ALGORITHMS: Registry = { title: 'hash algorithm', names: HASHES, width: 2 };

/** RFC 5246 §7.4.1.4.1 SignatureAlgorithm (IANA TLS SignatureAlgorithm registry; RFC 8422, RFC 9189). */
const SIGNATURES = {
  0: 'anonymous',
  1: 'rsa',
  2: 'dsa',
  3: 'ecdsa',
  7: 'ed25519',
  8: 'ed448',
  64: 'gostr34102012_256',
  65: 'gostr34102012_512',
} as const;

export const SIGNATURE_ALGORITHMS: Registry = { title: 'signature algorithm', names: SIGNATURES, width: 2 };
