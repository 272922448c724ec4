// Record protection parameters of the bulk ciphers and record MACs named in the cipher-suite
// registry (registry/cipher-suites.ts: CIPHER_SUITE_INFO[code].enc and .mac). Data only; suite.ts
// puts a suite together from it.
// Sources:
//   RFC 5246 §6.3 and Appendix C (key_block partition; Key Material, IV Size, Block Size, MAC
//     lengths per cipher and MAC), RFC 2246 §6.3 (TLS 1.0: the CBC IV comes from the key block),
//     RFC 4346 §6.2.3.2 (TLS 1.1+: an explicit IV per record);
//   RFC 5288 §3 (AES-GCM: 4-byte salt from the key block, 8-byte nonce_explicit, 16-byte tag);
//   RFC 6655 §3 (AES-CCM and AES-CCM_8: as GCM, tag 16 or 8 bytes); RFC 7251 (ECDHE-ECDSA CCM);
//   RFC 7905 §2 (ChaCha20-Poly1305: a 12-byte fixed IV XOR the sequence number, no explicit nonce);
//   RFC 6209 (ARIA), RFC 5932 (Camellia), RFC 6367 (Camellia in TLS 1.2);
//   RFC 8446 §5.3 and Appendix B.4 (TLS 1.3: every AEAD has a 12-byte iv; key lengths as above).
// `node` is the node:crypto (OpenSSL) cipher name. Ciphers missing here (RC4, DES, IDEA, SEED,
// GOST, AEGIS, SM4, NULL, export ciphers) are not decrypted: OpenSSL 3's default provider has
// no RC4, DES, IDEA or SEED, and nobody should be running the rest.

/** An AEAD cipher (RFC 5116) as a TLS record uses it. */
export interface AeadParams {
  readonly kind: 'aead';
  readonly node: 'aes-128-gcm' | 'aes-256-gcm' | 'aes-128-ccm' | 'aes-256-ccm' | 'chacha20-poly1305' | 'aria-128-gcm' | 'aria-256-gcm';
  readonly keyLength: number;
  readonly tagLength: number;
  /** TLS 1.2: bytes of client/server_write_IV in the key block (the implicit part of the nonce). */
  readonly fixedIvLength: number;
  /** TLS 1.2: bytes of nonce_explicit at the start of each record (0: the nonce is the fixed IV XOR the sequence number). */
  readonly explicitNonceLength: number;
}

/** A block cipher in CBC mode (RFC 5246 §6.2.3.2). */
export interface CbcParams {
  readonly kind: 'cbc';
  readonly node: 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'camellia-128-cbc' | 'camellia-256-cbc' | 'aria-128-cbc' | 'aria-256-cbc';
  readonly keyLength: number;
  readonly blockLength: number;
}

export type BulkParams = AeadParams | CbcParams;

const gcm = (node: AeadParams['node'], keyLength: number): AeadParams =>
  ({ kind: 'aead', node, keyLength, tagLength: 16, fixedIvLength: 4, explicitNonceLength: 8 });
const ccm = (node: AeadParams['node'], keyLength: number, tagLength: number): AeadParams =>
  ({ kind: 'aead', node, keyLength, tagLength, fixedIvLength: 4, explicitNonceLength: 8 });
const cbc = (node: CbcParams['node'], keyLength: number, blockLength: number): CbcParams =>
  ({ kind: 'cbc', node, keyLength, blockLength });

/** By CIPHER_SUITE_INFO `enc`. */
export const BULK_CIPHERS: Readonly<Record<string, BulkParams>> = {
  AES_128_GCM: gcm('aes-128-gcm', 16),
  AES_256_GCM: gcm('aes-256-gcm', 32),
  ARIA_128_GCM: gcm('aria-128-gcm', 16),
  ARIA_256_GCM: gcm('aria-256-gcm', 32),
  AES_128_CCM: ccm('aes-128-ccm', 16, 16),
  AES_256_CCM: ccm('aes-256-ccm', 32, 16),
  AES_128_CCM_8: ccm('aes-128-ccm', 16, 8),
  AES_256_CCM_8: ccm('aes-256-ccm', 32, 8),
  CHACHA20_POLY1305: { kind: 'aead', node: 'chacha20-poly1305', keyLength: 32, tagLength: 16, fixedIvLength: 12, explicitNonceLength: 0 },
  AES_128_CBC: cbc('aes-128-cbc', 16, 16),
  AES_256_CBC: cbc('aes-256-cbc', 32, 16),
  '3DES_EDE_CBC': cbc('des-ede3-cbc', 24, 8),
  CAMELLIA_128_CBC: cbc('camellia-128-cbc', 16, 16),
  CAMELLIA_256_CBC: cbc('camellia-256-cbc', 32, 16),
  ARIA_128_CBC: cbc('aria-128-cbc', 16, 16),
  ARIA_256_CBC: cbc('aria-256-cbc', 32, 16),
};

/** The HMAC of a CBC suite (RFC 5246 §6.2.3.1, Appendix C: mac_length = mac_key_length = hash length). */
export interface MacParams {
  readonly node: 'md5' | 'sha1' | 'sha256' | 'sha384';
  readonly length: number;
}

/** By CIPHER_SUITE_INFO `mac` ('AEAD' suites have none). */
export const RECORD_MACS: Readonly<Record<string, MacParams>> = {
  MD5: { node: 'md5', length: 16 },
  SHA: { node: 'sha1', length: 20 },
  SHA256: { node: 'sha256', length: 32 },
  SHA384: { node: 'sha384', length: 48 },
};

/** RFC 8446 §5.3: iv_length = max(8 bytes, N_MIN) = 12 for every TLS 1.3 AEAD. */
export const TLS13_IV_LENGTH = 12;
