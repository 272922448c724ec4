import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { codePoint, nameOf, type Registry } from '../../src/tls/registry/registry.js';
import { CIPHER_SUITES, CIPHER_SUITE_INFO } from '../../src/tls/registry/cipher-suites.js';
import { HASH_ALGORITHMS, SIGNATURE_ALGORITHMS, SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { SUPPORTED_GROUPS } from '../../src/tls/registry/groups.js';
import { EXTENSION_TYPES } from '../../src/tls/registry/extensions.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from '../../src/tls/registry/alerts.js';
import { HANDSHAKE_TYPES, SSLV2_MESSAGE_TYPES } from '../../src/tls/registry/handshake-types.js';
import { CONTENT_TYPES } from '../../src/tls/registry/content-types.js';
import { CERTIFICATE_STATUS_TYPES, CLIENT_CERTIFICATE_TYPES } from '../../src/tls/registry/certificate-types.js';
import { EC_CURVE_TYPES, EC_POINT_FORMATS } from '../../src/tls/registry/ec.js';
import { CERT_COMPRESSION_ALGORITHMS, COMPRESSION_METHODS } from '../../src/tls/registry/compression.js';
import { HEARTBEAT_MODES, PSK_KEY_EXCHANGE_MODES } from '../../src/tls/registry/psk-modes.js';
import { SSLV2_CIPHER_SPECS } from '../../src/tls/registry/sslv2.js';

const ALL: Record<string, Registry> = {
  CIPHER_SUITES,
  SIGNATURE_SCHEMES,
  HASH_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  SUPPORTED_GROUPS,
  EXTENSION_TYPES,
  VERSIONS,
  ALERT_LEVELS,
  ALERT_DESCRIPTIONS,
  HANDSHAKE_TYPES,
  SSLV2_MESSAGE_TYPES,
  CONTENT_TYPES,
  CLIENT_CERTIFICATE_TYPES,
  CERTIFICATE_STATUS_TYPES,
  EC_POINT_FORMATS,
  EC_CURVE_TYPES,
  COMPRESSION_METHODS,
  CERT_COMPRESSION_ALGORITHMS,
  PSK_KEY_EXCHANGE_MODES,
  HEARTBEAT_MODES,
  SSLV2_CIPHER_SPECS,
};

const U16_GREASE = [
  0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada,
  0xeaea, 0xfafa,
];

function codes(r: Registry): number[] {
  return Object.keys(r.names).map(Number);
}

/** Assert each [code, name] pair. */
function expectNames(r: Registry, pairs: ReadonlyArray<readonly [number, string]>): void {
  for (const [code, name] of pairs) assert.equal(nameOf(r, code), name, `${r.title} 0x${code.toString(16)}`);
}

test('every registry: a title, integer keys in range for its width, distinct non-empty names', () => {
  for (const [label, r] of Object.entries(ALL)) {
    assert.ok(r.title.length > 0, label);
    const max = 16 ** (r.width ?? 4) - 1;
    const seen = new Map<string, number>();
    for (const code of codes(r)) {
      assert.ok(Number.isInteger(code) && code >= 0 && code <= max, `${label}: ${code} out of range`);
      const name = r.names[code];
      assert.ok(name !== undefined && name.length > 0, `${label}: empty name at ${code}`);
      assert.ok(!/^unknown \(|^GREASE$|_RESERVED$/.test(name), `${label}: ${name}`);
      const prev = seen.get(name);
      assert.equal(prev, undefined, `${label}: ${name} at 0x${code.toString(16)} and 0x${prev?.toString(16)}`);
      seen.set(name, code);
    }
  }
});

test('GREASE (RFC 8701 §2): u16 registries name 0x?a?a values GREASE and list none of them', () => {
  for (const r of [CIPHER_SUITES, SIGNATURE_SCHEMES, SUPPORTED_GROUPS, EXTENSION_TYPES, VERSIONS]) {
    assert.equal(r.grease, 'u16', r.title);
    for (const g of U16_GREASE) {
      assert.equal(r.names[g], undefined, `${r.title} lists 0x${g.toString(16)}`);
      assert.equal(codePoint(r, g).name, 'GREASE');
      assert.equal(codePoint(r, g).code, g);
    }
    // Near misses are not GREASE.
    assert.match(codePoint(r, 0x0a1a).name, /^unknown \(0x0a1a\)$/);
  }
  // No other u16 registry value is GREASE-shaped.
  for (const [label, r] of Object.entries(ALL)) {
    if (r.grease === 'u16') continue;
    for (const g of U16_GREASE) assert.notEqual(nameOf(r, g), 'GREASE', label);
  }
});

test('GREASE (RFC 8701 §2): single-byte psk_key_exchange_modes values', () => {
  for (const g of [0x0b, 0x2a, 0x49, 0x68, 0x87, 0xa6, 0xc5, 0xe4]) {
    assert.equal(codePoint(PSK_KEY_EXCHANGE_MODES, g).name, 'GREASE');
  }
  assert.equal(codePoint(PSK_KEY_EXCHANGE_MODES, 0x02).name, 'unknown (0x02)');
});

test('unknown values name themselves in the registry width', () => {
  assert.equal(codePoint(CIPHER_SUITES, 0x0047).name, 'unknown (0x0047)');
  assert.equal(codePoint(EXTENSION_TYPES, 0x1234).name, 'unknown (0x1234)');
  assert.equal(codePoint(SUPPORTED_GROUPS, 0x0000).name, 'unknown (0x0000)');
  assert.equal(codePoint(SIGNATURE_SCHEMES, 0xfe00).name, 'unknown (0xfe00)');
  assert.equal(codePoint(ALERT_DESCRIPTIONS, 0x99).name, 'unknown (0x99)');
  assert.equal(codePoint(HANDSHAKE_TYPES, 7).name, 'unknown (0x07)');
  assert.equal(codePoint(CONTENT_TYPES, 0x17).name, 'application_data');
  assert.equal(codePoint(CONTENT_TYPES, 0x80).name, 'unknown (0x80)');
  assert.equal(codePoint(SSLV2_CIPHER_SPECS, 0xff0080).name, 'unknown (0xff0080)');
  assert.equal(codePoint(CERT_COMPRESSION_ALGORITHMS, 0x4000).name, 'unknown (0x4000)');
  // Interned: the same object every time.
  assert.equal(codePoint(CIPHER_SUITES, 0x1301), codePoint(CIPHER_SUITES, 0x1301));
  assert.ok(Object.isFrozen(codePoint(CIPHER_SUITES, 0x1301)));
});

test('cipher suites: RFC 8446 B.4, RFC 5246 A.5, RFC 8422 §6, RFC 5288/5289, RFC 7905, SCSVs, non-IANA extras', () => {
  expectNames(CIPHER_SUITES, [
    [0x1301, 'TLS_AES_128_GCM_SHA256'],
    [0x1302, 'TLS_AES_256_GCM_SHA384'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
    [0x1304, 'TLS_AES_128_CCM_SHA256'],
    [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
    [0x0000, 'TLS_NULL_WITH_NULL_NULL'],
    [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
    [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
    [0x001e, 'TLS_KRB5_WITH_DES_CBC_SHA'],
    [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
    [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256'],
    [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256'],
    [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
    [0x00c6, 'TLS_SM4_GCM_SM3'],
    [0x00c7, 'TLS_SM4_CCM_SM3'],
    [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
    [0x5600, 'TLS_FALLBACK_SCSV'],
    [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'],
    [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
    [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    [0xc0b0, 'TLS_ECCPWD_WITH_AES_128_GCM_SHA256'],
    [0xc0b4, 'TLS_SHA256_SHA256'],
    [0xc100, 'TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC'],
    [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    [0xd001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'],
    [0x0060, 'TLS_RSA_EXPORT1024_WITH_RC4_56_MD5'],
    [0xcc13, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD'],
    [0xcc14, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD'],
    [0xcc15, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD'],
    [0xfefe, 'SSL_RSA_FIPS_WITH_DES_CBC_SHA'],
    [0xfeff, 'SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA'],
    [0xffe0, 'SSL_RSA_OLDFIPS_WITH_3DES_EDE_CBC_SHA'],
    [0xffe1, 'SSL_RSA_OLDFIPS_WITH_DES_CBC_SHA'],
  ]);
  assert.equal(CIPHER_SUITES.width, 4);
  // Unassigned (reserved to avoid collision with deployed SSLv3 implementations).
  assert.equal(nameOf(CIPHER_SUITES, 0x001c), 'unknown (0x001c)');
});

test('cipher suites: every code OpenSSL knows has the IANA name OpenSSL gives', (t) => {
  let out: string;
  try {
    out = execFileSync('openssl', ['ciphers', '-V', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    t.skip('openssl not available');
    return;
  }
  let checked = 0;
  for (const line of out.split('\n')) {
    const m = /^\s*0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})\s+-\s+(\S+)/.exec(line);
    if (!m) continue;
    const code = (parseInt(m[1]!, 16) << 8) | parseInt(m[2]!, 16);
    const ianaName = m[3]!;
    if (!/^TLS_/.test(ianaName)) continue; // OpenSSL prints "(NONE)" for suites it has no standard name for
    assert.equal(CIPHER_SUITES.names[code], ianaName, `0x${code.toString(16).padStart(4, '0')}`);
    checked++;
  }
  assert.ok(checked > 20, `only ${checked} openssl suites parsed`);
});

test('cipher suite info: an entry for every suite except the SCSVs, and nothing else', () => {
  const scsv = new Set([0x00ff, 0x5600]);
  for (const code of codes(CIPHER_SUITES)) {
    const info = CIPHER_SUITE_INFO[code];
    if (scsv.has(code)) assert.equal(info, undefined);
    else assert.ok(info, `no info for 0x${code.toString(16)}`);
  }
  for (const code of Object.keys(CIPHER_SUITE_INFO).map(Number)) {
    assert.ok(CIPHER_SUITES.names[code] !== undefined, `info for unnamed 0x${code.toString(16)}`);
  }
});

test('cipher suite info agrees with the names', () => {
  const KX = new Set(['RSA', 'DH', 'DHE', 'ECDH', 'ECDHE', 'PSK', 'DHE_PSK', 'ECDHE_PSK', 'RSA_PSK', 'SRP', 'KRB5']);
  for (const kx of ['NULL', 'ECCPWD', 'GOSTR341112_256', 'TLS13']) KX.add(kx);
  const AUTH = new Set(['RSA', 'DSS', 'ECDSA', 'anon', 'PSK', 'SRP', 'KRB5', 'NULL', 'ECCPWD', 'GOST', 'TLS13']);
  // Name prefix (between TLS_/SSL_ and _WITH_, EXPORT removed) → [kx, auth].
  const PREFIX: Record<string, readonly [string, string]> = {
    RSA: ['RSA', 'RSA'],
    RSA_FIPS: ['RSA', 'RSA'],
    RSA_OLDFIPS: ['RSA', 'RSA'],
    DH_DSS: ['DH', 'DSS'],
    DH_RSA: ['DH', 'RSA'],
    DH_anon: ['DH', 'anon'],
    DHE_DSS: ['DHE', 'DSS'],
    DHE_RSA: ['DHE', 'RSA'],
    ECDH_ECDSA: ['ECDH', 'ECDSA'],
    ECDH_RSA: ['ECDH', 'RSA'],
    ECDH_anon: ['ECDH', 'anon'],
    ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
    ECDHE_RSA: ['ECDHE', 'RSA'],
    KRB5: ['KRB5', 'KRB5'],
    PSK: ['PSK', 'PSK'],
    DHE_PSK: ['DHE_PSK', 'PSK'],
    PSK_DHE: ['DHE_PSK', 'PSK'],
    RSA_PSK: ['RSA_PSK', 'RSA'],
    ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
    SRP_SHA: ['SRP', 'SRP'],
    SRP_SHA_RSA: ['SRP', 'RSA'],
    SRP_SHA_DSS: ['SRP', 'DSS'],
    ECCPWD: ['ECCPWD', 'ECCPWD'],
    NULL: ['NULL', 'NULL'],
  };
  for (const [key, info] of Object.entries(CIPHER_SUITE_INFO)) {
    const code = Number(key);
    const name = CIPHER_SUITES.names[code]!;
    const where = `${name} (0x${code.toString(16)})`;
    assert.ok(KX.has(info.kx), `${where}: kx ${info.kx}`);
    assert.ok(AUTH.has(info.auth), `${where}: auth ${info.auth}`);
    assert.equal(info.export === true, /_EXPORT(1024)?_/.test(name), `${where}: export flag`);
    if (info.export !== undefined) assert.equal(info.export, true, `${where}: export is true or absent`);

    const aead = /_(GCM|CCM|CCM_8|POLY1305|MGM_[LS])(_SHA\d+)?(_OLD)?$|^TLS_(AES|CHACHA20|SM4|AEGIS)_/.test(name);
    assert.equal(info.mac === 'AEAD', aead, `${where}: mac ${info.mac}`);
    if (!aead && info.enc !== 'NULL' && info.kx !== 'GOSTR341112_256') {
      assert.ok(name.endsWith(`_${info.enc}_${info.mac}`), `${where}: enc/mac ${info.enc}/${info.mac}`);
    }
    if (info.enc !== 'NULL') assert.ok(name.includes(info.enc), `${where}: enc ${info.enc}`);

    const m = /^(?:TLS|SSL)_(.+?)_WITH_/.exec(name);
    const tls13 = !m || /^TLS_GOSTR341112_256_WITH_\w+_MGM_[LS]$/.test(name);
    if (tls13) {
      assert.deepEqual([info.kx, info.auth], ['TLS13', 'TLS13'], where);
      continue;
    }
    const prefix = m[1]!.replace(/_EXPORT(1024)?$/, '');
    if (prefix === 'GOSTR341112_256') {
      assert.deepEqual([info.kx, info.auth], ['GOSTR341112_256', 'GOST'], where);
      continue;
    }
    const expected = PREFIX[prefix];
    assert.ok(expected, `${where}: unexpected prefix ${prefix}`);
    assert.deepEqual([info.kx, info.auth], expected, where);
  }
  // Spot checks straight from the RFCs.
  assert.deepEqual(CIPHER_SUITE_INFO[0xc02b], { kx: 'ECDHE', auth: 'ECDSA', enc: 'AES_128_GCM', mac: 'AEAD' });
  assert.deepEqual(CIPHER_SUITE_INFO[0x000a], { kx: 'RSA', auth: 'RSA', enc: '3DES_EDE_CBC', mac: 'SHA' });
  assert.deepEqual(CIPHER_SUITE_INFO[0x0005], { kx: 'RSA', auth: 'RSA', enc: 'RC4_128', mac: 'SHA' });
  assert.deepEqual(CIPHER_SUITE_INFO[0x0003], { kx: 'RSA', auth: 'RSA', enc: 'RC4_40', mac: 'MD5', export: true });
  assert.deepEqual(CIPHER_SUITE_INFO[0x0034], { kx: 'DH', auth: 'anon', enc: 'AES_128_CBC', mac: 'SHA' });
  assert.deepEqual(CIPHER_SUITE_INFO[0x1301], { kx: 'TLS13', auth: 'TLS13', enc: 'AES_128_GCM', mac: 'AEAD' });
  assert.deepEqual(CIPHER_SUITE_INFO[0xc0a0], { kx: 'RSA', auth: 'RSA', enc: 'AES_128_CCM_8', mac: 'AEAD' });
  assert.deepEqual(CIPHER_SUITE_INFO[0xc027], { kx: 'ECDHE', auth: 'RSA', enc: 'AES_128_CBC', mac: 'SHA256' });
});

test('signature schemes: RFC 8446 §4.2.3, RFC 8734, RFC 8998, RFC 9367, ML-DSA', () => {
  expectNames(SIGNATURE_SCHEMES, [
    [0x0401, 'rsa_pkcs1_sha256'],
    [0x0501, 'rsa_pkcs1_sha384'],
    [0x0601, 'rsa_pkcs1_sha512'],
    [0x0403, 'ecdsa_secp256r1_sha256'],
    [0x0503, 'ecdsa_secp384r1_sha384'],
    [0x0603, 'ecdsa_secp521r1_sha512'],
    [0x0804, 'rsa_pss_rsae_sha256'],
    [0x0805, 'rsa_pss_rsae_sha384'],
    [0x0806, 'rsa_pss_rsae_sha512'],
    [0x0807, 'ed25519'],
    [0x0808, 'ed448'],
    [0x0809, 'rsa_pss_pss_sha256'],
    [0x080a, 'rsa_pss_pss_sha384'],
    [0x080b, 'rsa_pss_pss_sha512'],
    [0x0201, 'rsa_pkcs1_sha1'],
    [0x0203, 'ecdsa_sha1'],
    [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
    [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
    [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
    [0x0708, 'sm2sig_sm3'],
    [0x0709, 'gostr34102012_256a'],
    [0x070f, 'gostr34102012_512c'],
    [0x0904, 'mldsa44'],
    [0x0905, 'mldsa65'],
    [0x0906, 'mldsa87'],
  ]);
});

test('signature schemes: every RFC 5246 §7.4.1.4.1 (hash, signature) pair has a name', () => {
  expectNames(SIGNATURE_SCHEMES, [
    [0x0202, 'dsa_sha1'],
    [0x0302, 'dsa_sha224'],
    [0x0301, 'rsa_pkcs1_sha224'],
    [0x0303, 'ecdsa_sha224'],
    [0x0402, 'dsa_sha256'],
    [0x0502, 'dsa_sha384'],
    [0x0602, 'dsa_sha512'],
    [0x0101, 'rsa_pkcs1_md5'],
    [0x0102, 'dsa_md5'],
    [0x0103, 'ecdsa_md5'],
  ]);
  for (const hash of [0, 1, 2, 3, 4, 5, 6, 8]) {
    for (const sig of [0, 1, 2, 3]) {
      const code = (hash << 8) | sig;
      assert.ok(SIGNATURE_SCHEMES.names[code] !== undefined, `0x${code.toString(16).padStart(4, '0')} unnamed`);
    }
  }
  expectNames(HASH_ALGORITHMS, [
    [0, 'none'],
    [1, 'md5'],
    [2, 'sha1'],
    [3, 'sha224'],
    [4, 'sha256'],
    [5, 'sha384'],
    [6, 'sha512'],
    [8, 'intrinsic'],
    [7, 'unknown (0x07)'],
  ]);
  expectNames(SIGNATURE_ALGORITHMS, [
    [0, 'anonymous'],
    [1, 'rsa'],
    [2, 'dsa'],
    [3, 'ecdsa'],
    [7, 'ed25519'],
    [8, 'ed448'],
  ]);
});

test('supported groups: RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7, RFC 8734, ML-KEM', () => {
  expectNames(SUPPORTED_GROUPS, [
    [1, 'sect163k1'],
    [14, 'sect571r1'],
    [22, 'secp256k1'],
    [23, 'secp256r1'],
    [24, 'secp384r1'],
    [25, 'secp521r1'],
    [26, 'brainpoolP256r1'],
    [28, 'brainpoolP512r1'],
    [29, 'x25519'],
    [30, 'x448'],
    [31, 'brainpoolP256r1tls13'],
    [33, 'brainpoolP512r1tls13'],
    [34, 'GC256A'],
    [40, 'GC512C'],
    [41, 'curveSM2'],
    [256, 'ffdhe2048'],
    [257, 'ffdhe3072'],
    [258, 'ffdhe4096'],
    [259, 'ffdhe6144'],
    [260, 'ffdhe8192'],
    [0x0200, 'MLKEM512'],
    [0x0201, 'MLKEM768'],
    [0x0202, 'MLKEM1024'],
    [0x11eb, 'SecP256r1MLKEM768'],
    [0x11ec, 'X25519MLKEM768'],
    [0x11ed, 'SecP384r1MLKEM1024'],
    [0x6399, 'X25519Kyber768Draft00'],
    [0x639a, 'SecP256r1Kyber768Draft00'],
    [0xff01, 'arbitrary_explicit_prime_curves'],
    [0xff02, 'arbitrary_explicit_char2_curves'],
  ]);
  for (let c = 1; c <= 41; c++) assert.ok(SUPPORTED_GROUPS.names[c] !== undefined, `group ${c}`);
});

test('extension types: RFC 8446 §4.2 ExtensionType enum and the rest', () => {
  expectNames(EXTENSION_TYPES, [
    [0, 'server_name'],
    [1, 'max_fragment_length'],
    [5, 'status_request'],
    [10, 'supported_groups'],
    [11, 'ec_point_formats'],
    [13, 'signature_algorithms'],
    [14, 'use_srtp'],
    [15, 'heartbeat'],
    [16, 'application_layer_protocol_negotiation'],
    [18, 'signed_certificate_timestamp'],
    [19, 'client_certificate_type'],
    [20, 'server_certificate_type'],
    [21, 'padding'],
    [22, 'encrypt_then_mac'],
    [23, 'extended_master_secret'],
    [24, 'token_binding'],
    [25, 'cached_info'],
    [27, 'compress_certificate'],
    [28, 'record_size_limit'],
    [35, 'session_ticket'],
    [41, 'pre_shared_key'],
    [42, 'early_data'],
    [43, 'supported_versions'],
    [44, 'cookie'],
    [45, 'psk_key_exchange_modes'],
    [47, 'certificate_authorities'],
    [48, 'oid_filters'],
    [49, 'post_handshake_auth'],
    [50, 'signature_algorithms_cert'],
    [51, 'key_share'],
    [57, 'quic_transport_parameters'],
    [58, 'ticket_request'],
    [59, 'dnssec_chain'],
    [0x4469, 'application_settings'],
    [0x44cd, 'application_settings_new'],
    [0x3374, 'next_protocol_negotiation'],
    [0x7550, 'channel_id'],
    [0xfe0d, 'encrypted_client_hello'],
    [0xfd00, 'ech_outer_extensions'],
    [0xff01, 'renegotiation_info'],
  ]);
  for (let c = 0; c <= 62; c++) assert.ok(EXTENSION_TYPES.names[c] !== undefined, `extension ${c}`);
});

test('versions', () => {
  expectNames(VERSIONS, [
    [0x0002, 'SSL 2.0'],
    [0x0300, 'SSL 3.0'],
    [0x0301, 'TLS 1.0'],
    [0x0302, 'TLS 1.1'],
    [0x0303, 'TLS 1.2'],
    [0x0304, 'TLS 1.3'],
    [0x7f0e, 'TLS 1.3 (draft 14)'],
    [0x7f17, 'TLS 1.3 (draft 23)'],
    [0x7f1c, 'TLS 1.3 (draft 28)'],
    [0xfb17, 'TLS 1.3 (Facebook draft 23)'],
    [0xfb1a, 'TLS 1.3 (Facebook draft 26)'],
    [0xfeff, 'DTLS 1.0'],
    [0xfefd, 'DTLS 1.2'],
    [0xfefc, 'DTLS 1.3'],
    [0x0100, 'DTLS 1.0 (OpenSSL pre 0.9.8f)'],
  ]);
  for (let d = 14; d <= 28; d++) assert.equal(nameOf(VERSIONS, 0x7f00 + d), `TLS 1.3 (draft ${d})`);
});

test('alerts: RFC 8446 §6 / B.2 and the retired TLS 1.2 values', () => {
  expectNames(ALERT_LEVELS, [
    [1, 'warning'],
    [2, 'fatal'],
  ]);
  expectNames(ALERT_DESCRIPTIONS, [
    [0, 'close_notify'],
    [10, 'unexpected_message'],
    [20, 'bad_record_mac'],
    [21, 'decryption_failed'],
    [22, 'record_overflow'],
    [40, 'handshake_failure'],
    [41, 'no_certificate'],
    [42, 'bad_certificate'],
    [46, 'certificate_unknown'],
    [47, 'illegal_parameter'],
    [48, 'unknown_ca'],
    [50, 'decode_error'],
    [51, 'decrypt_error'],
    [60, 'export_restriction'],
    [70, 'protocol_version'],
    [71, 'insufficient_security'],
    [80, 'internal_error'],
    [86, 'inappropriate_fallback'],
    [90, 'user_canceled'],
    [100, 'no_renegotiation'],
    [109, 'missing_extension'],
    [110, 'unsupported_extension'],
    [111, 'certificate_unobtainable'],
    [112, 'unrecognized_name'],
    [113, 'bad_certificate_status_response'],
    [114, 'bad_certificate_hash_value'],
    [115, 'unknown_psk_identity'],
    [116, 'certificate_required'],
    [120, 'no_application_protocol'],
    [121, 'ech_required'],
  ]);
});

test('handshake, SSLv2 message and content types: RFC 8446 B.3, RFC 5246 A.4, RFC 9147', () => {
  expectNames(HANDSHAKE_TYPES, [
    [0, 'hello_request'],
    [1, 'client_hello'],
    [2, 'server_hello'],
    [3, 'hello_verify_request'],
    [4, 'new_session_ticket'],
    [5, 'end_of_early_data'],
    [6, 'hello_retry_request'],
    [8, 'encrypted_extensions'],
    [9, 'request_connection_id'],
    [10, 'new_connection_id'],
    [11, 'certificate'],
    [12, 'server_key_exchange'],
    [13, 'certificate_request'],
    [14, 'server_hello_done'],
    [15, 'certificate_verify'],
    [16, 'client_key_exchange'],
    [17, 'client_certificate_request'],
    [20, 'finished'],
    [21, 'certificate_url'],
    [22, 'certificate_status'],
    [23, 'supplemental_data'],
    [24, 'key_update'],
    [25, 'compressed_certificate'],
    [26, 'ekt_key'],
    [67, 'next_protocol'],
    [254, 'message_hash'],
  ]);
  expectNames(SSLV2_MESSAGE_TYPES, [
    [0, 'error'],
    [1, 'client_hello'],
    [2, 'client_master_key'],
    [3, 'client_finished'],
    [4, 'server_hello'],
    [5, 'server_verify'],
    [6, 'server_finished'],
    [7, 'request_certificate'],
    [8, 'client_certificate'],
  ]);
  expectNames(CONTENT_TYPES, [
    [20, 'change_cipher_spec'],
    [21, 'alert'],
    [22, 'handshake'],
    [23, 'application_data'],
    [24, 'heartbeat'],
    [25, 'tls12_cid'],
    [26, 'ack'],
  ]);
});

test('certificate types, EC, compression, PSK and heartbeat modes, SSLv2 specs', () => {
  expectNames(CLIENT_CERTIFICATE_TYPES, [
    [1, 'rsa_sign'],
    [2, 'dss_sign'],
    [3, 'rsa_fixed_dh'],
    [4, 'dss_fixed_dh'],
    [5, 'rsa_ephemeral_dh'],
    [6, 'dss_ephemeral_dh'],
    [20, 'fortezza_dms'],
    [64, 'ecdsa_sign'],
    [65, 'rsa_fixed_ecdh'],
    [66, 'ecdsa_fixed_ecdh'],
    [67, 'gost_sign256'],
    [68, 'gost_sign512'],
  ]);
  expectNames(CERTIFICATE_STATUS_TYPES, [
    [1, 'ocsp'],
    [2, 'ocsp_multi'],
  ]);
  expectNames(EC_POINT_FORMATS, [
    [0, 'uncompressed'],
    [1, 'ansiX962_compressed_prime'],
    [2, 'ansiX962_compressed_char2'],
  ]);
  expectNames(EC_CURVE_TYPES, [
    [1, 'explicit_prime'],
    [2, 'explicit_char2'],
    [3, 'named_curve'],
  ]);
  expectNames(COMPRESSION_METHODS, [
    [0, 'null'],
    [1, 'DEFLATE'],
    [64, 'LZS'],
  ]);
  expectNames(CERT_COMPRESSION_ALGORITHMS, [
    [1, 'zlib'],
    [2, 'brotli'],
    [3, 'zstd'],
  ]);
  expectNames(PSK_KEY_EXCHANGE_MODES, [
    [0, 'psk_ke'],
    [1, 'psk_dhe_ke'],
  ]);
  expectNames(HEARTBEAT_MODES, [
    [1, 'peer_allowed_to_send'],
    [2, 'peer_not_allowed_to_send'],
  ]);
  expectNames(SSLV2_CIPHER_SPECS, [
    [0x010080, 'SSL_CK_RC4_128_WITH_MD5'],
    [0x020080, 'SSL_CK_RC4_128_EXPORT40_WITH_MD5'],
    [0x030080, 'SSL_CK_RC2_128_CBC_WITH_MD5'],
    [0x040080, 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5'],
    [0x050080, 'SSL_CK_IDEA_128_CBC_WITH_MD5'],
    [0x060040, 'SSL_CK_DES_64_CBC_WITH_MD5'],
    [0x0700c0, 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5'],
    [0x080080, 'SSL_CK_RC4_64_WITH_MD5'],
  ]);
  assert.equal(SSLV2_CIPHER_SPECS.width, 6);
});
