// Every rule against real captures: what each capture must raise is known from how it was made
// (captures/manifest.json for scripts/make-captures.sh, captures/rules-manifest.json for
// scripts/make-rule-captures.sh). The expected sets are exact: a rule that starts firing where it
// should not fails here as surely as one that stops firing. `now` is each connection's startTime,
// as in replay.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { replayFile } from '../../src/app/replay.js';
import { loadKeyLogs } from '../../src/app/keys.js';
import type { SecretsLookup } from '../../src/tls/session.js';
import { applyRules, RULES } from '../../src/rules/index.js';
import type { Connection, Finding } from '../../src/tls/model.js';
import { ordinal } from '../../src/rules/helpers.js';
import { CLIENT_SIGALGS_PKCS1_FIRST } from '../../src/rules/client-auth/pss-fix.js';

const DIR = new URL('../../captures/', import.meta.url).pathname;

interface ManifestEntry {
  file: string;
  certificateRequestSigalgs?: number[];
  certificateRequestSigalgsConfigured?: string;
  madeWith?: { server: string; client: string };
}
const MANIFEST = (JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as { captures: ManifestEntry[] }).captures;
const entry = (file: string): ManifestEntry => MANIFEST.find((e) => e.file === file)!;

/**
 * capture → { connection number → "id:severity" list }; connection 1 unless noted. Where a rule names
 * the cause of a failure, fatal-alert is its symptom and shown as info (rules/index.ts byRelevance).
 */
