// tlspeek proxy --keylog in front of Apache httpd (TLS 1.3, SSLVerifyClient require): curl writes
// its key log (SSLKEYLOGFILE) while the handshake passes through the proxy, which follows the
// file; the proxy's report shows the decrypted CertificateRequest, and a refusal's alert. A Node
// client whose key-log lines (its 'keylog' events) are written late, or never, into the followed
// file: the records held meanwhile decrypt when the line comes within the wait (keyWaitMs), or
// the connection is reported as "no keys" when the wait is over, while it is still open.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import tls, { type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getPki, type Pki } from '../helpers/pki.js';
import { hasCommand, runCommand, startApache, startTestProxy, stopAll, type Apache, type TestProxy } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const missing = ['apache2', 'curl'].filter((c) => !hasCommand(c));
/** The proxy's wait for a key-log line here (KEY_LOG_WAIT_MS, 5 s, in real use). */
const KEY_WAIT_MS = 2000;
const skip = missing.length ? `missing: ${missing.join(', ')}` : false;

describe('proxy --keylog: the key log written while the handshake passes', { skip }, () => {
  let pki: Pki;
  let apache: Apache;
  let proxy: TestProxy;
  let dir: string;
  let keys: string;
  before(async () => {
    pki = await getPki();
    dir = mkdtempSync(join(tmpdir(), 'tlspeek-proxy-keylog-'));
    keys = join(dir, 'keys.log'); // does not exist yet: the proxy waits for it
    // KeepAlive: a connection stays open after its response, as a browser's does.
    apache = await startApache({ pki, protocol: '-all +TLSv1.3', directives: ['KeepAlive On', 'KeepAliveTimeout 30'] });
    proxy = await startTestProxy(apache, { keylog: [keys], keyWaitMs: KEY_WAIT_MS });
  });
  after(async () => {
    await proxy?.stop();
    await apache?.stop();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  async function curl(withCert: boolean): Promise<{ code: number | null; c: Connection }> {
    const before = proxy.closed.length;
    const args = ['-sS', '--max-time', '10', '--http1.1', '--tlsv1.3', '--resolve', `localhost:${proxy.port}:127.0.0.1`, '--cacert', pki.caChain];
    if (withCert) args.push('--cert', pki.clientRsa.cert, '--key', pki.clientRsa.key);
    const r = await runCommand('env', [`SSLKEYLOGFILE=${keys}`, 'curl', ...args, `https://localhost:${proxy.port}/`]);
    for (let i = 0; i < 100 && proxy.closed.length === before; i++) await sleep(50);
    const closed = proxy.closed[before];
    assert.ok(closed, 'closed');
    let c: Connection | undefined;
    for (let i = 0; i < 100 && !(c = proxy.printed.find((p) => p.id === closed.id)); i++) await sleep(50);
    assert.ok(c, 'printed');
    return { code: r.code, c };
  }

  it('a client certificate: the CertificateRequest and both certificates decrypted, complete (seen)', { timeout: 30_000 }, async () => {
    const { code, c } = await curl(true);
    assert.equal(code, 0);
    assert.equal(c.decrypted, true, c.decryption);
    assert.equal(c.certificateRequest?.requestContext, '');
    assert.ok(c.certificateRequest?.signatureAlgorithms?.some((s) => s.name === 'rsa_pss_rsae_sha256'));
    assert.equal(c.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
    assert.equal(c.certificateVerify?.signatureAlgorithm?.name, 'rsa_pss_rsae_sha256');
    assert.deepEqual([c.outcome, c.outcomeBasis], ['complete', 'seen']);
    assert.ok(c.messages.some((m) => m.decrypted && m.type?.name === 'certificate_request'));
  });

  it('no client certificate: the decrypted alert says certificate_required, failed (seen)', { timeout: 30_000 }, async () => {
    const { code, c } = await curl(false);
    assert.notEqual(code, 0);
    assert.equal(c.decrypted, true, c.decryption);
    assert.deepEqual(c.clientCertificates, []);
    assert.ok(c.alerts.some((a) => a.decrypted && a.description?.name === 'certificate_required'), JSON.stringify(c.alerts));
    assert.deepEqual([c.outcome, c.outcomeBasis], ['failed', 'seen']);
    assert.equal(c.findings?.[0]?.id, 'client-cert-missing', 'the cause first');
  });

  /**
   * A Node TLS 1.3 client with the client certificate, through the proxy: its key-log lines go to
   * `keylog` (not to the followed file); one request, answered; the connection is left open.
   */
  async function nodeClient(keylog: (line: Buffer) => void): Promise<{ socket: TLSSocket; openedAt: number; response: string }> {
    const openedAt = Date.now();
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: proxy.port,
        servername: 'localhost',
        ca: readFileSync(pki.caChain),
        cert: readFileSync(pki.clientRsa.cert),
        key: readFileSync(pki.clientRsa.key),
        minVersion: 'TLSv1.3',
      });
      s.on('keylog', keylog);
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    });
    let response = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (response += d));
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    for (let i = 0; i < 100 && !response.includes('hello from tlspeek apache'); i++) await sleep(20);
    return { socket, openedAt, response };
  }

  async function printedAfter(before: number, ms: number): Promise<Connection | undefined> {
    let c: Connection | undefined;
    for (let i = 0; i < ms / 20 && !(c = proxy.printed[before]); i++) await sleep(20);
    return c;
  }

  it('the key-log line never comes: reported as "no keys" once the wait is over, while the connection is open', { timeout: 30_000 }, async () => {
    const before = proxy.printed.length;
    const closedBefore = proxy.closed.length;
    const { socket, openedAt, response } = await nodeClient(() => {}); // its lines go nowhere
    try {
      assert.match(response, /^HTTP\/1\.1 200/);
      assert.equal(proxy.printed.length, before, 'not reported while it waits for its line');
      const c = await printedAfter(before, KEY_WAIT_MS + 3000);
      const after = Date.now() - openedAt;
      assert.ok(c, 'reported');
      assert.ok(after >= KEY_WAIT_MS - 100 && after < KEY_WAIT_MS + 2000, `reported after ${after} ms, the wait is ${KEY_WAIT_MS}`);
      assert.equal(socket.destroyed, false, 'the connection is still open');
      assert.equal(proxy.closed.length, closedBefore, 'its close not seen yet');
      assert.equal(c.decrypted, false);
      assert.equal(c.decryption, `no keys: no key-log line for this connection within ${KEY_WAIT_MS / 1000} s`);
      assert.equal(c.certificateRequest, undefined);
      assert.deepEqual([c.outcome, c.outcomeBasis], ['complete', 'inferred'], 'judged as without a key log');
      assert.ok(c.findings?.some((f) => f.id === 'tls13-client-auth-hidden'), 'what can still be seen, said as without a key log');
    } finally {
      socket.destroy();
    }
  });

  it('the key-log line comes late, within the wait: the held records decrypt, the CertificateRequest is reported', { timeout: 30_000 }, async () => {
    const before = proxy.printed.length;
    const lines: Buffer[] = [];
    const { socket, openedAt, response } = await nodeClient((l) => lines.push(l));
    try {
      assert.match(response, /^HTTP\/1\.1 200/);
      assert.ok(lines.length >= 5, 'the client wrote its TLS 1.3 lines');
      await sleep(KEY_WAIT_MS / 4);
      assert.equal(proxy.printed.length, before, 'held while the line is missing');
      appendFileSync(keys, Buffer.concat(lines));
      const c = await printedAfter(before, KEY_WAIT_MS);
      assert.ok(c, 'reported');
      assert.ok(Date.now() - openedAt < KEY_WAIT_MS, 'when the line came, not when the wait was over');
      assert.equal(socket.destroyed, false, 'the connection is still open');
      assert.equal(c.decrypted, true, c.decryption);
      assert.equal(c.decryption, undefined);
      assert.equal(c.certificateRequest?.requestContext, '');
      assert.ok(c.certificateRequest?.signatureAlgorithms?.some((s) => s.name === 'rsa_pss_rsae_sha256'));
      assert.equal(c.clientCertificates?.[0]?.subject, 'CN=client-rsa,O=tlspeek test PKI');
      assert.deepEqual([c.outcome, c.outcomeBasis], ['complete', 'seen']);
    } finally {
      socket.destroy();
    }
  });
});
