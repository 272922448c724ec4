// Every plaintext fatal alert, explained by who sent it and where in the handshake (RFC 5246 §7.2,
// RFC 8446 §6). The same alert means different things in different places: unknown_ca from the client
// after the server's Certificate is about the server chain; from the server after the client's
// Certificate it is about the client certificate's issuer.
import type { Alert, Connection, Finding, Role } from '../../tls/model.js';
import { alertContext, alertName, closedBefore, fatalAlerts, finding, type Stage } from '../helpers.js';
import type { Rule } from '../types.js';

type Explain = (from: Role, stage: Stage, c: Connection) => string;

const theirCert = (from: Role) => (from === 'client' ? "the server's certificate" : "the client's certificate");

function chainText(c: Connection, of: Role): string {
  const chain = of === 'server' ? c.certificates : c.clientCertificates;
  if (!chain) return '';
  if (chain.length === 0) return ' (no certificate was sent)';
  return ` (${chain[0]!.subject}, issued by ${chain[0]!.issuer}; ${chain.length} certificate(s) sent)`;
}

const MEANINGS: Record<number, Explain> = {
  // unexpected_message
  10: (from) => `${from === 'client' ? 'The client' : 'The server'} received a message it did not expect at this point: a state-machine mismatch between the two TLS stacks, a middlebox, or a renegotiation/resumption one side does not support.`,
  // bad_record_mac
  20: () => 'A record failed decryption or integrity check: the two sides derived different keys (a bug, or a middlebox that altered the handshake) or the data was corrupted in transit.',
  22: () => 'A record was longer than allowed (record_overflow): a bug, or a peer that ignores max_fragment_length/record_size_limit.',
  // handshake_failure
  40: (from, stage, c) => {
    if (from === 'server' && stage === 'hello') return 'The server found nothing acceptable in the ClientHello: no common cipher suite for its certificate, no common group or signature algorithm, or a version it refuses (see hello-rejected for what the hello offered).';
    if (from === 'server' && stage === 'client-flight' && c.clientCertificates?.length === 0) return 'The server requires a client certificate and the client sent none (an empty Certificate): OpenSSL reports "peer did not return a certificate" with this alert in TLS 1.2.';
    if (from === 'server' && stage === 'client-flight') return "The server could not complete the handshake with the client's flight: usually the client certificate or its CertificateVerify did not satisfy it (required certificate missing, unacceptable signature scheme).";
    if (from === 'client' && stage === 'server-flight') return "The client could not accept the server's parameters: a cipher suite, group or signature scheme it cannot use, or a CertificateRequest it cannot answer.";
    return 'The two sides could not agree on security parameters.';
  },
  // bad_certificate
  42: (from, stage, c) => {
    if (from === 'client' && stage === 'server-flight') {
      const sni = c.clientHello?.serverName;
      return `The client rejected ${theirCert(from)}${chainText(c, 'server')}: most often a host-name mismatch${sni ? ` (the client asked for ${sni})` : ''}, a signature that does not verify, or a certificate its policy refuses.`;
    }
    if (from === 'server' && stage === 'client-flight') return `The server rejected ${theirCert(from)}${chainText(c, 'client')}: a signature that does not verify, a certificate not yet valid (OpenSSL uses bad_certificate for that), a key or signature hash too weak for its security level (1024-bit RSA, SHA-1), or a CertificateVerify that failed.`;
    return `${from === 'client' ? 'The client' : 'The server'} rejected the peer's certificate as bad (corrupt, unverifiable signature, or refused by policy).`;
  },
  // unsupported_certificate
  43: (from, _stage, c) =>
    from === 'server'
      ? `The server refused the client's certificate${chainText(c, 'client')} for its type or purpose: typically extendedKeyUsage without clientAuth, or a keyUsage without digitalSignature.`
      : `The client refused the server's certificate${chainText(c, 'server')} for its type or purpose: typically extendedKeyUsage without serverAuth, a keyUsage that does not fit the cipher suite, or a key type it does not support.`,
  // certificate_revoked
  44: (from, _stage, c) => `${from === 'client' ? 'The client' : 'The server'} found ${theirCert(from)}${chainText(c, from === 'client' ? 'server' : 'client')} revoked (CRL or OCSP).`,
  // certificate_expired
  45: (from, _stage, c) => `${from === 'client' ? 'The client' : 'The server'} found ${theirCert(from)}${chainText(c, from === 'client' ? 'server' : 'client')} (or a certificate of its chain) outside its validity period: expired, or a clock is wrong.`,
  // certificate_unknown
  46: (from, _stage, c) => `${from === 'client' ? 'The client' : 'The server'} could not accept ${theirCert(from)}${chainText(c, from === 'client' ? 'server' : 'client')} for an unspecified reason (often a verification failure the stack does not map to a specific alert, e.g. in Java and Go).`,
  // illegal_parameter
  47: (from) => `${from === 'client' ? 'The client' : 'The server'} received a field with a value out of range or inconsistent with what it sent: for example a cipher suite, version, group or signature scheme it never offered.`,
  // unknown_ca
  48: (from, stage, c) => {
    if (from === 'client') return `The client does not trust the server's chain${chainText(c, 'server')}: the root it leads to is not in the client's trust store, or an intermediate is missing and the client cannot build the path.`;
    if (stage === 'client-flight' || c.clientCertificates?.length) return `The server does not trust the issuer of the client's certificate${chainText(c, 'client')}: that CA is not in the server's client-CA trust store (SSLCACertificateFile, ssl_client_certificate, s_server -CAfile).`;
    return 'The server does not trust the CA of a certificate it received.';
  },
  // access_denied
  49: (from) => `${from === 'client' ? 'The client' : 'The server'} accepted the peer's identity but denies access by policy (e.g. a client certificate that is valid but not authorised here).`,
  // decode_error
  50: (from) => `${from === 'client' ? 'The client' : 'The server'} could not parse a message: malformed or truncated data, or a feature (extension, list) it does not understand. A middlebox rewriting the handshake is a common cause.`,
  // decrypt_error
  51: (from, stage) =>
    from === 'server' && stage === 'client-flight'
      ? "The server could not verify the client's CertificateVerify signature or Finished: the client's key does not match its certificate, or the signature was made with another scheme than announced."
      : `${from === 'client' ? 'The client' : 'The server'} could not verify a signature or a Finished message: the ServerKeyExchange signature, a CertificateVerify, or keys that do not match.`,
  // protocol_version
  70: (from, stage, c) => {
    const offered = c.clientHello?.supportedVersions?.map((v) => v.name).join(', ') ?? c.clientHello?.version.name;
    return from === 'server'
      ? `The server does not support any version the client offered${offered ? ` (${offered})` : ''}: typically a client limited to TLS 1.0/1.1 against a server that requires TLS 1.2+, or the reverse.`
      : `The client does not accept the version the server chose${c.serverHello ? ` (${c.serverHello.selectedVersion.name})` : ''}${stage === 'server-flight' ? '' : ''}.`;
  },
  // insufficient_security
  71: (from) =>
    from === 'server'
      ? "The server requires stronger parameters than any the client offered: only weak cipher suites (RC4, 3DES, export), too small DH groups, or too weak signature algorithms."
      : 'The client requires stronger parameters than the server chose (e.g. a DH group that is too small).',
  80: (from) => `${from === 'client' ? 'The client' : 'The server'} hit an internal error unrelated to the peer (a bug, a failing token/HSM, memory); its logs have the cause.`,
  86: () => 'inappropriate_fallback: the client retried with a lower version (TLS_FALLBACK_SCSV) although the server supports a higher one; a failed first attempt (often a middlebox) triggered the fallback.',
  90: (from) => `${from === 'client' ? 'The client' : 'The server'} cancelled the handshake (user_canceled): for a client, typically the user dismissed the certificate picker or PIN prompt.`,
  100: () => 'The peer refuses renegotiation (no_renegotiation).',
  109: (from) => `${from === 'client' ? 'The client' : 'The server'} is missing an extension it requires from the peer (missing_extension).`,
  110: (from) => `${from === 'client' ? 'The client' : 'The server'} received an extension it never offered or does not allow there (unsupported_extension): see extension-not-offered.`,
  112: (_from, _stage, c) => `The server does not recognise the requested name${c.clientHello?.serverName ? ` "${c.clientHello.serverName}"` : ''} (unrecognized_name): no virtual host is configured for it.`,
  113: () => 'The OCSP response the server sent was not acceptable to the client (bad_certificate_status_response).',
  115: () => 'The server does not know the PSK identity the client offered (unknown_psk_identity).',
  116: () => 'The server requires a client certificate and the client sent none (certificate_required, TLS 1.3).',
  120: (_from, _stage, c) => `No common application protocol (no_application_protocol): the client offered ALPN ${c.clientHello?.alpn?.join(', ') ?? '(none)'} and the server supports none of them.`,
};

