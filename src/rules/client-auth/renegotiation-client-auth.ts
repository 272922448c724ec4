// A TLS 1.0–1.2 renegotiation (decrypted with a key log) that asked for a client certificate: the
// shape of Apache httpd's per-<Location>/<Directory> SSLVerifyClient.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const out: Finding[] = [];
  c.renegotiations?.forEach((r, i) => {
    if (!r.certificateRequest) return;
    const cc = r.clientCertificates;
    const answer = cc === undefined ? 'the client sent no Certificate message' : cc.length === 0 ? 'the client answered with an empty Certificate' : `the client sent ${cc[0]!.subject}`;
    out.push(
      finding(
        rule,
        `Renegotiation ${i + 1} asked for a client certificate (a CertificateRequest with ${r.certificateRequest.certificateAuthorities.length} CA name(s)); ${answer}.\n` +
          'The first handshake did not ask: the server asks only when a request reaches a protected location (Apache SSLVerifyClient in <Location> or <Directory>).',
      ),
    );
  });
  return out.length ? out : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'renegotiation-client-auth',
  family: 'client-auth',
  severity: 'info',
  title: 'Client certificate asked for in a renegotiation',
  explain:
    'Apache httpd with SSLVerifyClient inside a <Location> or <Directory> finishes the first handshake without a client certificate and, ' +
    'when a request reaches that location, renegotiates (TLS 1.2) to ask for one. It works, with costs: HTTP/2 forbids renegotiation ' +
    '(RFC 7540 §9.2.1), so such locations fail over h2 unless h2 is turned off for the host; a request body is buffered up to ' +
    'SSLRenegBufferSize while the second handshake runs (413 beyond it); and TLS 1.3 has no renegotiation: there Apache uses post-handshake ' +
    'authentication, which browsers do not offer, so the location fails for them. Seen only with a key log (the renegotiation is encrypted); ' +
    'without one renegotiation-seen says that a renegotiation happened.',
  fix: {
    apache: 'SSLVerifyClient require (or optional) for the whole VirtualHost, and per-location authorisation with Require expr %{SSL_CLIENT_VERIFY} == "SUCCESS" (or SSLRequire); keep per-location SSLVerifyClient only for HTTP/1.1 clients',
    nginx: 'nginx cannot renegotiate: ssl_verify_client applies to the whole server block; use optional there and check $ssl_client_verify per location',
  },
  refs: ['RFC 5746 §1', 'RFC 5246 §7.4.4', 'RFC 7540 §9.2.1', 'RFC 8446 §4.6.2'],
  check,
};
