// RFC 5280 §4.2.1.12: when extendedKeyUsage is present, the certificate may only be used for the
// listed purposes; TLS client authentication needs id-kp-clientAuth (or anyExtendedKeyUsage).
import type { Connection, Finding } from '../../tls/model.js';
import { alertName, finding, firstFatal, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const leaf = c.clientCertificates?.[0];
  const eku = leaf?.extKeyUsage;
  if (!leaf || !eku || eku.includes('clientAuth') || eku.includes('anyExtendedKeyUsage')) return NO_FINDINGS;
  const lines = [`The client certificate ${leaf.subject} has extendedKeyUsage ${eku.join(', ') || '(empty)'}, without clientAuth.`];
  const fatal = firstFatal(c);
  if (fatal?.from === 'server') lines.push(`The server then sent fatal ${alertName(fatal)}.`);
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'client-cert-eku',
  family: 'client-auth',
  severity: 'error',
  title: 'Client certificate lacks the clientAuth extended key usage',
  explain:
    'A certificate with an extendedKeyUsage extension may only be used for the purposes it lists. TLS client authentication needs ' +
    'clientAuth (1.3.6.1.5.5.7.3.2); this client certificate has an extendedKeyUsage without it (often serverAuth only: a server certificate ' +
    'used as a client certificate). OpenSSL-based servers reject it with unsupported_certificate ("unsupported certificate purpose"). ' +
    'A certificate without any extendedKeyUsage extension is not reported.',
  fix: {
    general: 'reissue the client certificate with extendedKeyUsage = clientAuth (openssl: extendedKeyUsage = clientAuth in the extension section)',
  },
  refs: ['RFC 5280 §4.2.1.12', 'RFC 5246 §7.4.6'],
  check,
};
