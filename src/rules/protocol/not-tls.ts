// A connection that is not TLS at all (plain HTTP to a TLS port), or a TLS client that got a
// non-TLS answer (TLS to a plain-text port).
//
// Plain text is only a mistake where TLS was expected. The proxy relays to a TLS server, so there
// it always was. A capture holds every kind of traffic: there TLS is expected on the ports that are
// conventionally TLS (tls-ports.ts), and plain text elsewhere (HTTP on 80, SMTP on 25) is normal.
import type { Connection, Finding } from '../../tls/model.js';
import { finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';
import { portOf, TLS_PORTS } from './tls-ports.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function notTls(c: Connection): readonly Finding[] {
  const up = c.stats.client.bytes;
  const down = c.stats.server.bytes;
  // Nothing said either way (a port probe, a health check): nothing to judge.
  if (up === 0 && down === 0) return NO_FINDINGS;
  const http = /^HTTP request/.test(c.notTls ?? '');
  const what = (c.notTls ?? 'unknown protocol').replace(/ \(.*\)$/, '');
  const seen =
    up === 0
      ? `No TLS record in either direction: the client sent nothing, the server sent ${plural(down, 'byte')} of something else (a TLS server never speaks first)`
      : `No TLS record in either direction; the client's first bytes look like: ${what} (client sent ${up} bytes, server ${down})`;

  if (c.source === 'proxy') {
    // The proxy's backend is a TLS server: that is what it is for.
    if (up === 0) {
      return [finding(rule, `${seen}.\nThe backend ${c.server} speaks first in plain text: --backend points at a plain-text service, not a TLS server.`)];
    }
    if (http) {
      return [
        finding(rule, `${seen}.\nThe client speaks plain HTTP to a TLS port: the proxy relays to the TLS server ${c.server}, so the client used http:// where https:// was needed.`, {
          fix: { client: `use https://, not http://: the client speaks HTTP to a TLS port (the proxy relays to the TLS server ${c.server})` },
        }),
      ];
    }
    return [finding(rule, `${seen}.\nThe proxy relays to the TLS server ${c.server}: the client speaks another protocol to a TLS port (or --backend is not the server meant).`)];
  }

  const port = portOf(c.server);
  const service = port === undefined ? undefined : TLS_PORTS.get(port);
  if (service !== undefined) {
    const where = `port ${port} (${service})`;
    if (up === 0) return [finding(rule, `${seen}.\nThe server on ${where}, a TLS port, speaks plain text.`)];
    return [
      finding(
        rule,
        `${seen}.\n` +
          (http
            ? `This is plain HTTP sent to a TLS port, ${where}: the client used http:// where https:// was needed (or the wrong port).`
            : `TLS is expected from the first byte on ${where}: the client speaks another protocol to a TLS port (or the wrong port).`),
      ),
    ];
  }
  // Not a TLS port: a plain-text service, as long as the server answered in kind. A TLS server
  // given plain text answers nothing (OpenSSL closes at once), so silence earns a hint.
  if (down > 0 || up === 0) return NO_FINDINGS;
  return [
    finding(
      rule,
      `${seen}, and the server answered nothing.\n` +
        `Port ${port ?? '?'} is not a conventional TLS port, so this may be an ordinary plain-text connection; but a TLS server given plain text closes without answering. ` +
        `If the server on port ${port ?? '?'} expects TLS, the client ${http ? 'used http:// where https:// was needed' : 'speaks another protocol to it'}.`,
      // The detail says what to do if it is a mistake; a server fix would presume it is one.
      { severity: 'info', fix: null },
    ),
  ];
}

function check(c: Connection): readonly Finding[] {
  if (!c.tls) return notTls(c);
  const serverRecords = Object.keys(c.stats.server.records).length;
  if (c.clientHello && !c.serverHello && c.stats.server.bytes > 0 && serverRecords === 0) {
    return [
      finding(
        rule,
        `The client sent a TLS ClientHello but the server answered ${c.stats.server.bytes} bytes that are not TLS: ` +
          (c.source === 'proxy'
            ? `the backend ${c.server} is not a TLS server (--backend names a plain-text port, e.g. an HTTP port, or a STARTTLS protocol that needs its STARTTLS step).`
            : 'TLS was sent to a plain-text port (e.g. https:// to an HTTP port, or a STARTTLS protocol without the STARTTLS step).'),
      ),
    ];
  }
  return NO_FINDINGS;
}

const PORT_LIST = [...TLS_PORTS.keys()].sort((a, b) => a - b).join(', ');

export const rule: Rule = {
  id: 'not-tls',
  family: 'protocol',
  severity: 'warning',
  severities: ['warning', 'info'],
  title: 'Not TLS',
  explain:
    'The connection carries something other than TLS where TLS was expected: the client\'s first bytes are not a TLS record (typically plain ' +
    'HTTP, "GET / HTTP/1.1", sent to an HTTPS port — the URL said http:// or the port is wrong), or the client spoke TLS and the server ' +
    'answered in plain text (TLS to a plain-text port, or a STARTTLS protocol without its STARTTLS command). TLS servers answer plain HTTP ' +
    'with nothing, an alert, or a "400 plain HTTP request sent to HTTPS port" page. ' +
    'Where TLS is expected: in the proxy always (it relays to a TLS server), so plain text from a client is a warning. In a capture, on the ' +
    `ports that are conventionally TLS from the first byte (IANA service names and documented defaults: ${PORT_LIST}), where plain text is ` +
    'a warning too. On any other port plain text is an ordinary service (HTTP on 80, SMTP on 25) and gives no finding when the server ' +
    'answered; when the server answered nothing at all, as a TLS server does with plain text, it gives an info finding. A TLS ClientHello ' +
    'answered in plain text is a warning on any port. A connection with no bytes either way gives no finding.',
  fix: {
    client: 'use https:// with the TLS port (or http:// with the plain port); for SMTP/IMAP/POP3/LDAP use the STARTTLS option or the implicit-TLS port',
    apache: 'to redirect plain HTTP on a TLS port is not possible; serve http on its own port with Redirect permanent / https://…',
    nginx: 'error_page 497 https://$host$request_uri; turns plain HTTP on an ssl listener into a redirect',
  },
  refs: ['RFC 8446 §5.1', 'RFC 9110 §4.2.2', 'IANA Service Name and Transport Protocol Port Number Registry'],
  check,
};
