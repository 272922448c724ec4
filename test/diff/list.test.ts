import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLists, describeChange, longestIncreasing, uniqueKeys, type ListItem } from '../../src/diff/list.js';

const items = (...keys: string[]): ListItem[] => keys.map((key) => ({ key }));

test('longestIncreasing picks one longest run, earliest on ties', () => {
  assert.deepEqual(longestIncreasing([]), []);
  assert.deepEqual(longestIncreasing([0, 1, 2]), [0, 1, 2]);
  assert.deepEqual(longestIncreasing([2, 1, 0]), [2]);
  assert.deepEqual(longestIncreasing([1, 0]), [1]);
  assert.deepEqual(
    longestIncreasing([3, 0, 1, 4, 2]).map((i) => [3, 0, 1, 4, 2][i]),
    [0, 1, 2],
  );
});

test('removing items before another does not make it "moved"', () => {
  const c = compareLists(items('a', 'pss1', 'pss2', 'b', 'c'), items('a', 'b', 'c'), true);
  assert.deepEqual(c.removed, [
    { item: 'pss1', from: 2 },
    { item: 'pss2', from: 3 },
  ]);
  assert.deepEqual(c.moved, []);
  assert.deepEqual(c.added, []);
  assert.equal(describeChange(c), '2 removed');
});

test('a reordering reports the fewest moved items, with both positions', () => {
  // pss first → pss last: one item moved, the rest keep their relative order.
  const c = compareLists(items('pss', 'pkcs1', 'ecdsa'), items('pkcs1', 'ecdsa', 'pss'), true);
  assert.deepEqual(c.moved, [{ item: 'pss', from: 1, to: 3 }]);
  assert.equal(describeChange(c), '1 moved');
  const swap = compareLists(items('a', 'b'), items('b', 'a'), true);
  assert.equal(swap.moved.length, 1);
});

test('added, removed and moved together; absent list compares as empty', () => {
  const c = compareLists(items('a', 'b', 'c'), items('c', 'a', 'd'), true);
  assert.deepEqual(c.added, [{ item: 'd', at: 3 }]);
  assert.deepEqual(c.removed, [{ item: 'b', from: 2 }]);
  // [a, c] against [c, a]: one of the two moved (the run kept is the one with c first).
  assert.deepEqual(c.moved, [{ item: 'a', from: 1, to: 2 }]);
  assert.equal(describeChange(c), '1 added, 1 removed, 1 moved');
  assert.deepEqual(compareLists(null, items('x'), true).added, [{ item: 'x', at: 1 }]);
  assert.deepEqual(compareLists(items('x'), null, true).removed, [{ item: 'x', from: 1 }]);
});

test('unordered lists never report moves, only value changes', () => {
  const a: ListItem[] = [
    { key: 'r1', value: 'warning' },
    { key: 'r2', value: 'error' },
  ];
  const b: ListItem[] = [
    { key: 'r2', value: 'error' },
    { key: 'r1', value: 'error' },
  ];
  const c = compareLists(a, b, false);
  assert.deepEqual(c.moved, []);
  assert.deepEqual(c.changed, [{ item: 'r1', from: 'warning', to: 'error' }]);
});

test('repeated names (two GREASE values) stay distinct keys', () => {
  assert.deepEqual(uniqueKeys(['GREASE', 'x', 'GREASE', 'GREASE']), ['GREASE', 'x', 'GREASE (2)', 'GREASE (3)']);
  const c = compareLists(items(...uniqueKeys(['GREASE', 'a', 'GREASE'])), items(...uniqueKeys(['GREASE', 'a'])), true);
  assert.deepEqual(c.removed, [{ item: 'GREASE (2)', from: 3 }]);
});
