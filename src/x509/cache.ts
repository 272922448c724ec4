// The decode cache: decoded certificates by the DER they came from. A capture repeats the same
// few chains on every connection, and a proxy holding a thousand connections to one server holds
// its chain once. What it hands out follows the sharing rule of src/util/fifo-map.ts: each
// CertInfo is deep-frozen before it is stored, and shared by every connection that carried the
// same certificate.
import type { CertInfo } from './model.js';
import { FifoMap } from '../util/fifo-map.js';
import { listHashEnd, listHashStep } from '../util/hash.js';

/** How many decoded certificates the cache keeps (least recently used ones are dropped). */
export const CERT_CACHE_SIZE = 4096;

/**
 * Slots looked at for one certificate: its hash and the next ones. Certificates whose hashes
 * collide take neighbouring slots; past this many (crafted collisions) a certificate is decoded
 * every time rather than searched for.
 */
const MAX_PROBES = 8;

/** A decoded certificate and its DER (a copy: the caller's bytes are a view of a reused buffer). */
interface Entry {
  readonly der: Uint8Array;
  readonly info: CertInfo;
}

/**
 * Filed under a hash of the length and the last 32 bytes (the end of the signature, as good as
 * random), confirmed byte for byte: cheaper than the SHA-256 of the whole DER, which is computed
 * once per distinct certificate (CertInfo.sha256).
 */
const cache = new FifoMap<number, Entry>(CERT_CACHE_SIZE);

function hashOf(der: Uint8Array): number {
  let h = 0;
  for (let i = Math.max(0, der.length - 32); i < der.length; i++) h = listHashStep(h, der[i]!);
  return listHashEnd(h, der.length);
}

/** The cached CertInfo of exactly these bytes, or undefined. */
export function cachedCertificate(der: Uint8Array): CertInfo | undefined {
  let slot = hashOf(der);
  for (let i = 0; i < MAX_PROBES; i++, slot = (slot + 1) >>> 0) {
    const e = cache.get(slot);
    if (e === undefined) return undefined;
    if (e.der.length === der.length && Buffer.compare(e.der, der) === 0) {
      // Re-inserting makes this the most recently used entry. Only once the cache is half
      // full, where eviction comes near: a capture with a few chains hits them on every
      // connection, and the re-insertion would cost more than the lookup.
      if (cache.size > CERT_CACHE_SIZE / 2) {
        cache.delete(slot);
        cache.set(slot, e);
      }
      return e.info;
    }
  }
  return undefined;
}

/** Deep-freezes `info`, files it under a copy of `der`, and returns it. */
export function rememberCertificate(der: Uint8Array, info: CertInfo): CertInfo {
  deepFreeze(info);
  let slot = hashOf(der);
  for (let i = 0; i < MAX_PROBES; i++, slot = (slot + 1) >>> 0) {
    if (!cache.has(slot)) {
      cache.set(slot, { der: new Uint8Array(der), info });
      break;
    }
  }
  return info;
}

/** Empties the decode cache (tests, benchmarks). */
export function clearCertificateCache(): void {
  cache.clear();
}

/** Entries in the decode cache (never more than CERT_CACHE_SIZE). */
export function certificateCacheSize(): number {
  return cache.size;
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}
