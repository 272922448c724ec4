// SSL 2.0/3.0 and TLS 1.0/1.1 are prohibited or deprecated (RFC 6176, RFC 7568, RFC 8996).
import type { Connection, Finding } from '../../tls/model.js';
import { allClientHellos, finalServerHello, finding, isTls13Version, NO_FINDINGS } from '../helpers.js';
import { isGrease16 } from '../../tls/registry/registry.js';
import type { Rule } from '../types.js';

const NAMES: Record<number, string> = { 0x0002: 'SSL 2.0', 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1' };

function check(c: Connection): readonly Finding[] {
  const sh = finalServerHello(c);
  if (sh) {
    const v = sh.selectedVersion.code;
    if (!(v in NAMES)) return NO_FINDINGS;
    const ch = c.clientHello;
    const clientMax = ch?.supportedVersions?.filter((x) => !isGrease16(x.code)).map((x) => x.name).join(', ') ?? ch?.version.name;
    return [
      finding(rule, `The connection uses ${sh.selectedVersion.name}${clientMax ? ` (the client offered ${ch?.supportedVersions ? `supported_versions ${clientMax}` : `up to ${clientMax}`})` : ''}.`, {
        severity: v <= 0x0300 ? 'error' : 'warning',
      }),
    ];
  }
  // No ServerHello: judge what the client offered at most.
  const ch = allClientHellos(c).at(-1);
  if (!ch) return NO_FINDINGS;
  // A supported_versions list with nothing but GREASE (or, malformed, nothing) names no version:
  // the legacy version field is all the client said then.
  const listed = ch.supportedVersions?.filter((x) => !isGrease16(x.code));
  const offered = listed?.length ? listed : [ch.version];
  if (offered.some((x) => isTls13Version(x.code) || x.code >= 0x0303)) return NO_FINDINGS;
  const max = offered.reduce((a, b) => (b.code > a.code ? b : a));
  return [finding(rule, `No ServerHello; the client offered at most ${max.name}.`, { severity: max.code <= 0x0300 ? 'error' : 'warning' })];
}

export const rule: Rule = {
  id: 'legacy-version',
  family: 'protocol',
  severity: 'warning',
  severities: ['warning', 'error'],
  title: 'Obsolete protocol version (SSL 3.0, TLS 1.0, TLS 1.1)',
  explain:
    'The connection negotiated TLS 1.0 or TLS 1.1 (a warning; deprecated by RFC 8996, refused by browsers since 2020 and by OpenSSL 3 at ' +
    'its default security level) or SSL 3.0/2.0 (an error; broken: POODLE, DROWN). When there is no ServerHello, the client\'s highest offered ' +
    'version is judged instead. Old versions lack AEAD ciphers and modern signature algorithms; the fix is TLS 1.2 as the minimum.',
  fix: {
    apache: 'SSLProtocol -all +TLSv1.2 +TLSv1.3',
    nginx: 'ssl_protocols TLSv1.2 TLSv1.3;',
    openssl: 'openssl s_server … -min_protocol TLSv1.2 (clients: -min_protocol TLSv1.2 too)',
    client: 'update the client so it supports TLS 1.2',
  },
  refs: ['RFC 8996', 'RFC 7568', 'RFC 6176', 'RFC 9325 §3.1.1'],
  check,
};
