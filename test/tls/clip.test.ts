// clipConnection remembers deep-frozen subtrees it has walked without a cut (interned code
// points, shared certificates); a frozen object whose child can still change must be walked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipConnection } from '../../src/tls/clip.js';
import { MAX_OUTPUT_LIST, MAX_OUTPUT_STRING } from '../../src/limits.js';
import type { Connection } from '../../src/tls/model.js';

const conn = (extra: Record<string, unknown>): Connection =>
  ({ source: 'replay', id: 1, client: 'a:1', server: 'b:2', tls: true, alerts: [], messages: [], complete: false, errors: [], ...extra }) as unknown as Connection;

test('a frozen object with a mutable child is clipped when the child grows past the cap', () => {
  const child = { list: [1, 2, 3] };
  const shared = Object.freeze({ child });
  assert.deepEqual(clipConnection(conn({ x: shared })).errors, []);
  child.list = Array.from({ length: MAX_OUTPUT_LIST + 5 }, (_, i) => i);
  const c = clipConnection(conn({ x: shared })) as unknown as { x: { child: { list: number[] } }; errors: { message: string }[] };
  assert.equal(c.x.child.list.length, MAX_OUTPUT_LIST);
  assert.match(c.errors[0]!.message, /^LimitExceeded: x\.child\.list has 517 entries/);
});

test('a deep-frozen subtree within the caps is returned as is, twice; an over-long string in one is cut each time', () => {
  const ok = Object.freeze({ name: 'short', inner: Object.freeze([Object.freeze({ code: 1 })]) });
  for (let i = 0; i < 2; i++) assert.equal((clipConnection(conn({ ok })) as unknown as { ok: unknown }).ok, ok);
  const long = Object.freeze({ name: 'x'.repeat(MAX_OUTPUT_STRING + 1) });
  for (let i = 0; i < 2; i++) {
    const c = clipConnection(conn({ long })) as unknown as { long: { name: string }; errors: { message: string }[] };
    assert.equal(c.long.name.length, MAX_OUTPUT_STRING);
    assert.match(c.errors[0]!.message, /^LimitExceeded: long\.name is 1025 characters/);
  }
});
