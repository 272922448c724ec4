// The session's layers on their own (src/tls/session/): each is small enough to test with
// hand-built bytes whose meaning is known from how they were built.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as b from '../../helpers/tls-bytes.js';
import { Locator, describePlaintext, type Located } from '../../../src/tls/session/locate.js';
import { RecordFramer, Route, plausibleHeader, type RecordOwner } from '../../../src/tls/session/record.js';
import { Defragmenter } from '../../../src/tls/session/defrag.js';
import { Protection } from '../../../src/tls/session/protection.js';
import { isDecided, isTls13Version, transition, versionOf, type Phase, type StateEvent } from '../../../src/tls/session/state.js';
import { aeadTagLength, alertSized, judgeOutcome, type OutcomeFacts } from '../../../src/tls/session/outcome.js';
import { messageDecoder } from '../../../src/tls/session/handshake.js';
import { MAX_HANDSHAKE_MESSAGE, MAX_PLAINTEXT_SCAN } from '../../../src/limits.js';

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

describe('record framing', () => {
  /** Collects what the framer hands over; routes handshake records to the reassembler, alerts to Collect. */
  function owner(): RecordOwner & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      recordStart(f) {
        f.route = f.type === 22 ? Route.Handshake : f.type === 21 ? Route.Collect : Route.Skip;
        f.protected = f.type === 23;
        log.push(`start ${f.type} ${f.length} @${f.headerOffset}`);
        return f.type !== 99;
      },
      handshakeBytes: (x, at) => log.push(`hs ${x.length} @${at}`),
      protectedBytes: (n) => log.push(`protected ${n}`),
      recordEnd: (_f, type, body) => log.push(`end ${type}${body ? ` [${[...body].join(',')}]` : ''}`),
    };
  }
  const stream = [...b.record(22, [1, 0, 0, 0]), ...b.record(21, [2, 40]), ...b.record(23, [9, 9, 9])];

  it('one chunk and one byte at a time give the same records, bodies and offsets', () => {
    const whole = owner();
    new RecordFramer().feed(bytes(stream), whole);
    assert.deepEqual(whole.log.filter((l) => !l.startsWith('hs') && !l.startsWith('protected')), [
      'start 22 4 @0', 'end 22', 'start 21 2 @9', 'end 21 [2,40]', 'start 23 3 @16', 'end 23',
    ]);
    const dribble = owner();
    const f = new RecordFramer();
    for (const x of stream) f.feed(bytes([x]), dribble);
    const merged = (log: string[]) => log.filter((l) => l.startsWith('start') || l.startsWith('end'));
    assert.deepEqual(merged(dribble.log), merged(whole.log));
    const count = (log: string[], what: string) => log.filter((l) => l.startsWith(what)).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    assert.equal(count(dribble.log, 'hs'), 4);
    assert.equal(count(dribble.log, 'protected'), 3);
    assert.equal(f.offset, stream.length);
  });

  it('stops at a header that is not TLS and returns the bytes left', () => {
    const o = owner();
    const left = new RecordFramer().feed(bytes([...b.record(99, [1, 2, 3])]), o);
    assert.equal(left, 3);
  });
});

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

describe('state', () => {
  const run = (events: StateEvent[]): Phase => events.reduce(transition, 'idle' as Phase);
  it('TLS 1.2: established when both sides protect their records', () => {
    assert.equal(run([{ kind: 'client-hello' }, { kind: 'server-hello', version: 'tls1.2' }, { kind: 'protected', both: false }]), 'keyed');
    assert.equal(run([{ kind: 'client-hello' }, { kind: 'server-hello', version: 'tls1.2' }, { kind: 'protected', both: false }, { kind: 'protected', both: true }]), 'established');
  });
  it('TLS 1.3: the client\'s flight alone does not decide; the server sending on does', () => {
    const flight = run([{ kind: 'client-hello' }, { kind: 'server-hello', version: 'tls1.3' }, { kind: 'client-flight' }]);
    assert.deepEqual([flight, isDecided(flight)], ['flight', false]);
    const done = transition(flight, { kind: 'server-answer' });
    assert.deepEqual([done, isDecided(done)], ['established', true]);
  });
  it('a fatal alert ends it for good', () => {
    const p = run([{ kind: 'client-hello' }, { kind: 'fatal-alert' }, { kind: 'server-hello', version: 'tls1.2' }, { kind: 'protected', both: true }]);
    assert.equal(p, 'alerted');
  });
  it('versions: TLS 1.3 and its drafts are one answer', () => {
    for (const v of [0x0304, 0x7f17, 0xfb17, 0xfb1a]) assert.equal(isTls13Version(v), true, v.toString(16));
    assert.deepEqual([0x0300, 0x0301, 0x0302, 0x0303, 0x0002, 0x0305].map(versionOf), ['ssl3', 'tls1.0', 'tls1.1', 'tls1.2', 'sslv2', 'other']);
  });
});

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

describe('handshake decoders', () => {
  it('a registry by HandshakeType: every message we read has one (the TLS 1.3 ones for decrypted records), others none', () => {
    for (const t of [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24]) assert.equal(typeof messageDecoder(t), 'function', String(t));
    for (const t of [3, 7, 99]) assert.equal(messageDecoder(t), undefined, String(t));
  });
});
