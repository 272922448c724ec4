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

function anyWeak(chain: readonly CertInfo[] | undefined): boolean {
  if (chain === undefined) return false;
  for (let i = 0; i < chain.length; i++) if (!chain[i]!.selfSigned && weakSignature(chain[i]!)) return true;
  return false;
}

function check(c: Connection): readonly Finding[] {
  // Nothing made on the common path: no certificate with a weak signature.
  if (!anyWeak(c.certificates) && !anyWeak(c.clientCertificates)) return NO_FINDINGS;
  const lines: string[] = [];
  const scan = (who: string, chain: readonly CertInfo[] | undefined) =>
    (chain ?? []).forEach((cert, i) => {
      if (cert.selfSigned) return;
      if (weakSignature(cert)) lines.push(`${who} certificate ${i === 0 ? '' : `${i} `}${cert.subject} is signed with ${cert.signatureAlgorithm.name} by ${cert.issuer}.`);
    });
  scan('Server', c.certificates);
  scan('Client', c.clientCertificates);
  return lines.length ? [finding(rule, lines.join('\n'))] : NO_FINDINGS;
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
