// HKDF (RFC 5869) and the TLS 1.3 labels on top of it (RFC 8446 §7.1), on node:crypto's HMAC.
// node:crypto's hkdfSync always runs Extract then Expand; TLS 1.3 expands secrets that are
// already pseudorandom keys (a traffic secret from a key log), so Expand is written out here.
import { createHmac } from 'node:crypto';

/** The hashes of the TLS 1.3 suites (RFC 8446 §B.4) and of the TLS 1.2 PRF (RFC 5246 §5). */
export type HashName = 'sha256' | 'sha384';

export const HASH_LENGTH: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48 };

/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM); no salt means HashLen zero bytes. */
export function hkdfExtract(hash: HashName, salt: Uint8Array | undefined, ikm: Uint8Array): Buffer {
  const key = salt && salt.length > 0 ? salt : Buffer.alloc(HASH_LENGTH[hash]);
  return createHmac(hash, key).update(ikm).digest();
}

/**
 * RFC 5869 §2.3: T(0) = empty, T(i) = HMAC-Hash(PRK, T(i-1) | info | i), OKM = the first L bytes
 * of T(1) | T(2) | ...; L is at most 255 * HashLen.
 */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const hashLength = HASH_LENGTH[hash];
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLength) {
    throw new RangeError(`HKDF-Expand: length ${length} is outside 0..${255 * hashLength}`);
  }
  const out = Buffer.allocUnsafe(length);
  let prev: Buffer | undefined;
  const counter = Buffer.alloc(1);
  for (let i = 1, at = 0; at < length; i++) {
    counter[0] = i;
    const h = createHmac(hash, prk);
    if (prev) h.update(prev);
    prev = h.update(info).update(counter).digest();
    at += prev.copy(out, at, 0, Math.min(hashLength, length - at));
  }
  return out;
}

const LABEL_PREFIX = 'tls13 ';

/**
 * RFC 8446 §7.1:
 *   HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255> = Context; } HkdfLabel;
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Buffer {
  const full = LABEL_PREFIX.length + label.length;
  if (full > 255 || context.length > 255) throw new RangeError(`HKDF-Expand-Label: label or context longer than 255 bytes`);
  const info = Buffer.allocUnsafe(2 + 1 + full + 1 + context.length);
  let at = info.writeUInt16BE(length, 0);
  info[at++] = full;
  at += info.write(LABEL_PREFIX + label, at, 'latin1');
  info[at++] = context.length;
  info.set(context, at);
  return hkdfExpand(hash, secret, info, length);
}

/**
 * RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
 * Transcript-Hash(Messages), Hash.length). Takes the transcript hash itself.
 */
export function deriveSecret(hash: HashName, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Buffer {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, HASH_LENGTH[hash]);
}
