// TLS 1.2 CertificateRequest that lists rsa_pss_rsae_* ahead of every PKCS#1 v1.5 scheme — the
// OpenSSL ≥ 1.1.1 default. RFC 5246 §7.4.4 makes the list an order of preference, so clients
// (browsers, NSS, OpenSSL) with an ordinary RSA key pick RSA-PSS; a token without PSS then fails
// at signing time. rsa_pss_pss_* ahead of PKCS#1 does not count: only RSA-PSS keys can use it.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, isRsaPkcs1, isRsaPss, isRsaPssRsae, names, ordinal, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { pssOnly } from './certreq-pss-only.js';
import { PSS_FIX } from './pss-fix.js';

/** Index of the first rsa_pss_rsae_* when it precedes every rsa_pkcs1_* (and some rsa_pkcs1_* exists). */
export function pssBeforePkcs1(codes: readonly number[]): { pss: number; pkcs1: number } | undefined {
  const pss = codes.findIndex(isRsaPssRsae);
  const pkcs1 = codes.findIndex(isRsaPkcs1);
  if (pss < 0 || pkcs1 < 0 || pss > pkcs1) return undefined;
  return { pss, pkcs1 };
}

function check(c: Connection): readonly Finding[] {
  // TLS 1.3 (a decrypted CertificateRequest): every RSA signature is RSA-PSS there; see tls13-certreq-no-pss.
  const list = c.certificateRequest?.requestContext === undefined ? c.certificateRequest?.signatureAlgorithms : undefined;
  if (!list) return NO_FINDINGS;
  const codes = list.map((s) => s.code);
  if (pssOnly(codes)) return NO_FINDINGS;
  const at = pssBeforePkcs1(codes);
  if (!at) return NO_FINDINGS;
  const lines = [
    `CertificateRequest signature_algorithms: ${names(list)}`,
    `For an RSA key (rsaEncryption) the first scheme is ${list[at.pss]!.name} (${ordinal(at.pss + 1)}), before the first PKCS#1 scheme, ${list[at.pkcs1]!.name} (${ordinal(at.pkcs1 + 1)}).`,
  ];
  const cv = c.certificateVerify?.signatureAlgorithm;
  if (cv && isRsaPss(cv.code)) lines.push(`The client followed that order: its CertificateVerify used ${cv.name}. A smartcard/PKCS#11 client would try the same and fail to sign.`);
  else if (cv && isRsaPkcs1(cv.code)) lines.push(`This client signed ${cv.name} (it restricts itself to PKCS#1), but clients that follow the server's order pick RSA-PSS.`);
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'certreq-pss-preferred',
  family: 'client-auth',
  severity: 'warning',
  title: 'CertificateRequest prefers RSA-PSS over PKCS#1 v1.5',
  explain:
    'The TLS 1.2 CertificateRequest lists the schemes the server accepts for the client\'s CertificateVerify "in descending order of preference". ' +
    'OpenSSL 1.1.1 and later put RSA-PSS (rsa_pss_pss_*, rsa_pss_rsae_*) before every rsa_pkcs1_* scheme by default, so a client with an RSA key ' +
    'chooses rsa_pss_rsae_*. Software keys sign that fine, but many smartcards and PKCS#11 tokens (and the middleware in front of them) only do ' +
    'PKCS#1 v1.5: the browser picks RSA-PSS, the token cannot sign it, and the handshake dies with a vague error ' +
    '(ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED, SEC_ERROR_LIBRARY_FAILURE, "handshake failure"). ' +
    'Checked: some rsa_pss_rsae_* entry (the RSA-PSS an ordinary rsaEncryption key makes) precedes every rsa_pkcs1_* entry in a TLS 1.2 ' +
    'CertificateRequest that also lists rsa_pkcs1_* (when there is no rsa_pkcs1_* at all, certreq-pss-only is raised instead). ' +
    'The fix reorders the list, PKCS#1 v1.5 first, and keeps RSA-PSS after it: TLS 1.3 accepts only RSA-PSS from an RSA client certificate, ' +
    'so a list without RSA-PSS would lock out every TLS 1.3 client with an RSA key. A token that cannot sign RSA-PSS at all cannot use TLS 1.3; ' +
    'for it the choice is a driver with RSA-PSS or TLS 1.2 on that virtual host.',
  fix: PSS_FIX,
  refs: ['RFC 5246 §7.4.4', 'RFC 8446 §4.2.3', 'RFC 8446 §4.4.3', 'RFC 8017 §8.1, §8.2'],
  check,
};
