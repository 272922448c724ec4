// The ServerHello cipher suite must come from the ClientHello's list (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3).
import type { Connection, Finding } from '../../tls/model.js';
import { allClientHellos, allServerHellos, finding, NO_FINDINGS, oneTlsHelloEach } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  // The common case first, without building anything: one hello each way, the suite offered.
  if (oneTlsHelloEach(c)) {
    const code = c.serverHello.cipherSuite.code;
    for (const s of c.clientHello.cipherSuites) if (s.code === code) return NO_FINDINGS;
  }
  const hellos = allClientHellos(c).filter((h) => !h.sslv2);
  if (hellos.length === 0) return NO_FINDINGS;
  // A scan, not a Set: the lists are short.
  const offered = (code: number): boolean => hellos.some((h) => h.cipherSuites.some((s) => s.code === code));
  const out: Finding[] = [];
  for (const sh of allServerHellos(c)) {
    if (sh.sslv2 || offered(sh.cipherSuite.code)) continue;
    const list = hellos.at(-1)!.cipherSuites;
    out.push(
      finding(
        rule,
        `The ${sh.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello'} chose ${sh.cipherSuite.name} (0x${sh.cipherSuite.code.toString(16).padStart(4, '0')}), ` +
          `which is not among the ${list.length} suites the client offered: ${list.map((s) => s.name).join(', ')}.`,
      ),
    );
  }
  return out;
}

export const rule: Rule = {
  id: 'cipher-not-offered',
  family: 'server',
  severity: 'error',
  title: 'Server chose a cipher suite the client did not offer',
  explain:
    'The server must pick its cipher suite from the client\'s list. This one is not on it, so a conforming client aborts the handshake ' +
    '(illegal_parameter; OpenSSL says "wrong cipher returned"). It points at a broken server TLS stack, a load balancer or middlebox that ' +
    'rewrites or replays handshakes, or a capture that mixes two connections.',
  fix: { general: 'update or reconfigure the server TLS stack or the middlebox in front of it' },
  refs: ['RFC 5246 §7.4.1.3', 'RFC 8446 §4.1.3'],
  check,
};
