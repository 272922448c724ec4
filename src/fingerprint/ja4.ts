// JA4, the TLS client fingerprint (FoxIO, BSD-3-Clause), as specified in
// https://github.com/FoxIO-LLC/ja4/blob/main/technical_details/JA4.md:
//
//   JA4_a = "t" (TLS over TCP) + version + "d"|"i" (SNI or not) + 2-digit cipher count
//           + 2-digit extension count + first and last character of the first ALPN value
//   JA4_b = sha256 of the cipher suites as 4-hex strings, sorted, comma-joined; first 12 hex
//   JA4_c = sha256 of the extensions as 4-hex strings, sorted, without SNI (0000) and ALPN
//           (0010), then "_" and the signature algorithms in offered order; first 12 hex
//
// GREASE (RFC 8701) is ignored everywhere: counts, lists and supported_versions.
// Only JA4 (client) is implemented: JA4S, JA4X and the other JA4+ methods are under the
// FoxIO License 1.1, which has conditions on commercial use.
import { digestHex } from './digest.js';
import type { ClientHello, CodePoint } from '../tls/model.js';
import { isGrease16 } from '../tls/registry/registry.js';
import { decimal } from './ja3.js';
import { FifoMap } from '../util/fifo-map.js';

/** JA4.md "TLS and DTLS Version"; anything else is "00". */
const VERSION_CODES: Record<number, string> = {
  0x0304: '13',
  0x0303: '12',
  0x0302: '11',
  0x0301: '10',
  0x0300: 's3',
  0x0002: 's2',
  0xfeff: 'd1',
  0xfefd: 'd2',
  0xfefc: 'd3',
};

const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EMPTY_HASH = '000000000000';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const noGrease = (list: readonly CodePoint[] | undefined): number[] => (list ?? []).map((c) => c.code).filter((c) => !isGrease16(c));
const count = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');

/** sha256, lower-case hex, first 12 characters; "000000000000" for an empty list (JA4.md). */
export function hash12(s: string): string {
  if (s === '') return EMPTY_HASH;
  return digestHex('sha256', s).slice(0, 12);
}

/** The highest non-GREASE supported_versions value if the extension was sent, else legacy_version. */
export function ja4Version(h: ClientHello): string {
  const offered = noGrease(h.supportedVersions);
  const version = h.supportedVersions && offered.length > 0 ? Math.max(...offered) : h.version.code;
  return VERSION_CODES[version] ?? '00';
}

const isAlnum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/**
 * JA4.md "ALPN Extension Value": the first and last characters of the first ALPN value; "00"
 * when there is none or it is empty; a single character is both first and last. When the first
 * or last byte is not alphanumeric, the first and last characters of the value's hex are used.
 *
 * The decoded model keeps ALPN as text. ASCII and valid UTF-8 give back their exact bytes; an
 * invalid UTF-8 value was decoded with U+FFFD replacements and its bytes are gone. For those we do
 * what FoxIO's Python and Rust implementations do with tshark's (equally replaced) string: each
 * non-ASCII character becomes "9". Their published output for tls-non-ascii-alpn.pcapng (ALPN
 * bytes ba ad) is "99", which this reproduces. An ASCII end character that is not alphanumeric
 * still takes the hex rule: its own byte's first (or last) hex digit, "9" for a lost byte.
 */
export function ja4Alpn(h: ClientHello): string {
  const first = h.alpn?.[0];
  if (!first) return '00';
  if (first.includes('\ufffd')) {
    const chars = [...first];
    const a = chars[0]!.charCodeAt(0);
    const z = chars[chars.length - 1]!.charCodeAt(0);
    const ch = (c: number): string => (c < 0x80 ? String.fromCharCode(c) : '9');
    if ((a >= 0x80 || isAlnum(a)) && (z >= 0x80 || isAlnum(z))) return ch(a) + ch(z);
    return (a < 0x80 ? (a >> 4).toString(16) : '9') + (z < 0x80 ? (z & 15).toString(16) : '9');
  }
  const bytes = /^[\x00-\x7f]*$/.test(first) ? Buffer.from(first, 'latin1') : Buffer.from(first, 'utf8');
  const a = bytes[0]!;
  const z = bytes[bytes.length - 1]!;
  if (isAlnum(a) && isAlnum(z)) return String.fromCharCode(a) + String.fromCharCode(z);
  const hex = bytes.toString('hex');
  return hex[0]! + hex[hex.length - 1]!;
}

