// Negotiated cipher suites that give no or broken protection (RFC 9325 §4.1, RFC 7465, RFC 8996 for
// 3DES context; export suites: RFC 4346 appendix A.5).
import type { Connection, Finding } from '../../tls/model.js';
import { CIPHER_SUITE_INFO } from '../../tls/registry/cipher-suites.js';
import { finalServerHello, finding, NO_FINDINGS } from '../helpers.js';
import type { Rule } from '../types.js';

/** weakReasons per suite code (a pure function of it, asked for on every connection). */
const reasonsBySuite = new Map<number, readonly string[]>();

export function weakReasons(code: number): readonly string[] {
  let reasons = reasonsBySuite.get(code);
  if (reasons === undefined) {
    reasons = Object.freeze(reasonsFor(code));
    if (reasonsBySuite.size < 65536) reasonsBySuite.set(code, reasons);
  }
  return reasons;
}

function reasonsFor(code: number): string[] {
  const i = CIPHER_SUITE_INFO[code];
  if (!i) return [];
  const out: string[] = [];
  if (i.enc === 'NULL') out.push('no encryption (NULL cipher)');
  if (i.export) out.push('EXPORT-grade (40/56-bit) keys');
  if (i.auth === 'anon') out.push('anonymous: no server authentication, open to interception');
  if (i.auth === 'NULL' && i.kx === 'NULL') out.push('no key exchange or authentication');
  if (/^RC4/.test(i.enc)) out.push('RC4 (RFC 7465 prohibits it)');
  if (/^3DES/.test(i.enc)) out.push('3DES: 64-bit blocks (Sweet32)');
  else if (/DES/.test(i.enc)) out.push('single DES (56-bit or less)');
  if (/^RC2/.test(i.enc)) out.push('RC2');
  if (i.mac === 'MD5' && out.length === 0) out.push('MD5 record MAC');
  return out;
}

function check(c: Connection): readonly Finding[] {
  const sh = finalServerHello(c);
  if (!sh) return NO_FINDINGS;
  if (sh.sslv2) {
    // SSLv2 cipher specs: every one of them is weak by today's standards.
    return [finding(rule, `The connection uses the SSL 2.0 cipher spec ${sh.cipherSuite.name}.`)];
  }
  const reasons = weakReasons(sh.cipherSuite.code);
  if (reasons.length === 0) return NO_FINDINGS;
  return [finding(rule, `The server chose ${sh.cipherSuite.name}: ${reasons.join('; ')}.`)];
}

export const rule: Rule = {
  id: 'weak-cipher',
  family: 'protocol',
  severity: 'error',
  title: 'Weak cipher suite negotiated',
  explain:
    'The negotiated cipher suite gives no or broken protection: NULL (no encryption), EXPORT (40/56-bit keys), anonymous (anon: no ' +
    'authentication, trivially intercepted), RC4 (biased keystream, prohibited by RFC 7465), single DES, RC2, or 3DES (64-bit blocks, ' +
    'Sweet32). The server should not allow any of them; that the client offered them too is a second problem.',
  fix: {
    apache: 'SSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!EXPORT:!RC4:!DES:!3DES:!MD5   with   SSLHonorCipherOrder on',
    nginx: 'ssl_ciphers ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!EXPORT:!RC4:!DES:!3DES:!MD5;',
    openssl: "openssl s_server … -cipher 'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL' (and no @SECLEVEL=0)",
  },
  refs: ['RFC 9325 §4.1', 'RFC 7465', 'RFC 5246 §1.2', 'RFC 8996'],
  check,
};
