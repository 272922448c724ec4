// src/tls/extensions/lists.ts: extensions whose body is one list of code points. Hand-built
// extension_data; the expected names are the IANA registry entries for the code points used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Malformed, Truncated } from '../../../src/bytes/errors.js';
import * as lists from '../../../src/tls/extensions/lists.js';
import * as b from '../../helpers/tls-bytes.js';
import { codes, decode, names } from './helpers.js';

test('supported_groups (RFC 8446 §4.2.7, IANA TLS Supported Groups): every group in wire order, GREASE and unknown kept', () => {
  // named_group_list<2..2^16-1>: 0x0a0a GREASE (RFC 8701), secp256r1 (23), secp384r1 (24), secp521r1 (25),
  // x25519 (29), x448 (30), ffdhe2048 (256), X25519MLKEM768 (0x11ec), and 0x1234, not assigned.
  const out = decode(lists.supportedGroups, b.vec16(b.u16list([0x0a0a, 0x0017, 0x0018, 0x0019, 0x001d, 0x001e, 0x0100, 0x11ec, 0x1234])));
  assert.deepEqual(names(out.supportedGroups), ['GREASE', 'secp256r1', 'secp384r1', 'secp521r1', 'x25519', 'x448', 'ffdhe2048', 'X25519MLKEM768', 'unknown (0x1234)']);
  assert.deepEqual(codes(out.supportedGroups), [0x0a0a, 23, 24, 25, 29, 30, 256, 0x11ec, 0x1234]);
  assert.deepEqual(Object.keys(out), ['supportedGroups']);
});

test('supported_groups: an odd list length is malformed, a list longer than the extension is truncated', () => {
  assert.throws(() => decode(lists.supportedGroups, [0, 3, 0, 0x1d, 0]), (e: unknown) => e instanceof Malformed && /named_group_list: length 3 is not a multiple of 2/.test(e.message));
  assert.throws(() => decode(lists.supportedGroups, [0, 4, 0, 0x1d]), (e: unknown) => e instanceof Truncated && /named_group_list/.test(e.message));
  // A list length shorter than the extension leaves bytes over: malformed at the end.
  assert.throws(() => decode(lists.supportedGroups, [0, 2, 0, 0x1d, 0, 0x17]), (e: unknown) => e instanceof Malformed && /2 unexpected trailing byte/.test(e.message));
});

test('ec_point_formats (RFC 8422 §5.1.2, IANA EC Point Format): one byte per format', () => {
  const out = decode(lists.ecPointFormats, b.vec8([0, 1, 2, 0xee]));
  assert.deepEqual(names(out.ecPointFormats), ['uncompressed', 'ansiX962_compressed_prime', 'ansiX962_compressed_char2', 'unknown (0xee)']);
  assert.throws(() => decode(lists.ecPointFormats, [2, 0]), Truncated);
});

test('signature_algorithms (RFC 8446 §4.2.3; RFC 5246 §7.4.1.4.1 hash/signature pairs): order kept, as the peer prefers', () => {
  // rsa_pss_rsae_sha256 0x0804, rsa_pss_pss_sha256 0x0809, ecdsa_secp256r1_sha256 0x0403, ed25519 0x0807,
  // ed448 0x0808, rsa_pkcs1_sha256 0x0401, rsa_pkcs1_sha1 0x0201, ecdsa_sha1 0x0203; the TLS 1.2 pairs
  // (hash sha224 = 3, signature ecdsa = 3) and (hash sha1 = 2, signature dsa = 2).
  const list = [0x0804, 0x0809, 0x0403, 0x0807, 0x0808, 0x0401, 0x0201, 0x0203, 0x0303, 0x0202];
  const out = decode(lists.signatureAlgorithms, b.vec16(b.u16list(list)));
  assert.deepEqual(names(out.signatureAlgorithms), [
    'rsa_pss_rsae_sha256', 'rsa_pss_pss_sha256', 'ecdsa_secp256r1_sha256', 'ed25519', 'ed448',
    'rsa_pkcs1_sha256', 'rsa_pkcs1_sha1', 'ecdsa_sha1', 'ecdsa_sha224', 'dsa_sha1',
  ]);
  assert.deepEqual(codes(out.signatureAlgorithms), list);
  assert.equal(out.signatureAlgorithmsCert, undefined);
  assert.throws(() => decode(lists.signatureAlgorithms, [0, 3, 4, 1, 5]), (e: unknown) => e instanceof Malformed && /supported_signature_algorithms: length 3 is not a multiple of 2/.test(e.message));
});

test('signature_algorithms_cert (RFC 8446 §4.2.3): the same list, filed apart from signature_algorithms', () => {
  const out = decode(lists.signatureAlgorithmsCert, b.vec16(b.u16list([0x0403, 0x0804])));
  assert.deepEqual(names(out.signatureAlgorithmsCert), ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256']);
  assert.equal(out.signatureAlgorithms, undefined);
});

test('supported_versions (RFC 8446 §4.2.1): a list in the ClientHello, GREASE kept', () => {
  // versions<2..254>: GREASE 0x3a3a, TLS 1.3 0x0304, TLS 1.2 0x0303, TLS 1.1 0x0302, TLS 1.0 0x0301, draft-28 0x7f1c.
  const out = decode(lists.supportedVersions, b.vec8(b.u16list([0x3a3a, 0x0304, 0x0303, 0x0302, 0x0301, 0x7f1c])));
  assert.deepEqual(names(out.supportedVersions), ['GREASE', 'TLS 1.3', 'TLS 1.2', 'TLS 1.1', 'TLS 1.0', 'TLS 1.3 (draft 28)']);
  assert.equal(out.selectedVersion, undefined);
  assert.throws(() => decode(lists.supportedVersions, [3, 3, 4, 3]), Malformed);
});

test('supported_versions (RFC 8446 §4.2.1): one selected_version in the ServerHello and the HelloRetryRequest', () => {
  for (const kind of ['server_hello', 'hello_retry_request'] as const) {
    const out = decode(lists.supportedVersions, b.u16(0x0304), kind);
    assert.deepEqual(out.selectedVersion, { code: 0x0304, name: 'TLS 1.3' }, kind);
    assert.equal(out.supportedVersions, undefined);
    // A list where one version belongs: the length byte and the first byte read as the version, one byte over.
    assert.throws(() => decode(lists.supportedVersions, b.vec8(b.u16list([0x0304])), kind), (e: unknown) => e instanceof Malformed && /1 unexpected trailing byte/.test(e.message));
    assert.throws(() => decode(lists.supportedVersions, [3], kind), (e: unknown) => e instanceof Truncated && /selected_version/.test(e.message));
  }
});

test('psk_key_exchange_modes (RFC 8446 §4.2.9, IANA PskKeyExchangeMode): one byte each, single-byte GREASE (RFC 8701 §2)', () => {
  const out = decode(lists.pskKeyExchangeModes, b.vec8([0x0b, 1, 0, 5]));
  assert.deepEqual(names(out.pskKeyExchangeModes), ['GREASE', 'psk_dhe_ke', 'psk_ke', 'unknown (0x05)']);
});

test('compress_certificate (RFC 8879 §3, IANA TLS Certificate Compression Algorithm IDs): two bytes per algorithm', () => {
  const out = decode(lists.compressCertificate, b.vec8(b.u16list([2, 1, 3])));
  assert.deepEqual(names(out.compressCertificate), ['brotli', 'zlib', 'zstd']);
  assert.throws(() => decode(lists.compressCertificate, b.vec8([0, 2, 0])), (e: unknown) => e instanceof Malformed && /algorithms: length 3 is not a multiple of 2/.test(e.message));
});
