// The record decryptors on records made here (seal.ts) for every cipher of the table — the
// captures cover what OpenSSL negotiates — and on bad input: tampered, truncated, cut to pieces,
// over-long, wrong padding, wrong MAC, no content type; the TLS 1.3 direction's key changes
// (Finished, KeyUpdate, 0-RTT); and properties: no foreign exception on any bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BULK_CIPHERS, RECORD_MACS, TLS13_IV_LENGTH, type AeadParams, type CbcParams } from '../../../src/tls/crypto/cipher-params.js';
import { DecryptError, Tls12AeadDecryptor, Tls12CbcDecryptor, Tls13Decryptor, type RecordDecryptor } from '../../../src/tls/crypto/decryptor.js';
import { Tls13Direction } from '../../../src/tls/crypto/direction.js';
import { connectionDecryption } from '../../../src/tls/crypto/connection.js';
import { suiteProtection, type Tls13Suite } from '../../../src/tls/crypto/suite.js';
import { nextTrafficSecret, tls13TrafficKeys } from '../../../src/tls/crypto/tls13-keys.js';
import { MAX_TLS13_CIPHERTEXT_RECORD } from '../../../src/limits.js';
import { cbcSender, sealTls12Aead, sealTls13 } from './seal.js';

const AEADS = Object.entries(BULK_CIPHERS).filter((e): e is [string, AeadParams] => e[1].kind === 'aead');
const CBCS = Object.entries(BULK_CIPHERS).filter((e): e is [string, CbcParams] => e[1].kind === 'cbc');

function ok(r: ReturnType<RecordDecryptor['decrypt']>, what: string): { type: number; plaintext: Uint8Array } {
  if (r instanceof DecryptError) assert.fail(`${what}: ${r.message}`);
  return r;
}
function fails(r: ReturnType<RecordDecryptor['decrypt']>, reason: DecryptError['reason'], what: string): DecryptError {
  assert.ok(r instanceof DecryptError, `${what}: decrypted`);
  assert.equal(r.reason, reason, `${what}: ${r.message}`);
  return r;
}

test('TLS 1.3: every AEAD, content types, zero padding stripped, sequence numbers past 2^32', () => {
  for (const [name, p] of AEADS) {
    const key = randomBytes(p.keyLength);
    const iv = randomBytes(TLS13_IV_LENGTH);
    const d = new Tls13Decryptor(p, key, iv);
    for (const [seq, type, length, padding] of [[0, 22, 0, 0], [1, 23, 1000, 0], [2, 21, 2, 300], [2 ** 32 + 5, 22, 16384, 0], [2 ** 40, 23, 5, 7]] as const) {
      const content = randomBytes(length);
      const body = sealTls13(p, key, iv, seq, type, content, padding);
      const r = ok(d.decrypt(23, 0x0303, body, seq), `${name} seq ${seq}`);
      assert.equal(r.type, type);
      assert.deepEqual(Buffer.from(r.plaintext), content);
      fails(d.decrypt(23, 0x0303, body, seq + 1), 'auth', `${name}: the next sequence number`);
    }
    // RFC 8446 §5.4: all zeros, no content type
    fails(d.decrypt(23, 0x0303, sealTls13(p, key, iv, 0, 0, Buffer.alloc(0), 10), 0), 'malformed', `${name}: no content type`);
    // RFC 8446 §5.4: content longer than 2^14 under a good tag
    fails(d.decrypt(23, 0x0303, sealTls13(p, key, iv, 0, 23, Buffer.alloc(16385)), 0), 'malformed', `${name}: 2^14 + 1`);
  }
});

test('TLS 1.2 AEAD: every cipher (GCM, CCM, CCM_8, ChaCha20-Poly1305, ARIA-GCM), explicit and implicit nonces', () => {
  for (const [name, p] of AEADS) {
    const key = randomBytes(p.keyLength);
    const fixed = randomBytes(p.fixedIvLength);
    const d = new Tls12AeadDecryptor(p, key, fixed);
    for (const [seq, type, length] of [[0, 22, 16], [1, 23, 0], [7, 21, 2], [2 ** 33 + 1, 23, 16384]] as const) {
      // (node:crypto's CCM refuses randomBytes(0) as an empty plaintext to seal — 'tag not set' —
      // but not an empty Buffer.alloc(0): the sender here uses the latter)
      const content = length === 0 ? Buffer.alloc(0) : randomBytes(length);
      const body = sealTls12Aead(p, key, fixed, seq, type, 0x0303, content);
      const r = ok(d.decrypt(type, 0x0303, body, seq), `${name} seq ${seq}`);
      assert.equal(r.type, type);
      assert.deepEqual(Buffer.from(r.plaintext), content);
      fails(d.decrypt(type, 0x0303, body, seq + 1), 'auth', `${name}: the sequence number is authenticated`);
      fails(d.decrypt(type === 23 ? 22 : 23, 0x0303, body, seq), 'auth', `${name}: the type is authenticated`);
      fails(d.decrypt(type, 0x0302, body, seq), 'auth', `${name}: the version is authenticated`);
    }
    fails(d.decrypt(23, 0x0303, randomBytes(p.explicitNonceLength + p.tagLength - 1), 0), 'malformed', `${name}: shorter than nonce + tag`);
  }
});

