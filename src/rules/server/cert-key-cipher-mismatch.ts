// The TLS 1.0–1.2 cipher suite fixes how the server certificate's key is used (RFC 5246 §7.4.2,
// RFC 8422 §2/§5.3, RFC 4492): ECDHE_RSA/DHE_RSA sign with an RSA key, ECDHE_ECDSA with an EC (or EdDSA,
// RFC 8422 §5.3) key, DHE_DSS with DSA, and RSA key transport decrypts with an rsaEncryption key.
import type { Connection, Finding } from '../../tls/model.js';
import { CIPHER_SUITE_INFO } from '../../tls/registry/cipher-suites.js';
import { certLabel, finding, negotiatedPre13, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** Key algorithms that can serve a suite's authentication. */
const KEYS_FOR_AUTH: Record<string, string[]> = {
  RSA: ['rsa', 'rsa-pss'],
  ECDSA: ['ec', 'ed25519', 'ed448'],
  DSS: ['dsa'],
};

function check(c: Connection): readonly Finding[] {
  const sh = negotiatedPre13(c);
  const leaf = c.certificates?.[0];
  if (!sh || !leaf || leaf.error) return NO_FINDINGS;
  const info = CIPHER_SUITE_INFO[sh.cipherSuite.code];
  if (!info) return NO_FINDINGS;
  const key = leaf.publicKey.algorithm;
  const problems: string[] = [];
  const keyTransport = info.kx === 'RSA' || info.kx === 'RSA_PSK';
  if (keyTransport) {
    // RSA key transport encrypts the premaster secret to the certificate key: only rsaEncryption keys can decrypt.
    if (key !== 'rsa') problems.push(`${sh.cipherSuite.name} uses RSA key transport, which needs an rsaEncryption key; the certificate has ${key.toUpperCase()}.`);
    else if (leaf.keyUsage && !leaf.keyUsage.includes('keyEncipherment')) problems.push(`${sh.cipherSuite.name} uses RSA key transport, but the certificate's keyUsage (${leaf.keyUsage.join(', ')}) lacks keyEncipherment.`);
  } else {
    const keys = KEYS_FOR_AUTH[info.auth];
    if (keys && !keys.includes(key)) {
      problems.push(`${sh.cipherSuite.name} is authenticated with ${info.auth}, but the server certificate's key is ${key.toUpperCase()}.`);
    } else if (keys && leaf.keyUsage && !leaf.keyUsage.includes('digitalSignature')) {
      problems.push(`${sh.cipherSuite.name} needs the certificate key to sign the key exchange, but its keyUsage (${leaf.keyUsage.join(', ')}) lacks digitalSignature.`);
    }
  }
  if (problems.length === 0) return NO_FINDINGS;
  return [finding(rule, `Server certificate: ${certLabel(leaf)}.\n${problems.join('\n')}`)];
}

export const rule: Rule = {
  id: 'cert-key-cipher-mismatch',
  family: 'server',
  severity: 'error',
  title: "Cipher suite does not fit the server certificate's key",
  explain:
    'Before TLS 1.3 the cipher suite decides how the server certificate\'s key is used: *_RSA_* suites need an RSA key (ECDHE_RSA also ' +
    'takes an RSA-PSS key), *_ECDSA_* suites an ECDSA or EdDSA key, DHE_DSS a DSA key, and static RSA key transport (TLS_RSA_WITH_*) an ' +
    'rsaEncryption key with keyUsage keyEncipherment. The signing suites also need keyUsage digitalSignature when keyUsage is present. ' +
    'A mismatch means the client cannot verify the key exchange (or the server cannot decrypt), and the handshake fails; it comes from a ' +
    'server with several certificates choosing the wrong one, a certificate issued with the wrong keyUsage, or a middlebox.',
  fix: {
    apache: 'give each key type its own SSLCertificateFile/SSLCertificateKeyFile pair (RSA and ECDSA) and let SSLCipherSuite include suites for both',
    nginx: 'list one ssl_certificate/ssl_certificate_key pair per key type (RSA and ECDSA); nginx picks by suite',
    openssl: 'openssl s_server -cert rsa.crt -key rsa.key -dcert ec.crt -dkey ec.key',
    general: 'for keyUsage problems, reissue the certificate with keyUsage digitalSignature (ECDHE suites) and keyEncipherment (RSA key transport)',
  },
  refs: ['RFC 5246 §7.4.2', 'RFC 5246 §7.4.3', 'RFC 8422 §5.3', 'RFC 5280 §4.2.1.3'],
  check,
};
