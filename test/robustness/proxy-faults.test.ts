// The proxy under faults, bounded in count and time, loopback only: a real TLS backend
// (openssl s_server) while hostile clients reset mid-handshake, send garbage, or dribble a
// ClientHello one byte at a time; 5,000 idle connections; backends that reset, stall, or close
// half-way; 10,000 connections with fd/heap compared before and after. Every byte of every
// connection that was not itself broken arrives byte-exact (SHA-256 at both ends), and the proxy
// answers new connections throughout.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawn, type ChildProcess } from 'node:child_process';
import { startSServer, startTcpServer, startTestProxy, stopAll, type SServer, type TestProxy, connectSocket as connect, collectSocket as collect } from '../helpers/servers.js';
import { getPki } from '../helpers/pki.js';
import { clientHelloBody, handshake, records } from '../helpers/tls-bytes.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const fdCount = () => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');


/** GET /index.txt through the proxy with a real TLS client; resolves with the response body's SHA-256. */
function fetchTls(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    const parts: Buffer[] = [];
    s.on('secureConnect', () => s.write('GET /index.txt HTTP/1.0\r\n\r\n'));
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('error', reject);
    s.on('close', () => {
      const all = Buffer.concat(parts);
      const at = all.indexOf('\r\n\r\n');
      if (at < 0) reject(new Error(`no HTTP response (${all.length} bytes)`));
      else resolve(sha(all.subarray(at + 4)));
    });
    s.setTimeout(20_000, () => s.destroy(new Error('fetch timed out')));
  });
}

/** Sends `bytes` and collects the echo; both SHA-256s. */
async function echoRoundTrip(port: number, bytes: Buffer): Promise<{ sent: string; got: string }> {
  const s = await connect(port);
  const done = collect(s);
  s.end(bytes);
  const r = await done;
  return { sent: sha(bytes), got: sha(r.data) };
}

