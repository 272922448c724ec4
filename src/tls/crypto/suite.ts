// What record protection a negotiated cipher suite uses: its bulk cipher and MAC (read off the
// registry's CIPHER_SUITE_INFO through the tables of cipher-params.ts) and its hash (the TLS 1.3
// HKDF hash, or the TLS 1.2 PRF hash).
import { CIPHER_SUITES, CIPHER_SUITE_INFO } from '../registry/cipher-suites.js';
import { BULK_CIPHERS, RECORD_MACS, type AeadParams, type BulkParams, type CbcParams, type MacParams } from './cipher-params.js';
import type { HashName } from './hkdf.js';

export interface SuiteProtection {
  readonly code: number;
  readonly name: string;
  /** A TLS 1.3 suite (RFC 8446 §B.4): the AEAD and HKDF hash only. */
  readonly tls13: boolean;
  readonly bulk: BulkParams;
  /** The record MAC of a CBC suite. */
  readonly mac: MacParams | undefined;
  /** TLS 1.3: the HKDF hash. TLS 1.2: the PRF hash. (TLS 1.0/1.1 always use the MD5+SHA-1 PRF.) */
  readonly hash: HashName;
}

export interface Tls13Suite extends SuiteProtection {
  readonly tls13: true;
  readonly bulk: AeadParams;
}

export interface CbcSuite extends SuiteProtection {
  readonly bulk: CbcParams;
  readonly mac: MacParams;
}

/** Why a suite cannot be decrypted, in words; or its parameters. */
export type SuiteLookup = { ok: true; suite: SuiteProtection } | { ok: false; why: string };

const cache = new Map<number, SuiteLookup>();

/**
 * The record protection of cipher suite `code`.
 * The hash is the one the suite's name ends with: RFC 8446 §B.4 names TLS 1.3 suites
 * TLS_AEAD_HASH; RFC 5246 §5 makes SHA-256 the TLS 1.2 PRF for its own suites and asks new ones to
 * name theirs, and the suites that use SHA-384 end in _SHA384 (RFC 5288 §3, RFC 5289 §3.2,
 * RFC 6209, RFC 6367), while CCM (RFC 6655 §3, RFC 7251) and ChaCha20 (RFC 7905) use SHA-256.
 */
export function suiteProtection(code: number): SuiteLookup {
  const hit = cache.get(code);
  if (hit) return hit;
  const found = lookup(code);
  // Bounded: only registry code points are cached (a few hundred), unknown codes are not.
  if (CIPHER_SUITE_INFO[code]) cache.set(code, found);
  return found;
}

function lookup(code: number): SuiteLookup {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const info = CIPHER_SUITE_INFO[code];
  const name = CIPHER_SUITES.names[code];
  if (!info || !name) return { ok: false, why: `cipher suite ${hex} is not in the registry` };
  const bulk = BULK_CIPHERS[info.enc];
  if (!bulk) return { ok: false, why: `${name}: the ${info.enc} cipher is not decrypted` };
  const tls13 = info.kx === 'TLS13';
  let mac: MacParams | undefined;
  if (bulk.kind === 'cbc') {
    mac = RECORD_MACS[info.mac];
    if (!mac) return { ok: false, why: `${name}: the ${info.mac} MAC is not supported` };
  } else if (info.mac !== 'AEAD') {
    return { ok: false, why: `${name}: an AEAD cipher with a ${info.mac} MAC is not a suite we know` };
  }
  const hash: HashName = name.endsWith('_SHA384') ? 'sha384' : 'sha256';
  return { ok: true, suite: Object.freeze({ code, name, tls13, bulk, mac, hash }) };
}
