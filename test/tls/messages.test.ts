// Hand-built messages and extensions, decoded through the same entry points the session uses.
// Each extension decoder on its own, and decodeExtensions around them: test/tls/extensions/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/bytes/reader.js';
import { Malformed, TlsParseError, Truncated } from '../../src/bytes/errors.js';
import { decodeClientHello, decodeServerHello, decodeSslv2ClientHello } from '../../src/tls/messages/hello.js';
import { decodeServerKeyExchange, bitLength } from '../../src/tls/messages/key-exchange.js';
import { decodeCertificateRequest, decodeCertificateVerify } from '../../src/tls/messages/client-auth.js';
import { decodeCertificateStatus, decodeNewSessionTicket } from '../../src/tls/messages/session-messages.js';
import * as b from '../helpers/tls-bytes.js';

const reader = (bytes: number[]) => new ByteReader(Uint8Array.from(bytes), 0, 'test');
const names = (list?: readonly { name: string }[]) => list?.map((c) => c.name);

// DER of Name: CN=Test CA
const DN_TEST_CA = [0x30, 0x12, 0x31, 0x10, 0x30, 0x0e, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x07, ...b.ascii('Test CA')];

test('ClientHello with every decoded extension', () => {
  const exts = [
    ...b.ext(0x0a0a, []), // GREASE
    ...b.ext(0, b.vec16([0, ...b.vec16(b.ascii('example.com'))])),
    ...b.ext(5, [1, ...b.vec16([]), ...b.vec16([])]),
    ...b.ext(10, b.vec16(b.u16list([0x1a1a, 29, 23, 0x11ec]))),
    ...b.ext(11, b.vec8([0])),
    ...b.ext(13, b.vec16(b.u16list([0x0804, 0x0401, 0x0303, 0x0202]))),
    ...b.ext(15, [1]),
    ...b.ext(16, b.vec16([...b.vec8(b.ascii('h2')), ...b.vec8(b.ascii('http/1.1'))])),
    ...b.ext(18, []),
    ...b.ext(21, [0, 0, 0, 0, 0]),
    ...b.ext(22, []),
    ...b.ext(23, []),
    ...b.ext(27, b.vec8(b.u16list([2]))),
    ...b.ext(28, b.u16(16385)),
    ...b.ext(35, [1, 2, 3]),
    ...b.ext(42, []),
    ...b.ext(43, b.vec8(b.u16list([0x2a2a, 0x0304, 0x0303]))),
    ...b.ext(44, b.vec16([9, 9])),
    ...b.ext(45, b.vec8([1])),
    ...b.ext(47, b.vec16(b.vec16(DN_TEST_CA))),
    ...b.ext(49, []),
    ...b.ext(50, b.vec16(b.u16list([0x0403]))),
    ...b.ext(51, b.vec16([...b.u16(29), ...b.vec16(new Array(32).fill(1)), ...b.u16(0x11ec), ...b.vec16(new Array(1216).fill(2))])),
    ...b.ext(0xfe0d, [0, 1, 2, 3]),
    ...b.ext(0xff01, b.vec8([])),
    ...b.ext(0x7777, [1, 2, 3]),
    ...b.ext(41, [...b.vec16([...b.vec16([1, 2, 3]), ...b.u32(7), ...b.vec16([4]), ...b.u32(8)]), ...b.vec16(b.vec8(new Array(32).fill(0)))]),
  ];
  const ch = decodeClientHello(reader(b.clientHelloBody({ suites: [0x0a0a, 0x1301, 0xc02f, 0x00ff], sessionId: [1, 2, 3], extensions: exts })));
  assert.equal(ch.version.name, 'TLS 1.2');
  assert.equal(ch.sessionIdLength, 3);
  assert.deepEqual(names(ch.cipherSuites), ['GREASE', 'TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV']);
  assert.equal(ch.serverName, 'example.com');
  assert.deepEqual(ch.statusRequest, { type: 1 });
  assert.deepEqual(names(ch.supportedGroups), ['GREASE', 'x25519', 'secp256r1', 'X25519MLKEM768']);
  assert.deepEqual(names(ch.ecPointFormats), ['uncompressed']);
  assert.deepEqual(names(ch.signatureAlgorithms), ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256', 'ecdsa_sha224', 'dsa_sha1']);
  assert.deepEqual(ch.heartbeat, { mode: 1 });
  assert.deepEqual(ch.alpn, ['h2', 'http/1.1']);
  assert.deepEqual(ch.signedCertificateTimestamp, { length: 0 });
  assert.deepEqual(ch.padding, { length: 5 });
  assert.equal(ch.encryptThenMac, true);
  assert.equal(ch.extendedMasterSecret, true);
  assert.deepEqual(names(ch.compressCertificate), ['brotli']);
  assert.equal(ch.recordSizeLimit, 16385);
  assert.deepEqual(ch.sessionTicket, { length: 3 });
  assert.equal(ch.earlyData, true);
  assert.deepEqual(names(ch.supportedVersions), ['GREASE', 'TLS 1.3', 'TLS 1.2']);
  assert.deepEqual(ch.cookie, { length: 2 });
  assert.deepEqual(names(ch.pskKeyExchangeModes), ['psk_dhe_ke']);
  assert.deepEqual(ch.certificateAuthorities, ['CN=Test CA']);
  assert.equal(ch.postHandshakeAuth, true);
  assert.deepEqual(names(ch.signatureAlgorithmsCert), ['ecdsa_secp256r1_sha256']);
  assert.deepEqual(ch.keyShares?.map((k) => [k.group.name, k.keyLength]), [['x25519', 32], ['X25519MLKEM768', 1216]]);
  assert.deepEqual(ch.encryptedClientHello, { length: 4 });
  assert.deepEqual(ch.renegotiationInfo, { length: 0 });
  assert.deepEqual(ch.preSharedKey, { identities: 2 });
  const unknown = ch.extensions.find((e) => e.code === 0x7777);
  assert.deepEqual(unknown, { code: 0x7777, name: 'unknown (0x7777)', length: 3 });
  assert.equal(ch.extensions[0]!.name, 'GREASE');
  assert.equal(ch.extensions.length, 27);
  assert.ok(ch.extensions.every((e) => e.error === undefined), JSON.stringify(ch.extensions.filter((e) => e.error)));
});

test('ClientHello without extensions (SSL 3.0 style)', () => {
  const ch = decodeClientHello(reader(b.clientHelloBody({ version: 0x0300 })));
  assert.equal(ch.version.name, 'SSL 3.0');
  assert.deepEqual(ch.extensions, []);
});

test('ServerHello: TLS 1.3 selected by supported_versions, HelloRetryRequest by its random', () => {
  const sh = decodeServerHello(
    reader(b.serverHelloBody({ suite: 0x1302, extensions: [...b.ext(43, b.u16(0x0304)), ...b.ext(51, [...b.u16(29), ...b.vec16(new Array(32).fill(3))])] })),
  );
  assert.equal(sh.version.name, 'TLS 1.2');
  assert.equal(sh.selectedVersion.name, 'TLS 1.3');
  assert.equal(sh.cipherSuite.name, 'TLS_AES_256_GCM_SHA384');
  assert.deepEqual(sh.keyShare && [sh.keyShare.group.name, sh.keyShare.keyLength], ['x25519', 32]);
  assert.equal(sh.helloRetryRequest, false);

  const hrr = decodeServerHello(reader(b.serverHelloBody({ random: b.HRR_RANDOM, suite: 0x1301, extensions: [...b.ext(43, b.u16(0x0304)), ...b.ext(51, b.u16(24))] })));
  assert.equal(hrr.helloRetryRequest, true);
  assert.equal(hrr.selectedGroup?.name, 'secp384r1');
});

test('SSLv2-compatible ClientHello (RFC 5246 appendix E.2)', () => {
  const specs = [0x00, 0x00, 0x2f, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff];
  const challenge = new Array(16).fill(0xab);
  const body = [1, ...b.u16(0x0301), ...b.u16(specs.length), ...b.u16(0), ...b.u16(challenge.length), ...specs, ...challenge];
  const r = reader(body);
  r.u8();
  const ch = decodeSslv2ClientHello(r);
  assert.equal(ch.sslv2, true);
  assert.equal(ch.version.name, 'TLS 1.0');
  assert.deepEqual(names(ch.cipherSpecs), ['TLS_RSA_WITH_AES_128_CBC_SHA', 'SSL_CK_RC4_128_WITH_MD5', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV']);
  assert.deepEqual(names(ch.cipherSuites), ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV']);
  assert.equal(ch.random, '00'.repeat(16) + 'ab'.repeat(16));
});

test('ServerKeyExchange: ECDHE named curve with a TLS 1.2 signature', () => {
  const ske = decodeServerKeyExchange(reader([3, ...b.u16(23), ...b.vec8(new Array(65).fill(4)), ...b.u16(0x0804), ...b.vec16(new Array(256).fill(1))]), 'ECDHE', 'RSA', true);
  assert.deepEqual(
    { kind: ske.kind, group: ske.group?.name, pub: ske.publicKeyLength, sig: ske.signatureAlgorithm?.name, len: ske.signatureLength },
    { kind: 'ecdhe', group: 'secp256r1', pub: 65, sig: 'rsa_pss_rsae_sha256', len: 256 },
  );
});

test('ServerKeyExchange: DHE prime size and generator, TLS 1.0 signature without algorithm', () => {
  const p = [0x00, 0x7f, ...new Array(127).fill(0xee)]; // a leading zero byte and a 7-bit top byte: 1023 bits
  const ske = decodeServerKeyExchange(reader([...b.vec16(p), ...b.vec16([2]), ...b.vec16(new Array(128).fill(5)), ...b.vec16(new Array(128).fill(6))]), 'DHE', 'RSA', false);
  assert.equal(ske.dhPrimeBits, 1023);
  assert.equal(ske.dhGenerator, '2');
  assert.equal(ske.dhPublicKeyLength, 128);
  assert.equal(ske.signatureAlgorithm, undefined);
  assert.equal(ske.signatureLength, 128);
  assert.equal(bitLength(Uint8Array.from([0, 0, 1])), 1);
  assert.equal(bitLength(Uint8Array.from([0x80, 0])), 16);
});

test('ServerKeyExchange: RSA export key, and a signature whose length lies', () => {
  const ske = decodeServerKeyExchange(reader([...b.vec16(new Array(64).fill(0xc1)), ...b.vec16([1, 0, 1]), ...b.vec16(new Array(64).fill(7))]), 'RSA', 'RSA', false);
  assert.equal(ske.rsaModulusBits, 512);
  assert.equal(ske.rsaExponent, '010001');
  assert.throws(() => decodeServerKeyExchange(reader([3, ...b.u16(23), ...b.vec8([4]), ...b.u16(0x0401), ...b.u16(300), 1, 2]), 'ECDHE', 'RSA', true), Truncated);
});

test('ServerKeyExchange without a ServerHello: the shape decides', () => {
  const ske = decodeServerKeyExchange(reader([3, ...b.u16(29), ...b.vec8(new Array(32).fill(4)), ...b.u16(0x0403), ...b.vec16(new Array(70).fill(1))]), undefined, undefined, undefined);
  assert.equal(ske.kind, 'ecdhe');
  assert.equal(ske.signatureAlgorithm?.name, 'ecdsa_secp256r1_sha256');
});

test('CertificateRequest: TLS 1.2 types, sigalgs in order, CA names', () => {
  const body = [...b.vec8([1, 64]), ...b.vec16(b.u16list([0x0804, 0x0401])), ...b.vec16(b.vec16(DN_TEST_CA))];
  const cr = decodeCertificateRequest(reader(body), true);
  assert.deepEqual(names(cr.certificateTypes), ['rsa_sign', 'ecdsa_sign']);
  assert.deepEqual(names(cr.signatureAlgorithms), ['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256']);
  assert.deepEqual(cr.certificateAuthorities, ['CN=Test CA']);
  // The same message with the version unknown is read the same way.
  assert.deepEqual(decodeCertificateRequest(reader(body), undefined), cr);
});

test('CertificateRequest: CA names seen before come back the same; a name that looks alike, or a broken one, is decoded itself', () => {
  const dn = (cn: string) => [0x30, 0x0b + cn.length, 0x31, 0x09 + cn.length, 0x30, 0x07 + cn.length, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, cn.length, ...b.ascii(cn)];
  const request = (...names: number[][]) => [...b.vec8([1]), ...b.vec16(b.u16list([0x0401])), ...b.vec16(names.flatMap((n) => b.vec16(n)))];
  for (let round = 0; round < 2; round++) {
    const cr = decodeCertificateRequest(reader(request(dn('Repeat CA'), dn('Repeat CB'), dn('Repeat CA'))), true);
    assert.deepEqual(cr.certificateAuthorities, ['CN=Repeat CA', 'CN=Repeat CB', 'CN=Repeat CA']);
  }
  const broken = dn('Repeat CA');
  broken[1]! += 1; // the SEQUENCE claims a byte more than the entry holds
  for (let round = 0; round < 2; round++) {
    assert.throws(() => decodeCertificateRequest(reader(request(dn('Repeat CA'), broken)), true), /certificate_authorities\[1\]/);
  }
});

test('CertificateRequest: TLS 1.0 layout has no signature algorithms', () => {
  const body = [...b.vec8([1, 2]), ...b.vec16([])];
  const cr = decodeCertificateRequest(reader(body), false);
  assert.equal(cr.signatureAlgorithms, undefined);
  assert.deepEqual(decodeCertificateRequest(reader(body), undefined), cr);
});

test('CertificateVerify: TLS 1.2 and earlier', () => {
  assert.deepEqual(decodeCertificateVerify(reader([...b.u16(0x0401), ...b.vec16(new Array(256).fill(0))]), true).signatureAlgorithm?.name, 'rsa_pkcs1_sha256');
  assert.deepEqual(decodeCertificateVerify(reader(b.vec16(new Array(128).fill(0))), false), { signatureLength: 128 });
});

test('NewSessionTicket and CertificateStatus', () => {
  assert.deepEqual(decodeNewSessionTicket(reader([...b.u32(7200), ...b.vec16(new Array(192).fill(0))])), { lifetime: 7200, ticketLength: 192 });
  // OCSPResponse { responseStatus successful, responseBytes … }
  const ocsp = [0x30, 0x06, 0x0a, 0x01, 0x00, 0xa0, 0x01, 0x00];
  assert.deepEqual(decodeCertificateStatus(reader([1, ...b.vec24(ocsp)])), { type: 1, length: 8, responseStatus: 'successful' });
  assert.equal(decodeCertificateStatus(reader([1, ...b.vec24([0x30, 0x03, 0x0a, 0x01, 0x06])])).responseStatus, 'unauthorized');
});

test('every truncation of a ClientHello is a Truncated error, never a foreign exception', () => {
  const exts = [...b.ext(0, b.vec16([0, ...b.vec16(b.ascii('example.com'))])), ...b.ext(43, b.vec8(b.u16list([0x0304])))];
  const full = b.clientHelloBody({ extensions: exts });
  const withoutExtensions = b.clientHelloBody().length;
  for (let n = 0; n < full.length; n++) {
    // RFC 5246 §7.4.1.2: a hello may end right after compression_methods.
    if (n === withoutExtensions) {
      assert.deepEqual(decodeClientHello(reader(full.slice(0, n))).extensions, []);
      continue;
    }
    assert.throws(
      () => decodeClientHello(reader(full.slice(0, n))),
      (e: unknown) => e instanceof TlsParseError,
      `truncated at ${n}`,
    );
  }
  assert.throws(() => decodeClientHello(reader([...full, 0])), Malformed);
});
