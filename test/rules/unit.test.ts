// Edge cases on hand-built connections: list ordering semantics, severities that depend on what
// happened next, name matching, exceptions the RFCs make. The capture tests (captures.test.ts) are
// the primary evidence; these pin down the corners no capture shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRules, findRule, RULES, type Rule } from '../../src/rules/index.js';
import { pssOnly } from '../../src/rules/client-auth/certreq-pss-only.js';
import { isRsaPkcs1, isRsaPss } from '../../src/rules/helpers.js';
import { pssBeforePkcs1 } from '../../src/rules/client-auth/certreq-pss-preferred.js';
import { nameMatches, commonNames } from '../../src/rules/server/server-name-mismatch.js';
import { finishedRecordLength } from '../../src/rules/protocol/tls13-client-auth-hidden.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { EXTENSION_TYPES } from '../../src/tls/registry/extensions.js';
import { COMPRESSION_METHODS } from '../../src/tls/registry/compression.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS } from '../../src/tls/registry/alerts.js';
import { CLIENT_CERTIFICATE_TYPES } from '../../src/tls/registry/certificate-types.js';
import { HANDSHAKE_TYPES } from '../../src/tls/registry/handshake-types.js';
import type { CertInfo, ClientHello, Connection, LadderEntry, Role, ServerHello } from '../../src/tls/model.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const ids = (c: Connection) => applyRules(c, NOW).map((f) => `${f.id}:${f.severity}`);
const has = (c: Connection, id: string) => applyRules(c, NOW).filter((f) => f.id === id);

const stats = () => ({ bytes: 100, preambleBytes: 0, records: { handshake: 1 }, encryptedRecords: 0, encryptedBytes: 0, encrypted: false });

function cert(over: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=localhost,O=Test',
    issuer: 'CN=Test CA,O=Test',
    serial: '01',
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2035-01-01T00:00:00Z',
    publicKey: { algorithm: 'rsa', oid: '1.2.840.113549.1.1.1', bits: 2048 },
    signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256WithRSAEncryption' },
    san: ['DNS:localhost'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['serverAuth'],
    selfSigned: false,
    sha256: '00',
    length: 900,
    ...over,
  };
}
const CA = cert({ subject: 'CN=Test CA,O=Test', issuer: 'CN=Test Root,O=Test', san: undefined, extKeyUsage: undefined, basicConstraints: { ca: true } });

function clientHello(over: Partial<ClientHello> = {}): ClientHello {
  return {
    version: codePoint(VERSIONS, 0x0303),
    random: '00',
    sessionIdLength: 0,
    cipherSuites: codePoints(CIPHER_SUITES, [0xc02f, 0xc030, 0x00ff]),
    compressionMethods: codePoints(COMPRESSION_METHODS, [0]),
    extensions: codePoints(EXTENSION_TYPES, [0, 10, 11, 13, 23]).map((e) => ({ ...e, length: 0 })),
    serverName: 'localhost',
    signatureAlgorithms: codePoints(SIGNATURE_SCHEMES, [0x0403, 0x0804, 0x0401]),
    supportedGroups: [],
    ...over,
  };
}

function serverHello(over: Partial<ServerHello> = {}): ServerHello {
  return {
    version: codePoint(VERSIONS, 0x0303),
    selectedVersion: codePoint(VERSIONS, 0x0303),
    random: '00',
    sessionIdLength: 0,
    cipherSuite: codePoint(CIPHER_SUITES, 0xc02f),
    compressionMethod: codePoint(COMPRESSION_METHODS, 0),
    extensions: codePoints(EXTENSION_TYPES, [0xff01, 11, 23]).map((e) => ({ ...e, length: 0 })),
    helloRetryRequest: false,
    ...over,
  };
}

const hs = (from: Role, type: number, length = 10): LadderEntry => ({ from, record: 'handshake', type: codePoint(HANDSHAKE_TYPES, type), length, offset: 0 });

