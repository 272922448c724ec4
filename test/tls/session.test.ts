// The streaming decoder on hand-built conversations: records, reassembly, encryption
// switches, alerts, limits, preambles and gaps — and chunking must never change the result.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { TlsSession, type Side } from '../../src/tls/session.js';
import type { Connection } from '../../src/tls/model.js';
import * as b from '../helpers/tls-bytes.js';

type Script = [Side, number[]][];

function session(): TlsSession {
  return new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: '10.0.0.1', port: 50000 }, { ip: '10.0.0.2', port: 443 }], initiator: 0 });
}

/** Feeds each step split into chunks of the given size (Infinity: whole). */
function run(script: Script, chunk = Infinity, s = session()): Connection {
  for (const [side, bytes] of script) {
    const u = Uint8Array.from(bytes);
    const size = Number.isFinite(chunk) ? chunk : u.length;
    for (let i = 0; i < u.length; i += size) s.feed(side, u.subarray(i, i + size));
  }
  s.end(0);
  s.end(1);
  return s.result();
}

const ENCRYPTED_FINISHED = b.record(22, new Array(40).fill(0x5a));
const CCS = b.record(20, [1]);

function tls12Script(): Script {
  const sh = b.handshake(2, b.serverHelloBody({ extensions: [...b.ext(0xff01, [0]), ...b.ext(23, [])] }));
  const cert = b.handshake(11, b.vec24([]));
  const ske = b.handshake(12, [3, ...b.u16(29), ...b.vec8(new Array(32).fill(9)), ...b.u16(0x0804), ...b.vec16(new Array(256).fill(1))]);
  const cr = b.handshake(13, [...b.vec8([1, 64]), ...b.vec16(b.u16list([0x0804, 0x0805, 0x0401])), ...b.vec16([])]);
  const shd = b.handshake(14, []);
  const cke = b.handshake(16, b.vec8(new Array(32).fill(8)));
  const cv = b.handshake(15, [...b.u16(0x0401), ...b.vec16(new Array(256).fill(2))]);
  return [
    [0, b.record(22, b.handshake(1, b.clientHelloBody({ extensions: b.ext(0, b.vec16([0, ...b.vec16(b.ascii('example.com'))])) })))],
    // Several messages in one record, the first spanning two records.
    [1, [...b.record(22, sh.slice(0, 20)), ...b.record(22, [...sh.slice(20), ...cert, ...ske, ...cr, ...shd])]],
    [0, [...b.record(22, [...b.handshake(11, b.vec24([])), ...cke, ...cv]), ...CCS, ...ENCRYPTED_FINISHED]],
    [1, [...CCS, ...ENCRYPTED_FINISHED, ...b.record(23, new Array(100).fill(7))]],
    [0, b.record(23, new Array(300).fill(7))],
  ];
}

