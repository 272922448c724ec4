// The relay with plain TCP and Node TLS backends: byte-exact forwarding of 50 MB each way,
// half-close, reset propagation, backpressure with a slow reader, and the faults the proxy
// must survive (backend down, backend closing mid-handshake, connect timeout, client reset,
// a client dribbling one byte per 100 ms, 1,000 concurrent connections, --max-connections,
// idle timeout) without leaking sockets or disturbing other connections.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { Duplex } from 'node:stream';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTcpServer, startEchoServer, startTestProxy, freePort, hasCommand, stopAll, type TcpServer, type TestProxy, connectSocket as connect, collectSocket as collect } from '../helpers/servers.js';
import { getPki, type Pki } from '../helpers/pki.js';
import { readFileSync } from 'node:fs';

const fdCount = () => readdirSync('/proc/self/fd').length;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}


/** 1 MiB of random bytes, sent `mb` times with the block number stamped in, hashing as it goes. */
function sendBulk(s: Socket, mb: number): Promise<string> {
  const block = randomBytes(1 << 20);
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    let i = 0;
    const pump = (): void => {
      while (i < mb) {
        const b = Buffer.from(block);
        b.writeUInt32BE(i, 0);
        b.writeUInt32BE(i, (1 << 20) - 4);
        hash.update(b);
        i++;
        if (!s.write(b)) {
          s.once('drain', pump);
          return;
        }
      }
      s.end(() => resolve(hash.digest('hex')));
    };
    s.once('error', reject);
    pump();
  });
}

function hashAll(s: Socket): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve, reject) => {
    s.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    s.once('end', () => resolve({ hash: hash.digest('hex'), bytes }));
    s.once('error', reject);
  });
}

