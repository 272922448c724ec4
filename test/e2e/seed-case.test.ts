// The seed case end to end, as an operator lives it: Apache httpd requiring a client
// certificate with OpenSSL's default client signature algorithms, a PKCS#1-only client
// (a smartcard stand-in: s_client -client_sigalgs RSA+SHA256:RSA+SHA384), tlspeek proxy in
// between. tlspeek flags RSA-PSS preferred and names the fix; the test applies exactly that fix
// to httpd's config, reloads it, and the finding is gone (test/e2e/pss-fix.test.ts shows the same
// fix on nginx and s_server, and for TLS 1.3 clients). Then a server that allows only
// RSA-PSS: certreq-pss-only, and the alert explained.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getPki, type Pki } from '../helpers/pki.js';
import { apacheConfig, hasCommand, runCommand, runSClient, startApache, startSServer, startTestProxy, stopAll, type TestProxy } from '../helpers/servers.js';
import type { Connection } from '../../src/tls/model.js';
import { CLIENT_SIGALGS_PKCS1_FIRST } from '../../src/rules/client-auth/pss-fix.js';

/** PKCS#1 v1.5 ahead of every RSA-PSS scheme, and RSA-PSS still there (TLS 1.3 RSA clients need it). */
function pkcs1First(names: readonly string[]): boolean {
  const lastPkcs1 = Math.max(-1, ...names.map((n, i) => (n.startsWith('rsa_pkcs1_') ? i : -1)));
  const firstPss = names.findIndex((n) => n.startsWith('rsa_pss_'));
  return lastPkcs1 >= 0 && firstPss > lastPkcs1;
}

const PKCS1_ONLY = ['-tls1_2', '-client_sigalgs', 'RSA+SHA256:RSA+SHA384'];
const skip = !hasCommand('apache2') || !hasCommand('openssl') ? 'apache2 or openssl missing' : false;

async function handshakeThrough(proxy: TestProxy, pki: Pki, port: number): Promise<Connection> {
  const before = proxy.printed.length;
  await runSClient({ port, caFile: pki.caChain, cert: pki.clientRsa, args: PKCS1_ONLY, input: 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' });
  for (let i = 0; i < 100 && proxy.printed.length === before; i++) await sleep(50);
  const c = proxy.printed[before];
  assert.ok(c, 'the proxy printed the connection');
  return c;
}

const ids = (c: Connection) => (c.findings ?? []).map((f) => f.id);

describe('seed case through tlspeek proxy', { skip }, () => {
  let pki: Pki;
  before(async () => {
    pki = await getPki();
  });
  after(stopAll);

  it('Apache default → certreq-pss-preferred with the fix; after applying the fix the finding is gone', { timeout: 90_000 }, async () => {
    const apache = await startApache({ pki });
    const proxy = await startTestProxy(apache);
    try {
      const first = await handshakeThrough(proxy, pki, proxy.port);
      const offered = first.certificateRequest?.signatureAlgorithms?.map((s) => s.name) ?? [];
      const firstPss = offered.findIndex((n) => n.startsWith('rsa_pss_'));
      const firstPkcs1 = offered.findIndex((n) => n.startsWith('rsa_pkcs1_'));
      assert.ok(firstPss >= 0 && firstPss < firstPkcs1, `RSA-PSS before PKCS#1 in httpd's default list: ${offered.join(',')}`);
      assert.ok(ids(first).includes('certreq-pss-preferred'), ids(first).join(','));
      assert.ok(!ids(first).includes('certreq-pss-only'));
      const finding = first.findings!.find((f) => f.id === 'certreq-pss-preferred')!;
      const apacheFix = /SSLOpenSSLConfCmd ClientSignatureAlgorithms (\S+)/.exec(finding.fix ?? '');
      assert.ok(apacheFix, `the finding names the Apache setting: ${finding.fix}`);
      assert.equal(apacheFix[1], CLIENT_SIGALGS_PKCS1_FIRST);

      // Apply exactly what tlspeek said, and reload httpd gracefully.
      writeFileSync(apache.conf, apacheConfig(apache.dir, apache.host, apache.port, { pki, directives: [`SSLOpenSSLConfCmd ClientSignatureAlgorithms ${apacheFix[1]}`] }));
      const reload = await runCommand('apache2', ['-f', apache.conf, '-k', 'graceful']);
      assert.equal(reload.code, 0, reload.stderr);
      let after: Connection | undefined;
      for (let i = 0; i < 20; i++) {
        await sleep(250);
        after = await handshakeThrough(proxy, pki, proxy.port);
        if (pkcs1First(after.certificateRequest?.signatureAlgorithms?.map((s) => s.name) ?? [])) break;
      }
      const list = after!.certificateRequest?.signatureAlgorithms?.map((s) => s.name) ?? [];
      assert.ok(pkcs1First(list), `PKCS#1 before RSA-PSS after the fix, RSA-PSS kept: ${list.join(',')}`);
      assert.ok(!ids(after!).some((id) => id.startsWith('certreq-pss')), ids(after!).join(','));
      assert.match(after!.certificateVerify?.signatureAlgorithm?.name ?? '', /^rsa_pkcs1_/);
      assert.equal(after!.complete, true);
    } finally {
      await proxy.stop();
      await apache.stop();
    }
  });

  it('a server allowing only RSA-PSS → certreq-pss-only and the fatal alert explained', { timeout: 60_000 }, async () => {
    const server = await startSServer({ args: ['-cert', pki.serverRsa.cert, '-key', pki.serverRsa.key, '-cert_chain', pki.serverChain, '-Verify', '1', '-CAfile', pki.caChain, '-verify_return_error', '-tls1_2', '-client_sigalgs', 'RSA-PSS+SHA256'] });
    const html = join(mkdtempSync(join(tmpdir(), 'tlspeek-e2e-')), 'proxy.html');
    const proxy = await startTestProxy(server, { html });
    try {
      const c = await handshakeThrough(proxy, pki, proxy.port);
      assert.deepEqual(c.certificateRequest?.signatureAlgorithms?.map((s) => s.name), ['rsa_pss_rsae_sha256']);
      assert.ok(ids(c).includes('certreq-pss-only'), ids(c).join(','));
      assert.ok(!ids(c).includes('certreq-pss-preferred'), 'pss-preferred is not raised when pss-only is');
      const fatal = c.findings!.find((f) => f.id === 'fatal-alert');
      assert.ok(fatal, ids(c).join(','));
      assert.match(fatal.detail, /server sent fatal handshake_failure/i);
      assert.match(fatal.detail, /client certificate/i, 'the alert is explained in terms of the missing client certificate');
      assert.equal(c.complete, false);
      // --html: written on exit, one self-contained file with the connection and its findings.
      assert.equal(await proxy.stop(), 0);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /certreq-pss-only/);
      assert.match(page, /<svg/);
      assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href=["']?https?:/, 'no external assets');
      assert.match(proxy.stderr(), /wrote .*proxy\.html \(1 connection\)/);
    } finally {
      await proxy.stop();
      await server.stop();
    }
  });
});
