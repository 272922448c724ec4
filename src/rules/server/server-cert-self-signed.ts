// The server's own certificate is self-signed (subject = issuer and it verifies with its own key).
import type { Connection, Finding } from '../../tls/model.js';
import { certLabel, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const leaf = c.certificates?.[0];
  if (!leaf || !leaf.selfSigned) return NO_FINDINGS;
  const extra = c.certificates!.length > 1 ? ` (followed by ${c.certificates!.length - 1} more certificate(s) that do not change that)` : '';
  return [
    finding(
      rule,
      `The server's certificate ${certLabel(leaf)} is self-signed${extra}${leaf.basicConstraints?.ca ? '; it is a CA certificate used as the server certificate' : ''}.\n` +
        'Clients accept it only if this exact certificate is in their trust store (or verification is off).',
    ),
  ];
}

export const rule: Rule = {
  id: 'server-cert-self-signed',
  family: 'server',
  severity: 'warning',
  title: 'Server certificate is self-signed',
  explain:
    'The server presents a certificate that signed itself, so no CA vouches for it: every client must have pinned this very certificate, ' +
    'or have verification turned off (which also disables protection against interception). Certificates issued by a private CA are not ' +
    'self-signed and are not reported, even though their root is private: what matters is that the leaf has an issuer a client can be ' +
    'told to trust. Only the first certificate of the chain (the server\'s own) is judged; a self-signed root sent after it is normal.',
  fix: {
    general: 'issue the server certificate from a CA (a public one, or a private CA whose root the clients trust) instead of self-signing',
    apache: 'SSLCertificateFile / SSLCertificateKeyFile with the CA-issued certificate and its chain',
    nginx: 'ssl_certificate / ssl_certificate_key with the CA-issued certificate and its chain',
  },
  refs: ['RFC 5280 §6.1', 'RFC 5246 §7.4.2'],
  check,
};
