// `tlspeek replay -` and friends: a capture from a pipe, a FIFO, /dev/stdin (a pipe or a socket),
// process substitution and a file redirected to stdin reads as the same capture from a file
// does; bad input gets one line and exit 1; a capture still being written is reported as it
// grows (each connection when it ends, or once its handshake is decided); Ctrl-C ends the input
// cleanly. Last, the real thing: tcpdump -U -w - on loopback piped into the CLI while openssl
// s_client makes handshakes with openssl s_server, each report on stdout before tcpdump stops.
// Every process runs under a deadline and is stopped in after().
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, hasCommand, startSServer, type SServer } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const TSX = import.meta.resolve('tsx');
const tmp = mkdtempSync(join(tmpdir(), 'tlspeek-pipe-'));
/** The CLI from source as one executable, so shell pipelines can run it as a user would run bin/tlspeek. */
const CLI = join(tmp, 'tlspeek');
writeFileSync(
  CLI,
  `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(TSX)} -e ` +
    `'import(${JSON.stringify(MAIN)}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })' "$@"\n`,
);
chmodSync(CLI, 0o755);

const children = new Set<ChildProcess>();

/** SIGKILL to the process group a `group` child leads (the shell, and what did not move to a group of its own as `timeout` does). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

after(() => {
  for (const c of children) {
    if (c.pid !== undefined && c.spawnargs[0] === 'bash') killGroup(c);
    c.kill('SIGKILL');
  }
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/** A running process with its output so far; killed after `deadlineMs` whatever happens. */
interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  done: Promise<Run>;
}

function start(cmd: string, args: string[], o: { stdin?: 'pipe' | 'ignore'; deadlineMs?: number; group?: boolean } = {}): Proc {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    // A process group of its own, so that a pipeline can be stopped whole (killGroup).
    detached: o.group ?? false,
    stdio: [o.stdin ?? 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', TLSPEEK: CLI },
  });
  children.add(child);
  const kill = setTimeout(() => (o.group ? killGroup(child) : child.kill('SIGKILL')), o.deadlineMs ?? 60_000);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin?.on('error', () => {});
  const done = new Promise<Run>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(kill);
      children.delete(child);
      resolve({ code, signal, out, err });
    }),
  );
  return { child, out: () => out, err: () => err, done };
}

/** bash -c SCRIPT in the repository, with $TLSPEEK the CLI. */
function sh(script: string, deadlineMs = 60_000): Promise<Run> {
  return start('bash', ['-c', script], { deadlineMs }).done;
}

