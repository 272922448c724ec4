// Key sizes below current minimums: RSA/DSA < 2048 bits, EC < 256 bits (NIST SP 800-57 part 1 r5
// §5.6.1; OpenSSL security level 2, the default on current distributions, refuses them).
import type { CertInfo, Connection, Finding } from '../../tls/model.js';
import { certLabel, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

export function weakKey(cert: CertInfo): string | undefined {
  const k = cert.publicKey;
  if (!k || k.bits === undefined) return undefined;
  if ((k.algorithm === 'rsa' || k.algorithm === 'rsa-pss' || k.algorithm === 'dsa') && k.bits < 2048) return `${k.algorithm.toUpperCase()} ${k.bits} bits < 2048`;
  if (k.algorithm === 'ec' && k.bits < 256) return `EC ${k.bits} bits${k.curve ? ` (${k.curve})` : ''} < 256`;
  return undefined;
}

function check(c: Connection): readonly Finding[] {
  const lines: string[] = [];
  const scan = (who: string, chain: readonly CertInfo[] | undefined) =>
    (chain ?? []).forEach((cert, i) => {
      if (i > 0 && cert.selfSigned) return; // roots sent along are the client's/server's own trust decision
      const w = weakKey(cert);
      if (w) lines.push(`${who} certificate ${i === 0 ? '' : `${i} `}${certLabel(cert)}: ${w}.`);
    });
  scan('Server', c.certificates);
  scan('Client', c.clientCertificates);
  return lines.length ? [finding(rule, lines.join('\n'))] : NO_FINDINGS;
}

export const rule: Rule = {
  id: 'cert-weak-key',
  family: 'server',
  severity: 'warning',
  title: 'Certificate with a weak key',
  explain:
    'A certificate in the server\'s or the client\'s chain has an RSA or DSA key shorter than 2048 bits, or an elliptic-curve key shorter ' +
    'than 256 bits. Such keys are below current minimums (1024-bit RSA is within reach of well-funded attackers) and current OpenSSL ' +
    'at its default security level 2 refuses them: servers reject such client certificates (bad_certificate) and clients such server ' +
    'certificates ("ee key too small"). Self-signed roots sent along are not judged.',
  fix: {
    general: 'reissue the certificate with an RSA 2048/3072-bit or ECDSA P-256 key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)',
  },
  refs: ['NIST SP 800-57 Part 1 Rev. 5 §5.6.1', 'RFC 8446 §4.4.2.4'],
  check,
};