test('TLS 1.0–1.2 CBC: every cipher and MAC, MAC-then-encrypt and encrypt-then-MAC, chained (1.0) and explicit (1.1+) IVs', () => {
  for (const [name, p] of CBCS) {
    for (const [macName, mac] of Object.entries(RECORD_MACS)) {
      for (const etm of [false, true]) {
        for (const version of [0x0301, 0x0302, 0x0303]) {
          const key = randomBytes(p.keyLength);
          const macKey = randomBytes(mac.length);
          const firstIv = version === 0x0301 ? randomBytes(p.blockLength) : undefined;
          const send = cbcSender(p, mac, macKey, key, firstIv, etm);
          const d = new Tls12CbcDecryptor(p, mac, macKey, key, firstIv, etm);
          const what = `${name}/${macName} ${etm ? 'EtM' : 'MtE'} 0x${version.toString(16)}`;
          for (let seq = 0; seq < 4; seq++) {
            const content = randomBytes([0, 1, 300, 16384][seq]!);
            const body = send.seal(seq, 23, version, content, { extraPadding: seq });
            const r = ok(d.decrypt(23, version, body, seq), `${what} record ${seq}`);
            assert.deepEqual(Buffer.from(r.plaintext), content, `${what} record ${seq}`);
          }
        }
      }
    }
  }
});

test('CBC bad input: wrong MAC, bad padding, tampering, not whole blocks, too short', () => {
  const p = BULK_CIPHERS.AES_128_CBC as CbcParams;
  const mac = RECORD_MACS.SHA!;
  for (const etm of [false, true]) {
    const key = randomBytes(16);
    const macKey = randomBytes(20);
    const send = cbcSender(p, mac, macKey, key, undefined, etm);
    const d = new Tls12CbcDecryptor(p, mac, macKey, key, undefined, etm);
    const what = etm ? 'EtM' : 'MtE';
    const body = send.seal(0, 22, 0x0303, Buffer.from('hello, handshake'));
    fails(d.decrypt(22, 0x0303, body, 1), 'auth', `${what}: another sequence number`);
    const flipped = Buffer.from(body);
    flipped[20]! ^= 1;
    fails(d.decrypt(22, 0x0303, flipped, 0), 'auth', `${what}: a flipped bit`);
    const wrongKey = new Tls12CbcDecryptor(p, mac, randomBytes(20), randomBytes(16), undefined, etm);
    fails(wrongKey.decrypt(22, 0x0303, body, 0), 'auth', `${what}: other keys`);
    const badPad = send.seal(1, 22, 0x0303, Buffer.from('x'), { badPadding: true });
    fails(d.decrypt(22, 0x0303, badPad, 1), etm ? 'malformed' : 'auth', `${what}: bad padding`);
    fails(d.decrypt(22, 0x0303, body.subarray(0, body.length - 1), 0), 'malformed', `${what}: one byte short`);
    fails(d.decrypt(22, 0x0303, body.subarray(0, body.length - 16), 0), 'auth', `${what}: one block short (whole blocks: the padding or the MAC fails)`);
    fails(d.decrypt(22, 0x0303, body.subarray(0, 16), 0), 'malformed', `${what}: only an IV`);
    fails(d.decrypt(22, 0x0303, new Uint8Array(0), 0), 'malformed', `${what}: empty`);
  }
});

test('truncated and oversized records: our errors with the offset passed in', () => {
  const p = BULK_CIPHERS.AES_128_GCM as AeadParams;
  const d13 = new Tls13Decryptor(p, randomBytes(16), randomBytes(12));
  const e = fails(d13.decrypt(23, 0x0303, new Uint8Array(10), 0, 4242), 'malformed', 'short');
  assert.equal(e.offset, 4242);
  assert.match(e.message, /^Malformed: TLSCiphertext: 10 bytes: shorter than the 16-byte tag and a content type @4242$/);
  fails(d13.decrypt(23, 0x0303, new Uint8Array(MAX_TLS13_CIPHERTEXT_RECORD + 1), 0), 'malformed', 'record_overflow');
  const d12 = new Tls12AeadDecryptor(p, randomBytes(16), randomBytes(4));
  fails(d12.decrypt(23, 0x0303, new Uint8Array(2 ** 14 + 2049), 0), 'malformed', 'record_overflow');
});