async function waitFor(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const jsonLines = (s: string): Connection[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Connection);

/** The JSON objects with `file` set to what the pipe run names its input. */
const asInput = (conns: Connection[], file: string): Connection[] => conns.map((c) => ({ ...c, file }));

const fromFile = new Map<string, Run>();
async function fileRun(capture: string, json: boolean): Promise<Run> {
  const key = `${capture} ${json}`;
  let r = fromFile.get(key);
  if (!r) {
    r = await sh(`"$TLSPEEK" replay ${json ? '--json' : ''} captures/${capture}`);
    assert.equal(r.code, 0, r.err);
    fromFile.set(key, r);
  }
  return r;
}

test('cat x | replay - prints what replay x prints, text and --json: pcap (µs and ns) and pcapng', async () => {
  for (const capture of ['tls12.pcap', 'tls13.pcap', 'tls12-ns.pcap', 'tls12.pcapng']) {
    const file = await fileRun(capture, true);
    const pipe = await sh(`cat captures/${capture} | "$TLSPEEK" replay --json -`);
    assert.equal(pipe.code, 0, pipe.err);
    assert.equal(pipe.err, '');
    assert.ok(jsonLines(file.out).length >= 1);
    assert.deepEqual(jsonLines(pipe.out), asInput(jsonLines(file.out), '-'), `${capture} --json`);

    const fileText = await fileRun(capture, false);
    const pipeText = await sh(`cat captures/${capture} | "$TLSPEEK" replay -`);
    assert.equal(pipeText.code, 0, pipeText.err);
    // The text names its input on each connection's time line: the path, or '-'.
    assert.equal(pipeText.out, fileText.out.replaceAll(`  captures/${capture}\n`, '  -\n'), `${capture} text`);
    // TLS 1.3 without keys: complete is inferred from the records (manifest: handshakeComplete).
    const inferred = capture.startsWith('tls13') ? '; 1 inferred from record sizes' : '';
    assert.match(pipeText.out, new RegExp(`^1 connection: 1 TLS \\(1 complete, 0 failed${inferred}\\), 0 not TLS$`, 'm'));
  }
});

test('/dev/stdin (a pipe, and a socket as Node gives it), process substitution, a FIFO and a redirected file read the same capture', async () => {
  const want = jsonLines((await fileRun('tls12.pcapng', true)).out);
  const check = (r: Run, file: string, label: string): void => {
    assert.equal(r.code, 0, `${label}: ${r.err}`);
    assert.equal(r.err, '', label);
    assert.deepEqual(jsonLines(r.out), asInput(want, file), label);
  };
  check(await sh('cat captures/tls12.pcapng | "$TLSPEEK" replay --json /dev/stdin'), '/dev/stdin', 'pipe into /dev/stdin');
  // Process substitution: the shell hands over /dev/fd/63 (or so), a pipe.
  const subst = await sh('"$TLSPEEK" replay --json <(cat captures/tls12.pcapng)');
  assert.equal(subst.code, 0, subst.err);
  const name = jsonLines(subst.out)[0]?.file ?? '';
  assert.match(name, /^\/dev\/fd\/\d+$/);
  check(subst, name, 'process substitution');
  // A regular file behind stdin is read as that file.
  check(await sh('"$TLSPEEK" replay --json - < captures/tls12.pcapng'), '-', 'file redirected to -');

  // Node's child stdin is a socket pair, which /dev/stdin cannot re-open (ENXIO): read through the descriptor.
  for (const arg of ['-', '/dev/stdin']) {
    const p = start(CLI, ['replay', '--json', arg], { stdin: 'pipe' });
    p.child.stdin!.end(readFileSync(join(ROOT, 'captures/tls12.pcapng')));
    check(await p.done, arg, `socket stdin as ${arg}`);
  }

  // A FIFO: the reader waits for a writer, as cat does.
  const fifo = join(tmp, 'capture.fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = start(CLI, ['replay', '--json', fifo]);
  await sleep(300);
  assert.equal(reader.child.exitCode, null, 'still waiting for a writer');
  await sh(`cat captures/tls12.pcapng > ${JSON.stringify(fifo)}`);
  check(await reader.done, fifo, 'FIFO');
});

test('a capture that arrives a few bytes at a time (the magic split across reads) decodes the same', async () => {
  const want = jsonLines((await fileRun('tls12.pcap', true)).out);
  const bytes = readFileSync(join(ROOT, 'captures/tls12.pcap'));
  const p = start(CLI, ['replay', '--json', '-'], { stdin: 'pipe' });
  // 1, 2, 3 … bytes per write with pauses, so the reads see short pieces (the first ones shorter than the magic).
  for (let at = 0, n = 1; at < bytes.length; at += n, n = Math.min(n * 2, 4096)) {
    p.child.stdin!.write(bytes.subarray(at, at + n));
    if (n < 64) await sleep(20);
  }
  p.child.stdin!.end();
  const r = await p.done;
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out), asInput(want, '-'));
});

