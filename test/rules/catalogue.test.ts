// The catalogue as a whole (src/rules/index.ts): its ids and words, the fixes it gives, and how
// applyRules orders, guards and runs the rules. Hand-built connections from ./helpers.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRules, findRule, RULES, type Rule } from '../../src/rules/index.js';
import { isRsaPkcs1, isRsaPss } from '../../src/rules/helpers.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { NOW, ids, cert, CA, clientHello, serverHello, conn } from './helpers.js';

describe('catalogue', () => {
  it('has every id of issue 5, unique, kebab-case, each with words, refs and a check', () => {
    const want = [
      'certreq-pss-only', 'certreq-pss-preferred', 'client-signed-pss', 'client-cert-missing', 'client-aborted-after-certreq',
      'client-sigalg-not-offered', 'client-cert-type-not-requested', 'client-cert-issuer-not-listed', 'client-cert-eku', 'client-cert-expired',
      'server-sigalg-not-offered', 'cipher-not-offered', 'version-not-offered', 'extension-not-offered', 'cert-key-cipher-mismatch',
      'server-cert-expired', 'server-chain-incomplete', 'server-chain-order', 'server-cert-self-signed', 'server-name-mismatch',
      'cert-weak-key', 'cert-sha1-signature', 'hello-rejected', 'fatal-alert', 'legacy-version', 'sslv2-hello', 'weak-cipher',
      'static-rsa-kx', 'dhe-weak-group', 'no-extended-master-secret', 'no-secure-renegotiation', 'compression-enabled',
      'tls13-client-auth-hidden', 'tls13-handshake-failed', 'not-tls', 'tls13-certreq-no-pss', 'tls13-client-no-pss', 'renegotiation-seen', 'renegotiation-client-auth', 'post-handshake-auth', 'post-handshake-auth-unavailable',
      'client-cert-signature-rejected',
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
