// npm run bench:proxy — tlspeek proxy against other relays, on loopback, same TLS backend.
//
// Relays: none (direct), a bare Node `socket.pipe` relay (below), socat and haproxy when
// installed, and tlspeek proxy (this checkout, compiled: bin/tlspeek), also with its live page on
// and a page connected (--ui). Each relay and the backend run
// as their own processes; the clients run here. Measured per relay:
//   bulk      MB/s down and up through one established TLS connection (best of 3 × 128 MiB)
//   hs/s      TLS handshakes per second with 50 concurrent clients (5 s)
//   latency   handshake time p50/p99 over 300 sequential handshakes, and what it adds to direct
//   idle      memory of the relay process(es) with 1,000 idle TLS connections: total and per connection
//             (PSS summed over the relay's process tree, so socat's fork-per-connection is counted fairly)
//   CPU       the relay's own CPU seconds (user + system, its process tree) per GiB relayed in bulk
// Everything binds 127.0.0.1; every process started here is killed at the end.
// Knobs: BENCH_RELAYS, BENCH_PARTS (see main), BENCH_MIB, BENCH_REVERSE=1 (relays in reverse order),
// BENCH_CPU_SPLIT=1 (user/system time per process), BENCH_NO_BUILD=1 (use dist/ as it is),
// BENCH_TLSPEEK_NODE_ARGS (extra node flags for the proxy, e.g. --cpu-prof).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../src/report/table.js';
import { makeStyle, useColor } from '../src/report/style.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tlspeek-bench-'));
const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function cleanup(): void {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port}`);
}

function start(cmd: string, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const c = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env });
  children.add(c);
  let err = '';
  c.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  c.once('exit', (code, sig) => {
    children.delete(c);
    if (code && sig === null) log(`${what} exited ${code}: ${err.trim()}`);
  });
  return c;
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const done = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 4000);
  await done;
  clearTimeout(t);
}

// ---- memory of a process tree (PSS, kB) -------------------------------------------------------

function descendants(pid: number): number[] {
  const kids = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid)!.push(Number(e));
    } catch {
      // gone
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out;
}

function treeKb(pid: number, field: 'Pss' | 'Rss'): number {
  let kb = 0;
  for (const p of descendants(pid)) {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
function treeCpuSeconds(pid: number): number {
  if (process.env.BENCH_CPU_SPLIT) {
    for (const p of descendants(pid)) {
      try {
        const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
        log(`pid ${p}: utime ${Number(f[11]) / 100} s, stime ${Number(f[12]) / 100} s`);
      } catch {
        // gone
      }
    }
  }
  let ticks = 0;
  for (const p of descendants(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch {
      // gone
    }
  }
  return ticks / 100; // USER_HZ
}

// ---- backend: a Node TLS server in its own process ---------------------------------------------
// Protocol after the handshake: 'D' + u32 MiB → the server sends that many MiB;
// 'U' + u32 MiB → the server reads that many MiB and answers 'k'. Anything else: idle.
const BACKEND = `
const tls = require('node:tls'); const fs = require('node:fs');
const [port, cert, key] = process.argv.slice(1);
const block = Buffer.alloc(1 << 20, 0x5a);
tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => {
  s.on('error', () => {});
  let mode = null, left = 0;
  s.on('data', (d) => {
    if (mode === 'U') { left -= d.length; if (left <= 0) { mode = null; s.write('k'); } return; }
    if (d[0] === 0x44) {
      let n = d.readUInt32BE(1);
      const pump = () => { while (n > 0) { n--; if (!s.write(block)) return void s.once('drain', pump); } };
      pump();
    } else if (d[0] === 0x55) { mode = 'U'; left = (d.readUInt32BE(1) << 20) - (d.length - 5); if (left <= 0) { mode = null; s.write('k'); } }
  });
}).listen(Number(port), '127.0.0.1');
`;

const PIPE_RELAY = `
const net = require('node:net');
const [listen, backend] = process.argv.slice(1).map(Number);
net.createServer((c) => {
  const b = net.connect(backend, '127.0.0.1');
  c.pipe(b); b.pipe(c);
  c.on('error', () => b.destroy()); b.on('error', () => c.destroy());
}).listen(listen, '127.0.0.1');
`;

// The bare relay again, but reading one byte per 16 KiB of what it relays, as any relay that finds
// TLS record headers must. On this kind of machine (a Firecracker VM with paravirtual memory) the
// first user-space read of each freshly received page is a page fault that costs real CPU, which
// plain forwarding never pays; this row separates that from tlspeek's own work.
const TOUCH_RELAY = PIPE_RELAY.replace('c.pipe(b); b.pipe(c);', `c.pipe(b); b.pipe(c);
  let sum = 0;
  const touch = (d) => { for (let i = 0; i < d.length; i += 16384) sum += d[i]; };
  c.on('data', touch); b.on('data', touch);`);

interface Relay {
  name: string;
  start(listen: number, backend: number): Promise<ChildProcess>;
}

const relays: Relay[] = [
  { name: 'direct', start: async () => undefined as unknown as ChildProcess },
  {
    name: 'node pipe',
    start: async (listen, backend) => start(process.execPath, ['-e', PIPE_RELAY, String(listen), String(backend)], 'node pipe relay'),
  },
  {
    name: 'node pipe + reads',
    start: async (listen, backend) => start(process.execPath, ['-e', TOUCH_RELAY, String(listen), String(backend)], 'node pipe relay that reads'),
  },
];
if (has('socat')) {
  relays.push({
    name: 'socat',
    start: async (listen, backend) => start('socat', [`TCP-LISTEN:${listen},bind=127.0.0.1,reuseaddr,fork,backlog=1024`, `TCP:127.0.0.1:${backend}`], 'socat'),
  });
} else log('socat not installed: skipped');
if (has('haproxy')) {
  relays.push({
    name: 'haproxy',
    start: async (listen, backend) => {
      const cfg = join(work, 'haproxy.cfg');
      writeFileSync(
        cfg,
        `global\n  maxconn 8192\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\nfrontend f\n  bind 127.0.0.1:${listen}\n  default_backend b\nbackend b\n  server s 127.0.0.1:${backend}\n`,
      );
      return start('haproxy', ['-db', '-f', cfg], 'haproxy');
    },
  });
} else log('haproxy not installed: skipped');
/** tlspeek proxy, the compiled CLI as users run it (bin/tlspeek → dist/, with the shebang's node flags). */
function startTlspeek(listen: number, backend: number, extra: string[] = []): ChildProcess {
  return start(
    process.execPath,
    [
      '--max-semi-space-size=8',
      '--min-semi-space-size=8',
      // e.g. BENCH_TLSPEEK_NODE_ARGS=--cpu-prof to profile the proxy during the run.
      ...(process.env.BENCH_TLSPEEK_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      join(ROOT, 'bin/tlspeek'),
      'proxy',
      '--listen',
      String(listen),
      '--backend',
      `127.0.0.1:${backend}`,
      '--json',
      '--max-connections',
      '4096',
      ...extra,
    ],
    'tlspeek proxy',
    // BENCH_TLSPEEK_ENV="A=1 B=2": extra environment for the proxy (e.g. malloc tunables).
    { ...process.env, ...Object.fromEntries((process.env.BENCH_TLSPEEK_ENV ?? '').split(' ').filter(Boolean).map((kv) => kv.split('='))) },
  );
}

/**
 * A live page connected to --ui for the whole run: its event stream (what the page's EventSource
 * reads), read as fast as it comes. Ends with the proxy.
 */
async function connectPage(uiPort: number, child: ChildProcess): Promise<void> {
  await waitPort(uiPort, child, 'tlspeek --ui');
  const s = net.connect(uiPort, '127.0.0.1', () => s.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${uiPort}\r\nAccept: text/event-stream\r\n\r\n`));
  s.on('data', () => {});
  s.on('error', () => {});
  child.once('exit', () => s.destroy());
}

