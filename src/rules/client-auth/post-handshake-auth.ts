// TLS 1.3 post-handshake authentication (RFC 8446 §4.6.2), decrypted with a key log: the server
// asked for a client certificate after the handshake; what the client answered.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const out: Finding[] = [];
  c.postHandshakeAuth?.forEach((p, i) => {
    if (!p.certificateRequest) return;
    const cc = p.clientCertificates;
    const answer =
      cc === undefined ? 'no Certificate from the client (yet)' : cc.length === 0 ? 'an empty Certificate: no client certificate' : `${cc[0]!.subject}${p.certificateVerify?.signatureAlgorithm ? `, signed ${p.certificateVerify.signatureAlgorithm.name}` : ''}`;
    out.push(
      finding(
        rule,
        `Post-handshake CertificateRequest ${i + 1} (context ${p.certificateRequest.requestContext || '(empty)'}; signature_algorithms ${names(p.certificateRequest.signatureAlgorithms)}): the client answered with ${answer}.`,
      ),
    );
  });
  return out.length ? out : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'post-handshake-auth',
  family: 'client-auth',
  severity: 'info',
  title: 'TLS 1.3 post-handshake client authentication',
  explain:
    'In TLS 1.3 a server can ask for a client certificate after the handshake (RFC 8446 §4.6.2) if the client offered post_handshake_auth ' +
    'in its ClientHello. Apache httpd does this for SSLVerifyClient inside a <Location>, where TLS 1.2 would renegotiate. curl and ' +
    'openssl s_client -enable_pha offer it; browsers do not. For a client that did not offer it Apache sends nothing on the wire: no ' +
    'CertificateRequest, no alert; it answers the request with HTTP 403 inside the encrypted application data (which tlspeek never ' +
    'decodes) and logs "AH10158: cannot perform post-handshake authentication" and "SSL Library Error: error:0A000117:SSL routines::extension ' +
    'not received" (after "AH10129: verify client post handshake" at LogLevel ssl:debug). tlspeek cannot see that failure, even with a key ' +
    'log: it sees a TLS 1.3 handshake that completed without a CertificateRequest. The way out is TLS 1.2 for that host (the request becomes ' +
    'a renegotiation, which browsers accept) or SSLVerifyClient for the whole VirtualHost. A post-handshake CertificateRequest that does go ' +
    'to such a client is post-handshake-auth-unavailable. The CertificateRequest and the answer are encrypted: seen only with a key log, and ' +
    'judged by the client-auth rules like the handshake\'s.',
  fix: {
    apache: 'for browsers, SSLVerifyClient for the whole VirtualHost (optional or require) and per-location authorisation (Require expr %{SSL_CLIENT_VERIFY} == "SUCCESS")',
  },
  refs: ['RFC 8446 §4.6.2', 'RFC 8446 §4.2.6'],
  check,
};
