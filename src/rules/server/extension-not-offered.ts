// A server may only send extensions the client offered first (RFC 5246 §7.4.1.4, RFC 8446 §4.2),
// with two exceptions: renegotiation_info answering the SCSV (RFC 5746 §3.6) and cookie in a
// HelloRetryRequest (RFC 8446 §4.2.2).
import type { ClientHello, Connection, Finding, ServerHello } from '../../tls/model.js';
import { allClientHellos, allServerHellos, finding, NO_FINDINGS, oneTlsHelloEach } from '../helpers.js';
import type { Rule } from '../types.js';

const RENEGOTIATION_INFO = 0xff01;
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
const COOKIE = 44;

/**
 * Every extension of the ServerHello is one the ClientHello sent or one of the exceptions (the
 * common case, checked without building anything: this runs on every connection).
 */
function allOffered(sh: ServerHello, ch: ClientHello): boolean {
  const offered = ch.extensions;
  outer: for (let i = 0; i < sh.extensions.length; i++) {
    const code = sh.extensions[i]!.code;
    for (let j = 0; j < offered.length; j++) if (offered[j]!.code === code) continue outer;
    if (code === RENEGOTIATION_INFO && hasScsv(ch)) continue;
    if (code === COOKIE && sh.helloRetryRequest) continue;
    return false;
  }
  return true;
}

function hasScsv(ch: ClientHello): boolean {
  for (let i = 0; i < ch.cipherSuites.length; i++) if (ch.cipherSuites[i]!.code === EMPTY_RENEGOTIATION_INFO_SCSV) return true;
  return false;
}

function check(c: Connection): readonly Finding[] {
  if (oneTlsHelloEach(c) && allOffered(c.serverHello, c.clientHello)) return NO_FINDINGS;
  const hellos = allClientHellos(c).filter((h) => !h.sslv2);
  if (hellos.length === 0) return NO_FINDINGS;
  // A scan, not a Set: the lists are short.
  const offered = (code: number): boolean => hellos.some((h) => h.extensions.some((e) => e.code === code));
  const scsv = hellos.some((h) => h.cipherSuites.some((s) => s.code === EMPTY_RENEGOTIATION_INFO_SCSV));
  const out: Finding[] = [];
  for (const sh of allServerHellos(c)) {
    if (sh.sslv2) continue;
    const extra = sh.extensions.filter((e) => {
      if (offered(e.code)) return false;
      if (e.code === RENEGOTIATION_INFO && scsv) return false;
      if (e.code === COOKIE && sh.helloRetryRequest) return false;
      return true;
    });
    if (extra.length === 0) continue;
    out.push(
      finding(
        rule,
        `The ${sh.helloRetryRequest ? 'HelloRetryRequest' : 'ServerHello'} carries ${extra.map((e) => `${e.name} (${e.code})`).join(', ')}, ` +
          `which the client never offered. The ClientHello's extensions: ${hellos.at(-1)!.extensions.map((e) => e.name).join(', ') || '(none)'}.`,
      ),
    );
  }
  return out;
}

export const rule: Rule = {
  id: 'extension-not-offered',
  family: 'server',
  severity: 'error',
  title: 'Server sent an extension the client did not offer',
  explain:
    'Extensions are client-initiated: a server may only send an extension in its ServerHello when the client sent it first. An unsolicited ' +
    'extension makes a conforming client abort with unsupported_extension. Exceptions that are not reported: renegotiation_info in answer to ' +
    'TLS_EMPTY_RENEGOTIATION_INFO_SCSV, and cookie in a HelloRetryRequest. Causes: a server stack bug, or a middlebox that rewrites hellos.',
  fix: { general: 'update or reconfigure the server TLS stack (or the middlebox in front of it)' },
  refs: ['RFC 5246 §7.4.1.4', 'RFC 8446 §4.2', 'RFC 5746 §3.6'],
  check,
};