relays.push({ name: 'tlspeek proxy', start: async (listen, backend) => startTlspeek(listen, backend) });
relays.push({
  name: 'tlspeek proxy --ui',
  // The live page on, and a page reading its event stream, during every measurement.
  start: async (listen, backend) => {
    const ui = await freePort();
    const child = startTlspeek(listen, backend, ['--ui', String(ui)]);
    await connectPage(ui, child);
    return child;
  },
});

// ---- client side measurements ------------------------------------------------------------------

function connectTls(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

async function bulk(port: number, mib: number): Promise<{ down: number; up: number }> {
  const s = await connectTls(port);
  s.setNoDelay(true);
  const cmd = (c: string) => {
    const b = Buffer.alloc(5);
    b.write(c, 0);
    b.writeUInt32BE(mib, 1);
    return b;
  };
  // Download.
  let t = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    const on = (d: Buffer) => {
      got += d.length;
      if (got >= mib << 20) {
        s.off('data', on);
        resolve();
      }
    };
    s.on('data', on);
    s.write(cmd('D'));
  });
  const down = mib / ((performance.now() - t) / 1000);
  // Upload.
  t = performance.now();
  const block = Buffer.alloc(1 << 20, 0x33);
  await new Promise<void>((resolve) => {
    s.once('data', () => resolve());
    s.write(cmd('U'));
    let n = mib;
    const pump = () => {
      while (n > 0) {
        n--;
        if (!s.write(block)) return void s.once('drain', pump);
      }
    };
    pump();
  });
  const up = mib / ((performance.now() - t) / 1000);
  s.destroy();
  return { down, up };
}

