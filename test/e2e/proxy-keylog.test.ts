// tlspeek proxy --keylog in front of Apache httpd (TLS 1.3, SSLVerifyClient require): curl writes
// its key log (SSLKEYLOGFILE) while the handshake passes through the proxy, which follows the
// file; the proxy's report shows the decrypted CertificateRequest, and a refusal's alert.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getPki, type Pki } from '../helpers/pki.js';
import { hasCommand, runCommand, startApache, startTestProxy, stopAll, type Apache, type TestProxy } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';

const missing = ['apache2', 'curl'].filter((c) => !hasCommand(c));
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
    apache = await startApache({ pki, protocol: '-all +TLSv1.3' });
    proxy = await startTestProxy(apache, { keylog: [keys] });
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
});
