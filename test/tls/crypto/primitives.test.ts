// HKDF, the TLS PRFs, the suite table and the key block, against published vectors and against
// OpenSSL itself (node:crypto's hkdfSync, `openssl kdf`), which is an implementation of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { hkdfSync, randomBytes } from 'node:crypto';
import { hkdfExpand, hkdfExpandLabel, hkdfExtract, type HashName } from '../../../src/tls/crypto/hkdf.js';
import { prfTls10, prfTls12 } from '../../../src/tls/crypto/prf.js';
import { suiteProtection } from '../../../src/tls/crypto/suite.js';
import { fixedIvLength, tls12KeyBlock } from '../../../src/tls/crypto/tls12-keys.js';
import { nextTrafficSecret } from '../../../src/tls/crypto/tls13-keys.js';
import { hex } from './rfc8448.js';

test('HKDF: RFC 5869 A.1 (SHA-256)', () => {
  const ikm = Buffer.alloc(22, 0x0b);
  const salt = hex('000102030405060708090a0b0c');
  const info = hex('f0f1f2f3f4f5f6f7f8f9');
  const prk = hkdfExtract('sha256', salt, ikm);
  assert.deepEqual(prk, hex('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5'));
  assert.deepEqual(hkdfExpand('sha256', prk, info, 42), hex('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865'));
});

test('HKDF: Extract then Expand equals node:crypto hkdfSync for both hashes, many lengths', () => {
  for (const hash of ['sha256', 'sha384'] as HashName[]) {
    for (const length of [0, 1, 12, 16, 31, 32, 33, 48, 49, 100, 255 * (hash === 'sha256' ? 32 : 48)]) {
      const ikm = randomBytes(1 + (length % 40));
      const salt = randomBytes(length % 3 === 0 ? 0 : 20);
      const info = randomBytes(length % 17);
      const ours = hkdfExpand(hash, hkdfExtract(hash, salt, ikm), info, length);
      assert.deepEqual(ours, Buffer.from(hkdfSync(hash, ikm, salt, info, length)), `${hash} L=${length}`);
    }
  }
  assert.throws(() => hkdfExpand('sha256', Buffer.alloc(32), Buffer.alloc(0), 255 * 32 + 1), RangeError);
});

test('HKDF-Expand alone (as TLS 1.3 uses it on a traffic secret) equals `openssl kdf HKDF mode:EXPAND_ONLY`', () => {
  for (const [hash, digest] of [['sha256', 'SHA256'], ['sha384', 'SHA384']] as const) {
    const prk = randomBytes(hash === 'sha256' ? 32 : 48);
    const info = Buffer.concat([Buffer.from([0, 16, 9]), Buffer.from('tls13 key'), Buffer.from([0])]);
    const out = execFileSync('openssl', ['kdf', '-keylen', '16', '-kdfopt', `digest:${digest}`, '-kdfopt', 'mode:EXPAND_ONLY', '-kdfopt', `hexkey:${prk.toString('hex')}`, '-kdfopt', `hexinfo:${info.toString('hex')}`, 'HKDF'], { encoding: 'utf8' });
    const theirs = Buffer.from(out.trim().replace(/:/g, ''), 'hex');
    assert.deepEqual(hkdfExpandLabel(hash, prk, 'key', new Uint8Array(0), 16), theirs, hash);
    assert.deepEqual(hkdfExpand(hash, prk, info, 16), theirs, hash);
  }
});

test('KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
  const s = randomBytes(48);
  const info = Buffer.concat([Buffer.from([0, 48, 17]), Buffer.from('tls13 traffic upd'), Buffer.from([0])]);
  assert.deepEqual(nextTrafficSecret('sha384', s), hkdfExpand('sha384', s, info, 48));
});

function opensslPrf(digest: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = execFileSync('openssl', ['kdf', '-keylen', String(length), '-kdfopt', `digest:${digest}`, '-kdfopt', `hexsecret:${secret.toString('hex')}`, '-kdfopt', `hexseed:${ls.toString('hex')}`, 'TLS1-PRF'], { encoding: 'utf8' });
  return Buffer.from(out.trim().replace(/:/g, ''), 'hex');
}