export function explainAlert(c: Connection, a: Alert): string {
  const ctx = alertContext(c, a);
  const code = a.description?.code;
  const meaning = code !== undefined ? MEANINGS[code] : undefined;
  const who = a.from === 'client' ? 'The client' : 'The server';
  const head = `${who} sent fatal ${alertName(a)}${code !== undefined ? ` (${code})` : ''} ${ctx.where}${a.packet !== undefined ? ` (packet ${a.packet})` : ''}.`;
  const close = closedBefore(c, a);
  if (close) {
    const peerName = a.from === 'client' ? 'the server' : 'the client';
    return (
      `${head}\nIt answers ${peerName}'s close (${close.how === 'fin' ? 'FIN' : 'RST'}${close.packet !== undefined ? `, packet ${close.packet}` : ''}), which came first: ` +
      `${peerName} gave up on the handshake, and the alert only says the stream ended mid-handshake, not that a message was malformed.`
    );
  }
  return meaning ? `${head}\n${meaning(a.from, ctx.stage, c)}` : head;
}

function check(c: Connection): readonly Finding[] {
  return fatalAlerts(c).map((a) => finding(rule, explainAlert(c, a)));
}

export const rule: Rule = {
  id: 'fatal-alert',
  family: 'protocol',
  severity: 'error',
  title: 'Fatal alert',
  explain:
    'One side ended the connection with a fatal alert. The finding says who sent it, after which messages, and what that alert usually ' +
    'means in that place. The same alert means different things depending on who sends it and when: unknown_ca from the client after the ' +
    'server\'s Certificate means the client does not trust the server chain, while from the server after the client\'s Certificate it means ' +
    'the server does not trust the client certificate\'s issuer; unsupported_certificate points at keyUsage/extendedKeyUsage; ' +
    'handshake_failure right after the ClientHello means nothing in common (see hello-rejected), after an empty client Certificate a ' +
    'required client certificate; certificate_required (TLS 1.3) a missing client certificate; protocol_version no common version; ' +
    'insufficient_security parameters too weak for the server. Only plaintext alerts can be read: alerts after ChangeCipherSpec (TLS 1.2) ' +
    'or after the ServerHello (TLS 1.3) are encrypted and their level and reason are not visible.',
  fix: {
    general: 'depends on the alert: the detail names the likely cause; the other findings on this connection usually pinpoint it',
    openssl: 'reproduce with openssl s_client -connect host:port -servername name -state -msg (add -cert/-key for client authentication) to see the failing step',
  },
  refs: ['RFC 5246 §7.2', 'RFC 8446 §6', 'RFC 8446 §6.2'],
  check,
};
