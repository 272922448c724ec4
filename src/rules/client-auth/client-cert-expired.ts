// Client certificate outside its validity period at the time of the handshake (RFC 5280 §4.1.2.5).
import type { Connection, Finding } from '../../tls/model.js';
import { alertName, finding, firstFatal, validityAt, NO_FINDINGS } from '../helpers.js';
import type { Rule, RuleContext } from '../types.js';

function check(c: Connection, ctx: RuleContext): readonly Finding[] {
  const chain = c.clientCertificates ?? [];
  const out: string[] = [];
  chain.forEach((cert, i) => {
    if (i > 0 && cert.selfSigned) return; // a root sent along is not what the server checks
    const v = validityAt(cert, ctx.now);
    if (!v) return;
    const what = i === 0 ? 'The client certificate' : `Chain certificate ${i}`;
    out.push(
      v === 'expired'
        ? `${what} ${cert.subject} expired on ${cert.notAfter} (valid ${cert.notBefore} → ${cert.notAfter}); handshake at ${ctx.now.toISOString()}.`
        : `${what} ${cert.subject} is not valid until ${cert.notBefore} (valid ${cert.notBefore} → ${cert.notAfter}); handshake at ${ctx.now.toISOString()}.`,
    );
  });
  if (out.length === 0) return NO_FINDINGS;
  const fatal = firstFatal(c);
  if (fatal?.from === 'server') out.push(`The server then sent fatal ${alertName(fatal)}.`);
  return [finding(rule, out.join('\n'))];
}

export const rule: Rule = {
  id: 'client-cert-expired',
  family: 'client-auth',
  severity: 'error',
  title: 'Client certificate expired or not yet valid',
  explain:
    'The client sent a certificate (or an intermediate in its chain) whose validity period does not include the time of the handshake: ' +
    'it has expired, or its notBefore is in the future (often a clock problem on the issuing side or a freshly issued certificate on a ' +
    'machine with a wrong clock). Servers reject it: certificate_expired for an expired one, bad_certificate from OpenSSL for a not-yet-valid ' +
    'one. The time used is the packet time of the capture in replay and the current time in the proxy.',
  fix: {
    general: 'renew the client certificate (or fix the clock of whichever side is wrong)',
  },
  refs: ['RFC 5280 §4.1.2.5', 'RFC 5280 §6.1.3', 'RFC 5246 §7.2.2'],
  check,
};
