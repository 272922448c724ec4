// The client certificate's key type must fit one of CertificateRequest.certificate_types
// (RFC 5246 §7.4.4 and §7.4.6; RFC 8422 §5.5 for ecdsa_sign, which also covers Ed25519/Ed448).
import type { Connection, Finding } from '../../tls/model.js';
import { certLabel, finding, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** Which certificate_types accept a key algorithm (CertInfo.publicKey.algorithm). */
const TYPES_FOR_KEY: Record<string, number[]> = {
  rsa: [1, 3, 65],
  'rsa-pss': [1],
  dsa: [2, 4],
  ec: [64, 65, 66],
  ed25519: [64],
  ed448: [64],
};

function check(c: Connection): readonly Finding[] {
  const cr = c.certificateRequest;
  const leaf = c.clientCertificates?.[0];
  if (!cr || !leaf || leaf.error || cr.certificateTypes.length === 0) return NO_FINDINGS;
  const fits = TYPES_FOR_KEY[leaf.publicKey.algorithm];
  if (!fits) return NO_FINDINGS; // GOST and others: not judged
  if (cr.certificateTypes.some((t) => fits.includes(t.code))) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The client sent ${certLabel(leaf)} (key type ${leaf.publicKey.algorithm.toUpperCase()}), but the CertificateRequest's certificate_types are ${names(cr.certificateTypes)}.`,
    ),
  ];
}

export const rule: Rule = {
  id: 'client-cert-type-not-requested',
  family: 'client-auth',
  severity: 'warning',
  title: 'Client certificate key type not among certificate_types',
  explain:
    'A TLS 1.2 CertificateRequest lists the certificate types the server accepts (rsa_sign, dss_sign, ecdsa_sign, …) and the client\'s ' +
    'certificate must match one of them: RSA keys rsa_sign, ECDSA and EdDSA keys ecdsa_sign, DSA keys dss_sign. This client sent a certificate ' +
    'whose key is of none of the listed types. Lenient servers (OpenSSL by default) do not check and the handshake may work; strict ones ' +
    '(and OpenSSL clients in strict mode) reject it. The server\'s types usually follow its client signature algorithms: a server configured ' +
    'for ECDSA-only client signatures lists only ecdsa_sign.',
  fix: {
    client: 'use a client certificate with a key type the server asks for',
    apache: 'SSLOpenSSLConfCmd ClientSignatureAlgorithms with schemes for every key type your clients use (RSA+SHA256, ECDSA+SHA256, …)',
    nginx: 'ssl_conf_command ClientSignatureAlgorithms with schemes for every key type your clients use',
    openssl: 'openssl s_server … -client_sigalgs with schemes for every key type your clients use',
  },
  refs: ['RFC 5246 §7.4.4', 'RFC 5246 §7.4.6', 'RFC 8422 §5.5'],
  check,
};
