// A TLS 1.3 post-handshake CertificateRequest (decrypted with a key log) sent to a client whose
// ClientHello did not offer post_handshake_auth: RFC 8446 §4.2.6 forbids the server to send it,
// and §4.6.2 has the client answer unexpected_message. The only visible form of "post-handshake
// authentication was needed and the client cannot do it": Apache httpd, the common case, does not
// send the request then (SSL_verify_client_post_handshake refuses) and answers 403 inside the
// application data, which tlspeek never decodes.
import type { Alert, Connection, Finding } from '../../tls/model.js';
import { allClientHellos } from '../../tls/queries.js';
import { alertName, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** The client's first alert after the n-th (0-based) post-handshake CertificateRequest on the ladder, if the ladder shows it. */
function clientAlertAfter(c: Connection, n: number): Alert | undefined {
  // The post-handshake requests are the server's CertificateRequests after the client's (first) Finished.
  const finished = c.messages.findIndex((m) => m.from === 'client' && m.type?.name === 'finished');
  if (finished < 0) return undefined;
  let seen = -1;
  let at = -1;
  for (let i = finished + 1; i < c.messages.length; i++) {
    const m = c.messages[i]!;
    if (m.from === 'server' && m.type?.name === 'certificate_request' && ++seen === n) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  for (let i = at + 1; i < c.messages.length; i++) {
    const m = c.messages[i]!;
    if (m.from === 'client' && m.record === 'alert') return c.alerts.find((a) => a.from === 'client' && a.offset === m.offset);
    // The client's next flight began: its alert, if any, is not an answer to this request.
    if (m.from === 'client' && m.type !== undefined) return undefined;
  }
  return undefined;
}

function check(c: Connection): readonly Finding[] {
  if (!c.postHandshakeAuth?.length) return NO_FINDINGS;
  const hellos = allClientHellos(c);
  // The ClientHello the handshake ran on (after a HelloRetryRequest, the second one) is the offer.
  const offer = hellos.at(-1);
  if (!offer || offer.sslv2 || offer.postHandshakeAuth) return NO_FINDINGS;
  const out: Finding[] = [];
  c.postHandshakeAuth.forEach((p, i) => {
    if (!p.certificateRequest) return;
    const alert = clientAlertAfter(c, i);
    const fatal = alert?.level?.code === 2;
    const cc = p.clientCertificates;
    const answer = alert
      ? `the client answered with ${alert.level ? `a ${alert.level.name} ` : 'an '}${alertName(alert)} alert${alert.description?.code === 10 ? ', as RFC 8446 §4.6.2 tells it to' : ''}`
      : cc === undefined
        ? 'the key log shows no answer from the client'
        : cc.length === 0
          ? 'the client answered with an empty Certificate (it went along with the request instead of refusing it)'
          : `the client answered with ${cc[0]!.subject} (it went along with the request instead of refusing it)`;
    out.push(
      finding(
        rule,
        `Post-handshake CertificateRequest ${i + 1} (context ${p.certificateRequest.requestContext || '(empty)'}) was sent although the ClientHello did not offer post_handshake_auth; ${answer}.\n` +
          'The server wanted a client certificate after the handshake (most likely for one location) from a client that cannot give one that way: ' +
          'a server must not ask then (RFC 8446 §4.2.6), and the client is to end the connection with unexpected_message. ' +
          'Ask in the handshake instead, or use TLS 1.2 for this host.',
        { severity: fatal ? 'error' : 'warning' },
      ),
    );
  });
  return out.length ? out : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'post-handshake-auth-unavailable',
  family: 'client-auth',
  severity: 'error',
  severities: ['error', 'warning'],
  title: 'TLS 1.3 post-handshake CertificateRequest to a client that did not offer post_handshake_auth',
  explain:
    'A TLS 1.3 server can ask for a client certificate after the handshake only if the client offered post_handshake_auth in its ' +
    'ClientHello (RFC 8446 §4.2.6, §4.6.2); browsers do not offer it, curl and openssl s_client -enable_pha do. This rule fires when a ' +
    'decrypted post-handshake CertificateRequest went to a client that did not offer it: the server wanted per-location client authentication ' +
    'the client cannot give. An error when the client then sent a fatal alert (unexpected_message, as the RFC requires), a warning when it ' +
    'answered anyway. Seen only with a key log. Most servers never send such a request, so the common case is invisible on the wire: ' +
    'Apache httpd with SSLVerifyClient inside a <Location> or <Directory>, under TLS 1.3, with a client that did not offer post_handshake_auth ' +
    'sends nothing: it answers the request with HTTP 403 inside the encrypted application data, which tlspeek never decodes, and logs ' +
    '"AH10158: cannot perform post-handshake authentication" followed by "SSL Library Error: error:0A000117:SSL routines::extension not received" ' +
    '(AH10129 "verify client post handshake" before it at LogLevel ssl:debug). Nothing is raised for a TLS 1.3 handshake without a ' +
    'CertificateRequest whose client did not offer post_handshake_auth: the wire cannot tell whether the server would have needed it.',
  fix: {
    apache:
      'SSLVerifyClient require (or optional) for the whole VirtualHost, not per <Location>, with per-location authorisation (Require expr %{SSL_CLIENT_VERIFY} == "SUCCESS"); or SSLProtocol -all +TLSv1.2 for that VirtualHost, where the per-location request is a renegotiation browsers accept (not over HTTP/2)',
    nginx: 'nginx asks only in the handshake (ssl_verify_client for the server block, optional there and $ssl_client_verify checked per location): it does not send post-handshake requests',
    openssl: 'openssl s_server -verify/-Verify asks in the handshake; SSL_verify_client_post_handshake() refuses a client that did not offer post_handshake_auth ("extension not received")',
    client: 'a client that must authenticate per location over TLS 1.3 has to offer post_handshake_auth (curl does; openssl s_client -enable_pha; Firefox only with security.tls.enable_post_handshake_auth); browsers otherwise need TLS 1.2 or a certificate asked for in the handshake',
  },
  refs: ['RFC 8446 §4.2.6', 'RFC 8446 §4.6.2'],
  check,
};
