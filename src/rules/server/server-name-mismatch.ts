// The name the client asked for (SNI, RFC 6066 §3) must be covered by the server certificate's
// subjectAltName dNSName entries, or by its CN when there are none (RFC 6125 §6.4, RFC 9110 §4.3.4).
import type { CertInfo, Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** RFC 6125 §6.4.3: "*" only as the whole leftmost label, matching exactly one label. */
export function nameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const rest = p.slice(2);
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === rest && rest.includes('.');
}

/** The CN values of an RFC 4514 subject (escaped commas are kept in the value). */
export function commonNames(subject: string): string[] {
  const out: string[] = [];
  for (const part of subject.split(/(?<!\\),|(?<!\\)\+/)) {
    const m = /^\s*CN=(.*)$/i.exec(part);
    if (m) out.push(m[1]!.replace(/\\(.)/g, '$1').trim());
  }
  return out;
}

/** Per certificate (decoded certificates are shared and frozen): the same leaf comes on every connection to a server. */
const names = new WeakMap<CertInfo, { dns: string[]; fromCn: boolean }>();

export function namesOf(cert: CertInfo): { dns: string[]; fromCn: boolean } {
  let n = names.get(cert);
  if (n === undefined) {
    const dns = (cert.san ?? []).filter((x) => x.startsWith('DNS:')).map((x) => x.slice(4));
    n = Object.freeze(dns.length ? { dns, fromCn: false } : { dns: commonNames(cert.subject), fromCn: true });
    Object.freeze(n.dns);
    // Only frozen certificates cannot change under the memo.
    if (Object.isFrozen(cert)) names.set(cert, n);
  }
  return n;
}

function check(c: Connection): readonly Finding[] {
  const sni = c.clientHello?.serverName;
  const leaf = c.certificates?.[0];
  if (!sni || !leaf || leaf.error) return NO_FINDINGS;
  const { dns, fromCn } = namesOf(leaf);
  if (dns.some((n) => nameMatches(n, sni))) return NO_FINDINGS;
  const others = (leaf.san ?? []).filter((n) => !n.startsWith('DNS:'));
  return [
    finding(
      rule,
      `The client asked for "${sni}" (SNI); the server certificate ${leaf.subject} covers ` +
        (dns.length ? `${fromCn ? 'only its CN (no DNS subjectAltName): ' : ''}${dns.join(', ')}` : 'no DNS names') +
        (others.length ? ` (and ${others.join(', ')})` : '') +
        '.\nA client that checks host names rejects it (bad_certificate, "hostname mismatch").',
    ),
  ];
}

export const rule: Rule = {
  id: 'server-name-mismatch',
  family: 'server',
  severity: 'error',
  title: 'Server certificate does not cover the requested name',
  explain:
    'The client named the host it wants in the server_name (SNI) extension, and the server\'s certificate does not cover that name: none of ' +
    'its subjectAltName DNS entries match (with RFC 6125 wildcard rules: "*" as the whole leftmost label, one label deep), and when there is ' +
    'no DNS subjectAltName, the CN does not match either. Usually the server served its default certificate because no virtual host is ' +
    'configured for this name, or the client uses an alias the certificate lacks. Connections without SNI are not judged (the name the client ' +
    'expects is not visible).',
  fix: {
    apache: 'add a <VirtualHost> with ServerName/ServerAlias for the name and its own SSLCertificateFile, or reissue the certificate with the name in subjectAltName',
    nginx: 'add a server block with server_name for the name and its own ssl_certificate, or reissue the certificate with the name in subjectAltName',
    openssl: 'openssl s_server -servername <name> -cert2 <cert for that name> -key2 <key>',
    client: 'connect with the name the certificate carries',
  },
  refs: ['RFC 6066 §3', 'RFC 6125 §6.4', 'RFC 9110 §4.3.4', 'RFC 5280 §4.2.1.6'],
  check,
};
