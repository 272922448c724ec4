// RSASSA-PSS parameters of an id-RSASSA-PSS key (RFC 4055 §3.1) on hand-built DER. The sizes,
// curves and parameters of keys openssl made are checked in openssl.test.ts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Malformed } from '../../src/bytes/errors.js';
import { Der } from '../../src/x509/asn1.js';
import { decodePssParams } from '../../src/x509/public-key.js';
import { tlv } from './helpers.js';

const params = (der: Buffer) => {
  const d = new Der(der);
  return decodePssParams(d, d.top('').next(''));
};
// AlgorithmIdentifiers (RFC 4055 §2.1, §2.2): id-sha256 and id-sha384 with NULL parameters, id-mgf1.
const SHA256 = tlv(0x30, '0609608648016503040201', '0500');
const SHA384 = tlv(0x30, '0609608648016503040202', '0500');
const MGF1 = '06092a864886f70d010108';

describe('decodePssParams (RFC 4055 §3.1)', () => {
  it('NULL or no SEQUENCE: no restriction', () => {
    assert.equal(params(tlv(0x05)), undefined);
  });

  it('an empty SEQUENCE: the defaults sha1, mgf1 with sha1, salt 20', () => {
    assert.deepEqual(params(tlv(0x30)), { hash: 'sha1', mgf1Hash: 'sha1', saltLength: 20 });
  });

  it('sha256, mgf1 with sha256, salt 32 (what `openssl genpkey -algorithm rsa-pss -pkeyopt rsa_pss_keygen_md:sha256` writes)', () => {
    const der = tlv(0x30, tlv(0xa0, SHA256), tlv(0xa1, tlv(0x30, MGF1, SHA256)), tlv(0xa2, '020120'));
    assert.deepEqual(params(der), { hash: 'sha256', mgf1Hash: 'sha256', saltLength: 32 });
  });

  it('fields left out take their defaults one by one; trailerField is read', () => {
    assert.deepEqual(params(tlv(0x30, tlv(0xa0, SHA384))), { hash: 'sha384', mgf1Hash: 'sha1', saltLength: 20 });
    assert.deepEqual(params(tlv(0x30, tlv(0xa2, '020140'), tlv(0xa3, '020101'))), { hash: 'sha1', mgf1Hash: 'sha1', saltLength: 64 });
    // id-mgf1 without parameters: its hash is the default.
    assert.deepEqual(params(tlv(0x30, tlv(0xa1, tlv(0x30, MGF1)))), { hash: 'sha1', mgf1Hash: 'sha1', saltLength: 20 });
  });

  it('a mask generation function other than MGF1 is shown by its OID', () => {
    assert.deepEqual(params(tlv(0x30, tlv(0xa1, tlv(0x30, '06032a0304')))), { hash: 'sha1', mgf1Hash: '1.2.3.4', saltLength: 20 });
  });

  it('fields out of order, an unknown tag, a huge salt length: Malformed', () => {
    const bad = (der: Buffer) => assert.throws(() => params(der), Malformed);
    bad(tlv(0x30, tlv(0xa2, '020120'), tlv(0xa0, SHA256)));
    bad(tlv(0x30, tlv(0xa4, '020101')));
    bad(tlv(0x30, tlv(0xa2, '020401000000')));
    bad(tlv(0x30, tlv(0xa0, SHA256, '00')));
  });
});
