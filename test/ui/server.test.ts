// The live page's server without a browser: what it answers and how it guards itself (CSP,
// nosniff, no CORS, read-only, loopback Host names, the access token), its downloads (the JSON
// Lines are the proxy's own lines; the pcap replays to the same handshake and reads in tshark),
// the event stream's catch-up after a reconnect and under a page that stops reading, and the
// bound on connections kept. The browser test is test/e2e/live-page.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { replayFile } from '../../src/app/replay.js';
import { loadKeyLogs } from '../../src/app/keys.js';
import { enrich } from '../../src/app/enrich.js';
import type { Connection } from '../../src/tls/model.js';
import { LiveStore } from '../../src/ui/store.js';
import { needsToken, UiServer } from '../../src/ui/server.js';
import { getPki } from '../helpers/pki.js';
import { collectSocket, connectSocket, hasCommand, runSClient, startEchoServer, startSServer, startTestProxy, stopAll } from '../helpers/servers.js';
import { createHash, randomBytes } from 'node:crypto';

const CAPTURES = fileURLToPath(new URL('../../captures/', import.meta.url));

async function load(file: string): Promise<Connection[]> {
  const conns: Connection[] = [];
  await replayFile(file, {}, { connection: (c) => conns.push(enrich(c)), warning: () => {} });
  return conns.sort((a, b) => a.id - b.id);
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(port: number, path: string, o: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Renumbered copies (the store keys by connection number). */
function numbered(c: Connection, id: number): Connection {
  return { ...c, id };
}

describe('live page server', () => {
  let conns: Connection[];
  let store: LiveStore;
  let ui: UiServer;
  let port: number;

  before(async () => {
    conns = [...(await load(`${CAPTURES}sserver-pss-only.pcap`)), ...(await load(`${CAPTURES}tls13-hrr.pcap`)), ...(await load(`${CAPTURES}fatal-alert.pcap`))].map((c, i) => numbered(c, i + 1));
    store = new LiveStore(10);
    for (const c of conns) store.put(c, true);
    ui = new UiServer(store, { listen: { host: '127.0.0.1', port: 0 }, title: 'test' });
    port = Number(new URL(await ui.listen()).port);
  });
  after(() => ui.close());

  it('serves the list with a strict CSP, nosniff, no framing and no CORS headers', async () => {
    const r = await get(port, '/', { headers: { Origin: 'http://evil.example' } });
    assert.equal(r.status, 200);
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.deepEqual(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), []);
    const html = r.body.toString();
    // No inline script or style: the CSP would refuse them, and the page needs none.
    assert.doesNotMatch(html, /<script>|<style>|\sstyle=|\son[a-z]+=/i);
    assert.equal(html.match(/<tr data-key=/g)?.length, conns.length);
    // Newest first.
    assert.deepEqual([...html.matchAll(/<tr [^>]*data-id="(\d+)"/g)].map((m) => Number(m[1])), conns.map((c) => c.id).reverse());
    for (const asset of ['/app.js', '/style.css']) {
      const a = await get(port, asset);
      assert.equal(a.status, 200, asset);
      assert.equal(a.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('is read-only: anything but GET and HEAD is 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await get(port, '/', { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
    const head = await get(port, '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
  });

  it('answers loopback Host names only (no DNS rebinding)', async () => {
    assert.equal((await get(port, '/', { headers: { Host: `evil.example:${port}` } })).status, 421);
    assert.equal((await get(port, '/', { headers: { Host: 'evil.example' } })).status, 421);
    assert.equal((await get(port, '/', { headers: { Host: `127.0.0.1:${port + 1}` } })).status, 421);
    assert.equal((await get(port, '/', { headers: { Host: `localhost:${port}` } })).status, 200);
    assert.equal((await get(port, '/', { headers: { Host: `[::1]:${port}` } })).status, 200);
  });

  it('a connection page, a diff, downloads; unknown or dropped connections are 404, not less data', async () => {
    const c = conns[0]!;
    const page = await get(port, `/c/${c.id}`);
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /<section class="conn"/);
    assert.match(page.body.toString(), /href="\.\.\/style\.css"/);
    assert.equal((await get(port, '/c/999')).status, 404);
    assert.match((await get(port, '/c/999')).body.toString(), /not kept \(the page keeps the last 10\)/);

    const jsonl = await get(port, `/connections.jsonl?id=${conns[1]!.id}&id=${c.id}`);
    assert.equal(jsonl.status, 200);
    assert.match(String(jsonl.headers['content-disposition']), /^attachment; filename="tlspeek-connections\.jsonl"$/);
    // In connection order, each line exactly as JSON.stringify (what --json prints).
    assert.equal(jsonl.body.toString(), `${JSON.stringify(c)}\n${JSON.stringify(conns[1])}\n`);
    assert.equal((await get(port, '/connections.jsonl?id=1&id=999')).status, 404);
    assert.equal((await get(port, '/connections.jsonl?id=x')).status, 400);
    const all = await get(port, '/connections.jsonl');
    assert.equal(all.body.toString().split('\n').filter(Boolean).length, conns.length);

    const diff = await get(port, `/diff?id=${conns[0]!.id}&id=${conns[1]!.id}`);
    assert.equal(diff.status, 200);
    assert.match(diff.body.toString(), /<table class="diff">/);
    assert.equal((await get(port, `/diff?id=${c.id}`)).status, 400);

    const report = await get(port, '/report.html');
    assert.equal(report.status, 200);
    assert.match(report.body.toString(), /^<!DOCTYPE html>/);
    assert.match(String(report.headers['content-security-policy']), /sandbox/);
  });

  it('the event stream: a hello, then every change after Last-Event-ID, in order', async () => {
    const events = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/events', headers: { 'Last-Event-ID': '1' } }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes(`id: ${store.lastSeq}\n`)) {
            req.destroy();
            resolve(text);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') ? undefined : reject(e)));
    });
    assert.match(events, new RegExp(`event: hello\ndata: \\{"run":"${store.run}","keep":10\\}`));
    const ids = [...events.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(ids, Array.from({ length: store.lastSeq - 1 }, (_, i) => i + 2));
    // Each row is the server's rendering, escaped; one data line per event.
    for (const m of events.matchAll(/^data: (\{"id".*)$/gm)) assert.match(JSON.parse(m[1]!).row, /^<tr data-key="conn-\d+"/);
  });

  it('values from the wire are text on every page: SNI, ALPN, names', async () => {
    const evil = structuredClone(conns[0]!);
    evil.id = 77;
    evil.clientHello!.serverName = '"><img src=x onerror=alert(1)>';
    evil.clientHello!.alpn = ['</script><script>alert(2)</script>'];
    evil.client = '<b>127.0.0.1:1</b>';
    const s = new LiveStore(5);
    s.put(evil, true);
    const u = new UiServer(s, { listen: { host: '127.0.0.1', port: 0 }, title: '<i>title</i>' });
    const p = Number(new URL(await u.listen()).port);
    try {
      for (const path of ['/', '/c/77', '/report.html']) {
        const html = (await get(p, path)).body.toString();
        assert.doesNotMatch(html, /<img|<script>alert|<b>127|<i>title/, path);
        assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;|&lt;b&gt;/, path);
      }
    } finally {
      await u.close();
    }
  });

  it('with a key log, a connection page shows the decrypted TLS 1.3 CertificateRequest as decrypted', async () => {
    const file = `${CAPTURES}keylog/gnutls-tls13-mtls.pcap`;
    const secrets = (await loadKeyLogs([file.replace(/\.pcap$/, '.keys.txt')], () => {})).lookup;
    const decrypted: Connection[] = [];
    await replayFile(file, {}, { connection: (c) => decrypted.push(enrich(c)), warning: () => {} }, { secrets });
    const c = decrypted.find((x) => x.certificateRequest)!;
    assert.ok(c.decrypted, 'the capture decrypts with its key log');
    const s = new LiveStore(5);
    s.put(c, true);
    const u = new UiServer(s, { listen: { host: '127.0.0.1', port: 0 }, title: 'keys' });
    const p = Number(new URL(await u.listen()).port);
    try {
      const html = (await get(p, `/c/${c.id}`)).body.toString();
      assert.match(html, /certificate_request <span class="dim">\[decrypted\]<\/span>/);
      assert.match(html, /certificate_request \(decrypted\)<\/text>/, 'in the sequence diagram');
      const schemes = c.certificateRequest!.signatureAlgorithms!.map((x) => x.name).join(', ');
      assert.ok(html.includes(`<th>CertificateRequest signature_algorithms</th><td>${schemes}</td>`));
    } finally {
      await u.close();
    }
  });

  it('keeps --ui-keep connections and says how many went', async () => {
    const small = new LiveStore(3);
    for (let i = 1; i <= 5; i++) small.put(numbered(conns[0]!, i), false);
    small.put(numbered(conns[0]!, 5), true);
    assert.equal(small.size, 3);
    assert.equal(small.dropped, 2);
    assert.deepEqual(
      small.newestFirst().map((e) => e.id),
      [5, 4, 3],
    );
    assert.equal(small.get(1), undefined);
    const s = new UiServer(small, { listen: { host: '127.0.0.1', port: 0 }, title: 'small' });
    const p = Number(new URL(await s.listen()).port);
    try {
      assert.match((await get(p, '/')).body.toString(), /keeping the last 3 connections \(2 older ones no longer kept\)/);
    } finally {
      await s.close();
    }
  });

  it('with a token (any non-loopback address) every path needs it', async () => {
    assert.equal(needsToken({ host: '0.0.0.0', port: 1 }), true);
    assert.equal(needsToken({ host: '192.0.2.7', port: 1 }), true);
    assert.equal(needsToken({ host: '127.0.0.1', port: 1 }), false);
    assert.equal(needsToken({ host: '::1', port: 1 }), false);
    const s = new UiServer(store, { listen: { host: '127.0.0.1', port: 0 }, title: 't', token: 'abcDEF123' });
    const url = new URL(await s.listen());
    const p = Number(url.port);
    try {
      assert.equal(url.pathname, '/abcDEF123/');
      assert.equal((await get(p, '/')).status, 404);
      assert.equal((await get(p, '/abcDEF12/')).status, 404);
      assert.equal((await get(p, '/app.js')).status, 404);
      assert.equal((await get(p, '/abcDEF123/')).status, 200);
      assert.equal((await get(p, `/abcDEF123/c/${conns[0]!.id}`)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('a page that stops reading never holds more than its queue; it catches up from the store when it reads again', async () => {
    const busy = new LiveStore(50);
    const s = new UiServer(busy, { listen: { host: '127.0.0.1', port: 0 }, title: 'busy', queueBytes: 4096 });
    const p = Number(new URL(await s.listen()).port);
    const sock = net.connect(p, '127.0.0.1');
    let received = '';
    sock.on('data', (d: Buffer) => (received += d.toString('latin1')));
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\n\r\n`);
    await sleep(100);
    sock.pause();
    try {
      // Far more than loopback's socket buffers hold: ~20,000 events of ~1 KiB.
      const PUTS = 20_000;
      for (let i = 1; i <= PUTS; i++) busy.put(numbered(conns[i % conns.length]!, i), false);
      sock.resume();
      const last = busy.lastSeq;
      for (let i = 0; i < 200 && !received.includes(`id: ${last}\n`); i++) await sleep(50);
      assert.ok(received.includes(`id: ${last}\n`), 'the page got the last change');
      const got = received.match(/^id: \d+$/gm)?.length ?? 0;
      // What it missed came from the store (50 kept), not from a queue of every change.
      assert.ok(got < PUTS / 2, `${got} events for ${PUTS} changes`);
      // And it ends with the rows of the connections kept.
      const tail = [...received.matchAll(/^data: \{"id":(\d+)/gm)].map((m) => Number(m[1])).slice(-50);
      assert.deepEqual(tail, Array.from({ length: 50 }, (_, i) => PUTS - 49 + i));
    } finally {
      sock.destroy();
      await s.close();
    }
  });
});

describe('proxy --ui: the pcap download is the handshake the proxy decoded', { skip: hasCommand('openssl') ? false : 'openssl missing' }, () => {
  after(stopAll);
  it('replays to the same ClientHello and ServerHello; tshark reads it', { timeout: 120_000 }, async () => {
    const pki = await getPki();
    const server = await startSServer({ args: ['-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key, '-cert_chain', pki.serverChain] });
    const proxy = await startTestProxy(server, { ui: { listen: { host: '127.0.0.1', port: 0 }, keep: 10 } });
    const dir = mkdtempSync(join(tmpdir(), 'tlspeek-ui-pcap-'));
    try {
      for (const v of ['-tls1_2', '-tls1_3']) await runSClient({ port: proxy.port, caFile: pki.caChain, args: [v] });
      for (let i = 0; i < 100 && proxy.closed.length < 2; i++) await sleep(50);
      const port = Number(new URL(proxy.handle.uiUrl!).port);
      const r = await get(port, '/connections.pcap');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/vnd.tcpdump.pcap');
      const file = join(dir, 'ui.pcap');
      writeFileSync(file, r.body);
      const replayed = await load(file);
      assert.equal(replayed.length, 2);
      const printed = proxy.printed.sort((a, b) => a.id - b.id);
      for (const [i, c] of replayed.entries()) {
        const want = printed[i]!;
        assert.equal(c.clientHello?.random, want.clientHello?.random);
        assert.deepEqual(c.clientHello?.cipherSuites, want.clientHello?.cipherSuites);
        assert.equal(c.serverHello?.cipherSuite.name, want.serverHello?.cipherSuite.name);
        assert.equal(c.version?.name, want.version?.name);
        assert.equal(c.outcome, want.outcome);
      }
      if (hasCommand('tshark')) {
        const out = execFileSync('tshark', ['-r', file, '-Y', 'tls.handshake.type == 1', '-T', 'fields', '-e', 'tls.handshake.random'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        assert.deepEqual(out.trim().split('\n'), printed.map((c) => c.clientHello!.random));
      }
    } finally {
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('proxy --ui: the relay is byte-exact with a page connected that never reads', () => {
  it('16 MiB through an echo backend come back unchanged', { timeout: 120_000 }, async () => {
    const echo = await startEchoServer();
    const proxy = await startTestProxy(echo, { ui: { listen: { host: '127.0.0.1', port: 0 }, keep: 10 } });
    const port = Number(new URL(proxy.handle.uiUrl!).port);
    // A page that opened the event stream and then stopped reading.
    const page = net.connect(port, '127.0.0.1', () => page.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    page.pause();
    try {
      const data = randomBytes(16 << 20);
      const s = await connectSocket(proxy.port);
      const back = collectSocket(s);
      s.end(data);
      const { data: got, error } = await back;
      assert.equal(error, undefined);
      assert.equal(got.length, data.length);
      assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
      for (let i = 0; i < 100 && proxy.closed.length < 1; i++) await sleep(20);
      // The not-TLS connection is on the page, with at most UI_PCAP_BYTES of its bytes kept.
      const jsonl = await get(port, '/connections.jsonl');
      assert.equal(JSON.parse(jsonl.body.toString()).outcome, 'not-tls');
      const pcap = await get(port, '/connections.pcap');
      assert.ok(pcap.body.length < 80 * 1024, `${pcap.body.length} bytes of pcap`);
    } finally {
      page.destroy();
      await proxy.stop();
      await echo.stop();
    }
  });
});
