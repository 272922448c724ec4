// FifoMap behaves as a Map whose oldest entry is `map.keys().next().value`, on random operations,
// and as such a Map that drops that entry when a new key would take it past its bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FifoMap } from '../../src/util/fifo-map.js';

type Op = { op: 'set'; key: string; value: number } | { op: 'delete'; key: string } | { op: 'oldest' } | { op: 'clear' };

test('FifoMap agrees with a Map on set, delete, deleteOldest and clear', () => {
  const key = fc.integer({ min: 0, max: 40 }).map((k) => `k${k}`);
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('oldest' as const) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 3000, size: 'max' }), (ops) => {
      const want = new Map<string, number>();
      const got = new FifoMap<string, number>(Infinity); // no bound: the model is a plain Map
      for (const o of ops) {
        if (o.op === 'set') {
          want.set(o.key, o.value);
          got.set(o.key, o.value);
        } else if (o.op === 'delete') {
          assert.equal(got.delete(o.key), want.delete(o.key));
        } else if (o.op === 'oldest') {
          const first = want.keys().next();
          if (!first.done) want.delete(first.value);
          got.deleteOldest();
        } else {
          want.clear();
          got.clear();
        }
        assert.equal(got.size, want.size);
      }
      for (let k = 0; k <= 40; k++) assert.equal(got.get(`k${k}`), want.get(`k${k}`));
      // Draining oldest-first gives Map iteration order.
      const order = [...want.keys()];
      for (const k of order) {
        assert.notEqual(got.get(k), undefined);
        got.deleteOldest();
        assert.equal(got.get(k), undefined, `${k} should have been the oldest`);
      }
      assert.equal(got.size, 0);
    }),
    { seed: 20261126, numRuns: 300 },
  );
});

test('FifoMap keeps the newest 10,000 of 200,000 keys (one drop per insert, stale queue entries rebuilt)', () => {
  const m = new FifoMap<string, number>(Infinity);
  for (let i = 0; i < 10_000; i++) m.set(`k${i}`, i);
  for (let i = 10_000; i < 200_000; i++) {
    m.set(`k${i}`, i);
    m.deleteOldest();
  }
  assert.equal(m.size, 10_000);
  assert.equal(m.get('k189999'), undefined);
  assert.equal(m.get('k190000'), 190_000);
});

test('FifoMap(max) agrees with a Map that drops its first key when a new key would pass max', () => {
  type BoundedOp = { op: 'set'; key: number; value: number } | { op: 'delete'; key: number } | { op: 'get'; key: number } | { op: 'clear' };
  const key = fc.integer({ min: 0, max: 20 });
  const op: fc.Arbitrary<BoundedOp> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 2000, size: 'max' }), (max, ops) => {
      const want = new Map<number, number>();
      const got = new FifoMap<number, number>(max);
      for (const o of ops) {
        if (o.op === 'set') {
          if (!want.has(o.key) && want.size >= max) want.delete(want.keys().next().value!);
          want.set(o.key, o.value);
          assert.equal(got.set(o.key, o.value), got);
        } else if (o.op === 'delete') {
          assert.equal(got.delete(o.key), want.delete(o.key));
        } else if (o.op === 'get') {
          assert.equal(got.get(o.key), want.get(o.key));
          assert.equal(got.has(o.key), want.has(o.key));
        } else {
          want.clear();
          got.clear();
        }
        assert.ok(got.size <= max);
        assert.equal(got.size, want.size);
        assert.equal(got.oldestKey(), want.keys().next().value);
      }
      for (let k = 0; k <= 20; k++) assert.equal(got.get(k), want.get(k));
    }),
    { seed: 20261202, numRuns: 300 },
  );
});

test('FifoMap: a hit does not renew an entry; delete and set again does (least recently used order)', () => {
  const m = new FifoMap<string, number>(3);
  m.set('a', 1).set('b', 2).set('c', 3);
  assert.equal(m.get('a'), 1);
  m.set('d', 4); // 'a' was hit, but is still the oldest
  assert.equal(m.has('a'), false);
  m.delete('b');
  m.set('b', 2); // renewed: now newest
  m.set('a', 1); // a new key past the bound: 'c' goes, not 'b'
  assert.deepEqual(['a', 'b', 'c', 'd'].filter((k) => m.has(k)), ['a', 'b', 'd']);
  m.set('d', 40); // a key it has: replaced in place, nothing dropped
  assert.equal(m.size, 3);
  assert.equal(m.oldestKey(), 'd');
});

test('FifoMap refuses a bound below 1', () => {
  assert.throws(() => new FifoMap(0), RangeError);
  assert.throws(() => new FifoMap(Number.NaN), RangeError);
});
