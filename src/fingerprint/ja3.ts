// JA3 and JA3S (Salesforce, BSD-3-Clause; https://github.com/salesforce/ja3): the decimal
// code points of a hello joined with "-" per field and "," between fields, then MD5.
//   JA3  = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
//   JA3S = SSLVersion,Cipher,Extensions
// GREASE values (RFC 8701) are left out of every list, as the JA3 README says ("ignores GREASE
// values", added with the GREASE draft). tshark 4.0's tls.handshake.ja3_full does the same, so
// the two agree on hellos with GREASE (checked in test/fingerprint/tshark.test.ts).
// The version is the hello's legacy_version field (client_version / server_version), not
// supported_versions: JA3 predates TLS 1.3 and its reference implementation reads that field.
import type { ClientHello, CodePoint, ServerHello } from '../tls/model.js';
import { isGrease16 } from '../tls/registry/registry.js';

/** Decimal forms of frozen (interned, shared) lists: the same few lists recur in every capture. */
const decimals = new WeakMap<readonly CodePoint[], string>();

/** A list's code points in decimal, GREASE left out, joined with "-". */
export function decimal(list: readonly CodePoint[] | undefined): string {
  if (list === undefined) return '';
  let s = decimals.get(list);
  if (s !== undefined) return s;
  s = '';
  for (const c of list) {
    if (isGrease16(c.code)) continue;
    s = s === '' ? String(c.code) : `${s}-${c.code}`;
  }
  if (Object.isFrozen(list)) decimals.set(list, s);
  return s;
}

/** The JA3 string (before hashing), or undefined for an SSLv2-format hello (JA3 reads TLS ClientHellos only). */
export function ja3String(h: ClientHello): string | undefined {
  if (h.sslv2) return undefined;
  return [String(h.version.code), decimal(h.cipherSuites), decimal(h.extensions), decimal(h.supportedGroups), decimal(h.ecPointFormats)].join(',');
}

/** The JA3S string (before hashing), or undefined for an SSLv2 ServerHello. */
export function ja3sString(h: ServerHello): string | undefined {
  if (h.sslv2) return undefined;
  return [String(h.version.code), String(h.cipherSuite.code), decimal(h.extensions)].join(',');
}