test('a TLS 1.2 mutual-auth handshake: ladder, client auth, encryption switch', () => {
  const c = run(tls12Script());
  assert.equal(c.tls, true);
  assert.equal(c.client, '10.0.0.1:50000');
  assert.equal(c.clientHello?.serverName, 'example.com');
  assert.equal(c.serverHello?.cipherSuite.name, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.equal(c.serverKeyExchange?.group?.name, 'x25519');
  assert.equal(c.serverKeyExchange?.signatureAlgorithm?.name, 'rsa_pss_rsae_sha256');
  assert.deepEqual(c.certificateRequest?.signatureAlgorithms?.map((s) => s.name), ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pkcs1_sha256']);
  assert.deepEqual(c.certificates, []);
  assert.deepEqual(c.clientCertificates, []);
  assert.equal(c.certificateVerify?.signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
  assert.deepEqual(c.clientKeyExchange, { kind: 'ecdhe', length: 33 });
  assert.deepEqual(
    c.messages.map((m) => `${m.from}:${m.type?.name ?? m.record}${m.encrypted ? '*' : ''}`),
    [
      'client:client_hello',
      'server:server_hello',
      'server:certificate',
      'server:server_key_exchange',
      'server:certificate_request',
      'server:server_hello_done',
      'client:certificate',
      'client:client_key_exchange',
      'client:certificate_verify',
      'client:change_cipher_spec',
      'client:handshake*',
      'server:change_cipher_spec',
      'server:handshake*',
      'server:application_data*',
      'client:application_data*',
    ],
  );
  assert.equal(c.complete, true);
  assert.deepEqual(c.errors, []);
  assert.deepEqual(c.stats.server.records, { handshake: 3, change_cipher_spec: 1, application_data: 1 });
  assert.equal(c.stats.client.encryptedRecords, 2);
  assert.equal(c.stats.client.encryptedBytes, 340);
  // Offsets are stream offsets of each message's header.
  assert.equal(c.messages[1]!.offset, 5);
  assert.equal(c.messages[2]!.offset, 5 + b.handshake(2, b.serverHelloBody({ extensions: [...b.ext(0xff01, [0]), ...b.ext(23, [])] })).length + 5);
});

test('chunking never changes the result: whole, 1 byte, 2, 3, 7, 100 bytes at a time', () => {
  const whole = run(tls12Script());
  for (const size of [1, 2, 3, 7, 100]) assert.deepEqual(run(tls12Script(), size), whole, `chunks of ${size}`);
});

describe('TLS 1.3 without keys: the outcome from record sizes and closes', () => {
  const sh = (suite = 0x1301) => b.handshake(2, b.serverHelloBody({ suite, extensions: [...b.ext(43, b.u16(0x0304)), ...b.ext(51, [...b.u16(29), ...b.vec16(new Array(32).fill(1))])] }));
  const hello = b.record(22, b.handshake(1, b.clientHelloBody({ suites: [0x1301, 0x1305], extensions: b.ext(43, b.vec8(b.u16list([0x0304]))) })), 0x0301);
  const serverFlight = (suite?: number) => [...b.record(22, sh(suite)), ...CCS, ...b.record(23, new Array(2000).fill(1)), ...b.record(23, new Array(60).fill(2))];
  /** Feeds the records in order; 'fin'/'rst' entries close that side. */
  function play(steps: ([0 | 1, number[]] | [0 | 1, 'fin' | 'rst'])[]): { c: ReturnType<TlsSession['result']>; decided: boolean[] } {
    const s = session();
    const decided: boolean[] = [];
    for (const [side, what] of steps) {
      if (typeof what === 'string') s.closed(side, what);
      else s.feed(side, Uint8Array.from(what));
      decided.push(s.decided);
    }
    return { c: s.result(), decided };
  }

  it('the server sends on after the client\'s second flight: complete, inferred, decided then', () => {
    const { c, decided } = play([
      [0, hello],
      [1, serverFlight()],
      [0, [...CCS, ...b.record(23, new Array(60).fill(3))]],
      [1, b.record(23, new Array(250).fill(4))], // a NewSessionTicket's size
    ]);
    assert.equal(c.version?.name, 'TLS 1.3');
    assert.equal(c.stats.server.encrypted, true);
    assert.deepEqual([c.outcome, c.outcomeBasis, c.complete], ['complete', 'inferred', true]);
    assert.deepEqual(decided, [false, false, false, true], 'not decided by the client\'s flight alone');
    assert.deepEqual(c.tls13Flight, { clientRecords: 1, clientBytes: 60, serverRecords: 1, serverFirstLength: 250 });
    assert.equal(c.certificates, undefined, 'TLS 1.3 certificates are encrypted');
  });

  it('one alert-sized server record (19 bytes with a 16-byte tag) after the flight, then FIN: failed, inferred', () => {
    const { c } = play([[0, hello], [1, serverFlight()], [0, b.record(23, new Array(60).fill(3))], [1, b.record(23, new Array(19).fill(5))], [1, 'fin'], [0, 'fin']]);
    assert.deepEqual([c.outcome, c.outcomeBasis, c.complete], ['failed', 'inferred', false]);
    assert.match(c.outcomeDetail, /encrypted alert \(likely fatal\).*one 19-byte record/);
    assert.deepEqual(c.closes?.map((e) => [e.from, e.how]), [['server', 'fin'], ['client', 'fin']]);
  });

  it('with TLS_AES_128_CCM_8_SHA256 an alert is 11 bytes, and 19 is not one', () => {
    const ccm8 = play([[0, hello], [1, serverFlight(0x1305)], [0, b.record(23, new Array(60).fill(3))], [1, b.record(23, new Array(11).fill(5))], [1, 'rst']]);
    assert.deepEqual([ccm8.c.outcome, ccm8.c.outcomeBasis], ['failed', 'inferred']);
    const not = play([[0, hello], [1, serverFlight(0x1305)], [0, b.record(23, new Array(60).fill(3))], [1, b.record(23, new Array(19).fill(5))], [1, 'fin']]);
    assert.deepEqual([not.c.outcome, not.c.outcomeBasis], ['complete', 'inferred']);
  });

  it('an alert-sized record and no close yet, or nothing after the flight: unknown, never complete', () => {
    const open = play([[0, hello], [1, serverFlight()], [0, b.record(23, new Array(60).fill(3))], [1, b.record(23, new Array(19).fill(5))]]);
    assert.deepEqual([open.c.outcome, open.c.outcomeBasis, open.c.complete], ['unknown', 'inferred', false]);
    const silent = play([[0, hello], [1, serverFlight()], [0, b.record(23, new Array(60).fill(3))]]);
    assert.deepEqual([silent.c.outcome, silent.c.complete], ['unknown', false]);
    const clientLeft = play([[0, hello], [1, serverFlight()], [0, b.record(23, new Array(60).fill(3))], [0, 'fin'], [1, b.record(23, new Array(19).fill(5))], [1, 'fin']]);
    assert.equal(clientLeft.c.outcome, 'unknown', 'an alert after the client closed may only answer the close');
  });

  it('the client sends one alert-sized record instead of its flight and closes: failed, inferred', () => {
    const { c } = play([[0, hello], [1, serverFlight()], [0, b.record(23, new Array(19).fill(3))], [0, 'fin']]);
    assert.deepEqual([c.outcome, c.outcomeBasis], ['failed', 'inferred']);
    assert.match(c.outcomeDetail, /instead of its second flight the client sent one 19-byte record/);
  });

  it('the client closes after the server\'s flight without a word: aborted, seen', () => {
    const { c } = play([[0, hello], [1, serverFlight()], [0, 'fin']]);
    assert.deepEqual([c.outcome, c.outcomeBasis], ['aborted', 'seen']);
  });
});

test('a fatal alert answering the ClientHello decides the handshake', () => {
  const s = session();
  s.feed(0, Uint8Array.from(b.record(22, b.handshake(1, b.clientHelloBody()))));
  assert.equal(s.decided, false);
  s.feed(1, Uint8Array.from(b.record(21, [2, 40])));
  assert.equal(s.decided, true);
  const c = s.result();
  assert.equal(c.complete, false);
  assert.deepEqual(
    c.alerts.map((a) => [a.from, a.level?.name, a.description?.name, a.after]),
    [['server', 'fatal', 'handshake_failure', 'client_hello']],
  );
});

test('roles learned late: entries made before the ClientHello are re-labelled, earlier snapshots are not changed', () => {
  // No SYN seen, and side 0 speaks first: until a hello says otherwise, the side with the higher
  // (ephemeral-looking) port, side 0, is taken for the client. The ClientHello then comes from
  // side 1, which is the client after all.
  const s = new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: '10.0.0.1', port: 50000 }, { ip: '10.0.0.2', port: 443 }] });
  s.feed(0, Uint8Array.from(b.record(21, [1, 0])));
  const early = s.result();
  assert.deepEqual(early.messages.map((m) => m.from), ['client']);
  assert.deepEqual(early.alerts.map((a) => a.from), ['client']);
  s.feed(1, Uint8Array.from(b.record(22, b.handshake(1, b.clientHelloBody()))));
  s.feed(0, Uint8Array.from(b.record(21, [2, 40])));
  const c = s.result();
  assert.equal(c.client, '10.0.0.2:443');
  assert.deepEqual(
    c.messages.map((m) => `${m.from}:${m.type?.name ?? m.record}`),
    ['server:alert', 'client:client_hello', 'server:alert'],
  );
  assert.deepEqual(c.alerts.map((a) => [a.from, a.description?.name]), [['server', 'close_notify'], ['server', 'handshake_failure']]);
  // `from` stays the first key, as the JSON schema's examples and the golden files have it.
  assert.deepEqual(Object.keys(c.messages[0]!)[0], 'from');
  assert.deepEqual(Object.keys(c.alerts[0]!)[0], 'from');
  // The first snapshot is what it was when it was taken.
  assert.deepEqual(early.messages.map((m) => m.from), ['client']);
  assert.deepEqual(early.alerts.map((a) => a.from), ['client']);
});

