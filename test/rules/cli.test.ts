// `tlspeek rules` and `tlspeek rules ID` as a user runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { RULES } from '../../src/rules/index.js';

const run = runCli;

test('tlspeek rules lists every rule by id, with severity and title, grouped by family', async () => {
  const r = await run('rules', '--color', 'never');
  assert.equal(r.code, 0, r.err);
  for (const rule of RULES) {
    assert.ok(r.out.includes(rule.id), `${rule.id} missing from the list`);
  }
  assert.match(r.out, /client authentication\n/);
  assert.match(r.out, /│ certreq-pss-preferred +│ warning +│ CertificateRequest prefers RSA-PSS/);
  assert.match(r.out, /│ client-cert-missing +│ error\/warning +│/);
  assert.match(r.out, new RegExp(`${RULES.length} rules\\.`));
  assert.doesNotMatch(r.out, /\x1b\[/);
});

test('tlspeek rules ID explains one rule: severity, explanation, fix per server, references', async () => {
  const r = await run('rules', 'certreq-pss-preferred', '--color', 'never');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^certreq-pss-preferred {2}warning {2}\(client authentication\)\nCertificateRequest prefers RSA-PSS over PKCS#1 v1\.5\n/);
  assert.match(r.out, /What it means\n {2}The TLS 1\.2 CertificateRequest/);
  assert.match(r.out, /smartcards and PKCS#11 tokens/);
  assert.match(r.out, /Fix\n {2}Apache httpd: SSLOpenSSLConfCmd ClientSignatureAlgorithms/);
  assert.match(r.out, /\n {2}nginx: ssl_conf_command ClientSignatureAlgorithms/);
  assert.match(r.out, /\n {2}openssl: openssl s_server … -client_sigalgs/);
  assert.match(r.out, /References\n {2}RFC 5246 §7\.4\.4\n/);
});

test('tlspeek rules --json gives the catalogue as data', async () => {
  const r = await run('rules', '--json');
  assert.equal(r.code, 0, r.err);
  const list = JSON.parse(r.out) as { id: string; severity: string; fix: Record<string, string>; refs: string[] }[];
  assert.deepEqual(list.map((x) => x.id), RULES.map((x) => x.id));
  const one = JSON.parse((await run('rules', 'certreq-pss-only', '--json')).out) as { id: string; fix: { apache: string } };
  assert.equal(one.id, 'certreq-pss-only');
  assert.match(one.fix.apache, /^SSLOpenSSLConfCmd ClientSignatureAlgorithms ecdsa_secp256r1_sha256:.*:rsa_pkcs1_sha512:rsa_pss_rsae_sha256:/);
});

test('tlspeek rules with an unknown id: exit 2 and suggestions', async () => {
  const r = await run('rules', 'certreq-pss');
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /no rule "certreq-pss"; did you mean certreq-pss-only, certreq-pss-preferred/);
});
