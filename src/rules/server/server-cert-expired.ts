// Server certificates outside their validity at the time of the handshake (RFC 5280 §4.1.2.5).
import type { Connection, Finding } from '../../tls/model.js';
import { finding, validityAt, NO_FINDINGS } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

function check(c: Connection, ctx: RuleContext): readonly Finding[] {
  const out: string[] = [];
  (c.certificates ?? []).forEach((cert, i) => {
    if (cert.error && !cert.notAfter) return;
    if (i > 0 && cert.selfSigned) return; // a root sent along: clients use their own copy
    const v = validityAt(cert, ctx.now);
    if (!v) return;
    const what = i === 0 ? 'The server certificate' : `Chain certificate ${i}`;
    out.push(
      v === 'expired'
        ? `${what} ${cert.subject} expired on ${cert.notAfter} (valid ${cert.notBefore} → ${cert.notAfter}); handshake at ${ctx.now.toISOString()}.`
        : `${what} ${cert.subject} is not valid until ${cert.notBefore} (valid ${cert.notBefore} → ${cert.notAfter}); handshake at ${ctx.now.toISOString()}.`,
    );
  });
  return out.length ? [finding(rule, out.join('\n'))] : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'server-cert-expired',
  family: 'server',
  severity: 'error',
  title: 'Server certificate expired or not yet valid',
  explain:
    'The server certificate, or an intermediate it sends, is outside its validity period at the time of the handshake: expired, or with a ' +
    'notBefore in the future (a wrong clock on the client or at the CA). Verifying clients refuse it with certificate_expired or ' +
    'bad_certificate. A self-signed root sent along is not checked (clients use their own copy). The time used is the packet time of the ' +
    'capture in replay and the current time in the proxy.',
  fix: {
    apache: 'install the renewed certificate in SSLCertificateFile (leaf + intermediates) and reload: apachectl graceful',
    nginx: 'install the renewed certificate in ssl_certificate (leaf + intermediates) and reload: nginx -s reload',
    openssl: 'openssl s_server -cert <renewed.crt> -cert_chain <intermediates.pem>',
    general: 'check the clocks if the certificate is "not yet valid"',
  },
  refs: ['RFC 5280 §4.1.2.5', 'RFC 5280 §6.1.3', 'RFC 5246 §7.2.2'],
  check,
};
