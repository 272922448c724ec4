// `tlspeek rules` and `tlspeek rules ID` as a user runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, Sink } from '../helpers/cli.js';
import { main } from '../../src/cli/main.js';
import { RULES } from '../../src/rules/index.js';

/** Runs with COLUMNS set to `columns`, or unset (as when piped). */
async function run(...args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> {
  return withColumns(undefined, () => runCli(...args));
}

async function withColumns<T>(columns: string | undefined, f: () => Promise<T>): Promise<T> {
  const saved = process.env.COLUMNS;
  if (columns === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columns;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
}

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
  assert.match(r.out, /smartcards\s+and\s+PKCS#11\s+tokens/);
  // Each directive on one line with its whole list, however long: wrapped, it would not paste into a config.
  assert.match(r.out, /Fix\n {2}Apache httpd:\s+SSLOpenSSLConfCmd ClientSignatureAlgorithms ecdsa_secp256r1_sha256:\S+:rsa_pss_pss_sha512\n/);
  assert.match(r.out, /\n {2}nginx:\s+ssl_conf_command ClientSignatureAlgorithms ecdsa_secp256r1_sha256:\S+;\n/);
  assert.match(r.out, /\n {2}openssl:\s+openssl s_server … -client_sigalgs ecdsa_secp256r1_sha256:\S+\n/);
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

test('tlspeek rules never cuts a rule id or a severity, whatever COLUMNS is', async () => {
  const longest = Math.max(...RULES.map((r) => r.id.length));
  for (const columns of ['20', '40', '60', '80', '100', '200', undefined]) {
    const r = await withColumns(columns, () => runCli('rules', '--color', 'never'));
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /…/, `COLUMNS=${columns}: something was cut`);
    const lines = r.out.split('\n');
    for (const rule of RULES) {
      // The whole id, as a word of its own (not followed by more id characters), with its severities.
      const severities = (rule.severities ?? [rule.severity]).join('/');
      const at = lines.findIndex((l) => new RegExp(`(^|[ │])${rule.id}($|[ │])`).test(l));
      assert.ok(at >= 0, `COLUMNS=${columns}: ${rule.id} not whole on any line`);
      assert.ok(lines.slice(at, at + 2).some((l) => l.includes(` ${severities}`)), `COLUMNS=${columns}: ${rule.id} without ${severities}`);
    }
    if (columns !== undefined) {
      // Only a line holding nothing but an id may be wider than the terminal (an id is never cut).
      const width = Math.max(Number(columns), longest + 2);
      for (const l of lines) assert.ok([...l].length <= width, `COLUMNS=${columns}: ${[...l].length} columns: ${l}`);
    }
  }
});

test('tlspeek rules: a table while the titles have room, one rule per entry below that', async () => {
  const wide = await withColumns('100', () => runCli('rules', '--color', 'never'));
  assert.match(wide.out, /│ certreq-pss-preferred +│ warning +│ CertificateRequest prefers RSA-PSS/);
  const narrow = await withColumns('40', () => runCli('rules', '--color', 'never'));
  assert.doesNotMatch(narrow.out, /│/);
  assert.match(narrow.out, /\n {2}certreq-pss-preferred {2}warning\n {6}CertificateRequest prefers RSA-PSS\n {6}over PKCS#1 v1\.5\n/);
  assert.match(narrow.out, /\n {2}client-cert-type-not-requested\n {6}warning\n/);
});

test('tlspeek rules on a 40-column terminal (no COLUMNS): ids whole, nothing wider than the terminal but an id', async () => {
  const out = Object.assign(new Sink(), { isTTY: true, columns: 40 });
  const err = new Sink();
  const code = await withColumns(undefined, () => main(['rules', '--color', 'never'], { out, err }));
  assert.equal(code, 0, err.text);
  for (const rule of RULES) assert.match(out.text, new RegExp(`(^|\\n) {2}${rule.id}(  |\\n)`), rule.id);
  for (const l of out.text.split('\n')) assert.ok(l.length <= 40 || /^ {2}[a-z0-9-]+$/.test(l), l);
});
