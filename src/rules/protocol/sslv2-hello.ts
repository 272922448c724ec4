// A ClientHello in SSL 2.0 record format (RFC 5246 appendix E.2), sent by very old clients and scanners.
import type { Connection, Finding } from '../../tls/model.js';
import { allClientHellos, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const ch = allClientHellos(c).find((h) => h.sslv2);
  if (!ch) return NO_FINDINGS;
  const real = ch.version.code === 0x0002;
  const specs = ch.cipherSpecs?.length ?? ch.cipherSuites.length;
  return [
    finding(
      rule,
      `The client sent its hello in SSL 2.0 format, version ${ch.version.name}, with ${specs} cipher spec(s).` +
        (real
          ? '\nIt asks for SSL 2.0 itself, which is broken (RFC 6176).'
          : '\nThe format cannot carry extensions: no SNI, no signature_algorithms, no extended_master_secret, no secure renegotiation.') +
        (c.serverHello ? `\nThe server answered with ${c.serverHello.selectedVersion.name}.` : ''),
      { severity: real ? 'error' : 'warning' },
    ),
  ];
}

export const rule: Rule = {
  id: 'sslv2-hello',
  family: 'protocol',
  severity: 'warning',
  severities: ['warning', 'error'],
  title: 'SSL 2.0-format ClientHello',
  explain:
    'The client opened with a ClientHello in the SSL 2.0 record format. Old clients (Java 6, OpenSSL before 1.0, Windows XP) did this for ' +
    'backwards compatibility even when offering SSL 3.0/TLS; today it comes from very old software or from scanners probing for SSLv2. ' +
    'The format cannot carry extensions, so there is no SNI, no signature_algorithms and none of the security extensions. It is an error ' +
    'when the hello asks for SSL 2.0 itself (DROWN, RFC 6176). Servers should not accept it.',
  fix: {
    apache: 'SSLProtocol -all +TLSv1.2 +TLSv1.3 (OpenSSL 1.1+ no longer accepts SSLv2-format hellos)',
    nginx: 'ssl_protocols TLSv1.2 TLSv1.3;',
    client: 'update the client; for Java, remove SSLv2Hello from https.protocols / jdk.tls.client.protocols',
  },
  refs: ['RFC 5246 appendix E.2', 'RFC 6176', 'RFC 8996'],
  check,
};
