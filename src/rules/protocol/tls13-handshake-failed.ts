// A TLS 1.3 handshake that failed where only record sizes show it (src/tls/session/outcome.ts): the
// alert is encrypted, so its reason is not visible. What is visible ranks the likely causes: the
// size of the client's second flight says whether it carried a certificate.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import { inferredFailure, negotiatedTls13 } from '../../tls/queries.js';
import type { Rule } from '../types.js';

/**
 * Below this, the client's second flight cannot hold a certificate: an empty Certificate and a
 * Finished take 60–80 bytes of records, a request behind them a few dozen more; the smallest
 * real certificate (Ed25519, no chain) alone is some 300 bytes.
 */
export const CERTIFICATE_FLIGHT_BYTES = 300;

const CONFIRM =
  'To see the alert itself: have the client write a key log (SSLKEYLOGFILE=$HOME/keys.log for Firefox, Chromium and curl; ' +
  'openssl s_client -keylogfile keys.log) and open the capture in Wireshark with tls.keylog_file; or read the server\'s log ' +
  '(Apache LogLevel ssl:info, nginx error_log … info); or, on a test host, allow only TLS 1.2 (Apache SSLProtocol -all +TLSv1.2, ' +
  'nginx ssl_protocols TLSv1.2, curl --tls-max 1.2), where the CertificateRequest, the client certificate and the alert are in ' +
  'cleartext and tlspeek names the cause.';

function check(c: Connection): readonly Finding[] {
  if (!inferredFailure(c) || !negotiatedTls13(c)) return NO_FINDINGS;
  const f = c.tls13Flight;
  const lines = [`Inferred from the encrypted records: ${c.outcomeDetail}.`];
  if (!f || f.serverRecords === 0) {
    lines.push(
      'The client ended it instead of sending its second flight. Most likely it rejected the server: its certificate chain (unknown CA, ' +
        'missing intermediate), its name, its validity, or its CertificateVerify signature.',
    );
  } else if (f.clientBytes < CERTIFICATE_FLIGHT_BYTES) {
    lines.push(
      `The client's second flight was ${f.clientBytes} bytes in ${f.clientRecords} record(s): too small to hold a certificate, so the client most likely ` +
        'sent an empty Certificate and the server, which requires one, refused (certificate_required). Likely causes, most likely first:',
      '1. the client has no certificate the server accepts: none installed or selected, or none from the CAs the server names;',
      '2. the client\'s key cannot make any signature TLS 1.3 allows: an RSA smartcard or PKCS#11 token that signs only PKCS#1 v1.5 ' +
        '(TLS 1.3 requires RSA-PSS for RSA certificates, RFC 8446 §4.4.3), which no server setting can fix in TLS 1.3;',
      '3. the server\'s signature_algorithms leave out the client\'s key type (for RSA: no rsa_pss_rsae_* scheme).',
    );
  } else {
    lines.push(
      `The client's second flight was ${f.clientBytes} bytes in ${f.clientRecords} record(s): enough for a certificate chain, so the client most likely ` +
        'sent a certificate and the server refused it. Likely causes, most likely first:',
      '1. the server does not trust its issuer (unknown_ca: the CA is not in SSLCACertificateFile / ssl_client_certificate);',
      '2. the certificate is expired, not yet valid, or lacks clientAuth in extendedKeyUsage;',
      '3. its CertificateVerify did not verify (decrypt_error): a key that does not match the certificate, or a token that signed ' +
        'PKCS#1 v1.5 where RSA-PSS was required.',
    );
  }
  lines.push(CONFIRM);
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'tls13-handshake-failed',
  family: 'protocol',
  severity: 'error',
  title: 'TLS 1.3 handshake failed (encrypted alert, inferred)',
  explain:
    'In TLS 1.3 every record after the ServerHello is encrypted, alerts included, so a refused handshake shows no readable reason. ' +
    'tlspeek infers the failure from the records themselves: after the client\'s second flight (Certificate, CertificateVerify, Finished) ' +
    'the server sent exactly one record of an alert\'s size (2 bytes + content type + AEAD tag: 19 bytes, 11 for AES-CCM-8) and the ' +
    'connection closed; or the client sent one such record instead of its flight. A server that accepts sends on (NewSessionTickets, ' +
    'its response). The size of the client\'s flight then ranks the causes: too small for a certificate means an empty Certificate (no ' +
    'usable certificate — or an RSA key that cannot sign RSA-PSS, which TLS 1.3 requires), large enough means a certificate the server ' +
    'refused. The finding says how to confirm: a key log, the server\'s log, or TLS 1.2 on a test host.',
  fix: {
    client:
      'install or select a certificate from a CA the server trusts; an RSA smartcard/PKCS#11 token must be able to sign RSA-PSS ' +
      '(CKM_RSA_PKCS_PSS; OpenSC ≥ 0.20 emulates it) for TLS 1.3 — otherwise only TLS 1.2 can work for it',
    apache: 'LogLevel ssl:info in the VirtualHost names the reason in the error log; if PKCS#1-only tokens must be served: SSLProtocol -all +TLSv1.2 on that VirtualHost (every client loses TLS 1.3 there)',
    nginx: 'error_log … info names the reason; if PKCS#1-only tokens must be served: ssl_protocols TLSv1.2; in that server block',
    openssl: 'openssl s_client -connect host:443 -servername name -cert c.pem -key k.pem -keylogfile keys.log, then Wireshark with the key log, shows the alert',
  },
  refs: ['RFC 8446 §4.4.2', 'RFC 8446 §4.4.3', 'RFC 8446 §5.2', 'RFC 8446 §6.2'],
  check,
};
