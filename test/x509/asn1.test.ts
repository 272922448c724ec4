// The asn1js adapter (src/x509/asn1.ts) on bytes built here: each way asn1js fails, or accepts
// what DER forbids, comes out as our Malformed with the field path and the offset the bytes were
// built to put it at. Where the point is that asn1js itself behaves differently, asn1js is asked
// directly, so the test shows the check is ours.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBER } from 'asn1js';
import { Malformed } from '../../src/bytes/errors.js';
import { Der, TAG, oidOf } from '../../src/x509/asn1.js';
import { decodeCertificate } from '../../src/x509/certificate.js';
import { decodeDistinguishedName } from '../../src/x509/dn.js';
import { tlv } from './helpers.js';

const CN = '0603550403'; // 2.5.4.3
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
/** A Name of one RDN with one attribute: 30 L | 31 L | 30 L | 06 03 55 04 03 | value. */
const cnName = (value: Buffer) => tlv(0x30, tlv(0x31, tlv(0x30, CN, value)));

function malformed(f: () => unknown): Malformed {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Malformed, `want Malformed, got ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

describe('asn1.ts: offsets', () => {
  it('are absolute: the base, plus the place in a buffer that does not start at byte 0 of its memory', () => {
    // 9 bytes of something else first; the Name then sits at byteOffset 9 of the ArrayBuffer.
    const name = cnName(utf8('x'));
    const mem = Buffer.concat([Buffer.alloc(9, 0xee), name, Buffer.from([0x00])]);
    const der = mem.subarray(9); // the Name and one trailing byte
    assert.equal(der.byteOffset - mem.byteOffset, 9);
    const e = malformed(() => decodeDistinguishedName(der, 700));
    assert.match(e.message, /1 unexpected trailing byte/);
    assert.equal(e.offset, 700 + name.length);
    // The blocks are views of the caller's bytes (no copy): the value's offset is 2+2+2+5 = 11.
    const d = new Der(der, 700);
    const atv = d.items(d.items(d.items(d.top('').expect(TAG.SEQUENCE, 'n'), 'n').expect(TAG.SET, 's'), 's').expect(TAG.SEQUENCE, 'a'), 'a');
    assert.equal(oidOf(d, atv.expect(TAG.OID, 'type'), 'type'), '2.5.4.3');
    const value = atv.next('value');
    assert.equal(d.offset(value), 700 + 11);
    assert.equal(d.content(value).buffer, mem.buffer);
  });
});

describe('asn1.ts: what asn1js accepts and DER does not', () => {
  it('an indefinite length (X.690 §10.1), at its length octet', () => {
    // 30 80 | 31 … | 00 00: BER's indefinite form, which asn1js reads.
    const der = Buffer.concat([Buffer.from([0x30, 0x80]), tlv(0x31, tlv(0x30, CN, utf8('x'))), Buffer.from([0, 0])]);
    assert.notEqual(fromBER(der).offset, -1, 'asn1js reads it');
    const e = malformed(() => decodeDistinguishedName(der, 100, 'ca'));
    assert.match(e.message, /indefinite length is not DER/);
    assert.equal(e.offset, 101);
    assert.equal(e.path, 'ca');
  });

  it('an element longer than its container, though the input goes on', () => {
    // Name 30 0e | SET 31 0c | ATV 30 0c | 06 03 55 04 03 | 0c 01 78 | 0c 02 79 7a: the ATV claims
    // 12 bytes where the SET holds 10 after its header; the input has the 2 more. asn1js checks
    // lengths against the whole input only, and reads on past the SET and the Name.
    const der = Buffer.from('300e310c300c0603550403' + '0c0178' + '0c02797a', 'hex');
    assert.notEqual(fromBER(der).offset, -1, 'asn1js reads it');
    const e = malformed(() => decodeDistinguishedName(der, 0, 'dn'));
    assert.equal(e.message, 'Malformed: dn[0][0]: truncated, need 2 more bytes @6');
  });
});

describe("asn1.ts: asn1js's failures as our errors", () => {
  it('identifier octets asn1js refuses after reading the length ([UNIVERSAL 15]) are reported where they are', () => {
    // CN value 2f 01 00: a constructed [UNIVERSAL 15], which X.680 reserves. The value is at 11.
    const der = cnName(Buffer.from('2f0100', 'hex'));
    const e = malformed(() => decodeDistinguishedName(der, 1000));
    assert.equal(e.message, 'Malformed: DistinguishedName[0][0].value: bad identifier octets: [UNIVERSAL 15] is reserved by ASN.1 standard @1011');
  });

  it('length octets: 0xff (X.690 §8.1.3.5 c), nine octets, and ones the input cuts off', () => {
    assert.equal(malformed(() => decodeDistinguishedName(cnName(Buffer.from('0cff', 'hex')))).message, 'Malformed: DistinguishedName[0][0].value: bad length octets: Length block 0xFF is reserved by standard @12');
    assert.equal(
      malformed(() => decodeDistinguishedName(cnName(Buffer.from('0c89010000000000000000', 'hex')))).message,
      'Malformed: DistinguishedName[0][0].value: bad length octets: Too big integer @12',
    );
    // 30 03 | 31 01 | 30: the ATV's length octet is missing.
    assert.equal(malformed(() => decodeDistinguishedName(Buffer.from('3003310130', 'hex'))).message, 'Malformed: DistinguishedName[0][0]: truncated in the length octets @5');
  });

  it('an OBJECT IDENTIFIER that ends inside a subidentifier: at the OID, with asn1js reason', () => {
    // type 06 03 55 04 83: the last octet has its continuation bit set.
    const der = tlv(0x30, tlv(0x31, tlv(0x30, '06035504' + '83', utf8('x'))));
    assert.equal(fromBER(der).offset, -1, 'asn1js refuses it');
    const e = malformed(() => decodeDistinguishedName(der, 50));
    assert.equal(e.message, 'Malformed: DistinguishedName[0][0].type: bad OBJECT IDENTIFIER: End of input reached before message was fully decoded @56');
  });

  it('a value asn1js cannot decode is still an element: a Name shows it as #hex (RFC 4514 §2.4)', () => {
    // Each of these fails asn1js's value decoder; DER-wise each is one well-delimited element.
    const cases: [string, string][] = [
      ['1e03004c00', 'odd-length BMPString'],
      ['1c03000000', 'UniversalString of 3 octets'],
      ['03020880', 'BIT STRING with 8 unused bits'],
      ['1803616263', 'GeneralizedTime "abc" (asn1js throws)'],
    ];
    for (const [hex, what] of cases) {
      const value = Buffer.from(hex, 'hex');
      let asn1jsFails = false;
      try {
        asn1jsFails = fromBER(value).offset === -1;
      } catch {
        asn1jsFails = true;
      }
      assert.ok(asn1jsFails, `${what}: asn1js refuses it`);
      assert.equal(decodeDistinguishedName(cnName(value)), `CN=#${hex}`, what);
    }
  });

  it('a GeneralizedTime asn1js throws on is checked by our reader: a comma fraction (X.680 §46.2) is a time', () => {
    const algId = tlv(0x30, '06092a864886f70d01010b', '0500'); // sha256WithRSAEncryption
    const name = cnName(utf8('t'));
    const validity = tlv(0x30, tlv(0x18, Buffer.from('20510101000000,5Z')), tlv(0x18, Buffer.from('20610101000000Z')));
    const spki = tlv(0x30, tlv(0x30, '06072a8648ce3d0201', '06082a8648ce3d030107'), tlv(0x03, Buffer.from([0, 4]), Buffer.alloc(64, 1)));
    const tbs = tlv(0x30, tlv(0xa0, '020102'), '020101', algId, name, validity, name, spki);
    const der = tlv(0x30, tbs, algId, tlv(0x03, Buffer.from([0]), Buffer.alloc(32, 2)));
    assert.throws(() => fromBER(der), /Wrong input string for conversion/, 'asn1js throws');
    const c = decodeCertificate(der);
    assert.equal(c.error, undefined);
    assert.equal(c.notBefore, '2051-01-01T00:00:00.500Z');
    assert.equal(c.notAfter, '2061-01-01T00:00:00Z');
    assert.equal(c.subject, 'CN=t');
    assert.deepEqual(c.publicKey, { algorithm: 'ec', oid: '1.2.840.10045.2.1', bits: 256, curve: 'prime256v1' });
  });

  it('a Name attribute value of 10,000 nested SEQUENCEs (past asn1js depth cap) is #hex, not a stack overflow', () => {
    let deep: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 10_000; i++) deep = tlv(0x30, deep);
    assert.equal(fromBER(deep).result.error, 'Maximum ASN.1 nesting depth exceeded');
    assert.equal(decodeDistinguishedName(cnName(deep)), `CN=#${deep.toString('hex')}`);
  });
});
