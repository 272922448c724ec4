// The client's CertificateVerify used RSA-PSS with an ordinary RSA key: fine here, but it shows the
// server lets RSA-PSS win, which is what breaks PKCS#1-only smartcard clients.
import type { Connection, Finding } from '../../tls/model.js';
import { certLabel, finding, isRsaPssRsae, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { PSS_FIX } from './pss-fix.js';

function check(c: Connection): readonly Finding[] {
  const alg = c.certificateVerify?.signatureAlgorithm;
  const leaf = c.clientCertificates?.[0];
  // In TLS 1.3 RSA-PSS is the only RSA signature there is: nothing to point out.
  if (!alg || !leaf || !isRsaPssRsae(alg.code) || leaf.publicKey.algorithm !== 'rsa' || c.certificateRequest?.requestContext !== undefined) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The client's CertificateVerify used ${alg.name} with the RSA key of ${certLabel(leaf)}.\n` +
        'It worked for this client; a client whose key lives on a PKCS#1-only smartcard or token would have been steered to the same scheme and failed.',
    ),
  ];
}

export const rule: Rule = {
  id: 'client-signed-pss',
  family: 'client-auth',
  severity: 'info',
  title: 'Client signed its CertificateVerify with RSA-PSS',
  explain:
    'The client proved possession of its RSA key with an RSA-PSS signature (rsa_pss_rsae_*). That is correct TLS and it worked here. ' +
    'It is reported because it means the server offered RSA-PSS and the client took it: clients whose RSA key is on a smartcard, PKCS#11 token ' +
    'or other hardware that only does PKCS#1 v1.5 will be steered the same way and fail when they try to sign. If such clients use this server, ' +
    'see certreq-pss-preferred for the fix. Checked: TLS 1.2 CertificateVerify scheme rsa_pss_rsae_* and a client certificate with an rsaEncryption key ' +
    '(an RSA-PSS-only key, id-RSASSA-PSS, cannot do anything else and is not reported).',
  fix: PSS_FIX,
  refs: ['RFC 5246 §7.4.8', 'RFC 8446 §4.2.3'],
  check,
};
