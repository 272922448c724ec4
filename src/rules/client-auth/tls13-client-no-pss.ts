// TLS 1.3 client authentication asked for (a decrypted CertificateRequest), and the client's own
// signature_algorithms offer no RSA-PSS: a client whose RSA key or token cannot make RSA-PSS
// signatures cannot authenticate in TLS 1.3 at all (RFC 8446 §4.4.3), whatever the server allows.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, isRsaPss, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { PSS_FIX } from './pss-fix.js';

function check(c: Connection): readonly Finding[] {
  const cr = c.certificateRequest;
  const offer = c.clientHello?.signatureAlgorithms;
  if (!cr || cr.requestContext === undefined || !offer || offer.some((s) => isRsaPss(s.code))) return NO_FINDINGS;
  const leaf = c.clientCertificates?.[0];
  if (leaf && leaf.publicKey.algorithm !== 'rsa') return NO_FINDINGS; // an EC or EdDSA key does not need RSA-PSS
  const lines = [
    `The ClientHello's signature_algorithms: ${names(offer)} — no RSA-PSS scheme.`,
    'A client (or its token) that cannot sign RSA-PSS cannot authenticate with an RSA certificate in TLS 1.3: RSA-PSS is the only RSA signature TLS 1.3 allows.',
  ];
  if (c.clientCertificates?.length === 0) lines.push('Here it answered the CertificateRequest with an empty Certificate.');
  const failed = c.outcome === 'failed';
  if (failed) lines.push(`The handshake failed: ${c.outcomeDetail}.`);
  return [finding(rule, lines.join('\n'), { severity: failed ? 'error' : 'warning', fix: { client: PSS_FIX.client!, general: 'no server setting makes a PKCS#1-only RSA key work in TLS 1.3' } })];
}

export const rule: Rule = {
  id: 'tls13-client-no-pss',
  family: 'client-auth',
  severity: 'error',
  severities: ['error', 'warning'],
  title: 'TLS 1.3 client authentication, but the client offers no RSA-PSS',
  explain:
    'The server asked for a client certificate in TLS 1.3 (seen in the decrypted CertificateRequest) and the client\'s signature_algorithms ' +
    'list no RSA-PSS scheme. The list shows what the client can verify and usually what it can sign: a client limited to PKCS#1 v1.5 — a ' +
    'smartcard or PKCS#11 token without CKM_RSA_PKCS_PSS, an old CAPI provider — cannot make the RSA-PSS CertificateVerify TLS 1.3 ' +
    'requires for an RSA certificate. No server setting fixes this in TLS 1.3: the token needs RSA-PSS support, or the virtual host must ' +
    'stop at TLS 1.2 (where PKCS#1 first in ClientSignatureAlgorithms serves it). An error when the handshake failed, a warning otherwise.',
  fix: { client: PSS_FIX.client!, general: 'no server setting makes a PKCS#1-only RSA key work in TLS 1.3' },
  refs: ['RFC 8446 §4.4.3', 'RFC 8446 §4.2.3'],
  check,
};
