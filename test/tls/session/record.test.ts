// The session's record framing layer on its own (src/tls/session/record.ts), with hand-built bytes whose
// meaning is known from how they were built.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as b from '../../helpers/tls-bytes.js';
import { RecordFramer, Route, type RecordOwner } from '../../../src/tls/session/record.js';

const bytes = (a: number[]) => Uint8Array.from(a);

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