test('a 16 MB handshake length is refused by the cap, reported, and the rest still decodes', () => {
  const huge = [11, 0xff, 0xff, 0xff];
  const c = run([
    [0, b.record(22, b.handshake(1, b.clientHelloBody()))],
    [1, [...b.record(22, b.handshake(2, b.serverHelloBody())), ...b.record(22, huge), ...b.record(21, [1, 0])]],
  ]);
  assert.match(c.errors.map((e) => e.message).join('\n'), /certificate message of 16777215 bytes exceeds the 1048576-byte cap/);
  assert.equal(c.serverHello?.cipherSuite.code, 0xc02f);
  assert.equal(c.alerts.length, 1, 'the alert after the skipped message is still seen');
});

test('not TLS: plain HTTP to a TLS port', () => {
  const c = run([
    [0, b.ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    [1, b.ascii('HTTP/1.1 400 Bad Request\r\n\r\n')],
  ]);
  assert.equal(c.tls, false);
  assert.match(c.notTls ?? '', /HTTP request/);
});

test('a STARTTLS preamble is skipped and counted', () => {
  const c = run(
    [
      [1, b.ascii('220 mail.example ESMTP\r\n')],
      [0, b.ascii('EHLO x\r\nSTARTTLS\r\n')],
      [1, b.ascii('220 2.0.0 Ready to start TLS\r\n')],
      [0, b.record(22, b.handshake(1, b.clientHelloBody()))],
      [1, b.record(22, b.handshake(2, b.serverHelloBody()))],
    ],
    5,
  );
  assert.equal(c.tls, true);
  assert.ok(c.clientHello && c.serverHello);
  assert.equal(c.stats.client.preambleBytes, 'EHLO x\r\nSTARTTLS\r\n'.length);
  assert.equal(c.stats.server.preambleBytes, '220 mail.example ESMTP\r\n220 2.0.0 Ready to start TLS\r\n'.length);
  assert.equal(c.messages[0]!.offset, 'EHLO x\r\nSTARTTLS\r\n'.length + 5, 'the hello starts after the preamble and its record header');
});

test('a record header that is not TLS stops that direction with an error naming the bytes', () => {
  const c = run([
    [0, [...b.record(22, b.handshake(1, b.clientHelloBody())), 0x47, 0x45, 0x54, 0x20, 0x2f, 0x20]],
  ]);
  assert.match(c.errors[0]!.message, /not a TLS record header: 474554202f/);
  assert.ok(c.clientHello);
});

test('a gap inside an encrypted record keeps the record layer in step; inside the handshake it loses the message only', () => {
  const s = session();
  const ch = Uint8Array.from(b.record(22, b.handshake(1, b.clientHelloBody())));
  s.feed(0, ch);
  s.feed(1, Uint8Array.from([...b.record(22, b.handshake(2, b.serverHelloBody())), ...CCS]));
  const app = Uint8Array.from(b.record(23, new Array(500).fill(1)));
  s.feed(1, app.subarray(0, 100));
  s.gap(1, 300);
  s.feed(1, app.subarray(400));
  s.feed(1, Uint8Array.from(b.record(21, [1, 0])));
  const c = s.result();
  assert.deepEqual(c.errors, []);
  assert.equal(c.alerts.length, 1);
  assert.equal(c.alerts[0]!.encrypted, true, 'after CCS the alert is encrypted');
  assert.deepEqual(c.gaps, { client: 0, server: 300 });

  const t = session();
  t.feed(0, ch.subarray(0, 20));
  t.gap(0, 10);
  t.feed(0, ch.subarray(30));
  t.feed(0, Uint8Array.from(b.record(21, [2, 10])));
  const d = t.result();
  assert.equal(d.clientHello, undefined, 'the hello with a hole is not decoded');
  assert.match(d.errors[0]!.message, /10 byte\(s\) missing/);
  assert.equal(d.alerts[0]?.description?.name, 'unexpected_message', 'resynchronised on the next record');
});

test('mid-stream start: the first record boundary is found', () => {
  const s = new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: '10.0.0.1', port: 50000 }, { ip: '10.0.0.2', port: 443 }], midstream: true });
  const stream = Uint8Array.from([...b.record(23, new Array(50).fill(1)), ...b.record(23, new Array(70).fill(2)), ...b.record(23, new Array(30).fill(3))]);
  s.feed(0, stream.subarray(17));
  const c = s.result();
  assert.equal(c.stats.client.records.application_data, 2);
  assert.match(c.errors[0]!.message, /skipped 38 byte\(s\) to the next record boundary/);
});

