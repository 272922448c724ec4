// BoundedMap: never more than `max` entries; a new key at the bound starts it over, a key it
// already holds is replaced in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../../src/util/bounded-map.js';

test('BoundedMap holds at most max entries and starts over when a new key would pass it', () => {
  const m = new BoundedMap<number, string>(3);
  for (let i = 0; i < 3; i++) m.set(i, `v${i}`);
  assert.equal(m.size, 3);
  m.set(1, 'again'); // a key it has: replaced, nothing forgotten
  assert.deepEqual([...m], [[0, 'v0'], [1, 'again'], [2, 'v2']]);
  m.set(3, 'v3'); // a new key at the bound: only it remains
  assert.deepEqual([...m], [[3, 'v3']]);
  for (let i = 0; i < 1000; i++) {
    m.set(i, String(i));
    assert.ok(m.size <= 3);
  }
});
