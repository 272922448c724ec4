// The session's locate layer on its own (src/tls/session/locate.ts), with hand-built bytes whose
// meaning is known from how they were built.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as b from '../../helpers/tls-bytes.js';
import { Locator, describePlaintext, type Located } from '../../../src/tls/session/locate.js';
import { plausibleHeader } from '../../../src/tls/session/record.js';
import { MAX_PLAINTEXT_SCAN } from '../../../src/limits.js';

const bytes = (a: number[]) => Uint8Array.from(a);

describe('locate', () => {
  it('a record header at the start: found at 0, nothing skipped', () => {
    const l = new Locator();
    const r = l.push(bytes(b.record(22, b.handshake(1, [0, 0]))), 0, false);
    assert.equal(r.kind, 'found');
    assert.deepEqual([r.kind === 'found' && r.framing, r.kind === 'found' && r.skip, r.kind === 'found' && r.hello], ['records', 0, true]);
  });

  it('an SSLv2 CLIENT-HELLO header is SSLv2 framing', () => {
    const r = new Locator().push(bytes([0x80, 0x2e, 0x01, 0x03, 0x01, ...new Array(20).fill(0)]), 0, false);
    assert.equal(r.kind === 'found' && r.framing, 'sslv2');
  });

  it('a STARTTLS preamble is skipped up to the ClientHello record, however the bytes are chunked', () => {
    const pre = b.ascii('EHLO x\r\n250 ok\r\nSTARTTLS\r\n');
    const all = [...pre, ...b.record(22, b.handshake(1, [3, 3, 0, 0]))];
    for (const size of [1, 3, 7, all.length]) {
      const l = new Locator();
      let found: Located | undefined;
      for (let i = 0; i < all.length && found?.kind !== 'found'; i += size) found = l.push(bytes(all.slice(i, i + size)), i, false);
      assert.equal(found?.kind, 'found', `chunk ${size}`);
      if (found?.kind === 'found') assert.equal(found.skip, pre.length, `chunk ${size}`);
    }
  });

  it('gives up on a preamble after MAX_PLAINTEXT_SCAN bytes without a hello', () => {
    const l = new Locator();
    const r = l.push(new Uint8Array(MAX_PLAINTEXT_SCAN + 8).fill(0x41), 0, false);
    assert.deepEqual(r, { kind: 'give-up', phase: 'preamble', bytes: MAX_PLAINTEXT_SCAN + 8 });
  });

  it('resync: a boundary is a plausible header followed by another; a join after the hellos says so', () => {
    const l = new Locator('resync');
    const junk = [0x99, 0x12, 0x34];
    const r = l.push(bytes([...junk, ...b.record(23, [1, 2, 3]), ...b.record(23, [4, 5])]), 0, false);
    assert.equal(r.kind, 'found');
    if (r.kind === 'found') assert.deepEqual([r.skip, r.hello], [junk.length, false]);
    assert.equal(plausibleHeader(23, 3, 3, 0), false, 'an empty record is not a boundary we trust');
  });

  it('a gap drops what was held and looks for a boundary next', () => {
    const l = new Locator();
    l.push(bytes([1, 2]), 0, false);
    assert.equal(l.gap(), 2);
    assert.equal(l.phase, 'resync');
  });

  it('says what plain text is', () => {
    assert.match(describePlaintext('GET / HTTP/1.1\r\n', 80), /^HTTP request/);
    assert.equal(describePlaintext('SSH-2.0-OpenSSH', 40), 'SSH');
    assert.equal(describePlaintext('', 0), 'no data');
  });
});
