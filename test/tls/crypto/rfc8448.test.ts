// The TLS 1.3 key schedule and record layer against RFC 8448 §3 (Simple 1-RTT Handshake,
// TLS_AES_128_GCM_SHA256): every secret, key and iv the trace lists, derived with our HKDF, and
// every encrypted record of the trace decrypted to the plaintext it shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deriveSecret, hkdfExpandLabel, hkdfExtract } from '../../../src/tls/crypto/hkdf.js';
import { tls13TrafficKeys } from '../../../src/tls/crypto/tls13-keys.js';
import { suiteProtection, type Tls13Suite } from '../../../src/tls/crypto/suite.js';
import { DecryptError, Tls13Decryptor, type Decrypted } from '../../../src/tls/crypto/decryptor.js';
import { connectionDecryption } from '../../../src/tls/crypto/connection.js';
import { ByteReader } from '../../../src/bytes/reader.js';
import { decodeCertificateMessage } from '../../../src/tls/messages/certificate.js';
import { decodeCertificateVerify } from '../../../src/tls/messages/client-auth.js';
import { splitMessages, tls13CertificateData, u24 } from './handshake.js';
import * as V from './rfc8448.js';

const found = suiteProtection(0x1301);
assert.ok(found.ok);
const suite = found.suite as Tls13Suite;

/** A whole record: header fields and body. */
function split(record: Buffer): { type: number; version: number; body: Buffer } {
  assert.equal(record.readUInt16BE(3), record.length - 5, 'record length');
  return { type: record[0]!, version: record.readUInt16BE(1), body: record.subarray(5) };
}

function open(d: { decrypt: Tls13Decryptor['decrypt'] }, record: Buffer, seq: number): Decrypted {
  const { type, version, body } = split(record);
  const r = d.decrypt(type, version, body, seq);
  if (r instanceof DecryptError) assert.fail(r.message);
  return r;
}

test('the suite table: TLS_AES_128_GCM_SHA256 is AES-128-GCM with SHA-256', () => {
  assert.equal(suite.tls13, true);
  assert.equal(suite.hash, 'sha256');
  assert.equal(suite.bulk.node, 'aes-128-gcm');
  assert.equal(suite.bulk.keyLength, 16);
});

test('RFC 8448 §3: the key schedule from the (EC)DHE secret to every traffic secret', () => {
  const zeros = Buffer.alloc(32);
  assert.deepEqual(createHash('sha256').update('').digest(), V.EMPTY_HASH);
  const early = hkdfExtract('sha256', zeros, zeros);
  assert.deepEqual(early, V.EARLY_SECRET, 'extract secret "early"');
  assert.deepEqual(deriveSecret('sha256', early, 'derived', V.EMPTY_HASH), V.DERIVED_FOR_HANDSHAKE, 'derive secret for handshake "tls13 derived"');
  const hs = hkdfExtract('sha256', V.DERIVED_FOR_HANDSHAKE, V.ECDHE_SHARED);
  assert.deepEqual(hs, V.HANDSHAKE_SECRET, 'extract secret "handshake"');
  assert.deepEqual(deriveSecret('sha256', hs, 'c hs traffic', V.HELLO_HASH), V.C_HS_TRAFFIC, 'derive secret "tls13 c hs traffic"');
  assert.deepEqual(deriveSecret('sha256', hs, 's hs traffic', V.HELLO_HASH), V.S_HS_TRAFFIC, 'derive secret "tls13 s hs traffic"');
  assert.deepEqual(deriveSecret('sha256', hs, 'derived', V.EMPTY_HASH), V.DERIVED_FOR_MASTER, 'derive secret for master "tls13 derived"');
  const master = hkdfExtract('sha256', V.DERIVED_FOR_MASTER, zeros);
  assert.deepEqual(master, V.MASTER_SECRET, 'extract secret "master"');
  assert.deepEqual(deriveSecret('sha256', master, 'c ap traffic', V.HANDSHAKE_HASH), V.C_AP_TRAFFIC, 'derive secret "tls13 c ap traffic"');
  assert.deepEqual(deriveSecret('sha256', master, 's ap traffic', V.HANDSHAKE_HASH), V.S_AP_TRAFFIC, 'derive secret "tls13 s ap traffic"');
  assert.deepEqual(deriveSecret('sha256', master, 'exp master', V.HANDSHAKE_HASH), V.EXP_MASTER, 'derive secret "tls13 exp master"');
  assert.deepEqual(hkdfExpandLabel('sha256', V.S_HS_TRAFFIC, 'finished', new Uint8Array(0), 32), V.S_FINISHED_KEY, 'calculate finished "tls13 finished"');
});

