// --keylog on replay, report and diff, through the CLI as a user runs it, on the captures recorded
// with their client's key log beside them (scripts/make-captures.sh: NAME.keys).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import { hasCommand } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const OK = 'captures/tls13-keylog-mtls';
const NO_PSS = 'captures/tls13-keylog-certreq-no-pss';

test('replay --keylog: decrypted, and without it the same capture is encrypted', async () => {
  const withKeys = await runCli('replay', '--json', '--keylog', `${NO_PSS}.keys`, `${NO_PSS}.pcap`);
  assert.equal(withKeys.code, 0, withKeys.err);
  const c = JSON.parse(withKeys.out) as Connection;
  assert.equal(c.decrypted, true);
  assert.deepEqual(c.certificateRequest?.signatureAlgorithms?.map((s) => s.name), ['ecdsa_secp256r1_sha256', 'rsa_pkcs1_sha256', 'rsa_pkcs1_sha384'], 'as s_server -client_sigalgs was given');
  assert.ok(c.findings?.some((f) => f.id === 'tls13-certreq-no-pss' && f.severity === 'error'));
  const without = JSON.parse((await runCli('replay', '--json', `${NO_PSS}.pcap`)).out) as Connection;
  assert.equal(without.decrypted, false);
  assert.equal(without.certificateRequest, undefined);
  assert.deepEqual([without.outcome, without.outcomeBasis], ['failed', 'inferred']);
});

test('report --keylog: the decrypted CertificateRequest and the finding are in the HTML', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-keylog-'));
  try {
    const out = join(dir, 'r.html');
    const r = await runCli('report', '--keylog', `${NO_PSS}.keys`, `${NO_PSS}.pcap`, '-o', out);
    assert.equal(r.code, 0, r.err);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /tls13-certreq-no-pss/);
    assert.match(html, /rsa_pkcs1_sha384/);
    assert.match(html, /certificate_request <span class="dim">\[decrypted\]<\/span>/, 'decrypted messages are marked so');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diff --keylog (one per capture): the CertificateRequest schemes differ, RSA-PSS missing from the refused one', async () => {
  const r = await runCli('diff', '--json', '--keylog', `${OK}.keys`, '--keylog', `${NO_PSS}.keys`, `${OK}.pcap`, `${NO_PSS}.pcap`);
  assert.equal(r.code, 1, r.err);
  const diff = JSON.parse(r.out) as { sections: { rows: { field: string; values: unknown[] }[] }[] };
  const row = diff.sections.flatMap((s) => s.rows).find((x) => x.field === 'certificateRequest.signatureAlgorithms');
  assert.ok(row, 'both CertificateRequests were decrypted and compared');
  const [ok, refused] = row.values as string[][];
  assert.ok(ok!.includes('rsa_pss_rsae_sha256') && !refused!.includes('rsa_pss_rsae_sha256'));
});

test('bad key logs: a missing file is one line and exit 1; bad lines are warnings with file:line, the rest still used', async () => {
  const missing = await runCli('replay', '--keylog', 'no/such/keys.log', `${OK}.pcap`);
  assert.equal(missing.code, 1);
  assert.equal(missing.err.trim().split('\n').length, 1);
  assert.match(missing.err, /no\/such\/keys\.log: no such file/);
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-keylog-'));
  try {
    const keys = join(dir, 'keys.log');
    writeFileSync(keys, `garbage line\r\n${readFileSync(`${OK}.keys`, 'utf8').replace(/\n/g, '\r\n')}CLIENT_RANDOM zz 00\r\n`);
    const r = await runCli('replay', '--json', '--keylog', keys, `${OK}.pcap`);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`${keys.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1: `));
    assert.equal((JSON.parse(r.out) as Connection).decrypted, true, 'the good CRLF lines were used');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pcapng with a Decryption Secrets Block (editcap --inject-secrets) is decrypted without --keylog', { skip: hasCommand('editcap') ? false : 'editcap missing' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-keylog-'));
  try {
    const out = join(dir, 'with-secrets.pcapng');
    execFileSync('editcap', ['--inject-secrets', `tls,${NO_PSS}.keys`, `${NO_PSS}.pcap`, out]);
    const r = await runCli('replay', '--json', out);
    assert.equal(r.code, 0, r.err);
    const c = JSON.parse(r.out) as Connection;
    assert.equal(c.decrypted, true);
    assert.ok(c.findings?.some((f) => f.id === 'tls13-certreq-no-pss'));
    assert.equal(c.alerts[0]?.description?.name, 'certificate_required');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replay --trace --hex --keylog shows the decrypted handshake bytes, never application data', async () => {
  const r = await runCli('replay', '--trace', '--hex', '--keylog', `${OK}.keys`, `${OK}.pcap`);
  assert.equal(r.code, 0, r.err);
  // The decrypted CertificateRequest: its trace line, then its bytes from the handshake header (type 13).
  assert.match(r.out, /handshake certificate_request \(13\), length \d+[^\n]*\n(?:[^\n]*\n){0,3}\s+0000 {2}0d 00 /);
  // The client's GET is application data: counted, not shown.
  assert.doesNotMatch(r.out, /GET \//);
  assert.doesNotMatch(r.out, /47 45 54 20 2f/, 'no "GET /" bytes in the hex either');
});
