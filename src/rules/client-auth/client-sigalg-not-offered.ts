// The client's CertificateVerify scheme must be one the CertificateRequest listed (RFC 5246 §7.4.8).
import type { Connection, Finding } from '../../tls/model.js';
import { finding, names, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const list = c.certificateRequest?.signatureAlgorithms;
  const alg = c.certificateVerify?.signatureAlgorithm;
  if (!list || !alg || list.some((s) => s.code === alg.code)) return NO_FINDINGS;
  return [
    finding(
      rule,
      `The client's CertificateVerify used ${alg.name}, which is not in the CertificateRequest's signature_algorithms: ${names(list)}.\n` +
        'A conforming server rejects this (illegal_parameter, handshake_failure or decrypt_error).',
    ),
  ];
}

export const rule: Rule = {
  id: 'client-sigalg-not-offered',
  family: 'client-auth',
  severity: 'error',
  title: 'Client signed with a scheme the server did not offer',
  explain:
    'In TLS 1.2 the CertificateVerify names the signature scheme the client used, and it must be one of the schemes the server listed in its ' +
    'CertificateRequest. Here it is not. That is a client bug (or a middlebox rewriting the handshake); strict servers end the handshake, ' +
    'lenient ones may accept it, and the result depends on the server\'s TLS library.',
  fix: {
    client: 'update the client TLS library; if the server\'s list is deliberately narrow, make sure the client can sign one of its schemes',
  },
  refs: ['RFC 5246 §7.4.8', 'RFC 5246 §7.4.4', 'RFC 8446 §4.4.3'],
  check,
};
