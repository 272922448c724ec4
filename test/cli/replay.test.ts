// `tlspeek replay` as a user runs it: good captures, filters, JSON Lines, and bad input
// that must give one clear line, the right exit status, and never an exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { clientAddress, loadTemplate, writeClones } from '../robustness/pcap-gen.js';
import type { Connection } from '../../src/tls/model.js';

const CAPTURES = fileURLToPath(new URL('../../captures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-cli-'));

const run = runCli;

const jsonLines = (s: string): Connection[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Connection);

test('text output of the demo capture shows the client-auth handshake', async () => {
  const r = await run('replay', '--color', 'never', `${CAPTURES}apache-mtls-pss-default.pcap`);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /C ← S {2}certificate_request/);
  assert.match(r.out, /C → S {2}certificate_verify {2}rsa_pkcs1_sha256/);
  assert.match(r.out, /CertificateRequest\n\s+certificate_types\s+rsa_sign, dss_sign, ecdsa_sign/);
  assert.doesNotMatch(r.out, /\x1b\[/, 'no colour when asked for none');
});

test('colour: --no-color, --color never and --color always mean the same for replay, rules and diff', async () => {
  const pcap = `${CAPTURES}apache-mtls-pss-default.pcap`;
  const commands = [['replay', pcap], ['rules'], ['diff', pcap, `${CAPTURES}apache-mtls-pss-fixed.pcap`]];
  for (const args of commands) {
    const plain = await run(args[0]!, '--no-color', ...args.slice(1));
    // diff exits 1 when the handshakes differ, as diff(1) does; a usage error would be 2.
    assert.equal(plain.code, args[0] === 'diff' ? 1 : 0, `${args[0]} --no-color: ${plain.err}`);
    assert.doesNotMatch(plain.out, /\x1b\[/, `${args[0]} --no-color`);
    assert.equal((await run(args[0]!, '--color', 'never', ...args.slice(1))).out, plain.out, `${args[0]} --color never`);
    const colored = await run(args[0]!, '--color', 'always', ...args.slice(1));
    assert.match(colored.out, /\x1b\[/, `${args[0]} --color always`);
  }
});

test('--json prints one connection per line with source "replay"', async () => {
  const r = await run('replay', '--json', `${CAPTURES}tls12.pcap`, `${CAPTURES}tls13.pcap`);
  assert.equal(r.code, 0, r.err);
  const conns = jsonLines(r.out);
  assert.equal(conns.length, 2);
  assert.ok(conns.every((c) => c.source === 'replay'));
  assert.deepEqual(conns.map((c) => c.version?.name), ['TLS 1.2', 'TLS 1.3']);
});

test('filters: --port, --host (address or SNI), --connection', async () => {
  const all = jsonLines((await run('replay', '--json', `${CAPTURES}tls12.pcap`)).out);
  const port = Number(all[0]!.server.split(':').pop());
  assert.equal(jsonLines((await run('replay', '--json', '--port', String(port), `${CAPTURES}tls12.pcap`)).out).length, 1);
  assert.equal(jsonLines((await run('replay', '--json', '--port', '1', `${CAPTURES}tls12.pcap`)).out).length, 0);
  assert.equal(jsonLines((await run('replay', '--json', '--host', '127.0.0.1', `${CAPTURES}tls12.pcap`)).out).length, 1);
  assert.equal(jsonLines((await run('replay', '--json', '--host', '192.0.2.1', `${CAPTURES}tls12.pcap`)).out).length, 0);
  const sni = all[0]!.clientHello?.serverName;
  if (sni) assert.equal(jsonLines((await run('replay', '--json', '--host', sni, `${CAPTURES}tls12.pcap`)).out).length, 1);
  assert.equal(jsonLines((await run('replay', '--json', '-n', '2', `${CAPTURES}tls12.pcap`)).out).length, 0);
});

test('usage errors exit 2 with the usage text; --help and --version exit 0', async () => {
  const none = await run();
  assert.equal(none.code, 2);
  assert.match(none.err, /Name a command/);
  const bad = await run('replay');
  assert.equal(bad.code, 2);
  const help = await run('replay', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /Examples:/);
  const version = await run('--version');
  assert.equal(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+/);
});

test('numeric options: "abc", out of range or fractional is a usage error naming the option (exit 2), not a filter that matches nothing', async () => {
  for (const [args, pattern] of [
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535, got "abc"/],
    [['--port', 'https'], /--port must be a whole number from 0 to 65535, got "https"/],
    [['-n', 'abc'], /--connection must be a whole number of at least 1, got "abc"/],
    [['--port', '443', '--port', '80'], /--port was given 2 times \(443, 80\); give it once/],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535, got 70000/],
    [['--connection', '0'], /--connection must be a whole number of at least 1, got 0/],
    [['--max-flows', '1.5'], /--max-flows must be a whole number of at least 1, got 1.5/],
  ] as const) {
    const r = await run('replay', ...args, `${CAPTURES}tls12.pcap`);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, pattern);
  }
});

