// Code-point lists and extension lists are shared between hellos that sent the same thing (one
// frozen object, encoded to JSON once). Sharing must never hand a hello someone else's list:
// lists are filed by a 32-bit hash and confirmed element by element, so a hash collision only
// costs the sharing. The collision here is found by brute force, not assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/bytes/reader.js';
import { decodeExtensions } from '../../src/tls/extensions/index.js';
import type { ExtensionTarget } from '../../src/tls/extensions/types.js';
import { codeListHash, codePoints } from '../../src/tls/registry/registry.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { ext, u16list, vec16, ascii, u8 } from '../helpers/tls-bytes.js';

/**
 * Two different lists with the same codeListHash, by a birthday search: `list(next)` makes a
 * list from a seeded xorshift source of 16-bit values (2^32 hashes need ~80,000 lists).
 */
function collidingLists(seed: number, list: (next16: () => number) => number[]): [number[], number[]] {
  let state = seed;
  const next16 = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 0xffff;
  };
  const seen = new Map<number, number[]>();
  for (let i = 0; i < 2_000_000; i++) {
    const values = list(next16);
    const h = codeListHash(values);
    const other = seen.get(h);
    if (other && other.some((v, k) => v !== values[k])) return [other, values];
    seen.set(h, values);
  }
  assert.fail('no colliding pair found');
}

test('codePoints: the same codes give one frozen list; a hash collision gives each list its own codes', () => {
  const a = codePoints(CIPHER_SUITES, [0x1301, 0x1302, 0xc02f]);
  const b = codePoints(CIPHER_SUITES, [0x1301, 0x1302, 0xc02f]);
  assert.equal(a, b);
  assert.ok(Object.isFrozen(a));
  assert.deepEqual(a.map((c) => c.name), ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);

  // Two different three-code lists with the same hash.
  const [x, y] = collidingLists(20261126, (next16) => [next16(), next16(), next16()]);
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(codePoints(CIPHER_SUITES, x).map((c) => c.code), x);
    assert.deepEqual(codePoints(CIPHER_SUITES, y).map((c) => c.code), y);
  }
});

function extensions(bytes: number[]): ReturnType<typeof decodeExtensions> {
  const out: ExtensionTarget = {} as ExtensionTarget;
  return decodeExtensions(new ByteReader(Uint8Array.from(vec16(bytes))), 'client_hello', out);
}

test('decodeExtensions: identical extension blocks share one frozen list; an extension that fails to parse is not shared', () => {
  const sni = ext(0, vec16([...u8(0), ...vec16(ascii('example.com'))]));
  const groups = ext(10, vec16(u16list([29, 23])));
  const block = [...sni, ...groups, ...ext(23, [])];
  const first = extensions(block);
  const second = extensions(block);
  assert.equal(first, second);
  assert.ok(Object.isFrozen(first));
  assert.deepEqual(first.map((e) => [e.code, e.name, e.length]), [[0, 'server_name', 16], [10, 'supported_groups', 6], [23, 'extended_master_secret', 0]]);

  // Same types, other lengths: another list.
  const longer = extensions([...ext(0, vec16([...u8(0), ...vec16(ascii('example.org.test'))])), ...groups, ...ext(23, [])]);
  assert.notEqual(longer, first);
  assert.equal(longer[0]!.length, 21);

  // supported_groups with an odd length: reported on that extension, in a list of its own.
  const broken = extensions([...sni, ...ext(10, vec16([0, 29, 0])), ...ext(23, [])]);
  assert.match(broken[1]!.error ?? '', /not a multiple of 2/);
  assert.equal(first[1]!.error, undefined);
  assert.equal(extensions([...sni, ...ext(10, vec16([0, 29, 0])), ...ext(23, [])])[1]!.error, broken[1]!.error);

  // Two blocks of three unassigned extensions (types 0x7700-0x77ff, bodies of 0-255 bytes)
  // whose (type << 16 | length) lists collide.
  const pair = collidingLists(1126, (next16) => [0, 1, 2].map(() => (0x7700 + (next16() & 0xff)) * 0x10000 + (next16() & 0xff)));
  const unassigned = (packed: number[]): number[] => packed.flatMap((v) => ext(Math.floor(v / 0x10000), new Array<number>(v & 0xffff).fill(0)));
  for (let round = 0; round < 3; round++) {
    for (const packed of pair) {
      assert.deepEqual(extensions(unassigned(packed)).map((e) => e.code * 0x10000 + e.length), packed);
    }
  }
});
