// TLS 1.0–1.2 handshake records after application data: a renegotiation (RFC 5746). Apache httpd
// does it when a <Location> or <Directory> has its own SSLVerifyClient: the first handshake goes
// without a client certificate, the request arrives, and the server starts a second handshake
// (HelloRequest, then ClientHello … Finished) under encryption to ask for one.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import { RENEGOTIATION } from '../../tls/summary.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  // Without keys: the ladder's marker; with them: a HelloRequest or ClientHello read under encryption.
  const at = c.messages.find((m) => m.summary === RENEGOTIATION || (m.decrypted && (m.type?.code === 0 || m.type?.code === 1)));
  // A decrypted renegotiation that asked for a client certificate: renegotiation-client-auth says it all.
  if (!at || c.renegotiations?.some((r) => r.certificateRequest)) return NO_FINDINGS;
  const lines = [
    `${at.from === 'server' ? 'The server' : 'The client'} sent an encrypted handshake record after application data${at.packet !== undefined ? ` (packet ${at.packet})` : ''}: the connection renegotiated.`,
    'The usual reason is per-directory client authentication (Apache SSLVerifyClient inside <Location>/<Directory>): the server asks for a certificate in a second, encrypted handshake.',
  ];
  lines.push(
    c.decrypted
      ? 'The renegotiation\'s messages were decrypted with the key log; see the ladder.'
      : 'Its CertificateRequest and the client\'s answer are encrypted: give the client\'s key log (--keylog) to see them.',
  );
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'renegotiation-seen',
  family: 'protocol',
  severity: 'info',
  title: 'Renegotiation (a second handshake under encryption)',
  explain:
    'In TLS 1.2 and earlier a server can start a new handshake on an established connection (RFC 5746). Apache httpd does so when a ' +
    'request reaches a <Location> or <Directory> with its own SSLVerifyClient: the client certificate is asked for only then. ' +
    'Consequences: HTTP/2 forbids renegotiation (RFC 7540 §9.2.1), so such locations fail over h2; the request body is buffered ' +
    'up to SSLRenegBufferSize while the second handshake runs; and TLS 1.3 has no renegotiation at all (Apache uses post-handshake ' +
    'authentication there, which browsers do not offer). What is visible without keys: encrypted handshake records after application ' +
    'data. With the client\'s key log the second handshake is decrypted and its CertificateRequest checked like the first.',
  fix: {
    apache: 'to avoid the renegotiation, set SSLVerifyClient require (or optional) for the whole VirtualHost instead of per <Location>, and authorise per location (Require ssl-verify-client / SSLRequire)',
    general: 'to see the second handshake, replay the capture with the client\'s key log: tlspeek replay --keylog keys.log capture.pcap',
  },
  refs: ['RFC 5746 §1', 'RFC 5246 §7.4.1.1', 'RFC 7540 §9.2.1'],
  check,
};