test('RFC 8448 §3: write key and iv from each traffic secret', () => {
  const cases: [string, Buffer, Buffer, Buffer][] = [
    ['server handshake', V.S_HS_TRAFFIC, V.S_HS_KEY, V.S_HS_IV],
    ['client handshake', V.C_HS_TRAFFIC, V.C_HS_KEY, V.C_HS_IV],
    ['server application', V.S_AP_TRAFFIC, V.S_AP_KEY, V.S_AP_IV],
    ['client application', V.C_AP_TRAFFIC, V.C_AP_KEY, V.C_AP_IV],
  ];
  for (const [what, secret, key, iv] of cases) {
    const k = tls13TrafficKeys(suite, secret);
    assert.deepEqual(k.key, key, `${what} key`);
    assert.deepEqual(k.iv, iv, `${what} iv`);
  }
});

const SERVER_FLIGHT = Buffer.concat([V.ENCRYPTED_EXTENSIONS, V.CERTIFICATE, V.CERTIFICATE_VERIFY, V.SERVER_FINISHED]);

test('RFC 8448 §3: the server handshake record decrypts to EncryptedExtensions, Certificate, CertificateVerify, Finished', () => {
  const keys = tls13TrafficKeys(suite, V.S_HS_TRAFFIC);
  const r = open(new Tls13Decryptor(suite.bulk, keys.key, keys.iv), V.SERVER_HANDSHAKE_RECORD, 0);
  assert.equal(r.type, 22, 'inner content type handshake');
  assert.deepEqual(Buffer.from(r.plaintext), SERVER_FLIGHT);
  // and the messages parse: the TLS 1.3 Certificate (RFC 8446 §4.4.2) holds one X.509 certificate
  // (our TLS 1.2 Certificate decoder reads its cert_data), CertificateVerify is rsa_pss_rsae_sha256
  const messages = splitMessages(r.plaintext);
  assert.deepEqual(messages.map((m) => m.type), [8, 11, 15, 20]);
  const certs = tls13CertificateData(messages[1]!.body);
  assert.equal(certs.length, 1);
  const x509 = decodeCertificateMessage(new ByteReader(Buffer.concat([u24(certs[0]!.length + 3), u24(certs[0]!.length), certs[0]!])));
  assert.equal(x509.certificates.length, 1);
  const cv = decodeCertificateVerify(new ByteReader(messages[2]!.body), true);
  assert.equal(cv.signatureAlgorithm?.code, 0x0804);
});

