// The session's outcome layer on its own (src/tls/session/outcome.ts): inputs built by hand, so the
// expected answer is known from how they were made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aeadTagLength, alertSized, judgeOutcome, type OutcomeFacts } from '../../../src/tls/session/outcome.js';

describe('outcome', () => {
  const base: OutcomeFacts = { tls: true, phase: 'established', tls13: false, midstream: false, gapBytes: 0, closes: [], tagLength: 16, fatal: undefined, flight: undefined, after: undefined, finishedBoth: false };
  it('alert sizes: 2 bytes, the inner content type and the tag', () => {
    assert.equal(aeadTagLength(0x1301), 16);
    assert.equal(aeadTagLength(0x1305), 8);
    assert.equal(alertSized(19, 16), true);
    assert.equal(alertSized(11, 8), true);
    assert.equal(alertSized(53, 16), false, 'a Finished record');
  });
  it('seen: a fatal alert, both Finished; aborted and incomplete are told apart by a close', () => {
    assert.deepEqual(judgeOutcome({ ...base, phase: 'alerted', fatal: { from: 'server', description: 'handshake_failure', afterPeerClose: false } }).outcome, 'failed');
    assert.deepEqual(judgeOutcome(base).outcome, 'complete');
    assert.deepEqual(judgeOutcome({ ...base, phase: 'negotiated', closes: [{ from: 'client', how: 'rst' }] }).outcome, 'aborted');
    assert.deepEqual(judgeOutcome({ ...base, phase: 'negotiated' }).outcome, 'incomplete');
    assert.deepEqual(judgeOutcome({ ...base, phase: 'negotiated', gapBytes: 10, closes: [{ from: 'client', how: 'fin' }] }).outcome, 'incomplete');
  });
  it('a server alert that answers the client\'s close is the client\'s abort', () => {
    const j = judgeOutcome({ ...base, phase: 'alerted', closes: [{ from: 'client', how: 'fin' }], fatal: { from: 'server', description: 'decode_error', afterPeerClose: true } });
    assert.deepEqual([j.outcome, j.basis], ['aborted', 'seen']);
    assert.match(j.detail, /only answered that/);
  });
  it('mid-stream is never complete', () => {
    assert.equal(judgeOutcome({ ...base, midstream: true }).outcome, 'incomplete');
  });
  it('TLS 1.2: an encrypted server alert right after the handshake, then a close, is a likely failure', () => {
    const j = judgeOutcome({ ...base, after: { from: 'server', type: 21, more: 0 }, closes: [{ from: 'server', how: 'fin' }] });
    assert.deepEqual([j.outcome, j.basis], ['failed', 'inferred']);
    assert.equal(judgeOutcome({ ...base, after: { from: 'server', type: 23, more: 3 }, closes: [{ from: 'server', how: 'fin' }] }).outcome, 'complete');
  });
});
