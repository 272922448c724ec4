// The session's handshake decoders layer on its own (src/tls/session/handshake.ts): inputs built by hand, so the
// expected answer is known from how they were made.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageDecoder } from '../../../src/tls/session/handshake.js';

describe('handshake decoders', () => {
  it('a registry by HandshakeType: every message we read has one (the TLS 1.3 ones for decrypted records), others none', () => {
    for (const t of [0, 1, 2, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 22, 24]) assert.equal(typeof messageDecoder(t), 'function', String(t));
    for (const t of [3, 7, 99]) assert.equal(messageDecoder(t), undefined, String(t));
  });
});
