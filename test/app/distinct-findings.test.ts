// The replay summary counts each rule once per connection: the id's first position, its last finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { distinctFindings } from '../../src/report/summary.js';
import type { Finding } from '../../src/tls/model.js';

test('distinctFindings gives what a Map keyed by id gives', () => {
  const finding = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd'),
    severity: fc.constantFrom<Finding['severity']>('error', 'warning', 'info'),
    title: fc.string({ maxLength: 3 }),
    detail: fc.string({ maxLength: 3 }),
  });
  fc.assert(
    fc.property(fc.array(finding, { maxLength: 12 }), (list) => {
      assert.deepEqual(distinctFindings(list), [...new Map(list.map((f) => [f.id, f])).values()]);
      for (const [i, f] of distinctFindings(list).entries()) assert.equal(f, [...new Map(list.map((x) => [x.id, x])).values()][i]);
    }),
    { seed: 20261126, numRuns: 2000 },
  );
});