/** A clean TLS 1.2 ECDHE-RSA handshake with the full chain. */
function conn(over: Partial<Connection> = {}): Connection {
  return {
    source: 'replay',
    id: 1,
    client: '127.0.0.1:50000',
    server: '127.0.0.1:443',
    tls: true,
    version: codePoint(VERSIONS, 0x0303),
    clientHello: clientHello(),
    serverHello: serverHello(),
    certificates: [cert(), CA],
    alerts: [],
    messages: [hs('client', 1), hs('server', 2), hs('server', 11), hs('server', 12), hs('server', 14), hs('client', 16)],
    stats: { client: stats(), server: stats() },
    complete: true,
    decrypted: false,
    outcome: 'complete',
    outcomeBasis: 'seen',
    outcomeDetail: 'both sides sent ChangeCipherSpec and Finished',
    errors: [],
    ...over,
    // A test that says complete: false means what the decoder would say then.
    ...(over.complete === false && over.outcome === undefined
      ? { outcome: over.alerts?.some((a) => a.level?.code === 2) ? ('failed' as const) : ('incomplete' as const), outcomeDetail: '' }
      : {}),
  };
}

const sig = (codes: number[]) => codePoints(SIGNATURE_SCHEMES, codes);
const alert = (from: Role, desc: number, offset: number) => ({
  from,
  level: codePoint(ALERT_LEVELS, 2),
  description: codePoint(ALERT_DESCRIPTIONS, desc),
  encrypted: false,
  offset,
});

describe('catalogue', () => {
  it('has every id of issue 5, unique, kebab-case, each with words, refs and a check', () => {
    const want = [
      'certreq-pss-only', 'certreq-pss-preferred', 'client-signed-pss', 'client-cert-missing', 'client-aborted-after-certreq',
      'client-sigalg-not-offered', 'client-cert-type-not-requested', 'client-cert-issuer-not-listed', 'client-cert-eku', 'client-cert-expired',
      'server-sigalg-not-offered', 'cipher-not-offered', 'version-not-offered', 'extension-not-offered', 'cert-key-cipher-mismatch',
      'server-cert-expired', 'server-chain-incomplete', 'server-chain-order', 'server-cert-self-signed', 'server-name-mismatch',
      'cert-weak-key', 'cert-sha1-signature', 'hello-rejected', 'fatal-alert', 'legacy-version', 'sslv2-hello', 'weak-cipher',
      'static-rsa-kx', 'dhe-weak-group', 'no-extended-master-secret', 'no-secure-renegotiation', 'compression-enabled',
      'tls13-client-auth-hidden', 'tls13-handshake-failed', 'not-tls', 'tls13-certreq-no-pss', 'tls13-client-no-pss', 'renegotiation-seen',
    ];
    assert.deepEqual(RULES.map((r) => r.id).sort(), [...want].sort());
    for (const r of RULES) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(r.explain.length > 150, `${r.id}: explain too short`);
      assert.ok(r.refs.length > 0, `${r.id}: no refs`);
      assert.ok(r.title.length > 5);
      assert.ok((r.severities ?? [r.severity]).includes(r.severity));
    }
  });

  it('the RSA-PSS rules give the exact fix for Apache, nginx and openssl: PKCS#1 first, RSA-PSS kept, no SHA-1', () => {
    const list = 'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512:ed25519:ed448:' +
      'rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:' +
      'rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512';
    for (const id of ['certreq-pss-only', 'certreq-pss-preferred', 'client-signed-pss']) {
      const rule = findRule(id)!;
      const fix = rule.fix!;
      assert.ok(fix.apache?.startsWith(`SSLOpenSSLConfCmd ClientSignatureAlgorithms ${list} `), fix.apache);
      assert.ok(fix.nginx?.startsWith(`ssl_conf_command ClientSignatureAlgorithms ${list};`), fix.nginx);
      assert.ok(fix.openssl?.endsWith(`-client_sigalgs ${list}`), fix.openssl);
      // A PKCS#1-only token cannot do TLS 1.3: said plainly, with the two ways out.
      assert.match(fix.client ?? '', /cannot authenticate in TLS 1\.3/);
      assert.match(fix.client ?? '', /CKM_RSA_PKCS_PSS/);
      assert.match(fix.client ?? '', /SSLProtocol -all \+TLSv1\.2/);
      assert.match(fix.client ?? '', /ssl_protocols TLSv1\.2/);
      assert.doesNotMatch(rule.explain, /every client supports/);
    }
    const codes = list.split(':').map((n) => Number(Object.entries(SIGNATURE_SCHEMES.names).find(([, v]) => v === n)?.[0]));
    assert.ok(codes.every((c) => Number.isInteger(c)), 'every name is a registered scheme');
    assert.ok(Math.max(...codes.map((c, i) => (isRsaPkcs1(c) ? i : -1))) < codes.findIndex(isRsaPss), 'PKCS#1 before RSA-PSS');
    assert.ok(!codes.some((c) => (c >> 8) <= 3 && (c & 0xff) <= 3), 'no SHA-1 or SHA-224');
  });

  it('findRule is case-insensitive and undefined for unknown ids', () => {
    assert.equal(findRule('CERTREQ-PSS-ONLY')?.id, 'certreq-pss-only');
    assert.equal(findRule('no-such-rule'), undefined);
  });
});

