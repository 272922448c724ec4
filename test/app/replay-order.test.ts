// replay prints a file's connections in number order, numbers following each connection's first
// packet (as tshark's tcp.stream does), even when they end in another order; a finished
// connection waits for an earlier open one only within --max-flows, past which one warning says
// so; numbers that never show are explained on the closing line; `-n N` picks the connection
// printed as #N. From a pipe, connections print as they end instead.
//
// The capture is built here from tls12.pcap's one real connection, copied onto other client
// ports with other timestamps and interleaved by time; tshark numbers its streams independently.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { runCli } from '../helpers/cli.js';
import { hasCommand } from '../helpers/servers.js';
import { replayFile } from '../../src/app/replay.js';
import { HeldLines, type HeldLine } from '../../src/report/held-lines.js';
import type { Connection } from '../../src/tls/model.js';

const TLS12 = fileURLToPath(new URL('../../captures/tls12.pcap', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-order-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const jsonLines = (s: string): Connection[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Connection);
const port = (ep: string): number => Number(ep.slice(ep.lastIndexOf(':') + 1));

/** tls12.pcap: little-endian µs pcap, Ethernet + IPv4, client port 50764. */
const src = readFileSync(TLS12);
const HEADER = src.subarray(0, 24);
const RECORDS: Buffer[] = [];
for (let off = 24; off + 16 <= src.length; ) {
  const caplen = src.readUInt32LE(off + 8);
  RECORDS.push(src.subarray(off, off + 16 + caplen));
  off += 16 + caplen;
}
const CLIENT_PORT = 50764;
const ipAt = 16 + 14;
const tcpAt = (r: Buffer): number => ipAt + (r[ipAt]! & 0x0f) * 4;

interface Copy {
  /** Client port of this copy. */
  port: number;
  /** Capture time of its first packet (s) and the time between its packets. */
  start: number;
  step: number;
  /** Which of tls12.pcap's 17 packets to keep (default all). */
  keep?: (i: number) => boolean;
}

/** A pcap of the copies' packets (and `extra` records), interleaved by capture time. */
function buildCapture(name: string, copies: Copy[], extra: { rec: Buffer; t: number }[] = []): string {
  const all: { rec: Buffer; t: number }[] = [...extra];
  for (const c of copies) {
    RECORDS.forEach((r, i) => {
      if (c.keep && !c.keep(i)) return;
      const rec = Buffer.from(r);
      const tcp = tcpAt(rec);
      for (const at of [tcp, tcp + 2]) if (rec.readUInt16BE(at) === CLIENT_PORT) rec.writeUInt16BE(c.port, at);
      all.push({ rec, t: c.start + i * c.step });
    });
  }
  all.sort((x, y) => x.t - y.t);
  const out: Buffer[] = [HEADER];
  for (const { rec, t } of all) {
    const sec = Math.floor(t);
    rec.writeUInt32LE(1_800_000_000 + sec, 0);
    rec.writeUInt32LE(Math.round((t - sec) * 1e6) % 1e6, 4);
    out.push(rec);
  }
  const path = join(tmp, name);
  writeFileSync(path, Buffer.concat(out));
  return path;
}

/** A UDP datagram: tls12.pcap's third packet (a bare ACK) with the IP protocol set to 17. */
function udpRecord(): Buffer {
  const rec = Buffer.from(RECORDS[2]!);
  rec[ipAt + 9] = 17;
  return rec;
}

// #1 lasts 16 s; #2 starts after it and ends within 0.2 s; #3 is a SYN and a SYN-ACK only (no
// payload, never printed); a UDP datagram takes no number; #4 also ends long before #1.
const MIXED = buildCapture(
  'mixed.pcap',
  [
    { port: 41001, start: 0, step: 1 },
    { port: 41002, start: 0.5, step: 0.01 },
    { port: 41003, start: 0.6, step: 0.01, keep: (i) => i < 2 },
    { port: 41004, start: 0.7, step: 0.02 },
  ],
  [{ rec: udpRecord(), t: 0.65 }],
);

const canTshark = hasCommand('tshark');

test('connections print in number order although they end in another; numbers are tshark\'s tcp.stream + 1', async () => {
  const json = await runCli('replay', '--json', MIXED);
  assert.equal(json.code, 0, json.err);
  assert.equal(json.err, '');
  const conns = jsonLines(json.out);
  assert.deepEqual(conns.map((c) => [c.id, port(c.client)]), [[1, 41001], [2, 41002], [4, 41004]]);
  // They ended in another order: #2 and #4 long before #1.
  const end = (c: Connection): number => Date.parse(c.endTime!);
  assert.ok(end(conns[1]!) < end(conns[0]!) && end(conns[2]!) < end(conns[0]!), 'the capture ends #1 last');
  assert.ok(conns.every((c) => c.complete && c.version?.name === 'TLS 1.2'));

  const text = await runCli('replay', '--color', 'never', MIXED);
  assert.equal(text.code, 0, text.err);
  assert.deepEqual([...text.out.matchAll(/^#(\d+) {2}127\.0\.0\.1:(\d+) /gm)].map((m) => [Number(m[1]), Number(m[2])]), [[1, 41001], [2, 41002], [4, 41004]]);
  assert.match(text.out, /^3 connections: 3 TLS \(3 complete, 0 failed\), 0 not TLS; 1 flow hidden: no payload$/m);
});

test('tshark numbers the same streams the same way (independent oracle)', { skip: canTshark ? false : 'needs tshark' }, async () => {
  const out = execFileSync('tshark', ['-r', MIXED, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.dstport'], { encoding: 'utf8' });
  const streamOf = new Map<number, number>();
  for (const line of out.trim().split('\n')) {
    const [stream, sp, dp] = line.split('\t').map(Number);
    const client = sp === 39205 ? dp! : sp!;
    streamOf.set(client, stream!);
  }
  assert.deepEqual([...streamOf].sort((a, b) => a[1] - b[1]), [[41001, 0], [41002, 1], [41003, 2], [41004, 3]]);
  const conns = jsonLines((await runCli('replay', '--json', MIXED)).out);
  for (const c of conns) assert.equal(c.id, streamOf.get(port(c.client))! + 1, `#${c.id}`);
  // The one tshark has and we never print is the one without payload.
  const udp = execFileSync('tshark', ['-r', MIXED, '-Y', 'udp', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).trim();
  assert.ok(udp !== '', 'the UDP datagram is there, without a TCP stream');
});

test('-n N picks the connection printed as #N (text and JSON); a number never printed says why on the closing line', async () => {
  const all = jsonLines((await runCli('replay', '--json', MIXED)).out);
  const fullText = (await runCli('replay', '--color', 'never', MIXED)).out;
  const blocks = new Map(fullText.split('\n\n').filter((b) => b.startsWith('#')).map((b) => [Number(/^#(\d+)/.exec(b)![1]), b]));
  assert.deepEqual([...blocks.keys()], [1, 2, 4]);
  for (const c of all) {
    const one = await runCli('replay', '--json', '-n', String(c.id), MIXED);
    assert.deepEqual(jsonLines(one.out), [c], `-n ${c.id} --json`);
    const t = await runCli('replay', '--color', 'never', '-n', String(c.id), MIXED);
    const [block, ...rest] = t.out.split('\n\n');
    assert.equal(block, blocks.get(c.id), `-n ${c.id}: the block printed as #${c.id}`);
    assert.match(rest.join('\n\n'), /^1 connection: 1 TLS \(1 complete, 0 failed\), 0 not TLS; 3 flows hidden: 1 no payload, 2 filtered out$/m);
  }
  const none = await runCli('replay', '--color', 'never', '-n', '3', MIXED);
  assert.equal(none.code, 0, none.err);
  assert.equal(none.out.split('\n')[0], '0 connections: 0 TLS (0 complete, 0 failed), 0 not TLS; 4 flows hidden: 1 no payload, 3 filtered out');
  const byPort = await runCli('replay', '--color', 'never', '--port', '41004', MIXED);
  assert.deepEqual([...byPort.out.matchAll(/^#(\d+) /gm)].map((m) => m[1]), ['4']);
  assert.match(byPort.out, /; 3 flows hidden: 1 no payload, 2 filtered out$/m);
  // Every number shown: nothing to explain.
  const plain = await runCli('replay', '--color', 'never', TLS12);
  assert.match(plain.out, /^1 connection: 1 TLS \(1 complete, 0 failed\), 0 not TLS$/m);
});

// #1 lasts 16 s while six connections (#2-#7) come and go one after the other.
const LONG_FIRST = buildCapture('long-first.pcap', [
  { port: 42001, start: 0, step: 1 },
  ...Array.from({ length: 6 }, (_, k) => ({ port: 42002 + k, start: 1.5 + k, step: 0.02 })),
]);

test('a finished connection waits for an earlier open one; past --max-flows the one holding back the rest prints when it ends, with one warning', async () => {
  const roomy = await runCli('replay', '--json', LONG_FIRST);
  assert.equal(roomy.code, 0, roomy.err);
  assert.equal(roomy.err, '');
  assert.deepEqual(jsonLines(roomy.out).map((c) => c.id), [1, 2, 3, 4, 5, 6, 7]);

  // At most two connections are open at once (#1 and one other), so the flow table never evicts
  // with a cap of 3; but three finished ones waiting for #1 plus #1 itself pass it.
  const tight = await runCli('replay', '--json', '--max-flows', '3', LONG_FIRST);
  assert.equal(tight.code, 0, tight.err);
  const warnings = tight.err.trimEnd().split('\n');
  assert.equal(warnings.length, 1, tight.err);
  assert.match(warnings[0]!, /^tlspeek: warning: .*long-first\.pcap: connection #1 is still open and 3 later ones have ended, more than --max-flows lets wait: .*out of number order \(raise --max-flows\)$/);
  const conns = jsonLines(tight.out);
  assert.deepEqual(conns.map((c) => c.id), [2, 3, 4, 5, 6, 7, 1]);
  // The same reports, only in another order.
  assert.deepEqual([...conns].sort((a, b) => a.id - b.id), jsonLines(roomy.out));
});

test('from a pipe (a FIFO here) connections print as they end, not in number order', async () => {
  const fifo = join(tmp, 'mixed.fifo');
  execFileSync('mkfifo', [fifo]);
  const got: Connection[] = [];
  const replay = replayFile(fifo, {}, { connection: (c) => got.push(c), warning: (m) => assert.fail(m) });
  const writer = createWriteStream(fifo);
  writer.end(readFileSync(MIXED));
  await once(writer, 'finish');
  const r = await replay;
  assert.ok(r.ok, r.error);
  assert.deepEqual(got.map((c) => c.id), [2, 4, 1]);
  assert.deepEqual([r.connections, r.emitted, r.empty, r.filtered], [4, 3, 1, 0]);
  // The same reports as from the file.
  const fromFile: Connection[] = [];
  await replayFile(MIXED, {}, { connection: (c) => fromFile.push(c), warning: (m) => assert.fail(m) });
  assert.deepEqual(got.map((c) => ({ ...c, file: MIXED })).sort((a, b) => a.id - b.id), fromFile);
});

test('HeldLines: the bytes of JSON.stringify per line, through slab reuse, lines across slab ends and a line longer than a slab', () => {
  const store = new HeldLines();
  // Deterministic sizes from ~10 bytes to ~40 KB, and one of 1.5 MB.
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const values = Array.from({ length: 400 }, (_, i) => ({ id: i, text: 'é'.repeat(rand(i % 50 === 0 ? 20_000 : 3000)), list: Array.from({ length: rand(20) }, (_, k) => k) }));
  values.push({ id: 400, text: 'x'.repeat(1_500_000), list: [] });
  const out: string[] = [];
  // Held in waves and written out of hold order, as connections waiting for different earlier ones are.
  const pending: { i: number; line: HeldLine }[] = [];
  for (let i = 0; i < values.length; i++) {
    pending.push({ i, line: store.hold(values[i]) });
    while (pending.length > 0 && rand(3) === 0) {
      const k = rand(pending.length);
      const [p] = pending.splice(k, 1);
      store.release(p!.line, (b) => out[p!.i] = b.toString('utf8'));
    }
  }
  for (const p of pending) store.release(p.line, (b) => out[p.i] = b.toString('utf8'));
  assert.equal(out.length, values.length);
  values.forEach((v, i) => assert.equal(out[i], `${JSON.stringify(v)}\n`, `line ${i}`));
});
