// One test per bug the fuzz targets (test/fuzz/targets.ts) or the robustness tests found,
// named after what it was. Each builds the smallest input that showed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/bytes/reader.js';
import { TlsParseError } from '../../src/bytes/errors.js';
import { decodeCertificateRequest } from '../../src/tls/messages/client-auth.js';
import { vec16, vec8 } from '../helpers/tls-bytes.js';

test('CertificateRequest: a broken CA name is reported at its stream offset, not at offset 0 of the name', () => {
  // certificate_types (1: rsa_sign), no sig algs (TLS 1.1 layout), one CA name whose SEQUENCE claims 0x30 bytes but has 2.
  const body = [...vec8([1]), ...vec16(vec16([0x30, 0x30, 0x31, 0x00]))];
  const base = 5000;
  try {
    decodeCertificateRequest(new ByteReader(Uint8Array.from(body), base, 'CertificateRequest'), false);
    assert.fail('must not decode');
  } catch (e) {
    assert.ok(e instanceof TlsParseError);
    // The name starts after certificate_types (2 bytes) and the two length prefixes (4 bytes).
    assert.ok(e.offset >= base + 6 && e.offset <= base + body.length, `offset ${e.offset}: ${e.message}`);
    assert.match(e.message, /certificate_authorities\[0\]/);
  }
});
