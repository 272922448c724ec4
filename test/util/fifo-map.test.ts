// FifoMap behaves as a Map whose oldest entry is `map.keys().next().value`, on random operations.
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
      const got = new FifoMap<string, number>();
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
  const m = new FifoMap<string, number>();
  for (let i = 0; i < 10_000; i++) m.set(`k${i}`, i);
  for (let i = 10_000; i < 200_000; i++) {
    m.set(`k${i}`, i);
    m.deleteOldest();
  }
  assert.equal(m.size, 10_000);
  assert.equal(m.get('k189999'), undefined);
  assert.equal(m.get('k190000'), 190_000);
});
