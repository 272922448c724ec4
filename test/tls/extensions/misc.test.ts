// src/tls/extensions/misc.ts: extensions that are flags or opaque blobs, reported by presence and
// size, never contents. Hand-built extension_data laid out as each RFC defines it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Malformed, Truncated } from '../../../src/bytes/errors.js';
import * as misc from '../../../src/tls/extensions/misc.js';
import * as b from '../../helpers/tls-bytes.js';
import { decode } from './helpers.js';

test('status_request (RFC 6066 §8): CertificateStatusRequest with status_type ocsp (1) and its OCSPStatusRequest walked', () => {
  // OCSPStatusRequest { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions<0..2^16-1> }
  assert.deepEqual(decode(misc.statusRequest, [1, ...b.vec16([]), ...b.vec16([])]), { statusRequest: { type: 1 } });
  const responderIds = [...b.vec16([0x30, 0x00]), ...b.vec16([0x30, 0x02, 0x05, 0x00])];
  assert.deepEqual(decode(misc.statusRequest, [1, ...b.vec16(responderIds), ...b.vec16([0x30, 0x00])]), { statusRequest: { type: 1 } });
  // Another status_type: its request is opaque here, all of it taken.
  assert.deepEqual(decode(misc.statusRequest, [2, 9, 9, 9]), { statusRequest: { type: 2 } });
});

test('status_request: the server\'s acknowledgement is empty; a client\'s OCSP request needs both lists', () => {
  assert.deepEqual(decode(misc.statusRequest, [], 'server_hello'), { statusRequest: { type: 0 } });
  assert.throws(() => decode(misc.statusRequest, []), (e: unknown) => e instanceof Truncated && /status_type/.test(e.message));
  assert.throws(() => decode(misc.statusRequest, [1, ...b.vec16([])]), (e: unknown) => e instanceof Truncated && /request_extensions/.test(e.message));
  assert.throws(() => decode(misc.statusRequest, [1, ...b.vec16([]), ...b.vec16([]), 0]), (e: unknown) => e instanceof Malformed && /1 unexpected trailing byte/.test(e.message));
});

test('session_ticket (RFC 5077 §3.2): empty asks for a ticket, otherwise the ticket\'s length', () => {
  assert.deepEqual(decode(misc.sessionTicket, []), { sessionTicket: { length: 0 } });
  assert.deepEqual(decode(misc.sessionTicket, new Array(192).fill(0xa5)), { sessionTicket: { length: 192 } });
});

test('extended_master_secret (RFC 7627 §5.1) and encrypt_then_mac (RFC 7366 §2): empty flags; a body is malformed', () => {
  assert.deepEqual(decode(misc.extendedMasterSecret, []), { extendedMasterSecret: true });
  assert.deepEqual(decode(misc.encryptThenMac, []), { encryptThenMac: true });
  assert.throws(() => decode(misc.extendedMasterSecret, [0]), (e: unknown) => e instanceof Malformed && /1 unexpected trailing byte/.test(e.message));
  assert.throws(() => decode(misc.encryptThenMac, [0, 0]), (e: unknown) => e instanceof Malformed && /2 unexpected trailing byte/.test(e.message));
});

test('renegotiation_info (RFC 5746 §3.2): renegotiated_connection is empty on an initial handshake, the verify_data on a renegotiation', () => {
  assert.deepEqual(decode(misc.renegotiationInfo, b.vec8([])), { renegotiationInfo: { length: 0 } });
  // §3.5/§3.6: the client sends client_verify_data (12 bytes in TLS 1.0-1.2), the server both (24).
  assert.deepEqual(decode(misc.renegotiationInfo, b.vec8(new Array(12).fill(1))), { renegotiationInfo: { length: 12 } });
  assert.deepEqual(decode(misc.renegotiationInfo, b.vec8(new Array(24).fill(2)), 'server_hello'), { renegotiationInfo: { length: 24 } });
  assert.throws(() => decode(misc.renegotiationInfo, []), (e: unknown) => e instanceof Truncated && /renegotiated_connection/.test(e.message));
  assert.throws(() => decode(misc.renegotiationInfo, [12, 1, 2]), Truncated);
});

test('padding (RFC 7685 §3): zero bytes of any length, none included', () => {
  assert.deepEqual(decode(misc.padding, []), { padding: { length: 0 } });
  assert.deepEqual(decode(misc.padding, new Array(203).fill(0)), { padding: { length: 203 } });
});

test('record_size_limit (RFC 8449 §4): one uint16', () => {
  // 2^14 + 1: the TLS 1.3 limit, which counts the content type byte.
  assert.deepEqual(decode(misc.recordSizeLimit, [0x40, 0x01]), { recordSizeLimit: 16385 });
  assert.deepEqual(decode(misc.recordSizeLimit, [0x00, 0x40]), { recordSizeLimit: 64 });
  assert.throws(() => decode(misc.recordSizeLimit, [0x40]), (e: unknown) => e instanceof Truncated && /RecordSizeLimit/.test(e.message));
  assert.throws(() => decode(misc.recordSizeLimit, [0x40, 0x01, 0]), Malformed);
});

test('heartbeat (RFC 6520 §2): one HeartbeatMode byte', () => {
  assert.deepEqual(decode(misc.heartbeat, [1]), { heartbeat: { mode: 1 } }); // peer_allowed_to_send
  assert.deepEqual(decode(misc.heartbeat, [2], 'server_hello'), { heartbeat: { mode: 2 } }); // peer_not_allowed_to_send
  assert.throws(() => decode(misc.heartbeat, []), (e: unknown) => e instanceof Truncated && /mode/.test(e.message));
  assert.throws(() => decode(misc.heartbeat, [1, 1]), Malformed);
});

test('signed_certificate_timestamp (RFC 6962 §3.3.1): empty from the client, the SignedCertificateTimestampList\'s size from the server', () => {
  assert.deepEqual(decode(misc.signedCertificateTimestamp, []), { signedCertificateTimestamp: { length: 0 } });
  const sct = new Array(118).fill(7);
  assert.deepEqual(decode(misc.signedCertificateTimestamp, b.vec16(b.vec16(sct)), 'server_hello'), { signedCertificateTimestamp: { length: 2 + 2 + 118 } });
});

test('encrypted_client_hello (draft-ietf-tls-esni): presence and size only', () => {
  assert.deepEqual(decode(misc.encryptedClientHello, [0, 0, 1, 0, 1, 7]), { encryptedClientHello: { length: 6 } });
  assert.deepEqual(decode(misc.encryptedClientHello, [], 'hello_retry_request'), { encryptedClientHello: { length: 0 } });
});
