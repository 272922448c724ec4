// Rules of src/rules/client-auth/ on hand-built connections: list ordering semantics, severities
// that depend on what happened next. The capture tests (captures.test.ts) are the primary
// evidence; these pin down the corners no capture shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRules } from '../../src/rules/index.js';
import { pssOnly } from '../../src/rules/client-auth/certreq-pss-only.js';
import { pssBeforePkcs1 } from '../../src/rules/client-auth/certreq-pss-preferred.js';
import { codePoint, codePoints } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import { CIPHER_SUITES } from '../../src/tls/registry/cipher-suites.js';
import { VERSIONS } from '../../src/tls/registry/versions.js';
import { CLIENT_CERTIFICATE_TYPES } from '../../src/tls/registry/certificate-types.js';
import { NOW, ids, has, cert, serverHello, hs, conn, sig, alert } from './helpers.js';

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

  it('client-cert-signature-rejected: decrypt_error answering the flight with the CertificateVerify, and only that', () => {
    const flight = [...base, hs('client', 11, 900), hs('client', 16), hs('client', 15), { from: 'server' as const, record: 'alert', length: 2, offset: 900 }];
    const withAlert = (desc: number) =>
      conn({
        certificateRequest: cr,
        clientCertificates: [cert({ subject: 'CN=card,O=Test', extKeyUsage: ['clientAuth'] })],
        certificateVerify: { signatureAlgorithm: sig([0x0401])[0]!, signatureLength: 256 },
        complete: false,
        messages: flight,
        alerts: [alert('server', desc, 900)],
      });
    const rejected = has(withAlert(51), 'client-cert-signature-rejected');
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.severity, 'error');
    assert.match(rejected[0]!.detail, /signed rsa_pkcs1_sha256 with the key of CN=card,O=Test/);
    assert.match(rejected[0]!.detail, /the CertificateRequest listed rsa_pkcs1_sha256\./);
    assert.equal(applyRules(withAlert(51), NOW)[0]?.id, 'client-cert-signature-rejected', 'the cause, before fatal-alert');
    // bad_certificate and illegal_parameter have other causes (fatal-alert explains them)
    assert.deepEqual(has(withAlert(42), 'client-cert-signature-rejected'), []);
    assert.deepEqual(has(withAlert(47), 'client-cert-signature-rejected'), []);
    // the same alert from the client, after the server's flight, is about the server
    const clientSide = conn({
      certificateRequest: cr,
      certificateVerify: { signatureAlgorithm: sig([0x0804])[0]!, signatureLength: 256 },
      messages: [...base, { from: 'client', record: 'alert', length: 2, offset: 500 }],
      alerts: [alert('client', 51, 500)],
    });
    assert.deepEqual(has(clientSide, 'client-cert-signature-rejected'), []);
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