export interface Ja4Parts {
  /** JA4_a, e.g. "t13d1516h2". */
  a: string;
  /** Sorted cipher list (JA4_r's second part). */
  ciphers: string;
  /** Sorted extensions (no SNI/ALPN), "_", signature algorithms (JA4_r's third part). */
  extensionsAndSigAlgs: string;
}

/** The pieces of JA4 for an (SSLv3-or-later format) ClientHello; undefined for an SSLv2-format hello. */
export function ja4Parts(h: ClientHello): Ja4Parts | undefined {
  if (h.sslv2) return undefined;
  const ciphers = noGrease(h.cipherSuites);
  const extensions = noGrease(h.extensions);
  const sni = extensions.includes(EXT_SERVER_NAME) ? 'd' : 'i';
  const a = `t${ja4Version(h)}${sni}${count(ciphers.length)}${count(extensions.length)}${ja4Alpn(h)}`;
  const sortedCiphers = ciphers.map(hex4).sort().join(',');
  const sortedExtensions = extensions
    .filter((e) => e !== EXT_SERVER_NAME && e !== EXT_ALPN)
    .map(hex4)
    .sort()
    .join(',');
  const sigAlgs = noGrease(h.signatureAlgorithms).map(hex4).join(',');
  // "If there are no signature algorithms in the hello packet, then the string ends without an underscore."
  const extensionsAndSigAlgs = sigAlgs ? `${sortedExtensions}_${sigAlgs}` : sortedExtensions;
  return { a, ciphers: sortedCiphers, extensionsAndSigAlgs };
}

/** JA4s by everything they are computed from (bounded): hashing and sorting once per client kind. */
const MAX_REMEMBERED = 4096;
const remembered = new FifoMap<string, string | undefined>(MAX_REMEMBERED);

/** JA4, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1". */
export function ja4(h: ClientHello): string | undefined {
  if (h.sslv2) return undefined;
  // Extensions as decimal codes with GREASE (JA4 ignores GREASE, but the key must be exact);
  // the other lists are interned, so their decimal forms come from a cache.
  let ext = '';
  for (const e of h.extensions) ext += `${e.code},`;
  const key = `${h.version.code}|${decimal(h.cipherSuites)}|${ext}|${h.supportedVersions ? decimal(h.supportedVersions) : '-'}|${decimal(h.signatureAlgorithms)}|${h.alpn?.[0] === undefined ? '-' : `a${h.alpn[0]}`}`;
  if (remembered.has(key)) return remembered.get(key);
  const value = computeJa4(h);
  remembered.set(key, value);
  return value;
}

function computeJa4(h: ClientHello): string | undefined {
  const p = ja4Parts(h);
  if (!p) return undefined;
  // "If there are no extensions in the sorted extensions list, then the value of JA4_c is set to 000000000000."
  const c = p.extensionsAndSigAlgs.startsWith('_') || p.extensionsAndSigAlgs === '' ? EMPTY_HASH : hash12(p.extensionsAndSigAlgs);
  return `${p.a}_${hash12(p.ciphers)}_${c}`;
}

/** JA4_r, the raw (unhashed, sorted) form. */
export function ja4Raw(h: ClientHello): string | undefined {
  const p = ja4Parts(h);
  return p && `${p.a}_${p.ciphers}_${p.extensionsAndSigAlgs}`;
}
