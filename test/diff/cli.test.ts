// `tlspeek diff` end to end, in-process through main(), on the captures in captures/. Expected
// values come from captures/manifest.json (what each capture was made to show), not from what
// the code prints.
import { Sink, type CliRun } from '../helpers/cli.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { nameOf } from '../../src/tls/registry/registry.js';
import { SIGNATURE_SCHEMES } from '../../src/tls/registry/signature-schemes.js';
import type { JsonDiff, JsonListRow, JsonValueRow } from '../../src/diff/json.js';

const DEFAULT = 'captures/apache-mtls-pss-default.pcap';
const FIXED = 'captures/apache-mtls-pss-fixed.pcap';
const PSS_ONLY = 'captures/sserver-pss-only.pcap';

interface ManifestEntry {
  file: string;
  sni: string | null;
  certificateRequestSigalgs: number[] | null;
  certificateVerifySigalg: number | null;
  clientCertificate: 'sent' | 'empty' | 'none';
  alerts: { from: string; encrypted?: boolean; level: string; description: string }[];
}
const manifest = (JSON.parse(readFileSync('captures/manifest.json', 'utf8')) as { captures: ManifestEntry[] }).captures;
const entry = (path: string): ManifestEntry => manifest.find((e) => `captures/${e.file}` === path)!;
const schemeNames = (codes: readonly number[]): string[] => codes.map((c) => nameOf(SIGNATURE_SCHEMES, c));


type Run = CliRun;

