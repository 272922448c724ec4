// Opening an AEAD-protected record body with node:crypto (RFC 5116 AEAD_AES_128_GCM and kin,
// RFC 8439 ChaCha20-Poly1305, RFC 6655 / RFC 3610 AES-CCM). node:crypto reports a failed tag as
// an exception ("Unsupported state or unable to authenticate data"); here it is `undefined`, so
// no exception of node's leaves the decryptor.
import { createDecipheriv, type DecipherCCM } from 'node:crypto';
import type { AeadParams } from './cipher-params.js';

/**
 * Decrypts and authenticates `sealed` (ciphertext followed by the tag) under key and nonce with
 * the additional data `aad`. Returns the plaintext, or undefined when it does not authenticate.
 * node:crypto copies the nonce and aad when they are set, so the caller may reuse its buffers.
 */
export function aeadOpen(aead: AeadParams, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  const cipherLength = sealed.length - aead.tagLength;
  if (cipherLength < 0) return undefined;
  try {
    // One call sequence for all three modes: CCM insists on authTagLength and on the plaintext
    // length before the aad (RFC 3610 §2.2 puts it in the first block); GCM and ChaCha20-Poly1305 accept both.
    const d = createDecipheriv(aead.node as 'aes-128-ccm', key, nonce, { authTagLength: aead.tagLength }) as DecipherCCM;
    d.setAuthTag(sealed.subarray(cipherLength));
    d.setAAD(aad, { plaintextLength: cipherLength });
    const out = d.update(sealed.subarray(0, cipherLength));
    d.final();
    return out;
  } catch {
    return undefined;
  }
}
