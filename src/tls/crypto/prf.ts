// The TLS pseudorandom functions, on node:crypto's HMAC.
//   TLS 1.0/1.1 (RFC 2246 §5, RFC 4346 §5): PRF = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed),
//     S1 and S2 the first and second halves of the secret (sharing the middle byte if odd).
//   TLS 1.2 (RFC 5246 §5): PRF = P_<hash>(secret, label + seed), the hash given by the suite.
import { createHmac } from 'node:crypto';
import type { HashName } from './hkdf.js';

export type PrfHash = 'md5' | 'sha1' | HashName;

const HMAC_LENGTH: Readonly<Record<PrfHash, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

/**
 * RFC 5246 §5: P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 * with A(0) = seed, A(i) = HMAC_hash(secret, A(i-1)); cut to `length` bytes.
 */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let a: Buffer | Uint8Array = seed;
  for (let at = 0; at < length; ) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    at += block.copy(out, at, 0, Math.min(HMAC_LENGTH[hash], length - at));
  }
  return out;
}

function labelSeed(label: string, seed: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(label.length + seed.length);
  out.write(label, 0, 'latin1');
  out.set(seed, label.length);
  return out;
}

/** TLS 1.0 and 1.1 (RFC 2246 §5): the MD5 and SHA-1 halves XORed. */
export function prfTls10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const half = Math.ceil(secret.length / 2);
  const ls = labelSeed(label, seed);
  const md5 = pHash('md5', secret.subarray(0, half), ls, length);
  const sha1 = pHash('sha1', secret.subarray(secret.length - half), ls, length);
  for (let i = 0; i < length; i++) md5[i]! ^= sha1[i]!;
  return md5;
}

/** TLS 1.2 (RFC 5246 §5). */
export function prfTls12(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  return pHash(hash, secret, labelSeed(label, seed), length);
}

/** The PRF of record-layer version `version` (0x0301, 0x0302: MD5+SHA-1; 0x0303: the suite's hash). */
export function prf(version: number, hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  return version >= 0x0303 ? prfTls12(hash, secret, label, seed, length) : prfTls10(secret, label, seed, length);
}