test('--max-flows: more concurrent connections than the cap are reported early, with one warning; under the cap nothing changes', async () => {
  // 20 copies of a real handshake, each starting 1 ms after the previous one, merged by time
  // (mergecap) so that their packets interleave and all 20 are open at once.
  const file = join(tmp, 'concurrent-20.pcap');
  const t = await loadTemplate(`${CAPTURES}tls12.pcap`);
  const parts: string[] = [];
  for (let i = 0; i < 20; i++) {
    const part = join(tmp, `clone-${i}.pcap`);
    await writeClones(part, t, 1, () => ({ clientIp: clientAddress(i).ip, clientPort: clientAddress(i).port, clientIsnDelta: i * 7919, serverIsnDelta: i * 104729, start: 1_700_000_000 + i * 0.001 }));
    parts.push(part);
  }
  execFileSync('mergecap', ['-F', 'pcap', '-w', file, ...parts]);
  const roomy = await run('replay', '--json', file);
  assert.equal(roomy.code, 0, roomy.err);
  assert.equal(roomy.err, '');
  const all = jsonLines(roomy.out);
  assert.equal(all.length, 20);
  assert.ok(all.every((c) => c.complete && c.clientHello?.serverName === 'localhost'));

  const tight = await run('replay', '--json', '--max-flows', '5', file);
  assert.equal(tight.code, 0, tight.err);
  const warnings = tight.err.trim().split('\n');
  assert.equal(warnings.length, 1, tight.err);
  assert.match(warnings[0]!, /concurrent-20\.pcap: more than 5 TCP connections open at once: .*\(raise --max-flows\)/);
  const split = jsonLines(tight.out);
  // Evicted flows are reported before they end and their later packets make new, mid-stream reports.
  assert.ok(split.length > 20, `${split.length} reports`);
  assert.equal(split.filter((c) => c.clientHello !== undefined).length, 20, 'every ClientHello is still decoded once');
  assert.ok(split.filter((c) => c.clientHello && c.complete).length < 20, 'some handshakes were cut by the eviction');
});

function badFile(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const good = readFileSync(`${CAPTURES}tls12.pcap`);

for (const [label, make, pattern] of [
  ['a missing file', () => join(tmp, 'nope.pcap'), /nope\.pcap: no such file/],
  ['a directory', () => (mkdirSync(join(tmp, 'dir.pcap'), { recursive: true }), join(tmp, 'dir.pcap')), /is a directory/],
  ['an empty file', () => badFile('empty.pcap', ''), /empty file/],
  ['garbage', () => badFile('garbage.pcap', Buffer.from('this is not a capture at all, just text\n'.repeat(20))), /not a pcap or pcapng file \(magic 0x74686973\)/],
  ['a cut global header', () => badFile('cut.pcap', good.subarray(0, 20)), /truncated pcap global header/],
] as const) {
  test(`${label}: one line naming the file, exit 1`, async () => {
    const path = make();
    const r = await run('replay', path);
    assert.equal(r.code, 1);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, pattern);
    assert.ok(lines[0]!.includes(path), 'the line names the file');
  });
}