const EXPECTED: Record<string, string[] | Record<number, string[]>> = {
  // the seed case
  'apache-mtls-pss-default.pcap': ['certreq-pss-preferred:warning'],
  'apache-mtls-pss-fixed.pcap': [],
  'apache-mtls-default-curl.pcap': ['certreq-pss-preferred:warning', 'client-signed-pss:info'],
  'sserver-pss-only.pcap': ['certreq-pss-only:error', 'client-cert-missing:error', 'fatal-alert:info'],
  // clean handshakes; s_server without -cert_chain sends only the leaf, so the chain really is incomplete
  'tls12.pcap': ['server-chain-incomplete:warning'],
  'tls12.pcapng': ['server-chain-incomplete:warning'],
  'tls12-ns.pcap': ['server-chain-incomplete:warning'],
  'tls12-sll.pcap': ['server-chain-incomplete:warning'],
  'tls12-sll2.pcap': ['server-chain-incomplete:warning'],
  'tls12-reordered.pcap': ['server-chain-incomplete:warning'],
  'ipv6.pcap': ['server-chain-incomplete:warning'],
  'chain-intermediate.pcap': [],
  'fragmented-512.pcap': [],
  'tls13.pcap': [],
  'tls13-hrr.pcap': [],
  'ecdsa-server.pcap': ['server-chain-incomplete:warning'],
  'ed25519-server.pcap': ['server-chain-incomplete:warning'],
  'rsa-pss-server.pcap': ['server-chain-incomplete:warning'],
  'dhe.pcap': ['server-chain-incomplete:warning'],
  'dhe-1024.pcap': ['server-chain-incomplete:warning', 'dhe-weak-group:warning'],
  'static-rsa.pcap': ['server-chain-incomplete:warning', 'static-rsa-kx:warning'],
  'tls10.pcap': ['server-chain-incomplete:warning', 'legacy-version:warning'],
  'tls11.pcap': ['server-chain-incomplete:warning', 'legacy-version:warning'],
  'fatal-alert.pcap': ['hello-rejected:error', 'fatal-alert:error'],
  'sni-mismatch.pcap': ['server-name-mismatch:error', 'fatal-alert:info'],
  // curl http:// to openssl s_server on a free ephemeral port (make-captures.sh free_port): in a capture
  // nothing says that port is TLS, and the server answered nothing, so only a hint (info), not a warning.
  'plain-http-to-tls-port.pcap': ['not-tls:info'],
  // client authentication (s_server -Verify 1 -verify_return_error, OpenSSL default client sigalgs)
  'mtls-ca-names.pcap': ['certreq-pss-preferred:warning', 'client-signed-pss:info'],
  'mtls-ec-client.pcap': ['certreq-pss-preferred:warning'],
  'mtls-no-client-cert.pcap': ['client-cert-missing:error', 'fatal-alert:info', 'certreq-pss-preferred:warning'],
  'mtls-expired-client.pcap': ['client-cert-expired:error', 'fatal-alert:info', 'certreq-pss-preferred:warning', 'client-signed-pss:info'],
  'mtls-not-yet-valid-client.pcap': ['client-cert-expired:error', 'fatal-alert:info', 'certreq-pss-preferred:warning', 'client-signed-pss:info'],
  'mtls-no-clientauth-eku.pcap': ['client-cert-eku:error', 'fatal-alert:info', 'certreq-pss-preferred:warning', 'client-signed-pss:info'],
  'mtls-other-ca-client.pcap': ['fatal-alert:error', 'certreq-pss-preferred:warning', 'client-cert-issuer-not-listed:warning', 'client-signed-pss:info'],
  'mtls-sha1-1024-client.pcap': [
    'fatal-alert:error',
    'certreq-pss-preferred:warning',
    'cert-weak-key:warning',
    'cert-sha1-signature:warning',
    'client-signed-pss:info',
  ],
  'tls13-mtls.pcap': ['tls13-client-auth-hidden:info'],
  // TLS 1.3 refusals: the server's alert is encrypted; tlspeek infers the failure (manifest: hiddenAlert).
  'tls13-mtls-no-client-cert.pcap': ['tls13-handshake-failed:error', 'tls13-client-auth-hidden:info'],
  'tls13-mtls-other-ca-client.pcap': ['tls13-handshake-failed:error', 'tls13-client-auth-hidden:info'],
  'tls13-mtls-pkcs1-client.pcap': ['tls13-handshake-failed:error', 'tls13-client-auth-hidden:info'],
  // …while the client's own alert came before it had keys: plaintext, so seen.
  'tls13-client-distrusts-server.pcap': ['fatal-alert:error'],
  // With the client's key log (NAME.keys): the TLS 1.3 client authentication read in the clear.
  'tls13-keylog-mtls.pcap': [],
  'tls13-keylog-certreq-no-pss.pcap': ['tls13-certreq-no-pss:error', 'client-cert-missing:error', 'fatal-alert:info'],
  'tls13-keylog-client-no-pss.pcap': ['tls13-client-no-pss:error', 'client-cert-missing:error', 'fatal-alert:info'],
  // Apache's per-<Location> SSLVerifyClient: a TLS 1.2 renegotiation, decrypted with curl's key log.
  // Its CertificateRequest is the renegotiation's: judged as such ("In the renegotiation 1: …").
  'apache-reneg-location.pcap': ['renegotiation-client-auth:info', 'certreq-pss-preferred:warning', 'client-signed-pss:info'],
  // TLS 1.3: the same <Location> asks after the handshake (post-handshake auth), curl answers.
  'apache-pha-location.pcap': ['post-handshake-auth:info'],
  // …and the renegotiation without its key log: only that it happened is visible.
  'apache-reneg-location.pcap#nokeys': ['renegotiation-seen:info'],
  // scripts/make-rule-captures.sh
  'rules-server-expired.pcap': ['server-cert-expired:error'],
  'rules-self-signed.pcap': ['server-cert-self-signed:warning'],
  'rules-chain-order.pcap': ['server-chain-order:warning'],
  'rules-weak-cipher.pcap': ['weak-cipher:error'],
  'rules-no-ems.pcap': ['no-extended-master-secret:warning'],
  'rules-no-reneg.pcap': ['no-secure-renegotiation:warning'],
  'rules-optional-no-cert.pcap': ['certreq-pss-preferred:warning', 'client-cert-missing:warning'],
  'rules-client-distrusts-server.pcap': ['fatal-alert:error', 'certreq-pss-preferred:warning'],
  'rules-tls13-pha.pcap': ['tls13-client-auth-hidden:info'],
  'rules-client-aborted.pcap': ['certreq-pss-only:error', 'client-aborted-after-certreq:error', 'fatal-alert:info'],
  'rules-sslv2-hello.pcap': { 2: ['hello-rejected:error', 'fatal-alert:error', 'legacy-version:error', 'sslv2-hello:error'] },
  'rules-cipher-not-offered.pcap': ['cipher-not-offered:error', 'fatal-alert:info'],
  'rules-key-cipher-mismatch.pcap': ['cert-key-cipher-mismatch:error', 'fatal-alert:info'],
  'rules-version-not-offered.pcap': ['version-not-offered:error', 'fatal-alert:info'],
  'rules-extension-not-offered.pcap': ['extension-not-offered:error', 'fatal-alert:info'],
  'rules-server-sigalg-not-offered.pcap': ['server-sigalg-not-offered:error', 'fatal-alert:info'],
  'rules-client-sigalg-not-offered.pcap': ['client-sigalg-not-offered:error', 'fatal-alert:info'],
  // The rewrite changed the transcript the client signed: the server's decrypt_error is a signature that did not verify.
  'rules-cert-type-not-requested.pcap': [
    'client-cert-signature-rejected:error',
    'certreq-pss-preferred:warning',
    'client-cert-type-not-requested:warning',
    'client-signed-pss:info',
    'fatal-alert:info',
  ],
  'rules-compression.pcap': ['fatal-alert:error', 'compression-enabled:error'],
};

