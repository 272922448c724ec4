// `tlspeek proxy` as a process: SIGTERM/SIGINT print the summary table on stderr and exit 0,
// text and --json output, --verbose lines, IPv6 listen (skipped, saying so, without ::1), plain
// HTTP as a not-tls warning, usage errors, bin/tlspeek's proxy child only for good arguments.
// (The non-loopback warning is not exercised here: tests never bind anything but loopback;
// isLoopback has unit tests.)
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { startEchoServer, freePort, type TcpServer } from '../helpers/servers.js';
import { main } from '../../src/cli/main.js';
import { Writable } from 'node:stream';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();

/**
 * An installed tlspeek as `npm ci` makes it (bin/tlspeek next to dist/bundle/tlspeek.js and
 * package.json), bundled from the current source, so the executable under test is never a stale
 * dist/. Made once, on first use.
 */
let installed: string | undefined;
function installedBin(): string {
  if (installed) return installed;
  const dir = mkdtempSync(join(tmpdir(), 'tlspeek-bin-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/tlspeek'), join(dir, 'bin/tlspeek'));
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  execFileSync(process.execPath, ['scripts/bundle.mjs', 'src/cli/main.ts', join(dir, 'dist/bundle/tlspeek.js')], { cwd: ROOT });
  return (installed = join(dir, 'bin/tlspeek'));
}
after(() => {
  if (installed) rmSync(join(installed, '../..'), { recursive: true, force: true });
});
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The "proxying HOST:PORT → …" line appeared: resolves with the bound port. */
  listening: Promise<number>;
  exit: Promise<number | null>;
}

function cli(args: string[], o: { bin?: boolean } = {}): Cli {
  // The signal must reach the proxy itself: a `timeout` wrapper in between forwards it to its
  // whole process group and may die of it, which made the exit status flaky under load.
  // `bin`: the installed executable (bin/tlspeek → dist/), which runs the proxy as its child.
  const child = o.bin
    ? spawn(installedBin(), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    : spawn(
        process.execPath,
        ['--import', 'tsx', '-e', `import(${JSON.stringify(MAIN)}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`, ...args],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
  children.add(child);
  const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.once('exit', () => clearTimeout(deadline));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let resolvePort: (p: number) => void;
  const listening = new Promise<number>((r) => (resolvePort = r));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    const m = /proxying \S+?:(\d+) →/.exec(err);
    if (m) resolvePort(Number(m[1]));
  });
  const exit = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      children.delete(child);
      r(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, listening: Promise.race([listening, exit.then(() => { throw new Error(`exited: ${err}`); })]), exit };
}

function roundTrip(port: number, host: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host });
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.end(text);
  });
}

async function inProcess(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });
  const code = await main(args, { out: sink(() => {}), err: sink((s) => (err += s)) });
  return { code, err };
}

