// TLS-level compression (RFC 3749) leaks secrets through ciphertext length (CRIME); RFC 8446 and
// RFC 9325 §3.3 forbid it.
import type { Connection, Finding } from '../../tls/model.js';
import { finalServerHello, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const sh = finalServerHello(c);
  if (!sh || sh.sslv2 || sh.compressionMethod.code === 0) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The ServerHello selected compression method ${sh.compressionMethod.name} (${sh.compressionMethod.code}); ` +
        `the client offered ${c.clientHello?.compressionMethods.map((m) => m.name).join(', ') ?? '?'}.`,
    ),
  ];
}

export const rule: Rule = {
  id: 'compression-enabled',
  family: 'protocol',
  severity: 'error',
  title: 'TLS compression enabled',
  explain:
    'The server selected a TLS-level compression method (DEFLATE). Compressing secrets together with attacker-influenced data makes the ' +
    'ciphertext length reveal the secret byte by byte (CRIME, 2012: session cookies recovered in minutes). TLS 1.3 removed compression and ' +
    'RFC 9325 forbids it; OpenSSL disables it by default and most builds do not include it.',
  fix: {
    apache: 'SSLCompression off (the default since 2.4.3)',
    nginx: 'nginx disables it; rebuild against an OpenSSL without zlib if it appears',
    openssl: 'openssl s_server … -no_comp (the default; remove -comp)',
  },
  refs: ['RFC 9325 §3.3', 'RFC 3749', 'RFC 8446 §4.1.2'],
  check,
};