interface Result {
  c: Connection;
  findings: Finding[];
}
const results = new Map<string, Result[]>();

/** A capture's key log, when one was recorded beside it (NAME.keys): then it is replayed with it, as --keylog does. */
async function keysFor(file: string): Promise<SecretsLookup | undefined> {
  if (file.endsWith('#nokeys')) return undefined;
  const keys = DIR + file.replace(/\.pcap(ng)?$/, '.keys');
  return existsSync(keys) ? (await loadKeyLogs([keys], () => {})).lookup : undefined;
}

async function load(file: string): Promise<Result[]> {
  const out: Result[] = [];
  const secrets = await keysFor(file);
  const r = await replayFile(DIR + file.replace(/#nokeys$/, ''), {}, {
    connection: (c) => out.push({ c, findings: applyRules(c, new Date(c.startTime!)) }),
    warning: () => {},
  }, secrets ? { secrets } : {});
  assert.ok(r.ok, `${file}: ${r.error}`);
  return out;
}

function expectedFor(file: string): Record<number, string[]> {
  const e = EXPECTED[file]!;
  return Array.isArray(e) ? { 1: e } : e;
}

function get(file: string, id = 1): Result {
  const r = results.get(file)?.find((x) => x.c.id === id);
  assert.ok(r, `${file}: no connection #${id}`);
  return r;
}

function one(file: string, ruleId: string, conn = 1): Finding {
  const fs = get(file, conn).findings.filter((f) => f.id === ruleId);
  assert.equal(fs.length, 1, `${file}: want one ${ruleId}, got ${fs.length}`);
  return fs[0]!;
}

