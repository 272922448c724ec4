// The server should send its chain up to (not necessarily including) a trust anchor (RFC 5246 §7.4.2,
// RFC 8446 §4.4.2): a leaf whose issuer is not in the message only verifies where that intermediate is
// already known.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, sameDn, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const chain = c.certificates;
  const leaf = chain?.[0];
  if (!chain || !leaf || leaf.error || leaf.selfSigned) return NO_FINDINGS;
  if (chain.slice(1).some((x) => sameDn(x.subject, leaf.issuer))) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The server sent ${chain.length} certificate(s): ${chain.map((x) => x.subject).join(' | ')}.\n` +
        `The leaf ${leaf.subject} was issued by ${leaf.issuer}, which the server did not send, and the leaf is not self-signed.\n` +
        'Clients that already have that intermediate (in their CA file, cache, or by AIA fetching) succeed; others fail with "unable to get local issuer certificate".',
    ),
  ];
}

export const rule: Rule = {
  id: 'server-chain-incomplete',
  family: 'server',
  severity: 'warning',
  title: "Server does not send its certificate's issuer",
  explain:
    'A server must send its certificate followed by the intermediate CA certificates that lead to a root the client trusts. Here the leaf\'s ' +
    'issuer is missing from the Certificate message (and the leaf is not self-signed). Clients that happen to have the intermediate — in a ' +
    'CA bundle that contains it, in a cache, or by fetching it from the AIA URL as browsers do — connect fine, which is why this goes unnoticed; ' +
    'curl, OpenSSL, Java, Python and most non-browser clients fail with "unable to get local issuer certificate" (unknown_ca). ' +
    'Only the leaf\'s issuer is checked: leaving out the root itself is normal.',
  fix: {
    apache: 'SSLCertificateFile pointing at a file with the leaf followed by the intermediates (Apache ≥ 2.4.8; older: SSLCertificateChainFile)',
    nginx: 'ssl_certificate pointing at the full chain (leaf first, then intermediates)',
    openssl: 'openssl s_server -cert leaf.crt -key leaf.key -cert_chain intermediates.pem (or -build_chain with -CAfile)',
  },
  refs: ['RFC 5246 §7.4.2', 'RFC 8446 §4.4.2', 'RFC 5280 §4.2.2.1'],
  check,
};
