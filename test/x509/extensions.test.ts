// Each extension decoder on hand-built DER (the bytes are written out below, the expected values
// are what they were built to say), and the extension registry: decoded in certificate order, an
// unknown extnID kept raw, a broken or repeated extension reported without losing the others.
// Whole certificates made by openssl are checked against `openssl x509 -text` in openssl.test.ts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Malformed } from '../../src/bytes/errors.js';
import { Der } from '../../src/x509/asn1.js';
import { decodeBasicConstraints } from '../../src/x509/extensions/basic-constraints.js';
import { decodeExtKeyUsage } from '../../src/x509/extensions/ext-key-usage.js';
import { decodeExtensions } from '../../src/x509/extensions/index.js';
import { decodeAuthorityKeyIdentifier, decodeSubjectKeyIdentifier } from '../../src/x509/extensions/key-identifiers.js';
import { decodeKeyUsage } from '../../src/x509/extensions/key-usage.js';
import { decodeSubjectAltName } from '../../src/x509/extensions/subject-alt-name.js';
import { tlv } from './helpers.js';

// DER of OIDs used below (X.690 §8.19), as they appear in real certificates.
const OID = {
  serverAuth: '06082b06010505070301', // 1.3.6.1.5.5.7.3.1
  clientAuth: '06082b06010505070302', // 1.3.6.1.5.5.7.3.2
  msSmartcardLogon: '060a2b060104018237140202', // 1.3.6.1.4.1.311.20.2.2
  msUpn: '060a2b060104018237140203', // 1.3.6.1.4.1.311.20.2.3
  cn: '0603550403', // 2.5.4.3
  c: '0603550406', // 2.5.4.6
  keyUsage: '0603551d0f', // 2.5.29.15
  extKeyUsage: '0603551d25', // 2.5.29.37
  basicConstraints: '0603551d13', // 2.5.29.19
  ctPoison: '060a2b06010401d679020403', // 1.3.6.1.4.1.11129.2.4.3 (RFC 6962 §3.1 precertificate poison)
  rid: '2a0304', // content of 1.2.3.4
} as const;

const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const ascii = (tag: number, s: string) => tlv(tag, Buffer.from(s, 'latin1'));
/** Name ::= SEQUENCE OF SET OF AttributeTypeAndValue, one attribute per RDN. */
const name = (...rdns: [string, Buffer][]) => tlv(0x30, ...rdns.map(([type, value]) => tlv(0x31, tlv(0x30, type, value))));