/** A plain TCP echo backend in a child process (so 5,000 idle connections cost this process only its own two sockets each). */
function startChildEcho(): Promise<{ port: number; child: ChildProcess }> {
  const code = `const net=require('net');const s=net.createServer({allowHalfOpen:true},c=>{c.on('error',()=>{});c.pipe(c)});s.maxConnections=20000;s.listen(0,'127.0.0.1',511,()=>console.log(s.address().port));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (b: Buffer) => resolve({ port: Number(b.toString().trim()), child }));
    child.once('error', reject);
  });
}

describe('proxy under faults (real TLS backend)', { timeout: 180_000 }, () => {
  let server: SServer;
  let proxy: TestProxy;
  const body = randomBytes(256 * 1024);
  const bodyHash = sha(body);

  before(async () => {
    const pki = await getPki();
    server = await startSServer({ args: ['-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key], body, maxSeconds: 170 });
    proxy = await startTestProxy({ host: server.host, port: server.port }, { maxConnections: 200 });
  });
  after(async () => {
    await proxy?.stop();
    await stopAll();
  });

  it('hostile clients (reset mid-handshake, garbage, a ClientHello one byte at a time) do not disturb real TLS clients', async () => {
    const hello = Buffer.from(records(22, handshake(1, clientHelloBody()), 16384));
    const hostile = async (kind: number): Promise<void> => {
      const s = await connect(proxy.port);
      s.on('error', () => {});
      if (kind === 0) {
        s.write(hello.subarray(0, 20));
        await sleep(20);
        s.resetAndDestroy();
      } else if (kind === 1) {
        s.write(randomBytes(16 * 1024));
        await sleep(50);
        s.destroy();
      } else {
        for (const b of hello) {
          s.write(Buffer.of(b));
          await sleep(1);
        }
        await sleep(50);
        s.destroy();
      }
    };
    const hostiles = Array.from({ length: 30 }, (_, i) => hostile(i % 3));
    // s_server answers one connection at a time: real clients go in sequence, between the hostile ones.
    for (let i = 0; i < 8; i++) assert.equal(await fetchTls(proxy.port), bodyHash, `real client ${i}: response byte-exact`);
    await Promise.all(hostiles);
    assert.equal(await fetchTls(proxy.port), bodyHash, 'the proxy still answers after the hostile clients');
    const json = proxy.stdout();
    assert.doesNotMatch(json, new RegExp(body.subarray(0, 12).toString('hex')), 'no application bytes in the output');
  });
});

describe('proxy under faults (TCP backends)', { timeout: 300_000 }, () => {
  after(async () => {
    await stopAll();
  });

  it('a backend that resets, stalls, or closes half-way: the client sees exactly what the backend sent, memory stays bounded', async () => {
    const half = randomBytes(300_000);
    const resetBackend = await startTcpServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.resetAndDestroy());
    });
    const held: Socket[] = [];
    const stallBackend = await startTcpServer((s) => {
      held.push(s);
      s.on('error', () => {});
      s.pause(); // never reads: the proxy must stop reading the client (backpressure), not buffer it
    });
    const halfBackend = await startTcpServer((s) => {
      s.on('error', () => {});
      s.end(half); // half a response, then FIN
    });
    const pReset = await startTestProxy({ host: '127.0.0.1', port: resetBackend.port });
    const pStall = await startTestProxy({ host: '127.0.0.1', port: stallBackend.port });
    const pHalf = await startTestProxy({ host: '127.0.0.1', port: halfBackend.port });
    try {
      const c1 = await connect(pReset.port);
      const r1 = collect(c1);
      c1.write(randomBytes(1000));
      assert.equal((await r1).error, 'ECONNRESET', 'a backend reset reaches the client as a reset');

      const c3 = await connect(pHalf.port);
      const r3 = collect(c3);
      const got = await r3;
      assert.equal(sha(got.data), sha(half), 'half a response arrives byte-exact, then FIN');

      gc();
      const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const c2 = await connect(pStall.port);
      c2.on('error', () => {});
      let written = 0;
      const chunk = Buffer.alloc(64 * 1024);
      const start = Date.now();
      while (Date.now() - start < 3000 && written < 64 << 20) {
        if (!c2.write(chunk)) await sleep(100);
        written += chunk.length;
      }
      gc();
      const grown = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
      console.log(`# stalled backend: client queued ${written >> 20} MiB in 3 s; proxy process grew ${(grown / 1048576).toFixed(1)} MiB`);
      assert.ok(grown < 32 << 20, `the proxy buffers what a stalled backend does not read: grew ${grown} bytes`);
      c2.destroy();
      assert.ok(pStall.handle.active <= 1);
    } finally {
      // A paused socket never sees its peer's FIN: close it, or the server never finishes closing.
      for (const s of held) s.destroy();
      await pReset.stop();
      await pStall.stop();
      await pHalf.stop();
      await Promise.all([resetBackend.stop(), stallBackend.stop(), halfBackend.stop()]);
    }
  });

  it('5,000 idle connections, then 10,000 echo connections: byte-exact, answered throughout, no fd or heap leak', async () => {
    const echo = await startChildEcho();
    const proxy = await startTestProxy({ host: '127.0.0.1', port: echo.port }, { maxConnections: 6000 });
    try {
      // Warm up (JIT, pools) before the baseline.
      for (let i = 0; i < 200; i++) await echoRoundTrip(proxy.port, randomBytes(100));
      await sleep(200);
      gc();
      const fd0 = fdCount();
      const heap0 = process.memoryUsage().heapUsed;

      // 5,000 idle connections: the proxy holds them (two sockets each) and still answers.
      const IDLE = 5000;
      const idle: Socket[] = [];
      for (let i = 0; i < IDLE; i += 250) idle.push(...(await Promise.all(Array.from({ length: Math.min(250, IDLE - i) }, () => connect(proxy.port)))));
      for (const s of idle) s.on('error', () => {});
      const deadline = Date.now() + 30_000;
      while (proxy.handle.active < IDLE && Date.now() < deadline) await sleep(50);
      assert.equal(proxy.handle.active, IDLE, 'every idle connection is held');
      const probe = randomBytes(10_000);
      const r = await echoRoundTrip(proxy.port, probe);
      assert.equal(r.got, r.sent, 'a new connection is answered while 5,000 sit idle');
      for (const s of idle) s.destroy();
      while (proxy.handle.active > 0 && Date.now() < deadline + 30_000) await sleep(50);
      assert.equal(proxy.handle.active, 0);

      // 10,000 connections, 50 at a time, each a byte-exact round trip of 1-8 KiB.
      const N = 10_000;
      let bad = 0;
      for (let i = 0; i < N; i += 50) {
        const rs = await Promise.all(Array.from({ length: 50 }, () => echoRoundTrip(proxy.port, randomBytes(1024 + Math.floor(Math.random() * 7168)))));
        bad += rs.filter((x) => x.got !== x.sent).length;
      }
      assert.equal(bad, 0, 'every round trip byte-exact');
      while (proxy.handle.active > 0) await sleep(20);
      await sleep(300);
      gc();
      const fd1 = fdCount();
      // The test proxy itself keeps every printed JSON line and every final state (test/helpers/servers.ts):
      // that is the harness's memory, not the proxy's. Drop the states, subtract the text.
      const kept = proxy.stdout().length;
      const closedCount = proxy.closed.length;
      proxy.closed.length = 0;
      gc();
      const heap1 = process.memoryUsage().heapUsed - kept;
      console.log(`# after ${IDLE} idle + ${N} echo connections: fds ${fd0} → ${fd1}, heap ${(heap0 / 1048576).toFixed(1)} → ${(heap1 / 1048576).toFixed(1)} MiB (less ${(kept / 1048576).toFixed(1)} MiB of kept output); ${closedCount} connections closed`);
      assert.ok(fd1 <= fd0 + 5, `fd leak: ${fd0} → ${fd1}`);
      // What remains is V8's own growth (code, ICs, pools) plus the harness's ropes: ~1 KiB per connection measured.
      assert.ok(heap1 - heap0 < 32 << 20, `heap grew ${(heap1 - heap0) >> 20} MiB beyond the harness's own ${kept} bytes of output`);
      assert.equal(closedCount, IDLE + N + 1 + 200);
    } finally {
      await proxy.stop();
      echo.child.kill();
      echo.child.stdout!.destroy();
    }
  });
});
