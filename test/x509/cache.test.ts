// The decode cache's own limits: certificates whose lookup hashes collide (same length, same last
// 32 bytes) take neighbouring slots, up to eight; past that a certificate is decoded every time.
// (Hits, least-recently-used order and the CERT_CACHE_SIZE bound are in certificate.test.ts.)

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateCacheSize, clearCertificateCache } from '../../src/x509/cache.js';
import { decodeCertificate } from '../../src/x509/certificate.js';

describe('certificate cache: colliding lookup hashes', () => {
  // 36 bytes each: a SEQUENCE header, a byte that differs, and the same 33 bytes after it.
  const colliding = (i: number) => Uint8Array.from([0x30, 0x22, i, ...new Array<number>(33).fill(0x55)]);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('eight are cached side by side, each found again', () => {
    clearCertificateCache();
    const first = Array.from({ length: 8 }, (_, i) => decodeCertificate(colliding(i)));
    assert.equal(certificateCacheSize(), 8);
    for (let i = 0; i < 8; i++) {
      assert.equal(first[i]!.sha256, sha(colliding(i)));
      assert.equal(decodeCertificate(colliding(i)), first[i], `certificate ${i}: the same object`);
    }
    clearCertificateCache();
  });

  it('the ninth is decoded correctly every time, and not cached', () => {
    clearCertificateCache();
    for (let i = 0; i < 8; i++) decodeCertificate(colliding(i));
    const a = decodeCertificate(colliding(8));
    const b = decodeCertificate(colliding(8));
    assert.equal(a.sha256, sha(colliding(8)));
    assert.deepEqual(b, a);
    assert.notEqual(b, a, 'decoded again');
    assert.equal(certificateCacheSize(), 8);
    clearCertificateCache();
  });
});
