// TLS 1.3 client authentication refused, as a user meets it: Apache httpd with SSLVerifyClient
// require, curl and openssl s_client through tlspeek proxy, no keys. The refusal is an encrypted
// certificate_required alert; tlspeek must not call it complete. What each client gets is the
// independent truth: curl's exit status and the page, s_client's output.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { getPki, type Pki } from '../helpers/pki.js';
import { hasCommand, runCurl, runSClient, startApache, startTestProxy, stopAll, type Apache, type ClientResult, type TestProxy } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const missing = ['apache2', 'openssl', 'curl'].filter((c) => !hasCommand(c));
const skip = missing.length ? `missing: ${missing.join(', ')}` : false;
const PAGE = /hello from tlspeek apache/;

describe('TLS 1.3 through the proxy: outcomes without keys', { skip }, () => {
  let pki: Pki;
  let apache: Apache;
  let proxy: TestProxy;
  before(async () => {
    pki = await getPki();
    apache = await startApache({ pki, protocol: '-all +TLSv1.3' });
    proxy = await startTestProxy(apache);
  });
  after(async () => {
    await proxy?.stop();
    await apache?.stop();
    await stopAll();
  });

  /** The connection the proxy reports once the client is done (printed when decided or at close). */
  async function through(client: () => Promise<ClientResult>): Promise<{ r: ClientResult; c: Connection }> {
    const before = proxy.closed.length;
    const r = await client();
    for (let i = 0; i < 100 && proxy.closed.length === before; i++) await sleep(50);
    const closed = proxy.closed[before];
    assert.ok(closed, 'the proxy saw the connection close');
    // The report as printed (with its findings): at close, for a handshake not decided before it.
    let c: Connection | undefined;
    for (let i = 0; i < 100 && !(c = proxy.printed.find((p) => p.id === closed.id)); i++) await sleep(50);
    assert.ok(c, 'the proxy printed the connection');
    assert.deepEqual([c.outcome, c.outcomeBasis], [closed.outcome, closed.outcomeBasis], 'printed and final agree');
    return { r, c };
  }
  const ids = (c: Connection) => (c.findings ?? []).map((f) => f.id);

  it('a client certificate: the page, and "complete (inferred)"', { timeout: 30_000 }, async () => {
    const { r, c } = await through(() => runCurl({ port: proxy.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['--tlsv1.3'] }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), PAGE);
    assert.equal(c.version?.code, 0x0304);
    assert.deepEqual([c.outcome, c.outcomeBasis, c.complete], ['complete', 'inferred', true]);
  });

  it('no client certificate: curl is refused, tlspeek says failed (inferred), not complete', { timeout: 30_000 }, async () => {
    const { r, c } = await through(() => runCurl({ port: proxy.port, caFile: pki.caChain, args: ['--tlsv1.3'] }));
    assert.notEqual(r.code, 0, 'curl is refused');
    assert.doesNotMatch(r.stdout.toString(), PAGE);
    assert.deepEqual([c.outcome, c.outcomeBasis, c.complete], ['failed', 'inferred', false]);
    assert.match(c.outcomeDetail, /encrypted alert \(likely fatal\)/);
    assert.ok(c.tls13Flight && c.tls13Flight.clientBytes < 300, `an empty Certificate's flight: ${JSON.stringify(c.tls13Flight)}`);
    const f = c.findings?.find((x) => x.id === 'tls13-handshake-failed');
    assert.ok(f, ids(c).join(','));
    assert.equal(f.severity, 'error');
    assert.match(f.detail, /too small to hold a certificate/);
    // The proxy summary counts it as failed, and how it knows.
    assert.ok((proxy.handle.summary.outcomes.get('failed')?.inferred ?? 0) >= 1);
  });

  it('a PKCS#1-only client (a smartcard stand-in) cannot sign in TLS 1.3: failed (inferred), RSA-PSS named as the cause', { timeout: 30_000 }, async () => {
    const { r, c } = await through(() =>
      runSClient({ port: proxy.port, caFile: pki.caChain, cert: pki.clientRsa, args: ['-tls1_3', '-client_sigalgs', 'RSA+SHA256:RSA+SHA384'], input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' }),
    );
    assert.doesNotMatch(r.stdout.toString(), PAGE, 'no page for a client that cannot sign');
    assert.deepEqual([c.outcome, c.outcomeBasis], ['failed', 'inferred']);
    assert.match(c.findings?.find((x) => x.id === 'tls13-handshake-failed')?.detail ?? '', /PKCS#1 v1\.5 \(TLS 1\.3 requires RSA-PSS/);
  });
});
