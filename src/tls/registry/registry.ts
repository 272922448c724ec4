import { listHashEnd, listHashStep } from '../../util/hash.js';
import type { CodePoint } from '../model.js';
import { FifoMap } from '../../util/fifo-map.js';

/**
 * A code-point registry: the IANA data plus how to name what is not in it.
 * Lookups return interned, frozen CodePoint objects, so a decoded hello of
 * thirty cipher suites allocates nothing for their names.
 */
export interface Registry {
  /** Human name of the registry, for errors ("cipher suite"). */
  readonly title: string;
  readonly names: Readonly<Record<number, string>>;
  /** Which GREASE shape applies (RFC 8701), if any. */
  readonly grease?: 'u16' | 'u8';
  /** Hex digits for unknown values: 2 for one-byte code points, 4 for two, 6 for SSLv2 cipher specs. */
  readonly width?: 2 | 4 | 6;
}

const interned = new WeakMap<Registry, Map<number, CodePoint>>();

/** RFC 8701 §2: 0x0A0A, 0x1A1A, ... 0xFAFA. */
export function isGrease16(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

/** RFC 8701 §2: single-byte GREASE values (psk_key_exchange_modes): 0x0B, 0x2A, 0x49, ... 0xEA. */
export function isGrease8(code: number): boolean {
  return code <= 0xff && (code - 0x0b) % 0x1f === 0;
}

export function isGrease(registry: Registry, code: number): boolean {
  if (registry.grease === 'u16') return isGrease16(code);
  if (registry.grease === 'u8') return isGrease8(code);
  return false;
}

export function hex(code: number, width = 4): string {
  return `0x${code.toString(16).padStart(width, '0')}`;
}

export function nameOf(registry: Registry, code: number): string {
  const known = registry.names[code];
  if (known !== undefined) return known;
  if (isGrease(registry, code)) return 'GREASE';
  return `unknown (${hex(code, registry.width ?? 4)})`;
}

export function codePoint(registry: Registry, code: number): CodePoint {
  let cache = interned.get(registry);
  if (!cache) {
    cache = new Map();
    interned.set(registry, cache);
  }
  let cp = cache.get(code);
  if (!cp) {
    cp = Object.freeze({ code, name: nameOf(registry, code) });
    // Unknown values are not cached beyond a bound, so hostile input cannot grow the map without limit.
    if (cache.size < 4096 || registry.names[code] !== undefined) cache.set(code, cp);
  }
  return cp;
}

/** Most distinct lists remembered per registry, and the longest list that is remembered. */
const MAX_INTERNED_LISTS = 1024;
const MAX_INTERNED_LIST_LENGTH = 128;
const internedLists = new WeakMap<Registry, FifoMap<number, readonly CodePoint[]>>();

/**
 * The code points of a list, as one frozen array shared by every hello that sent the same list:
 * a capture repeats the same few client configurations thousands of times, and a shared, frozen
 * list is encoded to JSON once, walked by the output cap once and fingerprinted once.
 */
export function codePoints(registry: Registry, codes: readonly number[]): readonly CodePoint[] {
  if (codes.length > MAX_INTERNED_LIST_LENGTH) return Object.freeze(codes.map((c) => codePoint(registry, c)));
  let lists = internedLists.get(registry);
  if (!lists) {
    // Bounded: hostile input with ever new lists must not grow it.
    lists = new FifoMap(MAX_INTERNED_LISTS);
    internedLists.set(registry, lists);
  }
  // Looked up by a hash of the codes and confirmed code by code: no key to build per hello.
  const hash = codeListHash(codes);
  let list = lists.get(hash);
  if (list === undefined || !sameCodes(list, codes)) {
    list = Object.freeze(codes.map((c) => codePoint(registry, c)));
    // A hash collision replaces the older list: still correct, only not shared.
    lists.set(hash, list);
  }
  return list;
}

/** The hash codePoints() files a list under (src/util/hash.ts). */
export function codeListHash(codes: readonly number[]): number {
  let hash = 0;
  for (let i = 0; i < codes.length; i++) hash = listHashStep(hash, codes[i]!);
  return listHashEnd(hash, codes.length);
}

function sameCodes(list: readonly CodePoint[], codes: readonly number[]): boolean {
  if (list.length !== codes.length) return false;
  for (let i = 0; i < codes.length; i++) if (list[i]!.code !== codes[i]) return false;
  return true;
}
