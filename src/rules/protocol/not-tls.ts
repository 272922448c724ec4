// A connection that is not TLS at all (plain HTTP to a TLS port), or a TLS client that got a
// non-TLS answer (TLS to a plain-text port).
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

function check(c: Connection): readonly Finding[] {
  if (!c.tls) {
    const what = c.notTls ?? 'unknown protocol';
    const http = /^HTTP request/.test(what);
    return [
      finding(
        rule,
        `No TLS record in either direction; the client's first bytes look like: ${what.replace(/ \(.*\)$/, '')}` +
          ` (client sent ${c.stats.client.bytes} bytes, server ${c.stats.server.bytes}).` +
          (http ? `\nThis is plain HTTP sent to a TLS port (${c.server}): the client used http:// where https:// was needed (or the wrong port).` : ''),
      ),
    ];
  }
  const serverRecords = Object.keys(c.stats.server.records).length;
  if (c.clientHello && !c.serverHello && c.stats.server.bytes > 0 && serverRecords === 0) {
    return [
      finding(
        rule,
        `The client sent a TLS ClientHello but the server answered ${c.stats.server.bytes} bytes that are not TLS: ` +
          'TLS was sent to a plain-text port (e.g. https:// to an HTTP port, or a STARTTLS protocol without the STARTTLS step).',
      ),
    ];
  }
  return NO_FINDINGS;
}

export const rule: Rule = {
  id: 'not-tls',
  family: 'protocol',
  severity: 'warning',
  title: 'Not TLS',
  explain:
    'The connection carries something other than TLS: the client\'s first bytes are not a TLS record (typically plain HTTP, "GET / HTTP/1.1", ' +
    'sent to an HTTPS port — the URL said http:// or the port is wrong), or the client spoke TLS and the server answered in plain text (TLS to a ' +
    'plain-text port, or a STARTTLS protocol without its STARTTLS command). TLS servers answer plain HTTP with nothing, an alert, or a ' +
    '"400 plain HTTP request sent to HTTPS port" page.',
  fix: {
    client: 'use https:// with the TLS port (or http:// with the plain port); for SMTP/IMAP/POP3/LDAP use the STARTTLS option or the implicit-TLS port',
    apache: 'to redirect plain HTTP on a TLS port is not possible; serve http on its own port with Redirect permanent / https://…',
    nginx: 'error_page 497 https://$host$request_uri; turns plain HTTP on an ssl listener into a redirect',
  },
  refs: ['RFC 8446 §5.1', 'RFC 9110 §4.2.2'],
  check,
};
