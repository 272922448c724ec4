// The ServerKeyExchange signature scheme must be one the client offered in signature_algorithms
// (RFC 5246 §7.4.1.4.1 and §7.4.3; without the extension TLS 1.2 means {sha1} × {rsa, dsa, ecdsa}).
import type { Connection, Finding } from '../../tls/model.js';
import { allClientHellos, DEFAULT_TLS12_SIGALGS, finding, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const alg = c.serverKeyExchange?.signatureAlgorithm;
  // The common case without building anything: one ClientHello that listed the scheme.
  const only = c.additionalClientHellos?.length ? undefined : c.clientHello?.signatureAlgorithms;
  if (alg && only) for (const s of only) if (s.code === alg.code) return NO_FINDINGS;
  const hellos = allClientHellos(c);
  if (!alg || hellos.length === 0) return NO_FINDINGS;
  const lists = hellos.map((h) => h.signatureAlgorithms);
  const offered = lists.some((l) => l === undefined)
    ? DEFAULT_TLS12_SIGALGS
    : lists.flatMap((l) => (l ?? []).map((s) => s.code));
  if (offered.includes(alg.code)) return NO_FINDINGS;
  const ch = hellos.at(-1)!;
  return [
    finding(
      rule,
      `The ServerKeyExchange is signed with ${alg.name}; the ClientHello's signature_algorithms ` +
        (ch.signatureAlgorithms ? `are ${names(ch.signatureAlgorithms)}.` : 'extension is absent, which in TLS 1.2 means only SHA-1 (rsa/dsa/ecdsa with sha1).'),
    ),
  ];
}

export const rule: Rule = {
  id: 'server-sigalg-not-offered',
  family: 'server',
  severity: 'error',
  title: 'Server signed its key exchange with a scheme the client did not offer',
  explain:
    'In TLS 1.2 the server signs its ServerKeyExchange (ECDHE/DHE parameters) with its certificate key, and the scheme must be one the client ' +
    'listed in the ClientHello\'s signature_algorithms (no extension means SHA-1 only). Here it is not; conforming clients abort with ' +
    'illegal_parameter or handshake_failure. Causes: a server TLS library that ignores the client\'s list, a certificate key that can only ' +
    'make schemes the client lacks (an RSA-PSS key and a client without rsa_pss_pss_*), or a middlebox rewriting the handshake.',
  fix: {
    general: 'update the server TLS library; give the server a certificate whose key can make a scheme its clients offer (RSA or ECDSA P-256 work everywhere)',
  },
  refs: ['RFC 5246 §7.4.1.4.1', 'RFC 5246 §7.4.3', 'RFC 8446 §4.2.3'],
  check,
};
