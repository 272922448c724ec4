// Error paths name the field that failed, from the outermost reader down, and are put together
// only when an error is thrown (sub-readers keep their parent and label).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/bytes/reader.js';
import { Malformed, Truncated } from '../../src/bytes/errors.js';
import { decodeExtensions } from '../../src/tls/extensions/index.js';
import type { ExtensionTarget } from '../../src/tls/extensions/types.js';
import { ext, u16list, vec16 } from '../helpers/tls-bytes.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  assert.fail('no error');
}

test('paths of sub-readers, length fields and forks', () => {
  const r = new ByteReader(Uint8Array.from([0, 5, 1, 2]), 100, 'Outer');
  const inner = r.vec8('list');
  assert.equal(inner.path, 'Outer.list');
  const e1 = thrown(() => inner.vec16('item'));
  assert.ok(e1 instanceof Truncated);
  assert.equal(e1.message, 'Truncated: Outer.list.item.length: need 2 more bytes @101');

  const r2 = new ByteReader(Uint8Array.from([0, 9, 1, 2]), 0, 'Outer');
  const e2 = thrown(() => r2.vec16('list'));
  assert.equal(e2.message, 'Truncated: Outer.list: need 7 more bytes @2');

  const deep = new ByteReader(Uint8Array.from([3, 2, 0, 1, 9]), 0, 'A').vec8('b').vec8('c');
  const fork = deep.fork();
  assert.equal(fork.path, 'A.b.c');
  assert.equal(thrown(() => fork.u8s() && fork.u8('x')).message, 'Truncated: A.b.c.x: need 1 more byte @4');
  assert.equal(thrown(() => new ByteReader(new Uint8Array(0), 7, '').vec8()).message, 'Truncated: length: need 1 more byte @7');
  assert.equal(thrown(() => new ByteReader(Uint8Array.from([0, 1, 7]), 0, 'L').vec16('odd').u16s()).message, 'Malformed: L.odd: length 1 is not a multiple of 2 @2');
});

test('an extension that fails names itself and the field in its error', () => {
  const block = [...ext(0, []), ...ext(10, vec16([...u16list([29]), 0])), ...ext(13, [0, 8, 4])];
  const list = decodeExtensions(new ByteReader(Uint8Array.from(vec16(block)), 10, 'client_hello'), 'client_hello', {} as ExtensionTarget);
  assert.equal(list[1]!.error, 'Malformed: client_hello.extensions.extensions[1](supported_groups).named_group_list: length 3 is not a multiple of 2 @22');
  assert.equal(list[2]!.error, 'Truncated: client_hello.extensions.extensions[2](signature_algorithms).supported_signature_algorithms: need 7 more bytes @31');
  const cut = thrown(() => decodeExtensions(new ByteReader(Uint8Array.from([0, 3, 0, 10, 0]), 0, 'client_hello'), 'client_hello', {} as ExtensionTarget));
  assert.ok(cut instanceof Truncated || cut instanceof Malformed);
  assert.equal(cut.message, 'Truncated: client_hello.extensions.extensions[0](supported_groups).length: need 1 more byte @4');
});

test('reset re-points one reader at another buffer and range, with its bounds and label', () => {
  const r = new ByteReader(new Uint8Array(0), 0, 'IP');
  const a = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  assert.equal(r.reset(a, 2, 5), r);
  assert.equal(r.offset, 2);
  assert.equal(r.remaining, 3);
  assert.equal(r.u16(), 0x0304);
  assert.equal(thrown(() => r.u16('total')).message, 'Truncated: IP.total: need 1 more byte @4');
  // The base moves the offsets errors carry (a file offset, say) and nothing else.
  r.reset(a, 0, 2, 1000);
  assert.equal(r.offset, 1000);
  assert.equal(r.u16(), 0x0102);
  assert.ok(r.done);
  assert.equal(thrown(() => r.reset(a, 0, 7, 1000)).message, 'Truncated: IP: need 1 more byte @1006');
  assert.ok(thrown(() => r.reset(a, 4, 3)) instanceof RangeError);
  assert.ok(thrown(() => r.reset(a, -1)) instanceof RangeError);
  // A failed reset leaves the reader as it was.
  assert.equal(r.offset, 1002);
  assert.equal(r.reset(a).remaining, 6);
});

test('reads at a distance: big- and little-endian, position unmoved, bounded by the end', () => {
  const bytes = Uint8Array.from([0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
  const r = new ByteReader(bytes, 50, 'EPB', 1, 7);
  assert.equal(r.u8At(0), 0x12);
  assert.equal(r.u16At(1), 0x3456);
  assert.equal(r.u32At(2), 0x56789abc);
  assert.equal(r.u16leAt(1), 0x5634);
  assert.equal(r.u32leAt(2), 0xbc9a7856);
  assert.equal(r.u32At(0), 0x12345678);
  assert.equal(r.u32leAt(0), 0x78563412);
  assert.equal(r.offset, 51);
  r.skip(1);
  assert.equal(r.u8At(4), 0xbc);
  // byte 7 (0xde) is past the reader's end although it is in the buffer
  assert.equal(thrown(() => r.u8At(5, 'x')).message, 'Truncated: EPB.x: need 1 more byte @57');
  assert.equal(thrown(() => r.u32At(3, 'caplen')).message, 'Truncated: EPB.caplen: need 2 more bytes @55');
  assert.equal(thrown(() => r.u16leAt(9)).message, 'Truncated: EPB: need 6 more bytes @61');
  assert.ok(thrown(() => r.u32leAt(4)) instanceof Truncated);
  assert.ok(thrown(() => r.u16At(-1)) instanceof RangeError);
  assert.equal(r.u32At(1), 0x56789abc);
  assert.equal(r.u32leAt(1), 0xbc9a7856);
  assert.equal(r.offset, 52);
});
