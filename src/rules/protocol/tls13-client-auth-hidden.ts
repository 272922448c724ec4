// TLS 1.3 encrypts CertificateRequest, the client's Certificate and CertificateVerify (RFC 8446 §4.3.2,
// §4.4): none of the client-auth rules can look at them. Report the signs that client authentication
// is (or may be) happening, from what is still visible.
import type { Connection, Finding } from '../../tls/model.js';
import { finalServerHello, finding, isTls13Version, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** Length of a TLSCiphertext record holding only a Finished (RFC 8446 §5.2, §4.4.4). */
export function finishedRecordLength(suite: number): number {
  const hash = suite === 0x1302 ? 48 : 32; // TLS_AES_256_GCM_SHA384 is the only SHA-384 suite
  const tag = suite === 0x1305 ? 8 : 16; // TLS_AES_128_CCM_8_SHA256
  return 4 + hash + 1 + tag; // handshake header + verify_data + content type + AEAD tag
}

function check(c: Connection): readonly Finding[] {
  const sh = finalServerHello(c);
  // With a key log the client authentication is not hidden: the client-auth rules read it.
  if (!sh || !isTls13Version(sh.selectedVersion.code) || c.decrypted) return NO_FINDINGS;
  const ch = c.clientHello;
  const signs: string[] = [];
  // 1. The client's first protected record: a bare Finished has a fixed length for the suite.
  const shAt = c.messages.findIndex((m) => m.from === 'server' && m.type?.name === 'server_hello');
  const first = c.messages.slice(shAt + 1).find((m) => m.from === 'client' && m.encrypted && (m.record === 'application_data' || m.record === 'handshake'));
  const finished = finishedRecordLength(sh.cipherSuite.code);
  if (first && !ch?.earlyData && !c.additionalServerHellos?.length && first.length !== finished) {
    if (first.length >= finished + 200) {
      signs.push(
        `the client's first encrypted record is ${first.length} bytes where a bare Finished would be ${finished}: the client almost certainly sent a Certificate (and CertificateVerify), so the server asked for one.`,
      );
    } else {
      signs.push(
        `the client's first encrypted record is ${first.length} bytes where a bare Finished would be ${finished}: the client sent something before its Finished — possibly an empty Certificate (asked for a certificate, had none).`,
      );
    }
  }
  // 2. A plaintext certificate_required alert (only possible if a stack sends it unprotected).
  const certRequired = c.alerts.find((a) => !a.encrypted && a.description?.code === 116);
  if (certRequired) signs.push(`the ${certRequired.from} sent certificate_required in plaintext.`);
  // 3. post_handshake_auth: the client lets the server ask for a certificate at any time later.
  if (ch?.postHandshakeAuth) signs.push('the client offered post_handshake_auth: the server may request a certificate after the handshake, in encrypted records.');
  if (signs.length === 0) return NO_FINDINGS;
  return [finding(rule, `TLS 1.3 (${sh.cipherSuite.name}); signs of client authentication:\n${signs.map((s) => `- ${s}`).join('\n')}\nThe CertificateRequest and any client certificate are encrypted and were not checked.`)];
}

export const rule: Rule = {
  id: 'tls13-client-auth-hidden',
  family: 'protocol',
  severity: 'info',
  title: 'TLS 1.3: client authentication is encrypted',
  explain:
    'In TLS 1.3 everything after the ServerHello is encrypted, including the server\'s CertificateRequest (its signature algorithms and CA ' +
    'names) and the client\'s Certificate and CertificateVerify, so the client-authentication rules (certreq-pss-*, client-cert-*) cannot run. ' +
    'What a passive observer can still see, and what this rule reports: (1) the length of the client\'s first encrypted record — a bare ' +
    'Finished has a fixed size per cipher suite (53 bytes for SHA-256 suites, 69 for TLS_AES_256_GCM_SHA384), so a much larger record means ' +
    'the client sent a certificate, a slightly larger one an empty Certificate; (2) post_handshake_auth in the ClientHello, which only says ' +
    'the client allows a later request (curl sends it always); (3) a certificate_required alert, which normal stacks send encrypted, so it is ' +
    'only seen from broken ones. Alerts are encrypted too: a TLS 1.3 handshake that fails over client authentication shows only an ' +
    'encrypted alert. To see the details: force TLS 1.2 on a test client (`openssl s_client -tls1_2 -cert … -key …`, `curl --tls-max 1.2`) and ' +
    'replay that, run the server with `openssl s_server -msg`/`-trace` or Apache `LogLevel ssl:trace3`, or give Wireshark the session keys ' +
    '(SSLKEYLOGFILE).',
  fix: {
    client: 'to inspect: openssl s_client -connect host:443 -servername host -tls1_2 -cert client.crt -key client.key (or curl --tls-max 1.2 --cert …), and capture that',
    openssl: 'openssl s_server … -msg (or -trace) prints the CertificateRequest and the client Certificate in clear',
    apache: 'LogLevel ssl:trace3 logs the client certificate handling; SSLProtocol -all +TLSv1.2 on a test virtual host makes it visible to tlspeek',
    nginx: 'ssl_protocols TLSv1.2; on a test server block makes it visible to tlspeek; $ssl_client_verify in the access log shows the outcome',
  },
  refs: ['RFC 8446 §4.3.2', 'RFC 8446 §4.4.2', 'RFC 8446 §4.6.2', 'RFC 8446 §5.2'],
  check,
};
