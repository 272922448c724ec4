// The fix shared by the RSA-PSS CertificateRequest rules: name the client signature algorithms
// explicitly, PKCS#1 v1.5 and ECDSA only, so that RSA-PSS is not offered to clients at all.
// OpenSSL ≥ 1.1.1 otherwise advertises its full default list, with RSA-PSS ahead of PKCS#1.
import type { RuleFix } from '../types.js';

export const CLIENT_SIGALGS_NO_PSS = 'ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA1:RSA+SHA1';

export const PSS_FIX: RuleFix = {
  apache: `SSLOpenSSLConfCmd ClientSignatureAlgorithms ${CLIENT_SIGALGS_NO_PSS}   (in the VirtualHost with SSLVerifyClient; mod_ssl built with OpenSSL ≥ 1.0.2)`,
  nginx: `ssl_conf_command ClientSignatureAlgorithms ${CLIENT_SIGALGS_NO_PSS};   (nginx ≥ 1.19.4 with OpenSSL ≥ 1.1.1, in the server block with ssl_verify_client)`,
  openssl: `openssl s_server … -client_sigalgs ${CLIENT_SIGALGS_NO_PSS}`,
  client: 'alternatively, make the client able to sign RSA-PSS (a token/PKCS#11 module with CKM_RSA_PKCS_PSS, or a software key)',
};
