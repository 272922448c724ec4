// A seeded, structure-blind mutation engine built from fast-check arbitraries: a case is
// "seed input #k, then these mutations", so fast-check's seed/path reproduce it exactly and its
// shrinker cuts a failing case down to the fewest, smallest mutations that still fail.
//
// Why fast-check and not @jazzer.js/core (LIBRARIES.md §7): jazzer.js 4.0.0's native
// libFuzzer module needs GLIBC_2.38 and this image (and CI) has 2.36, so it cannot load
// (ERR_DLOPEN_FAILED); 2.1.0 cannot install at all here (prebuilt binaries come from GitHub).
// fast-check is already a dev dependency, runs under node:test, is deterministic with a seed,
// and shrinks. Coverage guidance is what we give up; the mutation loop over real captures
// (flip / set / insert / delete / duplicate bytes, rewrite length fields, splice bytes from
// other seeds) gets most of it back for parsers whose structure the seeds already exercise.
import fc from 'fast-check';

export type Mutation =
  | { k: 'flip'; pos: number; bit: number }
  | { k: 'set'; pos: number; value: number }
  | { k: 'insert'; pos: number; bytes: Uint8Array }
  | { k: 'delete'; pos: number; len: number }
  | { k: 'dup'; pos: number; len: number; to: number }
  | { k: 'truncate'; pos: number }
  | { k: 'len'; pos: number; width: 1 | 2 | 3 | 4; value: number }
  | { k: 'splice'; other: number; from: number; len: number; pos: number };

/** Byte values that sit on boundaries parsers care about. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x14, 0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0xa0];

const pos = fc.nat({ max: 0x7fffffff });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('flip' as const), pos, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), pos, value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 24, size: 'max' }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), pos, len: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('dup' as const), pos, len: fc.integer({ min: 1, max: 600 }), to: pos }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), pos }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('len' as const),
      pos,
      width: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
      // Length prefixes: 0, 1, all-ones, and values near the current one (applied as a delta when small).
      value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0xffffff, 0xffffffff, 0x4000, 0x4001, 0x100000), fc.integer({ min: -4, max: 4 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('splice' as const), other: fc.nat(), from: pos, len: fc.integer({ min: 1, max: 2000 }), pos }) },
);

/** One to `max` mutations (size 'max': fast-check's default size bias would give almost always one). */
export function mutationsArb(max = 8): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb, { minLength: 1, maxLength: max, size: 'max' });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Applies mutations in order to a copy of `input`; `pool` supplies bytes for splices. */
export function mutate(input: Uint8Array, ms: readonly Mutation[], pool: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = input.slice();
  for (const m of ms) {
    const n = b.length;
    switch (m.k) {
      case 'flip':
        if (n > 0) b[m.pos % n]! ^= 1 << m.bit;
        break;
      case 'set':
        if (n > 0) b[m.pos % n] = m.value;
        break;
      case 'insert': {
        const at = m.pos % (n + 1);
        b = concat(b.subarray(0, at), m.bytes, b.subarray(at));
        break;
      }
      case 'delete': {
        if (n === 0) break;
        const at = m.pos % n;
        b = concat(b.subarray(0, at), b.subarray(at + m.len));
        break;
      }
      case 'dup': {
        if (n === 0) break;
        const at = m.pos % n;
        const piece = b.slice(at, at + m.len);
        const to = m.to % (n + 1);
        b = concat(b.subarray(0, to), piece, b.subarray(to));
        break;
      }
      case 'truncate':
        b = b.slice(0, m.pos % (n + 1));
        break;
      case 'len': {
        if (n < m.width) break;
        const at = m.pos % (n - m.width + 1);
        let cur = 0;
        for (let i = 0; i < m.width; i++) cur = cur * 256 + b[at + i]!;
        const max = 2 ** (8 * m.width) - 1;
        let v = m.value >= -4 && m.value <= 4 ? cur + m.value : m.value;
        v = Math.max(0, Math.min(max, v));
        for (let i = m.width - 1; i >= 0; i--) {
          b[at + i] = v % 256;
          v = Math.floor(v / 256);
        }
        break;
      }
      case 'splice': {
        if (pool.length === 0) break;
        const src = pool[m.other % pool.length]!;
        if (src.length === 0) break;
        const from = m.from % src.length;
        const at = m.pos % (n + 1);
        b = concat(b.subarray(0, at), src.subarray(from, from + m.len), b.subarray(at));
        break;
      }
    }
  }
  return b;
}

/** Cuts `bytes` into pieces of the given sizes (cycled): the chunking a socket or a file reader might produce. */
export function chunk(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let k = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}