describe('rules on real captures', () => {
  before(async () => {
    for (const file of Object.keys(EXPECTED)) {
      if (existsSync(DIR + file.replace(/#nokeys$/, ''))) results.set(file, await load(file));
    }
  });

  for (const file of Object.keys(EXPECTED)) {
    it(`${file}: raises exactly the expected rules`, () => {
      assert.ok(existsSync(DIR + file.replace(/#nokeys$/, '')), `${file} is missing from captures/`);
      for (const [conn, want] of Object.entries(expectedFor(file))) {
        const got = get(file, Number(conn)).findings.map((f) => `${f.id}:${f.severity}`);
        assert.deepEqual([...got].sort(), [...want].sort(), `${file} #${conn}`);
      }
    });
  }

  /**
   * Rules no real peer can be recorded raising, each with where it is tested instead. OpenSSL and
   * GnuTLS servers refuse to send a post-handshake CertificateRequest to a client that did not offer
   * post_handshake_auth, so post-handshake-auth-unavailable is tested on a real capture's decoded
   * model, modified (test/rules/post-handshake-auth-unavailable.test.ts).
   */
  const NO_CAPTURE: Record<string, string> = { 'post-handshake-auth-unavailable': 'test/rules/post-handshake-auth-unavailable.test.ts' };

  it('every rule is raised by at least one capture and absent from at least one', () => {
    const raisedBy = new Map<string, string[]>();
    const absentFrom = new Map<string, string[]>();
    for (const file of Object.keys(EXPECTED)) {
      for (const want of Object.values(expectedFor(file))) {
        const ids = new Set(want.map((w) => w.split(':')[0]!));
        for (const r of RULES) (ids.has(r.id) ? raisedBy : absentFrom).set(r.id, [...((ids.has(r.id) ? raisedBy : absentFrom).get(r.id) ?? []), file]);
      }
    }
    for (const r of RULES) {
      assert.ok(raisedBy.get(r.id)?.length || NO_CAPTURE[r.id], `${r.id}: no capture raises it`);
      if (NO_CAPTURE[r.id]) assert.ok(!raisedBy.get(r.id)?.length, `${r.id}: a capture raises it now; take it out of NO_CAPTURE`);
      assert.ok(absentFrom.get(r.id)?.length, `${r.id}: every capture raises it`);
    }
  });

  it('every finding carries the rule\'s title and refs, and a detail quoting what was seen', () => {
    for (const [file, rs] of results) {
      for (const { findings } of rs) {
        for (const f of findings) {
          const rule = RULES.find((r) => r.id === f.id)!;
          assert.equal(f.title, rule.title, `${file} ${f.id}`);
          assert.deepEqual(f.refs, [...rule.refs], `${file} ${f.id}`);
          assert.ok(f.detail.length > 20, `${file} ${f.id}: detail too thin`);
        }
      }
    }
  });
});

describe('the seed case: Apache with OpenSSL defaults vs the ClientSignatureAlgorithms fix', () => {
  before(async () => {
    for (const f of ['apache-mtls-pss-default.pcap', 'apache-mtls-pss-fixed.pcap', 'sserver-pss-only.pcap', 'apache-mtls-default-curl.pcap']) {
      if (!results.has(f)) results.set(f, await load(f));
    }
  });

  it('default: certreq-pss-preferred quotes the order and gives the per-server fix', () => {
    const f = one('apache-mtls-pss-default.pcap', 'certreq-pss-preferred');
    assert.match(f.detail, /signature_algorithms: ecdsa_secp256r1_sha256, .*rsa_pss_pss_sha256, .*rsa_pss_rsae_sha256, .*rsa_pkcs1_sha256/);
    // What an rsaEncryption key meets first is rsa_pss_rsae_sha256 (0x0804, 9th in the manifest), not rsa_pss_pss_*.
    const order = entry('apache-mtls-pss-default.pcap').certificateRequestSigalgs!;
    const n = (code: number) => ordinal(order.indexOf(code) + 1);
    assert.match(f.detail, new RegExp(`first scheme is rsa_pss_rsae_sha256 \\(${n(0x0804)}\\), before the first PKCS#1 scheme, rsa_pkcs1_sha256 \\(${n(0x0401)}\\)`));
    assert.match(f.detail, /signed rsa_pkcs1_sha256/);
    // The configured fix of the bundled "fixed" capture is the one tlspeek prints.
    const configured = entry('apache-mtls-pss-fixed.pcap').certificateRequestSigalgsConfigured!;
    assert.equal(configured, CLIENT_SIGALGS_PKCS1_FIRST);
    assert.ok(f.fix?.includes(`Apache httpd: SSLOpenSSLConfCmd ClientSignatureAlgorithms ${configured} `), f.fix);
    assert.ok(f.fix?.includes(`nginx: ssl_conf_command ClientSignatureAlgorithms ${configured};`), f.fix);
    assert.ok(f.fix?.includes('nginx ≥ 1.19.4 with OpenSSL ≥ 1.1.1'), f.fix);
    assert.ok(f.fix?.includes(`openssl: openssl s_server … -client_sigalgs ${configured}`), f.fix);
    assert.match(f.fix ?? '', /TLS 1\.3/);
    assert.ok(f.refs?.includes('RFC 5246 §7.4.4'));
  });

  it('fixed: no finding at all; PKCS#1 comes before RSA-PSS, which stays, and the client signed rsa_pkcs1_*', () => {
    const { c, findings } = get('apache-mtls-pss-fixed.pcap');
    assert.deepEqual(findings, []);
    const names = c.certificateRequest?.signatureAlgorithms?.map((s) => s.name) ?? [];
    assert.deepEqual(names, CLIENT_SIGALGS_PKCS1_FIRST.split(':'), 'on the wire exactly as configured');
    assert.match(c.certificateVerify?.signatureAlgorithm?.name ?? '', /^rsa_pkcs1_/);
  });

  it('curl follows the server order and signs RSA-PSS: client-signed-pss', () => {
    const f = one('apache-mtls-default-curl.pcap', 'client-signed-pss');
    assert.match(f.detail, /rsa_pss_rsae_sha256 with the RSA key of CN=client-rsa/);
    assert.match(one('apache-mtls-default-curl.pcap', 'certreq-pss-preferred').detail, /The client followed that order: its CertificateVerify used rsa_pss_rsae_sha256/);
  });

  it('RSA-PSS-only server: certreq-pss-only, and the alert explained', () => {
    const only = one('sserver-pss-only.pcap', 'certreq-pss-only');
    assert.match(only.detail, /^CertificateRequest signature_algorithms: rsa_pss_rsae_sha256$/m);
    assert.match(only.detail, /no rsa_pkcs1_\* scheme is listed/);
    assert.match(only.detail, /empty Certificate and the server then sent fatal handshake_failure/);
    assert.ok(only.fix?.includes('ClientSignatureAlgorithms'));
    const alert = one('sserver-pss-only.pcap', 'fatal-alert');
    assert.match(alert.detail, /^The server sent fatal handshake_failure \(40\) after the client's Certificate \(empty\), ClientKeyExchange, ChangeCipherSpec, Finished/);
    assert.match(alert.detail, /requires a client certificate and the client sent none/);
    assert.equal(get('sserver-pss-only.pcap').findings.filter((f) => f.id === 'certreq-pss-preferred').length, 0, 'pss-preferred is not raised when pss-only is');
  });
});

describe('details quote what was seen', () => {
  const files = [
    'mtls-other-ca-client.pcap',
    'rules-client-distrusts-server.pcap',
    'mtls-no-clientauth-eku.pcap',
    'mtls-expired-client.pcap',
    'mtls-not-yet-valid-client.pcap',
    'sni-mismatch.pcap',
    'fatal-alert.pcap',
    'tls13-mtls.pcap',
    'rules-tls13-pha.pcap',
    'rules-client-aborted.pcap',
    'rules-optional-no-cert.pcap',
    'dhe-1024.pcap',
    'tls12.pcap',
    'plain-http-to-tls-port.pcap',
    'rules-chain-order.pcap',
    'rules-server-expired.pcap',
    'rules-cert-type-not-requested.pcap',
  ];
  before(async () => {
    for (const f of files) if (!results.has(f)) results.set(f, await load(f));
  });

  it('unknown_ca from the server after the client Certificate: the server does not trust the client issuer', () => {
    const f = one('mtls-other-ca-client.pcap', 'fatal-alert');
    assert.match(f.detail, /^The server sent fatal unknown_ca \(48\) after the client's Certificate, ClientKeyExchange, CertificateVerify/);
    assert.match(f.detail, /server does not trust the issuer of the client's certificate \(CN=client-other-ca,O=unrelated test PKI, issued by CN=tlspeek Other CA/);
    const listed = one('mtls-other-ca-client.pcap', 'client-cert-issuer-not-listed');
    assert.match(listed.detail, /issued by CN=tlspeek Other CA,O=unrelated test PKI/);
    assert.match(listed.detail, /named: CN=tlspeek Intermediate CA,O=tlspeek test PKI \| CN=tlspeek Root CA,O=tlspeek test PKI/);
  });

  it('decrypt_error after the client CertificateVerify: the signature did not verify (the relay changed what the client signed)', () => {
    const f = one('rules-cert-type-not-requested.pcap', 'client-cert-signature-rejected');
    assert.match(f.detail, /^The server sent fatal decrypt_error \(51\) after the client's Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished \(encrypted\) \(packet \d+\)\./);
    assert.match(f.detail, /signed rsa_pss_rsae_sha256 with the key of CN=client-rsa,O=tlspeek test PKI \(rsa 2048\)/);
    assert.match(f.detail, /a middlebox that changed the handshake the client signed/);
    assert.equal(get('rules-cert-type-not-requested.pcap', 1).findings[0]?.id, 'client-cert-signature-rejected', 'the cause first');
  });

  it('unknown_ca from the client after the server flight: the client does not trust the server chain', () => {
    const f = one('rules-client-distrusts-server.pcap', 'fatal-alert');
    assert.match(f.detail, /^The client sent fatal unknown_ca \(48\) after the server's ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone/);
    assert.match(f.detail, /client does not trust the server's chain \(CN=localhost,O=tlspeek test PKI, issued by CN=tlspeek Intermediate CA/);
  });

  it('unsupported_certificate from the server names the EKU problem', () => {
    assert.match(one('mtls-no-clientauth-eku.pcap', 'fatal-alert').detail, /extendedKeyUsage without clientAuth/);
    assert.match(one('mtls-no-clientauth-eku.pcap', 'client-cert-eku').detail, /CN=client-no-clientauth,O=tlspeek test PKI has extendedKeyUsage serverAuth, without clientAuth/);
  });

  it('client-cert-expired quotes the dates against the packet time', () => {
    const { c } = get('mtls-expired-client.pcap');
    const f = one('mtls-expired-client.pcap', 'client-cert-expired');
    assert.match(f.detail, /CN=client-expired,O=tlspeek test PKI expired on 2021-01-01T00:00:00Z/);
    assert.ok(f.detail.includes(`handshake at ${new Date(c.startTime!).toISOString()}`));
    assert.match(f.detail, /server then sent fatal certificate_expired/);
    assert.match(one('mtls-not-yet-valid-client.pcap', 'client-cert-expired').detail, /not valid until 2099-01-01T00:00:00Z/);
    // The same connection judged in 2020-06, inside the leaf's validity: the leaf is fine, but its
    // intermediate (valid from 2025) is not yet valid, and neither is the server's certificate.
    const then = applyRules(c, new Date('2020-06-01T00:00:00Z'));
    const client = then.find((x) => x.id === 'client-cert-expired');
    assert.ok(client);
    assert.doesNotMatch(client.detail, /CN=client-expired/);
    assert.match(client.detail, /^Chain certificate 1 CN=tlspeek Intermediate CA,O=tlspeek test PKI is not valid until 2025-01-01T00:00:00Z/);
    assert.match(then.find((x) => x.id === 'server-cert-expired')?.detail ?? '', /^The server certificate CN=localhost,O=tlspeek test PKI is not valid until 2025/);
  });

  it('server-name-mismatch quotes SNI and SANs; the client alert is explained as a host-name problem', () => {
    assert.match(one('sni-mismatch.pcap', 'server-name-mismatch').detail, /asked for "wrong\.example" \(SNI\); the server certificate CN=localhost,O=tlspeek test PKI covers localhost \(and IP:127\.0\.0\.1, IP:::1\)/);
    assert.match(one('sni-mismatch.pcap', 'fatal-alert').detail, /^The client sent fatal bad_certificate \(42\) after the server's .*host-name mismatch \(the client asked for wrong\.example\)/s);
  });

  it('hello-rejected lists what the hello offered', () => {
    const f = one('fatal-alert.pcap', 'hello-rejected');
    assert.match(f.detail, /answered the ClientHello with fatal handshake_failure/);
    assert.match(f.detail, /1 offered \(0 TLS 1\.3, 1 TLS 1\.0–1\.2\): TLS_RSA_WITH_AES_128_CBC_SHA/);
    assert.match(f.detail, /only static RSA key exchange/);
  });

  it('TLS 1.3: client authentication inferred from record sizes, and post_handshake_auth', () => {
    assert.match(one('tls13-mtls.pcap', 'tls13-client-auth-hidden').detail, /first encrypted record is 2\d{3} bytes where a bare Finished would be 69/);
    const pha = one('rules-tls13-pha.pcap', 'tls13-client-auth-hidden').detail;
    assert.match(pha, /offered post_handshake_auth/);
    assert.doesNotMatch(pha, /first encrypted record/);
  });

  it('client-aborted-after-certreq: gnutls-cli gives up with handshake_failure, no Certificate', () => {
    const f = one('rules-client-aborted.pcap', 'client-aborted-after-certreq');
    assert.match(f.detail, /^The client sent fatal handshake_failure after the server's ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone, without sending a Certificate/);
    assert.match(f.detail, /signature_algorithms rsa_pss_rsae_sha256/);
  });

  it('client-cert-missing is a warning when client authentication is optional', () => {
    const f = one('rules-optional-no-cert.pcap', 'client-cert-missing');
    assert.equal(f.severity, 'warning');
    assert.match(f.detail, /optional on this server/);
  });

  it('dhe-weak-group, chain rules and not-tls quote values', () => {
    assert.match(one('dhe-1024.pcap', 'dhe-weak-group').detail, /1024-bit DH prime .* for TLS_DHE_RSA_WITH_AES_128_GCM_SHA256/);
    assert.match(one('tls12.pcap', 'server-chain-incomplete').detail, /issued by CN=tlspeek Intermediate CA,O=tlspeek test PKI, which the server did not send/);
    assert.match(one('rules-chain-order.pcap', 'server-chain-order').detail, /\[1\] CN=tlspeek Root CA,O=tlspeek test PKI → \[2\] CN=tlspeek Intermediate CA/);
    assert.match(one('rules-server-expired.pcap', 'server-cert-expired').detail, /expired on 2021-01-01T00:00:00Z/);
    const plain = one('plain-http-to-tls-port.pcap', 'not-tls');
    const port = /:(\d+)$/.exec(get('plain-http-to-tls-port.pcap').c.server)![1]!;
    assert.ok(Number(port) >= 32768, `port ${port}: Linux's ephemeral range, where free_port's ports come from`);
    assert.match(entry('plain-http-to-tls-port.pcap').madeWith!.server, /-accept 127\.0\.0\.1:\$PORT /, 'made on a free port, not a named one');
    assert.match(plain.detail, /HTTP request \(client sent \d+ bytes, server 0\), and the server answered nothing/);
    assert.match(plain.detail, new RegExp(`Port ${port} is not a conventional TLS port.*If the server on port ${port} expects TLS, the client used http:// where https:// was needed`));
  });
});

describe('HelloRetryRequest flows seen from the rules', () => {
  it('tls13-hrr: the second ClientHello and the real ServerHello after the HelloRetryRequest are decoded', async () => {
    const [r] = await load('tls13-hrr.pcap');
    assert.equal(r!.c.additionalClientHellos?.length, 1);
    assert.ok(r!.c.additionalServerHellos?.some((h) => !h.helloRetryRequest));
  });
});

describe('not-tls on a public capture (../shared/corpus)', () => {
  const latest = new URL('../../../shared/corpus/captures/latest.pcapng', import.meta.url).pathname;
  // tshark -Y 'tcp.port == 80 && http': GET /roots/dstrootcax3.p7c, answered 304 Not Modified.
  it('latest.pcapng: a plain HTTP request to port 80, answered by the server, is no finding', { skip: existsSync(latest) ? false : `${latest} is not there (the shared corpus sits next to the repository)` }, async () => {
    const conns: Connection[] = [];
    const r = await replayFile(latest, {}, { connection: (c) => conns.push(c), warning: () => {} });
    assert.ok(r.ok, r.error);
    const plain = conns.filter((c) => !c.tls && c.server.endsWith(':80'));
    assert.equal(plain.length, 1, 'one plain HTTP connection to port 80 (tshark: tcp.port == 80 && http)');
    const [c] = plain;
    assert.match(c!.notTls ?? '', /^HTTP request/);
    assert.ok(c!.stats.server.bytes > 0, 'the server answered');
    assert.deepEqual(applyRules(c!, new Date(c!.startTime!)).filter((f) => f.id === 'not-tls'), []);
  });
});