describe('one answer per question (tls/queries.ts)', () => {
  it('a draft TLS 1.3 version (Facebook\'s 0xfb17) is TLS 1.3 for the rules too: no EMS or renegotiation_info demanded', () => {
    // Before, the session treated 0xfb17 as TLS 1.3 and the rules did not, so both fired.
    for (const code of [0x0304, 0x7f17, 0xfb17, 0xfb1a]) {
      const v = codePoint(VERSIONS, code);
      const c = conn({ version: v, serverHello: serverHello({ selectedVersion: v, cipherSuite: codePoint(CIPHER_SUITES, 0x1301), extensions: [] }) });
      const got = ids(c);
      assert.ok(!got.some((x) => x.startsWith('no-extended-master-secret') || x.startsWith('no-secure-renegotiation')), `${code.toString(16)}: ${got.join(',')}`);
    }
  });
});

describe('RSA-PSS in the CertificateRequest', () => {
  it('pss-only: RSA only as rsa_pss_* (rsae or pss), no rsa_pkcs1_*', () => {
    assert.equal(pssOnly([0x0804]), true);
    assert.equal(pssOnly([0x0809]), true, 'rsa_pss_pss_* counts as RSA-PSS');
    assert.equal(pssOnly([0x0403, 0x0804, 0x0809]), true, 'ECDSA next to it does not matter');
    assert.equal(pssOnly([0x0804, 0x0201]), false, 'rsa_pkcs1_sha1 is PKCS#1');
    assert.equal(pssOnly([0x0403, 0x0503]), false, 'no RSA at all is not pss-only');
  });

  it('pss-preferred: some rsa_pss_rsae_* (what an rsaEncryption key signs) precedes every rsa_pkcs1_*', () => {
    assert.deepEqual(pssBeforePkcs1([0x0403, 0x0804, 0x0401]), { pss: 1, pkcs1: 2 });
    assert.equal(pssBeforePkcs1([0x0401, 0x0804]), undefined);
    assert.equal(pssBeforePkcs1([0x0804]), undefined, 'pss-only is the other rule');
    assert.equal(pssBeforePkcs1([0x0809, 0x0201, 0x0804]), undefined, 'rsa_pss_pss_* first does not steer an rsaEncryption key');
    assert.deepEqual(pssBeforePkcs1([0x0809, 0x0804, 0x0201]), { pss: 1, pkcs1: 2 }, 'OpenSSL default order: the rsae scheme is named');
  });

  it('exactly one of the two rules on a connection, never both', () => {
    const cr = (codes: number[]) => conn({ certificateRequest: { certificateTypes: codePoints(CLIENT_CERTIFICATE_TYPES, [1, 64]), signatureAlgorithms: sig(codes), certificateAuthorities: [] } });
    const r = (codes: number[]) => ids(cr(codes)).filter((x) => x.startsWith('certreq-'));
    assert.deepEqual(r([0x0804, 0x0805]), ['certreq-pss-only:error']);
    assert.deepEqual(r([0x0804, 0x0401]), ['certreq-pss-preferred:warning']);
    assert.deepEqual(r([0x0401, 0x0804]), []);
    assert.deepEqual(r([0x0403]), []);
  });

  it('TLS 1.3: no CertificateRequest is visible, so neither rule runs', () => {
    const c = conn({ version: codePoint(VERSIONS, 0x0304), serverHello: serverHello({ selectedVersion: codePoint(VERSIONS, 0x0304), cipherSuite: codePoint(CIPHER_SUITES, 0x1301), extensions: [] }) });
    assert.deepEqual(ids(c).filter((x) => x.startsWith('certreq-')), []);
  });
});

