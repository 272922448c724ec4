// decodeCertificate on damaged input: every truncation, random byte flips, random bytes, the
// size cap, and the cache bound. The property: it never throws, and reports what it could read.

import { ipv6String } from '../../src/util/ip-text.js';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_CERTIFICATE_BYTES } from '../../src/limits.js';
import type { CertInfo } from '../../src/x509/model.js';
import { CERT_CACHE_SIZE, certificateCacheSize, clearCertificateCache } from '../../src/x509/cache.js';
import { decodeCertificate } from '../../src/x509/certificate.js';

/**
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 3650
 *  -subj "/C=US/O=Example/CN=fixture.example" -addext subjectAltName=DNS:fixture.example,IP:192.0.2.1
 *  -addext extendedKeyUsage=serverAuth -addext keyUsage=digitalSignature -outform DER`
 */
const FIXTURE = Buffer.from(
  'MIICDjCCAbOgAwIBAgIUVU8AhxHsUG+w9E8aMNavoD2khmYwCgYIKoZIzj0EAwIwOTELMAkGA1UEBhMCVVMxEDAOBgNVBAoMB0V4' +
    'YW1wbGUxGDAWBgNVBAMMD2ZpeHR1cmUuZXhhbXBsZTAeFw0yNjExMjYwNTUzNDRaFw0zNjExMjMwNTUzNDRaMDkxCzAJBgNVBAYT' +
    'AlVTMRAwDgYDVQQKDAdFeGFtcGxlMRgwFgYDVQQDDA9maXh0dXJlLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASU' +
    '4FNpjRXbN4iKHab4p/1L3BdxiqWakBlO6byb8dioVsnpGNTiyX9XHU9Yu5sOZg+bCeezAXaOXK5YRtcoQDeVo4GYMIGVMB0GA1Ud' +
    'DgQWBBTzFhpdABK1K1JqDVie1FK2NSdByjAfBgNVHSMEGDAWgBTzFhpdABK1K1JqDVie1FK2NSdByjAPBgNVHRMBAf8EBTADAQH/' +
    'MCAGA1UdEQQZMBeCD2ZpeHR1cmUuZXhhbXBsZYcEwAACATATBgNVHSUEDDAKBggrBgEFBQcDATALBgNVHQ8EBAMCB4AwCgYIKoZI' +
    'zj0EAwIDSQAwRgIhALJuKOh7bfiNnrVA11P2Icbu+Kgsy7jqZDQj4c/OTvXnAiEA6DZNozbfhX0kFkr6gAVr/u5EIQ9hX7+1Yerh' +
    'TwpTjlA=',
  'base64',
);