test('RFC 8448 §3: the client Finished, the NewSessionTicket, application data and close_notify records', () => {
  const c = tls13TrafficKeys(suite, V.C_HS_TRAFFIC);
  const fin = open(new Tls13Decryptor(suite.bulk, c.key, c.iv), V.CLIENT_FINISHED_RECORD, 0);
  assert.equal(fin.type, 22);
  assert.deepEqual(Buffer.from(fin.plaintext), V.CLIENT_FINISHED);

  const s = tls13TrafficKeys(suite, V.S_AP_TRAFFIC);
  const server = new Tls13Decryptor(suite.bulk, s.key, s.iv);
  const nst = open(server, V.NEW_SESSION_TICKET_RECORD, 0);
  assert.equal(nst.type, 22);
  assert.deepEqual(Buffer.from(nst.plaintext), V.NEW_SESSION_TICKET);
  assert.deepEqual(splitMessages(nst.plaintext).map((m) => m.type), [4]);
  const sapp = open(server, V.SERVER_APPLICATION_RECORD, 1);
  assert.equal(sapp.type, 23);
  assert.deepEqual(Buffer.from(sapp.plaintext), V.APPLICATION_PAYLOAD);
  const salert = open(server, V.SERVER_ALERT_RECORD, 2);
  assert.equal(salert.type, 21);
  assert.deepEqual(Buffer.from(salert.plaintext), V.CLOSE_NOTIFY);

  const ca = tls13TrafficKeys(suite, V.C_AP_TRAFFIC);
  const client = new Tls13Decryptor(suite.bulk, ca.key, ca.iv);
  const capp = open(client, V.CLIENT_APPLICATION_RECORD, 0);
  assert.equal(capp.type, 23);
  assert.deepEqual(Buffer.from(capp.plaintext), V.APPLICATION_PAYLOAD);
  const calert = open(client, V.CLIENT_ALERT_RECORD, 1);
  assert.equal(calert.type, 21);
  assert.deepEqual(Buffer.from(calert.plaintext), V.CLOSE_NOTIFY);
});

test('RFC 8448 §3 end to end: key-log secrets → both directions, keys switched at each Finished', () => {
  const secrets = new Map<string, Uint8Array>([
    ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', V.C_HS_TRAFFIC],
    ['SERVER_HANDSHAKE_TRAFFIC_SECRET', V.S_HS_TRAFFIC],
    ['CLIENT_TRAFFIC_SECRET_0', V.C_AP_TRAFFIC],
    ['SERVER_TRAFFIC_SECRET_0', V.S_AP_TRAFFIC],
    ['EXPORTER_SECRET', V.EXP_MASTER],
  ]);
  const conn = connectionDecryption({ version: 0x0304, cipherSuite: 0x1301, clientRandom: V.CLIENT_RANDOM, serverRandom: V.SERVER_RANDOM }, secrets);
  assert.ok(conn.ok, conn.ok ? '' : conn.why);
  const step = (dir: typeof conn.client, record: Buffer): Decrypted => {
    const { type, version, body } = split(record);
    const r = dir.open(type, version, body);
    assert.ok(r !== null && !(r instanceof DecryptError), r instanceof DecryptError ? r.message : 'not protected');
    return r;
  };
  assert.equal(conn.server.epoch, 'handshake');
  assert.deepEqual(Buffer.from(step(conn.server, V.SERVER_HANDSHAKE_RECORD).plaintext), SERVER_FLIGHT);
  assert.equal(conn.server.epoch, 'application 0', 'the server Finished ends its handshake keys');
  assert.equal(conn.server.seq, 0);
  assert.deepEqual(Buffer.from(step(conn.server, V.NEW_SESSION_TICKET_RECORD).plaintext), V.NEW_SESSION_TICKET);
  assert.equal(step(conn.server, V.SERVER_APPLICATION_RECORD).type, 23);
  assert.equal(step(conn.server, V.SERVER_ALERT_RECORD).type, 21);

  // a dummy change_cipher_spec (RFC 8446 §5.1) is not protected: passed, not counted
  assert.equal(conn.client.open(20, 0x0303, Buffer.from([1])), null);
  assert.equal(conn.client.seq, 0);
  assert.deepEqual(Buffer.from(step(conn.client, V.CLIENT_FINISHED_RECORD).plaintext), V.CLIENT_FINISHED);
  assert.equal(conn.client.epoch, 'application 0');
  assert.deepEqual(Buffer.from(step(conn.client, V.CLIENT_APPLICATION_RECORD).plaintext), V.APPLICATION_PAYLOAD);
  assert.equal(step(conn.client, V.CLIENT_ALERT_RECORD).type, 21);
});

