// Fingerprints of a decoded connection: JA3 and JA4 of the first ClientHello, JA3S of the
// ServerHello that settled the handshake (after a HelloRetryRequest, the real ServerHello).
// Pure: computed from the decoded model, no bytes needed.
import { digestHex } from './digest.js';
import type { Connection } from '../tls/model.js';
import { finalServerHello } from '../rules/helpers.js';
import { ja3String, ja3sString } from './ja3.js';
import { ja4, ja4Raw } from './ja4.js';

/** `Connection.fingerprints` (schema/connection.schema.json). */
export interface Fingerprints {
  /** MD5 of ja3Full. */
  ja3?: string;
  /** The JA3 string: version,ciphers,extensions,groups,point formats (decimal, GREASE removed). */
  ja3Full?: string;
  ja3s?: string;
  /** The JA3S string: version,cipher,extensions. */
  ja3sFull?: string;
  /** JA4 (client), e.g. t13d1516h2_8daaf6152771_e5627efa2ab1. */
  ja4?: string;
  /** JA4_r, the unhashed sorted form (only with --ja4-raw). */
  ja4Raw?: string;
  /** Why a fingerprint is missing (e.g. MD5 unavailable in FIPS mode, SSLv2-format hello). */
  notes?: string[];
}

export interface FingerprintOptions {
  ja4Raw?: boolean;
}


/** MD5 hex, or undefined when the provider refuses it (OpenSSL FIPS mode). */
function md5(s: string, notes: string[]): string | undefined {
  try {
    return digestHex('md5', s);
  } catch (e) {
    const note = `JA3 hashes unavailable: MD5 refused by the crypto provider (FIPS mode?): ${e instanceof Error ? e.message : String(e)}`;
    if (!notes.includes(note)) notes.push(note);
    return undefined;
  }
}

export function fingerprints(c: Connection, opts: FingerprintOptions = {}): Fingerprints {
  const out: Fingerprints = {};
  const notes: string[] = [];
  const ch = c.clientHello;
  if (ch) {
    const full = ja3String(ch);
    if (full === undefined) {
      notes.push('no JA3/JA4: the ClientHello is in SSLv2 format, which neither fingerprint defines');
    } else {
      out.ja3Full = full;
      const hash = md5(full, notes);
      if (hash) out.ja3 = hash;
      const j4 = ja4(ch);
      if (j4) out.ja4 = j4;
      if (opts.ja4Raw) {
        const raw = ja4Raw(ch);
        if (raw) out.ja4Raw = raw;
      }
    }
  }
  const sh = finalServerHello(c);
  if (sh) {
    const full = ja3sString(sh);
    if (full !== undefined) {
      out.ja3sFull = full;
      const hash = md5(full, notes);
      if (hash) out.ja3s = hash;
    }
  }
  if (notes.length) out.notes = notes;
  return out;
}
