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