test('RFC 8448 §3 secrets that arrive late (a key log followed live) are used from the first record that needs them', () => {
  // Only the server's handshake secret at first, as when the proxy reads the ServerHello before
  // the client has written the rest of its lines.
  const secrets = new Map<string, Uint8Array>([['SERVER_HANDSHAKE_TRAFFIC_SECRET', V.S_HS_TRAFFIC]]);
  const conn = connectionDecryption({ version: 0x0304, cipherSuite: 0x1301, clientRandom: V.CLIENT_RANDOM, serverRandom: V.SERVER_RANDOM }, secrets);
  assert.ok(conn.ok, conn.ok ? '' : conn.why);
  const open = (dir: typeof conn.client, record: Buffer) => {
    const { type, version, body } = split(record);
    return dir.open(type, version, body);
  };
  const flight = open(conn.server, V.SERVER_HANDSHAKE_RECORD);
  assert.ok(flight && !(flight instanceof DecryptError));
  assert.deepEqual(Buffer.from(flight.plaintext), SERVER_FLIGHT);
  secrets.set('CLIENT_HANDSHAKE_TRAFFIC_SECRET', V.C_HS_TRAFFIC);
  secrets.set('SERVER_TRAFFIC_SECRET_0', V.S_AP_TRAFFIC);
  const ticket = open(conn.server, V.NEW_SESSION_TICKET_RECORD);
  assert.ok(ticket && !(ticket instanceof DecryptError));
  assert.deepEqual(Buffer.from(ticket.plaintext), V.NEW_SESSION_TICKET);
  const finished = open(conn.client, V.CLIENT_FINISHED_RECORD);
  assert.ok(finished && !(finished instanceof DecryptError));
  assert.deepEqual(Buffer.from(finished.plaintext), V.CLIENT_FINISHED);
  // never written: the client's application records stay closed, with the label named
  const app = open(conn.client, V.CLIENT_APPLICATION_RECORD);
  assert.ok(app instanceof DecryptError && app.reason === 'nokeys', 'no CLIENT_TRAFFIC_SECRET_0');
  assert.match(app.message, /CLIENT_TRAFFIC_SECRET_0/);
});

test('RFC 8448 §3 records under the wrong key, sequence number or header give an authentication error, not a throw', () => {
  const keys = tls13TrafficKeys(suite, V.S_HS_TRAFFIC);
  const d = new Tls13Decryptor(suite.bulk, keys.key, keys.iv);
  const { type, version, body } = split(V.SERVER_HANDSHAKE_RECORD);
  const wrongSeq = d.decrypt(type, version, body, 1);
  assert.ok(wrongSeq instanceof DecryptError && wrongSeq.reason === 'auth', 'wrong sequence number');
  assert.match(wrongSeq.message, /keys do not match/);
  const wrongHeader = d.decrypt(type, 0x0301, body, 0);
  assert.ok(wrongHeader instanceof DecryptError && wrongHeader.reason === 'auth', 'the header is authenticated');
  const other = tls13TrafficKeys(suite, V.C_HS_TRAFFIC);
  const wrongKey = new Tls13Decryptor(suite.bulk, other.key, other.iv).decrypt(type, version, body, 0);
  assert.ok(wrongKey instanceof DecryptError && wrongKey.reason === 'auth', 'the client key');
  for (const i of [0, 100, body.length - 1]) {
    const bad = Buffer.from(body);
    bad[i]! ^= 0x80;
    const r = d.decrypt(type, version, bad, 0);
    assert.ok(r instanceof DecryptError && r.reason === 'auth', `bit flipped at ${i}`);
  }
  const short = d.decrypt(type, version, body.subarray(0, 16), 0);
  assert.ok(short instanceof DecryptError && short.reason === 'malformed', 'shorter than tag + type');
  const cut = d.decrypt(type, version, body.subarray(0, 100), 0);
  assert.ok(cut instanceof DecryptError && cut.reason === 'auth', 'truncated record');
});