describe('client authentication outcomes', () => {
  const cr = { certificateTypes: codePoints(CLIENT_CERTIFICATE_TYPES, [1, 64]), signatureAlgorithms: sig([0x0401]), certificateAuthorities: ['CN=Test CA,O=Test'] };
  const base = [hs('client', 1), hs('server', 2), hs('server', 11), hs('server', 13), hs('server', 14)];

  it('client-cert-missing: error when the server then sends a fatal alert, warning when it goes on', () => {
    const failed = conn({
      certificateRequest: cr,
      clientCertificates: [],
      complete: false,
      messages: [...base, hs('client', 11, 3), hs('client', 16), { from: 'server', record: 'alert', length: 2, offset: 900 }],
      alerts: [alert('server', 40, 900)],
    });
    assert.equal(has(failed, 'client-cert-missing')[0]?.severity, 'error');
    const optional = conn({ certificateRequest: cr, clientCertificates: [], messages: [...base, hs('client', 11, 3), hs('client', 16)] });
    assert.equal(has(optional, 'client-cert-missing')[0]?.severity, 'warning');
  });

  it('one missing certificate reads as one error: client-cert-missing first (primary, a fix for the client), the alert its symptom', () => {
    const failed = conn({
      certificateRequest: cr,
      clientCertificates: [],
      complete: false,
      messages: [...base, hs('client', 11, 3), hs('client', 16), { from: 'server', record: 'alert', length: 2, offset: 900 }],
      alerts: [alert('server', 40, 900)],
    });
    const f = applyRules(failed, NOW);
    assert.deepEqual(f.filter((x) => x.severity === 'error').map((x) => x.id), ['client-cert-missing']);
    assert.deepEqual([f[0]?.id, f[0]?.primary], ['client-cert-missing', true]);
    assert.equal(f.filter((x) => x.primary).length, 1);
    const alertFinding = f.find((x) => x.id === 'fatal-alert')!;
    assert.equal(alertFinding.severity, 'info');
    assert.match(alertFinding.detail, /This alert is how client-cert-missing \(above\) ended the handshake/);
    assert.equal(f.at(-1)?.id, 'fatal-alert', 'the symptom comes last');
    const fix = f[0]!.fix ?? '';
    assert.match(fix, /^client: give the client a certificate issued by one of the CA names/);
    assert.doesNotMatch(fix, /SSLCACertificateFile|ssl_client_certificate/, 'the server is not the one to fix');
    // With no CA names in the CertificateRequest, clients that choose by issuer find nothing: then the server is.
    const noNames = applyRules(conn({ ...failed, certificateRequest: { ...cr, certificateAuthorities: [] } }), NOW);
    assert.match(noNames.find((x) => x.id === 'client-cert-missing')!.fix ?? '', /SSLCACertificateFile/);
  });

  it('a server alert that only answers the client\'s close: client-aborted-after-certreq, and fatal-alert says so', () => {
    const c = conn({
      certificateRequest: cr,
      complete: false,
      messages: [...base, { from: 'server', record: 'alert', length: 2, offset: 900 }],
      alerts: [alert('server', 50, 900)],
      closes: [{ from: 'client', how: 'fin', afterMessages: base.length, packet: 9 }],
    });
    const f = applyRules(c, NOW);
    const aborted = f.find((x) => x.id === 'client-aborted-after-certreq');
    assert.ok(aborted, f.map((x) => x.id).join(','));
    assert.match(aborted.detail, /closed the connection \(FIN, packet 9\); the server's fatal decode_error only answers that close/);
    const alertFinding = f.find((x) => x.id === 'fatal-alert')!;
    assert.match(alertFinding.detail, /It answers the client's close \(FIN, packet 9\), which came first/);
    assert.doesNotMatch(alertFinding.detail, /could not parse a message/, 'not blamed on a malformed message');
    // Without the close before it, the same alert is the server's verdict.
    const verdict = applyRules(conn({ ...c, closes: [{ from: 'client', how: 'fin', afterMessages: base.length + 1 }] }), NOW);
    assert.equal(verdict.find((x) => x.id === 'client-aborted-after-certreq'), undefined);
  });

  it('client-aborted-after-certreq: a close without a word counts, a verdict on the server chain does not', () => {
    const closed = conn({ certificateRequest: cr, complete: false, messages: base });
    assert.match(has(closed, 'client-aborted-after-certreq')[0]?.detail ?? '', /sent nothing more/);
    const distrust = conn({
      certificateRequest: cr,
      complete: false,
      messages: [...base, { from: 'client', record: 'alert', length: 2, offset: 300 }],
      alerts: [alert('client', 48, 300)],
    });
    assert.equal(has(distrust, 'client-aborted-after-certreq').length, 0);
    const cancelled = conn({ ...distrust, alerts: [alert('client', 90, 300)] });
    assert.match(has(cancelled, 'client-aborted-after-certreq')[0]?.detail ?? '', /fatal user_canceled/);
  });

  it('client-cert-issuer-not-listed accepts a listed CA anywhere in the chain, names compared loosely', () => {
    const leaf = cert({ subject: 'CN=alice', issuer: 'CN=Sub CA,O=Test', extKeyUsage: ['clientAuth'] });
    const sub = cert({ subject: 'CN=Sub CA,O=Test', issuer: 'cn=test ca, o=test' });
    assert.equal(has(conn({ certificateRequest: cr, clientCertificates: [leaf, sub] }), 'client-cert-issuer-not-listed').length, 0);
    assert.equal(has(conn({ certificateRequest: cr, clientCertificates: [leaf] }), 'client-cert-issuer-not-listed').length, 1);
    assert.equal(has(conn({ certificateRequest: { ...cr, certificateAuthorities: [] }, clientCertificates: [leaf] }), 'client-cert-issuer-not-listed').length, 0, 'no names, nothing to check');
  });

  it('client-cert-eku: anyExtendedKeyUsage and no EKU at all are fine', () => {
    const mk = (eku?: string[]) => conn({ certificateRequest: cr, clientCertificates: [cert({ subject: 'CN=alice', extKeyUsage: eku })] });
    assert.equal(has(mk(['serverAuth']), 'client-cert-eku').length, 1);
    assert.equal(has(mk(['anyExtendedKeyUsage']), 'client-cert-eku').length, 0);
    assert.equal(has(mk(undefined), 'client-cert-eku').length, 0);
  });

  it('client-cert-type-not-requested maps EdDSA to ecdsa_sign (RFC 8422 §5.5)', () => {
    const ed = cert({ subject: 'CN=alice', publicKey: { algorithm: 'ed25519', oid: '1.3.101.112', bits: 256 } });
    assert.equal(has(conn({ certificateRequest: { ...cr, certificateTypes: codePoints(CLIENT_CERTIFICATE_TYPES, [64]) }, clientCertificates: [ed] }), 'client-cert-type-not-requested').length, 0);
    assert.equal(has(conn({ certificateRequest: { ...cr, certificateTypes: codePoints(CLIENT_CERTIFICATE_TYPES, [1]) }, clientCertificates: [ed] }), 'client-cert-type-not-requested').length, 1);
  });

  it('client-signed-pss is not raised for an RSA-PSS-only key (it has no other choice)', () => {
    const pssKey = cert({ subject: 'CN=alice', publicKey: { algorithm: 'rsa-pss', oid: '1.2.840.113549.1.1.10', bits: 2048 } });
    const c = conn({ certificateRequest: cr, clientCertificates: [pssKey], certificateVerify: { signatureAlgorithm: codePoint(SIGNATURE_SCHEMES, 0x0809), signatureLength: 256 } });
    assert.equal(has(c, 'client-signed-pss').length, 0);
  });
});

describe('server side', () => {
  it('name matching follows RFC 6125: one wildcard label, leftmost only, CN only without DNS SANs', () => {
    assert.equal(nameMatches('*.example.com', 'a.example.com'), true);
    assert.equal(nameMatches('*.example.com', 'example.com'), false);
    assert.equal(nameMatches('*.example.com', 'a.b.example.com'), false);
    assert.equal(nameMatches('*.com', 'example.com'), false);
    assert.equal(nameMatches('Example.COM', 'example.com.'), true);
    assert.deepEqual(commonNames('CN=a\\,b,O=x+CN=c'), ['a,b', 'c']);
    const cnOnly = conn({ certificates: [cert({ san: undefined, subject: 'CN=localhost,O=Test' }), CA] });
    assert.equal(has(cnOnly, 'server-name-mismatch').length, 0);
    const sanWins = conn({ certificates: [cert({ san: ['DNS:other.example'], subject: 'CN=localhost' }), CA] });
    assert.match(has(sanWins, 'server-name-mismatch')[0]?.detail ?? '', /covers other\.example/);
    assert.equal(has(conn({ clientHello: clientHello({ serverName: undefined }) }), 'server-name-mismatch').length, 0, 'no SNI, nothing to compare');
  });

  it('server-chain-order is only information in TLS 1.3', () => {
    const root = cert({ subject: 'CN=Test Root,O=Test', issuer: 'CN=Test Root,O=Test', selfSigned: true, san: undefined });
    const misordered = [cert(), root, CA];
    assert.equal(has(conn({ certificates: misordered }), 'server-chain-order')[0]?.severity, 'warning');
    const v13 = codePoint(VERSIONS, 0x0304);
    const c13 = conn({ version: v13, certificates: misordered, serverHello: serverHello({ selectedVersion: v13, cipherSuite: codePoint(CIPHER_SUITES, 0x1301), extensions: [] }) });
    assert.equal(has(c13, 'server-chain-order')[0]?.severity, 'info');
  });

  it('cert-key-cipher-mismatch: an RSA-PSS key serves ECDHE_RSA but not RSA key transport', () => {
    const pss = cert({ publicKey: { algorithm: 'rsa-pss', oid: '1.2.840.113549.1.1.10', bits: 2048 }, keyUsage: ['digitalSignature'] });
    assert.equal(has(conn({ certificates: [pss, CA] }), 'cert-key-cipher-mismatch').length, 0);
    const kt = conn({ certificates: [pss, CA], serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0x009c) }) });
    assert.match(has(kt, 'cert-key-cipher-mismatch')[0]?.detail ?? '', /RSA key transport, which needs an rsaEncryption key/);
  });

  it('extension-not-offered: renegotiation_info answering the SCSV is allowed', () => {
    assert.equal(has(conn(), 'extension-not-offered').length, 0, 'the ClientHello has the SCSV, not the extension');
    const noScsv = conn({ clientHello: clientHello({ cipherSuites: codePoints(CIPHER_SUITES, [0xc02f]) }) });
    assert.match(has(noScsv, 'extension-not-offered')[0]?.detail ?? '', /renegotiation_info \(65281\)/);
  });

  it('version-not-offered ignores GREASE and judges supported_versions when present', () => {
    const v13 = codePoint(VERSIONS, 0x0304);
    const sh13 = serverHello({ selectedVersion: v13, cipherSuite: codePoint(CIPHER_SUITES, 0x1301), extensions: [] });
    const offered = clientHello({ supportedVersions: codePoints(VERSIONS, [0x0a0a, 0x0304, 0x0303]), cipherSuites: codePoints(CIPHER_SUITES, [0x1301]) });
    assert.equal(has(conn({ clientHello: offered, serverHello: sh13, version: v13 }), 'version-not-offered').length, 0);
    const tls12only = clientHello({ cipherSuites: codePoints(CIPHER_SUITES, [0x1301]) });
    assert.match(has(conn({ clientHello: tls12only, serverHello: sh13, version: v13 }), 'version-not-offered')[0]?.detail ?? '', /no supported_versions extension/);
  });

  it('cert-weak-key and cert-sha1-signature skip self-signed roots', () => {
    const root = cert({ subject: 'CN=Test Root,O=Test', issuer: 'CN=Test Root,O=Test', selfSigned: true, publicKey: { algorithm: 'rsa', oid: '', bits: 1024 }, signatureAlgorithm: { oid: '1.2.840.113549.1.1.5', name: 'sha1WithRSAEncryption' } });
    assert.deepEqual(ids(conn({ certificates: [cert(), CA, root] })), []);
    const weakLeaf = cert({ publicKey: { algorithm: 'ec', oid: '', bits: 224, curve: 'secp224r1' }, signatureAlgorithm: { oid: '1.2.840.10045.4.1', name: 'ecdsa-with-SHA1' } });
    const got = ids(conn({ certificates: [weakLeaf, CA], serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0xc02b) }) }));
    assert.ok(got.includes('cert-weak-key:warning') && got.includes('cert-sha1-signature:warning'), got.join(' '));
  });
});

