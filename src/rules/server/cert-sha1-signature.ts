// Certificates signed with SHA-1 or MD5 (RFC 6194 §3, RFC 9155): collisions make such signatures
// forgeable. Self-signed roots are excepted: their own signature is never relied on.
import type { CertInfo, Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

const WEAK_HASH = /(^|[^a-z])(sha-?1|md5|md2)([^0-9]|$)/i;

export function weakSignature(cert: CertInfo): boolean {
  const name = cert.signatureAlgorithm?.name ?? '';
  // e.g. sha1WithRSAEncryption, ecdsa-with-SHA1, dsa-with-sha1, md5WithRSAEncryption, sha1WithRSA
  return WEAK_HASH.test(name) || /^(sha1|md5|md2)with/i.test(name);
}

/** This chain's lines of the finding, appended to `lines` (made at the first weak certificate). */
function weakLines(who: string, chain: readonly CertInfo[] | undefined, lines: string[] | undefined): string[] | undefined {
  if (chain === undefined) return lines;
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (cert.selfSigned || !weakSignature(cert)) continue;
    (lines ??= []).push(`${who} certificate ${i === 0 ? '' : `${i} `}${cert.subject} is signed with ${cert.signatureAlgorithm.name} by ${cert.issuer}.`);
  }
  return lines;
}

function check(c: Connection): readonly Finding[] {
  // Nothing is made on the common path, where no certificate has a weak signature.
  const lines = weakLines('Client', c.clientCertificates, weakLines('Server', c.certificates, undefined));
  return lines ? [finding(rule, lines.join('\n'))] : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'cert-sha1-signature',
  family: 'server',
  severity: 'warning',
  title: 'Certificate signed with SHA-1 or MD5',
  explain:
    'A certificate in the server\'s or the client\'s chain carries a CA signature made with SHA-1 or MD5. Chosen-prefix collisions for both ' +
    'are practical, so such signatures can be forged; browsers and current OpenSSL (security level 1 and up for MD5, level 2 — the default on ' +
    'current distributions — for SHA-1) reject them. Self-signed roots are excepted: clients trust them by identity, not by their signature.',
  fix: {
    general: 'have the CA reissue the certificate with sha256WithRSAEncryption or ecdsa-with-SHA256 (openssl ca -md sha256 / openssl x509 -sha256)',
  },
  refs: ['RFC 9155', 'RFC 6194 §3', 'RFC 5280 §4.1.1.2'],
  check,
};