describe('proxy relay (plain TCP and Node TLS backends)', () => {
  let fdsBefore = 0;
  before(() => {
    fdsBefore = fdCount();
  });
  after(async () => {
    await stopAll();
    // Every socket the tests opened (clients, proxy, backends) is closed again.
    await waitFor('file descriptors back to the start count', () => fdCount() <= fdsBefore + 2, 5000).catch(() => {});
    assert.ok(fdCount() <= fdsBefore + 2, `fds before ${fdsBefore}, after ${fdCount()}`);
  }, { timeout: 60_000 });

  it('forwards 50 MB each way at once, byte-exact (SHA-256 on the far side)', { timeout: 90_000 }, async () => {
    const MB = 50;
    let serverSide: Promise<[string, { hash: string; bytes: number }]> | undefined;
    const backend = await startTcpServer((s) => {
      serverSide = Promise.all([sendBulk(s, MB), hashAll(s)]);
    });
    const proxy = await startTestProxy(backend);
    try {
      const c = await connect(proxy.port);
      const [sentUp, gotDown] = await Promise.all([sendBulk(c, MB), hashAll(c)]);
      const [sentDown, gotUp] = await serverSide!;
      assert.equal(gotUp.bytes, MB << 20);
      assert.equal(gotDown.bytes, MB << 20);
      assert.equal(gotUp.hash, sentUp, 'client → server bytes changed in the proxy');
      assert.equal(gotDown.hash, sentDown, 'server → client bytes changed in the proxy');
      c.destroy();
      await waitFor('proxy idle', () => proxy.handle.active === 0);
      const [r] = proxy.closed;
      assert.equal(r?.tls, false);
      assert.equal(r?.stats.client.bytes, MB << 20);
      assert.equal(r?.stats.server.bytes, MB << 20);
    } finally {
      await proxy.stop();
      await backend.stop();
    }
  });

  it('passes a half-close on: the server still answers after the client sent FIN', { timeout: 30_000 }, async () => {
    const backend = await startTcpServer((s) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => {
        // The client's FIN arrived; answer afterwards, in pieces, then FIN.
        s.write('you said: ');
        setTimeout(() => s.end(Buffer.concat(parts)), 50);
      });
    });
    const proxy = await startTestProxy(backend);
    try {
      const c = await connect(proxy.port);
      const got = collect(c);
      c.end('hello half-close');
      const r = await got;
      assert.equal(r.error, undefined);
      assert.equal(r.data.toString(), 'you said: hello half-close');
    } finally {
      await proxy.stop();
      await backend.stop();
    }
  });

  it('passes resets on in both directions', { timeout: 30_000 }, async () => {
    const serverEvents: string[] = [];
    let serverSocket: Socket | undefined;
    const backend = await startTcpServer((s) => {
      serverSocket = s;
      s.on('error', (e: NodeJS.ErrnoException) => serverEvents.push(e.code ?? 'error'));
      s.on('data', () => {});
    });
    const proxy = await startTestProxy(backend);
    try {
      // Client resets mid-stream → the backend sees a reset, not a clean FIN.
      const c1 = await connect(proxy.port);
      c1.write('some bytes');
      await waitFor('backend connection', () => serverSocket !== undefined);
      await sleep(50);
      const s1 = serverSocket!;
      const s1closed = new Promise<void>((r) => s1.once('close', () => r()));
      c1.resetAndDestroy();
      await s1closed;
      assert.deepEqual(serverEvents, ['ECONNRESET']);

      // Backend resets → the client sees ECONNRESET.
      serverSocket = undefined;
      const c2 = await connect(proxy.port);
      const got = collect(c2);
      c2.write('x');
      await waitFor('backend connection', () => serverSocket !== undefined);
      serverSocket!.resetAndDestroy();
      const r = await got;
      assert.equal(r.error, 'ECONNRESET');
      await waitFor('proxy idle', () => proxy.handle.active === 0);
    } finally {
      await proxy.stop();
      await backend.stop();
    }
  });

  it('keeps memory bounded when the client reads slowly (backpressure reaches the backend)', { timeout: 30_000 }, async () => {
    let sent = 0;
    let backendSocket: Socket | undefined;
    const chunk = Buffer.alloc(1 << 16, 0x61);
    const backend = await startTcpServer((s) => {
      backendSocket = s;
      const pump = (): void => {
        while (!s.destroyed && sent < 512 << 20) {
          sent += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const proxy = await startTestProxy(backend);
    try {
      const base = process.memoryUsage().arrayBuffers;
      const c = await connect(proxy.port);
      c.pause();
      let read = 0;
      let peak = 0;
      // Read 64 KiB every 20 ms (about 3 MB/s) for 2.5 s.
      for (let i = 0; i < 125; i++) {
        await sleep(20);
        let b: Buffer | null;
        let n = 0;
        while (n < 1 << 16 && (b = c.read() as Buffer | null) !== null) n += b.length;
        read += n;
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
      }
      // What the backend managed to write beyond what the client read sits in kernel socket
      // buffers and at most a high-water mark per socket: a few MB, not the 512 MB it wanted to send.
      assert.ok(sent - read < 48 << 20, `backend got ${sent >> 20} MB out while the client read ${read >> 20} MB`);
      assert.ok(peak < 48 << 20, `buffers grew by ${peak >> 20} MB`);
      c.destroy();
      backendSocket?.destroy();
      await waitFor('proxy idle', () => proxy.handle.active === 0);
    } finally {
      await proxy.stop();
      await backend.stop();
    }
  });

  it('backend down: the client is closed, one line names the backend, the proxy keeps serving', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const proxy = await startTestProxy({ host: '127.0.0.1', port });
    try {
      const c = await connect(proxy.port);
      const r = await collect(c);
      assert.equal(r.data.length, 0);
      assert.match(
        proxy.stderr(),
        new RegExp(`^tlspeek: backend 127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED\\) for client 127\\.0\\.0\\.1:\\d+\\n$`),
      );
      // The backend comes up on that port: the same proxy now relays.
      const late = await new Promise<net.Server>((resolve) => {
        const srv = net.createServer((s) => s.pipe(s));
        srv.listen(port, '127.0.0.1', () => resolve(srv));
      });
      try {
        const c2 = await connect(proxy.port);
        const got = collect(c2);
        c2.end('still serving');
        assert.equal((await got).data.toString(), 'still serving');
      } finally {
        await new Promise<void>((r) => late.close(() => r()));
      }
      assert.equal(proxy.printed.length, 1, 'only the echoed connection carried bytes');
      assert.equal(proxy.handle.summary.backendFailed, 1);
    } finally {
      await proxy.stop();
    }
  });

  it('backend that never accepts: --connect-timeout closes the client with a line', { timeout: 30_000, skip: !hasCommand('python3') && 'python3 not installed' }, async () => {
    // A listener with backlog 0 that never accepts: once its queue is full, SYNs are dropped.
    const py: ChildProcess = spawn('timeout', ['20', 'python3', '-c', "import socket,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(20)"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const fillers = [net.connect(port, '127.0.0.1'), net.connect(port, '127.0.0.1')];
    for (const f of fillers) f.on('error', () => {});
    await sleep(100);
    const proxy = await startTestProxy({ host: '127.0.0.1', port }, { connectTimeoutMs: 300 });
    try {
      const t = Date.now();
      const c = await connect(proxy.port);
      const r = await collect(c);
      assert.equal(r.data.length, 0);
      assert.ok(Date.now() - t < 3000);
      assert.match(proxy.stderr(), new RegExp(`backend 127\\.0\\.0\\.1:${port} did not answer within 300 ms \\(connect timeout\\) for client`));
    } finally {
      await proxy.stop();
      for (const f of fillers) f.destroy();
      py.kill();
    }
  });

  describe('faults around a TLS backend', () => {
    let pki: Pki;
    let tlsBackend: tls.Server;
    let tlsPort = 0;
    const tlsSockets = new Set<Socket>();
    let faulty: TcpServer;
    let echo: TcpServer;
    before(async () => {
      pki = await getPki();
      tlsBackend = tls.createServer({
        key: readFileSync(pki.serverRsa.key),
        cert: readFileSync(pki.serverRsaFullchain),
      }, (s) => s.pipe(s));
      tlsBackend.on('connection', (s: Socket) => {
        tlsSockets.add(s);
        s.on('close', () => tlsSockets.delete(s));
      });
      await new Promise<void>((r) => tlsBackend.listen(0, '127.0.0.1', () => r()));
      tlsPort = (tlsBackend.address() as net.AddressInfo).port;
      // Reads the ClientHello, answers with the first 5 bytes of a ServerHello record, then closes (FIN) or resets.
      // Plain (non-TLS) connections are echoed.
      let handshakes = 0;
      faulty = await startTcpServer((s) => {
        s.once('data', (d: Buffer) => {
          if (d[0] !== 0x16) {
            s.write(d);
            s.pipe(s);
            return;
          }
          const reset = handshakes++ % 2 === 1;
          s.write(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x40]));
          setTimeout(() => (reset ? s.resetAndDestroy() : s.end()), 20);
        });
      });
      echo = await startEchoServer();
    }, { timeout: 60_000 });
    after(async () => {
      for (const s of tlsSockets) s.destroy();
      await new Promise<void>((r) => tlsBackend.close(() => r()));
      await faulty.stop();
      await echo.stop();
    }, { timeout: 60_000 });

    const tlsConnect = (port: number, o: tls.ConnectionOptions = {}) =>
      tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(pki.caChain), ...o });

    it('backend closing mid-handshake: the client gets an error, the handshake is reported incomplete, other connections go on', { timeout: 30_000 }, async () => {
      const proxy = await startTestProxy({ host: '127.0.0.1', port: faulty.port });
      try {
        // A long-lived plain connection through the same proxy, checked before and after.
        const other = await connect(proxy.port);
        other.setNoDelay(true);
        const echoed: Buffer[] = [];
        other.on('data', (d: Buffer) => echoed.push(d));
        other.write('before');
        const errors: string[] = [];
        for (let i = 0; i < 6; i++) {
          await new Promise<void>((resolve) => {
            const c = tlsConnect(proxy.port);
            c.on('error', (e: NodeJS.ErrnoException) => {
              errors.push(e.code ?? e.message);
              resolve();
            });
            c.on('secureConnect', () => assert.fail('handshake must not complete'));
          });
        }
        assert.equal(errors.length, 6);
        other.write('after');
        await waitFor('echo', () => Buffer.concat(echoed).toString() === 'beforeafter');
        other.destroy();
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        const tlsReports = proxy.printed.filter((c) => c.tls);
        assert.equal(tlsReports.length, 6);
        for (const c of tlsReports) {
          assert.equal(c.complete, false);
          assert.ok(c.clientHello, 'the ClientHello was decoded');
          assert.ok(c.errors.some((e) => /stream ended inside/.test(e.message)), JSON.stringify(c.errors));
        }
      } finally {
        await proxy.stop();
      }
    });

    it('a client sending one byte per 100 ms: forwarded at once, decoded the same', { timeout: 30_000 }, async () => {
      const proxy = await startTestProxy({ host: '127.0.0.1', port: tlsPort });
      try {
        const raw = await connect(proxy.port);
        raw.setNoDelay(true);
        // A transport for tls.connect whose first 30 bytes go out one at a time, 100 ms apart.
        let dribble = 30;
        const transport = new Duplex({
          read() {},
          write(chunk: Buffer, _enc, cb) {
            void (async () => {
              let i = 0;
              while (dribble > 0 && i < chunk.length) {
                raw.write(chunk.subarray(i, i + 1));
                dribble--;
                i++;
                await sleep(100);
              }
              if (i < chunk.length) raw.write(chunk.subarray(i));
              cb();
            })();
          },
          final(cb) {
            raw.end();
            cb();
          },
        });
        raw.on('data', (d: Buffer) => transport.push(d));
        raw.on('end', () => transport.push(null));
        const c = tlsConnect(0, { socket: transport });
        await new Promise<void>((resolve, reject) => {
          c.once('secureConnect', () => resolve());
          c.once('error', reject);
        });
        const got = new Promise<string>((r) => c.once('data', (d: Buffer) => r(d.toString())));
        c.write('ping');
        assert.equal(await got, 'ping');
        c.destroy();
        raw.destroy();
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        const [r] = proxy.printed;
        assert.equal(r?.complete, true);
        assert.equal(r?.clientHello?.serverName, 'localhost');
        assert.equal(r?.errors.length, 0);
      } finally {
        await proxy.stop();
      }
    });

    it('1,000 concurrent connections: all relayed, none lost, all closed afterwards', { timeout: 30_000 }, async () => {
      const proxy = await startTestProxy({ host: '127.0.0.1', port: echo.port });
      const fds = fdCount();
      try {
        const N = 1000;
        const sockets: Socket[] = [];
        for (let i = 0; i < N; i++) sockets.push(net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true }));
        const results = await Promise.all(
          sockets.map((s, i) => {
            const got = collect(s);
            s.end(`connection ${i} `.repeat(64));
            return got;
          }),
        );
        results.forEach((r, i) => {
          assert.equal(r.error, undefined, `connection ${i}`);
          assert.equal(r.data.toString(), `connection ${i} `.repeat(64));
        });
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        await waitFor('backend sockets closed', () => echo.sockets.size === 0);
        assert.equal(proxy.closed.length, N);
        await waitFor('fds back', () => fdCount() <= fds + 2);
      } finally {
        await proxy.stop();
      }
    });

    it('--max-connections: the excess connection is closed at once with a line, later ones work', { timeout: 30_000 }, async () => {
      const proxy = await startTestProxy({ host: '127.0.0.1', port: echo.port }, { maxConnections: 2 });
      try {
        const a = await connect(proxy.port);
        const b = await connect(proxy.port);
        await waitFor('two open', () => proxy.handle.active === 2);
        const c = await connect(proxy.port);
        const r = await collect(c);
        assert.equal(r.data.length, 0);
        assert.match(proxy.stderr(), /refused client 127\.0\.0\.1:\d+: 2 connections already open \(--max-connections\)/);
        a.destroy();
        await waitFor('one open', () => proxy.handle.active === 1);
        const d = await connect(proxy.port);
        const got = collect(d);
        d.end('room again');
        assert.equal((await got).data.toString(), 'room again');
        b.destroy();
        assert.equal(proxy.handle.summary.refused, 1);
      } finally {
        await proxy.stop();
      }
    });

    it('--idle-timeout closes a silent connection', { timeout: 30_000 }, async () => {
      const proxy = await startTestProxy({ host: '127.0.0.1', port: echo.port }, { idleTimeoutMs: 300, verbose: true });
      try {
        const c = await connect(proxy.port);
        c.write('hi');
        const t = Date.now();
        const r = await collect(c);
        assert.equal(r.data.toString(), 'hi');
        assert.ok(Date.now() - t < 2000);
        await waitFor('closed line', () => /#1 closed .*idle/.test(proxy.stderr()));
      } finally {
        await proxy.stop();
      }
    });

    it('50 MB each way through an established TLS connection (mutual TLS) arrive intact', { timeout: 90_000 }, async () => {
      const srv = tls.createServer({
        key: readFileSync(pki.serverRsa.key),
        cert: readFileSync(pki.serverRsaFullchain),
        ca: readFileSync(pki.caChain),
        requestCert: true,
        rejectUnauthorized: true,
        maxVersion: 'TLSv1.2',
        // Each side ends its upload on its own; without half-open, whichever upload finished first
        // would close the other direction while its 50 MB were still being written.
        allowHalfOpen: true,
      });
      let serverSide: Promise<[string, { hash: string; bytes: number }]> | undefined;
      const serverSockets = new Set<tls.TLSSocket>();
      srv.on('secureConnection', (s) => {
        serverSockets.add(s);
        serverSide = Promise.all([sendBulk(s as unknown as Socket, 50), hashAll(s as unknown as Socket)]);
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
      const proxy = await startTestProxy({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port });
      try {
        // allowHalfOpen is passed on to the TLSSocket by tls.connect, though @types/node does not list it.
        const halfOpen = { allowHalfOpen: true } as tls.ConnectionOptions;
        const c = tlsConnect(proxy.port, { cert: readFileSync(pki.clientRsa.cert), key: readFileSync(pki.clientRsa.key), ...halfOpen });
        await new Promise<void>((resolve, reject) => {
          c.once('secureConnect', () => resolve());
          c.once('error', reject);
        });
        const [up, down] = await Promise.all([sendBulk(c as unknown as Socket, 50), hashAll(c as unknown as Socket)]);
        const [sentDown, gotUp] = await serverSide!;
        assert.equal(gotUp.hash, up);
        assert.equal(down.hash, sentDown);
        assert.equal(down.bytes, 50 << 20);
        c.destroy();
        await waitFor('proxy idle', () => proxy.handle.active === 0);
        const [p] = proxy.printed;
        assert.equal(p?.complete, true);
        assert.equal(p?.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
        const [f] = proxy.closed;
        // Once both sides are encrypted the decoder only counts: every byte after the handshake is in encryptedBytes.
        assert.ok(f!.stats.client.encryptedBytes > 50 << 20);
        assert.ok(f!.stats.server.encryptedBytes > 50 << 20);
      } finally {
        // A failed run must not leave sockets that keep srv.close (and the test process) waiting.
        for (const s of serverSockets) s.destroy();
        await proxy.stop();
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });
  });
});