describe('protocol', () => {
  it('a clean TLS 1.2 handshake raises nothing', () => {
    assert.deepEqual(ids(conn()), []);
  });

  it('legacy-version without a ServerHello: a supported_versions list of only GREASE, or empty, falls back to the legacy version', () => {
    // Found by the flows fuzz target (seed 416579589): the rule threw "Reduce of empty array".
    for (const listed of [[0x0a0a], []]) {
      const old = conn({ serverHello: undefined, clientHello: clientHello({ version: codePoint(VERSIONS, 0x0301), supportedVersions: codePoints(VERSIONS, listed) }) });
      const found = has(old, 'legacy-version');
      assert.equal(found.length, 1, JSON.stringify(listed));
      assert.match(found[0]!.detail, /offered at most TLS 1\.0/);
      assert.equal(found[0]!.severity, 'warning');
      const current = conn({ serverHello: undefined, clientHello: clientHello({ version: codePoint(VERSIONS, 0x0303), supportedVersions: codePoints(VERSIONS, listed) }) });
      assert.deepEqual(has(current, 'legacy-version'), []);
    }
  });

  it('TLS 1.3 Finished record lengths per suite', () => {
    assert.equal(finishedRecordLength(0x1301), 53);
    assert.equal(finishedRecordLength(0x1302), 69);
    assert.equal(finishedRecordLength(0x1303), 53);
    assert.equal(finishedRecordLength(0x1305), 45);
  });

  it('weak-cipher: anonymous and NULL suites', () => {
    assert.match(has(conn({ serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0xc018) }) }), 'weak-cipher')[0]?.detail ?? '', /anonymous/);
    assert.match(has(conn({ serverHello: serverHello({ cipherSuite: codePoint(CIPHER_SUITES, 0x0002) }) }), 'weak-cipher')[0]?.detail ?? '', /NULL/);
  });

  it('dhe-weak-group is an error below 1024 bits', () => {
    const ske = { kind: 'dhe', length: 300, dhPrimeBits: 512, dhGenerator: '02' };
    assert.equal(has(conn({ serverKeyExchange: ske }), 'dhe-weak-group')[0]?.severity, 'error');
  });

  it('not-tls: a TLS client answered in plain text', () => {
    const c = conn({ serverHello: undefined, certificates: undefined, stats: { client: stats(), server: { ...stats(), records: {}, bytes: 120 } }, complete: false });
    assert.match(has(c, 'not-tls')[0]?.detail ?? '', /TLS was sent to a plain-text port/);
  });
});

