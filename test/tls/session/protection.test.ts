// The session's protection layer on its own (src/tls/session/protection.ts): inputs built by hand, so the
// expected answer is known from how they were made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Protection } from '../../../src/tls/session/protection.js';

describe('protection', () => {
  it('counts protected records and bytes into the direction stats; a mid-stream join is undecided until shown', () => {
    const stats = { bytes: 0, preambleBytes: 0, records: {}, encryptedRecords: 0, encryptedBytes: 0, encrypted: false };
    const p = new Protection(stats);
    assert.equal(p.state, 'plaintext');
    p.joinedMidstream();
    assert.equal(p.state, 'undecided');
    p.decide(true);
    assert.equal(p.state, 'protected');
    p.record();
    p.body(40);
    assert.deepEqual([stats.encrypted, stats.encryptedRecords, stats.encryptedBytes], [true, 1, 40]);
  });
});