/** The Malformed an extension decoder throws, with its path. */
function malformed(f: () => unknown): Malformed {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Malformed, `want Malformed, got ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

describe('subjectAltName (RFC 5280 §4.2.1.6)', () => {
  it('every GeneralName form', () => {
    const der = tlv(
      0x30,
      tlv(0xa0, OID.msUpn, tlv(0xa0, utf8('alice@corp.example'))), // otherName, UPN (a UTF8String)
      tlv(0xa0, OID.msUpn, tlv(0xa0, tlv(0x02, '05'))), // otherName whose value is no string
      ascii(0x81, 'alice@example.com'), // rfc822Name
      ascii(0x82, 'www.example.com'), // dNSName
      tlv(0xa3, tlv(0x30)), // x400Address
      tlv(0xa4, name([OID.c, ascii(0x13, 'DE')], [OID.cn, utf8('Dir, Name')])), // directoryName
      tlv(0xa5, tlv(0xa1, utf8('party'))), // ediPartyName
      ascii(0x86, 'https://example.com/x'), // uniformResourceIdentifier
      tlv(0x87, 'c0000201'), // iPAddress 192.0.2.1
      tlv(0x87, '20010db8000000000000000000000001'), // iPAddress 2001:db8::1
      tlv(0x87, 'c00002'), // iPAddress of 3 octets
      tlv(0x88, OID.rid), // registeredID 1.2.3.4
    );
    assert.deepEqual(decodeSubjectAltName(der), [
      'othername:1.3.6.1.4.1.311.20.2.3:alice@corp.example',
      'othername:1.3.6.1.4.1.311.20.2.3',
      'email:alice@example.com',
      'DNS:www.example.com',
      'X400Name:<unsupported>',
      'DirName:CN=Dir\\, Name,C=DE',
      'EdiPartyName:<unsupported>',
      'URI:https://example.com/x',
      'IP:192.0.2.1',
      'IP:2001:db8::1',
      'IP:<invalid c00002>',
      'RID:1.2.3.4',
    ]);
  });

  it('a tag that is no GeneralName, and trailing bytes, are Malformed with path and absolute offset', () => {
    const bad = tlv(0x30, ascii(0x82, 'a.example'), tlv(0x89, '00'));
    const e = malformed(() => decodeSubjectAltName(bad, 1000, 'extensions[3](2.5.29.17)'));
    assert.equal(e.path, 'extensions[3](2.5.29.17)[1]');
    assert.equal(e.offset, 1000 + 2 + 11); // SEQUENCE header, then the 11-byte dNSName
    assert.match(e.message, /not a GeneralName: tag 0x89/);
    assert.match(malformed(() => decodeSubjectAltName(Buffer.concat([tlv(0x30, ascii(0x82, 'a')), Buffer.from([0])]))).message, /1 unexpected trailing byte/);
  });
});

describe('keyUsage (RFC 5280 §4.2.1.3)', () => {
  it('bits in bit order, named; the ninth (decipherOnly) in a second octet; unnamed ones as bitN', () => {
    // 03 02 05 a0: 5 unused bits, 1010 0000 = digitalSignature, keyEncipherment
    assert.deepEqual(decodeKeyUsage(tlv(0x03, '05a0')), ['digitalSignature', 'keyEncipherment']);
    // 03 02 01 06: keyCertSign (5), cRLSign (6): what a CA carries
    assert.deepEqual(decodeKeyUsage(tlv(0x03, '0106')), ['keyCertSign', 'cRLSign']);
    // 03 03 07 80 80: digitalSignature (0) and decipherOnly (8)
    assert.deepEqual(decodeKeyUsage(tlv(0x03, '078080')), ['digitalSignature', 'decipherOnly']);
    // 03 03 06 00 40: bit 9, which RFC 5280 does not name
    assert.deepEqual(decodeKeyUsage(tlv(0x03, '060040')), ['bit9']);
    // Bits past the unused-bits count are not read: 03 02 07 ff is only digitalSignature.
    assert.deepEqual(decodeKeyUsage(tlv(0x03, '07ff')), ['digitalSignature']);
  });

  it('an unused-bits count over 7, an empty BIT STRING, another type: Malformed', () => {
    assert.match(malformed(() => decodeKeyUsage(tlv(0x03, '0880'))).message, /bad BIT STRING/);
    assert.match(malformed(() => decodeKeyUsage(tlv(0x03))).message, /bad BIT STRING/);
    assert.match(malformed(() => decodeKeyUsage(tlv(0x04, '00'))).message, /want tag 0x03, got 0x04/);
  });
});

describe('extKeyUsage (RFC 5280 §4.2.1.12)', () => {
  it('purposes by name, an unnamed one as its OID, in order', () => {
    assert.deepEqual(decodeExtKeyUsage(tlv(0x30, OID.clientAuth, OID.msSmartcardLogon, OID.serverAuth, tlv(0x06, OID.rid))), [
      'clientAuth',
      'msSmartcardLogin',
      'serverAuth',
      '1.2.3.4',
    ]);
  });

  it('an element that is no OID is Malformed at its index', () => {
    const e = malformed(() => decodeExtKeyUsage(tlv(0x30, OID.serverAuth, utf8('clientAuth')), 0, 'eku'));
    assert.equal(e.path, 'eku[1]');
    assert.match(e.message, /want tag 0x06, got 0x0c/);
  });

  it('10,000 nested SEQUENCEs are Malformed at the first level, without recursion', () => {
    let deep: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 10_000; i++) deep = tlv(0x30, deep);
    assert.match(malformed(() => decodeExtKeyUsage(deep)).message, /want tag 0x06, got 0x30/);
  });
});

describe('basicConstraints (RFC 5280 §4.2.1.9)', () => {
  it('cA DEFAULT FALSE, pathLenConstraint OPTIONAL', () => {
    assert.deepEqual(decodeBasicConstraints(tlv(0x30)), { ca: false });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '0101ff')), { ca: true });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '0101ff', '020100')), { ca: true, pathLength: 0 });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '0101ff', '020103')), { ca: true, pathLength: 3 });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '020102')), { ca: false, pathLength: 2 });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '0101ff', '02020100')), { ca: true, pathLength: 256 });
    // X.690 §8.2.2: any non-zero octet is TRUE (DER would say 0xff).
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '010101')), { ca: true });
    assert.deepEqual(decodeBasicConstraints(tlv(0x30, '010100')), { ca: false });
  });

  it('a negative, a too large or a misplaced pathLenConstraint, and extra fields: Malformed', () => {
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x30, '0101ff', '0201ff'))).message, /negative pathLenConstraint -1/);
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x30, '0101ff', '020401000000'))).message, /pathLenConstraint too large/);
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x30, '0101ff', '0200'))).message, /empty INTEGER/);
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x30, '0101ff', '0101ff'))).message, /want tag 0x02, got 0x01/);
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x30, '0101ff', '020101', '020101'))).message, /trailing/);
    assert.match(malformed(() => decodeBasicConstraints(tlv(0x31, '0101ff'))).message, /want tag 0x30, got 0x31/);
  });
});

describe('key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2)', () => {
  const keyId = '9dbafc44f468c0497215c4e0da4522166e312ca6';
  it('subjectKeyIdentifier: the OCTET STRING as hex', () => {
    assert.equal(decodeSubjectKeyIdentifier(tlv(0x04, keyId)), keyId);
    assert.match(malformed(() => decodeSubjectKeyIdentifier(Buffer.concat([tlv(0x04, keyId), Buffer.from([0])]))).message, /trailing/);
  });

  it('authorityKeyIdentifier: keyIdentifier [0]; issuer [1] and serial [2] read and checked, not kept', () => {
    assert.equal(decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0x80, keyId))), keyId);
    const issuer = tlv(0xa1, tlv(0xa4, name([OID.cn, utf8('Old CA')])));
    assert.equal(decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0x80, keyId), issuer, tlv(0x82, '00d075a8'))), keyId);
    assert.equal(decodeAuthorityKeyIdentifier(tlv(0x30, issuer, tlv(0x82, '01'))), undefined);
    assert.equal(decodeAuthorityKeyIdentifier(tlv(0x30)), undefined);
  });

  it('authorityKeyIdentifier: fields out of order, repeated, unknown, or a broken issuer name are Malformed', () => {
    assert.match(malformed(() => decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0x82, '01'), tlv(0x80, keyId)))).message, /unexpected field with tag 0x80/);
    assert.match(malformed(() => decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0x80, keyId), tlv(0x80, keyId)))).message, /unexpected field with tag 0x80/);
    assert.match(malformed(() => decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0x04, keyId)))).message, /unexpected field with tag 0x04/);
    const e = malformed(() => decodeAuthorityKeyIdentifier(tlv(0x30, tlv(0xa1, tlv(0x89, '00'))), 0, 'aki'));
    assert.equal(e.path, 'aki.authorityCertIssuer[0]');
  });
});

describe('decodeExtensions: the registry', () => {
  /** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
  const ext = (oid: string, value: Buffer, critical?: boolean) =>
    tlv(0x30, oid, critical === undefined ? '' : critical ? '0101ff' : '010100', tlv(0x04, value));
  const read = (...exts: Buffer[]) => {
    const problems: string[] = [];
    const d = new Der(tlv(0x30, ...exts));
    const list = decodeExtensions(d, d.top(''), problems);
    return { list, problems };
  };

  it('decodes in certificate order, with the critical flag; an unknown extnID stays generic with its bytes', () => {
    const { list, problems } = read(
      ext(OID.extKeyUsage, tlv(0x30, OID.serverAuth)),
      ext(OID.ctPoison, tlv(0x05), true),
      ext(OID.basicConstraints, tlv(0x30, '0101ff'), true),
    );
    assert.deepEqual(problems, []);
    assert.equal(list.length, 3);
    assert.deepEqual(list[0], { name: 'extKeyUsage', oid: '2.5.29.37', critical: false, value: ['serverAuth'] });
    const poison = list[1]!;
    assert.ok(poison.name === undefined);
    assert.deepEqual({ oid: poison.oid, critical: poison.critical, der: [...poison.der] }, { oid: '1.3.6.1.4.1.11129.2.4.3', critical: true, der: [0x05, 0x00] });
    assert.deepEqual(list[2], { name: 'basicConstraints', oid: '2.5.29.19', critical: true, value: { ca: true } });
  });

  it('a value that does not decode is reported as extensions[i](oid) and kept raw; the others still decode', () => {
    const { list, problems } = read(ext(OID.keyUsage, tlv(0x03, '0880')), ext(OID.extKeyUsage, tlv(0x30, OID.clientAuth)));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^Malformed: extensions\[0\]\(2\.5\.29\.15\): bad BIT STRING @\d+$/);
    assert.equal(list[0]!.name, undefined);
    assert.deepEqual(list[1], { name: 'extKeyUsage', oid: '2.5.29.37', critical: false, value: ['clientAuth'] });
  });

  it('a repeated extnID is reported (RFC 5280 §4.2), and both are listed', () => {
    const { list, problems } = read(ext(OID.keyUsage, tlv(0x03, '0780')), ext(OID.keyUsage, tlv(0x03, '0106')));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /extensions\[1\]\(2\.5\.29\.15\): duplicate extension/);
    assert.deepEqual(
      list.map((e) => (e.name === 'keyUsage' ? e.value : undefined)),
      [['digitalSignature'], ['keyCertSign', 'cRLSign']],
    );
  });

  it('a broken list throws, and what was read before the break is kept', () => {
    const out: ReturnType<typeof decodeExtensions> = [];
    const good = ext(OID.extKeyUsage, tlv(0x30, OID.serverAuth));
    const d = new Der(tlv(0x30, good, tlv(0x30, OID.keyUsage, tlv(0x02, '00'))));
    assert.throws(() => decodeExtensions(d, d.top(''), [], out), /want extnValue OCTET STRING/);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.name, 'extKeyUsage');
  });
});
