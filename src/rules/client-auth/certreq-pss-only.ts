// TLS 1.2 CertificateRequest whose only RSA schemes are RSA-PSS (RFC 8446 §4.2.3 schemes used in
// TLS 1.2): a client key that can do only RSASSA-PKCS1-v1_5 has nothing it may sign with.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, firstFatal, alertName, isRsaPkcs1, isRsaPss, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { PSS_FIX } from './pss-fix.js';

/** True when the list names RSA only as rsa_pss_* (rsae or pss) and has no rsa_pkcs1_*. */
export function pssOnly(codes: readonly number[]): boolean {
  return codes.some(isRsaPss) && !codes.some(isRsaPkcs1);
}

function check(c: Connection): readonly Finding[] {
  // TLS 1.3 (a decrypted CertificateRequest): every RSA signature is RSA-PSS there; see tls13-certreq-no-pss.
  const list = c.certificateRequest?.requestContext === undefined ? c.certificateRequest?.signatureAlgorithms : undefined;
  if (!list || !pssOnly(list.map((s) => s.code))) return NO_FINDINGS;
  const pss = list.filter((s) => isRsaPss(s.code));
  const lines = [
    `CertificateRequest signature_algorithms: ${names(list)}`,
    `RSA appears only as RSA-PSS (${names(pss)}); no rsa_pkcs1_* scheme is listed.`,
  ];
  const cc = c.clientCertificates;
  const fatal = firstFatal(c);
  if (cc && cc.length === 0) {
    lines.push(
      `Here the client answered with an empty Certificate${fatal ? ` and ${fatal.from === 'server' ? 'the server' : 'the client'} then sent fatal ${alertName(fatal)}` : ''}: ` +
        'the usual outcome when the client key can only do PKCS#1 v1.5 (OpenSSL clients send no certificate rather than one they cannot sign for).',
    );
  } else if (c.certificateVerify?.signatureAlgorithm) {
    lines.push(`Here the client managed: its CertificateVerify used ${c.certificateVerify.signatureAlgorithm.name}. A smartcard/PKCS#11 client would not.`);
  } else if (fatal) {
    lines.push(`The handshake ended with fatal ${alertName(fatal)} from the ${fatal.from}.`);
  }
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'certreq-pss-only',
  family: 'client-auth',
  severity: 'error',
  title: 'CertificateRequest offers RSA signatures only as RSA-PSS',
  explain:
    'In a TLS 1.2 CertificateRequest the server lists the signature schemes it accepts in the client\'s CertificateVerify. ' +
    'This server lists RSA only as RSA-PSS (rsa_pss_rsae_* or rsa_pss_pss_*) and no rsa_pkcs1_* scheme. A client whose RSA key can only ' +
    'make PKCS#1 v1.5 signatures — most smartcards, PKCS#11 tokens, TPM- and HSM-backed keys, older Windows CAPI providers — has no ' +
    'scheme it may use: it sends no certificate (and the server refuses the handshake) or fails with a vague error. ' +
    'It usually comes from an explicit -client_sigalgs / ClientSignatureAlgorithms list or a hardened crypto policy that dropped PKCS#1. ' +
    'The fix puts the rsa_pkcs1_* schemes back, ahead of RSA-PSS, and keeps RSA-PSS: TLS 1.3 clients with an RSA key can sign nothing else. ' +
    'Checked: TLS 1.2 CertificateRequest.supported_signature_algorithms has at least one rsa_pss_* and no rsa_pkcs1_* entry ' +
    '(TLS 1.3 CertificateRequests are encrypted and cannot be checked).',
  fix: PSS_FIX,
  refs: ['RFC 5246 §7.4.4', 'RFC 8446 §4.2.3', 'RFC 8446 §4.4.3', 'RFC 8017 §8.1, §8.2'],
  check,
};
