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
  // The CA names are how clients choose a certificate: with none listed, the server is the one to fix.
  const fix = cr.certificateAuthorities.length === 0 ? NO_CA_NAMES_FIX : rule.fix!;
  return [finding(rule, lines.join('\n'), { severity: serverFatal ? 'error' : 'warning', fix })];
}

/** The fix when the CertificateRequest lists no CA names: clients that pick by issuer find nothing. */
const NO_CA_NAMES_FIX = {
  apache: 'the CertificateRequest lists no CA names, so browsers and smartcard middleware offer nothing: set SSLCACertificateFile (or SSLCADNRequestFile) to the CAs that issue your client certificates',
  nginx: 'the CertificateRequest lists no CA names: set ssl_client_certificate to the CAs that issue your client certificates',
  openssl: 'openssl s_server … -Verify 1 -CAfile <CAs that issue client certificates>',
  client: 'meanwhile, a client can still be pointed at its certificate explicitly (curl --cert/--key, openssl s_client -cert/-key)',
};

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
    client:
      'give the client a certificate issued by one of the CA names the server lists, with its key: install it in the browser\'s or the ' +
      'OS certificate store (and select it when asked), insert the smartcard and check its middleware lists the certificate ' +
      '(p11tool --list-all-certs, pkcs11-tool --list-objects), or name it explicitly (curl --cert/--key, openssl s_client -cert/-key)',
  },
  refs: ['RFC 5246 §7.4.6', 'RFC 5246 §7.4.4', 'RFC 8446 §4.4.2.4'],
  check,
};
