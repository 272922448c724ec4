// The session's state layer on its own (src/tls/session/state.ts): inputs built by hand, so the
// expected answer is known from how they were made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDecided, isTls13Version, transition, versionOf, type Phase, type StateEvent } from '../../../src/tls/session/state.js';

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
