// The session's handshake reassembly layer on its own (src/tls/session/defrag.ts), with hand-built bytes whose
// meaning is known from how they were built.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as b from '../../helpers/tls-bytes.js';
import { Defragmenter } from '../../../src/tls/session/defrag.js';
import { MAX_HANDSHAKE_MESSAGE } from '../../../src/limits.js';

const bytes = (a: number[]) => Uint8Array.from(a);

describe('handshake reassembly', () => {
  it('a message across records comes out whole, at its offset', () => {
    const d = new Defragmenter();
    const msg = b.handshake(11, new Array(10).fill(7));
    d.push(bytes(msg.slice(0, 6)), 100);
    assert.equal(d.next(false), undefined);
    d.push(bytes(msg.slice(6)), 106);
    const m = d.next(true);
    assert.equal(m?.kind, 'message');
    if (m?.kind === 'message') assert.deepEqual([m.type, m.offset, m.body.length, [...m.header!]], [11, 100, 10, [11, 0, 0, 10]]);
    assert.equal(d.next(false), undefined);
  });

  it('an over-long message is reported once and its bytes skipped as they come', () => {
    const d = new Defragmenter();
    const n = MAX_HANDSHAKE_MESSAGE + 1;
    d.push(bytes([11, n >> 16, (n >> 8) & 0xff, n & 0xff, 1, 2, 3]), 0);
    assert.deepEqual(d.next(false), { kind: 'too-large', type: 11, length: n, offset: 0 });
    assert.equal(d.next(false), undefined);
    assert.equal(d.length, 0, 'the bytes seen so far are skipped');
  });

  it('after a gap it waits for a record that starts a message', () => {
    const d = new Defragmenter();
    d.push(bytes([11, 0, 0, 9, 1]), 0);
    d.lose();
    d.push(bytes([5, 5]), 20);
    assert.equal(d.length, 0, 'ignored while desynchronised');
    d.recordStart();
    d.push(bytes(b.handshake(14, [])), 30);
    assert.equal(d.next(false)?.kind, 'message');
  });
});
