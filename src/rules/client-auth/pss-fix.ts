// The fix shared by the RSA-PSS CertificateRequest rules: the same client signature algorithms,
// reordered so that PKCS#1 v1.5 comes before RSA-PSS. Not a list without RSA-PSS: in TLS 1.3 an
// RSA CertificateVerify must be RSA-PSS (RFC 8446 §4.4.3), so dropping it refuses every TLS 1.3
// client with an RSA certificate ("tlsv13 alert certificate required"; seen with Apache and curl,
// test/e2e/pss-fix.test.ts). SHA-1 is left out: OpenSSL 3 drops it at its default security level.
import type { RuleFix } from '../types.js';

/** RFC 5246 §7.4.4: the list is in descending order of preference, and clients follow it. */
export const CLIENT_SIGALGS_PKCS1_FIRST = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'ed448',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
  // rsaEncryption keys in TLS 1.3 (and PSS-capable ones in 1.2), after PKCS#1.
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  // RSA-PSS keys (id-RSASSA-PSS), which can sign nothing else.
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
].join(':');

export const PSS_FIX: RuleFix = {
  apache: `SSLOpenSSLConfCmd ClientSignatureAlgorithms ${CLIENT_SIGALGS_PKCS1_FIRST}   (in the VirtualHost with SSLVerifyClient; mod_ssl built with OpenSSL ≥ 1.1.1)`,
  nginx: `ssl_conf_command ClientSignatureAlgorithms ${CLIENT_SIGALGS_PKCS1_FIRST};   (nginx ≥ 1.19.4 with OpenSSL ≥ 1.1.1, in the server block with ssl_verify_client)`,
  openssl: `openssl s_server … -client_sigalgs ${CLIENT_SIGALGS_PKCS1_FIRST}`,
  client:
    'a key that cannot sign RSA-PSS at all (a token without CKM_RSA_PKCS_PSS) cannot authenticate in TLS 1.3 with any server setting: ' +
    'give it a PKCS#11 module with RSA-PSS (OpenSC ≥ 0.20 emulates it over raw RSA), or keep that virtual host at TLS 1.2 ' +
    '(Apache SSLProtocol -all +TLSv1.2; nginx ssl_protocols TLSv1.2; openssl -tls1_2), which costs every client of it TLS 1.3',
  general:
    'keep RSA-PSS in the list, after PKCS#1: TLS 1.3 accepts only RSA-PSS from an RSA client certificate, so a list without it refuses every TLS 1.3 RSA client',
};
