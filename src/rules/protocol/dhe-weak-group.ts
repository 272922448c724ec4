// Finite-field DHE with a prime below 2048 bits (Logjam; RFC 9325 §4.1, RFC 7919).
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const ske = c.serverKeyExchange;
  if (!ske || ske.dhPrimeBits === undefined || ske.dhPrimeBits >= 2048) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The ServerKeyExchange uses a ${ske.dhPrimeBits}-bit DH prime (generator ${ske.dhGenerator ?? '?'})` +
        `${c.serverHello ? ` for ${c.serverHello.cipherSuite.name}` : ''}.`,
      { severity: ske.dhPrimeBits < 1024 ? 'error' : 'warning' },
    ),
  ];
}

export const rule: Rule = {
  id: 'dhe-weak-group',
  family: 'protocol',
  severity: 'warning',
  severities: ['warning', 'error'],
  title: 'DHE with a group smaller than 2048 bits',
  explain:
    'The server\'s ephemeral Diffie-Hellman parameters use a prime shorter than 2048 bits. 1024-bit groups are within reach of ' +
    'nation-state precomputation (Logjam, 2015) and 512-bit export groups of anyone (error). Current clients refuse primes below 1024 bits ' +
    'and OpenSSL 3 at its default security level below 2048. Use a 2048-bit or larger group — the RFC 7919 ffdhe groups — or prefer ECDHE.',
  fix: {
    apache: 'SSLOpenSSLConfCmd DHParameters /etc/ssl/ffdhe2048.pem   (or drop DHE: SSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20)',
    nginx: 'ssl_dhparam /etc/nginx/ffdhe2048.pem;   (or drop DHE from ssl_ciphers)',
    openssl: 'openssl s_server … -dhparam ffdhe2048.pem   (openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out ffdhe2048.pem)',
  },
  refs: ['RFC 7919', 'RFC 9325 §4.1', 'RFC 5246 §7.4.3'],
  check,
};