/** A session that joined its connection mid-stream (no SYN seen). */
function joined(): TlsSession {
  return new TlsSession({ source: 'replay', id: 1, endpoints: [{ ip: '10.0.0.1', port: 50000 }, { ip: '10.0.0.2', port: 443 }], midstream: true });
}

const APPDATA = b.record(23, new Array(30).fill(0x33));

test('mid-stream join at the ClientKeyExchange (TLS 1.2): handshake records are plaintext until the ChangeCipherSpec', () => {
  const cke = b.record(22, b.handshake(16, b.vec8(new Array(32).fill(8))));
  const nst = b.record(22, b.handshake(4, [0, 0, 0x1c, 0x20, ...b.vec16(new Array(48).fill(7))]));
  for (const chunk of [1, 6, Infinity]) {
    const c = run([[0, [...cke, ...CCS, ...ENCRYPTED_FINISHED]], [1, [...nst, ...CCS, ...ENCRYPTED_FINISHED]], [0, APPDATA], [1, APPDATA]], chunk, joined());
    const ladder = c.messages.map((m) => `${m.from} ${m.type?.name ?? m.record}${m.encrypted ? ' (encrypted)' : ''}`);
    assert.deepEqual(ladder, [
      'client client_key_exchange',
      'client change_cipher_spec',
      'client handshake (encrypted)',
      'server new_session_ticket',
      'server change_cipher_spec',
      'server handshake (encrypted)',
      'client application_data (encrypted)',
      'server application_data (encrypted)',
    ], `chunk ${chunk}`);
    assert.equal(c.newSessionTicket?.lifetime, 7200);
    assert.equal(c.newSessionTicket?.ticketLength, 48);
    assert.equal(c.clientKeyExchange?.length, 33);
    for (const side of ['client', 'server'] as const) {
      assert.equal(c.stats[side].encryptedRecords, 2, `${side}: the Finished and the application data`);
      assert.equal(c.stats[side].encryptedBytes, 40 + 30);
    }
    // Both sides' ChangeCipherSpec and Finished went by, but the hellos did not: never "complete".
    assert.equal(c.complete, false);
    assert.equal(c.outcome, 'incomplete');
    assert.equal(c.midstream, true);
    assert.deepEqual(c.errors, []);
  }
});