test('bad input from a pipe: one line naming standard input and exit 1; a cut tail is a warning as for files', async () => {
  const good = readFileSync(join(ROOT, 'captures/tls12.pcap'));
  const cases: [string, Buffer, RegExp][] = [
    ['garbage', Buffer.from('this is not a capture at all, just text\n'.repeat(200)), /^tlspeek: standard input: not a pcap or pcapng file \(magic 0x74686973\)$/],
    ['nothing', Buffer.alloc(0), /^tlspeek: standard input: empty \(nothing was written to it before it was closed\)$/],
    ['three bytes', good.subarray(0, 3), /^tlspeek: standard input: too short to be a capture file \(3 bytes\)$/],
    ['a cut global header', good.subarray(0, 20), /^tlspeek: standard input: truncated pcap global header \(20 of 24 bytes\)$/],
    ['a cut pcapng section header', readFileSync(join(ROOT, 'captures/tls12.pcapng')).subarray(0, 10), /^tlspeek: standard input: truncated pcapng section header \(10 bytes\)$/],
  ];
  for (const [label, bytes, line] of cases) {
    const p = start(CLI, ['replay', '-'], { stdin: 'pipe', deadlineMs: 30_000 });
    p.child.stdin!.end(bytes);
    const r = await p.done;
    assert.equal(r.code, 1, `${label}: ${r.err}`);
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${label}: ${r.err}`);
    assert.match(lines[0]!, line, label);
    assert.equal(r.out, '', label);
  }
  // The same through the shell, as a user types it.
  const shell = await sh('head -c 2000 /dev/urandom | { printf "GARB"; cat; } | "$TLSPEEK" replay -');
  assert.equal(shell.code, 1);
  assert.equal(shell.err, 'tlspeek: standard input: not a pcap or pcapng file (magic 0x47415242)\n');

  const cut = start(CLI, ['replay', '--json', '-'], { stdin: 'pipe' });
  cut.child.stdin!.end(good.subarray(0, good.length - 30));
  const r = await cut.done;
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^tlspeek: warning: standard input: capture truncated after 16 packets \(\d+ bytes left over\)\n$/);
  assert.equal(jsonLines(r.out)[0]?.version?.name, 'TLS 1.2');
});

/** The pcap records of a capture, with the global header apart (Ethernet, little-endian µs, as tls12.pcap is). */
function records(path: string): { header: Buffer; packets: Buffer[] } {
  const src = readFileSync(path);
  assert.equal(src.readUInt32LE(0), 0xa1b2c3d4);
  assert.equal(src.readUInt32LE(20), 1, 'Ethernet');
  const packets: Buffer[] = [];
  for (let off = 24; off + 16 <= src.length; ) {
    const caplen = src.readUInt32LE(off + 8);
    packets.push(src.subarray(off, off + 16 + caplen));
    off += 16 + caplen;
  }
  return { header: src.subarray(0, 24), packets };
}

/** TCP flags of a record (Ethernet + IPv4). */
function tcpFlags(rec: Buffer): number {
  const ip = 16 + 14;
  return rec[ip + (rec[ip]! & 0x0f) * 4 + 13]!;
}

test('from a pipe still open: a connection prints when it ends, without waiting for the end of the input', async () => {
  const { header, packets } = records(join(ROOT, 'captures/tls12.pcap'));
  const p = start(CLI, ['replay', '--json', '-'], { stdin: 'pipe' });
  // tls12.pcap closes with FIN, FIN, ACK: the last ACK ends the connection.
  p.child.stdin!.write(Buffer.concat([header, ...packets]));
  await waitFor('the connection on stdout', () => p.out().includes('\n'));
  assert.equal(p.child.exitCode, null, 'the input is still open');
  const [c] = jsonLines(p.out());
  assert.equal(c?.version?.name, 'TLS 1.2');
  assert.equal(c?.endTime, jsonLines((await fileRun('tls12.pcap', true)).out)[0]?.endTime, 'the whole connection, to its last packet');
  p.child.stdin!.end();
  const r = await p.done;
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 1, 'printed once');
});

/** A copy of a record with the client's port 50764 (tls12.pcap's) replaced. */
function withClientPort(rec: Buffer, port: number): Buffer {
  const copy = Buffer.from(rec);
  const tcp = 16 + 14 + (copy[16 + 14]! & 0x0f) * 4;
  for (const at of [tcp, tcp + 2]) if (copy.readUInt16BE(at) === 50764) copy.writeUInt16BE(port, at);
  return copy;
}

test('from a pipe still open: a decided handshake on a connection that stays open prints once, ~LIVE_REPORT_DELAY_MS later; Ctrl-C then ends the input with the closing line, exit 0', async () => {
  const { header, packets } = records(join(ROOT, 'captures/tls12.pcap'));
  const firstFin = packets.findIndex((r) => (tcpFlags(r) & 0x01) !== 0);
  assert.ok(firstFin > 10, 'tls12.pcap ends with FINs after its handshake');
  const p = start(CLI, ['replay', '-'], { stdin: 'pipe' });
  // First a whole connection, to know the reader is up and decoding.
  p.child.stdin!.write(Buffer.concat([header, ...packets]));
  await waitFor('the first connection on stdout', () => /^#1 /m.test(p.out()));
  // Then the same handshake from another port, without its FINs: decided, and open.
  const sent = performance.now();
  p.child.stdin!.write(Buffer.concat(packets.slice(0, firstFin).map((r) => withClientPort(r, 50765))));
  await waitFor('the decided connection on stdout', () => /^#2 /m.test(p.out()));
  const waited = performance.now() - sent;
  assert.ok(waited >= 450 && waited < 5000, `printed ${waited.toFixed(0)} ms after its packets were sent: after the delay, not at the end`);
  assert.match(p.out(), /^#2 {2}127\.0\.0\.1:50765 → 127\.0\.0\.1:39205 {2}TLS 1\.2 {2}TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384(?: {2}|\n {4})handshake complete$/m);
  assert.doesNotMatch(p.out(), /connections?: /, 'no closing line while the input is open');
  await sleep(300);
  assert.equal(p.child.exitCode, null, 'still reading');
  // Ctrl-C: the input ends (the writer here does not end it), the open connection is closed as at
  // the end of a capture, and the closing line comes; nothing is printed a second time.
  const stopped = performance.now();
  p.child.kill('SIGINT');
  const r = await p.done;
  assert.ok(performance.now() - stopped < 5000, 'stopped within the grace period');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.signal, null);
  assert.equal(r.out.match(/^#\d+ /gm)?.join(','), '#1 ,#2 ', 'each printed once');
  assert.match(r.out, /^2 connections: 2 TLS \(2 complete, 0 failed\), 0 not TLS$/m);
});

// ---------------------------------------------------------------------------------------------
// tcpdump -U -w - | tlspeek replay -, with real handshakes

const canLive = hasCommand('tcpdump') && hasCommand('openssl') && process.getuid?.() === 0;

test(
  'live: tcpdump -i lo -U -w - | tlspeek replay - reports each real handshake while tcpdump still runs',
  { skip: canLive ? false : 'needs tcpdump, openssl and root (capturing on lo)', timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmp, 'live-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const port = await freePort();
    let server: SServer | undefined;
    const clients: Proc[] = [];
    const pidFile = join(dir, 'tcpdump.pid');
    const tcpdumpErr = join(dir, 'tcpdump.err');
    // A real pipe between tcpdump and the CLI, as a user's shell makes it. Each runs under
    // `timeout`, which puts it in a process group of its own and passes a SIGTERM on; tcpdump's
    // `timeout` pid is written so that the test stops it and nothing else. Once tcpdump is gone the
    // CLI reads the end of its input and exits.
    const pipeline = start(
      'bash',
      ['-c', `{ timeout -k 5 90 tcpdump -i lo -s 0 -U --immediate-mode -n -w - 'tcp port ${port}' 2>${JSON.stringify(tcpdumpErr)} & echo $! > ${JSON.stringify(pidFile)}; wait; } ` +
        `| timeout -k 5 100 "$TLSPEEK" replay --json -`],
      { deadlineMs: 110_000, group: true },
    );
    const tcpdumpRunning = (): boolean => {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      server = await startSServer({ port, args: ['-cert', join(dir, 'cert.pem'), '-key', join(dir, 'key.pem')], maxSeconds: 90 });
      await waitFor('tcpdump listening', () => existsSync(tcpdumpErr) && readFileSync(tcpdumpErr, 'utf8').includes('listening on'));
      await sleep(200);
      const client = (sni: string, version: string, keepOpen: boolean): Proc => {
        const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', sni, version, '-quiet'];
        const p = start('timeout', ['30', 'openssl', ...args, ...(keepOpen ? [] : ['-ign_eof'])], { stdin: 'pipe', deadlineMs: 35_000 });
        clients.push(p);
        if (!keepOpen) p.child.stdin!.end('GET /index.txt HTTP/1.0\r\nHost: localhost\r\n\r\n');
        return p;
      };
      const seen = (): Connection[] => jsonLines(pipeline.out().slice(0, pipeline.out().lastIndexOf('\n') + 1));

      // Two handshakes that end (the -WWW server closes after its answer): each printed at its end.
      const one = await client('one.example', '-tls1_2', false).done;
      assert.equal(one.code, 0, one.err);
      await waitFor('connection 1 on stdout', () => seen().length >= 1);
      assert.ok(tcpdumpRunning(), 'tcpdump still running');
      const two = await client('two.example', '-tls1_3', false).done;
      assert.equal(two.code, 0, two.err);
      await waitFor('connection 2 on stdout', () => seen().length >= 2);
      assert.ok(tcpdumpRunning(), 'tcpdump still running');

      // One that stays open (no request, stdin not closed): printed once its handshake is decided.
      const three = client('three.example', '-tls1_3', true);
      await waitFor('connection 3 on stdout', () => seen().length >= 3);
      assert.equal(three.child.exitCode, null, 'the third connection is still open');
      assert.ok(tcpdumpRunning(), 'tcpdump still running');

      const got = seen();
      assert.deepEqual(
        got.map((c) => [c.id, c.version?.name, c.clientHello?.serverName, c.complete, c.server]),
        [
          [1, 'TLS 1.2', 'one.example', true, `127.0.0.1:${port}`],
          [2, 'TLS 1.3', 'two.example', true, `127.0.0.1:${port}`],
          [3, 'TLS 1.3', 'three.example', true, `127.0.0.1:${port}`],
        ],
      );
      assert.ok(got.every((c) => c.source === 'replay' && c.file === '-' && c.midstream === undefined));
      // The TLS 1.2 one that ended was printed whole: the server's (encrypted) close_notify is in it.
      assert.ok(got[0]!.alerts.some((a) => a.from === 'server' && a.encrypted), "#1: the server's alert at the end");

      // s_client -quiet ignores the end of its input: stopped, its socket is closed by the kernel.
      three.child.kill('SIGTERM');
      await three.done;
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
      const r = await pipeline.done;
      assert.equal(r.code, 0, r.err);
      assert.equal(r.err, '');
      assert.deepEqual(jsonLines(r.out).map((c) => c.id), [1, 2, 3], 'nothing printed twice');
    } finally {
      for (const c of clients) c.child.kill('SIGKILL');
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
        } catch {
          // gone already
        }
      }
      killGroup(pipeline.child);
      await server?.stop();
    }
  },
);