describe('not-tls: plain text is a finding only where TLS was expected', () => {
  const HTTP = 'HTTP request (plain HTTP sent to a TLS port?)';
  const bytes = (up: number, down: number) => ({ client: { ...stats(), records: {}, bytes: up }, server: { ...stats(), records: {}, bytes: down } });
  /** A connection that never spoke TLS, `up`/`down` bytes each way. */
  const plain = (server: string, o: { source?: 'replay' | 'proxy'; notTls?: string; up?: number; down?: number } = {}) =>
    conn({
      source: o.source ?? 'replay',
      server,
      tls: false,
      notTls: o.notTls ?? HTTP,
      version: undefined,
      clientHello: undefined,
      serverHello: undefined,
      certificates: undefined,
      messages: [],
      complete: false,
      stats: bytes(o.up ?? 78, o.down ?? 0),
    });
  const sev = (c: Connection) => has(c, 'not-tls').map((f) => f.severity);

  it('replay, plain HTTP on port 80 answered by the server: an ordinary HTTP exchange, no finding', () => {
    assert.deepEqual(sev(plain('93.184.216.34:80', { down: 1256 })), []);
    assert.deepEqual(sev(plain('[2001:db8::1]:8080', { down: 500 })), []);
    assert.deepEqual(sev(plain('10.0.0.5:25', { notTls: 'SMTP/FTP-style text protocol', down: 300 })), []);
  });

  it('replay, plain HTTP to a port that is not TLS, no answer: info, worded as a possibility', () => {
    const [f] = has(plain('127.0.0.1:40707'), 'not-tls');
    assert.equal(f?.severity, 'info');
    assert.match(f!.detail, /Port 40707 is not a conventional TLS port, so this may be an ordinary plain-text connection/);
    assert.match(f!.detail, /If the server on port 40707 expects TLS, the client used http:\/\/ where https:\/\/ was needed/);
  });

  it('replay, plain text on a port that is TLS from the first byte (RFC 8314, RFC 7858, IANA https): a warning naming the port', () => {
    for (const [server, name] of [['127.0.0.1:443', 'https'], ['[::1]:465', 'submissions'], ['10.0.0.1:853', 'domain-s'], ['10.0.0.1:993', 'imaps']] as const) {
      const [f] = has(plain(server, { down: 120 }), 'not-tls');
      assert.equal(f?.severity, 'warning', server);
      assert.match(f!.detail, new RegExp(`plain HTTP sent to a TLS port, port ${server.slice(server.lastIndexOf(':') + 1)} \\(${name}`));
    }
    const [ssh] = has(plain('10.0.0.1:443', { notTls: 'SSH', down: 40 }), 'not-tls');
    assert.match(ssh!.detail, /TLS is expected from the first byte on port 443 \(https\): the client speaks another protocol/);
  });

  it('STARTTLS ports (25, 143, 587) are not TLS ports: plain text there is the normal start', () => {
    for (const p of [25, 143, 587]) assert.deepEqual(sev(plain(`10.0.0.1:${p}`, { notTls: 'SMTP/FTP-style text protocol', down: 50 })), [], String(p));
  });

  it('proxy: the backend is a TLS server, so plain HTTP from the client is a warning whatever the port, with the client fix', () => {
    for (const server of ['127.0.0.1:40707', '127.0.0.1:80', '127.0.0.1:443']) {
      const [f] = has(plain(server, { source: 'proxy', down: 0 }), 'not-tls');
      assert.equal(f?.severity, 'warning', server);
      assert.match(f!.detail, /The client speaks plain HTTP to a TLS port: the proxy relays to the TLS server/);
      assert.match(f!.fix ?? '', /^client: use https:\/\/, not http:\/\/: the client speaks HTTP to a TLS port/);
    }
    const [other] = has(plain('127.0.0.1:8443', { source: 'proxy', notTls: 'unknown protocol', down: 14 }), 'not-tls');
    assert.equal(other?.severity, 'warning');
    const [banner] = has(plain('127.0.0.1:2525', { source: 'proxy', notTls: 'no data', up: 0, down: 30 }), 'not-tls');
    assert.match(banner!.detail, /--backend points at a plain-text service/);
  });

  it('no bytes either way (a port probe, a health check) gives no finding anywhere', () => {
    assert.deepEqual(sev(plain('127.0.0.1:443', { notTls: 'no data', up: 0, down: 0 })), []);
    assert.deepEqual(sev(plain('127.0.0.1:443', { source: 'proxy', notTls: 'no data', up: 0, down: 0 })), []);
  });

  it('a ClientHello answered in plain text stays a warning on any port, in both modes', () => {
    const answered = (server: string, source: 'replay' | 'proxy') =>
      conn({ source, server, serverHello: undefined, certificates: undefined, stats: { client: stats(), server: { ...stats(), records: {}, bytes: 120 } }, complete: false });
    assert.equal(has(answered('127.0.0.1:80', 'replay'), 'not-tls')[0]?.severity, 'warning');
    const [p] = has(answered('127.0.0.1:8080', 'proxy'), 'not-tls');
    assert.equal(p?.severity, 'warning');
    assert.match(p!.detail, /the backend 127\.0\.0\.1:8080 is not a TLS server/);
  });

  it('the catalogue lists both severities and the ports it treats as TLS', () => {
    const r = findRule('not-tls')!;
    assert.deepEqual(r.severities, ['warning', 'info']);
    assert.match(r.explain, /443, 465, 563, 636, 853, 989, 990, 992, 993, 995/);
  });
});

