// src/tls/extensions/tls13.ts: key_share, pre_shared_key, cookie, early_data and
// post_handshake_auth (RFC 8446 §4.2). Hand-built extension_data; key sizes are those RFC 8446
// §4.2.8.2 and the hybrid draft give for each group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Malformed, Truncated } from '../../../src/bytes/errors.js';
import * as tls13 from '../../../src/tls/extensions/tls13.js';
import * as b from '../../helpers/tls-bytes.js';
import { decode } from './helpers.js';

/** KeyShareEntry { NamedGroup group; opaque key_exchange<1..2^16-1> } with a key of `n` bytes. */
const entry = (group: number, n: number) => [...b.u16(group), ...b.vec16(new Array(n).fill(group & 0xff))];
const shares = (list?: readonly { group: { name: string }; keyLength: number }[]) => list?.map((k) => [k.group.name, k.keyLength]);

test('key_share (RFC 8446 §4.2.8): client_shares in the ClientHello, each group with its key size', () => {
  // x25519: 32 bytes (RFC 7748); secp256r1: 65, the uncompressed point 04 || X || Y (§4.2.8.2);
  // X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): 1184-byte ML-KEM key + 32; GREASE with one byte.
  const out = decode(tls13.keyShare, b.vec16([...entry(0x11ec, 1216), ...entry(0x001d, 32), ...entry(0x0017, 65), ...entry(0x2a2a, 1)]));
  assert.deepEqual(shares(out.keyShares), [['X25519MLKEM768', 1216], ['x25519', 32], ['secp256r1', 65], ['GREASE', 1]]);
  assert.equal(out.keyShare, undefined);
  // An empty client_shares asks the server to choose (and answer with a HelloRetryRequest).
  assert.deepEqual(decode(tls13.keyShare, b.vec16([])).keyShares, []);
});

test('key_share: one server_share in the ServerHello, selected_group alone in the HelloRetryRequest', () => {
  const sh = decode(tls13.keyShare, entry(0x001d, 32), 'server_hello');
  assert.deepEqual(sh.keyShare && [sh.keyShare.group.name, sh.keyShare.keyLength], ['x25519', 32]);
  assert.equal(sh.keyShares, undefined);
  // X25519MLKEM768's server share: a 1088-byte ML-KEM ciphertext + 32.
  assert.equal(decode(tls13.keyShare, entry(0x11ec, 1120), 'server_hello').keyShare?.keyLength, 1120);
  const hrr = decode(tls13.keyShare, b.u16(0x0018), 'hello_retry_request');
  assert.deepEqual(hrr.selectedGroup, { code: 0x0018, name: 'secp384r1' });
  assert.equal(hrr.keyShare, undefined);
});

test('key_share: a key_exchange longer than the entry is truncated; a server_share with bytes after it malformed', () => {
  assert.throws(() => decode(tls13.keyShare, b.vec16([...b.u16(29), ...b.u16(32), 1, 2, 3])), (e: unknown) => e instanceof Truncated && /key_exchange/.test(e.message));
  assert.throws(() => decode(tls13.keyShare, [...entry(29, 32), 0], 'server_hello'), (e: unknown) => e instanceof Malformed && /1 unexpected trailing byte/.test(e.message));
  assert.throws(() => decode(tls13.keyShare, [0], 'hello_retry_request'), (e: unknown) => e instanceof Truncated && /selected_group/.test(e.message));
});

/** PskIdentity { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age }. */
const identity = (n: number, age: number) => [...b.vec16(new Array(n).fill(0x11)), ...b.u32(age)];

test('pre_shared_key (RFC 8446 §4.2.11): OfferedPsks in the ClientHello, its identities counted and its binders walked', () => {
  // Two tickets; binders are HMACs of the suite's hash: 32 bytes for SHA-256, 48 for SHA-384.
  const offered = [...b.vec16([...identity(192, 0x01020304), ...identity(64, 7)]), ...b.vec16([...b.vec8(new Array(32).fill(0)), ...b.vec8(new Array(48).fill(0))])];
  assert.deepEqual(decode(tls13.preSharedKey, offered), { preSharedKey: { identities: 2 } });
  const binderCut = [...b.vec16(identity(16, 0)), ...b.u16(34), ...b.vec8(new Array(32).fill(0))];
  assert.throws(() => decode(tls13.preSharedKey, binderCut), (e: unknown) => e instanceof Truncated && /binders/.test(e.message));
  const ageCut = [...b.u16(18), ...b.vec16(new Array(16).fill(0))];
  assert.throws(() => decode(tls13.preSharedKey, ageCut), (e: unknown) => e instanceof Truncated && /obfuscated_ticket_age/.test(e.message));
});

test('pre_shared_key: selected_identity in the ServerHello', () => {
  assert.deepEqual(decode(tls13.preSharedKey, b.u16(1), 'server_hello'), { selectedIdentity: 1 });
  assert.throws(() => decode(tls13.preSharedKey, [0], 'server_hello'), Truncated);
});

test('cookie (RFC 8446 §4.2.2): opaque cookie<1..2^16-1>, its length', () => {
  assert.deepEqual(decode(tls13.cookie, b.vec16(new Array(100).fill(0x5a)), 'hello_retry_request'), { cookie: { length: 100 } });
  assert.deepEqual(decode(tls13.cookie, b.vec16([9, 9])), { cookie: { length: 2 } });
  assert.throws(() => decode(tls13.cookie, [0, 5, 1]), (e: unknown) => e instanceof Truncated && /cookie/.test(e.message));
});

test('early_data (RFC 8446 §4.2.10) and post_handshake_auth (§4.2.6): empty flags in the ClientHello', () => {
  assert.deepEqual(decode(tls13.earlyData, []), { earlyData: true });
  assert.deepEqual(decode(tls13.postHandshakeAuth, []), { postHandshakeAuth: true });
  // max_early_data_size belongs to NewSessionTicket only: four bytes here are left over.
  assert.throws(() => decode(tls13.earlyData, b.u32(16384)), (e: unknown) => e instanceof Malformed && /4 unexpected trailing byte/.test(e.message));
  assert.throws(() => decode(tls13.postHandshakeAuth, [0]), Malformed);
});