test('mid-stream join after the ChangeCipherSpec: a handshake record that is not whole messages is protected', () => {
  // The second looks like a ClientKeyExchange whose length runs past its record: ciphertext too.
  const almost = b.record(22, [16, 0, 0, 10, ...new Array(30).fill(1)]);
  for (const first of [ENCRYPTED_FINISHED, almost]) {
    const c = run([[0, [...first, ...APPDATA]], [1, APPDATA]], Infinity, joined());
    assert.equal(c.clientKeyExchange, undefined);
    assert.deepEqual(c.messages.map((m) => m.summary), ['Finished (encrypted)', 'encrypted data (not decoded)', 'encrypted data (not decoded)']);
    assert.equal(c.stats.client.encryptedRecords, 2);
    assert.equal(c.stats.client.encryptedBytes, first.length - 5 + 30);
    assert.deepEqual(c.errors, []);
  }
});

test('mid-stream join: an alert too long for plaintext is protected, and counted so', () => {
  const c = run([[1, b.record(21, new Array(26).fill(0x44))]], Infinity, joined());
  assert.equal(c.alerts.length, 1);
  assert.equal(c.alerts[0]!.encrypted, true);
  assert.equal(c.stats.server.encryptedRecords, 1);
  assert.equal(c.stats.server.encryptedBytes, 26);
  assert.equal(c.stats.server.encrypted, true);
});

test('heartbeat with a payload_length larger than the record (Heartbleed)', () => {
  const c = run([
    [0, b.record(22, b.handshake(1, b.clientHelloBody({ extensions: b.ext(15, [1]) })))],
    [0, b.record(24, [1, 0x40, 0x00])],
  ]);
  assert.match(c.errors[0]!.message, /payload_length 16384 exceeds the 3-byte record/);
});