describe('applyRules', () => {
  it('orders findings errors first, then warnings, then info, catalogue order within', () => {
    const c = conn({
      version: codePoint(VERSIONS, 0x0301),
      clientHello: clientHello({ cipherSuites: codePoints(CIPHER_SUITES, [0xc02f, 0x002f, 0x00ff]) }),
      serverHello: serverHello({ selectedVersion: codePoint(VERSIONS, 0x0301), cipherSuite: codePoint(CIPHER_SUITES, 0x002f), extensions: [] }),
      certificates: [cert({ notAfter: '2020-01-01T00:00:00Z' }), CA],
    });
    const got = ids(c);
    assert.deepEqual(got, ['server-cert-expired:error', 'legacy-version:warning', 'static-rsa-kx:warning', 'no-extended-master-secret:warning', 'no-secure-renegotiation:warning']);
  });

  it('a rule that throws yields an info finding and the others still run', () => {
    const broken: Rule = { ...findRule('not-tls')!, id: 'broken', check: () => { throw new Error('boom'); } };
    const got = applyRules(conn({ tls: false, notTls: 'SSH' }), NOW, [broken, findRule('not-tls')!]);
    assert.deepEqual(got.map((f) => `${f.id}:${f.severity}`), ['not-tls:warning', 'broken:info']);
    assert.match(got[1]!.detail, /boom/);
  });

  it('is pure: same input, same output, input untouched', () => {
    const c = conn({ certificates: [cert({ notAfter: '2020-01-01T00:00:00Z' })] });
    const before = JSON.stringify(c);
    assert.deepEqual(applyRules(c, NOW), applyRules(c, NOW));
    assert.equal(JSON.stringify(c), before);
  });
});
