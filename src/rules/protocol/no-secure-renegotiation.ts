// TLS 1.0–1.2 without RFC 5746 secure renegotiation: the server does not echo renegotiation_info.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, negotiatedPre13, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

const RENEGOTIATION_INFO = 0xff01;
const SCSV = 0x00ff;

function check(c: Connection): readonly Finding[] {
  const sh = negotiatedPre13(c);
  if (!sh) return NO_FINDINGS;
  if (sh.extensions.some((e) => e.code === RENEGOTIATION_INFO)) return NO_FINDINGS;
  const ch = c.clientHello;
  const ext = ch?.extensions.some((e) => e.code === RENEGOTIATION_INFO) ?? false;
  const scsv = ch?.cipherSuites.some((s) => s.code === SCSV) ?? false;
  const how = ext ? 'the renegotiation_info extension' : scsv ? 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV' : '';
  return [
    finding(
      rule,
      `The ${sh.selectedVersion.name} ServerHello has no renegotiation_info extension` +
        (how ? `, although the client signalled support with ${how}: the server does not implement RFC 5746 (or has it disabled).` : '; the client did not signal support either.'),
    ),
  ];
}

export const rule: Rule = {
  id: 'no-secure-renegotiation',
  family: 'protocol',
  severity: 'warning',
  title: 'No secure renegotiation (RFC 5746)',
  explain:
    'In TLS 1.0–1.2 the server confirms RFC 5746 secure renegotiation by sending renegotiation_info in its ServerHello. Without it, ' +
    'renegotiation is open to the 2009 prefix-injection attack (CVE-2009-3555), and clients that insist on it (OpenSSL without ' +
    '-legacy_server_connect, hardened browsers) refuse the connection. Every TLS library since 2010 supports it, so its absence means a very ' +
    'old server stack or an explicit option disabling it. TLS 1.3 has no renegotiation and is not affected.',
  fix: {
    general: 'update the server TLS library; remove options that disable safe renegotiation (GnuTLS %DISABLE_SAFE_RENEGOTIATION, OpenSSL SSL_OP_LEGACY_SERVER_CONNECT-era patches)',
    apache: 'SSLInsecureRenegotiation off (the default)',
  },
  refs: ['RFC 5746 §3.6', 'RFC 5746 §4.2'],
  check,
};
