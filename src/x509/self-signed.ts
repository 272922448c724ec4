// Is a certificate self-signed? The one place in x509/ that checks a signature, with node:crypto
// (OpenSSL): the walk over the certificate's asn1js blocks (certificate.ts) has already read what
// the fallback needs.
import { X509Certificate } from 'node:crypto';

/** What the walk learnt that the self-signed test needs. */
export interface SelfSignedInput {
  /** The issuer and subject Names' whole DER TLVs. */
  issuer?: Uint8Array;
  subject?: Uint8Array;
  /** keyIdentifier of authorityKeyIdentifier and subjectKeyIdentifier, as hex. */
  authorityKeyId?: string;
  subjectKeyId?: string;
  /** The walk reached the end of the certificate without a structural error. */
  complete: boolean;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Subject equals issuer (byte for byte) and the signature verifies with the certificate's own
 * key, checked by node:crypto. When OpenSSL cannot check it (an algorithm it lacks, a
 * certificate it refuses), fall back to RFC 5280 §3.2's self-issued test plus matching key
 * identifiers (authorityKeyIdentifier absent or equal to subjectKeyIdentifier).
 */
export function isSelfSigned(der: Uint8Array, s: SelfSignedInput): boolean {
  if (!s.issuer || !s.subject || !bytesEqual(s.issuer, s.subject)) return false;
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
