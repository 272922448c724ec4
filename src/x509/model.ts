// The X.509 model: what tlspeek keeps of a certificate, as plain JSON-serialisable data
// (schema/connection.schema.json, "certificates"). The decoder (certificate.ts) makes these and
// the cache (cache.ts) hands out deep-frozen, shared copies; no asn1js or node:crypto object is
// in here. Fields are added in a fixed order, extensions in the order the certificate has them,
// and that order is the order of the JSON output.

export interface PublicKeyInfo {
  /** rsa, rsa-pss, ec, ed25519, ed448, x25519, x448, dsa, dh, or the OID's name. */
  algorithm: string;
  oid: string;
  bits?: number;
  curve?: string;
  /** RSASSA-PSS parameters from the SubjectPublicKeyInfo (RFC 4055 §3.1). */
  pss?: { hash: string; mgf1Hash: string; saltLength: number };
}

export interface CertInfo {
  /** RFC 4514 string: last RDN first, e.g. "CN=example.com,O=Example,C=US". */
  subject: string;
  issuer: string;
  /** Hex of the DER INTEGER content (a leading 00 is kept, as on the wire). */
  serial: string;
  /** ISO 8601 UTC. */
  notBefore: string;
  notAfter: string;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: { oid: string; name: string };
  /** "DNS:…", "IP:…", "email:…", "URI:…", other forms by name. */
  san?: string[];
  keyUsage?: string[];
  /** Names such as serverAuth, clientAuth, or the OID when unknown. */
  extKeyUsage?: string[];
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  sha256: string;
  /** DER length in bytes. */
  length: number;
  /** Set when the certificate did not parse; the other fields then hold what could be read. */
  error?: string;
}
