// RFC 5246 §7.4.2: each following certificate must directly certify the one preceding it.
// RFC 8446 §4.4.2 relaxes this for TLS 1.3 (only the leaf must come first) but still says SHOULD.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, isTls13Version, sameDn, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const chain = c.certificates;
  if (!chain || chain.length < 2 || chain.some((x) => x.error && !x.subject)) return NO_FINDINGS;
  const problems: string[] = [];
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const cur = chain[i]!;
    if (sameDn(cur.subject, prev.issuer)) continue;
    if (prev.selfSigned) {
      problems.push(`certificate ${i} (${cur.subject}) follows the self-signed ${prev.subject}, which needs no issuer`);
      continue;
    }
    const elsewhere = chain.findIndex((x, j) => j !== i - 1 && sameDn(x.subject, prev.issuer));
    problems.push(
      `certificate ${i} (${cur.subject}) did not issue certificate ${i - 1} (${prev.subject}, issued by ${prev.issuer})` +
        (elsewhere >= 0 ? `; its issuer is certificate ${elsewhere}` : ''),
    );
  }
  if (problems.length === 0) return NO_FINDINGS;
  const tls13 = c.version && isTls13Version(c.version.code);
  return [
    finding(
      rule,
      `Chain as sent: ${chain.map((x, i) => `[${i}] ${x.subject}`).join(' → ')}.\n` +
        problems.map((p) => `- ${p}`).join('\n') +
        (tls13 ? '\nTLS 1.3 tolerates this order (RFC 8446 §4.4.2) but older clients do not.' : ''),
      tls13 ? { severity: 'info' } : {},
    ),
  ];
}

export const rule: Rule = {
  id: 'server-chain-order',
  family: 'server',
  severity: 'warning',
  severities: ['warning', 'info'],
  title: 'Server certificate chain out of order or with unrelated certificates',
  explain:
    'In TLS 1.2 and earlier each certificate in the server\'s Certificate message must certify the one before it: leaf, its issuer, that ' +
    'issuer\'s issuer, and so on. This chain has a certificate in the wrong place, or one that does not belong (an old intermediate, a ' +
    'cross-signed certificate, a second leaf). Modern OpenSSL and browsers sort it out; older Java, embedded and Windows stacks fail ' +
    'verification. TLS 1.3 allows any order after the leaf, so there it is only information.',
  fix: {
    apache: 'order the SSLCertificateFile: leaf first, then its issuer, then the next issuer up; remove unrelated certificates',
    nginx: 'order the ssl_certificate file: leaf first, then its issuer, then the next issuer up; remove unrelated certificates',
    openssl: 'openssl s_server -cert leaf.crt -cert_chain <intermediates in issuing order>',
  },
  refs: ['RFC 5246 §7.4.2', 'RFC 8446 §4.4.2'],
  check,
};