describe('tlspeek proxy (command line)', () => {
  let echo: TcpServer;
  after(async () => echo?.stop());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: stops, prints the summary table on stderr, exits 0`, { timeout: 30_000 }, async () => {
      echo ??= await startEchoServer();
      const p = cli(['proxy', '--listen', '0', '--backend', `127.0.0.1:${echo.port}`, '--verbose']);
      const port = await p.listening;
      assert.equal(await roundTrip(port, '127.0.0.1', 'not tls at all'), 'not tls at all');
      await new Promise((r) => setTimeout(r, 100));
      p.child.kill(signal);
      assert.equal(await p.exit, 0);
      const err = p.stderr();
      assert.match(err, /tlspeek: #1 open 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/);
      assert.match(err, /tlspeek: #1 closed 127\.0\.0\.1:\d+: 14 B up, 14 B down/);
      assert.match(err, /│ proxy summary\s+│ count │/);
      assert.match(err, /│ connections\s+│\s+1 │/);
      assert.match(err, /│\s+not TLS\s+│\s+1 │/);
      // Text output: the connection block.
      assert.match(p.stdout(), /#1 .*not TLS: unknown protocol/);
    });
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`bin/tlspeek proxy: the proxy runs as a child with the malloc tunables; ${signal} to the parent alone stops both, summary, exit 0`, { timeout: 30_000 }, async () => {
      echo ??= await startEchoServer();
      const p = cli(['proxy', '--listen', '0', '--backend', `127.0.0.1:${echo.port}`], { bin: true });
      const port = await p.listening;
      const kids = readFileSync(`/proc/${p.child.pid}/task/${p.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      assert.equal(kids.length, 1, 'one child process');
      const environ = readFileSync(`/proc/${kids[0]}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('MALLOC_TRIM_THRESHOLD_=33554432'), 'trim threshold set for the proxy');
      assert.equal(await roundTrip(port, '127.0.0.1', 'through the child'), 'through the child');
      process.kill(p.child.pid!, signal);
      assert.equal(await p.exit, 0);
      assert.match(p.stderr(), /│ connections\s+│\s+1 │/);
      assert.throws(() => process.kill(kids[0]!, 0), /ESRCH/, 'the proxy process is gone too');
    });
  }

  it('--json on [::1]: JSON Lines on stdout, no table', { timeout: 30_000 }, async (t) => {
    const echo6 = await startEchoServer({ host: '::1' }).catch(() => undefined);
    if (!echo6) {
      t.skip('no IPv6 loopback (::1) on this machine');
      return;
    }
    try {
      const port = await freePort('::1');
      const p = cli(['proxy', '--listen', `[::1]:${port}`, '--backend', `[::1]:${echo6.port}`, '--json']);
      assert.equal(await p.listening, port);
      assert.equal(await roundTrip(port, '::1', 'GET / HTTP/1.0\r\n\r\n'), 'GET / HTTP/1.0\r\n\r\n');
      await new Promise((r) => setTimeout(r, 100));
      p.child.kill('SIGTERM');
      assert.equal(await p.exit, 0);
      const lines = p.stdout().trim().split('\n');
      assert.equal(lines.length, 1);
      const c = JSON.parse(lines[0]!) as { source: string; client: string; server: string; tls: boolean; notTls: string };
      assert.equal(c.source, 'proxy');
      assert.match(c.client, /^\[::1\]:\d+$/);
      assert.equal(c.server, `[::1]:${echo6.port}`);
      assert.equal(c.notTls, 'HTTP request (plain HTTP sent to a TLS port?)');
      assert.doesNotMatch(p.stderr(), /proxy summary/);
      // The backend of a TLS proxy is a TLS server: plain HTTP from the client is a warning.
      const f = (c as unknown as { findings: { id: string; severity: string; detail: string }[] }).findings;
      assert.deepEqual(f.map((x) => `${x.id}:${x.severity}`), ['not-tls:warning']);
      assert.match(f[0]!.detail, /The client speaks plain HTTP to a TLS port/);
    } finally {
      await echo6.stop();
    }
  });

  it('plain HTTP through the proxy: a not-tls warning in the connection block and in the summary, on any backend port', { timeout: 30_000 }, async () => {
    echo ??= await startEchoServer();
    const p = cli(['proxy', '--listen', '0', '--backend', `127.0.0.1:${echo.port}`]);
    const port = await p.listening;
    const request = 'GET / HTTP/1.1\r\nHost: example\r\n\r\n';
    assert.equal(await roundTrip(port, '127.0.0.1', request), request);
    await new Promise((r) => setTimeout(r, 100));
    p.child.kill('SIGTERM');
    assert.equal(await p.exit, 0);
    assert.match(p.stdout(), /#1 .*not TLS: HTTP request/);
    assert.match(p.stdout(), /\n {4}WARNING not-tls: Not TLS\n[^]*The client speaks plain HTTP to a TLS port[^]*\n {8}client: use https:\/\/, not http:\/\//);
    assert.match(p.stderr(), /│ findings: warning\s+│\s+1 │/);
  });

  it('bin/tlspeek: proxy --help, --version and usage errors are answered without a second process', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlspeek-count-'));
    // Every node process started appends its pid: the parent, and the proxy child if one starts.
    const preload = join(dir, 'count.mjs');
    writeFileSync(preload, "import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.TLSPEEK_TEST_PIDS, `${process.pid}\\n`);\n");
    const run = (args: string[]) => {
      const pids = join(dir, `pids-${args.join('_').replace(/[^a-z0-9]/gi, '')}`);
      const r = spawnSync(installedBin(), args, {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, NO_COLOR: '1', TLSPEEK_TEST_PIDS: pids, NODE_OPTIONS: `--import=${preload}`, MALLOC_TRIM_THRESHOLD_: undefined },
      });
      return { code: r.status, out: r.stdout, err: r.stderr, processes: existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').length : 0 };
    };
    try {
      let r = run(['proxy', '--help']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^tlspeek proxy\n/);
      assert.equal(r.processes, 1, 'proxy --help: one process');
      r = run(['proxy', '--version']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^\d+\.\d+\.\d+\n$/);
      assert.equal(r.processes, 1, 'proxy --version: one process');
      r = run(['proxy', '--backend', '127.0.0.1:1', '--idle-timeout', 'soon']);
      assert.equal(r.code, 2);
      assert.match(r.err, /tlspeek: --idle-timeout must be a number of at least 0, got "soon"\n$/);
      assert.equal(r.processes, 1, 'usage error: one process');
      r = run(['proxy']);
      assert.equal(r.code, 2);
      assert.match(r.err, /Missing required argument: backend/);
      assert.equal(r.processes, 1, 'missing --backend: one process');
      // The control: arguments that are good start the proxy child (here it cannot listen: exit 1).
      const busy = net.createServer();
      await new Promise<void>((res) => busy.listen(0, '127.0.0.1', () => res()));
      try {
        r = run(['proxy', '--listen', String((busy.address() as net.AddressInfo).port), '--backend', '127.0.0.1:1']);
        assert.equal(r.code, 1, r.err);
        assert.match(r.err, /cannot listen/);
        assert.equal(r.processes, 2, 'good arguments: the proxy runs as a second process');
      } finally {
        busy.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('usage errors exit 2 with a message; a busy port exits 1', async () => {
    let r = await inProcess(['proxy', '--listen', '8443']);
    assert.equal(r.code, 2);
    assert.match(r.err, /Missing required argument: backend/);
    r = await inProcess(['proxy', '--backend', '::1:443']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--backend: write IPv6 addresses in brackets/);
    r = await inProcess(['proxy', '--backend', 'x:1', '--idle-timeout', '-1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--idle-timeout must be a number of at least 0, got -1/);
    const busy = net.createServer();
    await new Promise<void>((res) => busy.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (busy.address() as net.AddressInfo).port;
      r = await inProcess(['proxy', '--listen', String(port), '--backend', '127.0.0.1:1']);
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`tlspeek: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use \\(EADDRINUSE\\)`));
      // The live page's port busy: the same line, naming --ui, and the proxy's own port let go.
      r = await inProcess(['proxy', '--listen', '0', '--backend', '127.0.0.1:1', '--ui', String(port)]);
      assert.equal(r.code, 1);
      assert.match(r.err, new RegExp(`tlspeek: cannot listen on 127\\.0\\.0\\.1:${port} \\(--ui\\): address already in use \\(EADDRINUSE\\)`));
    } finally {
      busy.close();
    }
  });

  it('--ui and --ui-keep: usage errors exit 2', async () => {
    let r = await inProcess(['proxy', '--backend', '127.0.0.1:1', '--ui', '::1:8081']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--ui: write IPv6 addresses in brackets/);
    r = await inProcess(['proxy', '--backend', '127.0.0.1:1', '--ui', '8081', '--ui-keep', '0']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--ui-keep must be a whole number from 1 to 1000000, got 0/);
  });
});