async function run(args: string[], columns = '80'): Promise<Run> {
  const out = new Sink();
  const err = new Sink();
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = columns;
  try {
    const code = await main(['diff', ...args], { out, err });
    return { code, out: out.text, err: err.text };
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
}

async function runJson(args: string[]): Promise<{ code: number; diff: JsonDiff }> {
  const r = await run(['--json', ...args]);
  assert.equal(r.err, '');
  return { code: r.code, diff: JSON.parse(r.out) as JsonDiff };
}

function row(d: JsonDiff, field: string): JsonValueRow | JsonListRow | undefined {
  for (const s of d.sections) for (const r of s.rows) if (r.field === field) return r;
  return undefined;
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
const COUNT_LINE = /^[A-Za-z][A-Za-z _#-]+: (all \d+ fields are equal|the 1 field is equal|nothing to compare)$/;

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tlspeek-diff-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Two classic pcaps (same byte order, resolution and link type) as one: connection #1 then #2. */
function concatPcaps(out: string, ...files: string[]): string {
  const bufs = files.map((f) => readFileSync(f));
  const head = bufs[0]!.subarray(0, 24);
  for (const b of bufs) {
    assert.deepEqual(b.subarray(0, 4), head.subarray(0, 4), 'same pcap magic');
    assert.deepEqual(b.subarray(20, 24), head.subarray(20, 24), 'same link type');
  }
  const path = join(tmp, out);
  writeFileSync(path, Buffer.concat([head, ...bufs.map((b) => b.subarray(24))]));
  return path;
}

test('seed pair: PKCS#1 moves ahead of RSA-PSS, RSA-PSS stays, the PSS finding goes away; exit 1', async () => {
  const { code, diff } = await runJson([DEFAULT, FIXED]);
  assert.equal(code, 1);
  assert.equal(diff.equal, false);
  const before = entry(DEFAULT).certificateRequestSigalgs!;
  const after = entry(FIXED).certificateRequestSigalgs!;
  const sig = row(diff, 'certificateRequest.signatureAlgorithms') as JsonListRow;
  assert.deepEqual(sig.values, [schemeNames(before), schemeNames(after)]);
  // What the fix does not list (SHA-224, DSA) is removed; nothing is added.
  const removed = sig.changes[1]!.removed.map((r) => r.item);
  assert.deepEqual(removed, schemeNames(before.filter((c) => !after.includes(c))));
  assert.deepEqual(sig.changes[1]!.added, []);
  // Every rsa_pss_* (0x0804-0x0806, 0x0809-0x080b) stays, behind PKCS#1: a reordering.
  for (const pss of ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512', 'rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512']) {
    assert.ok(sig.values[1]!.includes(pss), pss);
    assert.ok(!removed.includes(pss), pss);
  }
  assert.ok(sig.changes[1]!.moved.length > 0);
  // The first scheme an rsaEncryption key can use: rsa_pss_rsae_sha256 (0x0804) before, rsa_pkcs1_sha256 (0x0401) after.
  assert.ok(before.indexOf(0x0804) < before.indexOf(0x0401) && after.indexOf(0x0401) < after.indexOf(0x0804));
  assert.deepEqual((row(diff, 'certificateRequest.firstRsaScheme') as JsonValueRow).values, [
    `rsa_pss_rsae_sha256 (#${before.indexOf(0x0804) + 1})`,
    `rsa_pkcs1_sha256 (#${after.indexOf(0x0401) + 1})`,
  ]);
  // Same PKCS#1-only client both times: CertificateVerify rsa_pkcs1_sha256 in both, no alert change.
  assert.equal(entry(DEFAULT).certificateVerifySigalg, entry(FIXED).certificateVerifySigalg);
  assert.equal(row(diff, 'certificateVerify.signatureAlgorithm'), undefined);
  assert.equal(row(diff, 'alerts'), undefined);
  const findings = row(diff, 'findings') as JsonListRow;
  assert.deepEqual(findings.values, [['certreq-pss-preferred: warning'], []]);
  assert.deepEqual(findings.changes[1]!.removed, [{ item: 'certreq-pss-preferred', from: 1 }]);
});

test('seed pair, --all: the unchanged CertificateVerify and alerts are shown and equal', async () => {
  const { diff } = await runJson(['--all', DEFAULT, FIXED]);
  const cv = row(diff, 'certificateVerify.signatureAlgorithm') as JsonValueRow;
  assert.equal(cv.equal, true);
  assert.deepEqual(cv.values, ['rsa_pkcs1_sha256', 'rsa_pkcs1_sha256']); // 0x0401 in the manifest
  const alerts = row(diff, 'alerts') as JsonListRow;
  assert.equal(alerts.equal, true);
  // Both close_notify alerts are encrypted (manifest); the decoder shows them as encrypted alerts.
  assert.equal(entry(DEFAULT).alerts.every((a) => a.encrypted), true);
  assert.deepEqual(alerts.values[0], ['server encrypted alert after finished', 'client encrypted alert after finished']);
});

test('seed pair as text: RSA-PSS rows read "#N moved", SHA-224/DSA "removed", plain when piped', async () => {
  const r = await run(['--color', 'never', DEFAULT, FIXED], '200');
  assert.equal(r.code, 1);
  assert.equal(r.err, '');
  assert.doesNotMatch(r.out, /\u001b\[/);
  assert.match(r.out, /^CertificateRequest: 2 of 5 fields equal, 3 differ$/m);
  assert.match(r.out, /│ +rsa_pss_rsae_sha256 +│ #9 +│ #9 moved +│/);
  assert.match(r.out, /│ +dsa_sha256 +│ #18 +│ — removed +│/);
  assert.match(r.out, /│ signature_algorithms +│ 20 items +│ 14 items: 6 removed, 6 moved +│/);
  assert.match(r.out, /│ +certreq-pss-preferred +│ warning +│ — removed +│/);
  assert.match(r.out, /^Client certificate and CertificateVerify: all \d+ fields are equal$/m);
});

test('golden: the seed pair text output below the inputs table', async () => {
  // test/golden/diff/seed-pair.txt, checked by hand against captures/manifest.json and README.md:
  // certificate_types 1,2,64 → 1,64 (rsa_sign, dss_sign, ecdsa_sign; checked with tshark's
  // tls.handshake.cert_type: dss_sign goes with DSA, which the fixed ClientSignatureAlgorithms lacks); the 20
  // default schemes (0x0403 … 0x0602) lose the 6 SHA-224 and DSA ones (#15-#20) and the 14 kept
  // are reordered as configured: rsa_pkcs1_* (#12-#14 → #6-#8) ahead of the six RSA-PSS schemes,
  // which the diff shows as moved; the first scheme an RSA key can use goes from
  // rsa_pss_rsae_sha256 (#9) to rsa_pkcs1_sha256 (#6); everything else (version, suite 0xc030,
  // x25519, server chain, client chain, CertificateVerify 0x0401, the encrypted close_notify
  // pair) is the same in both captures.
  const r = await run(['--no-color', DEFAULT, FIXED]);
  const below = r.out.slice(r.out.indexOf('Versions:'));
  const goldenPath = 'test/golden/diff/seed-pair.txt';
  if (process.env.UPDATE_GOLDEN) writeFileSync(goldenPath, below);
  assert.equal(below, readFileSync(goldenPath, 'utf8'));
});

test('identical input twice: exit 0, nothing but the equal-count lines', async () => {
  for (const args of [[DEFAULT, DEFAULT], [PSS_ONLY, `${PSS_ONLY}#1`, `${PSS_ONLY}#sni=localhost`]]) {
    const r = await run(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.err, '');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 12);
    for (const l of lines) assert.match(l, COUNT_LINE);
  }
  const j = await runJson([DEFAULT, DEFAULT]);
  assert.equal(j.code, 0);
  assert.equal(j.diff.equal, true);
  assert.ok(j.diff.sections.every((s) => s.rows.length === 0 && s.fields === s.equalFields));
});

test('three inputs: default, fixed and the PSS-only s_server where the client gives up', async () => {
  const { code, diff } = await runJson([DEFAULT, FIXED, PSS_ONLY]);
  assert.equal(code, 1);
  assert.equal(diff.inputs.length, 3);
  const sig = row(diff, 'certificateRequest.signatureAlgorithms') as JsonListRow;
  assert.deepEqual(sig.values[2], schemeNames(entry(PSS_ONLY).certificateRequestSigalgs!)); // [0x0804]
  assert.deepEqual(sig.changes[2]!.removed.length, entry(DEFAULT).certificateRequestSigalgs!.length - 1);
  assert.deepEqual((row(diff, 'certificateRequest.firstRsaScheme') as JsonValueRow).values[2], 'rsa_pss_rsae_sha256 (#1)');
  // The client finds no scheme for its key: an empty Certificate, no CertificateVerify (manifest).
  assert.equal(entry(PSS_ONLY).clientCertificate, 'empty');
  assert.deepEqual((row(diff, 'clientCertificates.length') as JsonValueRow).values, ['3 certificates', '3 certificates', 'empty Certificate']);
  assert.deepEqual((row(diff, 'certificateVerify.present') as JsonValueRow).values, ['present', 'present', 'absent']);
  // …and the server's fatal handshake_failure replaces the close_notify pair.
  const alerts = row(diff, 'alerts') as JsonListRow;
  const fatal = entry(PSS_ONLY).alerts[0]!;
  assert.equal(`${fatal.from} ${fatal.level} ${fatal.description}`, 'server fatal handshake_failure');
  assert.equal(alerts.values[2]!.length, 1);
  assert.match(alerts.values[2]![0]!, /^server fatal handshake_failure/);
  assert.equal(alerts.changes[2]!.added.length, 1);
  assert.equal(alerts.changes[2]!.removed.length, 2);
  assert.deepEqual((row(diff, 'outcome') as JsonValueRow).values, ['complete', 'complete', 'failed']);
  const findings = row(diff, 'findings') as JsonListRow;
  assert.ok(findings.values[2]!.includes('certreq-pss-only: error'), String(findings.values[2]));

  const text = await run(['--no-color', DEFAULT, FIXED, PSS_ONLY], '200');
  assert.match(text.out, /│ +rsa_pss_rsae_sha256 +│ #9 +│ #9 moved +│ #1 +│/);
});

test('selectors: #N and #sni= pick connections of a multi-connection capture', async () => {
  const merged = concatPcaps('merged.pcap', 'captures/tls12.pcap', 'captures/sni-mismatch.pcap');
  assert.equal(entry('captures/sni-mismatch.pcap').sni, 'wrong.example');
  assert.equal((await run([`${merged}#2`, 'captures/sni-mismatch.pcap'])).code, 0);
  assert.equal((await run([`${merged}#sni=wrong.example`, 'captures/sni-mismatch.pcap'])).code, 0);
  assert.equal((await run([merged, 'captures/tls12.pcap'])).code, 0);
  assert.equal((await run([`${merged}#sni=LOCALHOST`, 'captures/tls12.pcap'])).code, 0);
  const { code, diff } = await runJson([`${merged}#1`, `${merged}#2`]);
  assert.equal(code, 1);
  assert.deepEqual(diff.inputs.map((i) => [i.label, i.connection, i.serverName]), [
    ['merged#1', 1, 'localhost'],
    ['merged#2', 2, 'wrong.example'],
  ]);
});

test('selectors and inputs fail clearly: exit 2, one line on stderr', async () => {
  const merged = concatPcaps('merged2.pcap', 'captures/tls12.pcap', 'captures/sni-mismatch.pcap');
  const notCapture = join(tmp, 'notes.txt');
  writeFileSync(notCapture, 'hello\n');
  const badJson = join(tmp, 'bad.jsonl');
  writeFileSync(badJson, '{"id": 1}\n');
  const cases: [string[], RegExp][] = [
    [[`${merged}#3`, DEFAULT], /: no connection #3 \(2 connections: #1, #2\)$/],
    [[`${merged}#sni=nope.example`, DEFAULT], /: no connection with SNI nope\.example \(SNIs seen: localhost, wrong\.example\)$/],
    [[DEFAULT, `${DEFAULT}#0`], /connection numbers start at 1/],
    [[DEFAULT, `${DEFAULT}#last`], /unknown selector "#last"/],
    [[DEFAULT, join(tmp, 'missing.pcap')], /missing\.pcap: no such file$/],
    [[notCapture, DEFAULT], /notes\.txt: not a pcap or pcapng file/],
    [[badJson, DEFAULT], /bad\.jsonl:1: not a connection from tlspeek --json$/],
    [['captures/plain-http-to-tls-port.pcap', DEFAULT], /no TLS connection \(1 connection: #1\)$/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.split('\n').length, 2, r.err); // one line and its newline
    assert.match(r.err.trimEnd(), /^tlspeek diff: /);
    assert.match(r.err.trimEnd(), message);
  }
});

test('JSON Lines saved from replay --json give the same diff as the captures', async () => {
  const save = async (name: string, files: string[]): Promise<string> => {
    const out = new Sink();
    const err = new Sink();
    assert.equal(await main(['replay', '--json', ...files], { out, err }), 0);
    const path = join(tmp, name);
    writeFileSync(path, out.text);
    return path;
  };
  const a = await save('default.out', [DEFAULT]); // extension deliberately neither .jsonl nor .pcap
  const b = await save('fixed.jsonl', [FIXED]);
  const fromPcap = await runJson(['--all', DEFAULT, FIXED]);
  const fromJson = await runJson(['--all', a, `${b}#1`]);
  assert.equal(fromJson.code, 1);
  assert.deepEqual(fromJson.diff.sections, fromPcap.diff.sections);
  assert.equal(fromJson.diff.inputs[0]!.file, DEFAULT);
  // Mixed: one side pcap, the other JSON Lines.
  assert.deepEqual((await runJson(['--all', DEFAULT, b])).diff.sections, fromPcap.diff.sections);
  // Two captures in one JSON Lines file: both are #1, so #1 is ambiguous; #sni= still works.
  const both = await save('both.jsonl', [DEFAULT, 'captures/sni-mismatch.pcap']);
  const amb = await run([`${both}#1`, DEFAULT]);
  assert.equal(amb.code, 2);
  assert.match(amb.err, /#1 is ambiguous/);
  assert.equal((await run([`${both}#sni=wrong.example`, 'captures/sni-mismatch.pcap'])).code, 0);
  assert.equal((await run([both, DEFAULT])).code, 0);
});

test('width: with COLUMNS=80 no line is longer than 80, also with three inputs, --all and colour', async () => {
  const long = 'a-rather-long-label-without-any-spaces-that-must-wrap-somewhere-sensible';
  for (const args of [
    [DEFAULT, FIXED],
    ['--all', '--color', 'always', '--label', long, DEFAULT, FIXED, PSS_ONLY],
    ['--all', 'captures/tls12.pcap', 'captures/tls13-hrr.pcap', 'captures/mtls-ca-names.pcap', 'captures/rsa-pss-server.pcap'],
  ]) {
    const r = await run(args, '80');
    const lines = stripAnsi(r.out).split('\n');
    const widest = Math.max(...lines.map((l) => [...l].length));
    assert.ok(widest <= 80, `${args.join(' ')}: ${widest} columns`);
    // Nothing is cut off with "…": the label's column in the heading holds all of it.
    if (args.includes(long)) {
      const headLines = stripAnsi(r.out).split('\n').slice(1);
      const column = headLines.slice(0, headLines.findIndex((l) => l.startsWith('├'))).map((l) => l.split('│')[2]!.trim());
      assert.equal(column.join(''), long);
    }
  }
  const wide = await run(['--all', DEFAULT, FIXED], '200');
  assert.ok(Math.max(...wide.out.split('\n').map((l) => [...l].length)) <= 200);
});

test('colour only when asked or on a terminal; --label names the columns', async () => {
  const coloured = await run(['--color', 'always', '--label', 'works', '--label', 'fixed', DEFAULT, FIXED]);
  assert.match(coloured.out, /\u001b\[/);
  assert.match(stripAnsi(coloured.out), /│ field +│ works +│ fixed +│/);
  const piped = await run([DEFAULT, FIXED]);
  assert.doesNotMatch(piped.out, /\u001b\[/);
  const tooMany = await run(['--label', 'a', '--label', 'b', '--label', 'c', DEFAULT, FIXED]);
  assert.equal(tooMany.code, 2);
  assert.match(tooMany.err, /3 labels for 2 inputs/);
});

test('HelloRetryRequest: the group the handshake settled on comes from the real ServerHello', async () => {
  // Manifest: tls13.pcap negotiates x25519 (29); in tls13-hrr.pcap the server only takes P-384 (24)
  // and sends a HelloRetryRequest for it.
  const { code, diff } = await runJson(['captures/tls13.pcap', 'captures/tls13-hrr.pcap']);
  assert.equal(code, 1);
  assert.deepEqual((row(diff, 'group') as JsonValueRow).values, ['x25519', 'secp384r1']);
  assert.deepEqual((row(diff, 'serverHello.helloRetryRequest') as JsonValueRow).values, ['no', 'yes, asks for secp384r1']);
});
