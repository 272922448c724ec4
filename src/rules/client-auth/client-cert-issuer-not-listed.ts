// CertificateRequest.certificate_authorities names the CAs the server accepts; a client certificate
// chain that touches none of them will not verify there (RFC 5246 §7.4.4).
import type { Connection, Finding } from '../../tls/model.js';
import { alertName, finding, firstFatal, sameDn, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const cas = c.certificateRequest?.certificateAuthorities;
  const chain = c.clientCertificates;
  if (!cas || cas.length === 0 || !chain || chain.length === 0) return NO_FINDINGS;
  const listed = (dn: string) => cas.some((ca) => sameDn(ca, dn));
  if (chain.some((cert) => listed(cert.issuer) || listed(cert.subject))) return NO_FINDINGS;
  const leaf = chain[0]!;
  const lines = [
    `The client's certificate ${leaf.subject} was issued by ${leaf.issuer}` +
      (chain.length > 1 ? `; its chain (${chain.map((x) => x.subject).join(' → ')}) names no listed CA either.` : '.'),
    `The CertificateRequest named: ${cas.join(' | ')}.`,
  ];
  const fatal = firstFatal(c);
  if (fatal?.from === 'server') lines.push(`The server then sent fatal ${alertName(fatal)}.`);
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'client-cert-issuer-not-listed',
  family: 'client-auth',
  severity: 'warning',
  title: "Client certificate not issued by a CA the server named",
  explain:
    'The CertificateRequest carried a list of CA distinguished names (certificate_authorities): the issuers whose client certificates the ' +
    'server will accept. Clients use it to choose a certificate. This client sent a certificate whose issuer — and whose whole chain as sent — ' +
    'matches none of the names, so the server will almost certainly fail to verify it (unknown_ca). Either the client picked the wrong ' +
    'certificate (several installed, none from this CA) or the server\'s trust list lacks the CA that issues these clients\' certificates. ' +
    'Names are compared as RFC 4514 strings, ignoring case and spaces.',
  fix: {
    client: 'select a certificate issued by one of the listed CAs',
    apache: 'add the issuing CA to SSLCACertificateFile (and SSLCADNRequestFile, if set)',
    nginx: 'add the issuing CA to ssl_client_certificate (the names sent) and ssl_trusted_certificate',
    openssl: 'openssl s_server … -CAfile <bundle including the issuing CA>',
  },
  refs: ['RFC 5246 §7.4.4', 'RFC 8446 §4.2.4'],
  check,
};
