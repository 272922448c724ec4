// Rules of src/rules/server/ on hand-built connections: name matching, chain order, key and
// cipher, exceptions the RFCs make. The capture tests (captures.test.ts) are the primary
// evidence; these pin down the corners no capture shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameMatches, commonNames } from '../../src/rules/server/server-name-mismatch.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { ids, has, cert, CA, clientHello, serverHello, conn } from './helpers.js';

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