test('TLS 1.2 PRF: the published P_SHA256 vector', () => {
  const out = prfTls12('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
  assert.deepEqual(out, hex(`e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab
    4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66`));
});

test('TLS PRFs equal `openssl kdf TLS1-PRF`: P_SHA256, P_SHA384 and the TLS 1.0/1.1 MD5+SHA-1 PRF (odd secret lengths too)', () => {
  for (const secretLength of [48, 47, 13]) {
    const secret = randomBytes(secretLength);
    const seed = randomBytes(64);
    assert.deepEqual(prfTls12('sha256', secret, 'key expansion', seed, 104), opensslPrf('SHA256', secret, 'key expansion', seed, 104));
    assert.deepEqual(prfTls12('sha384', secret, 'key expansion', seed, 136), opensslPrf('SHA384', secret, 'key expansion', seed, 136));
    assert.deepEqual(prfTls10(secret, 'key expansion', seed, 104), opensslPrf('MD5-SHA1', secret, 'key expansion', seed, 104), `MD5-SHA1, ${secretLength}-byte secret`);
  }
});

test('the suite table: cipher, lengths and hash per suite (RFC 5246 App. C, RFC 5288, 6655, 7905, 8446 B.4)', () => {
  const get = (code: number) => {
    const r = suiteProtection(code);
    assert.ok(r.ok, r.ok ? '' : r.why);
    return r.suite;
  };
  const row = (code: number) => {
    const s = get(code);
    return [s.bulk.node, s.bulk.keyLength, s.bulk.kind === 'aead' ? `tag${s.bulk.tagLength} iv${s.bulk.fixedIvLength}+${s.bulk.explicitNonceLength}` : `block${s.bulk.blockLength}`, s.mac?.node ?? '-', s.hash, s.tls13].join(' ');
  };
  assert.equal(row(0x1301), 'aes-128-gcm 16 tag16 iv4+8 - sha256 true');
  assert.equal(row(0x1302), 'aes-256-gcm 32 tag16 iv4+8 - sha384 true');
  assert.equal(row(0x1303), 'chacha20-poly1305 32 tag16 iv12+0 - sha256 true');
  assert.equal(row(0x1304), 'aes-128-ccm 16 tag16 iv4+8 - sha256 true');
  assert.equal(row(0x1305), 'aes-128-ccm 16 tag8 iv4+8 - sha256 true');
  assert.equal(row(0xc02f), 'aes-128-gcm 16 tag16 iv4+8 - sha256 false');
  assert.equal(row(0xc030), 'aes-256-gcm 32 tag16 iv4+8 - sha384 false');
  assert.equal(row(0xcca8), 'chacha20-poly1305 32 tag16 iv12+0 - sha256 false');
  assert.equal(row(0xc0ac), 'aes-128-ccm 16 tag16 iv4+8 - sha256 false');
  assert.equal(row(0xc0af), 'aes-256-ccm 32 tag8 iv4+8 - sha256 false');
  assert.equal(row(0x002f), 'aes-128-cbc 16 block16 sha1 sha256 false');
  assert.equal(row(0x003d), 'aes-256-cbc 32 block16 sha256 sha256 false');
  assert.equal(row(0xc028), 'aes-256-cbc 32 block16 sha384 sha384 false');
  assert.equal(row(0x000a), 'des-ede3-cbc 24 block8 sha1 sha256 false');
  assert.equal(row(0xc050), 'aria-128-gcm 16 tag16 iv4+8 - sha256 false');
  assert.equal(row(0x0041), 'camellia-128-cbc 16 block16 sha1 sha256 false');
  const no = (code: number, why: RegExp) => {
    const r = suiteProtection(code);
    assert.ok(!r.ok);
    assert.match(r.why, why);
  };
  no(0x0005, /TLS_RSA_WITH_RC4_128_SHA: the RC4_128 cipher is not decrypted/);
  no(0x0000, /NULL cipher is not decrypted/);
  no(0x1234, /cipher suite 0x1234 is not in the registry/);
});

test('the key block: RFC 5246 §6.3 partition; TLS 1.0 CBC takes IVs, TLS 1.1+ CBC none, AEAD its salt', () => {
  const master = randomBytes(48);
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const cbc = suiteProtection(0xc013);
  const gcm = suiteProtection(0xc02f);
  assert.ok(cbc.ok && gcm.ok);
  assert.equal(fixedIvLength(cbc.suite, 0x0301), 16);
  assert.equal(fixedIvLength(cbc.suite, 0x0302), 0);
  assert.equal(fixedIvLength(gcm.suite, 0x0303), 4);
  const k10 = tls12KeyBlock(cbc.suite, 0x0301, master, cr, sr);
  const whole = prfTls10(master, 'key expansion', Buffer.concat([sr, cr]), 2 * (20 + 16 + 16));
  assert.deepEqual(Buffer.concat([k10.client.macKey, k10.server.macKey, k10.client.key, k10.server.key, k10.client.iv, k10.server.iv]), whole);
  const k12 = tls12KeyBlock(gcm.suite, 0x0303, master, cr, sr);
  assert.deepEqual([k12.client.macKey.length, k12.client.key.length, k12.client.iv.length], [0, 16, 4]);
  assert.deepEqual(Buffer.concat([k12.client.key, k12.server.key, k12.client.iv, k12.server.iv]), prfTls12('sha256', master, 'key expansion', Buffer.concat([sr, cr]), 40));
});
