// The client gave up after the server's CertificateRequest instead of answering it.
import type { Connection, Finding } from '../../tls/model.js';
import { alertContext, alertName, closedBefore, fatalAlerts, finding, ladderIndexOf, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** Alerts by which a client says it rejects the server's certificate or key exchange: a different story (fatal-alert explains it). */
const ABOUT_SERVER_CERT = new Set([42, 43, 44, 45, 46, 48, 51, 47]);

function check(c: Connection): readonly Finding[] {
  const cr = c.certificateRequest;
  if (!cr || c.clientCertificates !== undefined) return NO_FINDINGS;
  const crAt = ladderIndexOf(c, 'server', 'certificate_request');
  if (crAt < 0) return NO_FINDINGS;
  const after = c.messages.slice(crAt + 1);
  // The client went on (ClientKeyExchange without Certificate is an SSL 3.0-style "no certificate").
  if (after.some((m) => m.from === 'client' && m.record !== 'alert')) return NO_FINDINGS;
  const fatals = fatalAlerts(c);
  const first = fatals[0];
  // A server alert that only answers the client's close is the client's abort all the same.
  const clientClose = first?.from === 'server' ? closedBefore(c, first) : c.closes?.find((e) => e.from === 'client');
  if (first && first.from === 'server' && !clientClose) return NO_FINDINGS;
  if (c.gaps && c.gaps.client > 0) return NO_FINDINGS;
  const clientAlert = after.find((m) => m.from === 'client' && m.record === 'alert');
  if (first && first.from === 'client') {
    if (first.description && ABOUT_SERVER_CERT.has(first.description.code)) return NO_FINDINGS;
    return [
      finding(
        rule,
        `The client sent fatal ${alertName(first)} ${alertContext(c, first).where}, without sending a Certificate.\n` +
          `The server's CertificateRequest listed ${cr.certificateAuthorities.length} CA name(s)${cr.signatureAlgorithms ? ` and signature_algorithms ${cr.signatureAlgorithms.map((s) => s.name).join(', ')}` : ''}.\n` +
          'The client gave up on client authentication: the user cancelled the certificate prompt or PIN entry, the token failed, or the client\'s TLS stack refused the request.',
      ),
    ];
  }
  if (clientAlert) return NO_FINDINGS; // an encrypted or warning-level alert: not enough to say
  const ended = clientClose
    ? `and closed the connection (${clientClose.how === 'fin' ? 'FIN' : 'RST'}${clientClose.packet !== undefined ? `, packet ${clientClose.packet}` : ''})${first ? `; the server's fatal ${alertName(first)} only answers that close` : ''}`
    : 'and the connection ended (or the capture ends here)';
  return [
    finding(
      rule,
      `After the server's CertificateRequest the client sent nothing more — no Certificate, no alert — ${ended}.\n` +
        `The CertificateRequest listed ${cr.certificateAuthorities.length} CA name(s)${cr.signatureAlgorithms ? ` and signature_algorithms ${cr.signatureAlgorithms.map((s) => s.name).join(', ')}` : ''}.\n` +
        'Typical of a browser whose certificate picker or PIN prompt was dismissed, a token that failed, or a client that does not support client certificates at all.',
    ),
  ];
}

export const rule: Rule = {
  id: 'client-aborted-after-certreq',
  family: 'client-auth',
  severity: 'error',
  title: 'Client gave up after the CertificateRequest',
  explain:
    'The server asked for a client certificate and the client neither sent one nor an empty Certificate: it sent a fatal alert or simply ' +
    'closed the connection. Browsers do this when the user dismisses the certificate picker or the smartcard PIN prompt, middleware does it ' +
    'when the token fails, and some clients do it when they have no certificate at all instead of sending an empty one. Alerts by which the ' +
    'client rejects the server\'s own certificate (unknown_ca, bad_certificate, certificate_expired, …) are not counted here: see fatal-alert. ' +
    'Only visible in TLS 1.2 and earlier (TLS 1.3 CertificateRequests are encrypted).',
  fix: {
    client: 'check that the client has a usable certificate for this server and that its token/PIN prompt works; try openssl s_client -cert/-key to separate server from client problems',
    apache: 'if client certificates are not really required for everyone: SSLVerifyClient optional (and authorise in the application)',
    nginx: 'if client certificates are not really required for everyone: ssl_verify_client optional;',
  },
  refs: ['RFC 5246 §7.4.4', 'RFC 5246 §7.4.6', 'RFC 5246 §7.2.2'],
  check,
};