function tls13Suite(code: number): Tls13Suite {
  const r = suiteProtection(code);
  assert.ok(r.ok);
  return r.suite as Tls13Suite;
}

/** A handshake message: type, 24-bit length, body. */
function msg(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
}

test('TLS 1.3 direction: handshake → application at Finished (even when messages span records), then KeyUpdate after KeyUpdate', () => {
  const suite = tls13Suite(0x1302);
  const hs = randomBytes(48);
  const app0 = randomBytes(48);
  const app1 = nextTrafficSecret('sha384', app0);
  const app2 = nextTrafficSecret('sha384', app1);
  const dir = new Tls13Direction(suite, 'server', { handshake: hs, application: app0 });
  const seal = (secret: Buffer, seq: number, type: number, content: Buffer) => {
    const k = tls13TrafficKeys(suite, secret);
    return sealTls13(suite.bulk, k.key, k.iv, seq, type, content);
  };
  const flight = Buffer.concat([msg(8, Buffer.alloc(2)), msg(11, randomBytes(3000)), msg(15, randomBytes(260)), msg(20, randomBytes(48))]);
  // the flight in three records, cut inside messages
  const pieces = [flight.subarray(0, 1000), flight.subarray(1000, 3003), flight.subarray(3003)];
  pieces.forEach((piece, seq) => {
    assert.equal(dir.epoch, 'handshake');
    const r = dir.open(23, 0x0303, seal(hs, seq, 22, piece));
    assert.ok(r && !(r instanceof DecryptError), r instanceof DecryptError ? r.message : 'null');
  });
  assert.equal(dir.epoch, 'application 0');
  assert.equal(dir.seq, 0);
  const steps: [Buffer, number, Buffer][] = [
    [app0, 23, randomBytes(100)],
    [app0, 22, msg(24, Buffer.from([1]))], // KeyUpdate, update_requested
    [app1, 23, randomBytes(10)],
    [app1, 21, Buffer.from([1, 0])],
    [app1, 22, msg(24, Buffer.from([0]))],
    [app2, 23, randomBytes(10)],
  ];
  let seq = 0;
  let current: Buffer = app0;
  for (const [secret, type, content] of steps) {
    if (secret !== current) {
      current = secret;
      seq = 0;
    }
    const r = dir.open(23, 0x0303, seal(secret, seq++, type, content));
    assert.ok(r && !(r instanceof DecryptError), r instanceof DecryptError ? r.message : 'null');
    assert.equal(r.type, type);
  }
  assert.equal(dir.epoch, 'application 2');
  // a record under the old keys now fails
  const stale = dir.open(23, 0x0303, seal(app1, 3, 23, Buffer.alloc(1)));
  assert.ok(stale instanceof DecryptError && stale.reason === 'auth');
});

test('TLS 1.3 client with 0-RTT: early data under the early secret, EndOfEarlyData, then handshake keys; and without early data sent', () => {
  const suite = tls13Suite(0x1301);
  const early = randomBytes(32);
  const hs = randomBytes(32);
  const app = randomBytes(32);
  const seal = (secret: Buffer, seq: number, type: number, content: Buffer) => {
    const k = tls13TrafficKeys(suite, secret);
    return sealTls13(suite.bulk, k.key, k.iv, seq, type, content);
  };
  const dir = new Tls13Direction(suite, 'client', { early, handshake: hs, application: app });
  assert.equal(dir.epoch, 'early');
  for (const [secret, seq, type, content, epoch] of [
    [early, 0, 23, randomBytes(50), 'early'],
    [early, 1, 22, msg(5, Buffer.alloc(0)), 'handshake'], // EndOfEarlyData
    [hs, 0, 22, msg(20, randomBytes(32)), 'application 0'],
    [app, 0, 23, randomBytes(5), 'application 0'],
  ] as const) {
    const r = dir.open(23, 0x0303, seal(secret, seq, type, content));
    assert.ok(r && !(r instanceof DecryptError), r instanceof DecryptError ? r.message : 'null');
    assert.equal(dir.epoch, epoch);
  }
  // the key log has the early secret, but the client sent no early data (or the server refused it)
  const none = new Tls13Direction(suite, 'client', { early, handshake: hs, application: app });
  const r = none.open(23, 0x0303, seal(hs, 0, 22, msg(20, randomBytes(32))));
  assert.ok(r && !(r instanceof DecryptError), r instanceof DecryptError ? r.message : 'null');
  assert.equal(none.epoch, 'application 0');
  const garbage = new Tls13Direction(suite, 'client', { early, handshake: hs, application: app }).open(23, 0x0303, randomBytes(40));
  assert.ok(garbage instanceof DecryptError && garbage.reason === 'auth');
  assert.match(garbage.message, /neither the early nor the handshake traffic secret/);
});

