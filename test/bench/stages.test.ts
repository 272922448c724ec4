// The bench's stage runner (scripts/bench/stages.ts) is only worth its table if its last stage is
// the pipeline `replay --json` runs: same bytes, and its counts those of the real thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { clientAddress, loadTemplate, writeClones } from '../robustness/pcap-gen.js';

const run = promisify(execFile);
const STAGES = fileURLToPath(new URL('../../scripts/bench/stages.ts', import.meta.url));
const capture = (name: string) => fileURLToPath(new URL(`../../captures/${name}`, import.meta.url));

async function stage(name: string, file: string, ...more: string[]): Promise<{ out: string; err: string }> {
  const r = await run(process.execPath, ['--import', 'tsx', STAGES, name, file, ...more], { maxBuffer: 64 << 20, timeout: 60000 });
  return { out: r.stdout, err: r.stderr };
}

for (const name of ['apache-mtls-pss-default.pcap', 'fragmented-512.pcap', 'ipv6.pcap']) {
  test(`stage json writes the bytes of replay --json, stage decode counts its connections: ${name}`, async () => {
    const file = capture(name);
    const cli = await runCli('replay', '--json', '--no-progress', file);
    assert.equal(cli.code, 0);
    const json = await stage('json', file);
    assert.equal(json.out, cli.out);
    const lines = cli.out.split('\n').filter(Boolean).length;
    assert.ok(lines > 0);
    assert.equal(json.err, `json: ${lines}\n`);
    assert.equal((await stage('decode', file)).err, `decode: ${lines}\n`);
  });
}

test('stage runner: an unknown stage or a missing file is a usage line, exit 2', async () => {
  await assert.rejects(stage('nope', capture('ipv6.pcap')), (e: { code?: number; stderr?: string }) => e.code === 2 && /^usage: node stages\.mjs start\|capture\|tcp\|decode\|enrich\|json FILE \[EVERY\]\n$/.test(e.stderr ?? ''));
  await assert.rejects(stage('json', ''), (e: { code?: number }) => e.code === 2);
  await assert.rejects(stage('json', capture('ipv6.pcap'), '0'), (e: { code?: number }) => e.code === 2);
});

test('stage json FILE EVERY: all of the output through a pipe, a time mark after every EVERY connections and one at the end', async () => {
  // 25 connections (clones of a real one on other client ports): ~200 KB of JSON, more than a
  // pipe holds at once. (A reader slower than this one, `| wc -c`, once got 1.1 of 2.3 MB from
  // the runner when it ignored writeSync's partial writes and EAGAIN; not reproducible here.)
  const file = join(mkdtempSync(join(tmpdir(), 'tlspeek-stages-')), 'clones.pcap');
  const t = await loadTemplate(capture('apache-mtls-pss-default.pcap'));
  await writeClones(file, t, 25, (i) => ({ clientIp: clientAddress(i).ip, clientPort: clientAddress(i).port, clientIsnDelta: i * 7919, serverIsnDelta: i * 104729, start: 1_700_000_000 + i }));
  const cli = (await runCli('replay', '--json', '--no-progress', file)).out;
  const lines = cli.split('\n').filter(Boolean).length;
  assert.equal(lines, 25);
  assert.ok(cli.length > 1 << 17, `${cli.length} bytes`);
  const { out, err } = await stage('json', file, '8');
  assert.equal(out, cli);
  const m = /^marks: ([\d ]+)\njson: (\d+)\n$/.exec(err);
  assert.ok(m, err);
  assert.equal(Number(m[2]), lines);
  const marks = m[1]!.split(' ').map(Number);
  assert.equal(marks.length, 3 + 1); // after 8, 16 and 24 connections, and at the end
  for (let i = 1; i < marks.length; i++) assert.ok(marks[i]! >= marks[i - 1]!, `marks in order: ${marks.join(' ')}`);
});
