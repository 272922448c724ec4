// The server's fatal alert right after the client's flight with its CertificateVerify: decrypt_error
// is how TLS stacks say the signature did not verify (RFC 5246 §7.2.2, RFC 8446 §6.2); a smartcard
// that signed PKCS#1 v1.5 where RSA-PSS was named is the classic case.
import type { Connection, Finding } from '../../tls/model.js';
import { alertContext, alertName, fatalAlerts, finding, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

const DECRYPT_ERROR = 51;

// Only decrypt_error: illegal_parameter and bad_certificate after the same flight mostly mean
// something else (a scheme not asked for: client-sigalg-not-offered; a certificate refused, e.g.
// OpenSSL's answer to a 1024-bit key in mtls-sha1-1024-client), and fatal-alert explains them.
function check(c: Connection): readonly Finding[] {
  const cv = c.certificateVerify;
  if (!cv) return NO_FINDINGS;
  const alert = fatalAlerts(c).find((a) => a.from === 'server');
  if (alert?.description?.code !== DECRYPT_ERROR) return NO_FINDINGS;
  const where = alertContext(c, alert);
  // Only an answer to the client's flight that carried the CertificateVerify.
  if (where.lastFrom !== 'client' || !where.flight.includes('CertificateVerify')) return NO_FINDINGS;

  const scheme = cv.signatureAlgorithm?.name ?? 'with a scheme the message does not name (TLS 1.0/1.1)';
  const asked = c.certificateRequest?.signatureAlgorithms;
  const cert = c.clientCertificates?.[0];
  return [
    finding(
      rule,
      `The server sent fatal ${alertName(alert)} (${DECRYPT_ERROR}) ${where.where}${alert.packet !== undefined ? ` (packet ${alert.packet})` : ''}. The CertificateVerify was signed ${scheme}` +
        (cert ? ` with the key of ${cert.subject} (${cert.publicKey.algorithm}${cert.publicKey.bits ? ` ${cert.publicKey.bits}` : ''})` : '') +
        (asked ? `; the CertificateRequest listed ${names(asked)}.` : '.') +
        '\ndecrypt_error here means the signature did not verify against the certificate. Likely causes: a token or driver that signed ' +
        'with PKCS#1 v1.5 padding while the message names RSA-PSS (or the reverse); a private key that is not the certificate\'s ' +
        '(a smartcard with several keys, the wrong slot); or a middlebox that changed the handshake the client signed.',
    ),
  ];
}

export const rule: Rule = {
  id: 'client-cert-signature-rejected',
  family: 'client-auth',
  severity: 'error',
  title: "Server rejected the client's CertificateVerify",
  explain:
    'The client proves it holds the key of its certificate by signing the handshake (CertificateVerify). When the server cannot verify ' +
    'that signature it ends the handshake with decrypt_error (51). With smartcards and HSMs this usually means the token produced a ' +
    'different signature than the one the TLS library announced: PKCS#1 v1.5 padding where RSA-PSS was named (a PKCS#11 module ' +
    'without CKM_RSA_PKCS_PSS, or one that ignores the PSS parameters), or a key that does not belong to the certificate. The ' +
    'certificate itself was not the problem: an untrusted or expired one gets unknown_ca, certificate_expired and the like.',
  fix: {
    client:
      'check that the token signs RSA-PSS for real (pkcs11-tool --test --login; OpenSC 0.20 or later with CKM_RSA_PKCS_PSS) and that the certificate and key come from the same slot; ' +
      'a token that can only do PKCS#1 v1.5 can use TLS 1.2 with a server that lists rsa_pkcs1_* first (see certreq-pss-preferred)',
  },
  refs: ['RFC 5246 §7.4.8', 'RFC 5246 §7.2.2', 'RFC 8446 §4.4.3', 'RFC 8446 §6.2'],
  check,
};
