// RSA key transport (TLS_RSA_WITH_*): no forward secrecy (RFC 9325 §4.1); removed in TLS 1.3.
import type { Connection, Finding } from '../../tls/model.js';
import { CIPHER_SUITE_INFO } from '../../tls/registry/cipher-suites.js';
import { finding, negotiatedPre13, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const sh = negotiatedPre13(c);
  if (!sh) return NO_FINDINGS;
  const info = CIPHER_SUITE_INFO[sh.cipherSuite.code];
  if (!info || (info.kx !== 'RSA' && info.kx !== 'RSA_PSK')) return NO_FINDINGS;
  const fs = (c.clientHello?.cipherSuites ?? []).filter((s) => /^(ECDHE|DHE|TLS13)/.test(CIPHER_SUITE_INFO[s.code]?.kx ?? ''));
  return [
    finding(
      rule,
      `The server chose ${sh.cipherSuite.name}: the premaster secret is encrypted to the certificate's RSA key.` +
        (fs.length ? `\nThe client offered ${fs.length} forward-secret suite(s) (e.g. ${fs[0]!.name}); the server preferred static RSA.` : '\nThe client offered no forward-secret suite.'),
    ),
  ];
}

export const rule: Rule = {
  id: 'static-rsa-kx',
  family: 'protocol',
  severity: 'warning',
  title: 'Static RSA key exchange (no forward secrecy)',
  explain:
    'With TLS_RSA_WITH_* suites the client encrypts the premaster secret to the server certificate\'s RSA key. Anyone who ever obtains that ' +
    'key can decrypt every recorded session (no forward secrecy), and RSA key transport is the target of Bleichenbacher-style attacks (ROBOT). ' +
    'TLS 1.3 removed it. ECDHE (or DHE) suites avoid both.',
  fix: {
    apache: 'SSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!kRSA   with   SSLHonorCipherOrder on',
    nginx: 'ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!kRSA;  ssl_prefer_server_ciphers on;',
    openssl: "openssl s_server … -cipher 'ECDHE+AESGCM:ECDHE+CHACHA20:!kRSA'",
  },
  refs: ['RFC 9325 §4.1', 'RFC 5246 §7.4.7.1', 'RFC 8446 §1.2'],
  check,
};