test('connectionDecryption: what it cannot do, it says (no throw, no secret in the words)', () => {
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const s13 = randomBytes(32);
  const why = (version: number, cipherSuite: number, secrets: Map<string, Uint8Array>) => {
    const r = connectionDecryption({ version, cipherSuite, clientRandom: cr, serverRandom: sr }, secrets);
    assert.ok(!r.ok);
    assert.ok(!r.why.includes(s13.toString('hex')));
    return `${r.reason}: ${r.why}`;
  };
  const none = new Map<string, Uint8Array>();
  assert.equal(why(0x0304, 0x1301, none), 'nokeys: no TLS 1.3 traffic secret in the key log for this connection');
  assert.equal(why(0x0304, 0x1302, new Map([['SERVER_HANDSHAKE_TRAFFIC_SECRET', s13]])), 'mismatch: keys do not match: SERVER_HANDSHAKE_TRAFFIC_SECRET is 32 bytes, TLS_AES_256_GCM_SHA384 needs 48');
  assert.equal(why(0x0303, 0xc02f, none), 'nokeys: no CLIENT_RANDOM line in the key log for this connection');
  assert.equal(why(0x0303, 0x1301, none), 'mismatch: TLS_AES_128_GCM_SHA256 is a TLS 1.3 suite');
  assert.equal(why(0x0304, 0xc02f, none), 'mismatch: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is not a TLS 1.3 suite');
  assert.equal(why(0x0300, 0x002f, none), 'unsupported: version 0x0300 is not decrypted (TLS 1.0–1.3 are)');
  assert.equal(why(0x0303, 0x0005, none), 'unsupported: TLS_RSA_WITH_RC4_128_SHA: the RC4_128 cipher is not decrypted');
  assert.equal(why(0x0303, 0xc02f, new Map([['CLIENT_RANDOM', randomBytes(32)]])), 'mismatch: keys do not match: the master secret is 32 bytes, not 48');
});

test('property: a decryptor of any kind gives a value or a DecryptError for any bytes, type, version and sequence number', () => {
  const decryptors: [string, RecordDecryptor][] = [];
  for (const [name, p] of AEADS) {
    decryptors.push([`1.3 ${name}`, new Tls13Decryptor(p, randomBytes(p.keyLength), randomBytes(12))]);
    decryptors.push([`1.2 ${name}`, new Tls12AeadDecryptor(p, randomBytes(p.keyLength), randomBytes(p.fixedIvLength))]);
  }
  for (const [name, p] of CBCS) {
    for (const etm of [false, true]) {
      decryptors.push([`${name} ${etm}`, new Tls12CbcDecryptor(p, RECORD_MACS.SHA256!, randomBytes(32), randomBytes(p.keyLength), undefined, etm)]);
      decryptors.push([`${name} ${etm} 1.0`, new Tls12CbcDecryptor(p, RECORD_MACS.SHA!, randomBytes(20), randomBytes(p.keyLength), randomBytes(p.blockLength), etm)]);
    }
  }
  fc.assert(
    fc.property(
      fc.nat({ max: decryptors.length - 1 }),
      fc.uint8Array({ maxLength: 2 ** 14 + 2100, size: 'max' }),
      fc.nat({ max: 255 }),
      fc.nat({ max: 0xffff }),
      fc.maxSafeNat(),
      (i, body, type, version, seq) => {
        const r = decryptors[i]![1].decrypt(type, version, body, seq, 7);
        if (r instanceof DecryptError) assert.ok(r.reason === 'auth' || r.reason === 'malformed');
        else assert.ok(false, `${decryptors[i]![0]}: random bytes authenticated`);
      },
    ),
    { seed: 17, numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
  );
});

test('property: a TLS 1.3 direction never throws, whatever records it is handed', () => {
  const suite = tls13Suite(0x1303);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({ max: 255 }), fc.uint8Array({ maxLength: 600, size: 'max' })), { maxLength: 30, size: 'max' }), (recs) => {
      const dir = new Tls13Direction(suite, 'client', { early: randomBytes(32), handshake: randomBytes(32) });
      for (const [type, body] of recs) {
        const r = dir.open(type, 0x0303, body);
        assert.ok(r === null || r instanceof DecryptError);
      }
    }),
    { seed: 17, numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
  );
});
