// A fatal alert in answer to the ClientHello: the server found nothing it could accept. The alert
// itself is terse (usually handshake_failure), so list what the hello shows that commonly causes it.
import type { ClientHello, Connection, Finding } from '../../tls/model.js';
import { CIPHER_SUITE_INFO } from '../../tls/registry/cipher-suites.js';
import { isGrease16 } from '../../tls/registry/registry.js';
import { alertContext, alertName, allClientHellos, fatalAlerts, finding, isRsaPkcs1, isRsaPss, isTls13Version, keyTypesFor, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

const SCSVS = new Set([0x00ff, 0x5600]);

export function helloCauses(ch: ClientHello): string[] {
  const causes: string[] = [];
  // Versions
  const sv = ch.supportedVersions?.filter((v) => !isGrease16(v.code));
  const versions = sv && sv.length ? sv : [ch.version];
  const max = Math.max(...versions.map((v) => (isTls13Version(v.code) ? 0x0304 : v.code)));
  const versionText = versions.map((v) => v.name).join(', ');
  if (max < 0x0303) causes.push(`versions: offers at most ${versions.find((v) => v.code === max)?.name ?? versionText}; servers on current defaults require TLS 1.2 or later.`);
  else if (versions.every((v) => isTls13Version(v.code))) causes.push(`versions: offers only ${versionText}; a server limited to TLS 1.2 cannot answer.`);
  else causes.push(`versions: ${versionText}.`);
  if (ch.sslv2) {
    // RFC 5246 appendix E.2: the SSL 2.0 format has cipher specs and no extensions at all.
    const specs = ch.cipherSpecs ?? [];
    causes.push(`SSL 2.0-format hello with ${specs.length} cipher spec(s)${specs.length && specs.length <= 9 ? `: ${specs.map((s) => s.name).join(', ')}` : ''}; it cannot carry extensions (no SNI, no signature_algorithms, no groups), and servers no longer accept it.`);
    return causes;
  }
  // Cipher suites
  const suites = ch.cipherSuites.filter((s) => !isGrease16(s.code) && !SCSVS.has(s.code));
  const infos = suites.map((s) => CIPHER_SUITE_INFO[s.code]).filter((i) => i !== undefined);
  const pre13 = infos.filter((i) => i.kx !== 'TLS13');
  const tls13 = infos.length - pre13.length;
  const listed = suites.length <= 6 ? `: ${suites.map((s) => s.name).join(', ')}` : '';
  causes.push(`cipher suites: ${suites.length} offered (${tls13} TLS 1.3, ${pre13.length} TLS 1.0–1.2)${listed}.`);
  if (max >= 0x0303 || pre13.length) {
    if (pre13.length && !pre13.some((i) => i.auth === 'ECDSA')) causes.push('no TLS 1.2 suite for an ECDSA certificate: a server with only an ECDSA certificate has nothing to choose.');
    if (pre13.length && !pre13.some((i) => i.auth === 'RSA')) causes.push('no TLS 1.2 suite for an RSA certificate: a server with only an RSA certificate has nothing to choose.');
    if (pre13.length && pre13.every((i) => i.kx === 'RSA')) causes.push('only static RSA key exchange (TLS_RSA_WITH_*): servers that require forward secrecy (ECDHE/DHE) refuse it.');
    if (pre13.length && pre13.every((i) => i.mac !== 'AEAD')) causes.push('no AEAD suite (GCM/ChaCha20): only CBC or stream ciphers, which hardened servers disable.');
    const weak = pre13.filter((i) => /RC4|DES|NULL|RC2|IDEA/.test(i.enc) || i.export);
    if (pre13.length && weak.length === pre13.length) causes.push('only weak ciphers (RC4, DES/3DES, export, NULL): current servers refuse them all (insufficient_security).');
  }
  // Signature algorithms
  const sigs = ch.signatureAlgorithms;
  if (max >= 0x0303) {
    if (!sigs) causes.push('no signature_algorithms extension: a TLS 1.2 server must then sign with SHA-1, which current servers refuse.');
    else {
      const keys = new Set(sigs.flatMap((s) => keyTypesFor(s.code)));
      const missing = ['rsa', 'ec'].filter((k) => !keys.has(k));
      if (missing.length) causes.push(`signature_algorithms has no scheme for ${missing.map((k) => (k === 'ec' ? 'ECDSA' : 'RSA')).join(' or ')} keys: a server with such a certificate cannot sign.`);
      if (keys.has('rsa') && !sigs.some((s) => isRsaPss(s.code)) && versions.some((v) => isTls13Version(v.code))) causes.push('signature_algorithms has RSA only as PKCS#1 v1.5: TLS 1.3 servers with RSA keys need rsa_pss_rsae_*.');
      if (sigs.every((s) => s.code >> 8 === 2 || s.code >> 8 === 1)) causes.push('signature_algorithms offers only SHA-1/MD5 schemes, which current servers refuse.');
      if (!sigs.some((s) => isRsaPkcs1(s.code) || isRsaPss(s.code) || keyTypesFor(s.code).length)) causes.push('signature_algorithms lists no scheme the registry knows.');
    }
  }
  // Groups
  const ecdhe = infos.some((i) => i.kx === 'ECDHE' || i.kx === 'TLS13');
  if (ecdhe && !ch.supportedGroups) causes.push('no supported_groups extension although (EC)DHE/TLS 1.3 suites are offered.');
  else if (ch.supportedGroups) causes.push(`groups: ${ch.supportedGroups.filter((g) => !isGrease16(g.code)).map((g) => g.name).join(', ') || '(none)'}.`);
  // SNI
  if (ch.serverName === undefined) causes.push('no server_name (SNI): a server with name-based virtual hosts may refuse (unrecognized_name) or have no certificate for the default.');
  else causes.push(`SNI "${ch.serverName}": a server without a virtual host for this name may refuse it.`);
  return causes;
}

function check(c: Connection): readonly Finding[] {
  const hellos = allClientHellos(c);
  const ch = hellos.at(-1);
  if (!ch) return NO_FINDINGS;
  const a = fatalAlerts(c).find((x) => x.from === 'server' && alertContext(c, x).stage === 'hello');
  if (!a) return NO_FINDINGS;
  const lines = [`The server answered the ClientHello with fatal ${alertName(a)}; what the hello offered:`];
  for (const cause of helloCauses(ch)) lines.push(`- ${cause}`);
  return [finding(rule, lines.join('\n'))];
}

export const rule: Rule = {
  id: 'hello-rejected',
  family: 'protocol',
  severity: 'error',
  title: 'Server rejected the ClientHello',
  explain:
    'The server\'s first and only answer to the ClientHello was a fatal alert (usually handshake_failure, protocol_version or ' +
    'insufficient_security): it found nothing it could accept. The server\'s side is not visible, so the finding lists what the hello ' +
    'itself shows that commonly causes this: the versions offered, cipher suites without one that fits an RSA or an ECDSA certificate, ' +
    'only static-RSA or weak suites, signature algorithms without schemes for the server\'s key, missing groups, and the SNI name ' +
    '(servers that do not know the name may refuse). Compare with the server\'s configuration (or `openssl s_client -connect … -tls1_2 ' +
    '-cipher …` against it) to see which applies.',
  fix: {
    apache: 'compare with SSLProtocol, SSLCipherSuite, SSLOpenSSLConfCmd Groups/SignatureAlgorithms and the ServerName/ServerAlias of the virtual hosts',
    nginx: 'compare with ssl_protocols, ssl_ciphers, ssl_ecdh_curve, ssl_conf_command SignatureAlgorithms and server_name',
    openssl: 'compare with s_server -tls1_2/-tls1_3, -cipher/-ciphersuites, -groups, -sigalgs; `openssl ciphers -v \'<server list>\'` shows what the server allows',
    client: 'if the client is the old side: enable TLS 1.2+, ECDHE with AES-GCM suites, and SNI',
  },
  refs: ['RFC 5246 §7.4.1.2', 'RFC 5246 §7.2.2', 'RFC 8446 §4.1.1', 'RFC 8446 §6.2'],
  check,
};
