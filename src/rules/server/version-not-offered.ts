// The negotiated version must be one the client offered: from supported_versions when present
// (RFC 8446 §4.2.1), otherwise at most the ClientHello's legacy client_version (RFC 5246 §7.4.1.3, appendix E.1).
import type { Connection, Finding } from '../../tls/model.js';
import { allClientHellos, finalServerHello, finding, isTls13Version, names, NO_FINDINGS } from '../helpers.js';
import { isGrease16 } from '../../tls/registry/registry.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  const sh = finalServerHello(c);
  const ch = allClientHellos(c).at(-1);
  if (!sh || !ch || sh.sslv2 || ch.sslv2) return NO_FINDINGS;
  const v = sh.selectedVersion;
  const sv = ch.supportedVersions?.filter((x) => !isGrease16(x.code));
  if (sv && sv.length) {
    if (sv.some((x) => x.code === v.code)) return NO_FINDINGS;
    return [finding(rule, `The server selected ${v.name}; the client's supported_versions were ${names(sv)}.`)];
  }
  if (isTls13Version(v.code)) {
    return [finding(rule, `The server selected ${v.name}, but the ClientHello had no supported_versions extension (legacy version ${ch.version.name}): the client did not offer TLS 1.3.`)];
  }
  if (v.code > ch.version.code) {
    return [finding(rule, `The server selected ${v.name}, above the highest version the client offered (client_version ${ch.version.name}).`)];
  }
  return NO_FINDINGS;
}

export const rule: Rule = {
  id: 'version-not-offered',
  family: 'server',
  severity: 'error',
  title: 'Server chose a protocol version the client did not offer',
  explain:
    'The server must answer with a version the client offered: one of its supported_versions (TLS 1.3-capable clients) or, for older ' +
    'clients, at most the ClientHello\'s client_version. A higher or unlisted version makes a conforming client abort with protocol_version ' +
    'or illegal_parameter. Causes: a broken server stack, a middlebox rewriting hellos, or a version-intolerance workaround gone wrong.',
  fix: { general: 'update or reconfigure the server TLS stack (or the middlebox in front of it)' },
  refs: ['RFC 5246 §7.4.1.3', 'RFC 5246 appendix E.1', 'RFC 8446 §4.2.1'],
  check,
};