test('a file cut inside a packet: a warning, the packets before it decoded, exit 0', async () => {
  const path = badFile('cut-record.pcap', good.subarray(0, good.length - 30));
  const r = await run('replay', '--json', path);
  assert.equal(r.code, 0);
  assert.match(r.err, /capture truncated after \d+ packets/);
  assert.equal(jsonLines(r.out)[0]?.clientHello?.version.name, 'TLS 1.2');
});

test('one bad file among good ones: the good ones are still decoded, exit 1', async () => {
  const r = await run('replay', '--json', join(tmp, 'nope.pcap'), `${CAPTURES}tls12.pcap`);
  assert.equal(r.code, 1);
  assert.equal(jsonLines(r.out).length, 1);
});

test('a 16 MB handshake length inside a good capture is reported for that connection only', async () => {
  // Patch the server's Certificate header (0x0b + 24-bit length) to claim 0xffffff bytes.
  const bytes = Buffer.from(good);
  const conns = jsonLines((await run('replay', '--json', `${CAPTURES}tls12.pcap`)).out);
  const cert = conns[0]!.messages.find((m) => m.type?.name === 'certificate' && m.from === 'server')!;
  const certLen = cert.length;
  const needle = Buffer.from([0x0b, (certLen >> 16) & 0xff, (certLen >> 8) & 0xff, certLen & 0xff]);
  const at = bytes.indexOf(needle);
  assert.ok(at > 0, 'found the Certificate header in the capture');
  bytes[at + 1] = 0xff;
  bytes[at + 2] = 0xff;
  bytes[at + 3] = 0xff;
  const path = badFile('huge-length.pcap', bytes);
  const r = await run('replay', '--json', path);
  assert.equal(r.code, 0);
  const [c] = jsonLines(r.out);
  assert.match(c!.errors.map((e) => e.message).join('\n'), /certificate message of 16777215 bytes exceeds the 1048576-byte cap/);
  assert.equal(c!.serverHello?.cipherSuite.code, conns[0]!.serverHello?.cipherSuite.code, 'what came before is still decoded');
});

test('snaplen-truncated packets (editcap -s 80): gaps reported, no crash', async () => {
  const path = join(tmp, 'snap80.pcap');
  execFileSync('editcap', ['-s', '80', `${CAPTURES}tls12.pcap`, path]);
  const r = await run('replay', '--json', path);
  assert.equal(r.code, 0);
  const [c] = jsonLines(r.out);
  assert.ok(c!.gaps && c!.gaps.client + c!.gaps.server > 0, 'the missing bytes are counted');
  assert.ok(c!.errors.some((e) => /missing from the capture/.test(e.message)));
});

test('a pcapng block length that lies: one line with the byte offset, packets before it kept', async () => {
  const ng = Buffer.from(readFileSync(`${CAPTURES}tls12.pcapng`));
  // Walk the blocks to the third one and make its total length absurd.
  let off = 0;
  for (let i = 0; i < 3; i++) off += ng.readUInt32LE(off + 4);
  ng.writeUInt32LE(0x7ffffff0, off + 4);
  const path = badFile('lying.pcapng', ng);
  const r = await run('replay', path);
  assert.match(r.err, new RegExp(`offset ${off}|@${off}|byte ${off}`), r.err);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
});

test('findings are attached to every connection; --fail-on sets exit 3', async () => {
  const pss = `${CAPTURES}sserver-pss-only.pcap`;
  const fixed = `${CAPTURES}apache-mtls-pss-fixed.pcap`;
  const [c] = jsonLines((await run('replay', '--json', pss)).out);
  assert.ok(c!.findings?.some((f) => f.id === 'certreq-pss-only' && f.severity === 'error'));
  assert.equal((await run('replay', '--json', '--fail-on', 'error', pss)).code, 3);
  assert.equal((await run('replay', '--json', '--fail-on', 'error', fixed)).code, 0);
  assert.equal((await run('replay', '--json', pss)).code, 0, 'without --fail-on findings do not change the exit status');
  const text = await run('replay', '--color', 'never', pss);
  assert.match(text.out, /│ error +│ certreq-pss-only +│ +1 │/, 'the summary table counts findings');
});