async function handshakesPerSecond(port: number, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  let failed = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const s = await connectTls(port);
        s.destroy();
        done++;
      } catch {
        failed++;
      }
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failed) log(`${failed} handshakes failed`);
  return done / ((performance.now() - t) / 1000);
}

async function latencies(port: number, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const s = await connectTls(port);
    out.push(performance.now() - t);
    s.destroy();
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function idle(port: number, pid: number | undefined, n: number): Promise<{ totalMb: number; perConnKb: number } | undefined> {
  if (pid === undefined) return undefined;
  await sleep(500);
  const base = treeKb(pid, 'Pss');
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < n; i += 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => connectTls(port)))));
  }
  await sleep(1500);
  const loaded = treeKb(pid, 'Pss');
  for (const s of sockets) s.destroy();
  return { totalMb: loaded / 1024, perConnKb: (loaded - base) / n };
}

interface Row {
  name: string;
  down: number;
  up: number;
  cpuPerGib: number;
  hs: number;
  p50: number;
  p99: number;
  idle?: { totalMb: number; perConnKb: number };
}

async function main(): Promise<void> {
  log('building dist/ (the proxy runs as bin/tlspeek)');
  if (!process.env.BENCH_NO_BUILD && spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  const cert = join(work, 'cert.pem');
  const key = join(work, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('openssl req failed');
  const backendPort = await freePort();
  const backend = start(process.execPath, ['-e', BACKEND, String(backendPort), cert, key], 'backend');
  await waitPort(backendPort, backend, 'backend');

  const MIB = Number(process.env.BENCH_MIB ?? 128);
  const rows: Row[] = [];
  // BENCH_RELAYS=direct,node pipe,tlspeek proxy and BENCH_PARTS=bulk,hs,latency,idle narrow a run.
  const only = process.env.BENCH_RELAYS?.split(',');
  const parts = new Set((process.env.BENCH_PARTS ?? 'bulk,hs,latency,idle').split(','));
  // BENCH_REVERSE=1 measures the relays in reverse order (the backend and the client process age during a run).
  const order = process.env.BENCH_REVERSE ? [relays[0]!, ...relays.slice(1).reverse()] : relays;
  for (const relay of order) {
    if (only && !only.includes(relay.name) && !relay.name.startsWith('direct') && !relay.name.startsWith('node pipe')) continue;
    let port = backendPort;
    let child: ChildProcess | undefined;
    if (relay.name !== 'direct') {
      port = await freePort();
      child = await relay.start(port, backendPort);
      await waitPort(port, child, relay.name);
    }
    log(`${relay.name}: bulk`);
    let best = { down: 0, up: 0 };
    const runs = parts.has('bulk') ? 3 : 0;
    const cpu0 = child?.pid ? treeCpuSeconds(child.pid) : 0;
    for (let i = 0; i < runs; i++) {
      const b = await bulk(port, MIB);
      best = { down: Math.max(best.down, b.down), up: Math.max(best.up, b.up) };
    }
    // The relay's own CPU per GiB relayed: on a 2-core machine shared with both TLS ends, every
    // CPU second the relay spends is taken from the client and the server.
    const cpuPerGib = child?.pid && runs > 0 ? (treeCpuSeconds(child.pid) - cpu0) / ((runs * 2 * MIB) / 1024) : 0;
    log(`${relay.name}: handshakes/s`);
    const hs = parts.has('hs') ? await handshakesPerSecond(port, 50, 5000) : 0;
    log(`${relay.name}: latency`);
    const lat = parts.has('latency') ? await latencies(port, 300) : [0];
    log(`${relay.name}: 1,000 idle connections`);
    // On a fresh relay process: memory freed by the bulk and handshake runs would otherwise be
    // reused for the idle connections and hide what they cost.
    let mem: Row['idle'];
    if (parts.has('idle') && child) {
      await stop(child);
      port = await freePort();
      child = await relay.start(port, backendPort);
      await waitPort(port, child, relay.name);
      mem = await idle(port, child.pid, 1000);
    }
    rows.push({ name: relay.name, ...best, cpuPerGib, hs, p50: pct(lat, 50), p99: pct(lat, 99), ...(mem ? { idle: mem } : {}) });
    if (child) await stop(child);
  }
  await stop(backend);

  const direct = rows.find((x) => x.name === 'direct')!;
  const pipe = rows.find((x) => x.name === 'node pipe')!;
  const f = (n: number, d = 0) => n.toFixed(d);
  const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  const table = rows.map((x) => [
    x.name,
    `${f(x.down)} (${ratio(x.down, pipe.down)})`,
    `${f(x.up)} (${ratio(x.up, pipe.up)})`,
    x.name === 'direct' ? '—' : `${f(x.cpuPerGib, 2)} (${ratio(x.cpuPerGib, pipe.cpuPerGib)})`,
    `${f(x.hs)} (${ratio(x.hs, pipe.hs)})`,
    `${f(x.p50, 2)} / ${f(x.p99, 2)}`,
    x.name === 'direct' ? '—' : `${f(x.p50 - direct.p50, 2)} / ${f(x.p99 - direct.p99, 2)}`,
    x.idle && pipe.idle ? `${f(x.idle.totalMb, 1)} MB, ${f(x.idle.perConnKb, 1)} kB/conn (${ratio(x.idle.perConnKb, pipe.idle.perConnKb)})` : '—',
  ]);
  const style = makeStyle(useColor(process.stdout));
  process.stdout.write(
    `${renderTable(
      ['relay', 'bulk down MB/s (vs pipe)', 'bulk up MB/s (vs pipe)', 'relay CPU s/GiB (vs pipe)', 'handshakes/s @50 (vs pipe)', 'handshake p50/p99 ms', 'added p50/p99 ms', '1,000 idle: PSS, per conn (vs pipe)'],
      table,
      { style, width: process.stdout.columns },
    )}\n`,
  );
  process.stdout.write(`${MIB} MiB per bulk run (best of 3); 300 sequential handshakes for latency; ${process.env.BENCH_NOTE ?? ''}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
