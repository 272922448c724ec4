// A TLS 1.3 CertificateRequest (read with a key log) whose signature_algorithms hold no RSA-PSS
// scheme. In TLS 1.3 an RSA CertificateVerify can only be RSA-PSS (RFC 8446 §4.4.3: "RSA
// signatures MUST use an RSASSA-PSS algorithm"), so no client with an RSA certificate can answer:
// the over-corrected ClientSignatureAlgorithms that removed RSA-PSS to please PKCS#1-only tokens.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, isRsaPss, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { PSS_FIX } from './pss-fix.js';

function check(c: Connection): readonly Finding[] {
  const cr = c.certificateRequest;
  if (!cr || cr.requestContext === undefined || !cr.signatureAlgorithms) return NO_FINDINGS;
  if (cr.signatureAlgorithms.some((s) => isRsaPss(s.code))) return NO_FINDINGS;
  const leaf = c.clientCertificates?.[0];
  const lines = [
    `TLS 1.3 CertificateRequest signature_algorithms: ${names(cr.signatureAlgorithms)}`,
    'No RSA-PSS scheme: a client with an RSA certificate has nothing it may sign its CertificateVerify with in TLS 1.3 (rsa_pkcs1_* is not allowed there).',
  ];
  if (c.clientCertificates?.length === 0) lines.push('Here the client answered with an empty Certificate.');
  else if (leaf) lines.push(`Here the client sent ${leaf.subject} (${leaf.publicKey.algorithm} key).`);
  const failed = c.outcome === 'failed';
  if (failed) lines.push(`The handshake failed: ${c.outcomeDetail}.`);
  return [finding(rule, lines.join('\n'), { severity: failed ? 'error' : 'warning' })];
}

export const rule: Rule = {
  id: 'tls13-certreq-no-pss',
  family: 'client-auth',
  severity: 'error',
  severities: ['error', 'warning'],
  title: 'TLS 1.3 CertificateRequest without RSA-PSS: RSA client certificates cannot be used',
  explain:
    'TLS 1.3 allows only RSA-PSS (rsa_pss_rsae_* for ordinary RSA keys) for an RSA CertificateVerify. A CertificateRequest whose ' +
    'signature_algorithms list no RSA-PSS scheme leaves every client with an RSA certificate — browsers, curl, smartcards — with no ' +
    'scheme: they send no certificate and the server refuses them (certificate_required). It usually comes from a ClientSignatureAlgorithms ' +
    '(-client_sigalgs) list made to keep PKCS#1-only tokens working in TLS 1.2 by removing RSA-PSS. The fix keeps RSA-PSS and puts PKCS#1 ' +
    'v1.5 first, which serves both. Checked on decrypted TLS 1.3 CertificateRequests (--keylog); an error when the handshake failed, a warning otherwise.',
  fix: PSS_FIX,
  refs: ['RFC 8446 §4.3.2', 'RFC 8446 §4.4.3', 'RFC 8446 §4.2.3'],
  check,
};
