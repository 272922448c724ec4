// CertificateRequest answered by an empty Certificate message (RFC 5246 §7.4.6).
import type { Connection, Finding } from '../../tls/model.js';
import { alertContext, alertName, fatalAlerts, finding, isRsaPkcs1, isRsaPss, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const cr = c.certificateRequest;
  if (!cr || !c.clientCertificates || c.clientCertificates.length !== 0) return NO_FINDINGS;
  const lines = [
    'The server sent a CertificateRequest and the client answered with an empty Certificate message (no certificate).',
    `CertificateRequest: certificate_types ${names(cr.certificateTypes)}` +
      (cr.signatureAlgorithms ? `; signature_algorithms ${names(cr.signatureAlgorithms)}` : '') +
      `; ${cr.certificateAuthorities.length} CA name(s)${cr.certificateAuthorities.length ? `: ${cr.certificateAuthorities.join(' | ')}` : ''}.`,
  ];
  const codes = cr.signatureAlgorithms?.map((s) => s.code) ?? [];
  if (codes.some(isRsaPss) && !codes.some(isRsaPkcs1)) {
    lines.push('The list has RSA only as RSA-PSS: a client whose RSA key can only do PKCS#1 v1.5 has nothing to sign with and sends no certificate (see certreq-pss-only).');
  }
  const serverFatal = fatalAlerts(c).find((a) => a.from === 'server');
  if (serverFatal) {
    lines.push(`The server then sent fatal ${alertName(serverFatal)} ${alertContext(c, serverFatal).where}: it requires a client certificate.`);
  } else if (c.complete) {
    lines.push('The server went on without one: client authentication is optional on this server, so the client is anonymous.');
  }
  lines.push(
    'Likely causes: no certificate configured on the client; none of its certificates was issued by one of the CA names above; ' +
      'its key cannot make any of the listed signature schemes or is not of a listed certificate type; or the user cancelled the certificate prompt.',
  );
  return [finding(rule, lines.join('\n'), { severity: serverFatal ? 'error' : 'warning' })];
}

export const rule: Rule = {
  id: 'client-cert-missing',
  family: 'client-auth',
  severity: 'error',
  severities: ['error', 'warning'],
  title: 'Client sent no certificate when asked',
  explain:
    'The server asked for a client certificate (CertificateRequest) and the client sent an empty Certificate message. ' +
    'Clients do this when they have no certificate at all, or none that fits the request: the issuer is not among the CA names, the key ' +
    'type is not among certificate_types, or the key cannot produce any of the listed signature schemes (an RSA smartcard facing an ' +
    'RSA-PSS-only list). It is an error when the server then ends the handshake with a fatal alert (client certificates required: ' +
    'Apache SSLVerifyClient require, nginx ssl_verify_client on, s_server -Verify), and a warning when the handshake goes on anonymously ' +
    '(SSLVerifyClient optional, ssl_verify_client optional, s_server -verify). Only visible in TLS 1.2 and earlier; in TLS 1.3 the client\'s ' +
    'Certificate is encrypted.',
  fix: {
    client: 'configure the certificate and key (curl --cert/--key, openssl s_client -cert/-key, the browser\'s or OS certificate store), issued by one of the CA names the server lists',
    apache: 'check SSLCACertificateFile / SSLCADNRequestFile: the CA names sent must include the issuer of the clients\' certificates',
    nginx: 'check ssl_client_certificate (the CA names sent) and ssl_trusted_certificate',
    openssl: 'openssl s_server … -Verify 1 -CAfile <CAs that issue client certificates>',
  },
  refs: ['RFC 5246 §7.4.6', 'RFC 5246 §7.4.4', 'RFC 8446 §4.4.2.4'],
  check,
};