/** Small deterministic PRNG (mulberry32) so the flip test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wellFormed(c: CertInfo, der: Uint8Array): void {
  assert.equal(typeof c, 'object');
  assert.equal(c.length, der.length);
  assert.match(c.sha256, /^[0-9a-f]{64}$/);
  assert.equal(typeof c.subject, 'string');
  assert.equal(typeof c.selfSigned, 'boolean');
  assert.doesNotThrow(() => JSON.stringify(c));
  if (c.error !== undefined) assert.ok(c.error.length > 0);
}

describe('decodeCertificate: the fixture', () => {
  it('decodes (node:crypto agrees on the basics)', () => {
    const c = decodeCertificate(FIXTURE);
    const x = new X509Certificate(FIXTURE);
    assert.equal(c.error, undefined);
    assert.equal(c.subject, 'CN=fixture.example,O=Example,C=US');
    assert.equal(c.serial, x.serialNumber.toLowerCase());
    assert.deepEqual(c.san, ['DNS:fixture.example', 'IP:192.0.2.1']);
    assert.deepEqual(c.extKeyUsage, ['serverAuth']);
    assert.deepEqual(c.keyUsage, ['digitalSignature']);
    assert.deepEqual(c.basicConstraints, { ca: true });
    assert.equal(c.selfSigned, true);
  });
});

describe('decodeCertificate: malformed input never throws', () => {
  const full = decodeCertificate(FIXTURE);

  it('every truncation gives an error and keeps the fields read before the cut', () => {
    for (let n = 0; n < FIXTURE.length; n++) {
      const der = FIXTURE.subarray(0, n);
      const c = decodeCertificate(der);
      wellFormed(c, der);
      assert.ok(c.error, `prefix ${n}: no error`);
      assert.match(c.error, /truncated|Truncated|Malformed/, `prefix ${n}`);
      // 30 82 02 0e | 30 82 01 b3 | a0 03 02 01 02 | 02 14 <20 bytes>: the serial ends at 35;
      // then signature (12), issuer (59), validity (32), subject (59): the subject ends at 197.
      assert.equal(c.serial, n >= 35 ? full.serial : '', `prefix ${n}: serial`);
      assert.equal(c.issuer, n >= 106 ? full.issuer : '', `prefix ${n}: issuer`);
      assert.equal(c.notAfter, n >= 138 ? full.notAfter : '', `prefix ${n}: notAfter`);
      assert.equal(c.subject, n >= 197 ? full.subject : '', `prefix ${n}: subject`);
      assert.equal(c.selfSigned, false, `prefix ${n}: selfSigned`);
    }
  });

  it('trailing bytes after the certificate are reported, fields kept', () => {
    const der = Buffer.concat([FIXTURE, Buffer.from([0, 0])]);
    const c = decodeCertificate(der);
    assert.match(c.error ?? '', /2 trailing byte\(s\) after the certificate @530/);
    assert.equal(c.subject, full.subject);
  });

  it('random byte flips (fixed seed, 4000 variants)', () => {
    const rnd = prng(0x7e57);
    let errors = 0;
    for (let i = 0; i < 4000; i++) {
      const der = Buffer.from(FIXTURE);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) {
        const j = Math.floor(rnd() * der.length);
        der[j] = der[j]! ^ (1 + Math.floor(rnd() * 255));
      }
      const c = decodeCertificate(der);
      wellFormed(c, der);
      if (c.error) errors++;
    }
    clearCertificateCache();
    assert.ok(errors > 100, `only ${errors} of 4000 flipped certificates were reported broken`);
  });

  it('arbitrary bytes (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        wellFormed(decodeCertificate(bytes), bytes);
      }),
      { seed: 1, numRuns: 2000 },
    );
    // ...and arbitrary bytes behind a plausible header.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const der = Buffer.concat([Buffer.from([0x30, 0x82, (bytes.length + 4) >> 8, (bytes.length + 4) & 0xff, 0x30, 0x82, bytes.length >> 8, bytes.length & 0xff]), bytes]);
        wellFormed(decodeCertificate(der), der);
      }),
      { seed: 2, numRuns: 2000 },
    );
    clearCertificateCache();
  });

  it('refuses a certificate over MAX_CERTIFICATE_BYTES, naming the limit', () => {
    const big = new Uint8Array(MAX_CERTIFICATE_BYTES + 1);
    big.set([0x30, 0x83, 0x01, 0x00, 0x00]);
    const c = decodeCertificate(big);
    wellFormed(c, big);
    assert.match(c.error ?? '', /MAX_CERTIFICATE_BYTES \(65536\)/);
    assert.match(c.error ?? '', /65537 bytes/);
  });

  it('an impossible date is reported with its field; the fields before it are kept', () => {
    const der = Buffer.from(FIXTURE);
    const at = der.indexOf('261126055344Z', 0, 'latin1');
    der.write('261131055344Z', at, 'latin1'); // 31 November
    const c = decodeCertificate(der);
    assert.match(c.error ?? '', /^Malformed: validity\.notBefore: bad date "261131055344Z" @\d+/);
    assert.equal(c.issuer, full.issuer);
    assert.equal(c.notBefore, '');
  });

  it('a broken extension is reported and the other extensions still decode', () => {
    const der = Buffer.from(FIXTURE);
    // basicConstraints value 30 03 01 01 ff → 31 03 01 01 ff (a SET where the SEQUENCE belongs)
    const at = der.indexOf(Buffer.from('30030101ff', 'hex'));
    der[at] = 0x31;
    const c = decodeCertificate(der);
    assert.match(c.error ?? '', /extensions\[2\]\(2\.5\.29\.19\)/);
    assert.equal(c.basicConstraints, undefined);
    assert.deepEqual(c.san, full.san);
    assert.deepEqual(c.keyUsage, full.keyUsage);
    assert.equal(c.subject, full.subject);
  });

  it('an empty input', () => {
    const c = decodeCertificate(new Uint8Array(0));
    wellFormed(c, new Uint8Array(0));
    assert.ok(c.error);
  });

  it('an extension value of 10,000 nested SEQUENCEs (asn1js fromBER unbounded recursion, PeculiarVentures/ASN1.js#131): reported, no stack overflow', () => {
    const tlv = (tag: number, ...parts: Uint8Array[]): Buffer => {
      const body = Buffer.concat(parts);
      const n = body.length;
      const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
      return Buffer.concat([Buffer.from([tag, ...len]), body]);
    };
    const hex = (h: string) => Buffer.from(h, 'hex');
    // At most 4 bytes per level, built from the inside out: ~40 KB, under MAX_CERTIFICATE_BYTES.
    let deep: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 10_000; i++) deep = tlv(0x30, deep);
    const algId = tlv(0x30, hex('06092a864886f70d01010b'), hex('0500')); // sha256WithRSAEncryption
    const name = tlv(0x30, tlv(0x31, tlv(0x30, hex('0603550403'), tlv(0x0c, Buffer.from('deep')))));
    const validity = tlv(0x30, tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('350101000000Z')));
    const spki = tlv(0x30, tlv(0x30, hex('06072a8648ce3d0201'), hex('06082a8648ce3d030107')), tlv(0x03, Buffer.from([0, 4]), Buffer.alloc(64, 1)));
    const eku = tlv(0x30, hex('0603551d25'), tlv(0x04, deep)); // extKeyUsage
    const tbs = tlv(0x30, tlv(0xa0, hex('020102')), hex('020101'), algId, name, validity, name, spki, tlv(0xa3, tlv(0x30, eku)));
    const der = tlv(0x30, tbs, algId, tlv(0x03, Buffer.from([0]), Buffer.alloc(32, 2)));
    assert.ok(der.length <= MAX_CERTIFICATE_BYTES, `${der.length} bytes`);
    const c = decodeCertificate(der);
    wellFormed(c, der);
    assert.equal(c.subject, 'CN=deep', 'the fields before the extension are decoded');
    assert.match(c.error ?? '', /2\.5\.29\.37/, 'the error names the extension');
    assert.equal(c.extKeyUsage, undefined);
  });
});

describe('decodeCertificate: cache', () => {
  it('keeps certificates apart that end alike (the lookup key is the length and the last 32 bytes)', () => {
    clearCertificateCache();
    // Same length, same signature bytes at the end, another subject CN: "fixture" -> "fixturf".
    const other = Buffer.from(FIXTURE);
    // Occurrences: the issuer's CN, the subject's CN, the SAN.
    const name = Buffer.from('fixture.example');
    const at = other.indexOf(name, other.indexOf(name) + 1);
    other[at + 6] = 0x66;
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    for (let round = 0; round < 3; round++) {
      const a = decodeCertificate(new Uint8Array(FIXTURE));
      const b = decodeCertificate(new Uint8Array(other));
      assert.equal(a.subject, 'CN=fixture.example,O=Example,C=US');
      assert.equal(b.subject, 'CN=fixturf.example,O=Example,C=US');
      assert.equal(a.sha256, sha(FIXTURE));
      assert.equal(b.sha256, sha(other));
    }
    assert.equal(certificateCacheSize(), 2);
    // A hit is the same frozen object, even when the bytes come from another buffer.
    assert.equal(decodeCertificate(Buffer.concat([Buffer.alloc(3), FIXTURE]).subarray(3)), decodeCertificate(FIXTURE));
    clearCertificateCache();
  });

  it('drops the least recently used certificate when full', () => {
    clearCertificateCache();
    const der = (i: number) => Uint8Array.of(0x30, 0x02, i & 0xff, i >> 8);
    const first = decodeCertificate(der(0));
    const second = decodeCertificate(der(1));
    for (let i = 2; i < CERT_CACHE_SIZE; i++) decodeCertificate(der(i));
    assert.equal(decodeCertificate(der(0)), first, 'a hit: the same object');
    decodeCertificate(der(CERT_CACHE_SIZE)); // one more: the oldest unused one goes
    assert.equal(certificateCacheSize(), CERT_CACHE_SIZE);
    assert.equal(decodeCertificate(der(0)), first, 'used a moment ago: kept');
    assert.notEqual(decodeCertificate(der(1)), second, 'least recently used: decoded again');
    clearCertificateCache();
  });

  it('is bounded by CERT_CACHE_SIZE', () => {
    clearCertificateCache();
    for (let i = 0; i < CERT_CACHE_SIZE + 10; i++) decodeCertificate(Uint8Array.of(0x30, 0x02, i & 0xff, i >> 8));
    assert.equal(certificateCacheSize(), CERT_CACHE_SIZE);
    clearCertificateCache();
    assert.equal(certificateCacheSize(), 0);
  });
});

describe('ipv6String (RFC 5952 §4), as used for IP SANs', () => {
  const v6 = (s: string) => {
    const groups = s.split(':').map((g) => parseInt(g, 16));
    return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
  };
  for (const [full, want] of [
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'], // §4.2.1 shorten as much as possible
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2 a single 16-bit 0 is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3 the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3 equal runs: the first
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['2001:DB8:AAAA:0:0:0:0:0', '2001:db8:aaaa::'], // §4.3 lower case
  ] as const) {
    it(`${full} → ${want}`, () => assert.equal(ipv6String(v6(full), 0), want));
  }
});
